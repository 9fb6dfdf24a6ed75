// Directories: getdents64, getdents, getcwd, chdir, fchdir, chroot.
import { EBADF, EFAULT, ENOENT, ENOTDIR, EPERM, ERANGE } from '../errno';
import { AT_FDCWD } from '../abi/fcntl';
import { dirent64ToDirent } from '../abi/dirent';
import type { Task } from '../task';
import { MAY_EXEC, permission } from '../vfs/perm';
import { AT_DIR, AT_FOLLOW, Dentry, getIoFile, lookupAt, putBytes, scratch, scratchDv } from './fs_common';
import type { Handler } from './types';

/** Records per call are bounded by the scratch buffer; asking for more simply returns fewer
 *  entries per call, which getdents allows. */
const DIRENT_MAX = 32 * 1024;

function doGetdents(t: Task, old: boolean): number {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  const buf = t.regs.arg(1);
  const count = Math.min(t.regs.argInt(2) >>> 0, DIRENT_MAX);
  // The destination must be writable before entries are consumed from the directory.
  if (count > 0 && t.mm.translate(buf, count, true) < 0) return -EFAULT;
  const n = f.getdents64(t, scratch, 0, count);
  if (n <= 0) return n;
  if (old) dirent64ToDirent(scratch, scratchDv, 0, n);
  const e = t.mm.copyOut(buf, scratch, 0, n);
  return e < 0 ? e : n;
}

/** implements Linux getdents64(2) */
export const sysGetdents64: Handler = (t) => doGetdents(t, false);

/** implements Linux getdents(2): the same records with d_type moved to the end. */
export const sysGetdents: Handler = (t) => doGetdents(t, true);

/** implements Linux getcwd(2) */
export const sysGetcwd: Handler = (t) => {
  const buf = t.regs.arg(0), size = t.regs.arg(1);
  const cwd = t.fs.cwd, root = t.fs.root;
  // A removed working directory has no path (Linux: ENOENT).
  if (cwd.deleted) return -ENOENT;
  let path = cwd.path(root);
  if (!cwd.isUnder(root)) path = '(unreachable)' + path;
  const len = path.length + 1;
  if (len > size) return -ERANGE;
  if (len > scratch.length) return -ERANGE;
  putBytes(scratch, 0, path);
  scratch[path.length] = 0;
  const e = t.mm.copyOut(buf, scratch, 0, len);
  return e < 0 ? e : len;
};

/** Sets cwd (or root) to a directory the caller may search; takes over the dentry reference. */
function enter(t: Task, d: Dentry, asRoot: boolean): number {
  if (!d.inode.isDir) { d.put(); return -ENOTDIR; }
  const e = permission(d.inode, t.creds, MAY_EXEC);
  if (e < 0) { d.put(); return e; }
  if (asRoot) t.fs.setRoot(d); else t.fs.setCwd(d);
  d.put();
  return 0;
}

/** implements Linux chdir(2) */
export const sysChdir: Handler = (t) => {
  const d = lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW | AT_DIR);
  if (typeof d === 'number') return d;
  return enter(t, d as Dentry, false);
};

/** implements Linux fchdir(2) (O_PATH fds too) */
export const sysFchdir: Handler = (t) => {
  const f = t.files.get(t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (f.dentry === null) return -ENOTDIR;
  return enter(t, f.dentry.get(), false);
};

/** implements Linux chroot(2): needs CAP_SYS_CHROOT (the sandbox's root user has it). */
export const sysChroot: Handler = (t) => {
  const d = lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW | AT_DIR);
  if (typeof d === 'number') return d;
  if (t.creds.euid !== 0) { (d as Dentry).put(); return -EPERM; }
  return enter(t, d as Dentry, true);
};

export const fsDirSyscalls: Record<string, Handler> = {
  getdents64: sysGetdents64,
  getdents: sysGetdents,
  getcwd: sysGetcwd,
  chdir: sysChdir,
  fchdir: sysFchdir,
  chroot: sysChroot,
};
