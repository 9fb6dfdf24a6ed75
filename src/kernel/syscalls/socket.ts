// Sockets: socket, socketpair, bind, listen, connect, accept, accept4,
// getsockname, getpeername, shutdown (net/socket.c). AF_UNIX (net/unix.ts) and
// AF_INET on the sandbox's loopback network (net/inet.ts) exist, or, on the
// host's network, AF_INET and AF_INET6 host sockets (net/hostinet.ts); other
// families give EAFNOSUPPORT, as a kernel built without them. The message
// calls (sendto, recvmsg, ...) are in socket_msg.ts, the options in
// socket_opt.ts.
import {
  EACCES, EAFNOSUPPORT, EAGAIN, EBADF, ECONNABORTED, ECONNREFUSED, EFAULT, EINVAL, ENOTCONN, ENOTSOCK, EOPNOTSUPP,
  EPROTONOSUPPORT, ESOCKTNOSUPPORT,
} from '../errno';
import { O_NONBLOCK } from '../abi/fcntl';
import {
  AF_INET, AF_INET6, AF_MAX, AF_UNIX, AF_UNSPEC, IPPROTO_ICMP, IPPROTO_MAX, IPPROTO_TCP, IPPROTO_UDP, RCV_SHUTDOWN, SHUT_RD,
  SHUT_RDWR, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_MAX, SOCK_NONBLOCK, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM,
  SOCK_TYPE_MASK, SOCKADDR_STORAGE_SIZE, SOMAXCONN, SUN_PATH_OFF,
} from '../abi/socket';
import type { Task } from '../task';
import { allocSockIno, newUnixSocket, SocketFile } from '../net/socket_file';
import { bindBsd } from '../net/unix_bind';
import { findOther } from '../net/unix_path';
import { waitOn } from '../net/unix_io';
import { TCP_CLOSE, TCP_LISTEN, UnixSocket, validateAddr } from '../net/unix';
import { inetBind, inetGetname, tcpConnect, tcpListen, udpConnect } from '../net/inet';
import { HostSocketFile, newHostSocket } from '../net/hostinet';
import { release } from '../vfs/fd_table';
import { RET_BLOCK, type Handler } from './types';

/** A socket call that may have parked returns r: anything but RET_BLOCK ends its wait record. */
export function sockDone(t: Task, r: number): number {
  if (r !== RET_BLOCK && t.waitActive) t.endWait();
  return r;
}

/** sockfd_lookup_light: the socket file at fd, a sandbox socket or a host one (net/hostinet.ts),
 *  or -EBADF (O_PATH descriptors too) / -ENOTSOCK. */
export function sockFile(t: Task, fd: number): SocketFile | HostSocketFile | number {
  const f = t.files.get(fd);
  if (f === null || f.isPath) return -EBADF;
  return f instanceof SocketFile || f instanceof HostSocketFile ? f : -ENOTSOCK;
}

/** The kernel's copy of an address argument (sockaddr_storage, one spare byte kept NUL). */
export const kaddr = new Uint8Array(SOCKADDR_STORAGE_SIZE + 1);

/** move_addr_to_kernel: copies len bytes of address into buf (the byte after them is zeroed).
 *  0 or -errno. */
export function readAddr(t: Task, addr: number, len: number, buf: Uint8Array): number {
  if (len < 0 || len > SOCKADDR_STORAGE_SIZE) return -EINVAL;
  buf.fill(0);
  if (len === 0) return 0;
  return t.mm.copyIn(addr, buf, 0, len) < 0 ? -EFAULT : 0;
}

/** move_addr_to_user: copies min(*ulen, klen) bytes of the address and stores klen in *ulen. */
export function putAddr(t: Task, buf: Uint8Array, klen: number, uaddr: number, ulenAddr: number): number {
  const ulen = t.mm.readU32(ulenAddr);
  if (ulen === -EFAULT) return -EFAULT;
  let len = ulen | 0;
  if (len > klen) len = klen;
  if (len < 0) return -EINVAL;
  if (len > 0 && t.mm.copyOut(uaddr, buf, 0, len) < 0) return -EFAULT;
  return t.mm.writeU32(ulenAddr, klen) < 0 ? -EFAULT : 0;
}

