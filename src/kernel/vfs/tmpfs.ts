// tmpfs: a file system in sandbox memory (/tmp, --mount tmpfs:..., /dev/shm,
// memfd_create, and the overlay's upper layer). File data lives in frames of
// the sandbox MemoryFile, as gVisor's tmpfs: it counts against --memory, and a
// MAP_SHARED mapping maps the file's own frames (sharedFrame), so every
// process mapping a tmpfs file sees the same bytes as read and write.
//
// Times follow Linux: a write sets mtime and ctime, a read sets atime under
// relatime rules, a change of a directory's entries sets the directory's mtime
// and ctime, a change of an inode's attributes or link count sets its ctime.
// Directory sizes are Linux's tmpfs bogus sizes (20 bytes an entry, 40 empty).
//
// Sockets: a socket inode (mknod S_IFSOCK, or bind of a unix socket) carries the
// bound endpoint in `boundSocket` (TmpInode); the unix socket code sets it when it
// binds to the path and connect() looks it up there. tmpfs never looks inside.
import { host } from '../../native';
import { byteIndex } from '../../platform/platform';
import {
  EBADF, EEXIST, EFAULT, EFBIG, EINVAL, EISDIR, EMLINK, ENODATA, ENOENT, ENOSPC, ENOTEMPTY, ENXIO, EPERM,
} from '../errno';
import { O_APPEND, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_HOLE, SEEK_SET, FIONREAD } from '../abi/fcntl';
import {
  DT_DIR, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, S_ISGID, S_ISUID, StatFields,
  dtype,
} from '../abi/stat';
import { putDirent64 } from '../abi/dirent';
import { F_BAVAIL, F_BFREE, F_BLOCKS, F_FFREE, F_FILES, ST_NODEV, ST_NOSUID, TMPFS_MAGIC, putStatfs } from '../abi/statfs';
import { setU64 } from '../../platform/u64';
import type { Mappable } from '../mm/vma';
import type { Task } from '../task';
import type { Dentry } from './dentry';
import { InodeFile, type FileDescription, seekSetCur } from './file';
import {
  ATTR_ATIME, ATTR_CTIME, ATTR_GID, ATTR_MODE, ATTR_MTIME, ATTR_SIZE, ATTR_UID, AttrChange, RENAME_EXCHANGE,
  allocAnonDev, allocMntId, Inode, Superblock, type VfsCtx,
} from './inode';
import { openFifo, type FifoState } from './fifo';

const PAGE = 4096;
const S_IXGRP = 0o010;
/** The largest file tmpfs keeps (MAX_LFS_FILESIZE would be 2^63; frames bound it first). */
const MAX_FILE = 2 ** 50;
/** Bytes a directory entry adds to a tmpfs directory's size (BOGO_DIRENT_SIZE). */
const BOGO_DIRENT = 20;
/** Symlink targets up to this length live in the inode; longer ones take a page (st_blocks 8). */
const SHORT_SYMLINK = 128;
/** Hard links a tmpfs inode may have. */
const LINK_MAX = 0xffffffff;
/** xattr limits (XATTR_NAME_MAX, XATTR_SIZE_MAX). */
export const XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536;
export const XATTR_CREATE = 1, XATTR_REPLACE = 2;

/** What tmpfs needs of the MemoryFile: frames with reference counts. */
export interface FrameStore {
  alloc4K(): number;
  decRef(pa: number): number;
  incRef(pa: number): void;
  bytes(pa: number): Uint8Array;
  readonly size: number;
  used: number;
}

const ts = new Float64Array(2);
/** The current time (CLOCK_REALTIME) into ts[0] (s), ts[1] (ns). */
export function nowTs(): Float64Array {
  host.clockGettime(0, ts);
  return ts;
}

export interface TmpfsOptions {
  fsType?: string;
  magic?: number;
  mountFlags?: number;
  /** The first inode number (the overlay's upper layer starts high, away from host numbers). */
  inoBase?: number;
  rootMode?: number;
  /** Size limit in bytes (statfs shows it; writes beyond give ENOSPC); default: the MemoryFile. */
  maxBytes?: number;
}

