// What the file-system syscall families share: reading path arguments,
// finding the directory a relative path starts from (dirfd), looking paths up
// with the *at flags, and scratch space for structs on their way to the guest.
import { EBADF, ENOENT, ENOTDIR } from '../errno';
import { AT_FDCWD, PATH_MAX } from '../abi/fcntl';
import { ENAMETOOLONG } from '../errno';
import type { Task } from '../task';
import { Dentry } from '../vfs/dentry';
import type { FileDescription } from '../vfs/file';
import { LOOKUP_DIRECTORY, LOOKUP_FOLLOW, walk } from '../vfs/namei';

/** Scratch for structs and directory records before copyOut (never held across a block). */
export const scratch = new Uint8Array(64 * 1024);
export const scratchDv = new DataView(scratch.buffer);

/** A path argument: the string (latin1 of the raw bytes; may be empty), or -EFAULT /
 *  -ENAMETOOLONG (no NUL within PATH_MAX bytes). */
export function readPath(t: Task, addr: number): string | number {
  return t.mm.readCString(addr, PATH_MAX, ENAMETOOLONG);
}

/** The open file at fd, or null (EBADF). */
export function getFile(t: Task, fd: number): FileDescription | null {
  return t.files.get(fd);
}

/** The open file at fd unless it is an O_PATH one (those give EBADF for I/O). */
export function getIoFile(t: Task, fd: number): FileDescription | null {
  const f = t.files.get(fd);
  return f !== null && !f.isPath ? f : null;
}

/** Where path starts: the root for an absolute path (dirfd is then ignored, even when bad),
 *  the cwd for AT_FDCWD, else dirfd's directory. No reference is taken. */
export function startDir(t: Task, dirfd: number, path: string): Dentry | number {
  if (path.charCodeAt(0) === 47) return t.fs.root;
  if (dirfd === AT_FDCWD) return t.fs.cwd;
  const f = t.files.get(dirfd);
  if (f === null) return -EBADF;
  const d = f.dentry;
  if (d === null || !d.inode.isDir) return -ENOTDIR;
  return d;
}

export const AT_FOLLOW = 1, AT_EMPTY_OK = 2, AT_DIR = 4;

/**
 * Looks up (dirfd, pathAddr) as the *at calls do. `how`: AT_FOLLOW (follow a final symlink),
 * AT_EMPTY_OK (AT_EMPTY_PATH: an empty or NULL path names dirfd itself), AT_DIR (must be a
 * directory). Returns a Dentry with a reference taken (the caller puts it), or — for an empty
 * path — the file at dirfd itself (no reference; it may have no path, e.g. a pipe), or -errno.
 */
export function lookupAt(t: Task, dirfd: number, pathAddr: number, how: number): Dentry | FileDescription | number {
  let p: string | number;
  if (pathAddr === 0 && (how & AT_EMPTY_OK)) p = '';
  else p = readPath(t, pathAddr);
  if (typeof p === 'number') return p;
  return lookupPathAt(t, dirfd, p, how);
}

/** lookupAt for a path already read. */
export function lookupPathAt(t: Task, dirfd: number, p: string, how: number): Dentry | FileDescription | number {
  if (p.length === 0) {
    if (!(how & AT_EMPTY_OK)) return -ENOENT;
    if (dirfd === AT_FDCWD) return t.fs.cwd.get();
    const f = t.files.get(dirfd);
    if (f === null) return -EBADF;
    if ((how & AT_DIR) && (f.dentry === null || !f.dentry.inode.isDir)) return -ENOTDIR;
    return f;
  }
  const s = startDir(t, dirfd, p);
  if (typeof s === 'number') return s;
  return walk(t.fs.ctx(t), s, p, (how & AT_FOLLOW ? LOOKUP_FOLLOW : 0) | (how & AT_DIR ? LOOKUP_DIRECTORY : 0));
}

export { Dentry };

/** Writes a latin1 string (raw bytes) into dst at off; returns the byte count. */
export function putBytes(dst: Uint8Array, off: number, s: string): number {
  for (let i = 0; i < s.length; i++) dst[off + i] = s.charCodeAt(i) & 0xff;
  return s.length;
}
