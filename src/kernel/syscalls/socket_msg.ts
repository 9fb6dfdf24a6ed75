// Socket messages: sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg
// (net/socket.c). Each decodes its arguments in Linux's order (the buffer's
// range, then the descriptor, then the msghdr, its address, iovecs and control
// data), hands the socket one message (net/unix_io.ts) and writes back the
// address, flags and control data (net/scm.ts). A call that parks keeps its
// progress in the task's SockResume and runs again from the top when woken.
import { EAGAIN, EFAULT, EINVAL, EMSGSIZE, ENOBUFS } from '../errno';
import { IOVEC_SIZE, MAX_RW_COUNT, O_NONBLOCK, UIO_MAXIOV } from '../abi/fcntl';
import {
  AF_UNIX, MH_CONTROL, MH_CONTROLLEN, MH_FLAGS, MH_IOV, MH_IOVLEN, MH_NAME, MH_NAMELEN, MMH_LEN, MMSGHDR_SIZE, MSG_CMSG_CLOEXEC,
  MSG_DONTWAIT, MSG_INTERNAL_SENDMSG_FLAGS, MSG_WAITFORONE, MSGHDR_SIZE, SOCKADDR_STORAGE_SIZE,
} from '../abi/socket';
import type { Task } from '../task';
import { monotonicNs } from '../timers';
import { parseControl, putControl } from '../net/scm';
import { SocketFile } from '../net/socket_file';
import { HostSocketFile } from '../net/hostinet';
import { RecvMsg, recvOn, resumeOf, SendMsg, sendOn, type SockResume } from '../net/unix_io';
import { IoIter } from '../vfs/iov_iter';
import { putAddr, readAddr, sockDone, sockFile } from './socket';
import { RET_BLOCK, type Handler } from './types';

const TWO32 = 4294967296;
/** MSG_CMSG_COMPAT: only 32-bit callers may set it. */
const MSG_CMSG_COMPAT = 0x80000000;
/** net.core.optmem_max: a control buffer this large cannot be allocated (ENOBUFS). */
const OPTMEM_MAX = 131072;
/** What fits in the kernel's on-stack control buffer without sock_kmalloc (cmsghdr + 20). */
const CTL_ONSTACK = 36;

const iter = new IoIter(UIO_MAXIOV);
const sendMsg = new SendMsg();
const recvMsg = new RecvMsg();

const hdr = new Uint8Array(MSGHDR_SIZE);
const hdrDv = new DataView(hdr.buffer);
const iovBuf = new Uint8Array(UIO_MAXIOV * IOVEC_SIZE);
const iovDv = new DataView(iovBuf.buffer);

function u64(dv: DataView, off: number): number { return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * TWO32; }

/** The decoded msghdr of the current call. */
class Hdr { name = 0; namelen = 0; control = 0; controllen = 0; }
const h = new Hdr();

/** access_ok as x86_64 Linux checks it now: the range must not reach the kernel half (sign bit);
 *  whether it is mapped shows when bytes are copied. */
function accessOk(addr: number, len: number): boolean { return addr + len <= 2 ** 63; }

/** import_ubuf: one buffer (clamped to MAX_RW_COUNT); -EFAULT outside user space. */
function importBuf(t: Task, addr: number, len: number): number {
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  if (!accessOk(addr, len)) return -EFAULT;
  iter.initGuest(t.mm, addr, len);
  return 0;
}

/** copy_msghdr_from_user + import_iovec: reads the msghdr at addr into h and the iterator.
 *  send: the address is copied into sendMsg.name. 0 or -errno. */
