// Unix stream sockets (unix_stream_sendmsg, unix_stream_read_generic, and the
// urgent byte of CONFIG_AF_UNIX_OOB). A write is cut into buffers of at most
// 36544 bytes, each charged to the sender until read; a reader takes bytes
// across buffers but never glues buffers with different credentials (when it
// asked for them), stops after one that carried descriptors, and stops at the
// urgent byte's mark. TCP on the loopback network (inet.ts) uses these too.
import { EAGAIN, EFAULT, EINVAL, EISCONN, ENOTCONN, EOPNOTSUPP, EPIPE } from '../errno';
import {
  AF_UNIX, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_OOB, MSG_PEEK, MSG_WAITALL, RCV_SHUTDOWN, SEND_SHUTDOWN, SO_OOBINLINE,
} from '../abi/socket';
import { POLLPRI } from '../abi/poll';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import type { IoIter } from '../vfs/iov_iter';
import { sendSigpipe } from '../vfs/pipe';
import { Skb, SKB_MAX_HEAD0, streamTruesize, UNIX_SKB_FRAGS_SZ } from './skb';
import { TCP_ESTABLISHED, UnixSocket } from './unix';
import {
  dupFds, maybeAddCreds, peekBwd, peekFwd, peekOffset, type RecvMsg, type SendMsg, type SockResume, takeBytes,
  waitOn,
} from './unix_io';

/** The stream buffer size for a write of `left` bytes (half the send buffer, at most 36544). */
function streamChunk(sock: UnixSocket, left: number): number {
  return Math.min(left, (sock.sndbuf >> 1) - 64, SKB_MAX_HEAD0 + UNIX_SKB_FRAGS_SZ);
}

/** unix_stream_sendmsg. Bytes sent, -errno or RET_BLOCK (progress in r.bytes). */
export function streamSend(t: Task, sock: UnixSocket, it: IoIter, flags: number, m: SendMsg, r: SockResume): number {
  let sent = r.bytes;
  const oob = (flags & MSG_OOB) !== 0;
  if (sent === 0) {
    // MSG_OOB: the last byte is urgent (queue_oob); there must be one.
    if (oob && it.count === 0) return -EOPNOTSUPP;
    if (m.nameLen) return sock.state === TCP_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
    if (sock.peer === null) return -ENOTCONN;
    if (sock.shutdown & SEND_SHUTDOWN) {
      if (!(flags & MSG_NOSIGNAL)) sendSigpipe(t);
      return -EPIPE;
    }
  } else {
    it.advance(sent);
    // The descriptors went with the first buffer.
    m.dropFds();
  }
  const other = sock.peer;
  if (other === null) return sent || -ENOTCONN;
  const len = sent + it.count - (oob ? 1 : 0);
  const timeo = flags & MSG_DONTWAIT ? 0 : sock.sndtimeo;
  while (sent < len) {
    const size = streamChunk(sock, len - sent);
    // sock_alloc_send_pskb: a pending error, shutdown, then room in the send buffer.
    const e = sock.takeError();
    if (e !== 0) return sent || -e;
    if (sock.shutdown & SEND_SHUTDOWN) return sent || -EPIPE;
    if (sock.wmem >= sock.sndbuf) {
      if (timeo === 0) return sent || -EAGAIN;
      // A kernel buffer (sendfile) cannot resume: it returns what went in.
      if (it.isKernel && sent > 0) return sent;
      r.bytes = sent;
      const w = waitOn(t, sock.wq, timeo);
      return w === RET_BLOCK ? w : sent || w;
    }
    const data = takeBytes(it, size);
    if (data === null) return sent || -EFAULT;
    const s = new Skb(sock, data, size, streamTruesize(size));
    s.pid = m.pid; s.uid = m.uid; s.gid = m.gid;
    if (m.fds !== null) { s.fds = m.fds; m.fds = null; }
    if (other.dead || (other.shutdown & RCV_SHUTDOWN)) {
      UnixSocket.freeSkb(s);
      if (sent === 0 && !(flags & MSG_NOSIGNAL)) sendSigpipe(t);
      return sent || -EPIPE;
    }
    maybeAddCreds(t, s, sock, other);
    other.enqueue(s);
    sent += size;
  }
  if (oob) return queueOob(t, sock, other, it, flags, m, r, sent);
  return sent;
}

/** queue_oob: the urgent byte, a buffer of its own that the receiver's oobSkb marks. */
function queueOob(t: Task, sock: UnixSocket, other: UnixSocket, it: IoIter, flags: number, m: SendMsg,
  r: SockResume, sent: number): number {
  // sock_alloc_send_skb.
  const e = sock.takeError();
  if (e !== 0) return sent || -e;
  if (sock.shutdown & SEND_SHUTDOWN) return sent || -EPIPE;
  if (sock.wmem >= sock.sndbuf) {
    const timeo = flags & MSG_DONTWAIT ? 0 : sock.sndtimeo;
    if (timeo === 0 || (it.isKernel && sent > 0)) return sent || -EAGAIN;
    r.bytes = sent;
    const w = waitOn(t, sock.wq, timeo);
    return w === RET_BLOCK ? w : sent || w;
  }
  const data = takeBytes(it, 1);
  if (data === null) return sent || -EFAULT;
  const s = new Skb(sock, data, 1, streamTruesize(1));
  s.pid = m.pid; s.uid = m.uid; s.gid = m.gid;
  if (m.fds !== null) { s.fds = m.fds; m.fds = null; }
  if (other.dead || (other.shutdown & RCV_SHUTDOWN)) {
    UnixSocket.freeSkb(s);
    return sent || -EPIPE;
  }
  maybeAddCreds(t, s, sock, other);
  other.oobSkb = s;
  other.enqueue(s);
  other.wq.notify(POLLPRI);
  return sent + 1;
}

