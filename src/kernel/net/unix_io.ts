// Sending and receiving on unix sockets: the message state of a call, the
// wait protocol, datagram and seqpacket messages (unix_dgram_sendmsg,
// unix_dgram_recvmsg), and the dispatch to streams (unix_stream.ts) and to the
// loopback AF_INET sockets (inet.ts). Datagrams and seqpackets are whole
// messages.
//
// Blocking follows the kernel's wait protocol (wait.ts): a call that must wait
// parks on a queue and returns RET_BLOCK; the syscall runs again from the top
// when woken and finds its progress in the task's SockResume (bytes already
// moved, the credentials a stream read holds on to). Socket timeouts
// (SO_RCVTIMEO/SO_SNDTIMEO) are the wait's deadline; a signal then gives EINTR,
// without one ERESTARTSYS (Linux's sock_intr_errno).
import {
  EAGAIN, ECONNREFUSED, ECONNRESET, EFAULT, EMSGSIZE, ENOTCONN, EOPNOTSUPP, EPERM, EPIPE, ERESTARTSYS, EINTR,
} from '../errno';
import {
  AF_INET, MSG_DONTWAIT, MSG_OOB, MSG_PEEK, MSG_TRUNC, RCV_SHUTDOWN, SEND_SHUTDOWN, SOCKADDR_STORAGE_SIZE,
  SOCKADDR_UN_SIZE, SOCK_SEQPACKET, SOCK_STREAM,
} from '../abi/socket';
import { monotonicNs } from '../timers';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import type { FileDescription } from '../vfs/file';
import { release } from '../vfs/fd_table';
import type { IoIter } from '../vfs/iov_iter';
import { dgramTruesize, EMPTY, NO_ID, Skb } from './skb';
import { findOther } from './unix_path';
import { tcpRecvCheck, tcpSend, udpSend } from './inet';
import { streamRecv, streamSend } from './unix_stream';
import {
  jiffiesToNs, maySend, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, TIMEO_FOREVER, UnixSocket, validateAddr,
} from './unix';

/** A send's address and control data (msghdr name, SCM_RIGHTS, SCM_CREDENTIALS). */
export class SendMsg {
  /** The destination (msg_name), nameLen bytes of it; 0: none. One byte spare for a NUL. */
  readonly name = new Uint8Array(SOCKADDR_STORAGE_SIZE + 1);
  nameLen = 0;
  /** Descriptors to pass (references held until attached to a buffer or dropped). */
  fds: FileDescription[] | null = null;
  /** Explicit SCM_CREDENTIALS (pid 0: none). */
  pid = 0;
  uid = NO_ID;
  gid = NO_ID;

  reset(): void {
    this.nameLen = 0;
    this.dropFds();
    this.pid = 0; this.uid = NO_ID; this.gid = NO_ID;
  }

  /** scm_destroy: releases descriptors that were not sent. */
  dropFds(): void {
    const f = this.fds;
    this.fds = null;
    if (f !== null) for (const x of f) release(x);
  }
}

/** What a receive hands back besides the bytes: the source address, flags, and the scm cookie. */
export class RecvMsg {
  /** msg_name was given: fill name/nameLen (0 when the source has no address). */
  wantName = false;
  readonly name = new Uint8Array(SOCKADDR_UN_SIZE);
  nameLen = 0;
  /** msg_flags out (MSG_TRUNC, MSG_CTRUNC; MSG_CMSG_CLOEXEC when asked). */
  flags = 0;
  /** The scm cookie: credentials (pid 0 / ids 0 when none were set) and descriptors (references
   *  held until installed or dropped). */
  pid = 0;
  uid = 0;
  gid = 0;
  fds: FileDescription[] | null = null;

  reset(wantName: boolean, flags: number): void {
    this.wantName = wantName;
    this.nameLen = 0;
    this.flags = flags;
    this.pid = 0; this.uid = 0; this.gid = 0;
    this.dropFds();
  }

  dropFds(): void {
    const f = this.fds;
    this.fds = null;
    if (f !== null) for (const x of f) release(x);
  }

  setCreds(s: Skb): void { this.pid = s.pid; this.uid = s.uid; this.gid = s.gid; }

  /** unix_copy_addr: the sending socket's address, when it has one (or the datagram's source). */
  copyAddr(s: Skb): void {
    const a = s.from ?? s.sender?.addr ?? null;
    if (a === null) return;
    this.name.set(a);
    this.nameLen = a.length;
  }
}