export class Tmpfs {
  readonly sb: Superblock;
  readonly root: TmpDir;
  private nextIno: number;
  /** Bytes of file data held (pages). */
  usedBytes = 0;
  readonly maxBytes: number;
  inodes = 0;

  constructor(readonly mem: FrameStore, o: TmpfsOptions = {}) {
    this.sb = new Superblock(o.fsType ?? 'tmpfs', allocAnonDev(), allocMntId(), false, o.magic ?? TMPFS_MAGIC,
      o.mountFlags ?? (ST_NOSUID | ST_NODEV));
    this.nextIno = o.inoBase ?? 1;
    this.maxBytes = o.maxBytes ?? mem.size;
    this.root = new TmpDir(this, this.allocIno(), S_IFDIR | (o.rootMode ?? 0o1777), 0, 0);
    this.root.nlink = 2;
  }

  allocIno(): number { this.inodes++; return this.nextIno++; }

  /** A new inode of mode's type (not linked anywhere yet: nlink as for a fresh name). */
  newInode(mode: number, uid: number, gid: number, rdev: number, target: string | null): TmpInode {
    const ino = this.allocIno();
    switch (mode & S_IFMT) {
      case S_IFDIR: return new TmpDir(this, ino, mode, uid, gid);
      case S_IFREG: return new TmpFile(this, ino, mode, uid, gid);
      case S_IFLNK: return new TmpSymlink(this, ino, mode, uid, gid, target ?? '');
      default: {
        const i = new TmpSpecial(this, ino, mode, uid, gid);
        i.rdev = rdev;
        return i;
      }
    }
  }

  statfs(dv: DataView, off: number): void {
    putStatfs(dv, off, this.sb.magic, this.sb.dev, this.sb.mountFlags);
    const total = Math.floor(this.maxBytes / PAGE);
    const free = Math.max(0, Math.min(total - Math.ceil(this.usedBytes / PAGE), Math.floor((this.mem.size - this.mem.used) / PAGE)));
    setU64(dv, off + F_BLOCKS, total);
    setU64(dv, off + F_BFREE, free);
    setU64(dv, off + F_BAVAIL, free);
    setU64(dv, off + F_FILES, Math.floor(total / 2));
    setU64(dv, off + F_FFREE, Math.max(0, Math.floor(total / 2) - this.inodes));
  }
}

const fields = new StatFields();

export abstract class TmpInode extends Inode {
  nlink = 1;
  rdev = 0;
  atimeSec = 0; atimeNsec = 0; mtimeSec = 0; mtimeNsec = 0; ctimeSec = 0; ctimeNsec = 0;
  btimeSec = 0; btimeNsec = 0;
  xattrs: Map<string, Uint8Array> | null = null;
  /** The endpoint bound to this socket inode (unix sockets set and read it; tmpfs never does). */
  boundSocket: unknown = null;

  constructor(readonly fs: Tmpfs, ino: number, mode: number, uid: number, gid: number) {
    super(fs.sb, ino, mode, uid, gid);
    const t = nowTs();
    this.atimeSec = this.mtimeSec = this.ctimeSec = this.btimeSec = t[0]!;
    this.atimeNsec = this.mtimeNsec = this.ctimeNsec = this.btimeNsec = t[1]!;
  }

  abstract get size(): number;
  get blocks(): number { return 0; }

  touchC(): void { const t = nowTs(); this.ctimeSec = t[0]!; this.ctimeNsec = t[1]!; }
  touchMC(): void {
    const t = nowTs();
    this.mtimeSec = this.ctimeSec = t[0]!;
    this.mtimeNsec = this.ctimeNsec = t[1]!;
  }
  /** relatime: atime moves when it is not newer than mtime or ctime, or is a day old. */
  touchA(): void {
    const t = nowTs();
    const a = this.atimeSec, an = this.atimeNsec;
    const le = (s: number, n: number) => a < s || (a === s && an <= n);
    if (le(this.mtimeSec, this.mtimeNsec) || le(this.ctimeSec, this.ctimeNsec) || t[0]! - a >= 86400) {
      this.atimeSec = t[0]!; this.atimeNsec = t[1]!;
    }
  }

