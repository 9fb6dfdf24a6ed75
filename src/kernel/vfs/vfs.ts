// The VFS of one sandbox: the mount tree (the root: an overlay over the host
// directory by default, or the host directory read-only or writable; procfs at
// /proc, devfs at /dev, sysfs at /sys, tmpfs at /tmp and /dev/shm, mqueue at
// /dev/mqueue, and the
// --mount binds and tmpfs), the dentry cache, and the open worker every
// open-like call goes through (open, openat, openat2, creat, execve's open,
// /proc/self/fd reopens).
import { EACCES, EEXIST, EISDIR, ELOOP, ENOENT, ENOTDIR, EPERM, EROFS } from '../errno';
import {
  O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_LARGEFILE, O_NOCTTY, O_NOFOLLOW, O_PATH, O_RDONLY,
  O_TRUNC, __O_TMPFILE,
} from '../abi/fcntl';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../abi/stat';
import { Dentry, DentryCache } from './dentry';
import { PathFile, type FileDescription } from './file';
import { FsContext } from './fs_context';
import { HostFs } from './hostfs';
import { IDENTITY_MAPS, type IdMaps } from '../idmap';
import { makeStdioFile } from './host_stdio';
import { allocAnonDev, allocMntId, Superblock, type Inode, type VfsCtx } from './inode';
import { ANON_INODE_FS_MAGIC } from '../abi/statfs';
import { LAST_NORM, LOOKUP_DIRECTORY, LOOKUP_FOLLOW, lookupChild, walk, walkParent } from './namei';
import { MAXSYMLINKS, RESOLVE_NO_SYMLINKS } from '../abi/fcntl';
import { MAY_EXEC, MAY_READ, MAY_WRITE, permission } from './perm';
import { makeDevfs } from './devfs';
import { makeProcfs } from './procfs';
import { MountTable, type Mount } from './mount';
import { OvlInode, Overlay } from './overlay';
import { Tmpfs, type FrameStore } from './tmpfs';
import { makeSysfs } from './sysfs';
import { MqueueFs } from './mqueue';
import { makeCgroupfs, type CgroupSource } from './cgroupfs';
import { DevptsRoot } from '../tty/devpts';
import { MemoryFile } from '../mm/memory_file';
import { createIn, truncateInode, vfsCreate, vfsTmpfile } from './vfs_ops';

/** How the root directory is used: an in-memory overlay over it (the default of `tsvisor
 *  run`), read-only, or written through (--rootfs-writable). */
export type RootMode = 'overlay' | 'readonly' | 'writable';

/** A --mount: a host directory or regular file (read-only or not) or a fresh tmpfs at a guest path. */
export interface MountSpec {
  kind: 'bind' | 'tmpfs';
  /** The host directory or regular file of a bind mount. */
  source?: string;
  /** The guest path (absolute). */
  target: string;
  readonly?: boolean;
}

export interface VfsOptions {
  /** The host directory that is the sandbox's root. */
  rootDir: string;
  /** Unreferenced dentries kept (each holds a host fd for hostfs); default 256. */
  dentryCacheSize?: number;
  /** Default 'readonly' (the kernel's own tests); the CLI passes 'overlay' unless told. */
  rootMode?: RootMode;
  /** Extra mounts, in order. */
  mounts?: MountSpec[];
  /** Where tmpfs and overlay data live: the sandbox MemoryFile (a private one of 256 MiB when
   *  absent, for tests of the VFS alone). */
  mem?: FrameStore;
  /** When set, a read-only cgroup v2 file system describing the sandbox is mounted at
   *  /sys/fs/cgroup (an OCI cgroup mount). */
  cgroup?: CgroupSource;
  /** The sandbox's uid and gid maps (OCI linux.uidMappings/gidMappings): owners of host files
   *  are shown and set through them. Default: the identity. */
  ids?: IdMaps;
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
  /** The sandbox's uid and gid maps (the identity unless the OCI config gives mappings). */
  readonly ids: IdMaps;
  /** The overlay at / (rootMode 'overlay'), else null. */
  readonly overlay: Overlay | null = null;
  /** The root of the tree (pinned). */
  readonly root: Dentry;
  /** Every mount (vfs.mounts.list(root) for /proc/self/mounts and mountinfo; see mount.ts). */
  readonly mounts = new MountTable();
  readonly mem: FrameStore;
  private readonly ownMem: boolean;
  /** The POSIX message queues of the sandbox (mq_open, /dev/mqueue). */
  readonly mqueue = new MqueueFs();
  /** The queue directory as mq_open and mq_unlink walk it (Linux's internal mq_mnt); pinned. */
  readonly mqueueRoot: Dentry;
  /** Where anonymous files live (host stdio now; pipes and sockets later). */
  readonly anonSb = new Superblock('anon_inodefs', allocAnonDev(), allocMntId(), false, ANON_INODE_FS_MAGIC);