/** A blocked socket call's progress, per task (part of its wait record). */
export class SockResume {
  /** sendmmsg/recvmmsg: the message being worked on. */
  index = 0;
  /** Bytes already sent or received of the current message. */
  bytes = 0;
  /** A stream read holding on to the first buffer's credentials (never glues others). */
  checkCreds = false;
  pid = 0;
  uid = 0;
  gid = 0;
  /** recvmmsg's deadline (monotonic ns; 0 none). */
  mmsgDeadline = 0;

  clearMessage(): void {
    this.bytes = 0;
    this.checkCreds = false;
  }
}
const resumes = new WeakMap<Task, SockResume>();

/** The task's resume state: fresh (zeroed) unless the call is resuming from a wait. */
export function resumeOf(t: Task): SockResume {
  let r = resumes.get(t);
  if (r === undefined) { r = new SockResume(); resumes.set(t, r); }
  if (!t.waitActive) { r.index = 0; r.mmsgDeadline = 0; r.clearMessage(); }
  return r;
}

/** Parks t on q until woken, or until the timeout (jiffies) counted from the first wait passes.
 *  RET_BLOCK, or -EAGAIN when that deadline has passed (the caller ends the call). */
export function waitOn(t: Task, q: UnixSocket['wq'] | UnixSocket['peerWait'], timeo: number): number {
  if (t.waitActive && t.waitExpired()) return -EAGAIN;
  let deadline = 0;
  if (timeo !== TIMEO_FOREVER && !t.waitActive) deadline = monotonicNs() + jiffiesToNs(timeo);
  t.waitInterruptResult = timeo === TIMEO_FOREVER ? -ERESTARTSYS : -EINTR;
  t.blockOn(q, deadline);
  return RET_BLOCK;
}

/** maybe_add_creds: a buffer without credentials gets the sender's when either side asked for them
 *  (or the receiver is a connection not yet accepted). */
export function maybeAddCreds(t: Task, s: Skb, sock: UnixSocket, other: UnixSocket): void {
  if (s.pid !== 0) return;
  if (sock.passcred || !other.hasFile || other.passcred) {
    s.pid = t.tgid; s.uid = t.creds.uid; s.gid = t.creds.gid;
  }
}

/** Copies the request's next len bytes into a new buffer; null on a fault. */
export function takeBytes(it: IoIter, len: number): Uint8Array | null {
  if (len === 0) return EMPTY;
  const b = new Uint8Array(len);
  return it.copyFrom(b, 0, len) === len ? b : null;
}

/** unix_dgram_sendmsg (seqpacket sends come here after their own checks). Bytes, -errno or
 *  RET_BLOCK. Nothing is queued before the call succeeds, so a woken call simply starts again. */
export function dgramSend(t: Task, sock: UnixSocket, it: IoIter, flags: number, m: SendMsg): number {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  let other: UnixSocket | null = null;
  if (m.nameLen) {
    const e = validateAddr(m.name, m.nameLen);
    if (e < 0) return e;
  } else {
    other = sock.peer;
    if (other === null) return -ENOTCONN;
  }
  if (sock.passcred && sock.addr === null) {
    const e = sock.autobind();
    if (e < 0) return e;
  }
  const len = it.count;
  if (len > sock.sndbuf - 32) return -EMSGSIZE;
  const timeo = flags & MSG_DONTWAIT ? 0 : sock.sndtimeo;
  // sock_alloc_send_pskb.
  const e = sock.takeError();
  if (e !== 0) return -e;
  if (sock.shutdown & SEND_SHUTDOWN) return -EPIPE;
  if (sock.wmem >= sock.sndbuf) {
    if (timeo === 0) return -EAGAIN;
    return waitOn(t, sock.wq, timeo);
  }
  const data = takeBytes(it, len);
  if (data === null) return -EFAULT;
  for (;;) {
    if (other === null) {
      if (!m.nameLen) return -ECONNRESET;
      const o = findOther(t, m.name, m.nameLen, sock.type);
      if (typeof o === 'number') return o;
      other = o;
    }
    if (!maySend(sock, other)) return -EPERM;
    if (other.dead) {
      if (sock.type === SOCK_SEQPACKET) return -EPIPE;
      if (sock.peer === other) {
        // The connected peer is gone: disconnect (once), dropping what it had sent us.
        sock.peer = null;
        other.peerWakers?.delete(sock);
        sock.wq.notify(0);
        sock.state = TCP_CLOSE;
        sock.dgramDisconnected(other);
        return -ECONNREFUSED;
      }
      other = null;
      continue;
    }
    if (other.shutdown & RCV_SHUTDOWN) return -EPIPE;
    if (other !== sock && other.peer !== sock && other.recvqFull()) {
      if (timeo !== 0) {
        const w = waitOn(t, other.peerWait, timeo);
        return w;
      }
      if (sock.peer !== other || sock.peerWakeMe(other)) return -EAGAIN;
    }
    break;
  }
  const s = new Skb(sock, data, len, dgramTruesize(len));
  s.pid = m.pid; s.uid = m.uid; s.gid = m.gid;
  if (m.fds !== null) { s.fds = m.fds; m.fds = null; }
  maybeAddCreds(t, s, sock, other);
  other.enqueue(s);
  return len;
}

