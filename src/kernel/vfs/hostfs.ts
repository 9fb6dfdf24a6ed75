// hostfs: a host directory (the sandbox root, or a --mount bind), read-only,
// or written through when configured (--rootfs-writable, a read-write bind); or
// one regular host file (a file bind mount: its root inode is that file).
//
// Every lookup opens exactly one component relative to its directory's O_PATH fd
// with openat2(O_PATH|O_NOFOLLOW, RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|
// RESOLVE_NO_MAGICLINKS|RESOLVE_NO_XDEV): the host never follows a link or a
// `..` for us, and never crosses into another host mount (a host mount point
// inside the root reads as EACCES). Symlinks are read with readlinkat and
// resolved by the VFS (namei.ts) inside the sandbox root. Changes are single
// *at calls on a walked directory fd and one name, or act on an inode's own
// O_PATH fd (AT_EMPTY_PATH, or a reopen through /proc/self/fd); writes go from
// guest memory straight into the host file (pwrite).
//
// Host device nodes, FIFOs and sockets are stat'ed but never opened on the host:
// opening one gives EACCES for device nodes (as on a nodev mount) and ENXIO for
// FIFOs and sockets (what Linux gives for a socket; a FIFO would need a host
// open that can block). O_PATH opens of them work (they need no host open).
//
// Each cached inode holds one O_PATH fd (closed on release); an open file holds
// one more, opened by name from the parent directory's fd and checked to be the
// same inode (dev, ino) as the one looked up.
import { host, hostWrite, type PathArg } from '../../native';
import { EACCES, EINVAL, EIO, EISDIR, ELOOP, ENAMETOOLONG, ENOTDIR, ENXIO, EOVERFLOW, EPERM, EROFS, ESTALE, EXDEV } from '../errno';
import { IDENTITY_MAPS, type IdMaps } from '../idmap';
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_STATX_SYNC_TYPE, AT_SYMLINK_NOFOLLOW, FIONREAD, O_ACCMODE, O_APPEND, O_CLOEXEC,
  O_CREAT, O_DIRECTORY, O_EXCL, O_WRONLY,
  O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY, PATH_MAX, RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS,
  RESOLVE_NO_SYMLINKS, RESOLVE_NO_XDEV, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_HOLE, SEEK_SET,
} from '../abi/fcntl';
import {
  STAT_SIZE, ST_GID, ST_UID, STATX_MNT_ID, STATX_MNT_ID_UNIQUE, STATX_SUBVOL, STX_DEV_MAJOR, STX_DEV_MINOR,
  STX_GID, STX_MASK, STX_MNT_ID, STX_SUBVOL, STX_UID, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK,
  devMajor, devMinor, setStatDev, statDev, statGid, statIno, statMode, statSize, statUid,
} from '../abi/stat';
import { setU64 } from '../../platform/u64';
import { D64_NAME, D_INO, D_RECLEN } from '../abi/dirent';
import { F_FLAGS, F_FSID, OVERLAYFS_SUPER_MAGIC, ST_NODEV, ST_RDONLY, ST_VALID } from '../abi/statfs';
import type { Mappable } from '../mm/vma';
import type { Task } from '../task';
import type { Dentry } from './dentry';
import { InodeFile } from './file';
import {
  ATTR_ATIME, ATTR_GID, ATTR_MODE, ATTR_MTIME, ATTR_SIZE, ATTR_UID, AttrChange, RENAME_EXCHANGE, allocAnonDev, allocMntId,
  Inode, Superblock, type VfsCtx,
} from './inode';

const UTIME_OMIT = 0x3ffffffe;
const KERNEL_CTX = { root: null, task: null, creds: null } as unknown as VfsCtx;

/** How hostfs asks the host to resolve a single component. */
export const HOST_RESOLVE = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
const OPEN_FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

