// File descriptor control: fcntl, dup, dup2, dup3, ioctl (the generic FIO*
// requests; the rest go to the file), flock.
import { EAGAIN, EBADF, EFAULT, EINVAL, ENOTTY } from '../errno';
import { getI64, setU64 } from '../../platform/u64';
import { flockRelease, flockTry, locksOf, recordConflict, recordSet } from '../vfs/locks';
import {
  FD_CLOEXEC, FIOASYNC, FIOCLEX, FIONBIO, FIONCLEX, FIOQSIZE, FLOCK_LEN, FLOCK_PID, FLOCK_SIZE, FLOCK_START, FLOCK_TYPE, FLOCK_WHENCE,
  F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_GETLEASE, F_GETLK, F_GETOWN, F_GETSIG, F_OFD_GETLK,
  F_OFD_SETLK, F_OFD_SETLKW, F_RDLCK, F_SETFD, F_SETFL, F_SETLK, F_SETLKW, F_SETOWN, F_SETSIG, F_UNLCK,
  F_WRLCK, O_ASYNC, O_CLOEXEC, O_NONBLOCK, SEEK_CUR, SEEK_END, SEEK_SET, SETFL_MASK,
} from '../abi/fcntl';
import { STAT_SIZE, statSize } from '../abi/stat';
import type { Task } from '../task';
import type { FileDescription } from '../vfs/file';
import { getFile, getIoFile, scratch, scratchDv } from './fs_common';
import { RET_BLOCK, type Handler } from './types';

/** Installs another reference to f at the lowest free fd >= min. */
function dupTo(t: Task, f: FileDescription, min: number, cloexec: boolean): number {
  f.refs++;
  const fd = t.files.install(f, cloexec, min);
  if (fd < 0) f.refs--;
  return fd;
}

/** implements Linux dup(2) */
export const sysDup: Handler = (t) => {
  const f = getFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  return dupTo(t, f, 0, false);
};

function doDup3(t: Task, oldfd: number, newfd: number, flags: number): number {
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd === newfd) return -EINVAL;
  if (newfd < 0 || newfd >= t.files.limit) return -EBADF;
  const f = getFile(t, oldfd);
  if (f === null) return -EBADF;
  f.refs++;
  return t.files.installAt(newfd, f, (flags & O_CLOEXEC) !== 0);
}

/** implements Linux dup2(2) */
export const sysDup2: Handler = (t) => {
  const oldfd = t.regs.argInt(0), newfd = t.regs.argInt(1);
  if (oldfd === newfd) return getFile(t, oldfd) === null ? -EBADF : newfd;
  return doDup3(t, oldfd, newfd, 0);
};

/** implements Linux dup3(2) */
export const sysDup3: Handler = (t) => doDup3(t, t.regs.argInt(0), t.regs.argInt(1), t.regs.argInt(2));

// ---- fcntl

/** Commands an O_PATH fd allows (check_fcntl_cmd). */
function pathFdAllows(cmd: number): boolean {
  return cmd === F_DUPFD || cmd === F_DUPFD_CLOEXEC || cmd === F_GETFD || cmd === F_SETFD || cmd === F_GETFL;
}

/** Record locks (vfs/locks.ts): F_GETLK reports a conflicting lock, F_SETLK refuses with
 *  EAGAIN, F_SETLKW parks the task until the file's locks change and tries again. POSIX locks
 *  belong to the fd table (Linux: the files_struct), OFD locks to the open file description. */
function doLock(t: Task, f: FileDescription, cmd: number, arg: number): number {
  if (t.mm.copyIn(arg, scratch, 0, FLOCK_SIZE) < 0) return -EFAULT;
  const type = scratchDv.getInt16(FLOCK_TYPE, true), whence = scratchDv.getInt16(FLOCK_WHENCE, true);
  const lStart = getI64(scratchDv, FLOCK_START), lLen = getI64(scratchDv, FLOCK_LEN);
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
  if (whence < 0 || whence > SEEK_END) return -EINVAL;
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  if (ofd && scratchDv.getInt32(FLOCK_PID, true) !== 0) return -EINVAL;
  const d = f.dentry;
  if (d === null) return -EINVAL;
  // flock_to_posix_lock: the range from whence, start and a signed length.
  let base = 0;
  if (whence === SEEK_CUR) base = f.pos;
  else if (whence === SEEK_END) {
    const r = f.stat(lockStatDv, 0);
    if (r < 0) return r;
    base = statSize(lockStatDv, 0);
  }
  let start = base + lStart, end: number;
  if (lLen > 0) end = start + lLen - 1;
  else if (lLen === 0) end = Infinity;
  else { end = start - 1; start += lLen; }
  if (start < 0) return -EINVAL;
  const owner: object = ofd ? f : t.files;
  if (cmd === F_GETLK || cmd === F_OFD_GETLK) {
    if (type === F_UNLCK) return -EINVAL;
    const c = recordConflict(d.inode, owner, type, start, end);
    if (c === null) scratchDv.setInt16(FLOCK_TYPE, F_UNLCK, true);
    else {
      scratchDv.setInt16(FLOCK_TYPE, c.type, true);
      scratchDv.setInt16(FLOCK_WHENCE, SEEK_SET, true);
      setU64(scratchDv, FLOCK_START, c.start);
      setU64(scratchDv, FLOCK_LEN, c.end === Infinity ? 0 : c.end - c.start + 1);
      scratchDv.setInt32(FLOCK_PID, c.pid, true);
    }
    return t.mm.copyOut(arg, scratch, 0, FLOCK_SIZE);
  }
  if (type === F_RDLCK && !f.readable) return -EBADF;
  if (type === F_WRLCK && !f.writable) return -EBADF;
  if (type !== F_UNLCK && recordConflict(d.inode, owner, type, start, end) !== null) {
    if (cmd !== F_SETLKW && cmd !== F_OFD_SETLKW) return -EAGAIN;
    t.blockOn(locksOf(d.inode, true)!.waiters);
    return RET_BLOCK;
  }
  recordSet(d.inode, owner, ofd, ofd ? -1 : t.tgid, type, start, end);
  if (t.waitActive) t.endWait();
  return 0;
}
const lockStat = new Uint8Array(STAT_SIZE);
const lockStatDv = new DataView(lockStat.buffer);

