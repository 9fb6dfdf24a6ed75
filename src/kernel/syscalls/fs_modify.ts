// Changing the tree and its attributes: mkdir, mknod, symlink, link, unlink,
// rmdir, rename, truncate, chmod, chown, utimes and friends, fallocate, and the
// sync calls. The handlers decode arguments and resolve names; the checks all
// file systems share are in vfs/vfs_ops.ts, the changes in each file system
// (tmpfs, the overlay, writable hostfs). Read-only mounts give EROFS, procfs
// and devfs EPERM (no such operation), after the checks Linux makes first.
import {
  EBADF, EFAULT, EFBIG, EINVAL, EISDIR, ENODEV, ENOENT, EOPNOTSUPP, EPERM, EROFS, ESPIPE,
} from '../errno';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from '../abi/stat';
import { AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW } from '../abi/fcntl';
import { host, hostWrite } from '../../native';
import { HostRegularFile } from '../vfs/hostfs';
import type { Task } from '../task';
import type { Dentry } from '../vfs/dentry';
import type { FileDescription } from '../vfs/file';
import { ATTR_ATIME, ATTR_MTIME, AttrChange, RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT } from '../vfs/inode';
import { walkParent, type ParentResult } from '../vfs/namei';
import { F_SEAL_GROW, F_SEAL_SHRINK, F_SEAL_WRITE, TmpFile, TmpRegFile } from '../vfs/tmpfs';
import {
  truncateInode, vfsChmod, vfsChown, vfsCreate, vfsLink, vfsRemove, vfsRename, vfsTruncatePath, vfsUtimes,
} from '../vfs/vfs_ops';
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

/** filename_create + the file system's create, for mkdir, mknod and symlink. */
function createAt(t: Task, dirfd: number, pathAddr: number, mode: number, target: string | null): number {
  const r = parentAt(t, dirfd, pathAddr);
  if (typeof r === 'number') return r;
  const d = vfsCreate(t.fs.ctx(t), r, mode, 0, target);
  r.dir.put();
  if (typeof d === 'number') return d;
  d.put();
  return 0;
}

/** implements Linux mkdir(2) */
export const sysMkdir: Handler = (t) => createAt(t, AT_FDCWD, t.regs.arg(0), S_IFDIR | (t.regs.argInt(1) & 0o1777 & ~t.fs.umask), null);
/** implements Linux mkdirat(2) */
export const sysMkdirat: Handler = (t) =>
  createAt(t, t.regs.argInt(0), t.regs.arg(1), S_IFDIR | (t.regs.argInt(2) & 0o1777 & ~t.fs.umask), null);

function doMknod(t: Task, dirfd: number, pathAddr: number, mode: number): number {
  let type = mode & S_IFMT;
  if (type === S_IFDIR) return -EPERM;
  if (type === 0) type = S_IFREG;
  if (type !== S_IFREG && type !== S_IFCHR && type !== S_IFBLK && type !== S_IFIFO && type !== S_IFSOCK) return -EINVAL;
  const r = parentAt(t, dirfd, pathAddr);
  if (typeof r === 'number') return r;
  let e: number;
  if (type === S_IFCHR || type === S_IFBLK) {
    // Device nodes need CAP_MKNOD in the initial user namespace, which a sandbox never has:
    // EEXIST first, then EPERM (as root in a user namespace sees).
    const d = vfsCreate(t.fs.ctx(t), r, S_IFREG, 0, null, -EPERM);
    e = typeof d === 'number' ? d : -EPERM;
  } else {
    const d = vfsCreate(t.fs.ctx(t), r, type | (mode & 0o7777 & ~t.fs.umask), 0, null);
    e = typeof d === 'number' ? d : (d.put(), 0);
  }
  r.dir.put();
  return e;
}
/** implements Linux mknod(2) */
export const sysMknod: Handler = (t) => doMknod(t, AT_FDCWD, t.regs.arg(0), t.regs.argInt(1) >>> 0);
/** implements Linux mknodat(2) */
export const sysMknodat: Handler = (t) => doMknod(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2) >>> 0);

