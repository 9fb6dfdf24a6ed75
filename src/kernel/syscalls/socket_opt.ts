// Socket options: getsockopt(2) and setsockopt(2) (net/core/sock.c's
// sk_getsockopt/sk_setsockopt for SOL_SOCKET; IPPROTO_TCP and IPPROTO_IP for
// the loopback AF_INET sockets, kept as plain values; unix sockets have no
// other level: EOPNOTSUPP).
import { EACCES, EDOM, EFAULT, EINVAL, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPERM } from '../errno';
import {
  AF_INET, CAP_NET_ADMIN, CAP_NET_RAW, HZ, IPPROTO_IP, IPPROTO_TCP, LINGER_SIZE, RMEM_MAX, SO_ACCEPTCONN,
  SO_BROADCAST, SO_BSDCOMPAT, SO_DEBUG, SO_DOMAIN, SO_DONTROUTE, SO_ERROR, SO_KEEPALIVE, SO_LINGER, SO_NO_CHECK,
  SO_OOBINLINE, SO_PASSCRED, SO_PEEK_OFF, SO_PEERCRED, SO_PEERNAME, SO_PRIORITY, SO_PROTOCOL, SO_RCVBUF,
  SO_RCVBUFFORCE, SO_RCVLOWAT, SO_RCVTIMEO_NEW, SO_RCVTIMEO_OLD, SO_REUSEADDR, SO_REUSEPORT, SO_RXQ_OVFL, SO_SNDBUF,
  SO_SNDBUFFORCE, SO_SNDLOWAT, SO_SNDTIMEO_NEW, SO_SNDTIMEO_OLD, SO_TYPE, SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF,
  SOCKADDR_STORAGE_SIZE, SOL_SOCKET, TIMEVAL_SIZE, UCRED_SIZE, WMEM_MAX,
} from '../abi/socket';
import type { Task } from '../task';
import { inetGetOpt, inetSetOpt } from '../net/inet';
import { HostSocketFile } from '../net/hostinet';
import { TCP_LISTEN, TIMEO_FOREVER, type UnixSocket } from '../net/unix';
import { capable } from './identity';
import { getname, sockFile } from './socket';
import type { Handler } from './types';

const TWO32 = 4294967296;

const optBuf = new Uint8Array(SOCKADDR_STORAGE_SIZE);
const optDv = new DataView(optBuf.buffer);

/** Options kept as plain values (set and read back; nothing else uses them in a unix socket). */
const PLAIN_OPTS = new Set([SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_OOBINLINE, SO_DONTROUTE, SO_BROADCAST,
  SO_NO_CHECK, SO_RXQ_OVFL]);

/** sock_get_timeout: jiffies as a struct timeval (0, 0 when there is none). */
function putTimeval(j: number): void {
  if (j === TIMEO_FOREVER) { optDv.setBigInt64(0, 0n, true); optDv.setBigInt64(8, 0n, true); return; }
  setI64(0, Math.floor(j / HZ));
  setI64(8, Math.floor(((j % HZ) * 1000000) / HZ));
}
function setI64(off: number, v: number): void {
  optDv.setUint32(off, v >>> 0, true);
  optDv.setUint32(off + 4, Math.floor(v / TWO32) >>> 0, true);
}

