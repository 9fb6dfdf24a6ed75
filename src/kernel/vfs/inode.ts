// Inodes: the objects a path names (a host file, a proc entry, a device), and
// the superblock of the file system each belongs to. The VFS walks paths over
// inodes (lookup, readlink) and opens them into file descriptions.
import { EINVAL, ENODATA, ENOTDIR, EOPNOTSUPP, EPERM, EROFS } from '../errno';
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

/** An attribute change (notify_change's struct iattr): the fields named in `mask` apply.
 *  Times are [seconds, nanoseconds] already resolved (UTIME_NOW done by the caller). */
export const ATTR_MODE = 1, ATTR_UID = 2, ATTR_GID = 4, ATTR_SIZE = 8, ATTR_ATIME = 16, ATTR_MTIME = 32,
  ATTR_CTIME = 64;
export class AttrChange {
  mask = 0;
  mode = 0; uid = 0; gid = 0; size = 0;
  atimeSec = 0; atimeNsec = 0; mtimeSec = 0; mtimeNsec = 0;
}

/** renameat2 flags the file systems see. */
export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

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

  /** The owner for permission checks: -1 where the owner has no id inside the sandbox (a host
   *  owner outside its id maps, shown as the overflow id), which is no one's and withholds the
   *  capability overrides (capable_wrt_inode_uidgid). */
  permUid(): number { return this.uid; }
  permGid(): number { return this.gid; }

  get isDir(): boolean { return (this.mode & S_IFMT) === S_IFDIR; }
  get isSymlink(): boolean { return (this.mode & S_IFMT) === S_IFLNK; }
  get isReg(): boolean { return (this.mode & S_IFMT) === S_IFREG; }

  /** May the dentry layer keep this inode in its cache? (per-process proc entries may not) */
  get cacheable(): boolean { return true; }

  /** Is a cached dentry of this inode still right? (d_revalidate: file systems that others
   *  change, such as bind-mounted host directories, check their name again) */
  revalidate(): boolean { return true; }

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

  // ---- changing the tree. The VFS (vfs_ops.ts) has resolved the names, checked permissions,
  // types, mount points and sticky bits; `dir` is this directory's dentry. Defaults: what a
  // file system without the operation gives (EROFS when read-only, else EPERM).

  /** The error a change on a file system without the operation gives. */
  protected cannot(): number { return this.sb.readonly ? -EROFS : -EPERM; }

  /** Creates `name` in this directory: a regular file, directory, FIFO, socket or device node
   *  (mode's type bits), or a symlink (S_IFLNK, with `target`). The new inode, or -errno. */
  create(_dir: Dentry, _name: string, _mode: number, _uid: number, _gid: number, _rdev: number,
    _target: string | null): Inode | number { return this.cannot(); }
  /** An unnamed regular file in this directory (O_TMPFILE). */
  tmpfile(_dir: Dentry, _mode: number, _uid: number, _gid: number): Inode | number { return this.cannot(); }
  /** Adds a hard link `name` to old's inode. */
  link(_dir: Dentry, _name: string, _old: Dentry): number { return this.cannot(); }
  /** Removes the non-directory `victim` named `name`. */
  unlink(_dir: Dentry, _name: string, _victim: Dentry): number { return this.cannot(); }
  /** Removes the directory `victim` named `name` (ENOTEMPTY unless empty). */
  rmdir(_dir: Dentry, _name: string, _victim: Dentry): number { return this.cannot(); }
  /** Moves oldName (`src`) from this directory to newDir/newName (`target`, null when absent);
   *  flags: RENAME_NOREPLACE / RENAME_EXCHANGE. Same file system (the VFS checked). */
  rename(_dir: Dentry, _oldName: string, _src: Dentry, _newDir: Dentry, _newName: string, _target: Dentry | null,
    _flags: number): number { return this.cannot(); }
  /** chmod, chown, utimes, truncate. `d` is this inode's dentry (overlay copies up through it). */
  setattr(_d: Dentry | null, a: AttrChange): number {
    // Times on tsvisor's own synthetic files (devfs, procfs) are not kept: setting them
    // succeeds and changes nothing, as touching /dev/null does on Linux.
    if (!this.sb.readonly && (a.mask & ~(ATTR_ATIME | ATTR_MTIME | ATTR_CTIME)) === 0) return 0;
    return this.cannot();
  }
  /** Extended attributes: the value, or -errno (ENODATA when absent). */
  getxattr(_name: string): Uint8Array | number { return -ENODATA; }
  setxattr(_d: Dentry | null, _name: string, _value: Uint8Array, _flags: number): number {
    return this.sb.readonly ? -EROFS : -EOPNOTSUPP;
  }
  listxattr(): string[] | number { return []; }
  removexattr(_d: Dentry | null, _name: string): number { return this.sb.readonly ? -EROFS : -EOPNOTSUPP; }
}

const statScratch = new Uint8Array(STAT_SIZE);
const statScratchDv = new DataView(statScratch.buffer);

/** Device numbers for tsvisor's own file systems (major 0, like Linux's anonymous devices). */
let nextAnonMinor = 0x20;
export function allocAnonDev(): number { return nextAnonMinor++; }
let nextMntId = 1;
export function allocMntId(): number { return nextMntId++; }
