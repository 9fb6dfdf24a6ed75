// Control messages of unix sockets (net/core/scm.c): SCM_RIGHTS passes open
// files, SCM_CREDENTIALS passes a process's ids. On send they are parsed from
// the msghdr's control buffer (__scm_send); on receive they are written back
// (put_cmsg, scm_detach_fds), credentials first, with MSG_CTRUNC when the
// buffer is too small (the descriptors that do not fit are closed).
import { EBADF, EFAULT, EINVAL, EPERM, ESRCH } from '../errno';
import {
  CMSG_LEVEL, CMSG_TYPE, CMSGHDR_SIZE, MSG_CTRUNC, OVERFLOW_GID, OVERFLOW_UID, SCM_CREDENTIALS, SCM_MAX_FD,
  SCM_RIGHTS, SOL_SOCKET, UCRED_SIZE, cmsgAlign, cmsgLen, cmsgSpace,
} from '../abi/socket';
import { CAP_SETGID, CAP_SETUID, CAP_SYS_ADMIN } from '../abi/capability';
import { capable } from '../syscalls/identity';
import type { Task } from '../task';
import type { FileDescription } from '../vfs/file';
import { release } from '../vfs/fd_table';
import { NO_ID } from './skb';
import type { RecvMsg, SendMsg } from './unix_io';

const TWO32 = 4294967296;
/** The control buffer of one sendmsg (optmem_max bounds it: 128 KiB). */
const ctl = new Uint8Array(128 * 1024);
const ctlDv = new DataView(ctl.buffer);

/** scm_check_creds: a process may send its own pid and ids; CAP_SYS_ADMIN, CAP_SETUID and
 *  CAP_SETGID allow others. */
function checkCreds(t: Task, pid: number, uid: number, gid: number): number {
  if (uid === 0xffffffff || gid === 0xffffffff) return -EINVAL;
  const c = t.creds;
  if ((pid === t.tgid || capable(c, CAP_SYS_ADMIN)) &&
      (uid === c.uid || uid === c.euid || uid === c.suid || capable(c, CAP_SETUID)) &&
      (gid === c.gid || gid === c.egid || gid === c.sgid || capable(c, CAP_SETGID))) return 0;
  return -EPERM;
}

/**
 * __scm_send: parses len bytes of control data at addr into m (descriptors with references taken,
 * explicit credentials); for an inet socket (unix false) only other levels pass, ignored. 0 or -errno (EFAULT, EINVAL, EBADF, EPERM, ESRCH); on an error the
 * caller drops what m holds.
 */
export function parseControl(t: Task, addr: number, len: number, m: SendMsg, unix = true): number {
  if (len < CMSGHDR_SIZE) return 0;
  if (t.mm.copyIn(addr, ctl, 0, len) < 0) return -EFAULT;
  let off = 0;
  for (;;) {
    const clen = ctlDv.getUint32(off, true) + ctlDv.getUint32(off + 4, true) * TWO32;
    if (clen < CMSGHDR_SIZE || clen > len - off) return -EINVAL;
    if (ctlDv.getInt32(off + CMSG_LEVEL, true) === SOL_SOCKET) {
      const type = ctlDv.getInt32(off + CMSG_TYPE, true);
      // Other families take neither descriptors nor credentials (sock_cmsg_send: EINVAL).
      if (!unix) return -EINVAL;
      if (type === SCM_RIGHTS) {
        const num = Math.floor((clen - CMSGHDR_SIZE) / 4);
        if (num > 0) {
          if (num > SCM_MAX_FD) return -EINVAL;
          const fds: FileDescription[] = m.fds ?? [];
          m.fds = fds;
          if (fds.length + num > SCM_MAX_FD) return -EINVAL;
          for (let i = 0; i < num; i++) {
            const fd = ctlDv.getInt32(off + CMSGHDR_SIZE + 4 * i, true);
            const f = fd >= 0 ? t.files.get(fd) : null;
            if (f === null) return -EBADF;
            f.refs++;
            fds.push(f);
          }
        }
      } else if (type === SCM_CREDENTIALS) {
        if (clen !== cmsgLen(UCRED_SIZE)) return -EINVAL;
        const pid = ctlDv.getInt32(off + CMSGHDR_SIZE, true);
        const uid = ctlDv.getUint32(off + CMSGHDR_SIZE + 4, true);
        const gid = ctlDv.getUint32(off + CMSGHDR_SIZE + 8, true);
        const e = checkCreds(t, pid, uid, gid);
        if (e < 0) return e;
        if (pid !== t.tgid && !t.kernel.tasks.has(pid) && !t.kernel.groups.has(pid)) return -ESRCH;
        m.pid = pid; m.uid = uid; m.gid = gid;
      } else {
        return -EINVAL;
      }
    }
    off += cmsgAlign(clen);
    if (off + CMSGHDR_SIZE > len) break;
  }
  if (m.fds !== null && m.fds.length === 0) m.fds = null;
  return 0;
}

