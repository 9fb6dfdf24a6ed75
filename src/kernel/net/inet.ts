// AF_INET sockets on a loopback-only network inside the sandbox (what gVisor
// keeps with --network=none): TCP and UDP between the sandbox's own processes
// over 127.0.0.0/8 (and 0.0.0.0, which means this host). Nothing reaches the
// host's network: other destinations are ENETUNREACH, binds to them
// EADDRNOTAVAIL.
//
// The endpoints are unix.ts's, with TCP's differences on top: addresses are
// sockaddr_in; ports come from a table per sandbox (ephemeral ones from
// 32768-60999); a non-blocking connect gives EINPROGRESS (and SO_ERROR says how
// it went); calls on an unconnected socket give ENOTCONN or EPIPE; there are
// no control messages. UDP datagrams are delivered to the socket bound to the
// port (a connected one only takes its peer's), dropped when its receive
// buffer is full or nobody listens (a connected sender then sees ECONNREFUSED
// once, as after Linux's ICMP port-unreachable).
import {
  EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, ECONNREFUSED, EDESTADDRREQ, EFAULT, EINPROGRESS, EINVAL,
  EISCONN, EMSGSIZE, ENETUNREACH, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPIPE,
} from '../errno';
import {
  AF_INET, AF_UNSPEC, EPHEMERAL_HIGH, EPHEMERAL_LOW, IP_MTU_DISCOVER, IP_RECVERR, IP_TOS, IP_TTL, IPPROTO_IP,
  IPPROTO_TCP, MSG_NOSIGNAL, MSG_OOB, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SOCK_STREAM, SOCKADDR_IN_SIZE,
  TCP_CORK, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_MAXSEG, TCP_NODELAY, TCP_QUICKACK, TCP_USER_TIMEOUT,
  UDP_MAX_PAYLOAD,
} from '../abi/socket';
import { POLLERR } from '../abi/poll';
import { CAP_NET_BIND_SERVICE } from '../abi/capability';
import type { Kernel } from '../kernel';
import { capable } from '../syscalls/identity';
import type { Task } from '../task';
import type { IoIter } from '../vfs/iov_iter';
import { sendSigpipe } from '../vfs/pipe';
import { RET_BLOCK } from '../syscalls/types';
import { dgramTruesize, Skb } from './skb';
import { TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, UnixSocket } from './unix';
import { type SendMsg, type SockResume, waitOn } from './unix_io';
import { streamSend } from './unix_stream';

const LOOPBACK = 0x7f000001;

/** Bound ports of one sandbox: each port's sockets (several share one with SO_REUSEADDR or on
 *  different loopback addresses). */
class PortTable {
  readonly tcp = new Map<number, UnixSocket[]>();
  readonly udp = new Map<number, UnixSocket[]>();
  next = EPHEMERAL_LOW + 3000;
}
const tables = new WeakMap<Kernel, PortTable>();
function tableOf(k: Kernel): PortTable {
  let t = tables.get(k);
  if (t === undefined) { t = new PortTable(); tables.set(k, t); }
  return t;
}

/** A sockaddr_in. */
export function inetAddr(ip: number, port: number): Uint8Array {
  const a = new Uint8Array(SOCKADDR_IN_SIZE);
  const dv = new DataView(a.buffer);
  dv.setUint16(0, AF_INET, true);
  dv.setUint16(2, port, false);
  dv.setUint32(4, ip >>> 0, false);
  return a;
}
export function ipOf(a: Uint8Array): number { return new DataView(a.buffer, a.byteOffset).getUint32(4, false); }
export function portOf(a: Uint8Array): number { return new DataView(a.buffer, a.byteOffset).getUint16(2, false); }

/** The unbound name of an inet socket (0.0.0.0:0). */
export const INET_ANY = inetAddr(0, 0);

function isLoopback(ip: number): boolean { return (ip >>> 24) === 127; }

/** Parses an address argument: [family, ip, port] or -errno (EINVAL when short). */
function parse(buf: Uint8Array, len: number): { family: number; ip: number; port: number } | number {
  if (len < SOCKADDR_IN_SIZE) return -EINVAL;
  const dv = new DataView(buf.buffer, buf.byteOffset);
  return { family: dv.getUint16(0, true), ip: dv.getUint32(4, false), port: dv.getUint16(2, false) };
}

function portsOf(tab: PortTable, sock: UnixSocket): Map<number, UnixSocket[]> {
  return sock.type === SOCK_STREAM ? tab.tcp : tab.udp;
}

