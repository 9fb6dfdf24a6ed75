// The overlay: the sandbox root by default (as gVisor's), a tmpfs upper layer
// in sandbox memory over the read-only hostfs root. Programs can change
// anything; the host directory never changes.
//
//  - Lookup: an upper entry wins; a whiteout (a 0:0 character device in the
//    upper directory, as Linux's overlayfs) hides the lower name; an upper
//    directory merges with the lower directory of the same name unless it is
//    opaque (made over a whiteout, or fully copied up).
//  - Copy-up: the first change to a lower file (open for writing, truncate,
//    chmod, chown, utimes, link, rename, xattrs) copies it into the upper layer,
//    its parents first (keeping their times, as overlayfs does). File data is
//    read from the host straight into the upper file's MemoryFile frames. The
//    copy keeps the lower inode number, and the overlay has one st_dev, so
//    st_ino/st_dev do not change across copy-up.
//  - Delete: the upper entry goes, and a whiteout is left when a lower layer
//    has the name.
//  - Rename: the source (and, for a directory holding lower entries, its whole
//    subtree) is copied up first, so a renamed directory keeps its contents
//    without redirects; a directory moved over a name the lower layer has is
//    made opaque.
//  - Listings merge the upper entries (without whiteouts) and the lower ones
//    (without names the upper directory has), taken when reading starts.
//  - A merged directory changed in the upper layer counts its subdirectories
//    in both layers for st_nlink, as a plain directory shows (overlayfs says 1).
//  - Lower hard links are broken by copy-up (overlayfs without its index
//    feature does the same).
import { host } from '../../native';
import { byteIndex } from '../../platform/platform';
import { EINVAL, EISDIR, ENOENT, ENOTEMPTY, EPERM, EXDEV } from '../errno';
import { O_ACCMODE, O_CLOEXEC, O_DIRECTORY, O_RDONLY, O_TRUNC } from '../abi/fcntl';
import {
  DT_DIR, STAT_SIZE, ST_ATIME, ST_ATIME_NSEC, ST_BLOCKS, ST_MTIME, ST_MTIME_NSEC, ST_NLINK, ST_SIZE, S_IFCHR, S_IFDIR, S_IFLNK, S_IFMT,
  S_IFREG, dtype, setStatDev, statRdev, statSize,
} from '../abi/stat';
import { D64_NAME, D64_TYPE, D_INO, D_RECLEN, putDirent64 } from '../abi/dirent';
import { F_FLAGS, F_TYPE, OVERLAYFS_SUPER_MAGIC, ST_RDONLY } from '../abi/statfs';
import { getI64, setU64 } from '../../platform/u64';
import type { Task } from '../task';
import { Dentry } from './dentry';
import { InodeFile, type FileDescription, seekSetCur } from './file';
import { HOST_RESOLVE, HostInode, type HostFs } from './hostfs';
import { AttrChange, Inode, RENAME_EXCHANGE, Superblock, type VfsCtx } from './inode';
import { Tmpfs, TmpDir, TmpFile, TmpInode, isWhiteout, type FrameStore } from './tmpfs';

/** Upper-only inode numbers start here, far above the host's (ext4 and most file systems stay
 *  below 2^32), so a new file never shares st_ino with a lower one. */
const UPPER_INO_BASE = 2 ** 32;

const KCTX: VfsCtx = { root: null as unknown as Dentry, task: null, creds: null };

const sbuf = new Uint8Array(STAT_SIZE);
const sdv = new DataView(sbuf.buffer);
const dirBuf = new Uint8Array(32 * 1024);
const dirDv = new DataView(dirBuf.buffer);

export class Overlay {
  readonly sb: Superblock;
  readonly upper: Tmpfs;
  readonly root: OvlInode;

  constructor(readonly lower: HostFs, mem: FrameStore) {
    // One device for the whole overlay, the host root's: files opened from the lower layer
    // report it too.
    this.sb = new Superblock('overlay', lower.sb.dev, lower.sb.mntId, false, OVERLAYFS_SUPER_MAGIC, lower.sb.mountFlags);
    this.upper = new Tmpfs(mem, { inoBase: UPPER_INO_BASE, fsType: 'tmpfs', mountFlags: 0 });
    this.root = new OvlInode(this, null, lower.root, true);
    // The root directory is copied up at once (nothing to copy but its attributes).
    const r = this.root;
    const u = this.upper.root;
    lower.root.stat(sdv, 0);
    u.mode = (u.mode & S_IFMT) | (lower.root.mode & 0o7777);
    u.uid = lower.root.uid; u.gid = lower.root.gid;
    u.ino = lower.root.ino;
    copyTimes(sdv, u);
    r.upper = u;
  }

