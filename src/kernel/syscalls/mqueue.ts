// POSIX message queues: mq_open, mq_unlink, mq_timedsend, mq_timedreceive,
// mq_notify, mq_getsetattr (ipc/mqueue.c is the spec: its checks and their
// order). The queues and their file system are in vfs/mqueue.ts.
//
// A sender finding the queue full, or a receiver finding it empty, parks on the
// queue's ReadyQueue with the wait record's deadline (the absolute
// CLOCK_REALTIME timeout turned into a monotonic one) and runs again from the
// top when woken: the message is copied in again and the checks are redone.
// A signal ends the wait with ERESTARTSYS, as wq_sleep does.
//
// mq_notify's SIGEV_THREAD needs a netlink socket (glibc makes one); tsvisor
// has no AF_NETLINK, so the fd named in sigev_signo is never one: EBADF for no
// file, ENOTSOCK for a file that is not a socket, EINVAL for any other socket
// (netlink_getsockbyfilp's answers).
import { EACCES, EAGAIN, EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EMFILE, EMSGSIZE, ENAMETOOLONG, ENOENT, ENOSPC, ENOTSOCK, EPERM, ETIMEDOUT } from '../errno';
import { O_ACCMODE, O_CREAT, O_EXCL, O_NOCTTY, O_NONBLOCK, O_RDONLY, O_TRUNC, O_WRONLY } from '../abi/fcntl';
import { S_IFMT, S_IFSOCK } from '../abi/stat';
import { CAP_SYS_RESOURCE } from '../abi/capability';
import {
  DFLT_MSG, DFLT_MSGMAX, DFLT_MSGSIZE, DFLT_MSGSIZEMAX, DFLT_QUEUESMAX, HARD_MSGMAX, HARD_MSGSIZEMAX, MQA_CURMSGS,
  MQA_FLAGS, MQA_MAXMSG, MQA_MSGSIZE, MQ_ATTR_SIZE, MQ_PRIO_MAX, NOTIFY_COOKIE_LEN, SIGEVENT_SIZE, SIGEV_NONE,
  SIGEV_NOTIFY, SIGEV_SIGNAL, SIGEV_SIGNO, SIGEV_THREAD, SIGEV_VALUE, SI_MESGQ,
} from '../abi/mqueue';
import { RLIMIT_MSGQUEUE } from '../limits';
import { monotonicNs } from '../timers';
import { makeInfo, sendToGroup } from '../task_signals';
import { host } from '../../native';
import type { Task } from '../task';
import { Dentry } from '../vfs/dentry';
import { LAST_NORM } from '../vfs/namei';
import { MAY_EXEC, MAY_READ, MAY_WRITE, permission } from '../vfs/perm';
import { vfsRemove } from '../vfs/vfs_ops';
import { chargeBytes, MqFile, type MqInode } from '../vfs/mqueue';
import { release } from '../vfs/fd_table';
import { capable } from './identity';
import { readPath } from './fs_common';
import { RET_BLOCK, type Handler } from './types';

const TWO32 = 4294967296;
const NAME_MAX = 255;
const ts = new Float64Array(2);

/** A signed 64-bit field as a number (exact to 2^53; beyond, only its sign and size matter). */
function getLong(dv: DataView, off: number): number { return dv.getUint32(off, true) + dv.getInt32(off + 4, true) * TWO32; }
function putLong(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v >>> 0, true);
  dv.setInt32(off + 4, Math.floor(v / TWO32), true);
}

/** The queue name as lookup_one_len takes it: getname's ENOENT for "", EACCES for "." / ".." or
 *  a name with a slash, ENAMETOOLONG past NAME_MAX. */
function readName(t: Task, addr: number): string | number {
  const name = readPath(t, addr);
  if (typeof name === 'number') return name;
  if (name.length === 0) return -ENOENT;
  if (name === '.' || name === '..' || name.includes('/')) return -EACCES;
  if (name.length > NAME_MAX) return -ENAMETOOLONG;
  return name;
}

/** prepare_timeout: an absolute CLOCK_REALTIME timespec as a monotonic-ns deadline (at least 1),
 *  0 for none, or -EFAULT / -EINVAL. */
function readTimeout(t: Task, addr: number): number {
  if (addr === 0) return 0;
  const dv = t.kernel.sdv;
  if (t.mm.copyIn(addr, t.kernel.scratch, 0, 16) < 0) return -EFAULT;
  const sec = getLong(dv, 0), nsec = getLong(dv, 8);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
  host.clockGettime(0, ts);
  return Math.max(1, monotonicNs() + (sec - ts[0]!) * 1e9 + (nsec - ts[1]!));
}