  override stat(dv: DataView, off: number): number {
    const f = fields;
    f.dev = this.sb.dev; f.ino = this.ino; f.nlink = this.nlink; f.mode = this.mode;
    f.uid = this.uid; f.gid = this.gid; f.rdev = this.rdev; f.size = this.size;
    f.blksize = PAGE; f.blocks = this.blocks;
    f.atimeSec = this.atimeSec; f.atimeNsec = this.atimeNsec;
    f.mtimeSec = this.mtimeSec; f.mtimeNsec = this.mtimeNsec;
    f.ctimeSec = this.ctimeSec; f.ctimeNsec = this.ctimeNsec;
    f.encode(dv, off);
    return 0;
  }

  override statfs(dv: DataView, off: number): number { this.fs.statfs(dv, off); return 0; }

  /** notify_change on a tmpfs inode (the VFS checked who may). */
  override setattr(_d: Dentry | null, a: AttrChange): number {
    if (a.mask & ATTR_SIZE) {
      if (!(this instanceof TmpFile)) return this.isDir ? -EISDIR : -EINVAL;
      const e = this.truncate(a.size);
      if (e < 0) return e;
    }
    if (a.mask & ATTR_MODE) this.mode = (this.mode & S_IFMT) | (a.mode & 0o7777);
    if (a.mask & ATTR_UID) this.uid = a.uid;
    if (a.mask & ATTR_GID) this.gid = a.gid;
    if (a.mask & ATTR_ATIME) { this.atimeSec = a.atimeSec; this.atimeNsec = a.atimeNsec; }
    if (a.mask & ATTR_MTIME) { this.mtimeSec = a.mtimeSec; this.mtimeNsec = a.mtimeNsec; }
    if (a.mask & (ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_SIZE | ATTR_ATIME | ATTR_MTIME | ATTR_CTIME)) this.touchC();
    return 0;
  }

  override getxattr(name: string): Uint8Array | number {
    return this.xattrs?.get(name) ?? -ENODATA;
  }
  override setxattr(_d: Dentry | null, name: string, value: Uint8Array, flags: number): number {
    const had = this.xattrs?.has(name) ?? false;
    if ((flags & XATTR_CREATE) && had) return -EEXIST;
    if ((flags & XATTR_REPLACE) && !had) return -ENODATA;
    if (this.xattrs === null) this.xattrs = new Map();
    this.xattrs.set(name, value.slice());
    this.touchC();
    return 0;
  }
  override listxattr(): string[] | number { return this.xattrs === null ? [] : [...this.xattrs.keys()]; }
  override removexattr(_d: Dentry | null, name: string): number {
    if (this.xattrs === null || !this.xattrs.delete(name)) return -ENODATA;
    this.touchC();
    return 0;
  }

  /** The last link went (and, for files, the last open file): give the memory back. */
  dropLink(): void {
    if (--this.nlink <= 0) { this.nlink = 0; this.fs.inodes--; this.maybeFree(); }
    this.touchC();
  }
  maybeFree(): void {}
}

/** Whiteouts (overlay upper layers only) are character devices 0:0, as in Linux's overlayfs. */
export function isWhiteout(i: Inode): boolean {
  return (i.mode & S_IFMT) === S_IFCHR && i instanceof TmpInode && i.rdev === 0;
}

export class TmpDir extends TmpInode {
  /** Entries by name, in creation order (getdents order). */
  readonly entries = new Map<string, TmpInode>();
  /** Overlay: this upper directory hides the lower one entirely (trusted.overlay.opaque). */
  opaque = false;

  constructor(fs: Tmpfs, ino: number, mode: number, uid: number, gid: number) {
    super(fs, ino, mode, uid, gid);
    this.nlink = 2;
  }

  override get size(): number { return (this.entries.size + 2) * BOGO_DIRENT; }