/** implements Linux fcntl(2) */
export const sysFcntl: Handler = (t) => {
  const fd = t.regs.argInt(0), cmd = t.regs.argInt(1), arg = t.regs.arg(2);
  const f = getFile(t, fd);
  if (f === null) return -EBADF;
  if (f.isPath && !pathFdAllows(cmd)) return -EBADF;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      if (arg >= t.files.limit) return -EINVAL;
      return dupTo(t, f, arg, cmd === F_DUPFD_CLOEXEC);
    case F_GETFD: return t.files.getFlags(fd) & FD_CLOEXEC;
    case F_SETFD: t.files.setCloexec(fd, (arg & FD_CLOEXEC) !== 0); return 0;
    case F_GETFL: return f.flags;
    case F_SETFL:
      f.flags = (arg & SETFL_MASK) | (f.flags & ~SETFL_MASK);
      f.flagsChanged();
      return 0;
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
      return doLock(t, f, cmd, arg);
    // No SIGIO delivery yet: ownership and the signal are remembered as "none".
    case F_GETOWN: return 0;
    case F_SETOWN: return 0;
    case F_GETSIG: return 0;
    case F_SETSIG: return arg > 64 ? -EINVAL : 0;
    case F_GETLEASE: return f.dentry !== null && f.dentry.inode.isReg ? F_UNLCK : -EINVAL;
    default: return f.fcntl(t, cmd, arg);
  }
};

// ---- ioctl

const intBuf = new Uint8Array(8);
const intDv = new DataView(intBuf.buffer);

/** implements Linux ioctl(2): the generic requests here, the rest by the file (ENOTTY when it
 *  knows none; TCGETS/TIOCGWINSZ pass through to a host tty for the init process's stdio). */
export const sysIoctl: Handler = (t) => {
  const fd = t.regs.argInt(0), req = t.regs.argInt(1) >>> 0, arg = t.regs.arg(2);
  const f = getIoFile(t, fd);
  if (f === null) return -EBADF;
  switch (req) {
    case FIOCLEX: t.files.setCloexec(fd, true); return 0;
    case FIONCLEX: t.files.setCloexec(fd, false); return 0;
    case FIONBIO:
    case FIOASYNC: {
      if (t.mm.copyIn(arg, intBuf, 0, 4) < 0) return -EFAULT;
      const bit = req === FIONBIO ? O_NONBLOCK : O_ASYNC;
      f.flags = intDv.getInt32(0, true) !== 0 ? f.flags | bit : f.flags & ~bit;
      f.flagsChanged();
      return 0;
    }
    case FIOQSIZE: {
      const d = f.dentry;
      if (d === null || !(d.inode.isDir || d.inode.isReg || d.inode.isSymlink)) return -ENOTTY;
      const r = f.stat(scratchDv, 0);
      if (r < 0) return r;
      return t.mm.writeU64(arg, statSize(scratchDv, 0));
    }
    default: return f.ioctl(t, req, arg);
  }
};

// ---- flock

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;

/** implements Linux flock(2): a shared or exclusive lock of the open file description;
 *  without LOCK_NB a conflict parks the task until the file's locks change. */
export const sysFlock: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  const cmd = t.regs.argInt(1);
  if (cmd & LOCK_MAND) return 0; // ignored since Linux 5.17
  const op = cmd & ~LOCK_NB;
  if (op !== LOCK_SH && op !== LOCK_EX && op !== LOCK_UN) return -EINVAL;
  const d = f.dentry;
  if (d === null) return -EINVAL;
  if (op === LOCK_UN) { flockRelease(d.inode, f); return 0; }
  if (flockTry(d.inode, f, op)) { if (t.waitActive) t.endWait(); return 0; }
  // A conversion that cannot happen at once gives up the old lock first (as Linux).
  flockRelease(d.inode, f);
  if (cmd & LOCK_NB) return -EAGAIN;
  t.blockOn(locksOf(d.inode, true)!.waiters);
  return RET_BLOCK;
};

export const fsFcntlSyscalls: Record<string, Handler> = {
  fcntl: sysFcntl,
  dup: sysDup,
  dup2: sysDup2,
  dup3: sysDup3,
  ioctl: sysIoctl,
  flock: sysFlock,
};
