// The init process's fds 0-2: tsvisor's own host stdio, passed through.
//
// Reads and writes go to the host fd (the syscall layer hands over guest memory
// segments directly, no copies). A regular-file redirection keeps Linux's
// semantics: the offset is the host file description's own (shared with the
// shell that opened it), lseek and pread/pwrite work through it, O_APPEND is the
// host's. Pipes, sockets and ttys give ESPIPE for positions, as on Linux.
//
// Pipes, FIFOs, sockets and terminals (HostStreamFile) never block tsvisor: a
// read or write that would wait parks the task and lets Node's event loop run
// (DESIGN.md, run loop), and poll, select and epoll report the host's readiness.
// The host description is shared with the caller (its shell, its other
// processes), so its O_NONBLOCK is never touched; instead:
//   - a pipe, FIFO or terminal is reopened through /proc/self/fd/N with
//     O_NONBLOCK, once for reading and once for writing: descriptions of
//     tsvisor's own, read and written without waiting;
//   - a socket, which cannot be reopened by path, is read and written with
//     recv/send and MSG_DONTWAIT (MSG_NOSIGNAL: the guest gets its SIGPIPE from
//     tsvisor's kernel);
//   - where a reopen fails (a pipe tsvisor may not open, say), a read happens
//     only when a host poll says the data is there, and a write sends at most
//     PIPE_BUF bytes once the host says there is room.
// When nothing can move, the task parks on the file's HostQueue, and a libuv poll
// handle (host.FdWatch, on a dup of the fd) watches the host for the directions
// that were not ready when last looked at; it fires once, wakes the queue (and
// the epoll items watching it), and is armed again by the next waiter. poll(2)
// readiness is a zero-timeout host poll of the fd: the bits Linux gives for that
// object (POLLHUP on a pipe whose writers are gone, POLLERR on a pipe whose readers
// are gone, POLLRDHUP on a socket whose peer shut down).
//
// tsvisor never closes these host fds: they are its own stdio, and a closed fd
// 1 could be reused by a later host open.
//
// A host socket given as stdio (Node's spawn and many supervisors make socketpairs)
// shows as a pipe inside the sandbox: the guest reads and writes it, and no socket
// operation (getsockname, setsockopt, shutdown, ...) ever reaches a host socket.
// Shown as a socket, libuv and others would ask getsockname, get ENOTSOCK from
// tsvisor's own socket layer, and give up on the fd.
import { host } from '../../native';
import { EAGAIN, EFAULT, EINTR, ENOTTY, ENXIO, EPIPE } from '../errno';
import { RET_BLOCK } from '../syscalls/types';
import {
  F_DUPFD_CLOEXEC, O_ACCMODE, O_APPEND, O_CLOEXEC, O_DIRECT, O_DSYNC, O_LARGEFILE, O_NOATIME, O_NOCTTY, O_NONBLOCK,
  O_RDONLY, O_WRONLY, TCGETS, TERMIOS_SIZE, TIOCGWINSZ, WINSIZE_SIZE,
} from '../abi/fcntl';
import {
  PIPE_BUF, POLLERR, POLLHUP, POLLIN, POLLMSG, POLLOUT, POLLPRI, POLLRDBAND, POLLRDHUP, POLLRDNORM, POLLWRBAND,
  POLLWRNORM,
} from '../abi/poll';
import { STAT_SIZE, ST_MODE, S_IFCHR, S_IFIFO, S_IFMT, S_IFSOCK, statIno, statMode } from '../abi/stat';
import { ReadyQueue } from '../poll';
import type { Task } from '../task';
import { Dentry } from './dentry';
import { FileDescription } from './file';
import { Inode, Superblock, type VfsCtx } from './inode';
import type { IoIter } from './iov_iter';
import { sendSigpipe } from './pipe';

const F_GETFL = 3;

const sbuf = new Uint8Array(STAT_SIZE);
const sdv = new DataView(sbuf.buffer);
const ioBuf = new Uint8Array(64);

/** What kind of host object an fd is, found once with fstat (and TCGETS for ttys). */
export interface HostKind { mode: number; ino: number; tty: boolean }

