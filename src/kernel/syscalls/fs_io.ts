// Reading and writing file descriptors: read, write, readv, writev, pread64,
// pwrite64, preadv, pwritev, preadv2, pwritev2, lseek, sendfile, fadvise64,
// readahead. Hot path: no allocation per call; guest memory goes to the file
// segment by segment (vfs/rw.ts), or as one whole request (vfs/iov_iter.ts) to
// files that need it (pipes, eventfd, timerfd). Those may park the task: every
// handler here that can reach one ends the wait record when it returns (done()).
import { EBADF, EFAULT, EINVAL, EOPNOTSUPP, ESPIPE } from '../errno';
import {
  IOVEC_SIZE, MAX_RW_COUNT, O_APPEND, RWF_SUPPORTED, SEEK_HOLE, UIO_MAXIOV,
} from '../abi/fcntl';
import { TASK_SIZE } from '../mm/mm';
import type { Task } from '../task';
import type { FileDescription } from '../vfs/file';
import { readToGuest, writeFromGuest } from '../vfs/rw';
import { IoIter } from '../vfs/iov_iter';
import { getIoFile, scratch } from './fs_common';
import { RET_BLOCK, type Handler } from './types';

const TWO32 = 4294967296;

/** Linux's access_ok: the range lies in user space. */
function userRange(addr: number, len: number): boolean {
  return addr + len <= TASK_SIZE;
}

/** The request of the current call, for files that take it whole (readIter/writeIter: pipes,
 *  eventfd, timerfd). One instance: the kernel is synchronous and handlers do not nest. */
const iter = new IoIter(UIO_MAXIOV);

/** A call that may have parked returns r: anything but RET_BLOCK ends its wait record (a file
 *  parked the task but bytes had already moved; an error found when a parked call resumed). */
function done(t: Task, r: number): number {
  if (r !== RET_BLOCK && t.waitActive) t.endWait();
  return r;
}

function doRead(t: Task, f: FileDescription, addr: number, count: number, pos: number): number {
  if (!f.readable) return -EBADF;
  if (!userRange(addr, count)) return -EFAULT;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  if (f.readIter !== undefined) return f.readIter(t, iter.initGuest(t.mm, addr, count));
  return readToGuest(t, f, addr, count, pos);
}

function doWrite(t: Task, f: FileDescription, addr: number, count: number, pos: number): number {
  if (!f.writable) return -EBADF;
  if (!userRange(addr, count)) return -EFAULT;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  if (f.writeIter !== undefined) return f.writeIter(t, iter.initGuest(t.mm, addr, count));
  return writeFromGuest(t, f, addr, count, pos);
}

/** implements Linux read(2) */
export const sysRead: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return done(t, -EBADF);
  return done(t, doRead(t, f, t.regs.arg(1), t.regs.arg(2), -1));
};

/** implements Linux write(2) */
export const sysWrite: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return done(t, -EBADF);
  return done(t, doWrite(t, f, t.regs.arg(1), t.regs.arg(2), -1));
};

