// Inodes: the objects a path names (a host file, a proc entry, a device), and
// the superblock of the file system each belongs to. The VFS walks paths over
// inodes (lookup, readlink) and opens them into file descriptions.
import { EINVAL, ENOTDIR } from '../errno';
import { STAT_SIZE, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, statxFromStat } from '../abi/stat';
import { putStatfs, ST_RDONLY } from '../abi/statfs';
import type { Credentials, Task } from '../task';
import type { Dentry } from './dentry';
import type { FileDescription } from './file';

/** One mounted file system: its device number (st_dev), mount id, and whether it is read-only. */
export class Superblock {
  constructor(
    readonly fsType: string,
    /** st_dev of every inode in it (new_encode_dev form). */
    readonly dev: number,
    readonly mntId: number,
    /** Writes give EROFS (the root in this slice; the overlay comes later). */
    readonly readonly: boolean,
    /** f_type for statfs(2). */
    readonly magic = 0,
    /** Mount flags for statfs's f_flags (ST_NOSUID, ST_NODEV, ...; ST_RDONLY follows readonly). */
    readonly mountFlags = 0,
  ) {}
}

/** Who walks a path: the process root (where absolute paths and `..` stop), the task (procfs
 *  answers per process), and the credentials for permission checks (null: all allowed). */
export interface VfsCtx {
  readonly root: Dentry;
  readonly task: Task | null;
  readonly creds: Credentials | null;
}

/** Result of following a magic link (procfs): a dentry, with a reference taken, or -errno. */
export type MagicTarget = Dentry | number;

export abstract class Inode {
  constructor(
    readonly sb: Superblock,
    public ino: number,
    /** Type and permission bits, as st_mode. */
    public mode: number,
    public uid = 0,
    public gid = 0,
  ) {}

  get isDir(): boolean { return (this.mode & S_IFMT) === S_IFDIR; }
  get isSymlink(): boolean { return (this.mode & S_IFMT) === S_IFLNK; }
  get isReg(): boolean { return (this.mode & S_IFMT) === S_IFREG; }

  /** May the dentry layer keep this inode in its cache? (per-process proc entries may not) */
  get cacheable(): boolean { return true; }

  /** Looks up a child of a directory: a new inode or -errno (ENOENT when absent). */
  lookup(_ctx: VfsCtx, _name: string): Inode | number { return -ENOTDIR; }

  /** A symlink's target; EINVAL for anything else (what readlink(2) gives). */
  readlink(_ctx: VfsCtx): string | number { return -EINVAL; }

  /** For magic links (procfs's exe, cwd, fd/N): where following leads, bypassing the target's
   *  text. null for an ordinary symlink. */
  followMagic(_ctx: VfsCtx): MagicTarget | null { return null; }

  /** Opens the inode (the VFS has checked type and permissions and attaches the dentry);
   *  a new file description or -errno. */
  abstract open(ctx: VfsCtx, dentry: Dentry, flags: number): FileDescription | number;

  /** Fills a struct stat (144 bytes) at dv[off]; 0 or -errno. */
  abstract stat(dv: DataView, off: number): number;

  /** Fills a struct statx (256 bytes) at dv[off]. The default derives it from stat(). */
  statx(dv: DataView, off: number, _mask: number, _flags: number): number {
    const r = this.stat(statScratchDv, 0);
    if (r < 0) return r;
    statxFromStat(statScratchDv, 0, dv, off, this.sb.mntId);
    return 0;
  }

  /** Fills a struct statfs (120 bytes) for the file system this inode is in. */
  statfs(dv: DataView, off: number): number {
    const sb = this.sb;
    putStatfs(dv, off, sb.magic, sb.dev, sb.mountFlags | (sb.readonly ? ST_RDONLY : 0));
    return 0;
  }

  /** Called when the last dentry for this inode goes (close host fds here). */
  release(): void {}
}

const statScratch = new Uint8Array(STAT_SIZE);
const statScratchDv = new DataView(statScratch.buffer);

/** Device numbers for tsvisor's own file systems (major 0, like Linux's anonymous devices). */
let nextAnonMinor = 0x20;
export function allocAnonDev(): number { return nextAnonMinor++; }
let nextMntId = 1;
export function allocMntId(): number { return nextMntId++; }
