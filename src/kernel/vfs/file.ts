// An open file description (struct file): what an fd refers to. Operations a
// kind of file lacks return what Linux returns for a missing operation.
import { EINVAL, ENOTDIR, ENOTTY, ESPIPE } from '../errno';
import type { Task } from '../task';
import type { Mappable } from '../mm/vma';

export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3, O_CREAT = 0x40, O_EXCL = 0x80,
  O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DSYNC = 0x1000,
  O_ASYNC = 0x2000, O_DIRECT = 0x4000, O_LARGEFILE = 0x8000, O_DIRECTORY = 0x10000,
  O_NOFOLLOW = 0x20000, O_NOATIME = 0x40000, O_CLOEXEC = 0x80000, O_SYNC = 0x101000,
  O_PATH = 0x200000, O_TMPFILE = 0x410000;

export abstract class FileDescription {
  refs = 1;
  /** Access mode and status flags (O_APPEND, O_NONBLOCK, ...), as F_GETFL shows them. */
  flags: number;
  /** File position for read/write/lseek. */
  pos = 0;

  constructor(flags: number) { this.flags = flags; }

  /** Reads into dst[off, off+len) at pos (pos < 0: at this.pos, advancing it). Bytes read or -errno. */
  read(_t: Task, _dst: Uint8Array, _off: number, _len: number, _pos: number): number { return -EINVAL; }
  /** Writes src[off, off+len) at pos (pos < 0: at this.pos / end with O_APPEND). Bytes written or -errno. */
  write(_t: Task, _src: Uint8Array, _off: number, _len: number, _pos: number): number { return -EINVAL; }
  /** lseek(2); a file without positions gives ESPIPE. */
  seek(_offset: number, _whence: number): number { return -ESPIPE; }
  /** Fills a struct stat (144 bytes, x86_64 layout) at dv[off]. 0 or -errno. */
  abstract stat(dv: DataView, off: number): number;
  /** getdents64(2) into dst[off, off+len); bytes or -errno. */
  getdents64(_t: Task, _dst: Uint8Array, _off: number, _len: number): number { return -ENOTDIR; }
  ioctl(_t: Task, _request: number, _arg: number): number { return -ENOTTY; }
  /** The backing for mmap, or null (mmap gives ENODEV). */
  mappable(): Mappable | null { return null; }
  /** The path as /proc/self/fd shows it. */
  abstract path(): string;
  /** Called when the last reference goes. */
  release(): void {}

  get readable(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY && !(this.flags & O_PATH); }
  get writable(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY && !(this.flags & O_PATH); }
}