  override lookup(_ctx: VfsCtx, name: string): Inode | number { return this.entries.get(name) ?? -ENOENT; }

  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    return new TmpDirFile(flags, this);
  }

  /** Adds an entry (a fresh inode or a new link). */
  addEntry(name: string, i: TmpInode): void {
    this.entries.set(name, i);
    if (i.isDir) this.nlink++;
    this.touchMC();
  }

  /** Removes an entry; the inode loses the link. */
  removeEntry(name: string): TmpInode | undefined {
    const i = this.entries.get(name);
    if (i === undefined) return undefined;
    this.entries.delete(name);
    if (i.isDir) { this.nlink--; i.nlink = 0; i.fs.inodes--; i.touchC(); } else i.dropLink();
    this.touchMC();
    return i;
  }

  override create(_dir: Dentry, name: string, mode: number, uid: number, gid: number, rdev: number,
    target: string | null): Inode | number {
    if (this.entries.has(name)) return -EEXIST;
    const i = this.fs.newInode(mode, uid, gid, rdev, target);
    this.addEntry(name, i);
    return i;
  }

  override tmpfile(_dir: Dentry, mode: number, uid: number, gid: number): Inode | number {
    const i = this.fs.newInode(S_IFREG | (mode & 0o7777), uid, gid, 0, null);
    i.nlink = 0;
    return i;
  }

  override link(_dir: Dentry, name: string, old: Dentry): number {
    const i = old.inode;
    if (!(i instanceof TmpInode) || i.fs !== this.fs) return -EPERM;
    return this.linkInode(name, i);
  }

  /** Adds a link to inode i (link(2), and the overlay's links in its upper layer). */
  linkInode(name: string, i: TmpInode): number {
    if (this.entries.has(name)) return -EEXIST;
    if (i.nlink >= LINK_MAX) return -EMLINK;
    if (i.nlink === 0) this.fs.inodes++;
    i.nlink++;
    i.touchC();
    this.addEntry(name, i);
    return 0;
  }

  override unlink(_dir: Dentry, name: string, _victim: Dentry): number {
    return this.removeEntry(name) === undefined ? -ENOENT : 0;
  }

  override rmdir(_dir: Dentry, name: string, victim: Dentry): number {
    const v = victim.inode;
    if (v instanceof TmpDir && !v.emptyForRmdir()) return -ENOTEMPTY;
    return this.removeEntry(name) === undefined ? -ENOENT : 0;
  }

  /** Empty, for rmdir and rename over it: no entries but whiteouts (an overlay's upper dir). */
  emptyForRmdir(): boolean {
    for (const i of this.entries.values()) if (!isWhiteout(i)) return false;
    return true;
  }

  override rename(_dir: Dentry, oldName: string, _src: Dentry, newDir: Dentry, newName: string, _target: Dentry | null,
    flags: number): number {
    const nd = newDir.inode;
    if (!(nd instanceof TmpDir)) return -EPERM;
    return this.renameEntry(oldName, nd, newName, flags);
  }

  /** The entry-level rename (the overlay uses it on its upper layer too). */
  renameEntry(oldName: string, nd: TmpDir, newName: string, flags: number): number {
    const src = this.entries.get(oldName);
    if (src === undefined) return -ENOENT;
    const tgt = nd.entries.get(newName);
    if (flags & RENAME_EXCHANGE) {
      if (tgt === undefined) return -ENOENT;
      this.entries.set(oldName, tgt);
      nd.entries.set(newName, src);
      if (this !== nd && src.isDir !== tgt.isDir) {
        if (src.isDir) { this.nlink--; nd.nlink++; } else { this.nlink++; nd.nlink--; }
      }
      src.touchC(); tgt.touchC(); this.touchMC(); nd.touchMC();
      return 0;
    }
    if (tgt === src) return 0;
    if (tgt !== undefined) {
      if (tgt instanceof TmpDir && !tgt.emptyForRmdir()) return -ENOTEMPTY;
      nd.removeEntry(newName);
    }
    this.entries.delete(oldName);
    if (src.isDir) this.nlink--;
    nd.entries.set(newName, src);
    if (src.isDir) nd.nlink++;
    src.touchC();
    this.touchMC();
    if (nd !== this) nd.touchMC();
    return 0;
  }

  override stat(dv: DataView, off: number): number { return super.stat(dv, off); }
}

export class TmpSymlink extends TmpInode {
  constructor(fs: Tmpfs, ino: number, mode: number, uid: number, gid: number, readonly target: string) {
    super(fs, ino, S_IFLNK | 0o777, uid, gid);
    void mode;
  }
  override get size(): number { return this.target.length; }
  override get blocks(): number { return this.target.length >= SHORT_SYMLINK ? 8 : 0; }
  override readlink(_ctx: VfsCtx): string | number { this.touchA(); return this.target; }
  override open(): FileDescription | number { return -EINVAL; }
}