  whiteout(): TmpInode { return this.upper.newInode(S_IFCHR, 0, 0, 0, null); }
}

function copyTimes(st: DataView, u: TmpInode): void {
  u.atimeSec = getI64(st, ST_ATIME); u.atimeNsec = getI64(st, ST_ATIME_NSEC);
  u.mtimeSec = getI64(st, ST_MTIME); u.mtimeNsec = getI64(st, ST_MTIME_NSEC);
}

const REAL_FIELDS = ['mode', 'uid', 'gid', 'ino'] as const;
/** Accessors shared by every overlay inode (they read `this`, so no closures per inode). */
const REAL_DESCRIPTORS: Record<string, PropertyDescriptor> = {};
for (const k of REAL_FIELDS) {
  REAL_DESCRIPTORS[k] = {
    get(this: OvlInode): number { return (this.upper ?? this.lower)![k]; },
    set(this: OvlInode, v: number): void { (this.upper ?? this.lower)![k] = v; },
    configurable: true,
    enumerable: true,
  };
}

export class OvlInode extends Inode {
  /** Not owned by lookups made through this inode's fields: `lower` is released with this
   *  inode (a host fd); the root's lower is the hostfs root, owned by the HostFs. */
  constructor(readonly ovl: Overlay, public upper: TmpInode | null, public lower: HostInode | null,
    private readonly isRoot = false) {
    super(ovl.sb, 0, 0);
    // Type, permissions, owner and number are the upper inode's once there is one, else the
    // lower's (hard links share the upper inode, so a chmod through one name shows in all).
    for (const k of REAL_FIELDS) Object.defineProperty(this, k, REAL_DESCRIPTORS[k]!);
  }

  override permUid(): number { return (this.upper ?? this.lower)!.permUid(); }
  override permGid(): number { return (this.upper ?? this.lower)!.permGid(); }

  /** A directory whose lower contents still show (upper not opaque, lower present). */
  get merged(): boolean {
    return this.lower !== null && this.lower.isDir && (this.upper === null || !(this.upper as TmpDir).opaque);
  }

  override lookup(ctx: VfsCtx, name: string): Inode | number {
    if (!this.isDir) return -EINVAL;
    const ud = this.upper as TmpDir | null;
    const u = ud?.entries.get(name) ?? null;
    if (u !== null && isWhiteout(u)) return -ENOENT;
    let l: HostInode | null = null;
    if (this.merged && (u === null || (u.isDir && !(u as TmpDir).opaque))) {
      const r = this.lower!.lookup(ctx, name);
      if (typeof r === 'number') { if (r !== -ENOENT || u === null) return r; } else l = r as HostInode;
      if (l !== null && u !== null && !l.isDir) { l.release(); l = null; }
    }
    if (u === null && l === null) return -ENOENT;
    return new OvlInode(this.ovl, u, l);
  }

  override readlink(ctx: VfsCtx): string | number { return (this.upper ?? this.lower)!.readlink(ctx); }

  override open(ctx: VfsCtx, dentry: Dentry, flags: number): FileDescription | number {
    if (this.isDir) return new OvlDirFile(flags, this);
    const acc = flags & O_ACCMODE;
    if (this.isReg && (acc !== O_RDONLY || (flags & O_TRUNC))) {
      // Opened to be emptied: the data need not be copied.
      const e = this.copyUp(dentry, acc !== O_RDONLY && (flags & O_TRUNC) !== 0);
      if (e < 0) return e;
    }
    return (this.upper ?? this.lower)!.open(ctx, dentry, flags);
  }

  override stat(dv: DataView, off: number): number {
    const r = (this.upper ?? this.lower)!.stat(dv, off);
    if (r < 0) return r;
    setStatDev(dv, off, this.sb.dev);
    // A merged directory changed in the upper layer counts its subdirectories across both layers
    // (2 + subdirectories, as a plain directory shows; Linux's overlayfs reports 1 instead). An
    // untouched lower directory reports the host's count as it is.
    if (this.isDir && this.merged && this.upper !== null) {
      let n = 2;
      for (const e of this.mergedEntries()) if (e.type === DT_DIR) n++;
      setU64(dv, off + ST_NLINK, n);
      // Its size and blocks are the host directory's (the upper copy's are tmpfs's made-up ones).
      if (this.lower!.stat(sdv, 0) === 0) {
        setU64(dv, off + ST_SIZE, statSize(sdv, 0));
        setU64(dv, off + ST_BLOCKS, getI64(sdv, ST_BLOCKS));
      }
    }
    return 0;
  }