/** A name as the host call wants it: a plain string when ASCII, its exact bytes otherwise. */
export function hostName(name: string): PathArg {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) >= 0x80) return Buffer.from(name, 'latin1');
  return name;
}

function mapHostError(e: number): number {
  // RESOLVE_NO_XDEV: the name is a host mount point; the sandbox does not cross it.
  if (e === -EXDEV) return -EACCES;
  return e;
}

// Scratch for host struct stat and symlink targets (never held across calls).
const sbuf = new Uint8Array(STAT_SIZE);
const sdv = new DataView(sbuf.buffer);
const linkBuf = new Uint8Array(PATH_MAX);

/** A hostfs superblock: which host ids its owners stand for (the sandbox's id maps). */
class HostSuperblock extends Superblock {
  constructor(readonly ids: IdMaps, readonly: boolean) {
    super('hostfs', allocAnonDev(), allocMntId(), readonly, OVERLAYFS_SUPER_MAGIC, ST_NODEV);
  }
}

export class HostFs {
  readonly sb: HostSuperblock;
  readonly root: HostInode;

  /** Opens the root directory; throws when it cannot (a bad --root is the user's error).
   *  writable: changes go through to the host directory (--rootfs-writable, rw binds).
   *  ids: the sandbox's uid and gid maps (owners are shown and set through them). */
  constructor(rootDir: string | number, readonly writable = false, revalidate = false, ids: IdMaps = IDENTITY_MAPS) {
    // A number: the O_PATH fd of one regular file (bindSource), which becomes the root inode.
    const fd = typeof rootDir === 'number' ? rootDir : host.openat(AT_FDCWD, rootDir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) throw new Error(`cannot open the root directory ${rootDir}: errno ${-fd}`);
    if (host.fstat(fd, sbuf, 0) < 0) { host.close(fd); throw new Error(`cannot stat the root directory ${rootDir}`); }
    this.sb = new HostSuperblock(ids, !writable);
    this.root = new HostInode(this.sb, fd, null, '/', sdv);
    if (revalidate) revalidating.add(this.sb);
  }

  /** A bind mount's source, a host directory or one regular file (a file bind: /etc/hosts,
   *  /etc/resolv.conf, secrets). The last component is opened O_PATH|O_NOFOLLOW and the type
   *  read from that fd: a symlink, device node, FIFO or socket is refused, never opened.
   *  Throws with a message for the user. */
  static bindSource(source: string, writable: boolean, ids: IdMaps = IDENTITY_MAPS): HostFs {
    const fd = host.openat(AT_FDCWD, source, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) throw new Error(`cannot open the bind source ${source}: errno ${-fd}`);
    if (host.fstat(fd, sbuf, 0) < 0) { host.close(fd); throw new Error(`cannot stat the bind source ${source}`); }
    const type = statMode(sdv, 0) & S_IFMT;
    if (type === S_IFDIR) { host.close(fd); return new HostFs(source, writable, true, ids); }
    if (type !== S_IFREG) {
      host.close(fd);
      const what = type === S_IFLNK ? 'a symbolic link' : type === S_IFIFO ? 'a FIFO' : type === S_IFSOCK ? 'a socket' : 'a device node';
      throw new Error(`the bind source ${source} is ${what}; tsvisor bind-mounts directories and regular files only`);
    }
    return new HostFs(fd, writable, false, ids);
  }
}

/** Superblocks whose cached names are checked again on each walk (bind mounts: the host may
 *  change them; the root directory is taken not to change under a running sandbox). */
const revalidating = new WeakSet<Superblock>();

export class HostInode extends Inode {
  /** The host's st_dev (to recognise the same inode when reopening by name). */
  readonly hostDev: number;
  /** A symlink's target, read once at lookup. */
  private target: string | null = null;
  private map: HostMappable | null = null;