/** FIFOs, sockets, device nodes and whiteouts. */
export class TmpSpecial extends TmpInode {
  /** A FIFO's pipe, made at the first open and kept while the inode lives. */
  fifo: FifoState | null = null;
  override get size(): number { return 0; }
  override open(ctx: VfsCtx, dentry: Dentry, flags: number): FileDescription | number {
    switch (this.mode & S_IFMT) {
      case S_IFIFO: return openFifo(this, ctx, dentry, flags);
      case S_IFSOCK: return -ENXIO;
      default: return -ENXIO; // device nodes are refused before (nodev), whiteouts never reached
    }
  }
}

/** A regular file: pages of MemoryFile frames (frame + 1; 0 is a hole). */
export class TmpFile extends TmpInode implements Mappable {
  pages: number[] = [];
  private _size = 0;
  /** Open file descriptions; the data goes once this and nlink are both 0. */
  openCount = 0;
  /** Seals (F_SEAL_*): every tmpfs file starts sealed with F_SEAL_SEAL (no more seals), as
   *  Linux's shmem; memfds made with MFD_ALLOW_SEALING start with none. */
  seals = 1;
  get dev(): number { return this.sb.dev; }

  override get size(): number { return this._size; }
  override get blocks(): number {
    let n = 0;
    for (const p of this.pages) if (p !== 0) n++;
    return n * 8;
  }

  override open(_ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    return new TmpRegFile(flags, this);
  }

  private bytesOf(pa: number): Uint8Array { return this.fs.mem.bytes(pa); }

  /** The frame for page index i, allocated (zeroed) when absent; -ENOSPC when memory is out. */
  frame(i: number): number {
    const p = this.pages[i] ?? 0;
    if (p !== 0) return p - 1;
    if (this.fs.usedBytes + PAGE > this.fs.maxBytes) return -ENOSPC;
    const pa = this.fs.mem.alloc4K();
    if (pa < 0) return -ENOSPC;
    while (this.pages.length < i) this.pages.push(0);
    this.pages[i] = pa + 1;
    this.fs.usedBytes += PAGE;
    return pa;
  }

  /** Reads [pos, pos+len) into dst[off..]; bytes read (0 at EOF). */
  readAt(dst: Uint8Array, off: number, len: number, pos: number): number {
    if (pos >= this._size) return 0;
    const n = Math.min(len, this._size - pos);
    let done = 0;
    while (done < n) {
      const p = pos + done, i = Math.floor(p / PAGE), po = p % PAGE;
      const chunk = Math.min(PAGE - po, n - done);
      const f = this.pages[i] ?? 0;
      if (f === 0) dst.fill(0, off + done, off + done + chunk);
      else {
        const b = this.bytesOf(f - 1), bi = byteIndex(f - 1) + po;
        dst.set(b.subarray(bi, bi + chunk), off + done);
      }
      done += chunk;
    }
    return n;
  }

  /** Writes src[off, off+len) at pos; bytes written or -errno (ENOSPC, EFBIG). */
  writeAt(src: Uint8Array, off: number, len: number, pos: number): number {
    if (len === 0) return 0;
    if (pos >= MAX_FILE) return -EFBIG;
    if (pos + len > MAX_FILE) len = MAX_FILE - pos;
    let done = 0;
    while (done < len) {
      const p = pos + done, i = Math.floor(p / PAGE), po = p % PAGE;
      const chunk = Math.min(PAGE - po, len - done);
      const pa = this.frame(i);
      if (pa < 0) { if (done === 0) return pa; break; }
      const b = this.bytesOf(pa), bi = byteIndex(pa) + po;
      b.set(src.subarray(off + done, off + done + chunk), bi);
      done += chunk;
    }
    if (pos + done > this._size) this._size = pos + done;
    this.touchMC();
    return done;
  }

