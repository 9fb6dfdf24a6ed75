// Opening and closing: open, openat, openat2, creat, close, close_range.
// Flag handling follows Linux's build_open_how/build_open_flags: open and
// openat drop unknown flags silently (as Linux does, for compatibility), while
// openat2 refuses them with EINVAL.
import { E2BIG, EAGAIN, EBADF, EFAULT, EINVAL, ENOENT, ENOTDIR } from '../errno';
import {
  AT_FDCWD, CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE, OPEN_HOW_SIZE_VER0, O_ACCMODE, O_CLOEXEC, O_CREAT,
  O_DIRECTORY, O_DSYNC, O_LARGEFILE, O_PATH, O_PATH_FLAGS, O_TMPFILE, O_TRUNC, O_WRONLY, RESOLVE_BENEATH,
  RESOLVE_CACHED, RESOLVE_IN_ROOT, VALID_OPEN_FLAGS, VALID_RESOLVE_FLAGS, __O_SYNC, __O_TMPFILE,
} from '../abi/fcntl';
import { S_IALLUGO } from '../abi/stat';
import { PAGE_SIZE } from '../mm/memory_file';
import type { Task } from '../task';
import { readPath, scratch, scratchDv, startDir } from './fs_common';
import type { Handler } from './types';

const TWO32 = 4294967296;

function willCreate(flags: number): boolean { return (flags & (O_CREAT | __O_TMPFILE)) !== 0; }

/** build_open_flags' checks on already-masked flags; 0 or -EINVAL. */
function checkOpenFlags(flags: number): number {
  if ((flags & (O_DIRECTORY | O_CREAT)) === (O_DIRECTORY | O_CREAT)) return -EINVAL;
  if (flags & __O_TMPFILE) {
    if ((flags & O_TMPFILE) !== O_TMPFILE) return -EINVAL;
    const acc = flags & O_ACCMODE;
    if (acc !== O_WRONLY && acc !== 2 && acc !== 3) return -EINVAL; // needs MAY_WRITE
  }
  if ((flags & O_PATH) && (flags & ~O_PATH_FLAGS)) return -EINVAL;
  return 0;
}

/** The shared worker: flags and mode already normalised and checked. */
function doOpen(t: Task, dirfd: number, pathAddr: number, flags: number, mode: number, resolve: number): number {
  if (flags & __O_SYNC) flags |= O_DSYNC;
  const path = readPath(t, pathAddr);
  if (typeof path === 'number') return path;
  if (path.length === 0) return -ENOENT;
  const fd = t.files.firstFree(0);
  if (fd < 0) return fd;
  let start;
  if (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
    // Scoped lookups start at dirfd even for absolute paths (which they refuse or re-root).
    if (dirfd === AT_FDCWD) start = t.fs.cwd;
    else {
      const f = t.files.get(dirfd);
      if (f === null) return -EBADF;
      if (f.dentry === null || !f.dentry.inode.isDir) return -ENOTDIR;
      start = f.dentry;
    }
  } else {
    const s = startDir(t, dirfd, path);
    if (typeof s === 'number') return s;
    start = s;
  }
  const file = t.fs.vfs.open(t.fs.ctx(t), start, path, flags, mode & ~t.fs.umask, resolve);
  if (typeof file === 'number') return file;
  return t.files.install(file, (flags & O_CLOEXEC) !== 0, fd);
}

/** Linux's build_open_how for open/openat: unknown flags dropped, O_LARGEFILE forced. */
function legacyFlags(raw: number): number {
  let flags = (raw | O_LARGEFILE) & VALID_OPEN_FLAGS;
  if (flags & O_PATH) flags &= O_PATH_FLAGS;
  return flags;
}

function legacyOpen(t: Task, dirfd: number, pathAddr: number, raw: number, rawMode: number): number {
  const flags = legacyFlags(raw);
  const mode = willCreate(flags) ? rawMode & S_IALLUGO : 0;
  const e = checkOpenFlags(flags);
  if (e < 0) return e;
  return doOpen(t, dirfd, pathAddr, flags, mode, 0);
}

