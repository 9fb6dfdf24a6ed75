// The init process's fds 0-2: tsvisor's own host stdio, passed through.
//
// Reads and writes go to the host fd (the syscall layer hands over guest memory
// segments directly, no copies). A regular-file redirection keeps Linux's
// semantics: the offset is the host file description's own (shared with the
// shell that opened it), lseek and pread/pwrite work through it, O_APPEND is the
// host's. Pipes, sockets and ttys give ESPIPE for positions, as on Linux.
//
// A read of a pipe, FIFO or terminal that would block parks the task and lets
// Node's event loop run (DESIGN.md, run loop): the host object is reopened
// through /proc/self/fd/N with O_NONBLOCK (a description of tsvisor's own, so
// the caller's shell never sees its stdin turn non-blocking), read without
// waiting, and watched with uv_poll until it is readable. Other kinds (regular
// files, a host socket, which cannot be reopened) are read synchronously.
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
import { EAGAIN, EINTR, ENOTTY, ENXIO } from '../errno';
import { RET_BLOCK } from '../syscalls/types';
import { WaitQueue } from '../wait';
import {
  O_ACCMODE, O_APPEND, O_DIRECT, O_DSYNC, O_LARGEFILE, O_NOATIME, O_NONBLOCK, TCGETS, TERMIOS_SIZE,
  TIOCGWINSZ, WINSIZE_SIZE,
} from '../abi/fcntl';
import { STAT_SIZE, ST_MODE, S_IFCHR, S_IFIFO, S_IFMT, S_IFSOCK, statIno, statMode } from '../abi/stat';
import type { Task } from '../task';
import { Dentry } from './dentry';
import { FileDescription } from './file';
import { Inode, Superblock, type VfsCtx } from './inode';

const POLLIN = 1, POLLOUT = 4;
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
    return new HostStdioFile(this.hostFd, flags, this.kind);
  }
  override stat(dv: DataView, off: number): number { return statHost(this.hostFd, dv, off); }
}

/** openat's AT_FDCWD; O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC for the private reader. */
const AT_FDCWD = -100, NB_READ_FLAGS = 0x800 | 0x100 | 0x80000, UV_READABLE = 1;

export class HostStdioFile extends FileDescription {
  /** The non-blocking reader (see the top of this file): undefined until the first read, -1 when
   *  this host object cannot have one. */
  private nbFd: number | undefined;
  private watch: InstanceType<typeof host.FdWatch> | null = null;
  /** Tasks parked until the host object is readable. */
  private readonly readers = new WaitQueue();

  constructor(readonly hostFd: number, flags: number, readonly kind: HostKind) { super(flags); }

  private nonblockingReader(): number {
    if (this.nbFd === undefined) {
      const type = this.kind.mode & S_IFMT;
      // A host socket (shown as a pipe) cannot be reopened by path (ENXIO): it stays synchronous.
      const fd = type === S_IFIFO || this.kind.tty ? host.openat(AT_FDCWD, `/proc/self/fd/${this.hostFd}`, NB_READ_FLAGS, 0) : -1;
      this.nbFd = fd >= 0 ? fd : -1;
    }
    return this.nbFd;
  }

  /** Parks t until the host object is readable; the read runs again from the top then. */
  private parkUntilReadable(t: Task, fd: number): number {
    if (this.watch === null) {
      this.watch = new host.FdWatch(fd, () => { this.watch?.stop(); this.readers.wakeAll(); });
    }
    this.watch.start(UV_READABLE);
    t.kernel.parkOnHost(t);
    t.blockOn(this.readers);
    return RET_BLOCK;
  }

  override release(): void {
    if (this.watch !== null) { this.watch.stop(); this.watch = null; }
    if (this.nbFd !== undefined && this.nbFd >= 0) host.close(this.nbFd);
    this.nbFd = -1;
    super.release();
  }

  /** pread/pwrite/lseek work unless the host object is a pipe, socket or tty. */
  override get seekable(): boolean {
    const type = this.kind.mode & S_IFMT;
    return type !== S_IFIFO && type !== S_IFSOCK && !this.kind.tty;
  }

  override read(t: Task, dst: Uint8Array, off: number, len: number, pos: number): number {
    const nb = pos < 0 && len > 0 ? this.nonblockingReader() : -1;
    if (nb >= 0) {
      for (;;) {
        const n = host.read(nb, dst, off, len);
        if (n === -EINTR) continue;
        if (n !== -EAGAIN || (this.flags & O_NONBLOCK)) return n;
        return this.parkUntilReadable(t, nb);
      }
    }
    for (;;) {
      const n = pos < 0 ? host.read(this.hostFd, dst, off, len) : host.pread(this.hostFd, dst, off, len, pos);
      if (n === -EINTR) continue;
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

  /** Pipes, sockets and ttys have a poll operation (epoll takes them); regular files do not.
   *  Readiness is the default "always ready" for now: reads and writes block tsvisor itself
   *  (see the top of this file), so poll/select/epoll return at once. With the event-loop
   *  version this reports the host fd's readiness and gives a queue woken by the FdWatch. */
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
  const f = new HostStdioFile(hostFd, hostFlags(hostFd, flags ?? 0), kind);
  f.dentry = new Dentry(null, anonName(hostFd, kind), null, new HostStdioInode(sb, hostFd, kind)).get();
  return f;
}