/** Do two bound addresses overlap (one is 0.0.0.0, or they are equal)? */
function overlaps(a: number, b: number): boolean { return a === 0 || b === 0 || a === b; }

function reuse(s: UnixSocket): boolean { return (s.opts.get(2 /* SO_REUSEADDR */) ?? 0) !== 0; }

/** Takes (ip, port) for sock; port 0 picks an ephemeral one. 0 or -errno. */
function takePort(k: Kernel, sock: UnixSocket, ip: number, port: number): number {
  const tab = tableOf(k);
  const ports = portsOf(tab, sock);
  if (port === 0) {
    const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    for (let i = 0; i < span; i++) {
      const p = EPHEMERAL_LOW + ((tab.next - EPHEMERAL_LOW + i) % span);
      if (!ports.has(p)) { port = p; tab.next = p + 1; break; }
    }
    if (port === 0) return -EADDRINUSE;
  } else {
    for (const o of ports.get(port) ?? []) {
      const oip = ipOf(o.addr!);
      if (!overlaps(ip, oip)) continue;
      // SO_REUSEADDR on both lets a port be bound again unless the other listens on it.
      if (sock.type === SOCK_STREAM && reuse(sock) && reuse(o) && o.state !== TCP_LISTEN) continue;
      return -EADDRINUSE;
    }
  }
  const list = ports.get(port) ?? [];
  list.push(sock);
  ports.set(port, list);
  sock.addr = inetAddr(ip, port);
  sock.unbindPort = () => {
    const l = ports.get(port);
    if (l === undefined) return;
    const i = l.indexOf(sock);
    if (i >= 0) l.splice(i, 1);
    if (l.length === 0) ports.delete(port);
  };
  return 0;
}

function bound(sock: UnixSocket): boolean { return sock.unbindPort !== null; }

/** inet_bind. */
export function inetBind(t: Task, sock: UnixSocket, buf: Uint8Array, len: number): number {
  const a = parse(buf, len);
  if (typeof a === 'number') return a;
  if (a.family !== AF_INET && !(a.family === AF_UNSPEC && a.ip === 0)) return -EAFNOSUPPORT;
  if (a.ip !== 0 && !isLoopback(a.ip)) return -EADDRNOTAVAIL;
  // net.ipv4.ip_unprivileged_port_start: ports below 1024 need CAP_NET_BIND_SERVICE.
  if (a.port !== 0 && a.port < 1024 && !capable(t.creds, CAP_NET_BIND_SERVICE)) return -EACCES;
  if (bound(sock) || sock.state !== TCP_CLOSE) return -EINVAL;
  return takePort(t.kernel, sock, a.ip, a.port);
}

/** The socket a datagram or connection to (ip, port) reaches, or null. */
function lookup(k: Kernel, sock: UnixSocket, ip: number, port: number, fromIp: number, fromPort: number): UnixSocket | null {
  const list = portsOf(tableOf(k), sock).get(port);
  if (list === undefined) return null;
  let best: UnixSocket | null = null;
  for (const s of list) {
    const sip = ipOf(s.addr!);
    if (sip !== 0 && sip !== ip) continue;
    if (sock.type === SOCK_STREAM) {
      if (s.state === TCP_LISTEN) return s;
      continue;
    }
    // A connected UDP socket takes datagrams from its peer only.
    if (s.destPort !== 0 && (s.destAddr !== fromIp || s.destPort !== fromPort)) continue;
    if (best === null || sip !== 0) best = s;
  }
  return best;
}

/** The destination a connect or send names: the loopback address to use, or -errno. */
function destination(ip: number): number {
  if (ip === 0) return LOOPBACK; // 0.0.0.0 means this host
  return isLoopback(ip) ? ip : -ENETUNREACH;
}

