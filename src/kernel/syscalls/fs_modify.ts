// Changing the tree and its attributes: mkdir, mknod, symlink, link, unlink,
// rmdir, rename, truncate, chmod, chown, utimes and friends, fallocate, and the
// sync calls. In this slice the root (hostfs) is read-only, so every change to
// it fails with EROFS, after the same checks Linux makes first (a missing
// parent is ENOENT, an existing name for mkdir is EEXIST, ...). procfs and
// devfs create nothing (EPERM, what Linux gives a directory without the
// operation); the overlay that makes writes succeed comes later.
import {
  EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, ENODEV, ENOENT, ENOTEMPTY, EOPNOTSUPP, EPERM, EROFS, ESPIPE, EXDEV,
} from '../errno';
import { S_IFBLK, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../abi/stat';
import { AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW } from '../abi/fcntl';
import type { Task } from '../task';
import type { Dentry } from '../vfs/dentry';
import type { Inode } from '../vfs/inode';
import { LAST_DOT, LAST_DOTDOT, LAST_NORM, LAST_ROOT, lookupChild, walkParent, type ParentResult } from '../vfs/namei';
import { MAY_EXEC, MAY_WRITE, modePermission, permission } from '../vfs/perm';
import {
  AT_EMPTY_OK, AT_FOLLOW, Dentry as DentryClass, getIoFile, lookupAt, readPath, scratch, scratchDv, startDir,
} from './fs_common';
import type { Handler } from './types';

/** walkParent for (dirfd, pathAddr). */
function parentAt(t: Task, dirfd: number, pathAddr: number): ParentResult | number {
  const p = readPath(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p.length === 0) return -ENOENT;
  const s = startDir(t, dirfd, p);
  if (typeof s === 'number') return s;
  return walkParent(t.fs.ctx(t), s, p);
}

/** Does `name` exist in dir? 1, 0 (ENOENT), or -errno (search permission, ...). */
function exists(t: Task, dir: Dentry, name: string): number {
  const i = dir.inode;
  const e = modePermission(i.mode, i.uid, i.gid, t.creds, MAY_EXEC);
  if (e < 0) return e;
  const c = lookupChild(t.fs.ctx(t), dir, name);
  if (typeof c === 'number') return c === -ENOENT ? 0 : c;
  c.get().put();
  return 1;
}

/** The error for changing something in a file system that cannot change: EROFS on the
 *  read-only root, EPERM elsewhere. */
function cannotChange(i: Inode): number { return i.sb.readonly ? -EROFS : -EPERM; }

/** filename_create: the checks before creating (dirfd, path) (mkdir, mknod, symlink, link). */
function createAt(t: Task, dirfd: number, pathAddr: number, isDir: boolean): number {
  const r = parentAt(t, dirfd, pathAddr);
  if (typeof r === 'number') return r;
  let e: number;
  if (r.type !== LAST_NORM) e = -EEXIST;
  else {
    const x = exists(t, r.dir, r.last);
    if (x < 0) e = x;
    else if (x === 1) e = -EEXIST;
    else if (r.trailingSlash && !isDir) e = -ENOENT;
    else e = cannotChange(r.dir.inode);
  }
  r.dir.put();
  return e;
}

/** implements Linux mkdir(2) */
export const sysMkdir: Handler = (t) => createAt(t, AT_FDCWD, t.regs.arg(0), true);
/** implements Linux mkdirat(2) */
export const sysMkdirat: Handler = (t) => createAt(t, t.regs.argInt(0), t.regs.arg(1), true);

const MKNOD_TYPES = [0, 0o100000, 0o020000, 0o060000, 0o010000, 0o140000];

function doMknod(t: Task, dirfd: number, pathAddr: number, mode: number): number {
  const type = mode & S_IFMT;
  if (type === S_IFDIR) return -EPERM;
  if (!MKNOD_TYPES.includes(type)) return -EINVAL;
  return createAt(t, dirfd, pathAddr, false);
}
/** implements Linux mknod(2) */
export const sysMknod: Handler = (t) => doMknod(t, AT_FDCWD, t.regs.arg(0), t.regs.argInt(1) >>> 0);
/** implements Linux mknodat(2) */
export const sysMknodat: Handler = (t) => doMknod(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2) >>> 0);