  override statfs(dv: DataView, off: number): number {
    const r = this.ovl.lower.root.statfs(dv, off);
    if (r < 0) return r;
    setU64(dv, off + F_TYPE, OVERLAYFS_SUPER_MAGIC);
    dv.setUint32(off + F_FLAGS, dv.getUint32(off + F_FLAGS, true) & ~ST_RDONLY, true);
    return 0;
  }

  override release(): void {
    if (!this.isRoot && this.lower !== null) { this.lower.release(); }
  }

  // ---- copy-up

  /** Gives this inode (named by d) an upper copy, its parents first. 0 or -errno. */
  copyUp(d: Dentry, noData = false): number {
    if (this.upper !== null) return 0;
    const parent = d.parent;
    if (parent === null || !(parent.inode instanceof OvlInode)) return -EXDEV;
    const pi = parent.inode;
    const e = pi.copyUp(parent);
    if (e < 0) return e;
    const pu = pi.upper as TmpDir;
    const lower = this.lower!;
    if (lower.stat(sdv, 0) < 0) return -EPERM;
    const mode = lower.mode;
    let u: TmpInode;
    switch (mode & S_IFMT) {
      case S_IFDIR: u = this.ovl.upper.newInode(mode, lower.uid, lower.gid, 0, null); break;
      case S_IFLNK: {
        const tgt = lower.readlink(KCTX);
        if (typeof tgt === 'number') return tgt;
        u = this.ovl.upper.newInode(mode, lower.uid, lower.gid, 0, tgt);
        break;
      }
      case S_IFREG: {
        const f = this.ovl.upper.newInode(mode, lower.uid, lower.gid, 0, null) as TmpFile;
        const r = noData ? 0 : copyData(lower, f, statSize(sdv, 0));
        if (r < 0) { f.nlink = 0; f.maybeFree(); return r; }
        u = f;
        break;
      }
      default: u = this.ovl.upper.newInode(mode, lower.uid, lower.gid, statRdev(sdv, 0), null);
    }
    u.ino = lower.ino;
    copyTimes(sdv, u);
    // Linking the copy into the parent must not show as a change of the parent.
    const ms = pu.mtimeSec, mn = pu.mtimeNsec, cs = pu.ctimeSec, cn = pu.ctimeNsec;
    pu.entries.set(d.name, u);
    if (u.isDir) pu.nlink++;
    pu.mtimeSec = ms; pu.mtimeNsec = mn; pu.ctimeSec = cs; pu.ctimeNsec = cn;
    this.upper = u;
    return 0;
  }

  /** Copies up this directory and everything below it, then makes it opaque (the lower
   *  directory no longer matters: a rename can move it anywhere). */
  copyUpTree(d: Dentry): number {
    let e = this.copyUp(d);
    if (e < 0) return e;
    if (!this.isDir || !this.merged) return 0;
    const names = this.mergedNames();
    for (const name of names) {
      const c = childDentry(d, name);
      if (typeof c === 'number') { if (c === -ENOENT) continue; return c; }
      const ci = c.inode as OvlInode;
      e = ci.isDir ? ci.copyUpTree(c) : ci.copyUp(c);
      c.put();
      if (e < 0) return e;
    }
    (this.upper as TmpDir).opaque = true;
    return 0;
  }

  /** Does the lower directory have `name`? (a delete must then leave a whiteout) */
  lowerHas(name: string): boolean {
    if (!this.merged) return false;
    const r = this.lower!.lookup(KCTX, name);
    if (typeof r === 'number') return r !== -ENOENT; // unreadable: keep it hidden
    r.release();
    return true;
  }

  /** The names the merged directory lists (no . and ..). */
  mergedNames(): string[] {
    const out: string[] = [];
    for (const e of this.mergedEntries()) out.push(e.name);
    return out;
  }