  constructor(opts: VfsOptions) {
    this.cache = new DentryCache(opts.dentryCacheSize ?? 256);
    this.ownMem = opts.mem === undefined;
    this.mem = opts.mem ?? new MemoryFile(256 * 1024 * 1024);
    const mode = opts.rootMode ?? 'readonly';
    this.ids = opts.ids ?? IDENTITY_MAPS;
    this.hostfs = new HostFs(opts.rootDir, mode === 'writable', false, this.ids);
    let rootInode: Inode = this.hostfs.root;
    if (mode === 'overlay') {
      this.overlay = new Overlay(this.hostfs, this.mem);
      rootInode = this.overlay.root;
    }
    this.root = new Dentry(this.cache, '/', null, rootInode);
    this.root.get(); // pinned
    this.mounts.setRoot(this.root, rootInode.sb, mode === 'overlay' ? 'overlay' : opts.rootDir,
      mode === 'readonly' ? 'ro,relatime' : 'rw,relatime');
    // Mount points the root directory lacks are made in the overlay (so listings of / show
    // them, as Linux requires them to exist); a read-only or written-through root is left as is.
    if (mode === 'overlay') for (const n of ['proc', 'dev', 'sys', 'tmp']) this.ensureDir(this.root, n);
    const procfs = makeProcfs();
    this.mountInode(this.root, 'proc', procfs, 'proc', 'rw,nosuid,nodev,noexec,relatime');
    const devfs = makeDevfs();
    const dev = this.mountInode(this.root, 'dev', devfs, 'none', 'rw,nosuid,relatime', 'rw,mode=755');
    this.mountInode(dev.root, 'pts', new DevptsRoot(), 'devpts', 'rw,nosuid,noexec,relatime',
      'rw,gid=5,mode=620,ptmxmode=666');
    const sys = this.mountInode(this.root, 'sys', makeSysfs(), 'sysfs', 'ro,nosuid,nodev,noexec,relatime');
    if (opts.cgroup !== undefined) {
      const fsDir = lookupChild({ root: this.root, task: null, creds: null }, sys.root, 'fs');
      if (typeof fsDir === 'number') throw new Error('sysfs has no /sys/fs');
      fsDir.get(); // pinned: the mount hangs in its name map
      this.mountInode(fsDir, 'cgroup', makeCgroupfs(opts.cgroup), 'cgroup2', 'ro,nosuid,nodev,noexec,relatime');
    }
    this.mountTmpfs(this.root, 'tmp', 'rw,nosuid,nodev', 0o1777);
    this.mountTmpfs(dev.root, 'shm', 'rw,nosuid,nodev', 0o1777);
    // The sandbox's POSIX message queues (one IPC namespace): mq_open's internal root, and the
    // same file system at /dev/mqueue, as container runtimes mount it.
    this.mqueueRoot = new Dentry(null, '/', null, this.mqueue.root).get();
    this.mountInode(dev.root, 'mqueue', this.mqueue.root, 'mqueue', 'rw,nosuid,nodev,noexec,relatime');
    for (const m of opts.mounts ?? []) this.addMount(m);
  }

  /** Makes dir/name a directory (0755) unless something is there already. */
  private ensureDir(dir: Dentry, name: string): void {
    const ctx: VfsCtx = { root: this.root, task: null, creds: null };
    if (lookupChild(ctx, dir, name) !== -ENOENT) return;
    // Not a change the program made: the directory's times stay the host's.
    const up = dir.inode instanceof OvlInode ? dir.inode.upper : null;
    const t = up !== null ? [up.mtimeSec, up.mtimeNsec, up.ctimeSec, up.ctimeNsec] : null;
    const d = createIn(ctx, dir, name, S_IFDIR | 0o755, 0, null);
    if (typeof d !== 'number') d.put();
    if (up !== null && t !== null) [up.mtimeSec, up.mtimeNsec, up.ctimeSec, up.ctimeNsec] = t as [number, number, number, number];
  }