function importMsghdr(t: Task, addr: number, send: boolean): number {
  if (t.mm.copyIn(addr, hdr, 0, MSGHDR_SIZE) < 0) return -EFAULT;
  h.name = u64(hdrDv, MH_NAME);
  let namelen = hdrDv.getInt32(MH_NAMELEN, true);
  if (h.name === 0) namelen = 0;
  if (namelen < 0) return -EINVAL;
  if (namelen > SOCKADDR_STORAGE_SIZE) namelen = SOCKADDR_STORAGE_SIZE;
  h.namelen = namelen;
  if (send) {
    sendMsg.nameLen = 0;
    if (h.name !== 0 && namelen !== 0) {
      const e = readAddr(t, h.name, namelen, sendMsg.name);
      if (e < 0) return e;
      sendMsg.nameLen = namelen;
    }
  }
  h.control = u64(hdrDv, MH_CONTROL);
  h.controllen = u64(hdrDv, MH_CONTROLLEN);
  const iovAddr = u64(hdrDv, MH_IOV), iovlen = u64(hdrDv, MH_IOVLEN);
  if (iovlen > UIO_MAXIOV) return -EMSGSIZE;
  if (iovlen > 0 && t.mm.copyIn(iovAddr, iovBuf, 0, iovlen * IOVEC_SIZE) < 0) return -EFAULT;
  let total = 0;
  for (let i = 0; i < iovlen; i++) {
    const base = u64(iovDv, i * IOVEC_SIZE);
    if (iovDv.getUint32(i * IOVEC_SIZE + 12, true) >= 0x80000000) return -EINVAL; // > SSIZE_MAX
    let len = u64(iovDv, i * IOVEC_SIZE + 8);
    if (!accessOk(base, len)) return -EFAULT;
    if (len > MAX_RW_COUNT - total) len = MAX_RW_COUNT - total;
    iter.setIov(i, base, len);
    total += len;
  }
  iter.initGuestIov(t.mm, iovlen);
  return 0;
}

/** The flags a send goes with: the caller's, less the kernel's own, plus O_NONBLOCK's. */
function sendFlags(f: SocketFile | HostSocketFile, flags: number): number {
  flags &= ~MSG_INTERNAL_SENDMSG_FLAGS;
  return f.flags & O_NONBLOCK ? flags | MSG_DONTWAIT : flags;
}

/** A host socket's source address and msg_flags (hostinet's recvFrom). */
const hostName = new Uint8Array(SOCKADDR_STORAGE_SIZE);
const hostOut = new Uint32Array(2);

/** ____sys_sendmsg for the msghdr at addr: bytes sent, -errno or RET_BLOCK. */
function sendmsgOne(t: Task, f: SocketFile | HostSocketFile, addr: number, flags: number, r: SockResume): number {
  const m = sendMsg;
  m.reset();
  let e = importMsghdr(t, addr, true);
  if (e < 0) return e;
  if (f instanceof HostSocketFile) {
    // No ancillary data reaches a host socket.
    if (h.controllen > 0) return -EINVAL;
    return f.sendTo(t, iter, sendFlags(f, flags), m.nameLen > 0 ? m.name : null, m.nameLen, r);
  }
  if (h.controllen > 0x7fffffff) return -ENOBUFS;
  if (h.controllen > CTL_ONSTACK && h.controllen >= OPTMEM_MAX) return -ENOBUFS;
  if (h.controllen > 0) {
    e = parseControl(t, h.control, h.controllen, m, f.sock.family === AF_UNIX);
    if (e < 0) { m.dropFds(); return e; }
  }
  const n = sendOn(t, f.sock, iter, sendFlags(f, flags), m, r);
  m.dropFds();
  return n;
}