function oobInline(sock: UnixSocket): boolean { return (sock.opts.get(SO_OOBINLINE) ?? 0) !== 0; }

/** manage_oob: what a stream read sees at skb: reads stop before the urgent byte; at its start a
 *  read drops it (unless SO_OOBINLINE); buffers already read (the urgent one after MSG_OOB) go. */
function manageOob(sock: UnixSocket, skb: Skb, flags: number, copied: number): Skb | null {
  if (skb.left > 0 && skb !== sock.oobSkb) return skb;
  let cur: Skb | null = skb;
  if (cur.left === 0) {
    if (copied && (sock.oobSkb === null || cur === sock.oobSkb)) return null;
    if (flags & MSG_PEEK) cur = cur.next;
    else {
      // Not peeking, the reader is at the queue's head.
      const next: Skb | null = cur.next;
      sock.recvq.shift();
      UnixSocket.freeSkb(cur);
      cur = next;
    }
    if (cur === null) return null;
  }
  if (cur !== sock.oobSkb) return cur;
  if (copied) return null;
  if (!(flags & MSG_PEEK)) {
    sock.oobSkb = null;
    if (!oobInline(sock)) {
      sock.recvq.shift();
      UnixSocket.freeSkb(cur);
      cur = sock.recvq.head;
    }
  } else if (!oobInline(sock)) {
    cur = cur.next;
  }
  return cur;
}

/** unix_stream_recv_urg: recv(MSG_OOB) takes the urgent byte. */
function recvUrg(sock: UnixSocket, it: IoIter, flags: number, msg: RecvMsg): number {
  const oob = sock.oobSkb;
  if (oob === null || oobInline(sock)) return -EINVAL;
  if (!(flags & MSG_PEEK)) sock.oobSkb = null;
  const n = it.copyTo(oob.data, oob.consumed, Math.min(1, it.count));
  if (!(flags & MSG_PEEK)) oob.consumed += 1;
  if (n < 1) return -EFAULT;
  msg.flags |= MSG_OOB;
  return 1;
}

/** unix_stream_read_generic. Bytes, -errno or RET_BLOCK (progress in r). */
export function streamRecv(t: Task, sock: UnixSocket, it: IoIter, flags: number, msg: RecvMsg, r: SockResume): number {
  if (sock.state !== TCP_ESTABLISHED) return -EINVAL;
  if (flags & MSG_OOB) return recvUrg(sock, it, flags, msg);
  let copied = r.bytes;
  if (copied > 0) it.advance(copied);
  let size = it.count;
  const total = copied + size;
  const target = (flags & MSG_WAITALL ? total : Math.min(sock.rcvlowat, total)) || 1;
  const timeo = flags & MSG_DONTWAIT ? 0 : sock.rcvtimeo;
  if (r.checkCreds) { msg.pid = r.pid; msg.uid = r.uid; msg.gid = r.gid; }
  let skip = Math.max(peekOffset(sock, flags), 0);
  let err = 0;
  let skb = sock.recvq.head;
  do {
    if (skb !== null) {
      skb = manageOob(sock, skb, flags, copied);
      if (skb === null && copied) break;
    }
    if (skb === null) {
      if (copied >= target) break;
      const e = sock.takeError();
      if (e !== 0) { err = -e; break; }
      if (sock.shutdown & RCV_SHUTDOWN) break;
      if (timeo === 0) { err = -EAGAIN; break; }
      r.bytes = copied;
      const w = waitOn(t, sock.wq, timeo);
      if (w === RET_BLOCK) {
        if (r.checkCreds) { r.pid = msg.pid; r.uid = msg.uid; r.gid = msg.gid; }
        return w;
      }
      err = w;
      break;
    }
    while (skip >= skb.left) {
      skip -= skb.left;
      skb = skb.next;
      if (skb === null) break;
    }
    if (skb === null) continue;
    if (r.checkCreds) {
      // Never glue messages from different writers.
      if (!skb.sameCreds(msg.pid, msg.uid, msg.gid)) break;
    } else if (sock.passcred) {
      msg.setCreds(skb);
      r.checkCreds = true;
    }
    if (msg.wantName && sock.family === AF_UNIX) msg.copyAddr(skb);
    const chunk = Math.min(skb.left - skip, size);
    if (chunk > 0 && it.copyTo(skb.data, skb.consumed + skip, chunk) < chunk) {
      if (copied === 0) copied = -EFAULT;
      break;
    }
    copied += chunk;
    size -= chunk;
    if (!(flags & MSG_PEEK)) {
      skb.consumed += chunk;
      peekBwd(sock, chunk);
      if (skb.fds !== null) { msg.dropFds(); msg.fds = skb.takeFds(); }
      if (skb.left > 0) break;
      sock.recvq.shift();
      UnixSocket.freeSkb(skb);
      if (msg.fds !== null) break;
      skb = sock.recvq.head;
    } else {
      if (skb.fds !== null) { msg.dropFds(); msg.fds = dupFds(skb.fds); }
      peekFwd(sock, chunk);
      if (skb.fds !== null) break;
      skip = 0;
      skb = skb.next;
      if (skb === null) break;
    }
  } while (size > 0);
  return copied !== 0 ? copied : err;
}