export function probeHostFd(hostFd: number): HostKind {
  if (host.fstat(hostFd, sbuf, 0) < 0) return { mode: 0, ino: 0, tty: false };
  const mode = guestMode(statMode(sdv, 0));
  const tty = (mode & S_IFMT) === S_IFCHR && host.ioctlTcgets(hostFd, ioBuf, 0) >= 0;
  return { mode, ino: statIno(sdv, 0), tty };
}

/** The type the guest sees: a host socket is shown as a pipe (see the top of this file). */
function guestMode(mode: number): number {
  return (mode & S_IFMT) === S_IFSOCK ? (mode & ~S_IFMT) | S_IFIFO : mode;
}

/** fstat of the host fd with the guest's view of its type. */
function statHost(hostFd: number, dv: DataView, off: number): number {
  const r = host.fstat(hostFd, dv, off);
  if (r >= 0) dv.setUint32(off + ST_MODE, guestMode(dv.getUint32(off + ST_MODE, true)), true);
  return r;
}

/** The name /proc/self/fd shows for a host object (Linux's style for pipes and sockets). */
function anonName(hostFd: number, k: HostKind): string {
  switch (k.mode & S_IFMT) {
    case S_IFIFO: return `pipe:[${k.ino}]`;
    case S_IFSOCK: return `socket:[${k.ino}]`;
    default: return k.tty ? '/dev/console' : `host:[${hostFd}]`;
  }
}

/** The file for a host fd: a HostStreamFile for pipes, FIFOs, sockets and terminals (reads and
 *  writes park, readiness is the host's), a HostStdioFile (synchronous) for the rest. */
export function hostStdioFile(hostFd: number, flags: number, kind: HostKind): HostStdioFile {
  const type = kind.mode & S_IFMT;
  return type === S_IFIFO || type === S_IFSOCK || kind.tty
    ? new HostStreamFile(hostFd, flags, kind) : new HostStdioFile(hostFd, flags, kind);
}

/** The host object behind a stdio fd as an inode: opening it again (/proc/self/fd/N,
 *  /dev/stdout) gives another description of the same host fd. */
export class HostStdioInode extends Inode {
  constructor(sb: Superblock, readonly hostFd: number, readonly kind: HostKind) {
    super(sb, kind.ino, kind.mode);
  }
  override get cacheable(): boolean { return false; }
  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    // A socket cannot be opened by path (sock_no_open): /dev/stdout on a socket gives ENXIO.
    if ((this.kind.mode & S_IFMT) === S_IFSOCK) return -ENXIO;
    return hostStdioFile(this.hostFd, flags, this.kind);
  }
  override stat(dv: DataView, off: number): number { return statHost(this.hostFd, dv, off); }
}

/** A host fd read and written synchronously: a regular file (positions, pread/pwrite, the host's
 *  O_APPEND) or a device such as /dev/null, none of which ever waits. */
export class HostStdioFile extends FileDescription {
  constructor(readonly hostFd: number, flags: number, readonly kind: HostKind) { super(flags); }

  /** pread/pwrite/lseek work unless the host object is a pipe, socket or tty. */
  override get seekable(): boolean {
    const type = this.kind.mode & S_IFMT;
    return type !== S_IFIFO && type !== S_IFSOCK && !this.kind.tty;
  }

  override read(_t: Task, dst: Uint8Array, off: number, len: number, pos: number): number {
    for (;;) {
      const n = pos < 0 ? host.read(this.hostFd, dst, off, len) : host.pread(this.hostFd, dst, off, len, pos);
      if (n === -EINTR) continue;
      // A host description someone else made non-blocking (a device): wait as a blocking read would.
      if (n === -EAGAIN && !(this.flags & O_NONBLOCK)) { host.pollOne(this.hostFd, POLLIN, -1); continue; }
      return n;
    }
  }

  override write(_t: Task, src: Uint8Array, off: number, len: number, pos: number): number {
    for (;;) {
      const n = pos < 0 ? host.write(this.hostFd, src, off, len) : host.pwrite(this.hostFd, src, off, len, pos);
      if (n === -EINTR) continue;
      if (n === -EAGAIN && !(this.flags & O_NONBLOCK)) { host.pollOne(this.hostFd, POLLOUT, -1); continue; }
      return n;
    }
  }

  override seek(offset: number, whence: number): number { return host.lseek(this.hostFd, offset, whence); }

  /** Regular files and devices have no poll operation here: always ready, and epoll refuses them
   *  (EPERM), as Linux does for regular files. */
  override get pollable(): boolean { return this.seekable === false; }