const out = new Uint8Array(CMSGHDR_SIZE + UCRED_SIZE);
const outDv = new DataView(out.buffer);

/** Where received control data goes: the user buffer's next free byte and what is left of it. */
class CtlCursor { addr = 0; left = 0; }
const cur = new CtlCursor();

/** put_cmsg of a struct ucred. */
function putCreds(t: Task, msg: RecvMsg): void {
  if (cur.left < CMSGHDR_SIZE) { msg.flags |= MSG_CTRUNC; return; }
  let cmlen = cmsgLen(UCRED_SIZE);
  if (cur.left < cmlen) { msg.flags |= MSG_CTRUNC; cmlen = cur.left; }
  outDv.setUint32(0, cmlen, true); outDv.setUint32(4, 0, true);
  outDv.setInt32(CMSG_LEVEL, SOL_SOCKET, true);
  outDv.setInt32(CMSG_TYPE, SCM_CREDENTIALS, true);
  // from_kuid_munged: no ids attached read as the overflow ids.
  outDv.setInt32(CMSGHDR_SIZE, msg.pid, true);
  outDv.setUint32(CMSGHDR_SIZE + 4, msg.uid === NO_ID ? OVERFLOW_UID : msg.uid, true);
  outDv.setUint32(CMSGHDR_SIZE + 8, msg.gid === NO_ID ? OVERFLOW_GID : msg.gid, true);
  if (t.mm.copyOut(cur.addr, out, 0, cmlen) < 0) return;
  const used = Math.min(cmsgSpace(UCRED_SIZE), cur.left);
  cur.addr += used;
  cur.left -= used;
}

/** scm_detach_fds: installs as many descriptors as fit (O_CLOEXEC on request); the rest close. */
function detachFds(t: Task, msg: RecvMsg, cloexec: boolean): void {
  const fds = msg.fds!;
  msg.fds = null;
  const fdmax = Math.min(cur.left <= CMSGHDR_SIZE ? 0 : Math.floor((cur.left - CMSGHDR_SIZE) / 4), fds.length);
  let i = 0;
  for (; i < fdmax; i++) {
    const fd = t.files.firstFree();
    if (fd < 0) break;
    if (t.mm.writeU32(cur.addr + CMSGHDR_SIZE + 4 * i, fd) < 0) break;
    t.files.install(fds[i]!, cloexec);
  }
  if (i > 0) {
    outDv.setUint32(0, cmsgLen(4 * i), true); outDv.setUint32(4, 0, true);
    outDv.setInt32(CMSG_LEVEL, SOL_SOCKET, true);
    outDv.setInt32(CMSG_TYPE, SCM_RIGHTS, true);
    if (t.mm.copyOut(cur.addr, out, 0, CMSGHDR_SIZE) === 0) {
      const used = Math.min(cmsgSpace(4 * i), cur.left);
      cur.addr += used;
      cur.left -= used;
    }
  }
  if (i < fds.length || (fds.length > 0 && fdmax <= 0)) msg.flags |= MSG_CTRUNC;
  for (let j = i; j < fds.length; j++) release(fds[j]!);
}

/**
 * scm_recv_unix: writes a receive's credentials (when the socket asked with SO_PASSCRED) and
 * descriptors into the control buffer at addr (len bytes; addr 0: none, everything is dropped
 * with MSG_CTRUNC). Returns the bytes used (the msg_controllen given back).
 */
export function putControl(t: Task, addr: number, len: number, msg: RecvMsg, passcred: boolean, cloexec: boolean): number {
  if (addr === 0) {
    if (passcred || msg.fds !== null) msg.flags |= MSG_CTRUNC;
    msg.dropFds();
    return 0;
  }
  cur.addr = addr;
  cur.left = len;
  if (passcred) putCreds(t, msg);
  if (msg.fds !== null) detachFds(t, msg, cloexec);
  return len - cur.left;
}
