// File descriptor control: fcntl, dup, dup2, dup3, ioctl (the generic FIO*
// requests; the rest go to the file), flock.
import { EBADF, EFAULT, EINVAL, ENOTTY } from '../errno';
import {
  FD_CLOEXEC, FIOASYNC, FIOCLEX, FIONBIO, FIONCLEX, FIOQSIZE, FLOCK_PID, FLOCK_SIZE, FLOCK_TYPE, FLOCK_WHENCE,
  F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_GETLEASE, F_GETLK, F_GETOWN, F_GETSIG, F_OFD_GETLK,
  F_OFD_SETLK, F_OFD_SETLKW, F_RDLCK, F_SETFD, F_SETFL, F_SETLK, F_SETLKW, F_SETOWN, F_SETSIG, F_UNLCK,
  F_WRLCK, O_ASYNC, O_CLOEXEC, O_NONBLOCK, SEEK_END, SETFL_MASK,
} from '../abi/fcntl';
import { statSize } from '../abi/stat';
import type { Task } from '../task';
import type { FileDescription } from '../vfs/file';
import { getFile, getIoFile, scratch, scratchDv } from './fs_common';
import type { Handler } from './types';

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

/** Record locks: the sandbox has no other lock holders to conflict with yet, so a lock is
 *  always granted and F_GETLK always finds the range free. The arguments are checked as Linux
 *  does (a read lock needs a readable fd, a write lock a writable one). */
function doLock(t: Task, f: FileDescription, cmd: number, arg: number): number {
  if (t.mm.copyIn(arg, scratch, 0, FLOCK_SIZE) < 0) return -EFAULT;
  const type = scratchDv.getInt16(FLOCK_TYPE, true), whence = scratchDv.getInt16(FLOCK_WHENCE, true);
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
  if (whence < 0 || whence > SEEK_END) return -EINVAL;
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  if (ofd && scratchDv.getInt32(FLOCK_PID, true) !== 0) return -EINVAL;
  if (cmd === F_GETLK || cmd === F_OFD_GETLK) {
    if (type === F_UNLCK) return -EINVAL;
    scratchDv.setInt16(FLOCK_TYPE, F_UNLCK, true);
    return t.mm.copyOut(arg, scratch, 0, FLOCK_SIZE);
  }
  if (type === F_RDLCK && !f.readable) return -EBADF;
  if (type === F_WRLCK && !f.writable) return -EBADF;
  return 0;
}

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

/** implements Linux flock(2): granted at once (no other holders yet; see record locks). */
export const sysFlock: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  const cmd = t.regs.argInt(1);
  if (cmd & LOCK_MAND) return 0; // ignored since Linux 5.17
  const op = cmd & ~LOCK_NB;
  if (op !== LOCK_SH && op !== LOCK_EX && op !== LOCK_UN) return -EINVAL;
  return 0;
};

export const fsFcntlSyscalls: Record<string, Handler> = {
  fcntl: sysFcntl,
  dup: sysDup,
  dup2: sysDup2,
  dup3: sysDup3,
  ioctl: sysIoctl,
  flock: sysFlock,
};