  /** Sets the size: pages past it are freed, the tail of the last one zeroed. */
  truncate(size: number): number {
    if (size > MAX_FILE) return -EFBIG;
    if (size < this._size) {
      const keep = Math.ceil(size / PAGE);
      for (let i = keep; i < this.pages.length; i++) this.freePage(i);
      this.pages.length = Math.min(this.pages.length, keep);
      const po = size % PAGE;
      const f = this.pages[Math.floor(size / PAGE)] ?? 0;
      if (po !== 0 && f !== 0) {
        const b = this.bytesOf(f - 1), bi = byteIndex(f - 1);
        b.fill(0, bi + po, bi + PAGE);
      }
    }
    this._size = size;
    this.touchMC();
    return 0;
  }

  /** fallocate: mode 0 allocates [off, off+len) (and grows the size unless KEEP_SIZE);
   *  PUNCH_HOLE frees whole pages inside and zeroes the edges. */
  allocate(off: number, len: number, keepSize: boolean): number {
    const end = off + len;
    if (end > MAX_FILE) return -EFBIG;
    for (let i = Math.floor(off / PAGE); i < Math.ceil(end / PAGE); i++) {
      const r = this.frame(i);
      if (r < 0) return r;
    }
    if (!keepSize && end > this._size) this._size = end;
    this.touchC();
    return 0;
  }

  punch(off: number, len: number): void {
    const end = Math.min(off + len, this._size);
    for (let p = off; p < end;) {
      const i = Math.floor(p / PAGE), po = p % PAGE, chunk = Math.min(PAGE - po, end - p);
      const f = this.pages[i] ?? 0;
      if (f !== 0) {
        if (chunk === PAGE) this.freePage(i);
        else { const b = this.bytesOf(f - 1), bi = byteIndex(f - 1) + po; b.fill(0, bi, bi + chunk); }
      }
      p += chunk;
    }
    this.touchMC();
  }

  private freePage(i: number): void {
    const f = this.pages[i] ?? 0;
    if (f === 0) return;
    this.pages[i] = 0;
    this.fs.mem.decRef(f - 1);
    this.fs.usedBytes -= PAGE;
  }

  /** Set once the file is mapped: a mapping keeps the file (Linux: the VMA holds the file), so
   *  its pages stay until the file object itself is collected (mappings have no release hook). */
  private mapped = false;

  override maybeFree(): void {
    if (this.nlink === 0 && this.openCount === 0 && !this.mapped) {
      for (let i = 0; i < this.pages.length; i++) this.freePage(i);
      this.pages.length = 0;
    }
  }

  /** The backing for mmap (the file itself); from now on the pages outlive closes and unlinks. */
  mapping(): Mappable {
    if (!this.mapped) {
      this.mapped = true;
      mappedFiles.register(this, { pages: this.pages, fs: this.fs });
    }
    return this;
  }

  // ---- Mappable: tmpfs pages are mapped as they are (shared), never copied.
  readForMap(dst: Uint8Array, off: number, len: number, fileOffset: number): number {
    const n = this.readAt(dst, off, len, fileOffset);
    if (n < len) dst.fill(0, off + n, off + len);
    return len;
  }
  sharedFrame(fileOffset: number): number {
    if (fileOffset >= this._size) return -1;
    const pa = this.frame(Math.floor(fileOffset / PAGE));
    return pa < 0 ? -1 : pa;
  }
}

/** Frees the pages of a mapped tmpfs file once nothing refers to the file any more. */
const mappedFiles = new FinalizationRegistry<{ pages: number[]; fs: Tmpfs }>(({ pages, fs }) => {
  for (const f of pages) if (f !== 0) { fs.mem.decRef(f - 1); fs.usedBytes -= PAGE; }
  pages.length = 0;
});

/** An open tmpfs regular file. */
export class TmpRegFile extends InodeFile {
  constructor(flags: number, readonly file: TmpFile) {
    super(flags);
    file.openCount++;
  }
  override get seekable(): boolean { return true; }

  override read(_t: Task, dst: Uint8Array, off: number, len: number, pos: number): number {
    const p = pos < 0 ? this.pos : pos;
    const n = this.file.readAt(dst, off, len, p);
    if (pos < 0) this.pos = p + n;
    this.file.touchA();
    return n;
  }