/** implements Linux pread64(2) */
export const sysPread64: Handler = (t) => {
  const pos = t.regs.argLong(3);
  if (pos < 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (!f.seekable) return -ESPIPE;
  return doRead(t, f, t.regs.arg(1), t.regs.arg(2), pos);
};

/** implements Linux pwrite64(2) */
export const sysPwrite64: Handler = (t) => {
  const pos = t.regs.argLong(3);
  if (pos < 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (!f.seekable) return -ESPIPE;
  return doWrite(t, f, t.regs.arg(1), t.regs.arg(2), pos);
};

// ---- vectored I/O

// iovecs are read into a fixed area of the scratch buffer (UIO_MAXIOV * 16 = 16 KiB).
const iovDv = new DataView(scratch.buffer, scratch.byteLength - UIO_MAXIOV * IOVEC_SIZE, UIO_MAXIOV * IOVEC_SIZE);
const iovU8 = new Uint8Array(scratch.buffer, scratch.byteLength - UIO_MAXIOV * IOVEC_SIZE, UIO_MAXIOV * IOVEC_SIZE);

/** import_iovec: reads and checks iovcnt iovecs; returns the total length (clamped to
 *  MAX_RW_COUNT), or -errno. */
function importIovec(t: Task, iovAddr: number, iovcnt: number): number {
  if (iovcnt < 0 || iovcnt > UIO_MAXIOV) return -EINVAL;
  if (iovcnt === 0) return 0;
  if (t.mm.copyIn(iovAddr, iovU8, 0, iovcnt * IOVEC_SIZE) < 0) return -EFAULT;
  let total = 0;
  for (let i = 0; i < iovcnt; i++) {
    const base = iovDv.getUint32(i * 16, true) + iovDv.getUint32(i * 16 + 4, true) * TWO32;
    const lenHi = iovDv.getUint32(i * 16 + 12, true);
    if (lenHi >= 0x80000000) return -EINVAL; // > SSIZE_MAX
    let len = iovDv.getUint32(i * 16 + 8, true) + lenHi * TWO32;
    if (!userRange(base, len)) return -EFAULT;
    if (len > MAX_RW_COUNT - total) { len = MAX_RW_COUNT - total; }
    // Keep the clamped length for the transfer loop.
    iovDv.setUint32(i * 16 + 8, len >>> 0, true);
    iovDv.setUint32(i * 16 + 12, 0, true);
    total += len;
  }
  return total;
}

function iovBase(i: number): number { return iovDv.getUint32(i * 16, true) + iovDv.getUint32(i * 16 + 4, true) * TWO32; }
function iovLen(i: number): number { return iovDv.getUint32(i * 16 + 8, true); }

/** Hands the imported iovecs to a file that takes whole requests. */
function guestIov(t: Task, iovcnt: number): IoIter {
  for (let i = 0; i < iovcnt; i++) iter.setIov(i, iovBase(i), iovLen(i));
  return iter.initGuestIov(t.mm, iovcnt);
}

function doReadv(t: Task, f: FileDescription, iovAddr: number, iovcnt: number, pos: number): number {
  if (!f.readable) return -EBADF;
  const total = importIovec(t, iovAddr, iovcnt);
  if (total < 0) return total;
  if (iovcnt === 0) return 0;
  if (f.readIter !== undefined) return f.readIter(t, guestIov(t, iovcnt));
  let done = 0;
  for (let i = 0; i < iovcnt; i++) {
    const len = iovLen(i);
    if (len === 0) continue;
    const n = readToGuest(t, f, iovBase(i), len, pos < 0 ? -1 : pos + done);
    if (n < 0) return done > 0 ? done : n;
    done += n;
    if (n < len) break;
  }
  return done;
}

function doWritev(t: Task, f: FileDescription, iovAddr: number, iovcnt: number, pos: number): number {
  if (!f.writable) return -EBADF;
  const total = importIovec(t, iovAddr, iovcnt);
  if (total < 0) return total;
  if (iovcnt === 0) return 0;
  if (f.writeIter !== undefined) return f.writeIter(t, guestIov(t, iovcnt));
  let done = 0;
  for (let i = 0; i < iovcnt; i++) {
    const len = iovLen(i);
    if (len === 0) continue;
    const n = writeFromGuest(t, f, iovBase(i), len, pos < 0 ? -1 : pos + done);
    if (n < 0) return done > 0 ? done : n;
    done += n;
    if (n < len) break;
  }
  return done;
}

/** implements Linux readv(2) */
export const sysReadv: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return done(t, -EBADF);
  return done(t, doReadv(t, f, t.regs.arg(1), t.regs.argInt(2), -1));
};

/** implements Linux writev(2) */
export const sysWritev: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return done(t, -EBADF);
  return done(t, doWritev(t, f, t.regs.arg(1), t.regs.argInt(2), -1));
};

/** preadv/pwritev(2) take the offset as (pos_l, pos_h); on 64-bit pos_l holds all of it. */
function vecPos(t: Task): number { return t.regs.argLong(3); }

/** implements Linux preadv(2) */
export const sysPreadv: Handler = (t) => {
  const pos = vecPos(t);
  if (pos < 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (!f.seekable) return -ESPIPE;
  return doReadv(t, f, t.regs.arg(1), t.regs.argInt(2), pos);
};

/** implements Linux pwritev(2) */
export const sysPwritev: Handler = (t) => {
  const pos = vecPos(t);
  if (pos < 0) return -EINVAL;
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (!f.seekable) return -ESPIPE;
  return doWritev(t, f, t.regs.arg(1), t.regs.argInt(2), pos);
};

/** implements Linux preadv2(2): offset -1 means the file position; RWF_* hints are accepted
 *  and ignored (all I/O here is synchronous), unknown ones give EOPNOTSUPP. */
export const sysPreadv2: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return done(t, -EBADF);
  const pos = vecPos(t), flags = t.regs.argInt(5);
  if (flags & ~RWF_SUPPORTED) return -EOPNOTSUPP;
  if (pos === -1) return done(t, doReadv(t, f, t.regs.arg(1), t.regs.argInt(2), -1));
  if (pos < 0) return -EINVAL;
  if (!f.seekable) return -ESPIPE;
  return doReadv(t, f, t.regs.arg(1), t.regs.argInt(2), pos);
};