function doSymlink(t: Task, targetAddr: number, dirfd: number, pathAddr: number): number {
  const target = readPath(t, targetAddr);
  if (typeof target === 'number') return target;
  if (target.length === 0) return -ENOENT;
  return createAt(t, dirfd, pathAddr, false);
}
/** implements Linux symlink(2) */
export const sysSymlink: Handler = (t) => doSymlink(t, t.regs.arg(0), AT_FDCWD, t.regs.arg(1));
/** implements Linux symlinkat(2) */
export const sysSymlinkat: Handler = (t) => doSymlink(t, t.regs.arg(0), t.regs.argInt(1), t.regs.arg(2));

function doLink(t: Task, olddfd: number, oldAddr: number, newdfd: number, newAddr: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const how = (flags & AT_SYMLINK_FOLLOW ? AT_FOLLOW : 0) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  const old = lookupAt(t, olddfd, oldAddr, how);
  if (typeof old === 'number') return old;
  const oldD = old instanceof DentryClass ? old : null;
  const e = createAt(t, newdfd, newAddr, false);
  const isDir = oldD !== null ? oldD.inode.isDir : false;
  if (oldD !== null) oldD.put();
  if (e === -EPERM && isDir) return -EPERM;
  return e;
}
/** implements Linux link(2) */
export const sysLink: Handler = (t) => doLink(t, AT_FDCWD, t.regs.arg(0), AT_FDCWD, t.regs.arg(1), 0);
/** implements Linux linkat(2) */
export const sysLinkat: Handler = (t) =>
  doLink(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), t.regs.arg(3), t.regs.argInt(4));

/** do_unlinkat / do_rmdir: the parent must resolve; then the mount must be writable. */
function removeAt(t: Task, dirfd: number, pathAddr: number, isDir: boolean): number {
  const r = parentAt(t, dirfd, pathAddr);
  if (typeof r === 'number') return r;
  let e: number;
  if (isDir && r.type === LAST_DOTDOT) e = -ENOTEMPTY;
  else if (isDir && r.type === LAST_DOT) e = -EINVAL;
  else if (isDir && r.type === LAST_ROOT) e = -EBUSY;
  else if (!isDir && r.type !== LAST_NORM) e = -EISDIR;
  else if (r.dir.inode.sb.readonly) e = -EROFS;
  else {
    const x = exists(t, r.dir, r.last);
    e = x < 0 ? x : x === 0 ? -ENOENT : -EPERM;
  }
  r.dir.put();
  return e;
}
/** implements Linux unlink(2) */
export const sysUnlink: Handler = (t) => removeAt(t, AT_FDCWD, t.regs.arg(0), false);
/** implements Linux rmdir(2) */
export const sysRmdir: Handler = (t) => removeAt(t, AT_FDCWD, t.regs.arg(0), true);
/** implements Linux unlinkat(2) */
export const sysUnlinkat: Handler = (t) => {
  const flags = t.regs.argInt(2);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return removeAt(t, t.regs.argInt(0), t.regs.arg(1), (flags & AT_REMOVEDIR) !== 0);
};

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

function doRename(t: Task, olddfd: number, oldAddr: number, newdfd: number, newAddr: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && (flags & RENAME_EXCHANGE)) return -EINVAL;
  const a = parentAt(t, olddfd, oldAddr);
  if (typeof a === 'number') return a;
  const b = parentAt(t, newdfd, newAddr);
  if (typeof b === 'number') { a.dir.put(); return b; }
  let e: number;
  if (a.dir.inode.sb !== b.dir.inode.sb) e = -EXDEV;
  else if (a.type !== LAST_NORM) e = -EBUSY;
  else if (b.type !== LAST_NORM) e = flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
  else e = cannotChange(a.dir.inode);
  a.dir.put();
  b.dir.put();
  return e;
}
/** implements Linux rename(2) */
export const sysRename: Handler = (t) => doRename(t, AT_FDCWD, t.regs.arg(0), AT_FDCWD, t.regs.arg(1), 0);
/** implements Linux renameat(2) */
export const sysRenameat: Handler = (t) =>
  doRename(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), t.regs.arg(3), 0);
/** implements Linux renameat2(2) */
export const sysRenameat2: Handler = (t) =>
  doRename(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), t.regs.arg(3), t.regs.argInt(4));

