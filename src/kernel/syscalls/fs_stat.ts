// Looking at files without opening them: stat, lstat, fstat, newfstatat, statx,
// readlink, readlinkat, access, faccessat, faccessat2.
import { EBADF, EINVAL, ENOENT } from '../errno';
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_STATX_SYNC_TYPE, AT_SYMLINK_NOFOLLOW, PATH_MAX,
} from '../abi/fcntl';
import { STAT_SIZE, STATX_STRUCT_SIZE, STATX__RESERVED } from '../abi/stat';
import { STATFS_SIZE } from '../abi/statfs';
import type { Task } from '../task';
import type { FileDescription } from '../vfs/file';
import { permission } from '../vfs/perm';
import { AT_EMPTY_OK, AT_FOLLOW, Dentry, getFile, lookupAt, lookupPathAt, putBytes, readPath, scratch, scratchDv } from './fs_common';
import type { Handler } from './types';

/** Fills a struct stat for a lookup result into scratch and copies it out; puts the dentry. */
function statOut(t: Task, target: Dentry | FileDescription | number, buf: number): number {
  if (typeof target === 'number') return target;
  let r: number;
  if (target instanceof Dentry) { r = target.inode.stat(scratchDv, 0); target.put(); } else r = target.stat(scratchDv, 0);
  if (r < 0) return r;
  return t.mm.copyOut(buf, scratch, 0, STAT_SIZE);
}

/** implements Linux stat(2) */
export const sysStat: Handler = (t) => statOut(t, lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW), t.regs.arg(1));

/** implements Linux lstat(2) */
export const sysLstat: Handler = (t) => statOut(t, lookupAt(t, AT_FDCWD, t.regs.arg(0), 0), t.regs.arg(1));

/** implements Linux fstat(2) (O_PATH fds too) */
export const sysFstat: Handler = (t) => {
  const f = getFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  return statOut(t, f, t.regs.arg(1));
};

const FSTATAT_FLAGS = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH;

/** implements Linux newfstatat(2) */
export const sysNewfstatat: Handler = (t) => {
  const dirfd = t.regs.argInt(0), pathAddr = t.regs.arg(1), buf = t.regs.arg(2), flags = t.regs.argInt(3);
  // vfs_fstatat: the name is read first (EFAULT, ENOENT for ""), then the flags are checked.
  let p: string | number = pathAddr === 0 && (flags & AT_EMPTY_PATH) ? '' : readPath(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p.length === 0 && !(flags & AT_EMPTY_PATH)) return -ENOENT;
  if (flags & ~FSTATAT_FLAGS) return -EINVAL;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  return statOut(t, lookupPathAt(t, dirfd, p, how), buf);
};

const STATX_FLAGS = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE;

/** implements Linux statx(2) */
export const sysStatx: Handler = (t) => {
  const dirfd = t.regs.argInt(0), pathAddr = t.regs.arg(1), flags = t.regs.argInt(2);
  const mask = t.regs.argInt(3) >>> 0, buf = t.regs.arg(4);
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -EINVAL;
  if (mask & STATX__RESERVED) return -EINVAL;
  const p: string | number = pathAddr === 0 && (flags & AT_EMPTY_PATH) ? '' : readPath(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p.length === 0 && !(flags & AT_EMPTY_PATH)) return -ENOENT;
  if (flags & ~STATX_FLAGS) return -EINVAL;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  const target = lookupPathAt(t, dirfd, p, how);
  if (typeof target === 'number') return target;
  let r: number;
  if (target instanceof Dentry) {
    r = target.inode.statx(scratchDv, 0, mask, flags);
    target.put();
  } else {
    r = target.statx(scratchDv, 0, mask, flags);
  }
  if (r < 0) return r;
  return t.mm.copyOut(buf, scratch, 0, STATX_STRUCT_SIZE);
};

// ---- readlink

function doReadlink(t: Task, dirfd: number, pathAddr: number, buf: number, bufsiz: number): number {
  if (bufsiz <= 0) return -EINVAL;
  const p = readPath(t, pathAddr);
  if (typeof p === 'number') return p;
  const target = lookupPathAt(t, dirfd, p, AT_EMPTY_OK);
  if (typeof target === 'number') return target;
  const d = target instanceof Dentry ? target : target.dentry;
  let r: string | number;
  if (d === null || !d.inode.isSymlink) r = p.length === 0 ? -ENOENT : -EINVAL;
  else r = d.inode.readlink(t.fs.ctx(t));
  if (target instanceof Dentry) target.put();
  if (typeof r === 'number') return r;
  const n = Math.min(r.length, bufsiz, PATH_MAX);
  putBytes(scratch, 0, r.length > n ? r.slice(0, n) : r);
  const e = t.mm.copyOut(buf, scratch, 0, n);
  return e < 0 ? e : n;
}

/** implements Linux readlink(2) */
export const sysReadlink: Handler = (t) => doReadlink(t, AT_FDCWD, t.regs.arg(0), t.regs.arg(1), t.regs.argInt(2));

/** implements Linux readlinkat(2) */
export const sysReadlinkat: Handler = (t) =>
  doReadlink(t, t.regs.argInt(0), t.regs.arg(1), t.regs.arg(2), t.regs.argInt(3));

// ---- access

const ACCESS_FLAGS = AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH;

function doAccess(t: Task, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (mode & ~7) return -EINVAL;
  if (flags & ~ACCESS_FLAGS) return -EINVAL;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  const target = lookupAt(t, dirfd, pathAddr, how);
  if (typeof target === 'number') return target;
  const d = target instanceof Dentry ? target : target.dentry;
  // access(2) checks with the real ids unless AT_EACCESS; F_OK (0) only asks for existence.
  const r = d === null ? 0 : permission(d.inode, t.creds, mode, (flags & AT_EACCESS) === 0);
  if (target instanceof Dentry) target.put();
  return r;
}

/** implements Linux access(2) */
export const sysAccess: Handler = (t) => doAccess(t, AT_FDCWD, t.regs.arg(0), t.regs.argInt(1), 0);

/** implements Linux faccessat(2) (the syscall has no flags argument) */
export const sysFaccessat: Handler = (t) => doAccess(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), 0);

/** implements Linux faccessat2(2) */
export const sysFaccessat2: Handler = (t) =>
  doAccess(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), t.regs.argInt(3));

// ---- statfs

function statfsOut(t: Task, target: Dentry | FileDescription | number, buf: number): number {
  if (typeof target === 'number') return target;
  const d = target instanceof Dentry ? target : target.dentry;
  const r = d === null ? -EBADF : d.inode.statfs(scratchDv, 0);
  if (target instanceof Dentry) target.put();
  if (r < 0) return r;
  return t.mm.copyOut(buf, scratch, 0, STATFS_SIZE);
}

/** implements Linux statfs(2) */
export const sysStatfs: Handler = (t) => statfsOut(t, lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW), t.regs.arg(1));

/** implements Linux fstatfs(2) (O_PATH fds too) */
export const sysFstatfs: Handler = (t) => {
  const f = getFile(t, t.regs.argInt(0));
  return f === null ? -EBADF : statfsOut(t, f, t.regs.arg(1));
};

export const fsStatSyscalls: Record<string, Handler> = {
  stat: sysStat,
  lstat: sysLstat,
  fstat: sysFstat,
  newfstatat: sysNewfstatat,
  statx: sysStatx,
  readlink: sysReadlink,
  readlinkat: sysReadlinkat,
  access: sysAccess,
  faccessat: sysFaccessat,
  faccessat2: sysFaccessat2,
  statfs: sysStatfs,
  fstatfs: sysFstatfs,
};