  /** Is path (absolute, symlinks followed) a directory in the sandbox's tree? */
  isDirectory(path: string): boolean {
    const d = walk({ root: this.root, task: null, creds: null }, this.root, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (typeof d === 'number') return false;
    d.put();
    return true;
  }

  private memfds: Tmpfs | null = null;
  /** The internal tmpfs memfd_create's files live in (never mounted). */
  memfdFs(): Tmpfs {
    if (this.memfds === null) this.memfds = new Tmpfs(this.mem, { rootMode: 0o1777 });
    return this.memfds;
  }

  /** Mounts a file system's root inode at parent/name. */
  mountInode(parent: Dentry, name: string, inode: Inode, source: string, options: string, superOptions = options): Mount {
    return this.mounts.graft(parent, name, (p, n) => new Dentry(this.cache, n, p, inode), inode.sb, source, options, superOptions);
  }

  private mountTmpfs(parent: Dentry, name: string, options: string, mode: number): Mount {
    // Half the sandbox memory, as Linux's tmpfs default (size=50%): a full /tmp gives ENOSPC
    // before the programs themselves run out of memory.
    const size = Math.floor(this.mem.size / 2 / 4096) * 4096;
    const fs = new Tmpfs(this.mem, { rootMode: mode, maxBytes: size });
    return this.mountInode(parent, name, fs.root, 'tmpfs', options, `${options},size=${size / 1024}k,inode64`);
  }

  /** A --mount: resolves the guest path's parent inside the tree (making the directory in the
   *  overlay when it is missing) and mounts there. A bind of a regular file goes over a file
   *  (made empty when the root lacks it, as runc makes it). Throws with a message for the user. */
  addMount(m: MountSpec): void {
    const ctx: VfsCtx = { root: this.root, task: null, creds: null };
    const target = m.target.replace(/\/+$/, '');
    if (!target.startsWith('/') || target === '') throw new Error(`--mount: ${m.target}: the guest path must be absolute and not /`);
    // The source is opened (and its type read) first: a source that cannot be served changes nothing.
    const bind = m.kind === 'bind' ? HostFs.bindSource(m.source!, !m.readonly, this.ids) : null;
    const wantDir = bind === null || bind.root.isDir;
    // Missing parents are made (mkdir -p), as runsc makes mount points.
    const parts = target.split('/').filter((x) => x.length > 0);
    for (let i = 1; i < parts.length; i++) {
      const sub = '/' + parts.slice(0, i).join('/');
      const have = walk(ctx, this.root, sub, LOOKUP_FOLLOW);
      if (typeof have !== 'number') { have.put(); continue; }
      const pp = walkParent(ctx, this.root, sub);
      if (typeof pp === 'number') break;
      const d = createIn(ctx, pp.dir, pp.last, S_IFDIR | 0o755, 0, null);
      pp.dir.put();
      if (typeof d !== 'number') d.put();
    }
    const p = walkParent(ctx, this.root, target);
    if (typeof p === 'number') throw new Error(`--mount: ${m.target}: its parent directory is not in the sandbox (errno ${-p})`);
    try {
      if (p.type !== LAST_NORM) throw new Error(`--mount: ${m.target}: not a ${wantDir ? 'directory' : 'file'} name`);
      const existing = walk(ctx, this.root, target, LOOKUP_FOLLOW);
      if (typeof existing === 'number') {
        const d = createIn(ctx, p.dir, p.last, wantDir ? S_IFDIR | 0o755 : S_IFREG | 0o644, 0, null);
        // A read-only root, or one of tsvisor's own file systems (devfs: /dev/termination-log),
        // cannot take the mount point (runc makes it before the root turns read-only): the mount
        // is grafted on the name alone, reachable by path, though the directory's listing does
        // not show it.
        if (d === -EROFS || d === -EPERM) { /* grafted below */ } else if (typeof d === 'number') {
          throw new Error(`--mount: ${m.target}: no such ${wantDir ? 'directory' : 'file'} in the root, and it cannot be made there (errno ${-d})`);
        } else d.put();
      } else {
        const isDir = existing.inode.isDir;
        existing.put();
        // As mount(2): a directory goes over a directory, a file over a non-directory.
        if (wantDir && !isDir) throw new Error(`--mount: ${m.target}: not a directory`);
        if (!wantDir && isDir) throw new Error(`--mount: ${m.target}: is a directory, and the source ${m.source} is a file`);
      }
      if (bind === null) {
        this.mountTmpfs(p.dir, p.last, 'rw,nosuid,nodev', 0o1777);
      } else {
        this.mountInode(p.dir, p.last, bind.root, m.source!, m.readonly ? 'ro,relatime' : 'rw,relatime');
      }
    } catch (e) {
      bind?.root.release();
      throw e;
    } finally {
      p.dir.put();
    }
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
  open(ctx: VfsCtx, start: Dentry, path: string, flags: number, mode: number, resolve = 0): FileDescription | number {
    let d: Dentry;
    if (flags & __O_TMPFILE) {
      const r = walk(ctx, start, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, resolve);
      if (typeof r === 'number') return r;
      const t = vfsTmpfile(ctx, r, S_IFREG | mode);
      r.put();
      if (typeof t === 'number') return t;
      return this.openDentry(ctx, t, flags & ~(__O_TMPFILE | O_DIRECTORY), true);
    }
    if (flags & O_CREAT) {
      // A trailing slash with O_CREAT is EISDIR once the parent resolves (open_last_lookups).
      if (path.charCodeAt(path.length - 1) === 47) {
        const p = walkParent(ctx, start, path, resolve);
        if (typeof p === 'number') return p;
        p.dir.put();
        return -EISDIR;
      }
      const excl = (flags & O_EXCL) !== 0;
      const r = walk(ctx, start, path, excl ? 0 : LOOKUP_FOLLOW, resolve);
      if (r === -ENOENT) {
        // Absent: creating it is what the call asks, if its directory exists. A dangling
        // symlink in the last place is followed and its target made (without O_EXCL), as Linux.
        let at = start.get(), target = path;
        for (let links = 0; ; links++) {
          const p = walkParent(ctx, at, target, resolve);
          at.put();
          if (typeof p === 'number') return p;
          let c: Dentry | number;
          if (p.type !== LAST_NORM || p.trailingSlash) c = -EISDIR;
          else {
            const link = excl || (flags & O_NOFOLLOW) ? null : lookupChild(ctx, p.dir, p.last);
            if (link !== null && typeof link !== 'number' && link.inode.isSymlink && (resolve & RESOLVE_NO_SYMLINKS) === 0) {
              const t = link.inode.readlink(ctx);
              if (typeof t === 'number' || t.length === 0 || links >= MAXSYMLINKS) {
                p.dir.put();
                return typeof t === 'number' ? t : t.length === 0 ? -ENOENT : -ELOOP;
              }
              at = t.charCodeAt(0) === 47 ? ctx.root.get() : p.dir;
              if (at !== p.dir) p.dir.put();
              target = t;
              continue;
            }
            c = vfsCreate(ctx, p, S_IFREG | mode, 0, null);
          }
          p.dir.put();
          if (typeof c === 'number') return c;
          return this.openDentry(ctx, c, flags, true);
        }
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


  /**
   * Opens a looked-up dentry (may_open, then the inode's open); takes over the caller's
   * reference on d (kept by the file, or dropped on failure).
   */
  openDentry(ctx: VfsCtx, d: Dentry, flags: number, created = false): FileDescription | number {
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
    else if (!created) e = permission(inode, ctx.creds, acc);
    if (e < 0) { d.put(); return e; }
    // O_NOCTTY reaches the open (a terminal may become the controlling one), never F_GETFL.
    const f = inode.open(ctx, d, flags & ~(OPEN_ONLY & ~O_NOCTTY));
    if (typeof f === 'number') { d.put(); return f; }
    f.flags &= ~O_NOCTTY;
    f.dentry = d;
    // O_TRUNC empties a regular file opened with write access (handle_truncate).
    // (Not for host stdio reopened through /proc/self/fd: tsvisor does not truncate those.)
    if ((flags & O_TRUNC) && !created && type === S_IFREG && (acc & MAY_WRITE) && inode.sb !== this.anonSb) {
      const r = truncateInode(d, d.inode, 0);
      if (r < 0) { f.release(); return r; }
    }
    return f;
  }

  /** Drops every cached dentry and closes the root's host fd (tests; sandbox shutdown). The
   *  tree must not be used afterwards. */
  destroy(): void {
    this.cache.clear();
    this.hostfs.root.release();
    if (this.mem instanceof MemoryFile && this.ownMem) this.mem.close();
  }
}

export { FsContext };
