// procfs's text files (Linux's seq_file and proc_single_show): the text is made
// when a read starts at offset 0 and then served from that snapshot, so a
// reader going through it in small pieces sees one consistent view. Sizes are
// 0 in stat, as on Linux. Writable entries (comm, /proc/sys) take one write.
import { EACCES, EINVAL, EIO, EPERM } from '../errno';
import { O_ACCMODE, O_RDONLY, O_TRUNC, SEEK_CUR, SEEK_SET } from '../abi/fcntl';
import { S_IFREG } from '../abi/stat';
import type { Task } from '../task';
import type { Dentry } from './dentry';
import { InodeFile, type FileDescription, seekSetCur } from './file';
import { ATTR_GID, ATTR_MODE, ATTR_UID, Inode, type AttrChange, type Superblock, type VfsCtx } from './inode';
import { synthStat } from './synthetic';

/** Makes a file's text for the reading task; -errno (ESRCH for a process that is gone, ...). */
export type ProcGen = (t: Task | null) => string | Uint8Array | number;
/** Takes one write's bytes; returns the count accepted or -errno. */
export type ProcWrite = (t: Task, data: Uint8Array) => number;

export interface ProcFileOptions {
  write?: ProcWrite;
  /** Writes fail at open with EACCES whatever the caller's capabilities (sysctl's own check, and
   *  entries with no write operation when `strictWrite` is set). */
  strictWrite?: boolean;
  /** What write(2) gives when the file has no write operation: EIO for /proc's plain entries
   *  (proc_reg_write), EINVAL for per-process ones (no write op at all). */
  noWriteErrno?: number;
  /** Not cached by the dentry layer (per-process entries). */
  uncached?: boolean;
  /** st_size (0 for proc files; sysfs shows 4096). */
  size?: number;
}

export class ProcFileInode extends Inode {
  constructor(sb: Superblock, ino: number, perm: number, readonly gen: ProcGen, readonly opts: ProcFileOptions = {},
    uid = 0, gid = 0) {
    super(sb, ino, S_IFREG | perm, uid, gid);
  }
  override get cacheable(): boolean { return this.opts.uncached !== true; }
  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    if (((flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0) && this.opts.strictWrite === true && this.opts.write === undefined) return -EACCES;
    return new ProcFile(this, flags);
  }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, this.opts.size ?? 0); }
  /** proc_setattr: a mode change is refused; truncation (open with O_TRUNC) and times are
   *  accepted and change nothing. */
  override setattr(d: Dentry | null, a: AttrChange): number {
    if (a.mask & ATTR_MODE) return -EPERM;
    if (this.sb.readonly) return super.setattr(d, a);
    return (a.mask & (ATTR_UID | ATTR_GID)) !== 0 ? super.setattr(d, a) : 0;
  }
}

export class ProcFile extends InodeFile {
  private text: Uint8Array | null = null;
  constructor(readonly inode: ProcFileInode, flags: number) { super(flags); }

  override get seekable(): boolean { return true; }

  override read(t: Task, dst: Uint8Array, off: number, len: number, pos: number): number {
    const p = pos < 0 ? this.pos : pos;
    if (this.text === null || p === 0) {
      const r = this.inode.gen(t);
      if (typeof r === 'number') return r;
      this.text = typeof r === 'string' ? Buffer.from(r, 'latin1') : r;
    }
    const text = this.text;
    const n = p >= text.length ? 0 : Math.min(len, text.length - p);
    if (n > 0) dst.set(text.subarray(p, p + n), off);
    if (pos < 0) this.pos = p + n;
    return n;
  }

  override write(t: Task, src: Uint8Array, off: number, len: number, _pos: number): number {
    const w = this.inode.opts.write;
    if (w === undefined) return -(this.inode.opts.noWriteErrno ?? EIO);
    return w(t, src.slice(off, off + len));
  }

  /** seq_lseek: SEEK_SET and SEEK_CUR only. */
  override seek(offset: number, whence: number): number { return seekSetCur(this, offset, whence); }
}

/** Formats a number right-aligned in `width` columns (seq_put_decimal_ull_width). */
export function pad(v: number | string, width: number): string {
  const s = String(v);
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}
