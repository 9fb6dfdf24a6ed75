// Pipes (fs/pipe.c), with Linux's buffer structure so that fill levels, partial
// writes and readiness match it exactly: a ring of page-sized slots (16 by
// default, F_SETPIPE_SZ changes it), each holding an offset and a length.
//
//  - A write first merges its tail (total % 4096 bytes) into the last slot when
//    that fits, then fills fresh slots a page at a time. So a write of at most
//    PIPE_BUF (4096) bytes always lands in one slot: atomic, as POSIX requires.
//  - A blocking write that does not fit waits for free slots, keeping what it has
//    written in the wait record (t.waitProgress): a 1 MiB write into a 64 KiB pipe
//    completes over many wakes, and a signal ends it with the bytes written so far.
//  - A read takes bytes from the oldest slots; it blocks only when the pipe is
//    empty and a writer exists (no writers: EOF). O_DIRECT makes each slot a packet.
//  - The bytes live in one Uint8Array (slot i at i*4096), allocated at the first
//    write; data moves between it and guest memory segments directly (IoIter).
//
// Readers and writers are counted per open end (file description); the last writer
// closing wakes the readers (EOF, POLLHUP), the last reader closing wakes the
// writers (EPIPE with SIGPIPE, POLLERR).
import { EAGAIN, EBUSY, EFAULT, EINVAL, ENOTTY, EPERM, EPIPE } from '../errno';
import { FIONREAD, F_GETPIPE_SZ, F_SETPIPE_SZ, O_ACCMODE, O_DIRECT, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from '../abi/fcntl';
import {
  PIPE_DEF_BUFFERS, PIPE_MAX_SIZE, PIPE_MODE, PIPE_PAGE, PIPEFS_MAGIC, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM,
  POLLWRNORM,
} from '../abi/poll';
import { StatFields } from '../abi/stat';
import { ReadyQueue } from '../poll';
import { SIGPIPE, SI_USER } from '../signals';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import { Dentry } from './dentry';
import { FileDescription } from './file';
import { allocAnonDev, allocMntId, Inode, Superblock, type VfsCtx } from './inode';
import { IoIter } from './iov_iter';

/** Slot flags (pipe_buffer.flags). */
const BUF_CAN_MERGE = 1, BUF_PACKET = 2;

let pipeSb: Superblock | null = null;
/** pipefs, the file system every pipe's inode lives in (st_dev of a pipe). */
export function pipefs(): Superblock {
  if (pipeSb === null) pipeSb = new Superblock('pipefs', allocAnonDev(), allocMntId(), false, PIPEFS_MAGIC);
  return pipeSb;
}
/** Inode numbers of pipes (Linux's get_next_ino: a counter). */
let nextPipeIno = 4000;

/** Sends SIGPIPE to the writer (Linux's send_sig(SIGPIPE, current, 0): si_code SI_USER). */
export function sendSigpipe(t: Task): void {
  t.kernel.sendSignal(t, SIGPIPE, SI_USER);
}

/** Ends the wait record of a call that returns now (no-op when it never parked). */
function finish(t: Task, r: number): number {
  if (t.waitActive) t.endWait();
  return r;
}

/** The buffer and the counts shared by the ends of one pipe (struct pipe_inode_info). */
export class Pipe {
  readonly inode: PipeInode;
  /** Slot data, slot i at [i*4096, (i+1)*4096); null until the first write. */
  private ring: Uint8Array | null = null;
  /** Slots in the ring (a power of two) and how many may be in use (pipe->max_usage). */
  ringSize = PIPE_DEF_BUFFERS;
  maxUsage = PIPE_DEF_BUFFERS;
  private bufOff = new Int32Array(PIPE_DEF_BUFFERS);
  private bufLen = new Int32Array(PIPE_DEF_BUFFERS);
  private bufFlags = new Uint8Array(PIPE_DEF_BUFFERS);
  /** Invariant: slots tail, tail+1, ... (mod ringSize), nbufs of them, hold data (possibly 0
   *  bytes); bytes is the sum of their lengths. nbufs <= maxUsage <= ringSize. */
  private tail = 0;
  nbufs = 0;
  bytes = 0;
  /** Open ends that read / write (an O_RDWR end counts in both). */
  readers = 0;
  writers = 0;
  /** Set once anyone polled the pipe: from then on every write wakes the readers' queue
   *  (epoll's edge-triggered users expect an event per write), as Linux's poll_usage. */
  pollUsage = false;
  /** Readers wait here (data or hangup); writers wait on wrq (space or no readers). */
  readonly rdq = new ReadyQueue();
  readonly wrq = new ReadyQueue();
  /** Notified with both, for ends open O_RDWR (made on demand). */
  bothq: ReadyQueue | null = null;

  constructor(uid: number, gid: number) {
    this.inode = new PipeInode(this, nextPipeIno++, uid, gid);
  }

  private notifyRd(mask: number): void {
    this.rdq.notify(mask);
    if (this.bothq !== null) this.bothq.notify(mask);
  }
  private notifyWr(mask: number): void {
    this.wrq.notify(mask);
    if (this.bothq !== null) this.bothq.notify(mask);
  }

  get full(): boolean { return this.nbufs >= this.maxUsage; }

  private slot(i: number): number { return (this.tail + i) & (this.ringSize - 1); }

  /** Adds an open end. */
  open(readable: boolean, writable: boolean): void {
    if (readable) this.readers++;
    if (writable) this.writers++;
  }

  /** An end went away (pipe_release). */
  close(readable: boolean, writable: boolean): void {
    if (readable) this.readers--;
    if (writable) this.writers--;
    // The last reader or the last writer, but not both: wake the other side.
    if ((this.readers === 0) !== (this.writers === 0)) {
      this.notifyRd(0);
      this.notifyWr(0);
    }
  }

  /** Copies up to len bytes from the front of the pipe into dst without consuming them (tee). */
  peek(dst: Uint8Array, off: number, len: number): number {
    let n = 0;
    for (let i = 0; i < this.nbufs && n < len; i++) {
      const s = this.slot(i);
      const c = Math.min(this.bufLen[s]!, len - n);
      const from = s * PIPE_PAGE + this.bufOff[s]!;
      dst.set(this.ring!.subarray(from, from + c), off + n);
      n += c;
    }
    return n;
  }

  /** Bytes a write could put in now without waiting (whole free slots). */
  get room(): number { return (this.maxUsage - this.nbufs) * PIPE_PAGE; }

  /** pipe_read. it: the request; nonblock: O_NONBLOCK. Bytes, -errno, or RET_BLOCK. */
  read(t: Task, it: IoIter, nonblock: boolean): number {
    let total = it.count;
    if (total === 0) return finish(t, 0); // a null read succeeds, even with no writers
    const resumed = t.waitActive;
    const wasFull = this.full;
    let ret = 0;
    for (;;) {
      if (this.nbufs > 0) {
        const s = this.tail;
        let chars = this.bufLen[s]!;
        if (chars > total) chars = total;
        const written = it.copyTo(this.ring!, s * PIPE_PAGE + this.bufOff[s]!, chars);
        if (written < chars) { if (ret === 0) ret = -EFAULT; break; }
        ret += chars;
        this.bufOff[s] = this.bufOff[s]! + chars;
        this.bufLen[s] = this.bufLen[s]! - chars;
        this.bytes -= chars;
        if (this.bufFlags[s]! & BUF_PACKET) {
          // A packet is read whole or its rest is dropped; one packet per read.
          total = chars;
          this.bytes -= this.bufLen[s]!;
          this.bufLen[s] = 0;
        }
        if (this.bufLen[s] === 0) { this.tail = (s + 1) & (this.ringSize - 1); this.nbufs--; }
        total -= chars;
        if (total === 0) break;
        if (this.nbufs > 0) continue;
      }
      if (this.writers === 0) break;
      if (ret > 0) break;
      if (nonblock) { ret = -EAGAIN; break; }
      t.blockOn(this.rdq);
      return RET_BLOCK;
    }
    if (wasFull) this.notifyWr(POLLOUT | POLLWRNORM);
    // A reader that slept passes the wake on while data remains (wake_next_reader).
    if (resumed && this.nbufs > 0) this.notifyRd(POLLIN | POLLRDNORM);
    return finish(t, ret);
  }

  /**
   * pipe_write. packet: O_DIRECT. resumable: the request is the guest's own, restarted from the
   * top after a wake, so progress is kept in t.waitProgress and the write blocks until all of it
   * is in; otherwise (a kernel buffer: sendfile) a write that put some bytes in returns short.
   */
  write(t: Task, it: IoIter, nonblock: boolean, packet: boolean, resumable: boolean): number {
    let ret = 0;
    let wasEmpty = false;
    const resumed = resumable && t.waitActive;
    out: {
      if (resumed) {
        ret = t.waitProgress;
        it.advance(ret);
        wasEmpty = this.nbufs === 0;
      } else {
        if (it.count === 0) return finish(t, 0); // a null write succeeds
        if (this.readers === 0) { sendSigpipe(t); ret = -EPIPE; break out; }
        wasEmpty = this.nbufs === 0;
        // Merge the request's tail into the last slot when it fits there whole.
        const chars = it.count % PIPE_PAGE;
        if (chars !== 0 && !wasEmpty) {
          const s = this.slot(this.nbufs - 1);
          const offset = this.bufOff[s]! + this.bufLen[s]!;
          if ((this.bufFlags[s]! & BUF_CAN_MERGE) && offset + chars <= PIPE_PAGE) {
            const copied = it.copyFrom(this.ring!, s * PIPE_PAGE + offset, chars);
            if (copied < chars) { ret = -EFAULT; break out; }
            this.bufLen[s] = this.bufLen[s]! + chars;
            this.bytes += chars;
            ret = chars;
            if (it.count === 0) break out;
          }
        }
      }
      for (;;) {
        if (this.readers === 0) {
          sendSigpipe(t);
          if (ret === 0) ret = -EPIPE;
          break;
        }
        if (!this.full) {
          const ring = this.ringBytes();
          const s = this.slot(this.nbufs);
          this.nbufs++;
          this.bufOff[s] = 0;
          this.bufLen[s] = 0;
          this.bufFlags[s] = packet ? BUF_PACKET : BUF_CAN_MERGE;
          const copied = it.copyFrom(ring, s * PIPE_PAGE, Math.min(PIPE_PAGE, it.count));
          if (copied < PIPE_PAGE && it.count > 0) {
            // A fault part-way: the page's bytes are dropped, as Linux does.
            this.nbufs--;
            if (ret === 0) ret = -EFAULT;
            break;
          }
          ret += copied;
          this.bufLen[s] = copied;
          this.bytes += copied;
          if (it.count === 0) break;
        }
        if (!this.full) continue;
        // Full: wait for a reader to make room.
        if (nonblock) { if (ret === 0) ret = -EAGAIN; break; }
        if (!resumable && ret > 0) break;
        if (wasEmpty) this.notifyRd(POLLIN | POLLRDNORM);
        if (resumable) t.waitProgress = ret;
        t.blockOn(this.wrq);
        return RET_BLOCK;
      }
    }
    // Readers learn of new data when the pipe was empty, and always once it has been polled.
    if (wasEmpty || this.pollUsage) this.notifyRd(POLLIN | POLLRDNORM);
    return resumable ? finish(t, ret) : ret;
  }

  private ringBytes(): Uint8Array {
    if (this.ring === null) this.ring = new Uint8Array(this.ringSize * PIPE_PAGE);
    return this.ring;
  }

  /** pipe_set_size: F_SETPIPE_SZ. Returns the new size in bytes or -errno. */
  setSize(arg: number): number {
    arg = arg >>> 0; // fcntl passes an unsigned int
    if (arg > 0x80000000) return -EINVAL;
    let size = PIPE_PAGE;
    while (size < arg) size *= 2;
    const slots = size / PIPE_PAGE;
    // Above /proc/sys/fs/pipe-max-size: EPERM, as for a caller without CAP_SYS_RESOURCE (the
    // sandbox does not let even its root pin more than 1 MiB in one pipe).
    if (slots > this.maxUsage && size > PIPE_MAX_SIZE) return -EPERM;
    if (slots < this.nbufs) return -EBUSY;
    if (slots !== this.ringSize) this.resize(slots);
    this.maxUsage = slots;
    return size;
  }

  /** pipe_resize_ring: moves the occupied slots to the front of a ring of `slots` slots. */
  private resize(slots: number): void {
    const off = new Int32Array(slots), len = new Int32Array(slots), flags = new Uint8Array(slots);
    const ring = this.ring === null ? null : new Uint8Array(slots * PIPE_PAGE);
    for (let i = 0; i < this.nbufs; i++) {
      const s = this.slot(i);
      off[i] = this.bufOff[s]!; len[i] = this.bufLen[s]!; flags[i] = this.bufFlags[s]!;
      if (ring !== null) ring.set(this.ring!.subarray(s * PIPE_PAGE, (s + 1) * PIPE_PAGE), i * PIPE_PAGE);
    }
    this.ring = ring;
    this.bufOff = off; this.bufLen = len; this.bufFlags = flags;
    this.tail = 0;
    this.ringSize = slots;
  }

  /** Readiness of an end open for reading and/or writing (pipe_poll). */
  poll(readable: boolean, writable: boolean): number {
    this.pollUsage = true;
    let mask = 0;
    if (readable) {
      if (this.nbufs > 0) mask |= POLLIN | POLLRDNORM;
      if (this.writers === 0) mask |= POLLHUP;
    }
    if (writable) {
      if (!this.full) mask |= POLLOUT | POLLWRNORM;
      if (this.readers === 0) mask |= POLLERR;
    }
    return mask;
  }
}

/** A pipe's inode in pipefs: fstat shows a FIFO; reopening /proc/self/fd/N opens another end. */
export class PipeInode extends Inode {
  readonly ctimeMs = Date.now();
  constructor(readonly pipe: Pipe, ino: number, uid: number, gid: number) {
    super(pipefs(), ino, PIPE_MODE, uid, gid);
  }
  override get cacheable(): boolean { return false; }
  /** fifo_open for a pipe: never blocks and never gives ENXIO (the other side may come back). */
  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    return new PipeFile(this.pipe, flags, false);
  }
  override stat(dv: DataView, off: number): number {
    const f = statFields;
    f.dev = this.sb.dev; f.ino = this.ino; f.nlink = 1; f.mode = this.mode;
    f.uid = this.uid; f.gid = this.gid; f.rdev = 0; f.size = 0; f.blksize = PIPE_PAGE; f.blocks = 0;
    f.setTimes(Math.floor(this.ctimeMs / 1000), (this.ctimeMs % 1000) * 1e6);
    f.encode(dv, off);
    return 0;
  }
}
const statFields = new StatFields();