  constructor(
    sb: Superblock,
    /** O_PATH fd on the host; -1 once released. */
    public fd: number,
    public parentInode: HostInode | null,
    /** Name in the parent directory (latin1 of the raw bytes); rename moves it. */
    public name: string,
    st: DataView,
  ) {
    const ids = (sb as HostSuperblock).ids;
    super(sb, statIno(st, 0), statMode(st, 0), ids.uid.fromHost(statUid(st, 0)), ids.gid.fromHost(statGid(st, 0)));
    this.hostDev = statDev(st, 0);
    this.noteUnmapped(st);
  }

  /** Owner ids the maps leave out (bit 0: uid, bit 1: gid); always 0 without maps. */
  private unmapped = 0;
  private noteUnmapped(st: DataView): void {
    const ids = this.ids;
    this.unmapped = (ids.uid.isIdentity || ids.uid.mapsHost(statUid(st, 0)) ? 0 : 1) |
      (ids.gid.isIdentity || ids.gid.mapsHost(statGid(st, 0)) ? 0 : 2);
  }
  override permUid(): number { return this.unmapped & 1 ? -1 : this.uid; }
  override permGid(): number { return this.unmapped & 2 ? -1 : this.gid; }

  /** The sandbox's id maps, which host owners are seen and set through. */
  private get ids(): IdMaps { return (this.sb as HostSuperblock).ids; }

  override lookup(_ctx: VfsCtx, name: string): Inode | number {
    if (!this.isDir) return -ENOTDIR;
    const fd = host.openat2(this.fd, hostName(name), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, HOST_RESOLVE);
    if (fd < 0) return mapHostError(fd);
    if (host.fstat(fd, sbuf, 0) < 0) { host.close(fd); return -EIO; }
    const ino = new HostInode(this.sb, fd, this, name, sdv);
    if (ino.isSymlink) {
      const n = host.readlinkat(fd, '', linkBuf, 0, PATH_MAX);
      if (n < 0) { ino.release(); return n; }
      if (n >= PATH_MAX) { ino.release(); return -ENAMETOOLONG; }
      ino.target = Buffer.from(linkBuf.buffer, linkBuf.byteOffset, n).toString('latin1');
    }
    return ino;
  }

  override readlink(_ctx: VfsCtx): string | number {
    return this.target ?? -EINVAL;
  }

