// The open file of a socket (socket_file_ops) and its inode in sockfs: read,
// write, readv and writev go to the socket's receive and send (no flags, and
// MSG_DONTWAIT with O_NONBLOCK); poll reports unix_poll's bits; fstat shows
// S_IFSOCK; /proc/self/fd shows "socket:[N]"; opening that link gives ENXIO
// (sockfs's sock_no_open).
import { EFAULT, ENXIO, ENOTTY } from '../errno';
import { O_NONBLOCK, O_RDWR } from '../abi/fcntl';
import { FIONREAD } from '../abi/fcntl';
import { StatFields } from '../abi/stat';
import { AF_UNIX, MSG_CTRUNC, MSG_DONTWAIT, SIOCATMARK, SIOCOUTQ, SOCK_INODE_MODE, SOCKFS_MAGIC } from '../abi/socket';
import type { ReadyQueue } from '../poll';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import { Dentry } from '../vfs/dentry';
import { FileDescription } from '../vfs/file';
import { allocAnonDev, allocMntId, Inode, Superblock, type VfsCtx } from '../vfs/inode';
import { IoIter } from '../vfs/iov_iter';
import { RecvMsg, recvOn, resumeOf, SendMsg, sendOn, SockResume } from './unix_io';
import { UnixSocket } from './unix';
import { collect } from './gc';
import type { Kernel } from '../kernel';

let sockSb: Superblock | null = null;
/** sockfs, where every socket's inode lives (st_dev of a socket). */
export function sockfs(): Superblock {
  if (sockSb === null) sockSb = new Superblock('sockfs', allocAnonDev(), allocMntId(), false, SOCKFS_MAGIC);
  return sockSb;
}
/** Inode numbers of sockets (get_next_ino: a counter). */
let nextSockIno = 100000;
export function allocSockIno(): number { return nextSockIno++; }

const statFields = new StatFields();

/** A socket's inode: S_IFSOCK | 0777, owned by whoever made the socket. */
export class SockInode extends Inode {
  readonly ctimeMs = Date.now();
  constructor(ino: number, uid: number, gid: number) { super(sockfs(), ino, SOCK_INODE_MODE, uid, gid); }
  override get cacheable(): boolean { return false; }
  override open(_ctx: VfsCtx, _dentry: Dentry, _flags: number): FileDescription | number { return -ENXIO; }
  override stat(dv: DataView, off: number): number {
    const f = statFields;
    f.dev = this.sb.dev; f.ino = this.ino; f.nlink = 1; f.mode = this.mode;
    f.uid = this.uid; f.gid = this.gid; f.rdev = 0; f.size = 0; f.blksize = 4096; f.blocks = 0;
    f.setTimes(Math.floor(this.ctimeMs / 1000), (this.ctimeMs % 1000) * 1e6);
    f.encode(dv, off);
    return 0;
  }
}

/** The scratch messages of read/write on sockets (the kernel is synchronous). */
const sendScratch = new SendMsg();
const recvScratch = new RecvMsg();
/** Kernel-buffer transfers (sendfile) never resume: they return short instead. */
const kernelResume = new SockResume();
const kernelIter = new IoIter();

export class SocketFile extends FileDescription {
  readonly inode: SockInode;
  /** References to this file held by queued SCM_RIGHTS buffers (gc.ts). */
  inflight = 0;

  constructor(readonly sock: UnixSocket, nonblock: boolean, uid: number, gid: number) {
    super(O_RDWR | (nonblock ? O_NONBLOCK : 0));
    this.inode = new SockInode(sock.ino, uid, gid);
    this.dentry = new Dentry(null, this.path(), null, this.inode).get();
  }

  private get dontwait(): number { return this.flags & O_NONBLOCK ? MSG_DONTWAIT : 0; }

  /** sock_read_iter: a read of nothing returns 0 at once (SYS5). */
  override readIter(t: Task, it: IoIter): number {
    if (it.count === 0) return 0;
    const r = resumeOf(t);
    return this.recvInto(t, it, r);
  }

  private recvInto(t: Task, it: IoIter, r: SockResume): number {
    const msg = recvScratch;
    msg.reset(false, 0);
    const n = recvOn(t, this.sock, it, this.dontwait, msg, r);
    if (n === RET_BLOCK) { t.waitProgress = r.bytes; return n; }
    // No control buffer: credentials and descriptors are dropped (MSG_CTRUNC, unseen).
    if ((this.sock.passcred && this.sock.family === AF_UNIX) || msg.fds !== null) msg.flags |= MSG_CTRUNC;
    msg.dropFds();
    return n;
  }

  /** sock_write_iter. */
  override writeIter(t: Task, it: IoIter): number {
    const r = resumeOf(t);
    const m = sendScratch;
    m.reset();
    const n = sendOn(t, this.sock, it, this.dontwait, m, r);
    m.dropFds();
    if (n === RET_BLOCK) t.waitProgress = r.bytes;
    return n;
  }

  /** Kernel-buffer reads (sendfile's input). */
  override read(t: Task, dst: Uint8Array, off: number, len: number, _pos: number): number {
    if (len === 0) return 0;
    kernelResume.clearMessage();
    return this.recvInto(t, kernelIter.initKernel(dst, off, len), kernelResume);
  }

  /** Kernel-buffer writes (sendfile's output): short once some bytes are in and it would block. */
  override write(t: Task, src: Uint8Array, off: number, len: number, _pos: number): number {
    kernelResume.clearMessage();
    const m = sendScratch;
    m.reset();
    const n = sendOn(t, this.sock, kernelIter.initKernel(src, off, len), this.dontwait, m, kernelResume);
    m.dropFds();
    return n;
  }

  override poll(_t: Task): number { return this.sock.poll(); }
  override readyQueue(): ReadyQueue { return this.sock.wq; }
  override get pollable(): boolean { return true; }

  /** unix_ioctl: SIOCINQ (FIONREAD), SIOCOUTQ and SIOCATMARK; anything else is not a socket ioctl here. */
  override ioctl(t: Task, request: number, arg: number): number {
    let v: number;
    if (request === FIONREAD) v = this.sock.inqLen();
    else if (request === SIOCOUTQ) v = this.sock.wmem;
    else if (request === SIOCATMARK) v = this.sock.atMark();
    else return -ENOTTY;
    if (v < 0) return v;
    return t.mm.writeU32(arg, v) < 0 ? -EFAULT : 0;
  }

  override stat(dv: DataView, off: number): number { return this.inode.stat(dv, off); }
  override path(): string { return `socket:[${this.sock.ino}]`; }

  override release(): void {
    super.release();
    this.sock.release(false);
    // Sockets kept open only by each other's queued buffers may be collectable now.
    collect();
  }
}

/** A new unix socket and its file (sock_alloc + unix_create1). */
export function newUnixSocket(t: Task, type: number, nonblock: boolean, family = AF_UNIX, protocol = 0): SocketFile {
  const s = new UnixSocket(t.kernel as Kernel, type, allocSockIno());
  s.family = family;
  s.protocol = protocol;
  return new SocketFile(s, nonblock, t.creds.fsuid, t.creds.fsgid);
}

/** The socket behind a file, or null (ENOTSOCK). */
export function socketOf(f: FileDescription | null): UnixSocket | null {
  return f instanceof SocketFile ? f.sock : null;
}