/** sk_peek_offset. */
export function peekOffset(sock: UnixSocket, flags: number): number {
  return (flags & MSG_PEEK) && sock.peekOff >= 0 ? sock.peekOff : 0;
}
export function peekFwd(sock: UnixSocket, n: number): void { if (sock.peekOff >= 0) sock.peekOff += n; }
export function peekBwd(sock: UnixSocket, n: number): void { if (sock.peekOff >= 0) sock.peekOff = Math.max(sock.peekOff - n, 0); }

/** scm_fp_dup: a peek hands out new references to the same files. */
export function dupFds(fds: FileDescription[]): FileDescription[] {
  for (const f of fds) f.refs++;
  return fds.slice();
}

/** __unix_dgram_recvmsg (and unix_seqpacket_recvmsg's check). Bytes, -errno or RET_BLOCK. */
export function dgramRecv(t: Task, sock: UnixSocket, it: IoIter, flags: number, msg: RecvMsg): number {
  if (sock.type === SOCK_SEQPACKET && sock.state !== TCP_ESTABLISHED) return -ENOTCONN;
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  const timeo = flags & MSG_DONTWAIT ? 0 : sock.rcvtimeo;
  let skip = peekOffset(sock, flags);
  // __skb_try_recv_datagram: a pending error first, then the queue (a peek offset skips whole
  // datagrams it covers).
  const e = sock.takeError();
  if (e !== 0) return -e;
  let skb = sock.recvq.head;
  while (skb !== null && skip >= skb.len && (skb.len !== 0 || skip !== 0)) { skip -= skb.len; skb = skb.next; }
  if (skb === null) {
    if (timeo === 0) return sock.type === SOCK_SEQPACKET && (sock.shutdown & RCV_SHUTDOWN) ? 0 : -EAGAIN;
    // __skb_wait_for_more_packets.
    if (sock.shutdown & RCV_SHUTDOWN) return 0;
    if (sock.connectionBased && sock.state !== TCP_ESTABLISHED && sock.state !== TCP_LISTEN) return -ENOTCONN;
    const w = waitOn(t, sock.wq, timeo);
    return w;
  }
  if (!(flags & MSG_PEEK)) {
    sock.recvq.shift();
  }
  sock.dequeued();
  if (msg.wantName) msg.copyAddr(skb);
  let size = it.count;
  if (size > skb.len - skip) size = skb.len - skip;
  else if (size < skb.len - skip) msg.flags |= MSG_TRUNC;
  if (size > 0 && it.copyTo(skb.data, skip, size) < size) {
    if (!(flags & MSG_PEEK)) UnixSocket.freeSkb(skb);
    return -EFAULT;
  }
  msg.setCreds(skb);
  if (!(flags & MSG_PEEK)) {
    if (skb.fds !== null) msg.fds = skb.takeFds();
    peekBwd(sock, skb.len);
    UnixSocket.freeSkb(skb);
  } else {
    peekFwd(sock, size);
    if (skb.fds !== null) msg.fds = dupFds(skb.fds);
  }
  return flags & MSG_TRUNC ? skb.len - skip : size;
}

/** The receive a socket's type uses. */
export function recvOn(t: Task, sock: UnixSocket, it: IoIter, flags: number, msg: RecvMsg, r: SockResume): number {
  if (sock.type !== SOCK_STREAM) return dgramRecv(t, sock, it, flags, msg);
  if (sock.family === AF_INET && r.bytes === 0) {
    const e = tcpRecvCheck(sock);
    if (e < 0) return e;
  }
  return streamRecv(t, sock, it, flags, msg, r);
}

/** The send a socket's type uses (unix_seqpacket_sendmsg's checks included). */
export function sendOn(t: Task, sock: UnixSocket, it: IoIter, flags: number, m: SendMsg, r: SockResume): number {
  if (sock.family === AF_INET) {
    return sock.type === SOCK_STREAM ? tcpSend(t, sock, it, flags, m, r) : udpSend(t, sock, it, flags, m);
  }
  if (sock.type === SOCK_STREAM) return streamSend(t, sock, it, flags, m, r);
  if (sock.type === SOCK_SEQPACKET) {
    const e = sock.takeError();
    if (e !== 0) return -e;
    if (sock.state !== TCP_ESTABLISHED) return -ENOTCONN;
    m.nameLen = 0;
  }
  return dgramSend(t, sock, it, flags, m);
}