  /** The name still leads to this inode (same host inode and type), else the dentry goes. */
  override revalidate(): boolean {
    const p = this.parentInode;
    if (p === null || this.fd < 0 || !revalidating.has(this.sb)) return true;
    if (host.fstatat(p.fd, hostName(this.name), sbuf, 0, AT_SYMLINK_NOFOLLOW) < 0) return false;
    return statIno(sdv, 0) === this.ino && statDev(sdv, 0) === this.hostDev &&
      (statMode(sdv, 0) & S_IFMT) === (this.mode & S_IFMT);
  }

  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): InodeFile | number {
    switch (this.mode & S_IFMT) {
      case S_IFREG: {
        // Writing (writable hostfs only: the VFS refused it on a read-only one) reopens this
        // very inode through its O_PATH fd, never a name.
        const wr = (flags & O_ACCMODE) !== O_RDONLY;
        const fd = wr ? this.reopen(flags & O_ACCMODE) : this.openHost();
        return fd < 0 ? fd : new HostRegularFile(flags, fd, this);
      }
      case S_IFDIR: {
        const fd = host.openat2(this.fd, '.', O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, HOST_RESOLVE);
        return fd < 0 ? mapHostError(fd) : new HostDirFile(flags, fd, this.parentInode === null ? this.ino : -1);
      }
      case S_IFLNK: return -ELOOP;
      case S_IFCHR: case S_IFBLK: return -EACCES;
      case S_IFIFO: case S_IFSOCK: default: return -ENXIO;
    }
  }

  /** Opens this regular file for reading on the host, by name from the parent's fd, and checks
   *  it is still the inode looked up. A host fd or -errno. */
  openHost(): number {
    const parent = this.parentInode;
    if (parent === null && !this.isReg) return -EISDIR;
    // The root of a file bind has no parent here: it is reopened through its own O_PATH fd (the
    // inode checked to be a regular file when it was opened; a regular file's open cannot block).
    const fd = parent === null ? this.reopen(O_RDONLY)
      : host.openat2(parent.fd, hostName(this.name), OPEN_FILE_FLAGS, 0, HOST_RESOLVE);
    if (fd < 0) return mapHostError(fd);
    if (host.fstat(fd, sbuf, 0) < 0 || statIno(sdv, 0) !== this.ino || statDev(sdv, 0) !== this.hostDev ||
        (statMode(sdv, 0) & S_IFMT) !== S_IFREG) {
      host.close(fd);
      return -ESTALE;
    }
    return fd;
  }

  override stat(dv: DataView, off: number): number {
    const r = host.fstat(this.fd, dv, off);
    if (r < 0) return r;
    setStatDev(dv, off, this.sb.dev);
    const ids = this.ids;
    if (!ids.uid.isIdentity) dv.setUint32(off + ST_UID, ids.uid.fromHost(statUid(dv, off)), true);
    if (!ids.gid.isIdentity) dv.setUint32(off + ST_GID, ids.gid.fromHost(statGid(dv, off)), true);
    return 0;
  }

  /** Opens this inode itself (through /proc/self/fd of its O_PATH fd) with the access mode
   *  asked; a host fd or -errno. */
  reopen(acc: number): number {
    const fd = host.openat(AT_FDCWD, `/proc/self/fd/${this.fd}`, acc | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, 0);
    return fd < 0 ? mapHostError(fd) : fd;
  }

  /** Reads type, mode and owner again after a change. */
  private refresh(): void {
    if (host.fstat(this.fd, sbuf, 0) < 0) return;
    const ids = this.ids;
    this.mode = statMode(sdv, 0); this.uid = ids.uid.fromHost(statUid(sdv, 0)); this.gid = ids.gid.fromHost(statGid(sdv, 0));
    this.noteUnmapped(sdv);
  }

  // ---- writable hostfs: each change is one *at call on this directory's fd and a name, or on
  // the inode's own O_PATH fd (hostfs_write.cc).

  override create(_dir: Dentry, name: string, mode: number, uid: number, gid: number, _rdev: number,
    target: string | null): Inode | number {
    if (this.sb.readonly) return -EROFS;
    // The host file gets the host ids the creator's stand for (tsvisor creates it as itself).
    const ids = this.ids;
    const hostUid = ids.uid.toHost(uid), hostGid = ids.gid.toHost(gid);
    if (hostUid < 0 || hostGid < 0) return -EOVERFLOW;
    const n = hostName(name);
    let r: number;
    switch (mode & S_IFMT) {
      case S_IFDIR: r = hostWrite.mkdirat(this.fd, n, mode & 0o7777); break;
      case S_IFLNK: r = hostWrite.symlinkat(hostName(target ?? ''), this.fd, n); break;
      case S_IFREG: {
        r = host.openat2(this.fd, n, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode & 0o7777, HOST_RESOLVE);
        if (r >= 0) { host.close(r); r = 0; }
        break;
      }
      case S_IFIFO: case S_IFSOCK: r = hostWrite.mknodat(this.fd, n, mode); break;
      default: return -EPERM;
    }
    if (r < 0) return mapHostError(r);
    const i = this.lookup(KERNEL_CTX, name);
    if (typeof i === 'number') return i;
    const hi = i as HostInode;
    if (hi.uid !== uid || hi.gid !== gid) {
      // A tsvisor that is not root on the host cannot give files away: they stay its own.
      if (hostWrite.fchownPath(hi.fd, hostUid, hostGid) === 0) hi.refresh();
    }
    // The host's umask must not narrow what the guest asked for.
    if ((mode & S_IFMT) !== S_IFLNK && ((i as HostInode).mode & 0o7777) !== (mode & 0o7777)) {
      hostWrite.fchmodPath((i as HostInode).fd, mode & 0o7777);
      (i as HostInode).refresh();
    }
    return i;
  }

  override link(_dir: Dentry, name: string, old: Dentry): number {
    if (this.sb.readonly) return -EROFS;
    const o = old.inode;
    if (!(o instanceof HostInode) || o.sb !== this.sb || o.parentInode === null) return -EXDEV;
    const r = hostWrite.linkat(o.parentInode.fd, hostName(o.name), this.fd, hostName(name));
    return r < 0 ? mapHostError(r) : 0;
  }

  override unlink(_dir: Dentry, name: string, _victim: Dentry): number {
    if (this.sb.readonly) return -EROFS;
    const r = hostWrite.unlinkat(this.fd, hostName(name), 0);
    return r < 0 ? mapHostError(r) : 0;
  }

  override rmdir(_dir: Dentry, name: string, _victim: Dentry): number {
    if (this.sb.readonly) return -EROFS;
    const r = hostWrite.unlinkat(this.fd, hostName(name), AT_REMOVEDIR);
    return r < 0 ? mapHostError(r) : 0;
  }

  override rename(_dir: Dentry, oldName: string, src: Dentry, newDir: Dentry, newName: string, target: Dentry | null,
    flags: number): number {
    if (this.sb.readonly) return -EROFS;
    const nd = newDir.inode;
    if (!(nd instanceof HostInode) || nd.sb !== this.sb) return -EXDEV;
    const r = hostWrite.renameat2(this.fd, hostName(oldName), nd.fd, hostName(newName), flags);
    if (r < 0) return mapHostError(r);
    const si = src.inode as HostInode;
    si.parentInode = nd; si.name = newName;
    if ((flags & RENAME_EXCHANGE) && target !== null) {
      const ti = target.inode as HostInode;
      ti.parentInode = this; ti.name = oldName;
    }
    return 0;
  }

  override setattr(_d: Dentry | null, a: AttrChange): number {
    if (this.sb.readonly) return -EROFS;
    let r = 0;
    if (a.mask & ATTR_SIZE) {
      if (!this.isReg) return this.isDir ? -EISDIR : -EINVAL;
      const fd = this.reopen(O_WRONLY);
      if (fd < 0) return fd;
      r = hostWrite.ftruncate(fd, a.size);
      host.close(fd);
      if (r < 0) return r;
    }
    if (a.mask & ATTR_MODE) { r = hostWrite.fchmodPath(this.fd, a.mode & 0o7777); if (r < 0) return r; }
    if (a.mask & (ATTR_UID | ATTR_GID)) {
      // An id with no host id behind it cannot be stored (Linux: EINVAL from chown).
      const ids = this.ids;
      const u = a.mask & ATTR_UID ? ids.uid.toHost(a.uid) : -1, g = a.mask & ATTR_GID ? ids.gid.toHost(a.gid) : -1;
      if (((a.mask & ATTR_UID) && u < 0) || ((a.mask & ATTR_GID) && g < 0)) return -EINVAL;
      r = hostWrite.fchownPath(this.fd, u, g);
      if (r < 0) return r;
    }
    if (a.mask & (ATTR_ATIME | ATTR_MTIME)) {
      r = hostWrite.utimensPath(this.fd, a.atimeSec, a.mask & ATTR_ATIME ? a.atimeNsec : UTIME_OMIT,
        a.mtimeSec, a.mask & ATTR_MTIME ? a.mtimeNsec : UTIME_OMIT);
      if (r < 0) return r;
    }
    this.refresh();
    return 0;
  }

  override statx(dv: DataView, off: number, mask: number, flags: number): number {
    const r = host.statx(this.fd, '', AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | (flags & AT_STATX_SYNC_TYPE), mask, dv, off);
    if (r < 0) return r;
    patchStatx(dv, off, this.sb);
    return 0;
  }

  /** The host file system's capacity, as tsvisor's read-only mount (our fsid, ST_RDONLY). */
  override statfs(dv: DataView, off: number): number {
    const r = host.fstatfs(this.fd, dv, off);
    if (r < 0) return r;
    dv.setUint32(off + F_FSID, this.sb.dev, true);
    dv.setUint32(off + F_FSID + 4, 0, true);
    const flags = dv.getUint32(off + F_FLAGS, true) & ~ST_RDONLY;
    dv.setUint32(off + F_FLAGS, flags | (this.sb.readonly ? ST_RDONLY : 0) | ST_VALID | this.sb.mountFlags, true);
    return 0;
  }

  /** The backing for mmap: a host fd of its own, which outlives the open file that asked (a
   *  mapping stays after close) and is closed when no mapping holds the object any more. */
  mappable(): Mappable | number {
    if (this.map !== null) return this.map;
    const fd = this.openHost();
    if (fd < 0) return fd;
    // A file the sandbox cannot change (read-only host directory: below the overlay, or a
    // read-only mount) goes through the page cache, keyed by its host identity and version.
    let key: string | undefined;
    if (this.sb.readonly && host.fstat(fd, sbuf, 0) >= 0) {
      key = `${statDev(sdv, 0)}:${statIno(sdv, 0)}:${sdv.getUint32(88, true)}.${sdv.getUint32(96, true)}:${statSize(sdv, 0)}`;
    }
    this.map = new HostMappable(fd, this.sb.dev, this.ino, key);
    return this.map;
  }

  override release(): void {
    if (this.fd >= 0) host.close(this.fd);
    this.fd = -1;
    this.map = null;
  }
}

