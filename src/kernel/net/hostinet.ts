// Sockets of a sandbox on the host's network (`--network=host`, or an OCI config
// that lists no network namespace; runsc's --network=host): an AF_INET or
// AF_INET6 stream or datagram socket is a host socket that tsvisor opens itself
// (native/host/hostnet.cc), always non-blocking on the host. Like the host
// stdio streams (vfs/host_stdio.ts, whose parking and readiness it reuses), a
// call that would wait parks the task on the file's queue and a libuv watch of
// the host fd wakes it; poll, select and epoll see the host's readiness.
//
// What reaches the host is bytes the kernel copied from the guest and checked:
// addresses (the host validates them as Linux does, with Linux's errnos), the
// data (through a staging buffer), and the values of the socket options listed
// below. Options outside that list (those needing a capability the guest may
// lack but tsvisor has, or holding pointers) give ENOPROTOOPT; a port below
// 1024 needs the guest's CAP_NET_BIND_SERVICE. Ancillary data is not passed:
// sendmsg with control data gives EINVAL, recvmsg returns none.
import { host, hostnet } from '../../native';
import { CAP_NET_BIND_SERVICE } from '../abi/capability';
import { O_NONBLOCK, O_RDWR } from '../abi/fcntl';
import { POLLERR, POLLHUP, POLLOUT } from '../abi/poll';
import {
  AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_TCP, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_WAITALL, SIOCATMARK, SIOCINQ, SIOCOUTQ,
  SO_ACCEPTCONN, SO_BROADCAST, SO_DOMAIN, SO_ERROR, SO_KEEPALIVE, SO_LINGER, SO_OOBINLINE, SO_PROTOCOL, SO_RCVBUF,
  SO_RCVLOWAT, SO_RCVTIMEO_NEW, SO_RCVTIMEO_OLD, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_SNDTIMEO_NEW,
  SO_SNDTIMEO_OLD, SO_TYPE, SOCK_DGRAM, SOCK_INODE_MODE, SOCK_RAW, SOCK_STREAM, SOCKADDR_STORAGE_SIZE, SOL_SOCKET,
} from '../abi/socket';
import {
  EACCES, EAGAIN, EDOM, EFAULT, EINPROGRESS, EINTR, EINVAL, EMSGSIZE, ENOPROTOOPT, ENOTTY, EPERM, EPIPE, ERESTARTSYS,
  ESOCKTNOSUPPORT,
} from '../errno';
import { capable } from '../syscalls/identity';
import { RET_BLOCK } from '../syscalls/types';
import type { Task } from '../task';
import { monotonicNs } from '../timers';
import { Dentry } from '../vfs/dentry';
import { HostStreamFile, UV_READABLE, UV_WRITABLE } from '../vfs/host_stdio';
import type { IoIter } from '../vfs/iov_iter';
import { sendSigpipe } from '../vfs/pipe';
import { allocSockIno, SockInode } from './socket_file';
import type { SockResume } from './unix_io';

const IPPROTO_IPV6 = 41;
/** Options passed to the host as they are: none needs a capability or holds a pointer. */
const HOST_OPTS: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [SOL_SOCKET, new Set([SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_BROADCAST, SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE,
    SO_LINGER, SO_REUSEPORT, SO_RCVLOWAT, SO_ACCEPTCONN, SO_PROTOCOL, SO_DOMAIN])],
  // TCP_NODELAY, MAXSEG, CORK, KEEPIDLE, KEEPINTVL, KEEPCNT, SYNCNT, LINGER2, DEFER_ACCEPT, WINDOW_CLAMP,
  // INFO, QUICKACK, USER_TIMEOUT, FASTOPEN, NOTSENT_LOWAT (not CONGESTION: with tsvisor's
  // capabilities the host would load any algorithm).
  [IPPROTO_TCP, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 18, 23, 25])],
  // IP_TOS, TTL, MTU_DISCOVER, RECVERR, MTU, FREEBIND, BIND_ADDRESS_NO_PORT, MULTICAST_IF/TTL/LOOP,
  // ADD/DROP_MEMBERSHIP.
  [IPPROTO_IP, new Set([1, 2, 10, 11, 14, 15, 24, 32, 33, 34, 35, 36])],
  // IPV6_UNICAST_HOPS, MULTICAST_IF/HOPS/LOOP, JOIN/LEAVE_GROUP, MTU_DISCOVER, MTU, RECVERR, V6ONLY, TCLASS.
  [IPPROTO_IPV6, new Set([16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 67])],
]);
/** The lowest port bind(2) allows without CAP_NET_BIND_SERVICE (ip_unprivileged_port_start). */
const UNPRIVILEGED_PORT_START = 1024;