function doSymlink(t: Task, targetAddr: number, dirfd: number, pathAddr: number): number {
  const target = readPath(t, targetAddr);
  if (typeof target === 'number') return target;
  if (target.length === 0) return -ENOENT;
  return createAt(t, dirfd, pathAddr, S_IFLNK | 0o777, target);
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
  const oldD = old instanceof DentryClass ? old : (old as FileDescription).dentry?.get() ?? null;
  if (oldD === null) return -ENOENT;
  const r = parentAt(t, newdfd, newAddr);
  if (typeof r === 'number') { oldD.put(); return r; }
  const e = vfsLink(t.fs.ctx(t), oldD, r);
  r.dir.put();
  oldD.put();
  return e;
}
/** implements Linux link(2) */
export const sysLink: Handler = (t) => doLink(t, AT_FDCWD, t.regs.arg(0), AT_FDCWD, t.regs.arg(1), 0);
/** implements Linux linkat(2) */
export const sysLinkat: Handler = (t) =>
  doLink(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), t.regs.arg(3), t.regs.argInt(4));

function removeAt(t: Task, dirfd: number, pathAddr: number, isDir: boolean): number {
  const r = parentAt(t, dirfd, pathAddr);
  if (typeof r === 'number') return r;
  const e = vfsRemove(t.fs.ctx(t), r, isDir);
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

function doRename(t: Task, olddfd: number, oldAddr: number, newdfd: number, newAddr: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && (flags & RENAME_EXCHANGE)) return -EINVAL;
  // Whiteouts are an overlay's own business; programs get EINVAL (no file system here offers them).
  if (flags & RENAME_WHITEOUT) return -EINVAL;
  const a = parentAt(t, olddfd, oldAddr);
  if (typeof a === 'number') return a;
  const b = parentAt(t, newdfd, newAddr);
  if (typeof b === 'number') { a.dir.put(); return b; }
  const e = vfsRename(t.fs.ctx(t), a, b, flags);
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

// ---- size

/** memfd seals that forbid a size change. */
function sealsRefuse(f: FileDescription, size: number): boolean {
  const i = f.dentry?.inode;
  const tf = f instanceof TmpRegFile ? f.file : null;
  if (tf === null || i === undefined) return false;
  if ((tf.seals & F_SEAL_WRITE)) return size !== tf.size;
  if ((tf.seals & F_SEAL_SHRINK) && size < tf.size) return true;
  return (tf.seals & F_SEAL_GROW) !== 0 && size > tf.size;
}

/** implements Linux truncate(2) */
export const sysTruncate: Handler = (t) => {
  const size = t.regs.argLong(1);
  if (size < 0) return -EINVAL;
  const d = lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW);
  if (typeof d === 'number') return d;
  const dd = d as Dentry;
  const e = vfsTruncatePath(t.fs.ctx(t), dd, size);
  dd.put();
  return e;
};

/** implements Linux ftruncate(2): a regular file open for writing. */
export const sysFtruncate: Handler = (t) => {
  const size = t.regs.argLong(1);
  if (size < 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (!f.writable || f.dentry === null || !f.dentry.inode.isReg) return -EINVAL;
  if (sealsRefuse(f, size)) return -EPERM;
  return truncateInode(f.dentry, f.dentry.inode, size);
};

// ---- attributes: chmod, chown, utimes

/** The dentry a lookup result names (a reference for the caller to put), or -errno. */
function targetDentry(target: Dentry | FileDescription | number): Dentry | number {
  if (typeof target === 'number') return target;
  if (target instanceof DentryClass) return target;
  const d = (target as FileDescription).dentry;
  return d === null ? -EBADF : d.get();
}

function fdDentry(t: Task, fd: number): Dentry | number {
  const f = t.files.get(fd);
  if (f === null) return -EBADF;
  if (f.isPath) return -EBADF;
  return f.dentry === null ? -EBADF : f.dentry.get();
}

function chmodOn(t: Task, d: Dentry | number, mode: number): number {
  if (typeof d === 'number') return d;
  const e = vfsChmod(t.fs.ctx(t), d, d.inode, mode);
  d.put();
  return e;
}
/** implements Linux chmod(2) */
export const sysChmod: Handler = (t) => chmodOn(t, targetDentry(lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW)), t.regs.argInt(1));
/** implements Linux fchmod(2) */
export const sysFchmod: Handler = (t) => chmodOn(t, fdDentry(t, t.regs.argInt(0)), t.regs.argInt(1));
/** implements Linux fchmodat(2) */
export const sysFchmodat: Handler = (t) =>
  chmodOn(t, targetDentry(lookupAt(t, t.regs.argInt(0), t.regs.arg(1), AT_FOLLOW)), t.regs.argInt(2));