/** inet_stream_connect on loopback. nonblock: O_NONBLOCK. */
export function tcpConnect(t: Task, sock: UnixSocket, buf: Uint8Array, len: number, nonblock: boolean, serverIno: number): number {
  const a = parse(buf, len);
  if (typeof a === 'number') return a;
  if (a.family === AF_UNSPEC) return sock.state === TCP_ESTABLISHED ? -EINVAL : 0;
  if (a.family !== AF_INET) return -EAFNOSUPPORT;
  if (sock.state === TCP_ESTABLISHED) return -EISCONN;
  if (sock.state === TCP_LISTEN) return -EINVAL;
  const ip = destination(a.ip);
  if (ip < 0) return ip;
  // A refused connection may be tried again.
  if (!t.waitActive) { sock.shutdown = 0; }
  if (!bound(sock)) {
    const e = takePort(t.kernel, sock, ip, 0);
    if (e < 0) return e;
  } else if (ipOf(sock.addr!) === 0) {
    // Bound to any address: the connection's source is the loopback address it goes to.
    sock.addr = inetAddr(ip, portOf(sock.addr!));
  }
  const other = lookup(t.kernel, sock, ip, a.port, 0, 0);
  if (other === null || (other.shutdown & RCV_SHUTDOWN)) {
    if (!nonblock) return -ECONNREFUSED;
    // The refusal arrives as SO_ERROR after EINPROGRESS (a reset on loopback comes at once).
    sock.err = ECONNREFUSED;
    sock.shutdown = SHUTDOWN_MASK;
    sock.wq.notify(POLLERR);
    return -EINPROGRESS;
  }
  if (other.recvqFull() && !nonblock) {
    const w = waitOn(t, other.peerWait, sock.sndtimeo);
    return w === RET_BLOCK ? w : -EAGAIN;
  }
  const e = sock.connectTo(t, other, serverIno);
  if (e < 0) return e;
  // connectTo gave the server end the listener's name; TCP shows the address it was reached at.
  sock.peer!.addr = inetAddr(ip, a.port);
  sock.peerPid = 0; sock.peerUid = -1; sock.peerGid = -1;
  sock.peer!.peerPid = 0; sock.peer!.peerUid = -1; sock.peer!.peerGid = -1;
  return nonblock ? -EINPROGRESS : 0;
}

/** udp connect (ip4_datagram_connect); AF_UNSPEC disconnects. */
export function udpConnect(t: Task, sock: UnixSocket, buf: Uint8Array, len: number): number {
  if (len >= 2 && (buf[0]! | (buf[1]! << 8)) === AF_UNSPEC) {
    sock.destAddr = 0; sock.destPort = 0;
    sock.state = TCP_CLOSE;
    return 0;
  }
  const a = parse(buf, len);
  if (typeof a === 'number') return a;
  if (a.family !== AF_INET) return -EAFNOSUPPORT;
  const ip = destination(a.ip);
  if (ip < 0) return ip;
  if (!bound(sock)) {
    const e = takePort(t.kernel, sock, 0, 0);
    if (e < 0) return e;
  }
  sock.destAddr = ip; sock.destPort = a.port;
  sock.state = TCP_ESTABLISHED;
  return 0;
}

/** listen on TCP: binds an ephemeral port first when unbound. */
export function tcpListen(t: Task, sock: UnixSocket, backlog: number): number {
  if (sock.state !== TCP_CLOSE && sock.state !== TCP_LISTEN) return -EINVAL;
  if (!bound(sock)) {
    const e = takePort(t.kernel, sock, 0, 0);
    if (e < 0) return e;
  }
  sock.maxAckBacklog = backlog;
  sock.state = TCP_LISTEN;
  sock.peerWait.wakeAll();
  return 0;
}

/** tcp_sendmsg's checks before unix.ts's stream send. */
export function tcpSend(t: Task, sock: UnixSocket, it: IoIter, flags: number, m: SendMsg, r: SockResume): number {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  if (r.bytes === 0) {
    const e = sock.takeError();
    if (e !== 0) return -e;
    if (sock.peer === null || (sock.shutdown & SEND_SHUTDOWN)) {
      if (!(flags & MSG_NOSIGNAL)) sendSigpipe(t);
      return -EPIPE;
    }
  }
  // TCP ignores a destination once connected.
  m.nameLen = 0;
  return streamSend(t, sock, it, flags, m, r);
}

