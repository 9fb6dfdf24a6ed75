// Unix-domain sockets (net/unix/af_unix.c): the endpoint, its state, names and
// connections. Everything stays inside the sandbox: abstract names live in a
// table per sandbox (one network namespace), path names are socket inodes of
// the sandbox's own file systems (unix_path.ts); no host socket is ever made.
//
// An endpoint has a receive queue of buffers (skb.ts). A connected pair points
// at each other (peer). A listener's queue holds connection requests, each
// carrying the server's end (an "embryo") made by connect(2), which accept(2)
// hands out. Closing an end shuts its stream peer down (EOF, EPIPE) and gives
// it ECONNRESET when data was left unread; datagram peers notice on their
// next send (ECONNREFUSED). Sending and receiving are in unix_io.ts.
import {
  EADDRINUSE, ECONNREFUSED, ECONNRESET, EINVAL, EISCONN, ENOSPC, EOPNOTSUPP, EPERM, EPROTOTYPE,
} from '../errno';
import {
  AF_UNIX, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SOCKADDR_UN_SIZE,
  SUN_PATH_OFF, UNIX_MAX_DGRAM_QLEN, WMEM_DEFAULT, RMEM_DEFAULT, HZ,
} from '../abi/socket';
import {
  POLLERR, POLLHUP, POLLIN, POLLOUT, POLLPRI, POLLRDBAND, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM,
} from '../abi/poll';
import { ReadyQueue } from '../poll';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { WaitQueue } from '../wait';
import { release } from '../vfs/fd_table';
import { EMPTY, NO_ID, Skb, SkbQueue } from './skb';
import { fdsQueued } from './gc';

/** sk_state values unix sockets use (include/net/tcp_states.h). */
export const TCP_ESTABLISHED = 1, TCP_CLOSE = 7, TCP_LISTEN = 10;

/** MAX_SCHEDULE_TIMEOUT: a socket timeout that never expires (the default). */
export const TIMEO_FOREVER = Number.MAX_SAFE_INTEGER;

/** The abstract names of one sandbox (its network namespace): "type:name" -> endpoint. Linux hashes
 *  the type into the name, so a stream and a datagram socket may hold the same abstract name. */
class UnixNamespace {
  readonly abstract = new Map<string, UnixSocket>();
}
const namespaces = new WeakMap<Kernel, UnixNamespace>();
function namespaceOf(k: Kernel): UnixNamespace {
  let ns = namespaces.get(k);
  if (ns === undefined) { ns = new UnixNamespace(); namespaces.set(k, ns); }
  return ns;
}

function abstractKey(type: number, addr: Uint8Array, len: number): string {
  return `${type}:${Buffer.from(addr.buffer, addr.byteOffset + SUN_PATH_OFF, len - SUN_PATH_OFF).toString('latin1')}`;
}

/** Where a path-bound endpoint is attached (a socket inode of the sandbox's file system). */
export interface BoundInode { boundSocket: unknown }