/** Data goes through this buffer (the guest's side is an IoIter over its memory). */
const stage = new Uint8Array(65536);
const out = new Uint32Array(2);
const optBuf = new Uint8Array(SOCKADDR_STORAGE_SIZE);
const optDv = new DataView(optBuf.buffer);

/** An AF_INET or AF_INET6 socket backed by a host socket. */
export class HostSocketFile extends HostStreamFile {
  readonly inode: SockInode;
  /** SO_RCVTIMEO and SO_SNDTIMEO in ns; 0: wait for ever. */
  rcvtimeoNs = 0;
  sndtimeoNs = 0;
  /** A blocking connect is waiting for the host's handshake. */
  private connecting = false;

  constructor(hostFd: number, readonly family: number, readonly type: number, readonly protocol: number,
    nonblock: boolean, uid: number, gid: number) {
    const ino = allocSockIno();
    super(hostFd, O_RDWR | (nonblock ? O_NONBLOCK : 0), { mode: SOCK_INODE_MODE, ino, tty: false });
    this.inode = new SockInode(ino, uid, gid);
    this.dentry = new Dentry(null, `socket:[${ino}]`, null, this.inode).get();
  }

  private get nonblock(): boolean { return (this.flags & O_NONBLOCK) !== 0; }

  /** Parks t for the host direction dir with SO_RCVTIMEO or SO_SNDTIMEO; a signal then gives
   *  ERESTARTSYS without a timeout, EINTR with one (sock_intr_errno). */
  private wait(t: Task, dir: number, timeoNs: number): number {
    t.waitInterruptResult = timeoNs === 0 ? -ERESTARTSYS : -EINTR;
    return this.park(t, dir, timeoNs === 0 || t.waitActive ? 0 : monotonicNs() + timeoNs);
  }

  bind(t: Task, addr: Uint8Array, len: number): number {
    // inet_bind's privileged-port rule, with the guest's capabilities, not tsvisor's.
    const fam = addr[0]! | (addr[1]! << 8);
    const port = (addr[2]! << 8) | addr[3]!;
    if ((fam === AF_INET || fam === AF_INET6) && len >= 4 && port !== 0 && port < UNPRIVILEGED_PORT_START &&
      !capable(t.creds, CAP_NET_BIND_SERVICE)) return -EACCES;
    return hostnet.bind(this.hostFd, addr, len);
  }

  listen(backlog: number): number { return hostnet.listen(this.hostFd, backlog); }

  /** connect(2): a blocking stream connect parks until the handshake ends (its SO_ERROR). */
  connect(t: Task, addr: Uint8Array, len: number): number {
    if (t.waitActive && this.connecting) {
      if (t.waitExpired()) { this.connecting = false; return -EINPROGRESS; }
      const m = host.pollOne(this.hostFd, POLLOUT, 0);
      if (m >= 0 && !(m & (POLLOUT | POLLERR | POLLHUP))) return this.wait(t, UV_WRITABLE, this.sndtimeoNs);
      this.connecting = false;
      return -this.takeError();
    }
    this.connecting = false;
    const r = hostnet.connect(this.hostFd, addr, len);
    if (r !== -EINPROGRESS || this.nonblock) return r;
    this.connecting = true;
    return this.wait(t, UV_WRITABLE, this.sndtimeoNs);
  }