/** Puts tsvisor's device number and mount id into a host statx; drops what would describe the host. */
function patchStatx(dv: DataView, off: number, sb: Superblock): void {
  const ids = (sb as HostSuperblock).ids;
  if (!ids.uid.isIdentity) dv.setUint32(off + STX_UID, ids.uid.fromHost(dv.getUint32(off + STX_UID, true)), true);
  if (!ids.gid.isIdentity) dv.setUint32(off + STX_GID, ids.gid.fromHost(dv.getUint32(off + STX_GID, true)), true);
  let mask = dv.getUint32(off + STX_MASK, true);
  mask = (mask | STATX_MNT_ID) & ~(STATX_MNT_ID_UNIQUE | STATX_SUBVOL);
  dv.setUint32(off + STX_MASK, mask, true);
  dv.setUint32(off + STX_DEV_MAJOR, devMajor(sb.dev), true);
  dv.setUint32(off + STX_DEV_MINOR, devMinor(sb.dev), true);
  setU64(dv, off + STX_MNT_ID, sb.mntId);
  setU64(dv, off + STX_SUBVOL, 0);
}

// Closes a mapping's host fd once nothing refers to it any more (a VMA has no release hook).
const mapFinalizer = new FinalizationRegistry<number>((fd) => { host.close(fd); });