export class UnixSocket {
  state = TCP_CLOSE;
  peer: UnixSocket | null = null;
  /** The bound address (struct unix_address: sockaddr_un bytes, `addr.length` is its length), or null. */
  addr: Uint8Array | null = null;
  /** The socket inode a path bind made (its boundSocket points back while bound). */
  inode: BoundInode | null = null;
  /** SOCK_DEAD: released; buffers it sent may still be queued elsewhere. */
  dead = false;
  /** RCV_SHUTDOWN | SEND_SHUTDOWN. */
  shutdown = 0;
  /** A pending error (sk_err) reported once by the next call that looks. */
  err = 0;
  sndbuf = WMEM_DEFAULT;
  rcvbuf = RMEM_DEFAULT;
  /** Bytes (truesize) of this socket's buffers still queued at a receiver (sk_wmem_alloc). */
  wmem = 0;
  /** SO_RCVTIMEO / SO_SNDTIMEO in jiffies (TIMEO_FOREVER: none). */
  rcvtimeo = TIMEO_FOREVER;
  sndtimeo = TIMEO_FOREVER;
  /** listen(2)'s backlog; datagram sockets start at net.unix.max_dgram_qlen. */
  maxAckBacklog = UNIX_MAX_DGRAM_QLEN;
  /** SO_PASSCRED. */
  passcred = false;
  /** SO_RCVLOWAT, SO_PEEK_OFF (-1: off). */
  rcvlowat = 1;
  peekOff = -1;
  /** Plain option values kept for getsockopt (SO_REUSEADDR, SO_KEEPALIVE, ...). */
  readonly opts = new Map<number, number>();
  /** SO_LINGER (kept for getsockopt; closing a unix socket never waits). */
  lingerOn = false;
  lingerSecs = 0;
  /** SO_PEERCRED: pid 0 until connected (then uid/gid are set too). */
  peerPid = 0;
  peerUid = NO_ID;
  peerGid = NO_ID;
  /** Has a socket (file) of its own: false for a connection not yet accepted (no sk_socket). */
  hasFile = true;
  readonly recvq = new SkbQueue();
  /** The urgent byte's buffer (MSG_OOB on streams), still in recvq; null when none. */
  oobSkb: Skb | null = null;
  /** Readers, writers waiting for send buffer space, and pollers (sk_sleep). */
  readonly wq = new ReadyQueue();
  /** Connectors waiting for backlog space, datagram senders waiting for queue space (peer_wait). */
  readonly peerWait = new WaitQueue();
  /** Datagram senders whose poll/send found this socket's queue full (peer_wake relays). */
  peerWakers: Set<UnixSocket> | null = null;

  /** AF_UNIX, or AF_INET for the loopback sockets of inet.ts (which reuse this endpoint). */
  family = AF_UNIX;
  /** SO_PROTOCOL: 0 for unix sockets, IPPROTO_TCP or IPPROTO_UDP for inet ones. */
  protocol = 0;
  /** AF_INET datagram sockets: the connected destination (address, port), port 0 when none. */
  destAddr = 0;
  destPort = 0;

  constructor(readonly kernel: Kernel, readonly type: number, readonly ino: number) {}

  get connectionBased(): boolean { return this.type === SOCK_STREAM || this.type === SOCK_SEQPACKET; }

  // ---- wake-ups (the sk_* callbacks)

  /** sk_data_ready. */
  dataReady(): void { this.wq.notify(POLLIN | POLLRDNORM | POLLRDBAND); }
  /** sk_state_change: anything may have changed. */
  stateChange(): void { this.wq.notify(0); }
  /** sk_error_report. */
  errorReport(): void { this.wq.notify(POLLERR); }
  /** unix_write_space: wakes writers once a quarter of the send buffer is free. */
  writeSpace(): void { if (this.writable()) this.wq.notify(POLLOUT | POLLWRNORM | POLLWRBAND); }

  /** unix_writable (sk_wmem_alloc counts one extra, its own reference). */
  writable(): boolean { return this.state !== TCP_LISTEN && (this.wmem + 1) * 4 <= this.sndbuf; }