  override write(_t: Task, src: Uint8Array, off: number, len: number, pos: number): number {
    if (this.file.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    let p: number;
    if (pos < 0) p = (this.flags & O_APPEND) ? this.file.size : this.pos;
    else p = (this.flags & O_APPEND) ? this.file.size : pos; // pwrite on O_APPEND appends (Linux)
    if ((this.file.seals & F_SEAL_GROW) && p + len > this.file.size) {
      if (p >= this.file.size) return -EPERM;
      len = this.file.size - p;
    }
    const n = this.file.writeAt(src, off, len, p);
    if (n > 0) {
      if (pos < 0) this.pos = p + n;
      // A write by anyone drops set-user-ID, and set-group-ID with group execute (file_remove_privs).
      if (this.file.mode & S_ISUID) this.file.mode &= ~S_ISUID;
      if ((this.file.mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) this.file.mode &= ~S_ISGID;
    }
    return n;
  }

  override seek(offset: number, whence: number): number {
    let p: number;
    const size = this.file.size;
    switch (whence) {
      case SEEK_SET: p = offset; break;
      case SEEK_CUR: p = this.pos + offset; break;
      case SEEK_END: p = size + offset; break;
      case SEEK_DATA: if (offset < 0 || offset >= size) return -ENXIO; p = offset; break;
      case SEEK_HOLE: if (offset < 0 || offset >= size) return -ENXIO; p = size; break;
      default: return -EINVAL;
    }
    if (p < 0 || !Number.isFinite(p)) return -EINVAL;
    this.pos = p;
    return p;
  }

  override ioctl(t: Task, request: number, arg: number): number {
    if (request === FIONREAD) {
      return t.mm.writeU32(arg, Math.max(0, this.file.size - this.pos) | 0) < 0 ? -EFAULT : 0;
    }
    return super.ioctl(t, request, arg);
  }

  override fcntl(t: Task, cmd: number, arg: number): number {
    if (cmd === F_ADD_SEALS) {
      if (!this.writable) return -EPERM;
      if (arg & ~(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)) return -EINVAL;
      if (this.file.seals & F_SEAL_SEAL) return -EPERM;
      this.file.seals |= arg;
      return 0;
    }
    if (cmd === F_GET_SEALS) return this.file.seals;
    return super.fcntl(t, cmd, arg);
  }

  override mappable(): Mappable | null { return this.file.mapping(); }

  override release(): void {
    this.file.openCount--;
    this.file.maybeFree();
    super.release();
  }
}

export const F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
export const F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8, F_SEAL_FUTURE_WRITE = 16,
  F_SEAL_EXEC = 32;

/** An open tmpfs directory: the listing is taken when reading starts at 0 (and after a rewind);
 *  the position is an index into it, entries removed since are skipped. */
export class TmpDirFile extends InodeFile {
  private list: [string, TmpInode][] | null = null;
  constructor(flags: number, readonly dir: TmpDir) { super(flags); }
  override get seekable(): boolean { return true; }
  override read(): number { return -EISDIR; }

  override getdents64(_t: Task, dst: Uint8Array, off: number, len: number): number {
    const d = this.dentry;
    if (d === null) return -EBADF;
    if (this.list === null || this.pos === 0) this.list = [...this.dir.entries];
    const parentIno = d.parent !== null ? d.parent.inode.ino : this.dir.ino;
    const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
    let p = off;
    for (;;) {
      const i = this.pos;
      if (i >= this.list.length + 2) break;
      let name: string, ino: number, type: number;
      if (i < 2) { name = i === 0 ? '.' : '..'; ino = i === 0 ? this.dir.ino : parentIno; type = DT_DIR; } else {
        const [n, inode] = this.list[i - 2]!;
        if (this.dir.entries.get(n) !== inode) { this.pos = i + 1; continue; }
        name = n; ino = inode.ino; type = dtype(inode.mode);
      }
      const r = putDirent64(dst, dv, p, off + len - p, ino, i + 1, type, name);
      if (r === 0) { if (p === off) return -EINVAL; break; }
      p += r;
      this.pos = i + 1;
    }
    this.dir.touchA();
    return p - off;
  }

  override seek(offset: number, whence: number): number { return seekSetCur(this, offset, whence); }
}