/** implements Linux open(2) */
export const sysOpen: Handler = (t) => legacyOpen(t, AT_FDCWD, t.regs.arg(0), t.regs.argInt(1), t.regs.argInt(2) >>> 0);

/** implements Linux openat(2) */
export const sysOpenat: Handler = (t) =>
  legacyOpen(t, t.regs.argInt(0), t.regs.arg(1), t.regs.argInt(2), t.regs.argInt(3) >>> 0);

/** implements Linux creat(2) */
export const sysCreat: Handler = (t) =>
  legacyOpen(t, AT_FDCWD, t.regs.arg(0), O_CREAT | O_WRONLY | O_TRUNC, t.regs.argInt(1) >>> 0);

/** implements Linux openat2(2) */
export const sysOpenat2: Handler = (t) => {
  const dirfd = t.regs.argInt(0), pathAddr = t.regs.arg(1), howAddr = t.regs.arg(2), size = t.regs.arg(3);
  if (size < OPEN_HOW_SIZE_VER0) return -EINVAL;
  if (size > PAGE_SIZE) return -E2BIG;
  // copy_struct_from_user: a larger struct is fine when the extra bytes are zero.
  if (t.mm.copyIn(howAddr, scratch, 0, size) < 0) return -EFAULT;
  for (let i = OPEN_HOW_SIZE_VER0; i < size; i++) if (scratch[i] !== 0) return -E2BIG;
  const flagsLo = scratchDv.getUint32(0, true), flagsHi = scratchDv.getUint32(4, true);
  const modeLo = scratchDv.getUint32(8, true), modeHi = scratchDv.getUint32(12, true);
  const resLo = scratchDv.getUint32(16, true), resHi = scratchDv.getUint32(20, true);
  if (flagsHi !== 0 || (flagsLo & ~VALID_OPEN_FLAGS) !== 0) return -EINVAL;
  let flags = flagsLo;
  if (!(flags & O_PATH)) flags |= O_LARGEFILE;
  if (resHi !== 0 || (resLo & ~VALID_RESOLVE_FLAGS) !== 0) return -EINVAL;
  if ((resLo & RESOLVE_BENEATH) && (resLo & RESOLVE_IN_ROOT)) return -EINVAL;
  const mode = modeLo + modeHi * TWO32;
  if (willCreate(flags)) { if (mode > S_IALLUGO) return -EINVAL; } else if (mode !== 0) return -EINVAL;
  const e = checkOpenFlags(flags);
  if (e < 0) return e;
  // RESOLVE_CACHED asks for a lookup served from caches only; "cannot" (EAGAIN) is always a
  // valid answer, and callers retry without the flag.
  if (resLo & RESOLVE_CACHED) return -EAGAIN;
  return doOpen(t, dirfd, pathAddr, flags, mode, resLo);
};

/** implements Linux close(2) */
export const sysClose: Handler = (t) => t.files.close(t.regs.argInt(0));

/** implements Linux close_range(2) */
export const sysCloseRange: Handler = (t) => {
  const first = t.regs.argInt(0) >>> 0, last = t.regs.argInt(1) >>> 0, flags = t.regs.argInt(2) >>> 0;
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) return -EINVAL;
  if (first > last) return -EINVAL;
  if ((flags & CLOSE_RANGE_UNSHARE) && t.files.users > 1) {
    // This task gets a table of its own first; the others keep theirs untouched.
    const mine = t.files.clone();
    t.files.release();
    t.files = mine;
  }
  const end = Math.min(last, t.files.size - 1);
  for (let fd = first; fd <= end; fd++) {
    if (t.files.get(fd) === null) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) t.files.setCloexec(fd, true);
    else t.files.close(fd);
  }
  return 0;
};

export const fsOpenSyscalls: Record<string, Handler> = {
  open: sysOpen,
  openat: sysOpenat,
  openat2: sysOpenat2,
  creat: sysCreat,
  close: sysClose,
  close_range: sysCloseRange,
};