/** implements Linux fchmodat2(2) */
export const sysFchmodat2: Handler = (t) => {
  const flags = t.regs.argInt(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  const d = targetDentry(lookupAt(t, t.regs.argInt(0), t.regs.arg(1), how));
  if (typeof d !== 'number' && d.inode.isSymlink) { d.put(); return -EOPNOTSUPP; }
  return chmodOn(t, d, t.regs.argInt(2));
};

function chownOn(t: Task, d: Dentry | number, uid: number, gid: number): number {
  if (typeof d === 'number') return d;
  const e = vfsChown(t.fs.ctx(t), d, d.inode, uid, gid);
  d.put();
  return e;
}
function chownAt(t: Task, dirfd: number, pathAddr: number, uid: number, gid: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  return chownOn(t, targetDentry(lookupAt(t, dirfd, pathAddr, how)), uid, gid);
}
/** implements Linux chown(2) */
export const sysChown: Handler = (t) => chownAt(t, AT_FDCWD, t.regs.arg(0), t.regs.argInt(1), t.regs.argInt(2), 0);
/** implements Linux lchown(2) */
export const sysLchown: Handler = (t) =>
  chownAt(t, AT_FDCWD, t.regs.arg(0), t.regs.argInt(1), t.regs.argInt(2), AT_SYMLINK_NOFOLLOW);
/** implements Linux fchown(2) */
export const sysFchown: Handler = (t) => chownOn(t, fdDentry(t, t.regs.argInt(0)), t.regs.argInt(1), t.regs.argInt(2));
/** implements Linux fchownat(2) */
export const sysFchownat: Handler = (t) =>
  chownAt(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), t.regs.argInt(3), t.regs.argInt(4));

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/** Builds the change from two (sec, nsec) pairs (nsec may be UTIME_NOW/OMIT); returns whether
 *  only "now" is asked (which needs write access rather than ownership). */
function timesChange(a: AttrChange, s0: number, n0: number, s1: number, n1: number): boolean {
  const now = nowPair();
  let onlyNow = true;
  const set = (which: number, s: number, n: number) => {
    if (n === UTIME_OMIT) return;
    a.mask |= which;
    let sec = s, nsec = n;
    if (n === UTIME_NOW) { sec = now[0]!; nsec = now[1]!; } else onlyNow = false;
    if (which === ATTR_ATIME) { a.atimeSec = sec; a.atimeNsec = nsec; } else { a.mtimeSec = sec; a.mtimeNsec = nsec; }
  };
  set(ATTR_ATIME, s0, n0);
  set(ATTR_MTIME, s1, n1);
  return onlyNow;
}
const tsNow = new Float64Array(2);
function nowPair(): Float64Array { host.clockGettime(0, tsNow); return tsNow; }

function utimesOn(t: Task, d: Dentry | number, a: AttrChange, onlyNow: boolean): number {
  if (typeof d === 'number') return d;
  const e = vfsUtimes(t.fs.ctx(t), d, d.inode, a, onlyNow);
  d.put();
  return e;
}

function i64(off: number): number { return scratchDv.getUint32(off, true) + scratchDv.getInt32(off + 4, true) * 4294967296; }

/** implements Linux utimensat(2) */
export const sysUtimensat: Handler = (t) => {
  const dirfd = t.regs.argInt(0), pathAddr = t.regs.arg(1), times = t.regs.arg(2), flags = t.regs.argInt(3);
  const a = new AttrChange();
  let onlyNow = true;
  if (times !== 0) {
    if (t.mm.copyIn(times, scratch, 0, 32) < 0) return -EFAULT;
    const s0 = i64(0), n0 = i64(8), s1 = i64(16), n1 = i64(24);
    const ok = (n: number): boolean => n === UTIME_NOW || n === UTIME_OMIT || (n >= 0 && n <= 999999999);
    if (!ok(n0) || !ok(n1)) return -EINVAL;
    if (n0 === UTIME_OMIT && n1 === UTIME_OMIT) return 0;
    onlyNow = timesChange(a, s0, n0, s1, n1);
  } else {
    timesChange(a, 0, UTIME_NOW, 0, UTIME_NOW);
  }
  if (pathAddr === 0 && dirfd !== AT_FDCWD) {
    if (flags & ~AT_SYMLINK_NOFOLLOW) return -EINVAL;
    return utimesOn(t, fdDentry(t, dirfd), a, onlyNow);
  }
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  if (pathAddr === 0) return -EFAULT;
  const how = (flags & AT_SYMLINK_NOFOLLOW ? 0 : AT_FOLLOW) | (flags & AT_EMPTY_PATH ? AT_EMPTY_OK : 0);
  return utimesOn(t, targetDentry(lookupAt(t, dirfd, pathAddr, how)), a, onlyNow);
};

