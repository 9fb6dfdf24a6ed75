// /proc/<pid>/mounts and mountinfo (fs/proc_namespace.c): the mounts visible
// from the process's root, from the VFS's mount table (vfs.mounts.list).
// Paths are escaped as Linux's mangle() does (space, tab, newline, backslash
// as octal).
import { devMajor, devMinor } from '../abi/stat';
import type { Task } from '../task';
import type { Dentry } from './dentry';

/** One row of the VFS's mount listing (see mount.ts). */
interface MountRow {
  readonly id: number;
  readonly parentId: number;
  readonly source: string;
  readonly mountpoint: string;
  readonly root: string;
  readonly fsType: string;
  readonly options: string;
  readonly superOptions: string;
  readonly dev: number;
}

function rows(t: Task): MountRow[] {
  const table = (t.kernel.vfs as unknown as { mounts?: { list(root: Dentry): MountRow[] } }).mounts;
  if (table !== undefined) return table.list(t.fs.root);
  // The fixed tree of a VFS without a mount table: the root, /proc and /dev.
  const root = t.kernel.vfs.root;
  const out: MountRow[] = [];
  const add = (d: Dentry, parentId: number, source: string, options: string): number => {
    const sb = d.inode.sb;
    out.push({ id: sb.mntId, parentId, source, mountpoint: d.path(t.fs.root), root: '/', fsType: sb.fsType,
      options, superOptions: options, dev: sb.dev });
    return sb.mntId;
  };
  const rootId = add(root, root.inode.sb.mntId, 'none', root.inode.sb.readonly ? 'ro,relatime' : 'rw,relatime');
  for (const d of root.children?.values() ?? []) {
    if (d.inode.sb !== root.inode.sb) add(d, rootId, d.inode.sb.fsType, 'rw,nosuid,nodev,noexec,relatime');
  }
  return out;
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