/** udp_sendmsg on loopback: delivered (or dropped) at once; never blocks. */
export function udpSend(t: Task, sock: UnixSocket, it: IoIter, flags: number, m: SendMsg): number {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  let ip: number, port: number;
  if (m.nameLen) {
    const a = parse(m.name, m.nameLen);
    if (typeof a === 'number') return a;
    if (a.family !== AF_INET && a.family !== AF_UNSPEC) return -EAFNOSUPPORT;
    const d = destination(a.ip);
    if (d < 0) return d;
    ip = d; port = a.port;
    if (port === 0) return -EINVAL;
  } else {
    if (sock.destPort === 0) return -EDESTADDRREQ;
    ip = sock.destAddr; port = sock.destPort;
  }
  const e = sock.takeError();
  if (e !== 0) return -e;
  const len = it.count;
  if (len > UDP_MAX_PAYLOAD) return -EMSGSIZE;
  if (sock.shutdown & SEND_SHUTDOWN) {
    if (!(flags & MSG_NOSIGNAL)) sendSigpipe(t);
    return -EPIPE;
  }
  if (!bound(sock)) {
    const b = takePort(t.kernel, sock, 0, 0);
    if (b < 0) return b;
  }
  const data = new Uint8Array(len);
  if (len > 0 && it.copyFrom(data, 0, len) < len) return -EFAULT;
  const myPort = portOf(sock.addr!);
  // The source is the bound address, or the destination's own (loopback answers from itself).
  const srcIp = ipOf(sock.addr!) || ip;
  const to = lookup(t.kernel, sock, ip, port, srcIp, myPort);
  if (to === null) {
    // Port unreachable: a connected socket hears of it (ECONNREFUSED on its next call).
    if (!m.nameLen) { sock.err = ECONNREFUSED; sock.errorReport(); }
    return len;
  }
  if (to.shutdown & RCV_SHUTDOWN) return len;
  const s = new Skb(null, data, len, dgramTruesize(len));
  // The receiver's buffer bounds what waits for it; more is dropped, as UDP does.
  let queued = 0;
  for (let q = to.recvq.head; q !== null; q = q.next) queued += q.truesize;
  if (queued + s.truesize > to.rcvbuf) return len;
  s.from = inetAddr(srcIp, myPort);
  to.enqueue(s);
  return len;
}

/** inet_getname: the socket's or its peer's sockaddr_in into buf; 16 or -ENOTCONN. */
export function inetGetname(sock: UnixSocket, peer: boolean, buf: Uint8Array): number {
  let a: Uint8Array;
  if (!peer) a = sock.addr ?? INET_ANY;
  else if (sock.type === SOCK_STREAM) {
    if (sock.peer === null || sock.state !== TCP_ESTABLISHED) return -ENOTCONN;
    a = sock.peer.addr ?? INET_ANY;
  } else {
    if (sock.destPort === 0) return -ENOTCONN;
    a = inetAddr(sock.destAddr, sock.destPort);
  }
  buf.set(a);
  return SOCKADDR_IN_SIZE;
}

/** Option defaults of IPPROTO_TCP and IPPROTO_IP (level << 16 | name), for getsockopt. */
const INET_OPT_DEFAULTS = new Map<number, number>([
  [(IPPROTO_TCP << 16) | TCP_NODELAY, 0], [(IPPROTO_TCP << 16) | TCP_CORK, 0],
  [(IPPROTO_TCP << 16) | TCP_KEEPIDLE, 7200], [(IPPROTO_TCP << 16) | TCP_KEEPINTVL, 75],
  [(IPPROTO_TCP << 16) | TCP_KEEPCNT, 9], [(IPPROTO_TCP << 16) | TCP_QUICKACK, 1],
  [(IPPROTO_TCP << 16) | TCP_USER_TIMEOUT, 0], [(IPPROTO_TCP << 16) | TCP_MAXSEG, 536],
  [(IPPROTO_IP << 16) | IP_TOS, 0], [(IPPROTO_IP << 16) | IP_TTL, 64], [(IPPROTO_IP << 16) | IP_RECVERR, 0],
  [(IPPROTO_IP << 16) | IP_MTU_DISCOVER, 1],
]);

/** getsockopt at IPPROTO_TCP / IPPROTO_IP: the value, or -ENOPROTOOPT. Kept, not acted on. */
export function inetGetOpt(sock: UnixSocket, level: number, name: number): number {
  const key = (level << 16) | name;
  if (level === IPPROTO_TCP && sock.type !== SOCK_STREAM) return -ENOPROTOOPT;
  const d = INET_OPT_DEFAULTS.get(key);
  if (d === undefined) return -ENOPROTOOPT;
  return sock.opts.get(key) ?? d;
}

/** setsockopt at IPPROTO_TCP / IPPROTO_IP: 0 or -ENOPROTOOPT. */
export function inetSetOpt(sock: UnixSocket, level: number, name: number, val: number): number {
  const key = (level << 16) | name;
  if (level === IPPROTO_TCP && sock.type !== SOCK_STREAM) return -ENOPROTOOPT;
  if (!INET_OPT_DEFAULTS.has(key)) return -ENOPROTOOPT;
  sock.opts.set(key, val);
  return 0;
}

/** The nonblocking-connect and unconnected checks of TCP receives. */
export function tcpRecvCheck(sock: UnixSocket): number {
  if (sock.state === TCP_ESTABLISHED) return 0;
  const e = sock.takeError();
  if (e !== 0) return -e;
  return -ENOTCONN;
}