/** sk_getsockopt for SOL_SOCKET: fills optBuf; the value's length, or -errno. */
function getOpt(sock: UnixSocket, name: number, len: number): number {
  optBuf.fill(0, 0, 16);
  let v = 0;
  switch (name) {
    case SO_TYPE: v = sock.type; break;
    case SO_PROTOCOL: v = sock.protocol; break;
    case SO_DOMAIN: v = sock.family; break;
    case SO_ERROR: v = sock.takeError(); break;
    case SO_SNDBUF: v = sock.sndbuf; break;
    case SO_RCVBUF: v = sock.rcvbuf; break;
    case SO_PASSCRED: v = sock.passcred ? 1 : 0; break;
    case SO_ACCEPTCONN: v = sock.state === TCP_LISTEN ? 1 : 0; break;
    case SO_RCVLOWAT: v = sock.rcvlowat; break;
    case SO_SNDLOWAT: v = 1; break;
    case SO_PEEK_OFF: v = sock.peekOff; break;
    case SO_PRIORITY: v = sock.opts.get(SO_PRIORITY) ?? 0; break;
    case SO_DEBUG: v = sock.opts.get(SO_DEBUG) ?? 0; break;
    case SO_BSDCOMPAT: v = 0; break;
    case SO_LINGER:
      optDv.setInt32(0, sock.lingerOn ? 1 : 0, true);
      optDv.setInt32(4, sock.lingerSecs, true);
      return LINGER_SIZE;
    case SO_RCVTIMEO_OLD: case SO_RCVTIMEO_NEW: putTimeval(sock.rcvtimeo); return TIMEVAL_SIZE;
    case SO_SNDTIMEO_OLD: case SO_SNDTIMEO_NEW: putTimeval(sock.sndtimeo); return TIMEVAL_SIZE;
    case SO_PEERCRED:
      // cred_to_ucred: without a peer, pid 0 and ids -1.
      optDv.setInt32(0, sock.peerPid, true);
      optDv.setInt32(4, sock.peerUid, true);
      optDv.setInt32(8, sock.peerGid, true);
      return UCRED_SIZE;
    case SO_PEERNAME: {
      const klen = getname(sock, true, optBuf);
      if (klen < 0) return -ENOTCONN;
      if (klen < len) return -EINVAL;
      return klen;
    }
    default:
      if (PLAIN_OPTS.has(name)) { v = sock.opts.get(name) ?? 0; break; }
      return -ENOPROTOOPT;
  }
  optDv.setInt32(0, v, true);
  return 4;
}

/** implements Linux getsockopt(2) */
export const sysGetsockopt: Handler = (t) => {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  const level = t.regs.argInt(1), name = t.regs.argInt(2), optval = t.regs.arg(3), optlen = t.regs.arg(4);
  const ulen = t.mm.readU32(optlen);
  if (ulen === -EFAULT) return -EFAULT;
  let len = ulen | 0;
  if (len < 0) return -EINVAL;
  if (f instanceof HostSocketFile) {
    const lv = f.getOpt(level, name, len);
    if (lv < 0) return lv;
    if (len > lv) len = lv;
    if (len > 0 && t.mm.copyOut(optval, HostSocketFile.optBuf, 0, len) < 0) return -EFAULT;
    return t.mm.writeU32(optlen, len) < 0 ? -EFAULT : 0;
  }
  let lv: number;
  if (level === SOL_SOCKET) lv = getOpt(f.sock, name, len);
  else if (f.sock.family === AF_INET && (level === IPPROTO_TCP || level === IPPROTO_IP)) {
    const v = inetGetOpt(f.sock, level, name);
    if (v === -ENOPROTOOPT) return v;
    optDv.setInt32(0, v, true);
    lv = 4;
  } else return -EOPNOTSUPP; // unix sockets have no options beyond SOL_SOCKET
  if (lv < 0) return lv;
  // SO_PEERCRED and SO_PEERNAME copy what was asked for (at most the value); the rest min(len, lv).
  if (len > lv) len = lv;
  if (len > 0 && t.mm.copyOut(optval, optBuf, 0, len) < 0) return -EFAULT;
  return t.mm.writeU32(optlen, len) < 0 ? -EFAULT : 0;
};

/** sock_set_timeout: a struct timeval into jiffies (EDOM for bad microseconds; negative: 0). */
function setTimeout(t: Task, optval: number, optlen: number): number {
  if (optlen < TIMEVAL_SIZE) return -EINVAL;
  if (t.mm.copyIn(optval, optBuf, 0, TIMEVAL_SIZE) < 0) return -EFAULT;
  const sec = Number(optDv.getBigInt64(0, true)), usec = Number(optDv.getBigInt64(8, true));
  if (usec < 0 || usec >= 1000000) return -EDOM;
  if (sec < 0) return 0;
  if ((sec === 0 && usec === 0) || sec >= Math.floor(TIMEO_FOREVER / HZ) - 1) return TIMEO_FOREVER;
  return sec * HZ + Math.ceil(usec / (1000000 / HZ));
}

function netAdmin(t: Task): boolean { return capable(t.creds, CAP_NET_ADMIN); }