export class HostMappable implements Mappable {
  constructor(private readonly fd: number, readonly dev: number, readonly ino: number, readonly cacheKey?: string) {
    mapFinalizer.register(this, fd);
  }
  readForMap(dst: Uint8Array, off: number, len: number, fileOffset: number): number {
    let done = 0;
    while (done < len) {
      const n = host.pread(this.fd, dst, off + done, len - done, fileOffset + done);
      if (n < 0) return done > 0 ? done : n;
      if (n === 0) break;
      done += n;
    }
    return done;
  }
}

const ioctlBuf = new Uint8Array(4);
const ioctlDv = new DataView(ioctlBuf.buffer);

/** A regular host file opened for reading. The position is ours (pread at it). */
export class HostRegularFile extends InodeFile {
  constructor(flags: number, readonly hostFd: number, readonly inode: HostInode) { super(flags); }

  override get seekable(): boolean { return true; }

  override read(_t: Task, dst: Uint8Array, off: number, len: number, pos: number): number {
    const p = pos < 0 ? this.pos : pos;
    const n = host.pread(this.hostFd, dst, off, len, p);
    if (n > 0 && pos < 0) this.pos = p + n;
    return n;
  }

  /** Writes go from guest memory straight to the host file (writable hostfs). */
  override write(_t: Task, src: Uint8Array, off: number, len: number, pos: number): number {
    let p: number;
    if (this.flags & O_APPEND) { const s = this.size(); if (s < 0) return s; p = s; } else p = pos < 0 ? this.pos : pos;
    const n = host.pwrite(this.hostFd, src, off, len, p);
    if (n > 0 && pos < 0) this.pos = p + n;
    return n;
  }

