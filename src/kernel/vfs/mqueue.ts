// The mqueue file system (ipc/mqueue.c): one per sandbox (its IPC namespace),
// mounted at /dev/mqueue and used by mq_open/mq_unlink whether mounted or not.
// Its root is a sticky, world-writable directory of queues; each queue is a
// regular-file inode holding the messages (highest priority first, FIFO within
// a priority), its attributes, and the process registered for notification.
// read() of a queue shows "QSIZE:... NOTIFY:... SIGNO:... NOTIFY_PID:..." as
// Linux does; poll reports POLLIN while a message waits and POLLOUT while there
// is room. Senders, receivers and pollers all wait on the queue's ReadyQueue
// and re-check when woken (syscalls/mqueue.ts holds the calls themselves).
//
// A queue lives while it has a name or an open description: unlinking an open
// queue leaves it working for those who hold it, and a new queue may take the
// name. Each queue is charged to its creator's RLIMIT_MSGQUEUE budget
// (chargeBytes) until it goes.
import { EINVAL, ENOENT, EPERM } from '../errno';
import { S_IFDIR, S_IFMT, S_IFREG, S_ISVTX, StatFields } from '../abi/stat';
import {
  DFLT_MSG, DFLT_MSGSIZE, DIRENT_SIZE, FILENT_SIZE, MQ_PRIO_MAX, MQUEUE_MAGIC, MSG_MSG_SIZE, MSG_TREE_NODE_SIZE, SIGEV_SIGNAL,
} from '../abi/mqueue';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, ReadyQueue } from '../poll';
import type { Task } from '../task';
import type { ThreadGroup } from '../thread_group';
import type { Dentry } from './dentry';
import { InodeFile, seekSetCur, type FileDescription } from './file';
import { ATTR_ATIME, ATTR_CTIME, ATTR_GID, ATTR_MODE, ATTR_MTIME, ATTR_SIZE, ATTR_UID, AttrChange, Inode, Superblock, allocAnonDev, allocMntId, type VfsCtx } from './inode';
import { SynthDirInode, type DirEnt } from './synthetic';