  /** sock_error: the pending error, cleared. */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }

  /** unix_recvq_full. */
  recvqFull(): boolean { return this.recvq.length > this.maxAckBacklog; }

  /** Frees a buffer taken off (or purged from) a queue: its descriptors go, its sender's charge
   *  is returned (sock_wfree -> unix_write_space). */
  static freeSkb(s: Skb): void {
    const fds = s.takeFds();
    if (fds !== null) for (const f of fds) release(f);
    const snd = s.sender;
    if (snd !== null && s.truesize > 0) {
      snd.wmem -= s.truesize;
      snd.writeSpace();
    }
  }

  /** Queues a buffer (charging its sender) and tells the reader. */
  enqueue(s: Skb): void {
    if (s.sender !== null) s.sender.wmem += s.truesize;
    if (s.fds !== null) { fdsQueued(s.fds); s.fdsCounted = true; }
    this.recvq.push(s);
    this.dataReady();
  }

  /** unix_peek_fds, unix_detach_fds and the wake of peer_wait after a datagram left the queue. */
  dequeued(): void {
    this.peerWait.wakeAll();
    this.relayPeerWake();
  }

  /** unix_dgram_peer_wake_relay for every registered sender. */
  private relayPeerWake(): void {
    const ws = this.peerWakers;
    if (ws === null) return;
    this.peerWakers = null;
    for (const s of ws) s.wq.notify(POLLOUT | POLLWRNORM | POLLWRBAND);
  }

  /** unix_dgram_peer_wake_me: registers for a wake when `other` (full) drains; 1 when the caller
   *  must wait, 0 when it may go on (other is dead: a send then reports the error). */
  peerWakeMe(other: UnixSocket): boolean {
    if (other.recvqFull() && !other.dead) {
      (other.peerWakers ??= new Set()).add(this);
      return true;
    }
    other.peerWakers?.delete(this);
    return false;
  }

  // ---- credentials

  /** init_peercred: the caller's process and effective ids. */
  setPeerCredFrom(t: Task): void {
    this.peerPid = t.tgid;
    this.peerUid = t.creds.euid;
    this.peerGid = t.creds.egid;
  }

  // ---- names

  /** unix_autobind: an abstract name "\0" plus five hex digits, unused for this type. 0 or -errno. */
  autobind(): number {
    if (this.addr !== null) return 0;
    const ns = namespaceOf(this.kernel);
    const addr = new Uint8Array(SUN_PATH_OFF + 6);
    addr[0] = AF_UNIX;
    let order = Math.floor(Math.random() * 0x100000);
    const last = order;
    for (;;) {
      order = (order + 1) & 0xfffff;
      const hex = order.toString(16).padStart(5, '0');
      for (let i = 0; i < 5; i++) addr[SUN_PATH_OFF + 1 + i] = hex.charCodeAt(i);
      const key = abstractKey(this.type, addr, addr.length);
      if (!ns.abstract.has(key)) {
        ns.abstract.set(key, this);
        this.addr = addr;
        return 0;
      }
      if (order === last) return -ENOSPC;
    }
  }

  /** unix_bind_abstract. addr: the sockaddr bytes (len of them count). */
  bindAbstract(addr: Uint8Array, len: number): number {
    if (this.addr !== null) return -EINVAL;
    const ns = namespaceOf(this.kernel);
    const key = abstractKey(this.type, addr, len);
    if (ns.abstract.has(key)) return -EADDRINUSE;
    this.addr = addr.slice(0, len);
    ns.abstract.set(key, this);
    return 0;
  }

  /** unix_find_abstract: the endpoint bound to the name for this type, or -ECONNREFUSED. */
  static findAbstract(k: Kernel, type: number, addr: Uint8Array, len: number): UnixSocket | number {
    return namespaceOf(k).abstract.get(abstractKey(type, addr, len)) ?? -ECONNREFUSED;
  }

  /** Takes a path bind: the inode made for it now points here. */
  attachInode(inode: BoundInode, addr: Uint8Array): void {
    this.addr = addr;
    this.inode = inode;
    inode.boundSocket = this;
  }

  /** Set by inet.ts while the socket holds a port: lets it go. */
  unbindPort: (() => void) | null = null;

  private unhash(): void {
    if (this.unbindPort !== null) { this.unbindPort(); this.unbindPort = null; }
    const a = this.addr;
    if (a !== null && this.family === AF_UNIX && this.inode === null && a.length > SUN_PATH_OFF && a[SUN_PATH_OFF] === 0) {
      const ns = namespaceOf(this.kernel);
      const key = abstractKey(this.type, a, a.length);
      if (ns.abstract.get(key) === this) ns.abstract.delete(key);
    }
    if (this.inode !== null && this.inode.boundSocket === this) this.inode.boundSocket = null;
    this.inode = null;
  }

  // ---- connections

  /** unix_socketpair: joins two new sockets back to back. */
  static pair(t: Task, a: UnixSocket, b: UnixSocket): void {
    a.peer = b; b.peer = a;
    a.setPeerCredFrom(t); b.setPeerCredFrom(t);
    a.state = TCP_ESTABLISHED; b.state = TCP_ESTABLISHED;
  }

  /** unix_listen. */
  listen(t: Task, backlog: number): number {
    if (this.type !== SOCK_STREAM && this.type !== SOCK_SEQPACKET) return -EOPNOTSUPP;
    if (this.addr === null) return -EINVAL;
    if (this.state !== TCP_CLOSE && this.state !== TCP_LISTEN) return -EINVAL;
    if (backlog > this.maxAckBacklog) this.peerWait.wakeAll();
    this.maxAckBacklog = backlog;
    this.state = TCP_LISTEN;
    // The listener's credentials are what its clients' SO_PEERCRED shows.
    this.setPeerCredFrom(t);
    return 0;
  }

  /** The final step of unix_stream_connect once `other` (listening, with room) is found: makes the
   *  server's end, links it with this socket and queues the request. 0 or -errno. */
  connectTo(t: Task, other: UnixSocket, serverIno: number): number {
    if (this.state !== TCP_CLOSE) return this.state === TCP_ESTABLISHED ? -EISCONN : -EINVAL;
    const server = new UnixSocket(this.kernel, this.type, serverIno);
    server.family = this.family;
    server.protocol = this.protocol;
    server.hasFile = false;
    server.peer = this;
    server.state = TCP_ESTABLISHED;
    server.setPeerCredFrom(t);
    // The accepted socket's own name is the listener's.
    server.addr = other.addr;
    this.peerPid = other.peerPid; this.peerUid = other.peerUid; this.peerGid = other.peerGid;
    this.state = TCP_ESTABLISHED;
    this.peer = server;
    const req = new Skb(null, EMPTY, 0, 0);
    req.embryo = server;
    other.enqueue(req);
    return 0;
  }

  /** unix_dgram_connect's linking (other null: AF_UNSPEC, disconnect). */
  dgramConnect(other: UnixSocket | null): number {
    if (other !== null) {
      if (!maySend(this, other)) return -EPERM;
      this.state = TCP_ESTABLISHED;
      other.state = TCP_ESTABLISHED;
    }
    const old = this.peer;
    this.peer = other;
    if (old !== null) {
      if (other === null) this.state = TCP_CLOSE;
      old.peerWakers?.delete(this);
      this.wq.notify(POLLOUT | POLLWRNORM | POLLWRBAND);
      if (other !== old) {
        this.dgramDisconnected(old);
        if (old.peer === null) old.state = TCP_CLOSE;
      }
    }
    return 0;
  }

  /** unix_dgram_disconnected: drops what arrived from the old peer; a peer still connected to us
   *  learns that messages were lost (ECONNRESET). */
  dgramDisconnected(other: UnixSocket): void {
    if (this.recvq.length === 0) return;
    this.purge(false);
    this.peerWait.wakeAll();
    if (!other.dead && other.peer === this) {
      other.err = ECONNRESET;
      other.errorReport();
    }
  }

  /** Drops every queued buffer (a listener's requests close their server ends). */
  private purge(listening: boolean): void {
    this.oobSkb = null;
    for (let s = this.recvq.shift(); s !== null; s = this.recvq.shift()) {
      if (listening && s.embryo !== null) s.embryo.release(true);
      UnixSocket.freeSkb(s);
    }
  }

  /** unix_shutdown (how already checked: SHUT_RD, SHUT_WR or SHUT_RDWR). */
  doShutdown(how: number): void {
    const mode = how + 1;
    this.shutdown |= mode;
    const other = this.peer;
    this.stateChange();
    if (other !== null && this.connectionBased) {
      let peerMode = 0;
      if (mode & RCV_SHUTDOWN) peerMode |= SEND_SHUTDOWN;
      if (mode & SEND_SHUTDOWN) peerMode |= RCV_SHUTDOWN;
      other.shutdown |= peerMode;
      other.stateChange();
    }
  }

  /** unix_release_sock: the last reference went (embryo: a request never accepted). */
  release(embryo: boolean): void {
    if (this.dead) return;
    this.unhash();
    this.dead = true;
    this.shutdown = SHUTDOWN_MASK;
    const wasState = this.state;
    this.state = TCP_CLOSE;
    const pair = this.peer;
    this.peer = null;
    this.peerWait.wakeAll();
    this.relayPeerWake();
    if (pair !== null) {
      if (this.connectionBased) {
        pair.shutdown = SHUTDOWN_MASK;
        if (this.recvq.length > 0 || embryo) pair.err = ECONNRESET;
        pair.stateChange();
      }
      pair.peerWakers?.delete(this);
    }
    this.purge(wasState === TCP_LISTEN);
  }

  // ---- readiness

  /** unix_poll (stream) and unix_dgram_poll (datagram, seqpacket). */
  poll(): number {
    let mask = 0;
    const sh = this.shutdown;
    if (this.err !== 0) mask |= POLLERR;
    if (sh === SHUTDOWN_MASK) mask |= POLLHUP;
    if (sh & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (this.recvq.length > 0) mask |= POLLIN | POLLRDNORM;
    if (this.type === SOCK_STREAM) {
      if (this.oobSkb !== null) mask |= POLLPRI;
      if (this.state === TCP_CLOSE) mask |= POLLHUP;
      if (this.writable()) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
      return mask;
    }
    if (this.type === SOCK_SEQPACKET && this.state === TCP_CLOSE) mask |= POLLHUP;
    let writable = this.writable();
    if (writable) {
      const other = this.peer;
      if (other !== null && other.peer !== this && other.recvqFull() && this.peerWakeMe(other)) writable = false;
    }
    if (writable) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
  }

  /** SIOCATMARK: 1 when the next byte to read is the urgent one (or only read ones stand before it). */
  atMark(): number {
    if (this.type !== SOCK_STREAM) return -EOPNOTSUPP;
    const s = this.recvq.head;
    if (s === null) return 0;
    const oob = this.oobSkb;
    return s === oob || (s.left === 0 && (oob === null || s.next === oob)) ? 1 : 0;
  }

  /** SIOCINQ: unread bytes (stream, seqpacket) or the next datagram's size; -EINVAL when listening. */
  inqLen(): number {
    if (this.state === TCP_LISTEN) return -EINVAL;
    if (this.type === SOCK_DGRAM) return this.recvq.head?.len ?? 0;
    let n = 0;
    for (let s = this.recvq.head; s !== null; s = s.next) n += s.left;
    return n;
  }
}