/** unix_getname / inet_getname: the socket's (or its peer's) address and its length, into buf. */
export function getname(sock: UnixSocket, peer: boolean, buf: Uint8Array): number {
  if (sock.family === AF_INET) return inetGetname(sock, peer, buf);
  let s: UnixSocket | null = sock;
  if (peer) {
    s = sock.peer;
    if (s === null) return -ENOTCONN;
  }
  const a = s.addr;
  buf.fill(0, 0, SUN_PATH_OFF + 1);
  if (a === null) {
    buf[0] = AF_UNIX; buf[1] = 0;
    return SUN_PATH_OFF;
  }
  buf.set(a);
  return a.length;
}

/** The type flags socket(2), socketpair(2) take; -EINVAL for unknown ones. */
function typeFlags(type: number): number {
  const flags = type & ~SOCK_TYPE_MASK;
  return flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK) ? -EINVAL : flags;
}

/** inet_create on the loopback network: TCP and UDP only. The protocol, or -errno. */
function inetProtocol(type: number, protocol: number): number {
  if (protocol < 0 || protocol >= IPPROTO_MAX) return -EINVAL;
  if (type === SOCK_STREAM) return protocol === 0 || protocol === IPPROTO_TCP ? IPPROTO_TCP : -EPROTONOSUPPORT;
  if (type === SOCK_DGRAM) {
    if (protocol === 0 || protocol === IPPROTO_UDP) return IPPROTO_UDP;
    // ICMP "ping" sockets: net.ipv4.ping_group_range's default allows no group.
    return protocol === IPPROTO_ICMP ? -EACCES : -EPROTONOSUPPORT;
  }
  // No raw sockets (nor any other type) on this network.
  return -ESOCKTNOSUPPORT;
}

/** __sock_create + unix_create: the checks, in Linux's order, for (family, type, protocol). */
function createChecks(family: number, type: number, protocol: number): number {
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  if (type < 0 || type >= SOCK_MAX) return -EINVAL;
  // Unix sockets and the loopback AF_INET exist; every other family is one this kernel lacks.
  if (family === AF_INET) { const p = inetProtocol(type, protocol); return p < 0 ? p : type; }
  if (family !== AF_UNIX) return -EAFNOSUPPORT;
  if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  if (type === SOCK_RAW) return SOCK_DGRAM; // BSD has AF_UNIX SOCK_RAW; Linux makes it datagram
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
  return type;
}