/** Wall-clock time as (sec, nsec). */
function now(): [number, number] {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

class Times {
  atimeSec = 0; atimeNsec = 0; mtimeSec = 0; mtimeNsec = 0; ctimeSec = 0; ctimeNsec = 0;
  constructor() { this.touch(true, true); }
  /** Sets atime and ctime to now, and mtime too when asked. */
  touch(access: boolean, modify: boolean): void {
    const [s, n] = now();
    if (access) { this.atimeSec = s; this.atimeNsec = n; }
    if (modify) { this.mtimeSec = s; this.mtimeNsec = n; }
    this.ctimeSec = s; this.ctimeNsec = n;
  }
  apply(a: AttrChange): void {
    const [s, n] = now();
    if (a.mask & ATTR_ATIME) { this.atimeSec = a.atimeSec; this.atimeNsec = a.atimeNsec; }
    if (a.mask & ATTR_MTIME) { this.mtimeSec = a.mtimeSec; this.mtimeNsec = a.mtimeNsec; }
    this.ctimeSec = s; this.ctimeNsec = n;
  }
}

const fields = new StatFields();

function fillStat(i: Inode, t: Times, dv: DataView, off: number, size: number, nlink: number): number {
  fields.dev = i.sb.dev; fields.ino = i.ino; fields.mode = i.mode; fields.nlink = nlink;
  fields.uid = i.uid; fields.gid = i.gid; fields.rdev = 0; fields.size = size; fields.blksize = 4096; fields.blocks = 0;
  fields.atimeSec = t.atimeSec; fields.atimeNsec = t.atimeNsec; fields.mtimeSec = t.mtimeSec;
  fields.mtimeNsec = t.mtimeNsec; fields.ctimeSec = t.ctimeSec; fields.ctimeNsec = t.ctimeNsec;
  fields.encode(dv, off);
  return 0;
}

/** simple_setattr: owner, mode and times are kept. */
function setattrOn(i: Inode, times: Times, a: AttrChange): number {
  if (a.mask & ATTR_MODE) i.mode = (i.mode & S_IFMT) | (a.mode & 0o7777);
  if (a.mask & ATTR_UID) i.uid = a.uid;
  if (a.mask & ATTR_GID) i.gid = a.gid;
  if (a.mask & (ATTR_ATIME | ATTR_MTIME | ATTR_CTIME | ATTR_MODE | ATTR_UID | ATTR_GID)) times.apply(a);
  return 0;
}

/** What RLIMIT_MSGQUEUE charges a queue of these attributes (mqueue_get_inode's mq_bytes). */
export function chargeBytes(maxmsg: number, msgsize: number): number {
  return maxmsg * MSG_MSG_SIZE + Math.min(maxmsg, MQ_PRIO_MAX) * MSG_TREE_NODE_SIZE + maxmsg * msgsize;
}

interface Message { readonly prio: number; readonly data: Uint8Array }

export class MqueueFs {
  readonly sb = new Superblock('mqueue', allocAnonDev(), allocMntId(), false, MQUEUE_MAGIC);
  readonly root: MqDirInode;
  private nextIno = 2;
  /** Queues that exist (named, or unlinked and still open): queues_max counts them. */
  count = 0;
  /** RLIMIT_MSGQUEUE use per real uid (the user_struct's mq_bytes). */
  readonly bytesByUid = new Map<number, number>();

  constructor() { this.root = new MqDirInode(this, 1); }

  allocIno(): number { return this.nextIno++; }

  /** Makes a queue named `name` (the caller checked the limits and charged `bytes` to `chargeUid`). */
  create(name: string, perm: number, uid: number, gid: number, maxmsg: number, msgsize: number, chargeUid: number): MqInode {
    const q = new MqInode(this, this.allocIno(), S_IFREG | (perm & 0o7777), uid, gid, maxmsg, msgsize, chargeUid);
    this.count++;
    this.bytesByUid.set(chargeUid, (this.bytesByUid.get(chargeUid) ?? 0) + q.charge);
    this.root.queues.set(name, q);
    this.root.times.touch(true, true);
    return q;
  }

  /** A queue with no name and no open description goes: its budget comes back. */
  maybeFree(q: MqInode): void {
    if (q.linked || q.opens > 0 || q.freed) return;
    q.freed = true;
    this.count--;
    const left = (this.bytesByUid.get(q.chargeUid) ?? 0) - q.charge;
    if (left > 0) this.bytesByUid.set(q.chargeUid, left); else this.bytesByUid.delete(q.chargeUid);
  }
}

/** The root directory: sticky and writable by all (mode 01777). */
export class MqDirInode extends SynthDirInode {
  readonly queues = new Map<string, MqInode>();
  readonly times = new Times();

  constructor(readonly fs: MqueueFs, ino: number) {
    super(fs.sb, ino, 0o777);
    this.mode = S_IFDIR | S_ISVTX | 0o777;
  }

  override entries(): DirEnt[] {
    const out: DirEnt[] = [];
    for (const [name, q] of this.queues) out.push({ name, ino: q.ino, mode: q.mode });
    return out;
  }

  override lookup(_ctx: VfsCtx, name: string): Inode | number { return this.queues.get(name) ?? -ENOENT; }

  override stat(dv: DataView, off: number): number {
    return fillStat(this, this.times, dv, off, 2 * DIRENT_SIZE + DIRENT_SIZE * this.queues.size, 2);
  }

  /** open(O_CREAT) in the mounted directory makes a queue with the default attributes (the
   *  queue limits are mq_open's; this path knows no caller's limits). Other types: EPERM, as the
   *  file system has no mkdir, mknod or symlink. */
  override create(_dir: Dentry, name: string, mode: number, uid: number, gid: number): Inode | number {
    if ((mode & S_IFMT) !== S_IFREG) return -EPERM;
    return this.fs.create(name, mode, uid, gid, MqInode.defaultMaxmsg, MqInode.defaultMsgsize, uid);
  }

  override unlink(_dir: Dentry, name: string, victim: Dentry): number {
    const q = victim.inode;
    if (!(q instanceof MqInode) || this.queues.get(name) !== q) return -ENOENT;
    this.queues.delete(name);
    q.linked = false;
    this.times.touch(true, true);
    q.times.touch(false, false);
    this.fs.maybeFree(q);
    return 0;
  }

  override setattr(_d: Dentry | null, a: AttrChange): number { return setattrOn(this, this.times, a); }
}

/** One message queue. Invariant: msgs is sorted by priority, highest first, and FIFO within a
 *  priority; curmsgs === msgs.length <= maxmsg; qsize is the sum of the message lengths. */
export class MqInode extends Inode {
  static readonly defaultMaxmsg = DFLT_MSG;
  static readonly defaultMsgsize = DFLT_MSGSIZE;
  readonly msgs: Message[] = [];
  qsize = 0;
  /** Tasks blocked in send or receive, and pollers: notified on every change. */
  readonly wq = new ReadyQueue();
  /** Tasks that parked in mq_timedreceive on this queue (pruned lazily: one whose wait ended
   *  is no longer on wq). */
  readonly receivers = new Set<Task>();
  readonly times = new Times();
  /** Has a name in the directory. */
  linked = true;
  /** Open descriptions. */
  opens = 0;
  freed = false;
  readonly charge: number;
  /** The registered notification: owner process (null: none), its fd table (closing one of its
   *  descriptors there drops the registration, as mqueue_flush_file), and the sigevent. */
  notifyOwner: ThreadGroup | null = null;
  notifyFiles: object | null = null;
  notifyKind = 0;
  notifySigno = 0;
  notifyValueLo = 0;
  notifyValueHi = 0;

  constructor(readonly fs: MqueueFs, ino: number, mode: number, uid: number, gid: number,
    readonly maxmsg: number, readonly msgsize: number, readonly chargeUid: number) {
    super(fs.sb, ino, mode, uid, gid);
    this.charge = chargeBytes(maxmsg, msgsize);
  }

  /** Every lookup makes a fresh dentry: the name may go (mq_unlink) and come back as another queue. */
  override get cacheable(): boolean { return false; }

  get curmsgs(): number { return this.msgs.length; }

  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    return new MqFile(flags, this);
  }

  override stat(dv: DataView, off: number): number { return fillStat(this, this.times, dv, off, FILENT_SIZE, this.linked ? 1 : 0); }

  override setattr(_d: Dentry | null, a: AttrChange): number {
    if (a.mask & ATTR_SIZE) return 0; // simple_setattr of a size on a queue: nothing to cut
    return setattrOn(this, this.times, a);
  }

  /** Adds a message (room checked by the caller). Returns true when the queue was empty. */
  insert(prio: number, data: Uint8Array): boolean {
    let i = this.msgs.length;
    while (i > 0 && this.msgs[i - 1]!.prio < prio) i--;
    this.msgs.splice(i, 0, { prio, data });
    this.qsize += data.length;
    this.times.touch(true, true);
    return this.msgs.length === 1;
  }

  /** Takes the first message (the caller checked there is one). */
  take(): Message {
    const m = this.msgs.shift()!;
    this.qsize -= m.data.length;
    this.times.touch(true, true);
    return m;
  }

  /** Readiness as mqueue_poll_file reports it. */
  pollMask(): number {
    let mask = 0;
    if (this.msgs.length > 0) mask |= POLLIN | POLLRDNORM;
    if (this.msgs.length < this.maxmsg) mask |= POLLOUT | POLLWRNORM;
    return mask;
  }

  /** Drops the registered notification (remove_notification). */
  removeNotification(): void {
    this.notifyOwner = null;
    this.notifyFiles = null;
  }

  /** The text read() shows (mqueue_read_file). */
  statusText(): string {
    const owner = this.notifyOwner;
    const kind = owner !== null ? this.notifyKind : 0;
    const signo = owner !== null && this.notifyKind === SIGEV_SIGNAL ? this.notifySigno : 0;
    const pid = owner !== null ? owner.tgid : 0;
    return `QSIZE:${String(this.qsize).padEnd(10)} NOTIFY:${String(kind).padEnd(5)} SIGNO:${String(signo).padEnd(5)} NOTIFY_PID:${String(pid).padEnd(6)}\n`;
  }
}

