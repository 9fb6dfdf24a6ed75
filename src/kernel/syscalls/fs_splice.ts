// Moving bytes between files in the kernel: splice, tee, copy_file_range.
// Data goes through a kernel buffer (tsvisor's pipes are not page-based), a
// chunk at a time, taking from the source only what the destination takes:
// a pipe destination is offered only its free room, a file source is read at
// an offset and advanced by what was written, so a call that has to wait
// (RET_BLOCK) has moved nothing and simply runs again when woken.
import { EAGAIN, EBADF, EFAULT, EINVAL, EISDIR, ESPIPE } from '../errno';
import { MAX_RW_COUNT, O_APPEND } from '../abi/fcntl';
import type { Task } from '../task';
import type { FileDescription } from '../vfs/file';
import { PipeFile } from '../vfs/pipe';
import { getIoFile, scratch } from './fs_common';
import { RET_BLOCK, type Handler } from './types';

const CHUNK = 32 * 1024;
const buf = new Uint8Array(scratch.buffer, 0, CHUNK);
const SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;

function done(t: Task, r: number): number {
  if (r !== RET_BLOCK && t.waitActive) t.endWait();
  return r;
}

/** Why the last readOff failed (-EFAULT, -EINVAL), or 0. */
let offError = 0;
/** Reads an optional loff_t* argument: the offset, or -1 when NULL (or on error: see offError). */
function readOff(t: Task, addr: number): number {
  offError = 0;
  if (addr === 0) return -1;
  const v = t.mm.readU64(addr);
  if (v === -EFAULT) { offError = -EFAULT; return -1; }
  if (v >= 2 ** 63) { offError = -EINVAL; return -1; }
  return v;
}

/** A pipe destination's room, or how the call waits for some: bytes, -EAGAIN, RET_BLOCK. */
function pipeRoom(t: Task, out: PipeFile, nonblock: boolean): number {
  const p = out.pipe;
  if (p.readers === 0) return p.room > 0 ? p.room : CHUNK; // the write will raise EPIPE
  if (p.room > 0) return p.room;
  if (nonblock) return -EAGAIN;
  t.blockOn(p.wrq);
  return RET_BLOCK;
}

/** A move that cannot go on: the bytes moved so far (a wait begun for more is dropped), or r
 *  when nothing moved. */
function partial(t: Task, moved: number, r: number): number {
  if (moved === 0) return r;
  if (r === RET_BLOCK) t.endWait();
  return moved;
}

/** Moves up to len bytes from inF (at inPos, -1: its position/pipe) to out (at outPos).
 *  Returns bytes moved (>0), 0 at the source's end, -errno or RET_BLOCK with nothing moved. */
function move(t: Task, inF: FileDescription, inPos: number, out: FileDescription, outPos: number, len: number,
  nonblock: boolean): number {
  let moved = 0;
  while (moved < len) {
    let want = Math.min(CHUNK, len - moved);
    if (out instanceof PipeFile) {
      const room = pipeRoom(t, out, nonblock);
      if (room < 0 || room === RET_BLOCK) return partial(t, moved, room);
      want = Math.min(want, room);
    }
    let n: number;
    if (inF instanceof PipeFile) {
      if (nonblock && inF.pipe.bytes === 0 && inF.pipe.writers > 0) n = -EAGAIN;
      else n = inF.read(t, buf, 0, want, -1);
    } else n = inF.read(t, buf, 0, want, inPos >= 0 ? inPos + moved : inF.pos);
    if (n === RET_BLOCK) return partial(t, moved, RET_BLOCK);
    if (n < 0) return moved > 0 ? moved : n;
    if (n === 0) break;
    let w = 0;
    while (w < n) {
      const r = out.write(t, buf, w, n - w, outPos >= 0 ? outPos + moved + w : -1);
      if (r === RET_BLOCK) { t.endWait(); break; }
      if (r <= 0) { if (moved + w === 0) return r < 0 ? r : 0; break; }
      w += r;
    }
    if (!(inF instanceof PipeFile) && inPos < 0) inF.pos += w;
    moved += w;
    if (w < n || n < want) break;
  }
  return moved;
}

