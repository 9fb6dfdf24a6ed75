// An open file description (struct file): what an fd refers to. Operations a
// kind of file lacks return what Linux returns for a missing operation.
import { EBADF, EINVAL, ENOTDIR, ENOTTY, ESPIPE } from '../errno';
import type { Task } from '../task';
import type { Mappable } from '../mm/vma';
import type { Dentry } from './dentry';
import type { IoIter } from './iov_iter';
import { DEFAULT_POLLMASK } from '../abi/poll';
import type { ReadyQueue } from '../poll';
import { hasLocks, releaseDescription } from './locks';

export {
  O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK, O_DSYNC,
  O_ASYNC, O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW, O_NOATIME, O_CLOEXEC, O_SYNC, O_PATH, O_TMPFILE,
} from '../abi/fcntl';
import { F_GETPIPE_SZ, F_SETPIPE_SZ, O_ACCMODE, O_PATH, O_RDONLY, O_WRONLY, SEEK_CUR, SEEK_SET } from '../abi/fcntl';

/** Something that must let go of a file when its last reference goes (epoll's items). */
export interface FileWatch { fileReleased(f: FileDescription): void }

export abstract class FileDescription {
  refs = 1;
  /** Access mode and status flags (O_APPEND, O_NONBLOCK, ...), as F_GETFL shows them. */
  flags: number;
  /** File position for read/write/lseek. */
  pos = 0;
  /** Where the file was opened (one reference held, dropped by release()); anonymous files
   *  (host stdio, pipes) have a parentless dentry of their own. */
  dentry: Dentry | null = null;

  /** Watches to tell when the file is released (epoll items naming it); null when none. */
  watches: FileWatch[] | null = null;

  constructor(flags: number) { this.flags = flags; }

  /** Reads into dst[off, off+len) at pos (pos < 0: at this.pos, advancing it). Bytes read or -errno.
   *  dst may be guest memory from mm.translate: read and write must not use t.mm themselves.
   *  Default: EINVAL, what Linux gives for a file without a read operation. */
  read(_t: Task, _dst: Uint8Array, _off: number, _len: number, _pos: number): number { return -EINVAL; }
  /** Writes src[off, off+len) at pos (pos < 0: at this.pos / end with O_APPEND). Bytes written or -errno.
   *  Default: EINVAL, as for a file without a write operation. */
  write(_t: Task, _src: Uint8Array, _off: number, _len: number, _pos: number): number { return -EINVAL; }
  /** lseek(2); a file without positions gives ESPIPE. */
  seek(_offset: number, _whence: number): number { return -ESPIPE; }
  /** Optional whole-request I/O (see iov_iter.ts): when a file has these, read/readv/write/writev
   *  hand it the entire request instead of going segment by segment. They may block: park the
   *  task (t.blockOn) and return RET_BLOCK, keeping any progress in t.waitProgress, and end the
   *  wait record (t.endWait) themselves when they return anything else. */
  readIter?(t: Task, it: IoIter): number;
  writeIter?(t: Task, it: IoIter): number;
  /** Readiness now (POLLIN, POLLOUT, POLLHUP, POLLERR, POLLRDNORM, ... bits). Default: what Linux
   *  reports for a file without a poll operation (regular files, most devices): always ready. */
  poll(_t: Task): number { return DEFAULT_POLLMASK; }
  /** The queue notified whenever readiness may have changed; null when it never changes. */
  readyQueue(): ReadyQueue | null { return null; }
  /** Has a poll operation of its own (file_can_poll): epoll refuses files without one (EPERM). */
  get pollable(): boolean { return false; }
  /** Does pread/pwrite work here? (false: ESPIPE, as for pipes and ttys) */
  get seekable(): boolean { return false; }
  /** Fills a struct stat (144 bytes, x86_64 layout) at dv[off]. 0 or -errno. */
  abstract stat(dv: DataView, off: number): number;
  /** Fills a struct statx (256 bytes) at dv[off]; files with a dentry ask its inode. */
  statx(dv: DataView, off: number, mask: number, flags: number): number {
    return this.dentry !== null ? this.dentry.inode.statx(dv, off, mask, flags) : -EBADF;
  }
  /** getdents64(2) into dst[off, off+len); bytes or -errno. */
  getdents64(_t: Task, _dst: Uint8Array, _off: number, _len: number): number { return -ENOTDIR; }
  /** ioctl(2) requests this kind of file knows (the generic FIO* ones are handled before). */
  ioctl(_t: Task, _request: number, _arg: number): number { return -ENOTTY; }
  /** fcntl(2) commands beyond the generic ones (F_GETPIPE_SZ, seals, ...): EINVAL by default,
   *  EBADF for the pipe-size commands (what Linux gives on a file that is not a pipe). */
  fcntl(_t: Task, cmd: number, _arg: number): number {
    return cmd === F_SETPIPE_SZ || cmd === F_GETPIPE_SZ ? -EBADF : -EINVAL;
  }
  /** Called after F_SETFL / FIONBIO changed this.flags. */
  flagsChanged(): void {}
  /** Called on every close of an fd naming this description, with the fd table closing it
   *  (Linux's f_op->flush; mqueue drops its owner's notification there). */
  flush(_files: object): void {}
  /** The backing for mmap, or null (mmap gives ENODEV). */
  mappable(): Mappable | null { return null; }
  /** The path as /proc/self/fd shows it. */
  abstract path(): string;
  /** Called when the last reference goes. Subclasses that override it call super.release(). */
  release(): void {
    const w = this.watches;
    if (w !== null) {
      this.watches = null;
      for (const x of w) x.fileReleased(this);
    }
    const d = this.dentry;
    this.dentry = null;
    if (d !== null) {
      if (hasLocks(d.inode)) releaseDescription(d.inode, this);
      d.put();
    }
  }

  get readable(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY && (this.flags & O_ACCMODE) !== 3 && !(this.flags & O_PATH); }
  get writable(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY && (this.flags & O_ACCMODE) !== 3 && !(this.flags & O_PATH); }
  get isPath(): boolean { return (this.flags & O_PATH) !== 0; }
}

/** A file opened through a path: stat and path come from its dentry. */
export abstract class InodeFile extends FileDescription {
  override stat(dv: DataView, off: number): number {
    return this.dentry !== null ? this.dentry.inode.stat(dv, off) : -EBADF;
  }
  override path(): string { return this.dentry !== null ? this.dentry.path() : '(closed)'; }
}

/** An O_PATH file: names a place; read, write, ioctl and the rest give EBADF (checked by the
 *  syscalls through isPath). */
export class PathFile extends InodeFile {}

/** lseek for files with no end to seek from (directories, seq files: Linux's seq_lseek and
 *  dcache_dir_lseek): SEEK_SET and SEEK_CUR only, and never below 0. */
export function seekSetCur(f: FileDescription, offset: number, whence: number): number {
  let p: number;
  if (whence === SEEK_SET) p = offset;
  else if (whence === SEEK_CUR) p = f.pos + offset;
  else return -EINVAL;
  if (p < 0) return -EINVAL;
  f.pos = p;
  return p;
}