  size(): number {
    const r = host.fstat(this.hostFd, sbuf, 0);
    return r < 0 ? r : statSize(sdv, 0);
  }

  override seek(offset: number, whence: number): number {
    let p: number;
    switch (whence) {
      case SEEK_SET: p = offset; break;
      case SEEK_CUR: p = this.pos + offset; break;
      case SEEK_END: { const s = this.size(); if (s < 0) return s; p = s + offset; break; }
      case SEEK_DATA: case SEEK_HOLE: {
        // Holes are the host's to know.
        if (offset < 0) return -ENXIO;
        const r = host.lseek(this.hostFd, offset, whence);
        if (r < 0) return r;
        p = r;
        break;
      }
      default: return -EINVAL;
    }
    if (p < 0 || !Number.isFinite(p)) return -EINVAL;
    this.pos = p;
    return p;
  }

  override stat(dv: DataView, off: number): number {
    const r = host.fstat(this.hostFd, dv, off);
    if (r < 0) return r;
    setStatDev(dv, off, this.inode.sb.dev);
    return 0;
  }

  override ioctl(t: Task, request: number, arg: number): number {
    if (request === FIONREAD) {
      // file_ioctl: the bytes between the position and the end, as an int.
      const s = this.size();
      if (s < 0) return s;
      ioctlDv.setInt32(0, (s - this.pos) | 0, true);
      return t.mm.copyOut(arg, ioctlBuf, 0, 4);
    }
    return super.ioctl(t, request, arg);
  }

  override mappable(): Mappable | null {
    const m = this.inode.mappable();
    return typeof m === 'number' ? null : m;
  }

  override release(): void {
    host.close(this.hostFd);
    super.release();
  }
}

/** A host directory opened for getdents64. Records come straight from the host (same layout);
 *  lseek moves the host directory position. At the sandbox root, ".." names the root itself
 *  (as at the root of a container), not the host directory above it. */
export class HostDirFile extends InodeFile {
  constructor(flags: number, readonly hostFd: number, private readonly rootIno: number) { super(flags); }

  override get seekable(): boolean { return true; }
  override read(): number { return -EISDIR; }

  override getdents64(_t: Task, dst: Uint8Array, off: number, len: number): number {
    const n = host.getdents64(this.hostFd, dst, off, len);
    if (n > 0 && this.rootIno >= 0) {
      const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
      for (let p = off; p < off + n; p += dv.getUint16(p + D_RECLEN, true)) {
        if (dst[p + D64_NAME] === 46 && dst[p + D64_NAME + 1] === 46 && dst[p + D64_NAME + 2] === 0) {
          setU64(dv, p + D_INO, this.rootIno);
        }
      }
    }
    return n;
  }

  override seek(offset: number, whence: number): number {
    if (whence !== SEEK_SET && whence !== SEEK_CUR && whence !== SEEK_END) return -EINVAL;
    const r = host.lseek(this.hostFd, offset, whence);
    if (r >= 0) this.pos = r;
    return r;
  }

  override release(): void {
    host.close(this.hostFd);
    super.release();
  }
}