/** implements Linux truncate(2) */
export const sysTruncate: Handler = (t) => {
  if (t.regs.argLong(1) < 0) return -EINVAL;
  const d = lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW);
  if (typeof d === 'number') return d;
  const dd = d as Dentry;
  const i = dd.inode;
  const e = i.isDir ? -EISDIR : !i.isReg ? -EINVAL : permission(i, t.creds, MAY_WRITE);
  dd.put();
  return e < 0 ? e : cannotChange(i);
};

/** implements Linux ftruncate(2): only files open for writing (none on a read-only root). */
export const sysFtruncate: Handler = (t) => {
  if (t.regs.argLong(1) < 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (!f.writable || f.dentry === null || !f.dentry.inode.isReg) return -EINVAL;
  return cannotChange(f.dentry.inode);
};

// ---- attributes: chmod, chown, utimes

/** Applies an attribute change to a lookup result (puts it). */
function setattr(target: Dentry | { dentry: Dentry | null } | number, onOtherFs: number): number {
  if (typeof target === 'number') return target;
  const d = target instanceof DentryClass ? target : (target as { dentry: Dentry | null }).dentry;
  const e = d === null ? -EPERM : d.inode.sb.readonly ? -EROFS : onOtherFs;
  if (target instanceof DentryClass) target.put();
  return e;
}

function fdTarget(t: Task, fd: number): { dentry: Dentry | null } | number {
  const f = getIoFile(t, fd);
  return f === null ? -EBADF : f;
}

/** implements Linux chmod(2) */
export const sysChmod: Handler = (t) => setattr(lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW), -EPERM);
/** implements Linux fchmod(2) */
export const sysFchmod: Handler = (t) => setattr(fdTarget(t, t.regs.argInt(0)), -EPERM);
/** implements Linux fchmodat(2) */
export const sysFchmodat: Handler = (t) => setattr(lookupAt(t, t.regs.argInt(0), t.regs.arg(1), AT_FOLLOW), -EPERM);
/** implements Linux fchmodat2(2) */
export const sysFchmodat2: Handler = (t) => {
  const flags = t.regs.argInt(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  const target = lookupAt(t, t.regs.argInt(0), t.regs.arg(1), how);
  if (target instanceof DentryClass && target.inode.isSymlink) { target.put(); return -EOPNOTSUPP; }
  return setattr(target, -EPERM);
};

function chownAt(t: Task, dirfd: number, pathAddr: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  return setattr(lookupAt(t, dirfd, pathAddr, how), -EPERM);
}
/** implements Linux chown(2) */
export const sysChown: Handler = (t) => chownAt(t, AT_FDCWD, t.regs.arg(0), 0);
/** implements Linux lchown(2) */
export const sysLchown: Handler = (t) => chownAt(t, AT_FDCWD, t.regs.arg(0), AT_SYMLINK_NOFOLLOW);
/** implements Linux fchown(2) */
export const sysFchown: Handler = (t) => setattr(fdTarget(t, t.regs.argInt(0)), -EPERM);
/** implements Linux fchownat(2) */
export const sysFchownat: Handler = (t) => chownAt(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(4));

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/** Times on tsvisor's own files are not kept: setting them succeeds and changes nothing. */
const TIMES_ELSEWHERE = 0;

/** implements Linux utimensat(2) */
export const sysUtimensat: Handler = (t) => {
  const dirfd = t.regs.argInt(0), pathAddr = t.regs.arg(1), times = t.regs.arg(2), flags = t.regs.argInt(3);
  if (times !== 0) {
    if (t.mm.copyIn(times, scratch, 0, 32) < 0) return -EFAULT;
    const n0 = scratchDv.getUint32(8, true) + scratchDv.getInt32(12, true) * 4294967296;
    const n1 = scratchDv.getUint32(24, true) + scratchDv.getInt32(28, true) * 4294967296;
    if (n0 === UTIME_OMIT && n1 === UTIME_OMIT) return 0;
    const ok = (n: number): boolean => n === UTIME_NOW || n === UTIME_OMIT || (n >= 0 && n <= 999999999);
    if (!ok(n0) || !ok(n1)) return -EINVAL;
  }
  if (pathAddr === 0 && dirfd !== AT_FDCWD) {
    if (flags !== 0) return -EINVAL;
    return setattr(fdTarget(t, dirfd), TIMES_ELSEWHERE);
  }
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  if (pathAddr === 0) return -EFAULT;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  return setattr(lookupAt(t, dirfd, pathAddr, how), TIMES_ELSEWHERE);
};

/** utimes/futimesat: struct timeval[2], or NULL for now. */
function doUtimes(t: Task, dirfd: number, pathAddr: number, tv: number): number {
  if (tv !== 0) {
    if (t.mm.copyIn(tv, scratch, 0, 32) < 0) return -EFAULT;
    const u0 = scratchDv.getUint32(8, true) + scratchDv.getInt32(12, true) * 4294967296;
    const u1 = scratchDv.getUint32(24, true) + scratchDv.getInt32(28, true) * 4294967296;
    if (u0 < 0 || u0 >= 1000000 || u1 < 0 || u1 >= 1000000) return -EINVAL;
  }
  return setattr(lookupAt(t, dirfd, pathAddr, AT_FOLLOW), TIMES_ELSEWHERE);
}
/** implements Linux utimes(2) */
export const sysUtimes: Handler = (t) => doUtimes(t, AT_FDCWD, t.regs.arg(0), t.regs.arg(1));
/** implements Linux futimesat(2) */
export const sysFutimesat: Handler = (t) => doUtimes(t, t.regs.argInt(0), t.regs.arg(1), t.regs.arg(2));
/** implements Linux utime(2) */
export const sysUtime: Handler = (t) => {
  const times = t.regs.arg(1);
  if (times !== 0 && t.mm.copyIn(times, scratch, 0, 16) < 0) return -EFAULT;
  return setattr(lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW), TIMES_ELSEWHERE);
};