  override stat(dv: DataView, off: number): number { return statHost(this.hostFd, dv, off); }

  override ioctl(t: Task, request: number, arg: number): number {
    switch (request) {
      case TCGETS: {
        const r = host.ioctlTcgets(this.hostFd, ioBuf, 0);
        return r < 0 ? r : t.mm.copyOut(arg, ioBuf, 0, TERMIOS_SIZE);
      }
      case TIOCGWINSZ: {
        const r = host.ioctlWinsize(this.hostFd, ioBuf, 0);
        return r < 0 ? r : t.mm.copyOut(arg, ioBuf, 0, WINSIZE_SIZE);
      }
      // Other terminal ioctls (TCSETS, TIOCGPGRP, ...) come with the tty work.
      default: return -ENOTTY;
    }
  }

  override path(): string { return this.dentry !== null ? this.dentry.path() : anonName(this.hostFd, this.kind); }
}

/** openat's AT_FDCWD; the private descriptions' flags (non-blocking, no controlling tty,
 *  close-on-exec); recv/send flags; libuv's poll events. */
const AT_FDCWD = -100, PRIVATE_FLAGS = O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
const MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
export const UV_READABLE = 1, UV_WRITABLE = 2;
/** Every bit a host poll can report when asked (it reports only those asked for, and POLLERR,
 *  POLLHUP, POLLNVAL): the whole mask the host's file has, as the guest's poll wants it. */
const ALL_EVENTS = POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | POLLWRNORM | POLLWRBAND | POLLMSG | POLLRDHUP;
/** The events a reader and a writer wait for. */
const IN_EVENTS = POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND | POLLRDHUP;
const OUT_EVENTS = POLLOUT | POLLWRNORM | POLLWRBAND;
/** What a wake from the host may have made ready (the epoll items it concerns). */
const WOKE_IN = IN_EVENTS | POLLHUP | POLLERR, WOKE_OUT = OUT_EVENTS | POLLHUP | POLLERR;
/** A write's bytes go through this buffer (the guest request is an IoIter). */
const stage = new Uint8Array(64 * 1024);

/** The queue of a host stream: a task parking on it (a read or write that would block, poll,
 *  select) arms the file's host watch; an epoll instance watching it arms it through armHost. */
class HostQueue extends ReadyQueue {
  constructor(private readonly file: HostStreamFile) { super(); }
  override get hostBacked(): boolean { return true; }
  override add(t: Task): void {
    super.add(t);
    this.file.parked(t);
  }
  override armHost(t: Task, want: number): void { this.file.armFor(t, want); }
}

/** A pipe, FIFO, socket or terminal: reads and writes park instead of blocking tsvisor, and
 *  readiness is the host's (see the top of this file). */
export class HostStreamFile extends HostStdioFile {
  /** The private non-blocking reader and writer: undefined until first needed, -1 when this host
   *  object cannot have one (a socket, or the reopen failed). */
  private rdFd: number | undefined;
  private wrFd: number | undefined;
  /** The host watch (on a dup of hostFd) and the libuv events it is armed for. */
  private watch: InstanceType<typeof host.FdWatch> | null = null;
  private watchFd = -1;
  private armed = 0;
  /** The host's poll mask when last looked at: a waiter arms the watch for what it lacked. */
  private lastMask = 0;
  /** The libuv events the read or write about to park waits for (0: a poller's, from lastMask). */
  private parkDir = 0;
  private readonly queue = new HostQueue(this);
  private readonly socket: boolean;

  constructor(hostFd: number, flags: number, kind: HostKind) {
    super(hostFd, flags, kind);
    this.socket = (kind.mode & S_IFMT) === S_IFSOCK;
  }

  /** A description of tsvisor's own for `mode` (O_RDONLY, O_WRONLY): the same host object,
   *  O_NONBLOCK. -1 for a socket (ENXIO) or when the host refuses. */
  private reopen(mode: number): number {
    if (this.socket) return -1;
    const fd = host.openat(AT_FDCWD, `/proc/self/fd/${this.hostFd}`, mode | PRIVATE_FLAGS, 0);
    return fd >= 0 ? fd : -1;
  }

  /** The host's poll mask now (every bit; POLLERR when the host poll fails). */
  private hostPoll(): number {
    const r = host.pollOne(this.hostFd, ALL_EVENTS, 0);
    return r < 0 ? POLLERR : r;
  }