/** implements Linux splice(2): one end must be a pipe; offsets only for the other end. */
export const sysSplice: Handler = (t) => done(t, splice(t));
function splice(t: Task): number {
  const inFd = t.regs.argInt(0), offInAddr = t.regs.arg(1), outFd = t.regs.argInt(2), offOutAddr = t.regs.arg(3);
  let len = t.regs.arg(4);
  const flags = t.regs.argInt(5);
  if (flags & ~(SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)) return -EINVAL;
  const inF = getIoFile(t, inFd), out = getIoFile(t, outFd);
  if (inF === null || out === null) return -EBADF;
  if (!inF.readable || !out.writable) return -EBADF;
  const inPipe = inF instanceof PipeFile, outPipe = out instanceof PipeFile;
  if (!inPipe && !outPipe) return -EINVAL;
  if (inPipe && outPipe && inF.pipe === out.pipe) return -EINVAL;
  if ((inPipe && offInAddr !== 0) || (outPipe && offOutAddr !== 0)) return -ESPIPE;
  const inOff = readOff(t, offInAddr);
  if (offError !== 0) return offError;
  const outOff = readOff(t, offOutAddr);
  if (offError !== 0) return offError;
  if ((inOff >= 0 && !inF.seekable) || (outOff >= 0 && !out.seekable)) return -ESPIPE;
  if (!outPipe && (out.flags & O_APPEND)) return -EINVAL;
  if (len === 0) return 0;
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0 || ((inPipe ? inF : out).flags & 0o4000) !== 0;
  const r = move(t, inF, inOff, out, outOff, len, nonblock);
  if (r > 0) {
    if (inOff >= 0 && t.mm.writeU64(offInAddr, inOff + r) < 0) return -EFAULT;
    if (outOff >= 0 && t.mm.writeU64(offOutAddr, outOff + r) < 0) return -EFAULT;
  }
  return r;
}

/** implements Linux tee(2): copies from one pipe to another without consuming. */
export const sysTee: Handler = (t) => done(t, tee(t));
function tee(t: Task): number {
  const inF = getIoFile(t, t.regs.argInt(0)), out = getIoFile(t, t.regs.argInt(1));
  let len = t.regs.arg(2);
  const flags = t.regs.argInt(3);
  if (flags & ~(SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)) return -EINVAL;
  if (inF === null || out === null) return -EBADF;
  if (!(inF instanceof PipeFile) || !(out instanceof PipeFile)) return -EINVAL;
  if (!inF.readable || !out.writable) return -EBADF;
  if (inF.pipe === out.pipe) return -EINVAL;
  if (len === 0) return 0;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  const src = inF.pipe;
  if (src.bytes === 0) {
    if (src.writers === 0) return 0;
    if (nonblock) return -EAGAIN;
    t.blockOn(src.rdq);
    return RET_BLOCK;
  }
  const room = pipeRoom(t, out, nonblock);
  if (room < 0 || room === RET_BLOCK) return room;
  len = Math.min(len, room, CHUNK, MAX_RW_COUNT);
  const n = src.peek(buf, 0, len);
  let w = 0;
  while (w < n) {
    const r = out.write(t, buf, w, n - w, -1);
    if (r === RET_BLOCK) { t.endWait(); break; }
    if (r <= 0) return w > 0 ? w : r;
    w += r;
  }
  return w;
}

/** implements Linux copy_file_range(2): between regular files, through a kernel buffer. */
export const sysCopyFileRange: Handler = (t) => {
  const inF = getIoFile(t, t.regs.argInt(0)), offInAddr = t.regs.arg(1);
  const out = getIoFile(t, t.regs.argInt(2)), offOutAddr = t.regs.arg(3);
  let len = t.regs.arg(4);
  const flags = t.regs.argInt(5);
  if (flags !== 0) return -EINVAL;
  if (inF === null || out === null) return -EBADF;
  if (!inF.readable || !out.writable) return -EBADF;
  if (out.flags & O_APPEND) return -EBADF;
  const ii = inF.dentry?.inode, oi = out.dentry?.inode;
  if (ii === undefined || oi === undefined) return -EINVAL;
  if (ii.isDir || oi.isDir) return -EISDIR;
  if (!ii.isReg || !oi.isReg) return -EINVAL;
  const inOff = readOff(t, offInAddr);
  if (offError !== 0) return offError;
  const outOff = readOff(t, offOutAddr);
  if (offError !== 0) return offError;
  const ip = inOff >= 0 ? inOff : inF.pos, op = outOff >= 0 ? outOff : out.pos;
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  // The same file: the ranges may not overlap.
  if (ii === oi && ip < op + len && op < ip + len) return -EINVAL;
  if (len === 0) return 0;
  let moved = 0;
  while (moved < len) {
    const want = Math.min(CHUNK, len - moved);
    const n = inF.read(t, buf, 0, want, ip + moved);
    if (n < 0) { if (moved === 0) return n; break; }
    if (n === 0) break;
    const w = out.write(t, buf, 0, n, op + moved);
    if (w < 0) { if (moved === 0) return w; break; }
    moved += w;
    if (w < n) break;
  }
  if (inOff >= 0) { if (t.mm.writeU64(offInAddr, inOff + moved) < 0) return -EFAULT; } else inF.pos += moved;
  if (outOff >= 0) { if (t.mm.writeU64(offOutAddr, outOff + moved) < 0) return -EFAULT; } else out.pos += moved;
  return moved;
};

export const fsSpliceSyscalls: Record<string, Handler> = {
  splice: sysSplice,
  tee: sysTee,
  copy_file_range: sysCopyFileRange,
};