/** The iterator for kernel buffers (sendfile into or out of a pipe). */
const kernelIter = new IoIter();

/** One open end of a pipe. */
export class PipeFile extends FileDescription {
  /** The access this end was opened with (fixed at open; F_SETFL cannot change it). */
  private readonly canRead: boolean;
  private readonly canWrite: boolean;

  /** counted: the FIFO open already counted this end in the pipe (fifo.ts). */
  constructor(readonly pipe: Pipe, flags: number, attachDentry = true, counted = false) {
    super(flags);
    const acc = flags & O_ACCMODE;
    this.canRead = acc === O_RDONLY || acc === O_RDWR;
    this.canWrite = acc === O_WRONLY || acc === O_RDWR;
    if (!counted) pipe.open(this.canRead, this.canWrite);
    if (this.canRead && this.canWrite && pipe.bothq === null) pipe.bothq = new ReadyQueue();
    // Opened through a path (/proc/self/fd/N), the VFS attaches the dentry it walked.
    if (attachDentry) this.dentry = new Dentry(null, this.path(), null, pipe.inode).get();
  }

  override readIter(t: Task, it: IoIter): number {
    return this.pipe.read(t, it, (this.flags & O_NONBLOCK) !== 0);
  }

  override writeIter(t: Task, it: IoIter): number {
    return this.pipe.write(t, it, (this.flags & O_NONBLOCK) !== 0, (this.flags & O_DIRECT) !== 0, true);
  }