/** ____sys_recvmsg for the msghdr at addr: bytes received, -errno or RET_BLOCK. */
function recvmsgOne(t: Task, f: SocketFile | HostSocketFile, addr: number, flags: number, r: SockResume): number {
  const e = importMsghdr(t, addr, false);
  if (e < 0) return e;
  if (f instanceof HostSocketFile) return hostRecvmsg(t, f, addr, flags, r);
  if (f.flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
  const msg = recvMsg;
  msg.reset(h.name !== 0 && h.namelen !== 0, flags & MSG_CMSG_CLOEXEC);
  const n = recvOn(t, f.sock, iter, flags, msg, r);
  if (n === RET_BLOCK) return n;
  if (n < 0) { msg.dropFds(); return n; }
  const passcred = f.sock.passcred && f.sock.family === AF_UNIX;
  const used = putControl(t, h.control, h.controllen, msg, passcred, (flags & MSG_CMSG_CLOEXEC) !== 0);
  if (h.name !== 0) {
    const a = putAddr(t, msg.name, msg.nameLen, h.name, addr + MH_NAMELEN);
    if (a < 0) return a;
  }
  if (t.mm.writeU32(addr + MH_FLAGS, msg.flags) < 0) return -EFAULT;
  if (t.mm.writeU64(addr + MH_CONTROLLEN, used) < 0) return -EFAULT;
  return n;
}

/** recvmsg on a host socket (the msghdr already imported): the source address, msg_flags and an
 *  empty control buffer go back. */
function hostRecvmsg(t: Task, f: HostSocketFile, addr: number, flags: number, r: SockResume): number {
  const n = f.recvFrom(t, iter, flags & ~MSG_CMSG_CLOEXEC, hostName, hostOut, r);
  if (n < 0 || n === RET_BLOCK) return n;
  if (h.name !== 0) {
    const a = putAddr(t, hostName, Math.min(hostOut[0]!, hostName.length), h.name, addr + MH_NAMELEN);
    if (a < 0) return a;
  }
  if (t.mm.writeU32(addr + MH_FLAGS, hostOut[1]!) < 0) return -EFAULT;
  if (t.mm.writeU64(addr + MH_CONTROLLEN, 0) < 0) return -EFAULT;
  return n;
}

/** implements Linux sendto(2) */
export const sysSendto: Handler = (t) => {
  const r = resumeOf(t);
  let e = importBuf(t, t.regs.arg(1), t.regs.arg(2));
  if (e < 0) return sockDone(t, e);
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return sockDone(t, f);
  const m = sendMsg;
  m.reset();
  const addr = t.regs.arg(4);
  if (addr !== 0) {
    const alen = t.regs.argInt(5);
    e = readAddr(t, addr, alen, m.name);
    if (e < 0) return sockDone(t, e);
    m.nameLen = alen;
  }
  if (f instanceof HostSocketFile) {
    const hn = f.sendTo(t, iter, sendFlags(f, t.regs.argInt(3)), m.nameLen > 0 ? m.name : null, m.nameLen, r);
    if (hn === RET_BLOCK) t.waitProgress = r.bytes;
    return sockDone(t, hn);
  }
  const n = sendOn(t, f.sock, iter, sendFlags(f, t.regs.argInt(3)), m, r);
  if (n === RET_BLOCK) t.waitProgress = r.bytes;
  return sockDone(t, n);
};

/** implements Linux recvfrom(2) */
export const sysRecvfrom: Handler = (t) => {
  const r = resumeOf(t);
  const e = importBuf(t, t.regs.arg(1), t.regs.arg(2));
  if (e < 0) return sockDone(t, e);
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return sockDone(t, f);
  let flags = t.regs.argInt(3);
  const addr = t.regs.arg(4);
  if (f instanceof HostSocketFile) {
    const hn = f.recvFrom(t, iter, flags, hostName, hostOut, r);
    if (hn === RET_BLOCK) { t.waitProgress = r.bytes; return hn; }
    if (hn >= 0 && addr !== 0) {
      const a = putAddr(t, hostName, Math.min(hostOut[0]!, hostName.length), addr, t.regs.arg(5));
      if (a < 0) return sockDone(t, a);
    }
    return sockDone(t, hn);
  }
  if (f.flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
  const msg = recvMsg;
  msg.reset(addr !== 0, 0);
  const n = recvOn(t, f.sock, iter, flags, msg, r);
  if (n === RET_BLOCK) { t.waitProgress = r.bytes; return n; }
  // No control buffer: what the socket would have passed is dropped.
  putControl(t, 0, 0, msg, f.sock.passcred && f.sock.family === AF_UNIX, false);
  if (n >= 0 && addr !== 0) {
    const a = putAddr(t, msg.name, msg.nameLen, addr, t.regs.arg(5));
    if (a < 0) return sockDone(t, a);
  }
  return sockDone(t, n);
};

/** The socket file of a msghdr call (MSG_CMSG_COMPAT is for 32-bit callers only). */
function msgFile(t: Task, flags: number): SocketFile | HostSocketFile | number {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  return flags & MSG_CMSG_COMPAT ? -EINVAL : f;
}

/** implements Linux sendmsg(2) */
export const sysSendmsg: Handler = (t) => {
  const r = resumeOf(t);
  const flags = t.regs.argInt(2);
  const f = msgFile(t, flags);
  if (typeof f === 'number') return sockDone(t, f);
  const n = sendmsgOne(t, f, t.regs.arg(1), flags, r);
  if (n === RET_BLOCK) t.waitProgress = r.bytes;
  return sockDone(t, n);
};

/** implements Linux recvmsg(2) */
export const sysRecvmsg: Handler = (t) => {
  const r = resumeOf(t);
  const flags = t.regs.argInt(2);
  const f = msgFile(t, flags);
  if (typeof f === 'number') return sockDone(t, f);
  const n = recvmsgOne(t, f, t.regs.arg(1), flags, r);
  if (n === RET_BLOCK) { t.waitProgress = r.bytes; return n; }
  return sockDone(t, n);
};

/** implements Linux sendmmsg(2): stops at the first error or short send; the count sent, or the
 *  error when none was. A wait keeps the message index; a signal then returns the count. */
export const sysSendmmsg: Handler = (t) => {
  const r = resumeOf(t);
  const flags = t.regs.argInt(3);
  const f = msgFile(t, flags);
  if (typeof f === 'number') return sockDone(t, f);
  const vec = t.regs.arg(1);
  const vlen = Math.min(t.regs.argInt(2) >>> 0, UIO_MAXIOV);
  let err = 0;
  while (r.index < vlen) {
    const entry = vec + r.index * MMSGHDR_SIZE;
    const n = sendmsgOne(t, f, entry, flags, r);
    if (n === RET_BLOCK) {
      // Bytes already in count as a sent message if a signal ends the call now.
      if (r.bytes > 0) t.mm.writeU32(entry + MMH_LEN, r.bytes);
      t.waitProgress = r.index + (r.bytes > 0 ? 1 : 0);
      return n;
    }
    if (n < 0) { err = n; break; }
    if (t.mm.writeU32(entry + MMH_LEN, n) < 0) { err = -EFAULT; break; }
    r.index++;
    const short = iter.count > 0;
    r.clearMessage();
    if (short) break;
  }
  return sockDone(t, r.index > 0 ? r.index : err);
};

const tsBuf = new Uint8Array(16);
const tsDv = new DataView(tsBuf.buffer);

/** implements Linux recvmmsg(2): waits for each message (MSG_WAITFORONE: only the first); the
 *  timeout is checked between messages, as Linux does. */
export const sysRecvmmsg: Handler = (t) => {
  const r = resumeOf(t);
  const flags = t.regs.argInt(3);
  const f = msgFile(t, flags);
  if (typeof f === 'number') return sockDone(t, f);
  const vec = t.regs.arg(1), tsAddr = t.regs.arg(4);
  const vlen = Math.min(t.regs.argInt(2) >>> 0, UIO_MAXIOV);
  const fresh = !t.waitActive;
  if (fresh && tsAddr !== 0) {
    if (t.mm.copyIn(tsAddr, tsBuf, 0, 16) < 0) return sockDone(t, -EFAULT);
    const sec = Number(tsDv.getBigInt64(0, true)), nsec = Number(tsDv.getBigInt64(8, true));
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return sockDone(t, -EINVAL);
    r.mmsgDeadline = monotonicNs() + sec * 1e9 + nsec;
  }
  if (fresh && !(f instanceof HostSocketFile)) {
    const e = f.sock.takeError();
    if (e !== 0) return sockDone(t, -e);
  }
  let err = 0;
  while (r.index < vlen) {
    const entry = vec + r.index * MMSGHDR_SIZE;
    let fl = flags & ~MSG_WAITFORONE;
    if ((flags & MSG_WAITFORONE) && r.index > 0) fl |= MSG_DONTWAIT;
    const n = recvmsgOne(t, f, entry, fl, r);
    if (n === RET_BLOCK) {
      if (r.bytes > 0) t.mm.writeU32(entry + MMH_LEN, r.bytes);
      t.waitProgress = r.index + (r.bytes > 0 ? 1 : 0);
      return n;
    }
    if (n < 0) { err = n; break; }
    if (t.mm.writeU32(entry + MMH_LEN, n) < 0) { err = -EFAULT; break; }
    r.index++;
    r.clearMessage();
    if (r.mmsgDeadline !== 0 && monotonicNs() >= r.mmsgDeadline) break;
  }
  let res: number;
  if (err === 0) res = r.index;
  else if (r.index === 0) res = err;
  else {
    // A later error is kept for the next call (EAGAIN is not an error here).
    if (err !== -EAGAIN && !(f instanceof HostSocketFile)) f.sock.err = -err;
    res = r.index;
  }
  if (res > 0 && tsAddr !== 0) {
    const left = Math.max(0, r.mmsgDeadline - monotonicNs());
    tsDv.setBigInt64(0, BigInt(Math.floor(left / 1e9)), true);
    tsDv.setBigInt64(8, BigInt(Math.floor(left % 1e9)), true);
    if (t.mm.copyOut(tsAddr, tsBuf, 0, 16) < 0) res = -EFAULT;
  }
  return sockDone(t, res);
};

export const socketMsgSyscalls: Record<string, Handler> = {
  sendto: sysSendto,
  recvfrom: sysRecvfrom,
  sendmsg: sysSendmsg,
  recvmsg: sysRecvmsg,
  sendmmsg: sysSendmmsg,
  recvmmsg: sysRecvmmsg,
};