/** implements Linux pwritev2(2) (see preadv2) */
export const sysPwritev2: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return done(t, -EBADF);
  const pos = vecPos(t), flags = t.regs.argInt(5);
  if (flags & ~RWF_SUPPORTED) return -EOPNOTSUPP;
  if (pos === -1) return done(t, doWritev(t, f, t.regs.arg(1), t.regs.argInt(2), -1));
  if (pos < 0) return -EINVAL;
  if (!f.seekable) return -ESPIPE;
  return doWritev(t, f, t.regs.arg(1), t.regs.argInt(2), pos);
};

/** implements Linux lseek(2) */
export const sysLseek: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  const whence = t.regs.argInt(2) >>> 0;
  if (whence > SEEK_HOLE) return -EINVAL;
  return f.seek(t.regs.argLong(1), whence);
};

// ---- sendfile

const SENDFILE_CHUNK = 32 * 1024;
const sendBuf = new Uint8Array(scratch.buffer, 0, SENDFILE_CHUNK);

/** Writes all of sendBuf[0, n) to out; bytes written (short only on an error after some). */
function writeAll(t: Task, out: FileDescription, n: number): number {
  let w = 0;
  while (w < n) {
    const r = out.write(t, sendBuf, w, n - w, -1);
    if (r < 0) return w > 0 ? w : r;
    if (r === 0) break;
    w += r;
  }
  return w;
}

/** implements Linux sendfile(2) (sendfile64 on x86_64): copies through a kernel buffer. A pipe
 *  at either end may park the call (RET_BLOCK); it then starts again from the top. */
export const sysSendfile: Handler = (t) => done(t, sendfile(t));

function sendfile(t: Task): number {
  const outFd = t.regs.argInt(0), inFd = t.regs.argInt(1), offAddr = t.regs.arg(2);
  let count = t.regs.arg(3);
  const inF = getIoFile(t, inFd);
  if (inF === null || !inF.readable) return -EBADF;
  let pos = -1;
  if (offAddr !== 0) {
    if (!inF.seekable) return -ESPIPE;
    const p = t.mm.readU64(offAddr);
    if (p === -EFAULT) return -EFAULT;
    if (p >= 2 ** 63) return -EINVAL;
    pos = p;
  }
  const out = getIoFile(t, outFd);
  if (out === null || !out.writable) return -EBADF;
  if (out.flags & O_APPEND) return -EINVAL;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  let done = 0, err = 0;
  while (done < count) {
    const want = Math.min(SENDFILE_CHUNK, count - done);
    const n = inF.read(t, sendBuf, 0, want, pos >= 0 ? pos + done : -1);
    if (n < 0) { err = n; break; }
    if (n === 0) break;
    const w = writeAll(t, out, n);
    if (w < 0) {
      if (pos < 0 && inF.seekable) inF.pos -= n;
      err = w;
      break;
    }
    done += w;
    if (w < n) { if (pos < 0 && inF.seekable) inF.pos -= n - w; break; }
    if (n < want) break;
  }
  if (pos >= 0 && t.mm.writeU64(offAddr, pos + done) < 0) return -EFAULT;
  return done > 0 ? done : err;
}

// ---- advice

/** implements Linux fadvise64(2): advice is checked and otherwise ignored. */
export const sysFadvise64: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null) return -EBADF;
  if (t.regs.argLong(2) < 0) return -EINVAL;
  if (!f.seekable || f.dentry === null) return -ESPIPE;
  const advice = t.regs.argInt(3);
  if (advice < 0 || advice > 5) return -EINVAL;
  return 0;
};

/** implements Linux readahead(2): nothing to do, for regular files. */
export const sysReadahead: Handler = (t) => {
  const f = getIoFile(t, t.regs.argInt(0));
  if (f === null || !f.readable) return -EBADF;
  if (f.dentry === null || !f.dentry.inode.isReg) return -EINVAL;
  return 0;
};

export const fsIoSyscalls: Record<string, Handler> = {
  read: sysRead,
  write: sysWrite,
  pread64: sysPread64,
  pwrite64: sysPwrite64,
  readv: sysReadv,
  writev: sysWritev,
  preadv: sysPreadv,
  pwritev: sysPwritev,
  preadv2: sysPreadv2,
  pwritev2: sysPwritev2,
  lseek: sysLseek,
  sendfile: sysSendfile,
  fadvise64: sysFadvise64,
  readahead: sysReadahead,
};
