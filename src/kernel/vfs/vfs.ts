// The VFS of one sandbox: the tree (hostfs at /, procfs at /proc, devfs at
// /dev), the dentry cache, and the open worker every open-like call goes
// through (open, openat, openat2, creat, execve's open, /proc/self/fd reopens).
import { EACCES, EEXIST, EISDIR, ELOOP, ENOENT, ENOTDIR, EROFS } from '../errno';
import {
  O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_LARGEFILE, O_NOCTTY, O_NOFOLLOW, O_PATH, O_RDONLY,
  O_TRUNC, __O_TMPFILE,
} from '../abi/fcntl';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../abi/stat';
import { Dentry, DentryCache } from './dentry';
import { PathFile, type FileDescription } from './file';
import { FsContext } from './fs_context';
import { HostFs } from './hostfs';
import { makeStdioFile } from './host_stdio';
import { allocAnonDev, allocMntId, Superblock, type Inode, type VfsCtx } from './inode';
import { ANON_INODE_FS_MAGIC } from '../abi/statfs';
import { LAST_NORM, LOOKUP_DIRECTORY, LOOKUP_FOLLOW, walk, walkParent } from './namei';
import { MAY_EXEC, MAY_READ, MAY_WRITE, modePermission, permission } from './perm';
import { makeDevfs } from './devfs';
import { makeProcfs } from './procfs';

export interface VfsOptions {
  /** The host directory that is the sandbox's root. */
  rootDir: string;
  /** Unreferenced dentries kept (each holds a host fd for hostfs); default 256. */
  dentryCacheSize?: number;
}

/** Linux's ACC_MODE: what an open's access mode asks (O_RDWR|O_WRONLY asks both). */
export function accMode(flags: number): number {
  const acc = flags & O_ACCMODE;
  let m = acc === O_RDONLY ? MAY_READ : acc === 1 ? MAY_WRITE : MAY_READ | MAY_WRITE;
  if (flags & O_TRUNC) m |= MAY_WRITE;
  return m;
}

/** Flags only the open itself uses; F_GETFL never shows them. */
const OPEN_ONLY = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

export class Vfs {
  readonly cache: DentryCache;
  readonly hostfs: HostFs;
  /** The root of the tree (pinned). */
  readonly root: Dentry;
  /** Where anonymous files live (host stdio now; pipes and sockets later). */
  readonly anonSb = new Superblock('anon_inodefs', allocAnonDev(), allocMntId(), false, ANON_INODE_FS_MAGIC);

  constructor(opts: VfsOptions) {
    this.cache = new DentryCache(opts.dentryCacheSize ?? 256);
    this.hostfs = new HostFs(opts.rootDir);
    this.root = new Dentry(this.cache, '/', null, this.hostfs.root);
    this.root.get(); // pinned
    this.root.pinChild(new Dentry(this.cache, 'proc', this.root, makeProcfs()));
    this.root.pinChild(new Dentry(this.cache, 'dev', this.root, makeDevfs()));
  }

  /** A file-system context for the init process: root and cwd at "/". */
  newFsContext(): FsContext { return new FsContext(this, this.root, this.root); }

  /**
   * Opens path for the ELF loader: a regular file the caller may execute. Returns the file and
   * its absolute guest path (symlinks resolved: what /proc/self/exe shows), or -errno (ENOENT,
   * EACCES for a directory or a file without execute permission, ...).
   */
  openExec(fs: FsContext, path: string, ctx: VfsCtx = fs.ctx(null)): { file: FileDescription; path: string } | number {
    const d = walk(ctx, fs.cwd, path, LOOKUP_FOLLOW);
    if (typeof d === 'number') return d;
    if ((d.inode.mode & S_IFMT) !== S_IFREG) { d.put(); return -EACCES; }
    const e = permission(d.inode, ctx.creds, MAY_EXEC);
    if (e < 0) { d.put(); return e; }
    const p = d.path(ctx.root);
    const file = this.openDentry(ctx, d, O_RDONLY | O_LARGEFILE);
    if (typeof file === 'number') return file;
    return { file, path: p };
  }