  /** SO_ERROR of the host socket (read and cleared). */
  private takeError(): number {
    const n = hostnet.getsockopt(this.hostFd, SOL_SOCKET, SO_ERROR, optBuf, 0, 4);
    return n < 0 ? -n : optDv.getInt32(0, true);
  }

  /** accept4(2): the new socket's file, or -errno / RET_BLOCK; the peer's address in addr (its
   *  length in addrLen[0]). */
  accept(t: Task, nonblock: boolean, addr: Uint8Array, addrLen: Uint32Array): HostSocketFile | number {
    if (t.waitActive && t.waitExpired()) return -EAGAIN;
    const fd = hostnet.accept(this.hostFd, addr, addrLen);
    if (fd === -EAGAIN) return this.nonblock ? this.nonblockingAgain(UV_READABLE) : this.wait(t, UV_READABLE, this.rcvtimeoNs);
    if (fd < 0) return fd;
    return new HostSocketFile(fd, this.family, this.type, this.protocol, nonblock, t.creds.fsuid, t.creds.fsgid);
  }

  /** getsockname/getpeername into buf: the address's length, or -errno. */
  getname(peer: boolean, buf: Uint8Array): number { return hostnet.getname(this.hostFd, peer, buf); }

  shutdown(how: number): number { return hostnet.shutdown(this.hostFd, how); }

  /** sendto/sendmsg: bytes sent, -errno or RET_BLOCK (the bytes sent so far kept in r.bytes).
   *  A stream send moves every byte unless non-blocking; a datagram goes whole or not at all. */
  sendTo(t: Task, it: IoIter, flags: number, addr: Uint8Array | null, addrLen: number, r: SockResume): number {
    let done = r.bytes;
    if (t.waitActive) {
      if (t.waitExpired()) return done > 0 ? done : -EAGAIN;
      it.advance(done);
    }
    const dontwait = this.nonblock || (flags & MSG_DONTWAIT) !== 0;
    const hostFlags = (flags & ~MSG_WAITALL) | MSG_DONTWAIT;
    if (this.type === SOCK_DGRAM && it.count > stage.length) return -EMSGSIZE;
    do {
      const n = it.copyFrom(stage, 0, Math.min(stage.length, it.count));
      if (n < Math.min(stage.length, it.count)) return done > 0 ? done : -EFAULT;
      for (let o = 0; ;) {
        const w = hostnet.sendto(this.hostFd, stage, o, n - o, hostFlags, addr, addrLen);
        if (w >= 0) { o += w; done += w; if (o >= n) break; continue; }
        if (w === -EINTR) continue;
        if (w === -EAGAIN) {
          if (done > 0 && (dontwait || this.type === SOCK_DGRAM)) return done;
          if (dontwait) return this.nonblockingAgain(UV_WRITABLE);
          r.bytes = done;
          return this.wait(t, UV_WRITABLE, this.sndtimeoNs);
        }
        if (w === -EPIPE && !(flags & MSG_NOSIGNAL)) sendSigpipe(t);
        return done > 0 ? done : w;
      }
    } while (it.count > 0 && this.type === SOCK_STREAM);
    return done;
  }

  /** recvfrom/recvmsg: bytes received (a datagram's full length with MSG_TRUNC), -errno or
   *  RET_BLOCK (bytes so far of a MSG_WAITALL read kept in r.bytes); the source address in addr (length addrLen[0]) and msg_flags in addrLen[1]. */
  recvFrom(t: Task, it: IoIter, flags: number, addr: Uint8Array, addrLen: Uint32Array, r: SockResume): number {
    let done = r.bytes;
    if (t.waitActive) {
      if (t.waitExpired()) return done > 0 ? done : -EAGAIN;
      it.advance(done);
    }
    const dontwait = this.nonblock || (flags & MSG_DONTWAIT) !== 0;
    const waitall = (flags & MSG_WAITALL) !== 0 && this.type === SOCK_STREAM && !dontwait;
    for (;;) {
      const len = Math.min(stage.length, it.count);
      const n = hostnet.recvfrom(this.hostFd, stage, 0, len, (flags & ~MSG_WAITALL) | MSG_DONTWAIT, addr, out);
      if (n === -EINTR) continue;
      if (n === -EAGAIN) {
        if (done > 0 && !waitall) return done;
        if (dontwait) return done > 0 ? done : this.nonblockingAgain(UV_READABLE);
        r.bytes = done;
        return this.wait(t, UV_READABLE, this.rcvtimeoNs);
      }
      if (n < 0) return done > 0 ? done : n;
      addrLen[0] = out[0]!; addrLen[1] = out[1]!;
      const copy = Math.min(n, len);
      if (copy > 0 && it.copyTo(stage, 0, copy) < copy) return done > 0 ? done : -EFAULT;
      done += this.type === SOCK_STREAM ? copy : n;
      // A stream read goes on only for MSG_WAITALL, until the buffer is full or the peer is done.
      if (!waitall || n === 0 || it.count === 0) return done;
    }
  }