  /** Kernel-buffer reads (sendfile's input). */
  override read(t: Task, dst: Uint8Array, off: number, len: number, _pos: number): number {
    return this.pipe.read(t, kernelIter.initKernel(dst, off, len), (this.flags & O_NONBLOCK) !== 0);
  }

  /** Kernel-buffer writes (sendfile's output): short once some bytes are in and the pipe is full. */
  override write(t: Task, src: Uint8Array, off: number, len: number, _pos: number): number {
    return this.pipe.write(t, kernelIter.initKernel(src, off, len), (this.flags & O_NONBLOCK) !== 0,
      (this.flags & O_DIRECT) !== 0, false);
  }

  override poll(_t: Task): number { return this.pipe.poll(this.canRead, this.canWrite); }

  override readyQueue(): ReadyQueue {
    if (this.canRead && this.canWrite) return this.pipe.bothq!;
    return this.canRead ? this.pipe.rdq : this.pipe.wrq;
  }

  override get pollable(): boolean { return true; }

  override fcntl(_t: Task, cmd: number, arg: number): number {
    switch (cmd) {
      case F_SETPIPE_SZ: return this.pipe.setSize(arg);
      case F_GETPIPE_SZ: return this.pipe.maxUsage * PIPE_PAGE;
      default: return -EINVAL;
    }
  }

  override ioctl(t: Task, request: number, arg: number): number {
    if (request !== FIONREAD) return -ENOTTY;
    return t.mm.writeU32(arg, this.pipe.bytes) < 0 ? -EFAULT : 0;
  }

  override stat(dv: DataView, off: number): number { return this.pipe.inode.stat(dv, off); }

  override path(): string { return `pipe:[${this.pipe.inode.ino}]`; }

  override release(): void {
    super.release();
    this.pipe.close(this.canRead, this.canWrite);
  }
}

/** Makes a pipe's two ends (pipe2's worker): flags may hold O_NONBLOCK and O_DIRECT. */
export function makePipe(t: Task, flags: number): [PipeFile, PipeFile] {
  const p = new Pipe(t.creds.fsuid, t.creds.fsgid);
  const extra = flags & (O_NONBLOCK | O_DIRECT);
  return [new PipeFile(p, O_RDONLY | extra), new PipeFile(p, O_WRONLY | extra)];
}