  /** Wraps one of tsvisor's own host fds for the init process's stdio. `flags` is the access
   *  mode to use when the host cannot tell (F_GETFL fails). */
  stdioFile(hostFd: number, flags?: number): FileDescription {
    return makeStdioFile(this.anonSb, hostFd, flags);
  }

  /**
   * The open worker (do_filp_open): flags are already validated by the syscall (see
   * fs_open.ts); mode is the creation mode. resolve: openat2's RESOLVE_* flags.
   */
  open(ctx: VfsCtx, start: Dentry, path: string, flags: number, _mode: number, resolve = 0): FileDescription | number {
    let d: Dentry;
    if (flags & __O_TMPFILE) {
      const r = walk(ctx, start, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, resolve);
      if (typeof r === 'number') return r;
      const e = this.createError(ctx, r);
      r.put();
      return e;
    }
    if (flags & O_CREAT) {
      const excl = (flags & O_EXCL) !== 0;
      const r = walk(ctx, start, path, excl ? 0 : LOOKUP_FOLLOW, resolve);
      if (r === -ENOENT) {
        // Absent: creating it is what the call asks, if its directory exists.
        const p = walkParent(ctx, start, path, resolve);
        if (typeof p === 'number') return p;
        let e: number;
        if (p.type !== LAST_NORM || p.trailingSlash) e = -EISDIR;
        else e = this.createError(ctx, p.dir);
        p.dir.put();
        return e;
      }
      if (typeof r === 'number') return r;
      if (excl) { r.put(); return -EEXIST; }
      if (r.inode.isDir) { r.put(); return -EISDIR; }
      d = r;
    } else {
      const lf = (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) | (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0);
      const r = walk(ctx, start, path, lf, resolve);
      if (typeof r === 'number') return r;
      d = r;
    }
    return this.openDentry(ctx, d, flags);
  }

  /** Why a file cannot be created in dir: search permission first, then the read-only file
   *  system (EROFS), else no file system here creates files yet (EACCES). */
  private createError(ctx: VfsCtx, dir: Dentry): number {
    const i = dir.inode;
    if (modePermission(i.mode, i.uid, i.gid, ctx.creds, MAY_EXEC) < 0) return -EACCES;
    return i.sb.readonly ? -EROFS : -EACCES;
  }

  /**
   * Opens a looked-up dentry (may_open, then the inode's open); takes over the caller's
   * reference on d (kept by the file, or dropped on failure).
   */
  openDentry(ctx: VfsCtx, d: Dentry, flags: number): FileDescription | number {
    const inode: Inode = d.inode;
    if (flags & O_PATH) {
      if ((flags & O_DIRECTORY) && !inode.isDir) { d.put(); return -ENOTDIR; }
      const f = new PathFile(flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW));
      f.dentry = d;
      return f;
    }
    const type = inode.mode & S_IFMT;
    const acc = accMode(flags);
    let e = 0;
    if ((flags & O_DIRECTORY) && type !== S_IFDIR) e = -ENOTDIR;
    else if (type === S_IFLNK) e = -ELOOP;
    else if (type === S_IFDIR && (acc & MAY_WRITE)) e = -EISDIR;
    else e = permission(inode, ctx.creds, acc);
    if (e < 0) { d.put(); return e; }
    const f = inode.open(ctx, d, flags & ~OPEN_ONLY);
    if (typeof f === 'number') { d.put(); return f; }
    f.dentry = d;
    return f;
  }

  /** Drops every cached dentry and closes the root's host fd (tests; sandbox shutdown). The
   *  tree must not be used afterwards. */
  destroy(): void {
    this.cache.clear();
    this.hostfs.root.release();
  }
}

export { FsContext };
