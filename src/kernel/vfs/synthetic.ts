// Building blocks for tsvisor's own file systems (procfs, devfs): directories
// whose entries are computed, symlinks whose targets are computed, and the
// directory file that lists them with getdents64.
import { EINVAL, EISDIR, ENOENT } from '../errno';
import { DT_DIR, S_IFDIR, S_IFLNK, StatFields, dtype } from '../abi/stat';
import { putDirent64 } from '../abi/dirent';
import type { Task } from '../task';
import type { Dentry } from './dentry';
import { InodeFile, type FileDescription, seekSetCur } from './file';
import { Inode, type Superblock, type VfsCtx } from './inode';

/** One directory entry as getdents shows it. */
export interface DirEnt { readonly name: string; readonly ino: number; readonly mode: number }

/** Time stamps of synthetic inodes: when the file system was made. */
const bootSec = Math.floor(Date.now() / 1000);

const fields = new StatFields();

/** Fills a struct stat for a synthetic inode. */
export function synthStat(inode: Inode, dv: DataView, off: number, size = 0, rdev = 0, nlink = 1): number {
  fields.dev = inode.sb.dev;
  fields.ino = inode.ino;
  fields.mode = inode.mode;
  fields.nlink = nlink;
  fields.uid = inode.uid;
  fields.gid = inode.gid;
  fields.rdev = rdev;
  fields.size = size;
  fields.blksize = 4096;
  fields.blocks = 0;
  fields.setTimes(bootSec, 0);
  fields.encode(dv, off);
  return 0;
}

export abstract class SynthDirInode extends Inode {
  constructor(sb: Superblock, ino: number, perm = 0o555) { super(sb, ino, S_IFDIR | perm); }

  /** The entries besides . and .. (computed on each listing). */
  abstract entries(ctx: Task | null): DirEnt[];
  abstract override lookup(ctx: VfsCtx, name: string): Inode | number;

  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    return new SynthDirFile(flags);
  }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, 0, 0, 2); }
}

/** A directory with a fixed set of children, added at start (devfs, the proc root's static part). */
export class StaticDirInode extends SynthDirInode {
  readonly children = new Map<string, Inode>();
  constructor(sb: Superblock, ino: number, perm = 0o755) { super(sb, ino, perm); }
  add(name: string, inode: Inode): void { this.children.set(name, inode); }
  override entries(): DirEnt[] {
    const out: DirEnt[] = [];
    for (const [name, i] of this.children) out.push({ name, ino: i.ino, mode: i.mode });
    return out;
  }
  override lookup(_ctx: VfsCtx, name: string): Inode | number { return this.children.get(name) ?? -ENOENT; }
}

/** A symlink whose target is computed when read. */
export class SynthLinkInode extends Inode {
  constructor(sb: Superblock, ino: number, private readonly target: (ctx: VfsCtx) => string | number) {
    super(sb, ino, S_IFLNK | 0o777);
  }
  override readlink(ctx: VfsCtx): string | number { return this.target(ctx); }
  override open(): FileDescription | number { return -EINVAL; }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, 0); }
}

/** A synthetic directory open for getdents64: the position is an index into its listing
 *  (0 is ".", 1 is "..", then the entries), and each record's d_off is the next index. */
export class SynthDirFile extends InodeFile {
  override get seekable(): boolean { return true; }
  override read(): number { return -EISDIR; }

  override getdents64(t: Task, dst: Uint8Array, off: number, len: number): number {
    const d = this.dentry;
    if (d === null) return -EINVAL;
    const dir = d.inode as SynthDirInode;
    const parentIno = d.parent !== null ? d.parent.inode.ino : dir.ino;
    const list = dir.entries(t);
    const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
    let p = off;
    for (;;) {
      const i = this.pos;
      if (i >= list.length + 2) break;
      const e = i === 0 ? null : i === 1 ? null : list[i - 2]!;
      const name = i === 0 ? '.' : i === 1 ? '..' : e!.name;
      const ino = i === 0 ? dir.ino : i === 1 ? parentIno : e!.ino;
      const type = e === null ? DT_DIR : dtype(e.mode);
      const n = putDirent64(dst, dv, p, off + len - p, ino, i + 1, type, name);
      if (n === 0) {
        if (p === off) return -EINVAL; // not even one record fits
        break;
      }
      p += n;
      this.pos = i + 1;
    }
    return p - off;
  }

  override seek(offset: number, whence: number): number { return seekSetCur(this, offset, whence); }
}