/** An open queue: mq_open's descriptor, or an open(2) of /dev/mqueue/NAME. */
export class MqFile extends InodeFile {
  constructor(flags: number, readonly queue: MqInode) {
    super(flags);
    queue.opens++;
  }

  override get seekable(): boolean { return true; }
  override get pollable(): boolean { return true; }

  /** The status line, read like a small file from the position (simple_read_from_buffer). */
  override read(_t: Task, dst: Uint8Array, off: number, len: number, pos: number): number {
    const p = pos < 0 ? this.pos : pos;
    const text = Buffer.from(this.queue.statusText(), 'latin1');
    if (p >= text.length || len === 0) return 0;
    const n = Math.min(len, text.length - p);
    dst.set(text.subarray(p, p + n), off);
    if (pos < 0) this.pos = p + n;
    this.queue.times.touch(true, false);
    return n;
  }

  override seek(offset: number, whence: number): number {
    // default_llseek: SEEK_END is relative to i_size (80).
    if (whence === 2) {
      const p = FILENT_SIZE + offset;
      if (p < 0) return -EINVAL;
      this.pos = p;
      return p;
    }
    return seekSetCur(this, offset, whence);
  }

  override poll(_t: Task): number { return this.queue.pollMask(); }
  override readyQueue(): ReadyQueue { return this.queue.wq; }

  /** Closing a descriptor of the queue in the process registered for notification drops it. */
  override flush(files: object): void {
    if (this.queue.notifyFiles === files) this.queue.removeNotification();
  }

  override release(): void {
    this.queue.opens--;
    this.queue.fs.maybeFree(this.queue);
    super.release();
  }
}