  /** getsockopt: the value into optBuf (its length), or -errno. */
  getOpt(level: number, name: number, len: number): number {
    if (level === SOL_SOCKET && isTimeo(name)) {
      putTimeval(isRcvTimeo(name) ? this.rcvtimeoNs : this.sndtimeoNs);
      return 16;
    }
    if (!HOST_OPTS.get(level)?.has(name)) return -ENOPROTOOPT;
    return hostnet.getsockopt(this.hostFd, level, name, optBuf, 0, Math.min(Math.max(len, 0), optBuf.length));
  }

  /** setsockopt with the value already in optBuf[0, len). */
  setOpt(level: number, name: number, len: number): number {
    if (level === SOL_SOCKET && isTimeo(name)) {
      if (len < 16) return -EINVAL;
      const sec = Number(optDv.getBigInt64(0, true)), usec = Number(optDv.getBigInt64(8, true));
      if (usec < 0 || usec >= 1000000) return -EDOM;
      const ns = sec < 0 ? 0 : sec * 1e9 + usec * 1000;
      if (isRcvTimeo(name)) this.rcvtimeoNs = ns; else this.sndtimeoNs = ns;
      return 0;
    }
    if (!HOST_OPTS.get(level)?.has(name)) return -ENOPROTOOPT;
    return hostnet.setsockopt(this.hostFd, level, name, optBuf, 0, len);
  }

  /** The option scratch buffer (the syscall copies values in and out of it). */
  static get optBuf(): Uint8Array { return optBuf; }

  override ioctl(t: Task, request: number, arg: number): number {
    if (request !== SIOCINQ && request !== SIOCOUTQ && request !== SIOCATMARK) return -ENOTTY;
    const v = hostnet.ioctlInt(this.hostFd, request);
    if (v < 0) return v;
    return t.mm.writeU32(arg, v) < 0 ? -EFAULT : 0;
  }

  override stat(dv: DataView, off: number): number { return this.inode.stat(dv, off); }
  override path(): string { return `socket:[${this.inode.ino}]`; }

  override release(): void {
    super.release();
    host.close(this.hostFd);
  }
}

function isTimeo(name: number): boolean {
  return name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW || name === SO_SNDTIMEO_OLD || name === SO_SNDTIMEO_NEW;
}
function isRcvTimeo(name: number): boolean { return name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW; }
function putTimeval(ns: number): void {
  optDv.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
  optDv.setBigInt64(8, BigInt(Math.floor((ns % 1e9) / 1000)), true);
}

/** socket(2) on the host's network: a host AF_INET/AF_INET6 stream or datagram socket (the host
 *  checks the protocol); raw sockets are not given (EPERM, as without CAP_NET_RAW). */
export function newHostSocket(t: Task, family: number, type: number, protocol: number, nonblock: boolean): HostSocketFile | number {
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM) return type === SOCK_RAW ? -EPERM : -ESOCKTNOSUPPORT;
  const fd = hostnet.socket(family, type, protocol);
  if (fd < 0) return fd;
  return new HostSocketFile(fd, family, type, protocol, nonblock, t.creds.fsuid, t.creds.fsgid);
}