/** The queue behind fd: EBADF for no file or one that is not a queue. */
function queueFile(t: Task, fd: number): MqFile | number {
  const f = t.files.get(fd);
  return f instanceof MqFile ? f : -EBADF;
}

/** mq_attr_ok: the limits of mq_maxmsg and mq_msgsize (higher with CAP_SYS_RESOURCE). */
function attrOk(t: Task, maxmsg: number, msgsize: number): number {
  if (maxmsg <= 0 || msgsize <= 0) return -EINVAL;
  if (capable(t.creds, CAP_SYS_RESOURCE)) {
    if (maxmsg > HARD_MSGMAX || msgsize > HARD_MSGSIZEMAX) return -EINVAL;
  } else if (maxmsg > DFLT_MSGMAX || msgsize > DFLT_MSGSIZEMAX) return -EINVAL;
  return 0;
}

/** Opens q for the caller with oflag; a new description (the caller installs it). */
function openQueue(t: Task, q: MqInode, name: string, oflag: number): MqFile {
  const f = new MqFile(oflag & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC), q);
  f.dentry = new Dentry(null, name, t.fs.vfs.mqueueRoot, q).get();
  return f;
}

/** implements Linux mq_open(2) */
export const sysMqOpen: Handler = (t) => {
  const nameAddr = t.regs.arg(0), oflag = t.regs.argInt(1), mode = t.regs.argInt(2) & 0xffff, attrAddr = t.regs.arg(3);
  let maxmsg = Math.min(DFLT_MSGMAX, DFLT_MSG), msgsize = Math.min(DFLT_MSGSIZEMAX, DFLT_MSGSIZE);
  const withAttr = attrAddr !== 0;
  if (withAttr) {
    if (t.mm.copyIn(attrAddr, t.kernel.scratch, 0, MQ_ATTR_SIZE) < 0) return -EFAULT;
    maxmsg = getLong(t.kernel.sdv, MQA_MAXMSG);
    msgsize = getLong(t.kernel.sdv, MQA_MSGSIZE);
  }
  const name = readName(t, nameAddr);
  if (typeof name === 'number') return name;
  const fd = t.files.firstFree(0);
  if (fd < 0) return fd;
  const vfs = t.fs.vfs, mq = vfs.mqueue, dir = mq.root;
  const ctx = t.fs.ctx(t);
  const existing = dir.queues.get(name);
  let q: MqInode;
  if (existing !== undefined) {
    if ((oflag & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -EEXIST;
    // do_open: O_WRONLY|O_RDWR is no access mode; any permission failure reads EACCES.
    const acc = oflag & O_ACCMODE;
    if (acc === O_ACCMODE) return -EINVAL;
    const may = acc === O_RDONLY ? MAY_READ : acc === O_WRONLY ? MAY_WRITE : MAY_READ | MAY_WRITE;
    if (permission(existing, t.creds, may) < 0) return -EACCES;
    q = existing;
  } else {
    if (!(oflag & O_CREAT)) return -ENOENT;
    if (withAttr) { const e = attrOk(t, maxmsg, msgsize); if (e < 0) return e; }
    const perm = mode & 0o7777 & ~t.fs.umask;
    // vfs_create: may_create in the queue directory (mode 01777: anyone may, unless changed).
    const e = permission(dir, ctx.creds, MAY_WRITE | MAY_EXEC);
    if (e < 0) return e;
    if (mq.count >= DFLT_QUEUESMAX && !capable(t.creds, CAP_SYS_RESOURCE)) return -ENOSPC;
    // RLIMIT_MSGQUEUE: the bytes every queue of this (real) user may pin, this one included.
    const uid = t.creds.uid;
    if ((mq.bytesByUid.get(uid) ?? 0) + chargeBytes(maxmsg, msgsize) > t.limits.soft[RLIMIT_MSGQUEUE]!) return -EMFILE;
    q = mq.create(name, perm, t.creds.fsuid, t.creds.fsgid, maxmsg, msgsize, uid);
  }
  const f = openQueue(t, q, name, oflag);
  // Message-queue descriptors are always close-on-exec (get_unused_fd_flags(O_CLOEXEC)).
  const r = t.files.install(f, true, fd);
  if (r < 0) release(f);
  return r;
};

/** implements Linux mq_unlink(2) */
export const sysMqUnlink: Handler = (t) => {
  const name = readName(t, t.regs.arg(0));
  if (typeof name === 'number') return name;
  const vfs = t.fs.vfs;
  if (!vfs.mqueue.root.queues.has(name)) return -ENOENT;
  // vfs_unlink in the queue directory: may_delete (write permission, the sticky bit's owner rule).
  // Linux (6.18, measured) answers EACCES where unlink(2) in a mounted mqueue gives EPERM for a
  // queue of another user.
  const r = vfsRemove(t.fs.ctx(t), { dir: vfs.mqueueRoot, last: name, type: LAST_NORM, trailingSlash: false }, false);
  return r === -EPERM ? -EACCES : r;
};

/** A live task parked in mq_timedreceive on q (pipelined_send hands it the message: no notification). */
function receiverWaiting(q: MqInode): boolean {
  for (const r of q.receivers) {
    if (r.waitActive && r.waitQueues.includes(q.wq)) return true;
    q.receivers.delete(r);
  }
  return false;
}

/** __do_notify: the queue went from empty to one message with nobody waiting to receive it. */
function notifyOwner(t: Task, q: MqInode): void {
  const owner = q.notifyOwner;
  if (owner === null) return;
  if (q.notifyKind === SIGEV_SIGNAL && q.notifySigno !== 0 && owner.state === 0) {
    const info = makeInfo(q.notifySigno, SI_MESGQ, t.tgid, t.creds.uid);
    info.value = q.notifyValueLo + q.notifyValueHi * TWO32;
    sendToGroup(owner, info);
  }
  // The registration is used up by one notification.
  q.removeNotification();
}

function finish(t: Task, r: number): number {
  if (t.waitActive) t.endWait();
  return r;
}

/** implements Linux mq_timedsend(2) */
export const sysMqTimedsend: Handler = (t) => {
  const fd = t.regs.argInt(0), ptr = t.regs.arg(1), len = t.regs.arg(2), prio = t.regs.argInt(3) >>> 0;
  const deadline = readTimeout(t, t.regs.arg(4));
  if (deadline < 0) return finish(t, deadline);
  if (prio >= MQ_PRIO_MAX) return finish(t, -EINVAL);
  const f = queueFile(t, fd);
  if (typeof f === 'number') return finish(t, f);
  if (!f.writable) return finish(t, -EBADF);
  const q = f.queue;
  if (len > q.msgsize) return finish(t, -EMSGSIZE);
  const data = new Uint8Array(len);
  if (len > 0 && t.mm.copyIn(ptr, data, 0, len) < 0) return finish(t, -EFAULT);
  if (q.curmsgs >= q.maxmsg) {
    if (f.flags & O_NONBLOCK) return finish(t, -EAGAIN);
    if (t.waitActive ? t.waitExpired() : deadline > 0 && monotonicNs() >= deadline) return finish(t, -ETIMEDOUT);
    t.blockOn(q.wq, deadline);
    return RET_BLOCK;
  }
  const receiving = receiverWaiting(q);
  const wasEmpty = q.insert(prio, data);
  if (wasEmpty && !receiving) notifyOwner(t, q);
  q.wq.notify(0);
  return finish(t, 0);
};

/** implements Linux mq_timedreceive(2) */
export const sysMqTimedreceive: Handler = (t) => {
  const fd = t.regs.argInt(0), ptr = t.regs.arg(1), len = t.regs.arg(2), prioAddr = t.regs.arg(3);
  const deadline = readTimeout(t, t.regs.arg(4));
  if (deadline < 0) return finish(t, deadline);
  const f = queueFile(t, fd);
  if (typeof f === 'number') return finish(t, f);
  if (!f.readable) return finish(t, -EBADF);
  const q = f.queue;
  if (len < q.msgsize) return finish(t, -EMSGSIZE);
  if (q.curmsgs === 0) {
    if (f.flags & O_NONBLOCK) return finish(t, -EAGAIN);
    if (t.waitActive ? t.waitExpired() : deadline > 0 && monotonicNs() >= deadline) return finish(t, -ETIMEDOUT);
    t.blockOn(q.wq, deadline);
    q.receivers.add(t);
    return RET_BLOCK;
  }
  q.receivers.delete(t);
  const m = q.take();
  // Room now: a parked sender (and pollers) may go on.
  q.wq.notify(0);
  // As Linux: the message is taken before the copies, so a fault loses it.
  let r = m.data.length;
  if (prioAddr !== 0) {
    t.kernel.sdv.setUint32(0, m.prio, true);
    if (t.mm.copyOut(prioAddr, t.kernel.scratch, 0, 4) < 0) r = -EFAULT;
  }
  if (r >= 0 && m.data.length > 0 && t.mm.copyOut(ptr, m.data, 0, m.data.length) < 0) r = -EFAULT;
  return finish(t, r);
};

/** implements Linux mq_notify(2) */
export const sysMqNotify: Handler = (t) => {
  const fd = t.regs.argInt(0), sevAddr = t.regs.arg(1);
  let kind = 0, signo = 0, valueLo = 0, valueHi = 0;
  if (sevAddr !== 0) {
    const dv = t.kernel.sdv;
    if (t.mm.copyIn(sevAddr, t.kernel.scratch, 0, SIGEVENT_SIZE) < 0) return -EFAULT;
    valueLo = dv.getUint32(SIGEV_VALUE, true); valueHi = dv.getUint32(SIGEV_VALUE + 4, true);
    signo = dv.getInt32(SIGEV_SIGNO, true); kind = dv.getInt32(SIGEV_NOTIFY, true);
    if (kind !== SIGEV_NONE && kind !== SIGEV_SIGNAL && kind !== SIGEV_THREAD) return -EINVAL;
    // valid_signal: 0 .. _NSIG (0 is accepted and sends nothing).
    if (kind === SIGEV_SIGNAL && (signo >>> 0) > 64) return -EINVAL;
    if (kind === SIGEV_THREAD) {
      if (t.mm.copyIn(valueLo + valueHi * TWO32, t.kernel.scratch, 0, NOTIFY_COOKIE_LEN) < 0) return -EFAULT;
      const sock = t.files.get(signo);
      if (sock === null) return -EBADF;
      const ino = sock.dentry?.inode;
      if (ino === undefined || (ino.mode & S_IFMT) !== S_IFSOCK) return -ENOTSOCK;
      return -EINVAL; // a socket, and not a netlink one (tsvisor has no AF_NETLINK)
    }
  }
  const f = queueFile(t, fd);
  if (typeof f === 'number') return f;
  const q = f.queue;
  if (sevAddr === 0) {
    if (q.notifyOwner === t.group) { q.removeNotification(); q.times.touch(true, false); }
    return 0;
  }
  if (q.notifyOwner !== null) return -EBUSY;
  q.notifyKind = kind;
  if (kind === SIGEV_SIGNAL) { q.notifySigno = signo; q.notifyValueLo = valueLo; q.notifyValueHi = valueHi; }
  q.notifyOwner = t.group;
  q.notifyFiles = t.files;
  q.times.touch(true, false);
  return 0;
};

/** implements Linux mq_getsetattr(2) */
export const sysMqGetsetattr: Handler = (t) => {
  const fd = t.regs.argInt(0), newAddr = t.regs.arg(1), oldAddr = t.regs.arg(2);
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  let setNonblock = false;
  if (newAddr !== 0) {
    if (t.mm.copyIn(newAddr, s, 0, MQ_ATTR_SIZE) < 0) return -EFAULT;
    const lo = dv.getUint32(MQA_FLAGS, true), hi = dv.getUint32(MQA_FLAGS + 4, true);
    if ((lo & ~O_NONBLOCK) !== 0 || hi !== 0) return -EINVAL;
    setNonblock = (lo & O_NONBLOCK) !== 0;
  }
  const f = queueFile(t, fd);
  if (typeof f === 'number') return f;
  const q = f.queue;
  // The old attributes are taken before the new flags apply.
  s.fill(0, 0, MQ_ATTR_SIZE);
  putLong(dv, MQA_FLAGS, f.flags & O_NONBLOCK);
  putLong(dv, MQA_MAXMSG, q.maxmsg);
  putLong(dv, MQA_MSGSIZE, q.msgsize);
  putLong(dv, MQA_CURMSGS, q.curmsgs);
  if (newAddr !== 0) {
    f.flags = setNonblock ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
    q.times.touch(true, false);
  }
  if (oldAddr !== 0 && t.mm.copyOut(oldAddr, s, 0, MQ_ATTR_SIZE) < 0) return -EFAULT;
  return 0;
};

export const mqueueSyscalls: Record<string, Handler> = {
  mq_open: sysMqOpen,
  mq_unlink: sysMqUnlink,
  mq_timedsend: sysMqTimedsend,
  mq_timedreceive: sysMqTimedreceive,
  mq_notify: sysMqNotify,
  mq_getsetattr: sysMqGetsetattr,
};