/** unix_may_send: other accepts from sk unless connected elsewhere. */
export function maySend(sk: UnixSocket, other: UnixSocket): boolean {
  return other.peer === null || other.peer === sk;
}

/** unix_validate_addr: 0 or -EINVAL. */
export function validateAddr(addr: Uint8Array, len: number): number {
  if (len <= SUN_PATH_OFF || len > SOCKADDR_UN_SIZE) return -EINVAL;
  if ((addr[0]! | (addr[1]! << 8)) !== AF_UNIX) return -EINVAL;
  return 0;
}

/** unix_mkname_bsd: the path of a filesystem address (up to its first NUL within len), and the
 *  length the address is stored with (path, NUL, family). */
export function bsdPath(addr: Uint8Array, len: number): { path: string; addrLen: number } {
  let end = SUN_PATH_OFF;
  while (end < len && addr[end] !== 0) end++;
  const path = Buffer.from(addr.buffer, addr.byteOffset + SUN_PATH_OFF, end - SUN_PATH_OFF).toString('latin1');
  return { path, addrLen: end + 1 };
}

/** The type check of unix_find_bsd: EPROTOTYPE when the bound socket's type differs. */
export function checkType(s: UnixSocket, type: number): UnixSocket | number {
  return s.type === type ? s : -EPROTOTYPE;
}

/** Jiffies of a socket timeout as nanoseconds (TIMEO_FOREVER stays). */
export function jiffiesToNs(j: number): number {
  return j === TIMEO_FOREVER ? TIMEO_FOREVER : j * (1e9 / HZ);
}