/** implements Linux setsockopt(2) */
export const sysSetsockopt: Handler = (t) => {
  const f = sockFile(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  const level = t.regs.argInt(1), name = t.regs.argInt(2), optval = t.regs.arg(3), optlen = t.regs.argInt(4);
  if (optlen < 0) return -EINVAL;
  if (f instanceof HostSocketFile) {
    const buf = HostSocketFile.optBuf;
    const len = Math.min(optlen, buf.length);
    if (len > 0 && t.mm.copyIn(optval, buf, 0, len) < 0) return -EFAULT;
    return f.setOpt(level, name, len);
  }
  const sock = f.sock;
  const inetLevel = sock.family === AF_INET && (level === IPPROTO_TCP || level === IPPROTO_IP);
  if (level !== SOL_SOCKET && !inetLevel) return -EOPNOTSUPP;
  if (optlen < 4) return -EINVAL;
  if (t.mm.copyIn(optval, optBuf, 0, 4) < 0) return -EFAULT;
  const val = optDv.getInt32(0, true);
  if (inetLevel) return inetSetOpt(sock, level, name, val);
  switch (name) {
    case SO_TYPE: case SO_PROTOCOL: case SO_DOMAIN: case SO_ERROR: case SO_PEERCRED: case SO_ACCEPTCONN:
    case SO_PEERNAME: case SO_SNDLOWAT:
      return -ENOPROTOOPT;
    case SO_SNDBUFFORCE: case SO_SNDBUF: {
      let v: number;
      if (name === SO_SNDBUFFORCE) {
        if (!netAdmin(t)) return -EPERM;
        v = Math.max(val, 0);
      } else v = Math.min(val >>> 0, WMEM_MAX);
      sock.sndbuf = Math.max(v * 2, SOCK_MIN_SNDBUF);
      sock.writeSpace();
      return 0;
    }
    case SO_RCVBUFFORCE: case SO_RCVBUF: {
      let v: number;
      if (name === SO_RCVBUFFORCE) {
        if (!netAdmin(t)) return -EPERM;
        v = Math.max(val, 0);
      } else v = Math.min(val >>> 0, RMEM_MAX);
      sock.rcvbuf = Math.max(v * 2, SOCK_MIN_RCVBUF);
      return 0;
    }
    case SO_PASSCRED: sock.passcred = val !== 0; return 0;
    case SO_RCVLOWAT: sock.rcvlowat = val < 0 ? 0x7fffffff : val || 1; return 0;
    case SO_PEEK_OFF: sock.peekOff = val; return 0;
    case SO_PRIORITY:
      if ((val < 0 || val > 6) && !capable(t.creds, CAP_NET_RAW) && !netAdmin(t)) return -EPERM;
      sock.opts.set(SO_PRIORITY, val);
      return 0;
    case SO_DEBUG:
      if (val && !netAdmin(t)) return -EACCES;
      sock.opts.set(SO_DEBUG, val ? 1 : 0);
      return 0;
    case SO_BSDCOMPAT: return 0;
    case SO_LINGER: {
      if (optlen < LINGER_SIZE) return -EINVAL;
      if (t.mm.copyIn(optval, optBuf, 0, LINGER_SIZE) < 0) return -EFAULT;
      // Turning lingering off keeps the time (Linux clears only the flag).
      sock.lingerOn = optDv.getInt32(0, true) !== 0;
      if (sock.lingerOn) sock.lingerSecs = optDv.getInt32(4, true);
      return 0;
    }
    case SO_RCVTIMEO_OLD: case SO_RCVTIMEO_NEW: case SO_SNDTIMEO_OLD: case SO_SNDTIMEO_NEW: {
      const j = setTimeout(t, optval, optlen);
      if (j < 0) return j;
      if (name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW) sock.rcvtimeo = j; else sock.sndtimeo = j;
      return 0;
    }
    default:
      if (PLAIN_OPTS.has(name)) { sock.opts.set(name, val ? 1 : 0); return 0; }
      return -ENOPROTOOPT;
  }
};

export const socketOptSyscalls: Record<string, Handler> = {
  getsockopt: sysGetsockopt,
  setsockopt: sysSetsockopt,
};