  mergedEntries(): { name: string; ino: number; type: number }[] {
    const out: { name: string; ino: number; type: number }[] = [];
    const ud = this.upper as TmpDir | null;
    if (ud !== null) for (const [n, i] of ud.entries) if (!isWhiteout(i)) out.push({ name: n, ino: i.ino, type: dtype(i.mode) });
    if (this.merged) {
      const fd = host.openat2(this.lower!.fd, '.', O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, HOST_RESOLVE);
      if (fd >= 0) {
        for (;;) {
          const n = host.getdents64(fd, dirBuf, 0, dirBuf.length);
          if (n <= 0) break;
          for (let p = 0; p < n; p += dirDv.getUint16(p + D_RECLEN, true)) {
            const end = dirBuf.indexOf(0, p + D64_NAME);
            const name = Buffer.from(dirBuf.buffer, p + D64_NAME, end - (p + D64_NAME)).toString('latin1');
            if (name === '.' || name === '..' || (ud !== null && ud.entries.has(name))) continue;
            out.push({ name, ino: getI64(dirDv, p + D_INO), type: dirBuf[p + D64_TYPE]! });
          }
        }
        host.close(fd);
      }
    }
    return out;
  }

  /** The upper directory, copied up (for changes). */
  private upperDir(dir: Dentry): TmpDir | number {
    const e = this.copyUp(dir);
    return e < 0 ? e : this.upper as TmpDir;
  }

  /** Takes a whiteout (or stale entry) out of the way of a new name; true when the lower layer
   *  had the name (a new directory there must be opaque). */
  private clearName(ud: TmpDir, name: string): boolean {
    const old = ud.entries.get(name);
    if (old !== undefined && isWhiteout(old)) { ud.entries.delete(name); return true; }
    return this.lowerHas(name);
  }

  override create(dir: Dentry, name: string, mode: number, uid: number, gid: number, rdev: number,
    target: string | null): Inode | number {
    const ud = this.upperDir(dir);
    if (typeof ud === 'number') return ud;
    const hidLower = this.clearName(ud, name);
    const i = ud.create(dir, name, mode, uid, gid, rdev, target);
    if (typeof i === 'number') return i;
    if (hidLower && i.isDir) (i as TmpDir).opaque = true;
    return new OvlInode(this.ovl, i as TmpInode, null);
  }

  override tmpfile(dir: Dentry, mode: number, uid: number, gid: number): Inode | number {
    const ud = this.upperDir(dir);
    if (typeof ud === 'number') return ud;
    const i = ud.tmpfile(dir, mode, uid, gid);
    return typeof i === 'number' ? i : new OvlInode(this.ovl, i as TmpInode, null);
  }

  override link(dir: Dentry, name: string, old: Dentry): number {
    const oi = old.inode;
    if (!(oi instanceof OvlInode) || oi.ovl !== this.ovl) return -EXDEV;
    let e = oi.copyUp(old);
    if (e < 0) return e;
    const ud = this.upperDir(dir);
    if (typeof ud === 'number') return ud;
    this.clearName(ud, name);
    e = ud.linkInode(name, oi.upper!);
    return e;
  }

  override unlink(dir: Dentry, name: string, _victim: Dentry): number {
    const ud = this.upperDir(dir);
    if (typeof ud === 'number') return ud;
    const wh = this.lowerHas(name);
    const had = ud.entries.get(name);
    if (had !== undefined) ud.removeEntry(name);
    if (wh) ud.entries.set(name, this.ovl.whiteout());
    ud.touchMC();
    return 0;
  }

  override rmdir(dir: Dentry, name: string, victim: Dentry): number {
    const v = victim.inode as OvlInode;
    if (v.mergedEntries().length > 0) return -ENOTEMPTY;
    return this.unlink(dir, name, victim);
  }

  override rename(dir: Dentry, oldName: string, src: Dentry, newDir: Dentry, newName: string, target: Dentry | null,
    flags: number): number {
    const nd = newDir.inode;
    if (!(nd instanceof OvlInode) || nd.ovl !== this.ovl) return -EXDEV;
    const si = src.inode as OvlInode;
    const ti = target !== null ? target.inode as OvlInode : null;
    if (!(flags & RENAME_EXCHANGE) && ti !== null && ti.isDir && ti.mergedEntries().length > 0) return -ENOTEMPTY;
    let e = si.isDir ? si.copyUpTree(src) : si.copyUp(src);
    if (e < 0) return e;
    if ((flags & RENAME_EXCHANGE) && ti !== null) {
      e = ti.isDir ? ti.copyUpTree(target!) : ti.copyUp(target!);
      if (e < 0) return e;
    }
    const od = this.upperDir(dir);
    if (typeof od === 'number') return od;
    const ndu = nd.upperDir(newDir);
    if (typeof ndu === 'number') return ndu;
    const srcLower = this.lowerHas(oldName);
    const dstLower = nd.lowerHas(newName);
    const old = ndu.entries.get(newName);
    if (old !== undefined && isWhiteout(old)) ndu.entries.delete(newName);
    e = od.renameEntry(oldName, ndu, newName, flags);
    if (e < 0) return e;
    if (flags & RENAME_EXCHANGE) {
      if (srcLower && ti !== null && ti.upper instanceof TmpDir) ti.upper.opaque = true;
      if (dstLower && si.upper instanceof TmpDir) si.upper.opaque = true;
      return 0;
    }
    if (dstLower && si.upper instanceof TmpDir) si.upper.opaque = true;
    if (srcLower) od.entries.set(oldName, this.ovl.whiteout());
    return 0;
  }