/** implements Linux socket(2) */
export const sysSocket: Handler = (t) => {
  const family = t.regs.argInt(0), rawType = t.regs.argInt(1), protocol = t.regs.argInt(2);
  const flags = typeFlags(rawType);
  if (flags < 0) return flags;
  if (t.kernel.hostNetwork && (family === AF_INET || family === AF_INET6)) {
    const hf = newHostSocket(t, family, rawType & SOCK_TYPE_MASK, protocol, (flags & SOCK_NONBLOCK) !== 0);
    if (typeof hf === 'number') return hf;
    const fd = t.files.install(hf, (flags & SOCK_CLOEXEC) !== 0);
    if (fd < 0) release(hf);
    return fd;
  }
  const type = createChecks(family, rawType & SOCK_TYPE_MASK, protocol);
  if (type < 0) return type;
  const f = newUnixSocket(t, type, (flags & SOCK_NONBLOCK) !== 0, family,
    family === AF_INET ? inetProtocol(type, protocol) : 0);
  const fd = t.files.install(f, (flags & SOCK_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
};

const pairBuf = new Uint8Array(8);
const pairDv = new DataView(pairBuf.buffer);

/** implements Linux socketpair(2) */
export const sysSocketpair: Handler = (t) => {
  const family = t.regs.argInt(0), rawType = t.regs.argInt(1), protocol = t.regs.argInt(2);
  const usv = t.regs.arg(3);
  const flags = typeFlags(rawType);
  if (flags < 0) return flags;
  // The descriptors are reserved and stored first (EMFILE, EFAULT), then the sockets made.
  const fd1 = t.files.firstFree();
  if (fd1 < 0) return fd1;
  const fd2 = t.files.firstFree(fd1 + 1);
  if (fd2 < 0) return fd2;
  pairDv.setInt32(0, fd1, true);
  pairDv.setInt32(4, fd2, true);
  if (t.mm.copyOut(usv, pairBuf, 0, 8) < 0) return -EFAULT;
  const type = createChecks(family, rawType & SOCK_TYPE_MASK, protocol);
  if (type < 0) return type;
  if (family !== AF_UNIX) return -EOPNOTSUPP; // sock_no_socketpair
  const nb = (flags & SOCK_NONBLOCK) !== 0, cloexec = (flags & SOCK_CLOEXEC) !== 0;
  const a = newUnixSocket(t, type, nb), b = newUnixSocket(t, type, nb);
  UnixSocket.pair(t, a.sock, b.sock);
  t.files.install(a, cloexec);
  t.files.install(b, cloexec);
  return 0;
};

/** unix_bind. */
function unixBind(t: Task, sock: UnixSocket, addr: Uint8Array, len: number): number {
  if (len === SUN_PATH_OFF && (addr[0]! | (addr[1]! << 8)) === AF_UNIX) return sock.autobind();
  const e = validateAddr(addr, len);
  if (e < 0) return e;
  if (addr[SUN_PATH_OFF] !== 0) return bindBsd(t, sock, addr, len);
  return sock.bindAbstract(addr, len);
}

/** implements Linux bind(2) */
export const sysBind: Handler = (t) => {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  const len = t.regs.argInt(2);
  const e = readAddr(t, t.regs.arg(1), len, kaddr);
  if (e < 0) return e;
  if (f instanceof HostSocketFile) return f.bind(t, kaddr, len);
  if (f.sock.family === AF_INET) return inetBind(t, f.sock, kaddr, len);
  return unixBind(t, f.sock, kaddr, len);
};

/** implements Linux listen(2) */
export const sysListen: Handler = (t) => {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  let backlog = t.regs.argInt(1);
  if ((backlog >>> 0) > SOMAXCONN) backlog = SOMAXCONN;
  if (f instanceof HostSocketFile) return f.listen(backlog);
  if (f.sock.family === AF_INET) return f.sock.type === SOCK_STREAM ? tcpListen(t, f.sock, backlog) : -EOPNOTSUPP;
  return f.sock.listen(t, backlog);
};

/** unix_dgram_connect. */
function dgramConnect(t: Task, sock: UnixSocket, addr: Uint8Array, len: number): number {
  if (len < 2) return -EINVAL;
  if ((addr[0]! | (addr[1]! << 8)) === AF_UNSPEC) return sock.dgramConnect(null);
  const e = validateAddr(addr, len);
  if (e < 0) return e;
  if (sock.passcred && sock.addr === null) {
    const b = sock.autobind();
    if (b < 0) return b;
  }
  const other = findOther(t, addr, len, sock.type);
  if (typeof other === 'number') return other;
  return sock.dgramConnect(other);
}

/** unix_stream_connect (stream and seqpacket). May park on the listener's backlog. */
function streamConnect(t: Task, f: SocketFile, addr: Uint8Array, len: number): number {
  const sock = f.sock;
  const e = validateAddr(addr, len);
  if (e < 0) return e;
  if (sock.passcred && sock.addr === null) {
    const b = sock.autobind();
    if (b < 0) return b;
  }
  const timeo = f.flags & O_NONBLOCK ? 0 : sock.sndtimeo;
  const other = findOther(t, addr, len, sock.type);
  if (typeof other === 'number') return other;
  if (other.state !== TCP_LISTEN || (other.shutdown & RCV_SHUTDOWN)) return -ECONNREFUSED;
  if (other.recvqFull()) {
    // A full backlog: wait for accept(2) to make room (woken on the listener's peer_wait).
    if (timeo === 0) return -EAGAIN;
    return waitOn(t, other.peerWait, timeo);
  }
  return sock.connectTo(t, other, allocSockIno());
}

/** implements Linux connect(2) */
export const sysConnect: Handler = (t) => {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return sockDone(t, f);
  const len = t.regs.argInt(2);
  const e = readAddr(t, t.regs.arg(1), len, kaddr);
  if (e < 0) return sockDone(t, e);
  if (f instanceof HostSocketFile) return sockDone(t, f.connect(t, kaddr, len));
  const sock = f.sock;
  if (sock.family === AF_INET) {
    if (sock.type === SOCK_DGRAM) return sockDone(t, udpConnect(t, sock, kaddr, len));
    return sockDone(t, tcpConnect(t, sock, kaddr, len, (f.flags & O_NONBLOCK) !== 0, allocSockIno()));
  }
  if (sock.type === SOCK_DGRAM) return sockDone(t, dgramConnect(t, sock, kaddr, len));
  return sockDone(t, streamConnect(t, f, kaddr, len));
};

const nameBuf = new Uint8Array(SOCKADDR_STORAGE_SIZE);
const nameLen = new Uint32Array(2);

/** accept4 on a host socket: the new file, the peer's address, the descriptor. */
function hostAccept(t: Task, f: HostSocketFile, uaddr: number, ulenAddr: number, flags: number): number {
  const nf = f.accept(t, (flags & SOCK_NONBLOCK) !== 0, nameBuf, nameLen);
  if (typeof nf === 'number') return nf;
  if (uaddr !== 0) {
    const e = putAddr(t, nameBuf, Math.min(nameLen[0]!, nameBuf.length), uaddr, ulenAddr);
    if (e < 0) { release(nf); return e; }
  }
  return t.files.install(nf, (flags & SOCK_CLOEXEC) !== 0);
}

/** accept4's worker: unix_accept, then the peer's address, then the new descriptor. */
function doAccept(t: Task, fd: number, uaddr: number, ulenAddr: number, flags: number): number {
  const file = t.files.get(fd);
  if (file === null || file.isPath) return -EBADF;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  const newfd = t.files.firstFree();
  if (newfd < 0) return newfd;
  if (file instanceof HostSocketFile) return hostAccept(t, file, uaddr, ulenAddr, flags);
  if (!(file instanceof SocketFile)) return -ENOTSOCK;
  const f = file;
  const sock = f.sock;
  if (sock.type !== SOCK_STREAM && sock.type !== SOCK_SEQPACKET) return -EOPNOTSUPP;
  if (sock.state !== TCP_LISTEN) return -EINVAL;
  // skb_recv_datagram on the listener: a pending error, then a request, else wait.
  const err = sock.takeError();
  if (err !== 0) return -err;
  const req = sock.recvq.head;
  if (req === null) {
    const timeo = f.flags & O_NONBLOCK ? 0 : sock.rcvtimeo;
    if (timeo === 0) return -EAGAIN;
    // A listener shut down for reading accepts nothing more (skb_recv_datagram's 0: EINVAL).
    if (sock.shutdown & RCV_SHUTDOWN) return -EINVAL;
    return waitOn(t, sock.wq, timeo);
  }
  sock.recvq.shift();
  sock.peerWait.wakeAll();
  const server = req.embryo!;
  server.hasFile = true;
  server.passcred = sock.passcred;
  const nf = new SocketFile(server, (flags & SOCK_NONBLOCK) !== 0, t.creds.fsuid, t.creds.fsgid);
  if (uaddr !== 0) {
    const klen = getname(server, true, nameBuf);
    const e = klen < 0 ? klen : putAddr(t, nameBuf, klen, uaddr, ulenAddr);
    if (e < 0) { release(nf); return klen < 0 ? -ECONNABORTED : e; }
  }
  return t.files.install(nf, (flags & SOCK_CLOEXEC) !== 0);
}

/** implements Linux accept4(2) */
export const sysAccept4: Handler = (t) =>
  sockDone(t, doAccept(t, t.regs.argInt(0), t.regs.arg(1), t.regs.arg(2), t.regs.argInt(3)));

/** implements Linux accept(2) */
export const sysAccept: Handler = (t) => sockDone(t, doAccept(t, t.regs.argInt(0), t.regs.arg(1), t.regs.arg(2), 0));

function doGetname(t: Task, peer: boolean): number {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  const klen = f instanceof HostSocketFile ? f.getname(peer, nameBuf) : getname(f.sock, peer, nameBuf);
  if (klen < 0) return klen;
  return putAddr(t, nameBuf, klen, t.regs.arg(1), t.regs.arg(2));
}

/** implements Linux getsockname(2) */
export const sysGetsockname: Handler = (t) => doGetname(t, false);

/** implements Linux getpeername(2) */
export const sysGetpeername: Handler = (t) => doGetname(t, true);

/** implements Linux shutdown(2) */
export const sysShutdown: Handler = (t) => {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  const how = t.regs.argInt(1);
  if (how < SHUT_RD || how > SHUT_RDWR) return -EINVAL;
  if (f instanceof HostSocketFile) return f.shutdown(how);
  // inet_shutdown: a socket that is neither connected nor listening has nothing to shut.
  if (f.sock.family === AF_INET && f.sock.state === TCP_CLOSE) return -ENOTCONN;
  f.sock.doShutdown(how);
  return 0;
};

export const socketSyscalls: Record<string, Handler> = {
  socket: sysSocket,
  socketpair: sysSocketpair,
  bind: sysBind,
  listen: sysListen,
  connect: sysConnect,
  accept: sysAccept,
  accept4: sysAccept4,
  getsockname: sysGetsockname,
  getpeername: sysGetpeername,
  shutdown: sysShutdown,
};