/** utimes/futimesat: struct timeval[2], or NULL for now. */
function doUtimes(t: Task, dirfd: number, pathAddr: number, tv: number): number {
  const a = new AttrChange();
  let onlyNow = true;
  if (tv !== 0) {
    if (t.mm.copyIn(tv, scratch, 0, 32) < 0) return -EFAULT;
    const s0 = i64(0), u0 = i64(8), s1 = i64(16), u1 = i64(24);
    if (u0 < 0 || u0 >= 1000000 || u1 < 0 || u1 >= 1000000) return -EINVAL;
    onlyNow = timesChange(a, s0, u0 * 1000, s1, u1 * 1000);
  } else timesChange(a, 0, UTIME_NOW, 0, UTIME_NOW);
  return utimesOn(t, targetDentry(lookupAt(t, dirfd, pathAddr, AT_FOLLOW)), a, onlyNow);
}
/** implements Linux utimes(2) */
export const sysUtimes: Handler = (t) => doUtimes(t, AT_FDCWD, t.regs.arg(0), t.regs.arg(1));
/** implements Linux futimesat(2) */
export const sysFutimesat: Handler = (t) => doUtimes(t, t.regs.argInt(0), t.regs.arg(1), t.regs.arg(2));
/** implements Linux utime(2): struct utimbuf { actime, modtime } in seconds, or NULL for now. */
export const sysUtime: Handler = (t) => {
  const times = t.regs.arg(1);
  const a = new AttrChange();
  let onlyNow = true;
  if (times !== 0) {
    if (t.mm.copyIn(times, scratch, 0, 16) < 0) return -EFAULT;
    onlyNow = timesChange(a, i64(0), 0, i64(8), 0);
  } else timesChange(a, 0, UTIME_NOW, 0, UTIME_NOW);
  return utimesOn(t, targetDentry(lookupAt(t, AT_FDCWD, t.regs.arg(0), AT_FOLLOW)), a, onlyNow);
};

// ---- space and sync

const FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2, FALLOC_FL_COLLAPSE_RANGE = 8, FALLOC_FL_ZERO_RANGE = 0x10,
  FALLOC_FL_INSERT_RANGE = 0x20;

/** implements Linux fallocate(2): tmpfs (and the overlay's copies) allocate and punch holes. */
export const sysFallocate: Handler = (t) => {
  const mode = t.regs.argInt(1), off = t.regs.argLong(2), len = t.regs.argLong(3);
  if (off < 0 || len <= 0) return -EINVAL;
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE)) return -EOPNOTSUPP;
  if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE)) return -EOPNOTSUPP;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null || !f.writable) return -EBADF;
  const i = f.dentry?.inode;
  if (i === undefined || (i.mode & S_IFMT) === S_IFIFO) return -ESPIPE;
  if (i.isDir) return -EISDIR;
  if (!i.isReg) return -ENODEV;
  if (off + len > 2 ** 63) return -EFBIG;
  if (f instanceof HostRegularFile) return hostWrite.fallocate(f.hostFd, mode, off, len);
  if (!(f instanceof TmpRegFile)) return i.sb.readonly ? -EROFS : -EOPNOTSUPP;
  const tf: TmpFile = f.file;
  if (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE)) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_PUNCH_HOLE) {
    if (tf.seals & F_SEAL_WRITE) return -EPERM;
    tf.punch(off, len);
    return 0;
  }
  if ((tf.seals & F_SEAL_GROW) && !(mode & FALLOC_FL_KEEP_SIZE) && off + len > tf.size) return -EPERM;
  return tf.allocate(off, len, (mode & FALLOC_FL_KEEP_SIZE) !== 0);
};

/** Regular files and directories have something to sync (tmpfs: nothing to write back); pipes,
 *  sockets and devices do not (EINVAL, as for a file without an fsync operation). */
function doFsync(t: Task): number {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  const d = f.dentry;
  if (d === null || !(d.inode.isReg || d.inode.isDir)) return -EINVAL;
  // Written-through host files are synced on the host; tmpfs has nothing to write back.
  if (f instanceof HostRegularFile && f.writable) return hostWrite.fsync(f.hostFd);
  return 0;
}
/** implements Linux fsync(2) */
export const sysFsync: Handler = doFsync;
/** implements Linux fdatasync(2) */
export const sysFdatasync: Handler = doFsync;
/** implements Linux sync(2) */
export const sysSync: Handler = () => 0;
/** implements Linux syncfs(2) */
export const sysSyncfs: Handler = (t) => (t.files.get(t.regs.argInt(0)) === null ? -EBADF : 0);
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