  override setattr(d: Dentry | null, a: AttrChange): number {
    if (d === null) return -EPERM;
    const e = this.copyUp(d);
    if (e < 0) return e;
    return this.upper!.setattr(null, a);
  }

  override getxattr(name: string): Uint8Array | number {
    return this.upper !== null ? this.upper.getxattr(name) : super.getxattr(name);
  }
  override setxattr(d: Dentry | null, name: string, value: Uint8Array, flags: number): number {
    if (d === null) return -EPERM;
    const e = this.copyUp(d);
    return e < 0 ? e : this.upper!.setxattr(null, name, value, flags);
  }
  override listxattr(): string[] | number { return this.upper !== null ? this.upper.listxattr() : []; }
  override removexattr(d: Dentry | null, name: string): number {
    if (d === null) return -EPERM;
    const e = this.copyUp(d);
    return e < 0 ? e : this.upper!.removexattr(null, name);
  }
}

/** A child dentry of d, looked up without permission checks (copy-up works as the kernel). */
function childDentry(d: Dentry, name: string): Dentry | number {
  const c = d.cachedChild(name);
  if (c !== undefined) return c.get();
  const ino = d.inode.lookup(KCTX, name);
  if (typeof ino === 'number') return ino;
  const nd = new Dentry(d.cache, name, d, ino);
  if (d.cache !== null) d.addChild(nd);
  return nd.get();
}

/** Reads a lower regular file's bytes straight into the upper file's frames. */
function copyData(lower: HostInode, f: TmpFile, size: number): number {
  if (size === 0) return 0;
  const fd = lower.openHost();
  if (fd < 0) return fd;
  try {
    const PAGE = 4096;
    for (let i = 0; i * PAGE < size; i++) {
      const pa = f.frame(i);
      if (pa < 0) return pa;
      const b = f.fs.mem.bytes(pa);
      const want = Math.min(PAGE, size - i * PAGE);
      let got = 0;
      while (got < want) {
        const n = host.pread(fd, b, byteIndex(pa) + got, want - got, i * PAGE + got);
        if (n < 0) return n;
        if (n === 0) break;
        got += n;
      }
    }
    f.truncate(size);
    return 0;
  } finally {
    host.close(fd);
  }
}

/** An open overlay directory: the merged listing, taken when reading starts at 0. */
export class OvlDirFile extends InodeFile {
  private list: { name: string; ino: number; type: number }[] | null = null;
  constructor(flags: number, readonly dir: OvlInode) { super(flags); }
  override get seekable(): boolean { return true; }
  override read(): number { return -EISDIR; }

  override getdents64(_t: Task, dst: Uint8Array, off: number, len: number): number {
    const d = this.dentry;
    if (d === null) return -EINVAL;
    if (this.list === null || this.pos === 0) this.list = this.dir.mergedEntries();
    const parentIno = d.parent !== null ? d.parent.inode.ino : this.dir.ino;
    const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
    let p = off;
    for (;;) {
      const i = this.pos;
      if (i >= this.list.length + 2) break;
      const e = i < 2 ? null : this.list[i - 2]!;
      const name = e === null ? (i === 0 ? '.' : '..') : e.name;
      const ino = e === null ? (i === 0 ? this.dir.ino : parentIno) : e.ino;
      const r = putDirent64(dst, dv, p, off + len - p, ino, i + 1, e === null ? DT_DIR : e.type, name);
      if (r === 0) { if (p === off) return -EINVAL; break; }
      p += r;
      this.pos = i + 1;
    }
    return p - off;
  }

  override seek(offset: number, whence: number): number { return seekSetCur(this, offset, whence); }
}
