// /proc/<pid>/mounts and mountinfo (fs/proc_namespace.c): the mounts visible
// from the process's root, from the VFS's mount table (vfs.mounts.list).
// Paths are escaped as Linux's mangle() does (space, tab, newline, backslash
// as octal).
import { devMajor, devMinor } from '../abi/stat';
import type { Task } from '../task';
import type { MountEntry as MountRow } from './mount';

function rows(t: Task): MountRow[] {
  return t.kernel.vfs.mounts.list(t.fs.root);
}

/** mangle(): the characters that would break the line, as \ooo. */
function mangle(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** The options /proc/mounts shows: the mount's, then the file system's own (without rw/ro and
 *  what the mount's already say). */
function mountsOptions(r: MountRow): string {
  const have = new Set(r.options.split(','));
  const extra = r.superOptions.split(',').filter((o) => o !== '' && o !== 'rw' && o !== 'ro' && !have.has(o));
  return [r.options, ...extra].join(',');
}

/** mountinfo's super options: rw or ro, then the file system's own. */
function superOptions(r: MountRow): string {
  const own = r.superOptions.split(',').filter((o) => o !== '' && o !== 'rw' && o !== 'ro' &&
    !['nosuid', 'nodev', 'noexec', 'relatime', 'noatime', 'strictatime', 'nodiratime'].includes(o));
  const rw = r.superOptions.split(',').includes('ro') ? 'ro' : 'rw';
  return [rw, ...own].join(',');
}

export function procMounts(t: Task): string {
  return rows(t).map((r) => `${mangle(r.source)} ${mangle(r.mountpoint)} ${r.fsType} ${mountsOptions(r)} 0 0\n`).join('');
}

export function procMountinfo(t: Task): string {
  return rows(t).map((r) =>
    `${r.id} ${r.parentId} ${devMajor(r.dev)}:${devMinor(r.dev)} ${mangle(r.root)} ${mangle(r.mountpoint)} ` +
    `${r.options} - ${r.fsType} ${mangle(r.source)} ${superOptions(r)}\n`).join('');
}