  /** One read that never waits: bytes, 0 at the end, -EAGAIN, or -errno. */
  private readSome(dst: Uint8Array, off: number, len: number): number {
    if (this.socket) return host.recv(this.hostFd, dst, off, len, MSG_DONTWAIT);
    if (this.rdFd === undefined) this.rdFd = this.reopen(O_RDONLY);
    if (this.rdFd >= 0) return host.read(this.rdFd, dst, off, len);
    // No reader of its own: read only what the host says is there.
    if (!(this.hostPoll() & (POLLIN | POLLHUP | POLLERR))) return -EAGAIN;
    return host.read(this.hostFd, dst, off, len);
  }

  /** One write that never waits: bytes, -EAGAIN, or -errno. */
  private writeSome(src: Uint8Array, off: number, len: number): number {
    if (this.socket) return host.send(this.hostFd, src, off, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (this.wrFd === undefined) this.wrFd = this.reopen(O_WRONLY);
    if (this.wrFd >= 0) return host.write(this.wrFd, src, off, len);
    // No writer of its own: a pipe with room (POLLOUT: a free slot) takes PIPE_BUF bytes at once.
    if (!(this.hostPoll() & (POLLOUT | POLLERR | POLLHUP))) return -EAGAIN;
    return host.write(this.hostFd, src, off, Math.min(len, PIPE_BUF));
  }

  /** Watches the host for libuv events `dirs` (added to those armed) until they come. */
  private arm(dirs: number): void {
    if ((dirs & ~this.armed) === 0) return;
    if (this.watch === null) {
      this.watchFd = host.fcntl(this.hostFd, F_DUPFD_CLOEXEC, 0);
      try {
        if (this.watchFd < 0) throw new Error('dup');
        this.watch = new host.FdWatch(this.watchFd, (status, events) => this.fired(status, events));
      } catch {
        // The host will not watch it (cannot happen for these kinds): waiters look again soon.
        if (this.watchFd >= 0) host.close(this.watchFd);
        this.watchFd = -1;
        setTimeout(() => this.queue.notify(0), 10);
        return;
      }
    }
    this.armed |= dirs;
    if (this.watch.start(this.armed) < 0) { this.armed = 0; setTimeout(() => this.queue.notify(0), 10); }
  }

  /** The host watch fired: it stops watching what came, and the waiters and epoll items learn. */
  private fired(status: number, events: number): void {
    let mask = 0;
    if (status < 0) {
      this.armed = 0; // an error (libuv stopped the handle): everyone looks again
    } else {
      if (events & UV_READABLE) mask |= WOKE_IN;
      if (events & UV_WRITABLE) mask |= WOKE_OUT;
      this.armed &= ~events;
    }
    if (this.watch !== null) {
      if (this.armed === 0) this.watch.pause(); else this.watch.start(this.armed);
    }
    this.queue.notify(mask);
  }

  /** HostQueue.add: t parks on this file; arm for the read's or write's direction, or for a
   *  poller the directions this file has that were not ready when it looked. */
  parked(t: Task): void {
    let dirs = this.parkDir;
    this.parkDir = 0;
    if (dirs === 0) {
      if (this.readable && !(this.lastMask & IN_EVENTS)) dirs |= UV_READABLE;
      if (this.writable && !(this.lastMask & OUT_EVENTS)) dirs |= UV_WRITABLE;
    }
    if (dirs === 0) return;
    this.arm(dirs);
    t.kernel.parkOnHost(t);
  }

  /** HostQueue.armHost: an epoll waiter wants `want` (poll bits) from this file. */
  armFor(t: Task, want: number): void {
    const dirs = (want & IN_EVENTS ? UV_READABLE : 0) | (want & OUT_EVENTS ? UV_WRITABLE : 0);
    if (dirs === 0) return;
    this.arm(dirs);
    t.kernel.parkOnHost(t);
  }

  /** A read or write found nothing to do (EAGAIN): park t until the host says it can go on
   *  (or until deadline, in monotonic ns, when one is given). */
  protected park(t: Task, dir: number, deadline = 0): number {
    this.parkDir = dir;
    t.blockOn(this.queue, deadline);
    return RET_BLOCK;
  }

  /** A non-blocking guest call got EAGAIN: an epoll item watching this file (edge-triggered, say)
   *  must learn when that changes, though no task waits here. */
  protected nonblockingAgain(dir: number): number {
    if (this.queue.watched) this.arm(dir);
    return -EAGAIN;
  }

  override release(): void {
    if (this.watch !== null) { this.watch.stop(); this.watch = null; }
    for (const fd of [this.watchFd, this.rdFd ?? -1, this.wrFd ?? -1]) if (fd >= 0) host.close(fd);
    this.watchFd = -1; this.rdFd = -1; this.wrFd = -1;
    this.armed = 0;
    super.release();
  }

  override read(t: Task, dst: Uint8Array, off: number, len: number, _pos: number): number {
    for (;;) {
      const n = this.readSome(dst, off, len);
      if (n === -EINTR) continue;
      if (n !== -EAGAIN) return n;
      if (this.flags & O_NONBLOCK) return this.nonblockingAgain(UV_READABLE);
      return this.park(t, UV_READABLE);
    }
  }

  /** Segment writes (kernel buffers: sendfile, splice; /dev/console): short once some bytes are
   *  in, parked with nothing moved otherwise (the call then runs again from the top). */
  override write(t: Task, src: Uint8Array, off: number, len: number, _pos: number): number {
    for (;;) {
      const n = this.writeSome(src, off, len);
      if (n === -EINTR) continue;
      if (n === -EAGAIN) {
        if (this.flags & O_NONBLOCK) return this.nonblockingAgain(UV_WRITABLE);
        return this.park(t, UV_WRITABLE);
      }
      if (n === -EPIPE) sendSigpipe(t);
      return n;
    }
  }

  /** write/writev: a blocking write moves every byte (parking while the host is full, keeping its
   *  progress in t.waitProgress), as Linux's pipe_write and sock_sendmsg do; a signal ends it with
   *  the bytes written so far. O_NONBLOCK: what fits now, or EAGAIN. */
  override writeIter(t: Task, it: IoIter): number {
    let done = 0;
    if (t.waitActive) {
      done = t.waitProgress;
      it.advance(done);
    } else if (it.count === 0) {
      return 0;
    }
    while (it.count > 0) {
      const n = it.copyFrom(stage, 0, Math.min(stage.length, it.count));
      if (n === 0) return finish(t, done > 0 ? done : -EFAULT);
      for (let o = 0; o < n;) {
        const w = this.writeSome(stage, o, n - o);
        if (w > 0) { o += w; done += w; continue; }
        if (w === -EINTR) continue;
        if (w === -EAGAIN || w === 0) {
          if (this.flags & O_NONBLOCK) return finish(t, done > 0 ? done : this.nonblockingAgain(UV_WRITABLE));
          t.waitProgress = done;
          return this.park(t, UV_WRITABLE);
        }
        if (w === -EPIPE) sendSigpipe(t);
        return finish(t, done > 0 ? done : w);
      }
    }
    return finish(t, done);
  }

  /** The host's readiness for this object (the bits Linux's own poll gives). */
  override poll(_t: Task): number { return (this.lastMask = this.hostPoll()); }

  override readyQueue(): ReadyQueue { return this.queue; }
}

/** Ends the wait record of a write that returns r now. */
function finish(t: Task, r: number): number {
  if (t.waitActive) t.endWait();
  return r;
}

/** The flags a host fd was opened with, as F_GETFL shows them (minus O_NONBLOCK, which belongs
 *  to whoever set it on the shared host description), or `fallback` when the host will not say. */
function hostFlags(hostFd: number, fallback: number): number {
  const f = host.fcntl(hostFd, F_GETFL, 0);
  if (f < 0) return fallback;
  return f & (O_ACCMODE | O_APPEND | O_DSYNC | O_DIRECT | O_LARGEFILE | O_NOATIME);
}

/** Wraps a host fd for the init process's stdio; the file holds an anonymous dentry of its own. */
export function makeStdioFile(sb: Superblock, hostFd: number, flags?: number): HostStdioFile {
  const kind = probeHostFd(hostFd);
  const f = hostStdioFile(hostFd, hostFlags(hostFd, flags ?? 0), kind);
  f.dentry = new Dentry(null, anonName(hostFd, kind), null, new HostStdioInode(sb, hostFd, kind)).get();
  return f;
}