// ---- space and sync

/** implements Linux fallocate(2): nothing is open for writing on a read-only root. */
export const sysFallocate: Handler = (t) => {
  const off = t.regs.argLong(2), len = t.regs.argLong(3);
  if (off < 0 || len <= 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null || !f.writable) return -EBADF;
  if (f.dentry === null || !f.dentry.inode.isReg) return f.dentry !== null && f.dentry.inode.isDir ? -EISDIR : -ENODEV;
  return cannotChange(f.dentry.inode);
};

/** Regular files and directories have something to sync; pipes, sockets and devices do not
 *  (EINVAL, as for a file without an fsync operation). */
function doFsync(t: Task): number {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  const d = f.dentry;
  return d !== null && (d.inode.isReg || d.inode.isDir) ? 0 : -EINVAL;
}
/** implements Linux fsync(2) */
export const sysFsync: Handler = doFsync;
/** implements Linux fdatasync(2) */
export const sysFdatasync: Handler = doFsync;
/** implements Linux sync(2) */
export const sysSync: Handler = () => 0;
/** implements Linux syncfs(2) */
export const sysSyncfs: Handler = (t) => (getIoFile(t, t.regs.argInt(0)) === null ? -EBADF : 0);
/** implements Linux sync_file_range(2) */
export const sysSyncFileRange: Handler = (t) => {
  const off = t.regs.argLong(1), n = t.regs.argLong(2), flags = t.regs.argInt(3);
  if (flags & ~7) return -EINVAL;
  if (off < 0 || n < 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  const d = f.dentry;
  const type = d === null ? 0 : d.inode.mode & S_IFMT;
  if (type !== S_IFREG && type !== S_IFDIR && type !== S_IFBLK && type !== S_IFLNK) return -ESPIPE;
  return 0;
};

export const fsModifySyscalls: Record<string, Handler> = {
  mkdir: sysMkdir,
  mkdirat: sysMkdirat,
  mknod: sysMknod,
  mknodat: sysMknodat,
  symlink: sysSymlink,
  symlinkat: sysSymlinkat,
  link: sysLink,
  linkat: sysLinkat,
  unlink: sysUnlink,
  unlinkat: sysUnlinkat,
  rmdir: sysRmdir,
  rename: sysRename,
  renameat: sysRenameat,
  renameat2: sysRenameat2,
  truncate: sysTruncate,
  ftruncate: sysFtruncate,
  chmod: sysChmod,
  fchmod: sysFchmod,
  fchmodat: sysFchmodat,
  fchmodat2: sysFchmodat2,
  chown: sysChown,
  lchown: sysLchown,
  fchown: sysFchown,
  fchownat: sysFchownat,
  utimensat: sysUtimensat,
  utimes: sysUtimes,
  futimesat: sysFutimesat,
  utime: sysUtime,
  fallocate: sysFallocate,
  fsync: sysFsync,
  fdatasync: sysFdatasync,
  sync: sysSync,
  syncfs: sysSyncfs,
  sync_file_range: sysSyncFileRange,
};
