// struct stat (x86_64, 144 bytes) and struct statx (256 bytes): layouts, file
// type bits, device numbers, and explicit little-endian encoders.
import { getI64, setU64 } from '../../platform/u64';

// ---- file type and permission bits (st_mode)
export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000,
  S_IFBLK = 0o060000, S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;
export const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;
export const S_IRWXUGO = 0o777, S_IALLUGO = 0o7777;

export function isDir(mode: number): boolean { return (mode & S_IFMT) === S_IFDIR; }
export function isReg(mode: number): boolean { return (mode & S_IFMT) === S_IFREG; }
export function isLnk(mode: number): boolean { return (mode & S_IFMT) === S_IFLNK; }
export function isChr(mode: number): boolean { return (mode & S_IFMT) === S_IFCHR; }
export function isBlk(mode: number): boolean { return (mode & S_IFMT) === S_IFBLK; }
export function isFifo(mode: number): boolean { return (mode & S_IFMT) === S_IFIFO; }
export function isSock(mode: number): boolean { return (mode & S_IFMT) === S_IFSOCK; }

// ---- dirent d_type values (DT_*), from the mode's type bits
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;
export function dtype(mode: number): number { return (mode & S_IFMT) >>> 12; }

// ---- device numbers: new_encode_dev / new_decode_dev (what st_dev and st_rdev hold)
export function makedev(major: number, minor: number): number {
  return (minor & 0xff) + major * 256 + Math.floor(minor / 256) * 1048576;
}
export function devMajor(dev: number): number { return Math.floor(dev / 256) % 4096; }
export function devMinor(dev: number): number { return (dev % 256) + Math.floor(dev / 1048576) * 256; }

// ---- struct stat (asm/stat.h, x86_64)
export const STAT_SIZE = 144;
export const ST_DEV = 0, ST_INO = 8, ST_NLINK = 16, ST_MODE = 24, ST_UID = 28, ST_GID = 32, ST_RDEV = 40,
  ST_SIZE = 48, ST_BLKSIZE = 56, ST_BLOCKS = 64, ST_ATIME = 72, ST_ATIME_NSEC = 80, ST_MTIME = 88,
  ST_MTIME_NSEC = 96, ST_CTIME = 104, ST_CTIME_NSEC = 112;

/** The fields of a struct stat, for file systems that make them up (procfs, devfs, ...). */
export class StatFields {
  dev = 0; ino = 0; nlink = 1; mode = 0; uid = 0; gid = 0; rdev = 0; size = 0; blksize = 4096; blocks = 0;
  atimeSec = 0; atimeNsec = 0; mtimeSec = 0; mtimeNsec = 0; ctimeSec = 0; ctimeNsec = 0;

  /** Writes the 144-byte struct at dv[off]. */
  encode(dv: DataView, off: number): void {
    setU64(dv, off + ST_DEV, this.dev);
    setU64(dv, off + ST_INO, this.ino);
    setU64(dv, off + ST_NLINK, this.nlink);
    dv.setUint32(off + ST_MODE, this.mode >>> 0, true);
    dv.setUint32(off + ST_UID, this.uid >>> 0, true);
    dv.setUint32(off + ST_GID, this.gid >>> 0, true);
    dv.setUint32(off + 36, 0, true);
    setU64(dv, off + ST_RDEV, this.rdev);
    setU64(dv, off + ST_SIZE, this.size);
    setU64(dv, off + ST_BLKSIZE, this.blksize);
    setU64(dv, off + ST_BLOCKS, this.blocks);
    setU64(dv, off + ST_ATIME, this.atimeSec);
    setU64(dv, off + ST_ATIME_NSEC, this.atimeNsec);
    setU64(dv, off + ST_MTIME, this.mtimeSec);
    setU64(dv, off + ST_MTIME_NSEC, this.mtimeNsec);
    setU64(dv, off + ST_CTIME, this.ctimeSec);
    setU64(dv, off + ST_CTIME_NSEC, this.ctimeNsec);
    for (let i = 120; i < STAT_SIZE; i += 4) dv.setUint32(off + i, 0, true);
  }

  /** Sets all three times to the same instant. */
  setTimes(sec: number, nsec: number): this {
    this.atimeSec = this.mtimeSec = this.ctimeSec = sec;
    this.atimeNsec = this.mtimeNsec = this.ctimeNsec = nsec;
    return this;
  }
}

export function statMode(dv: DataView, off: number): number { return dv.getUint32(off + ST_MODE, true); }
export function statUid(dv: DataView, off: number): number { return dv.getUint32(off + ST_UID, true); }
export function statGid(dv: DataView, off: number): number { return dv.getUint32(off + ST_GID, true); }
export function statIno(dv: DataView, off: number): number { return getI64(dv, off + ST_INO); }
export function statSize(dv: DataView, off: number): number { return getI64(dv, off + ST_SIZE); }
export function statDev(dv: DataView, off: number): number { return getI64(dv, off + ST_DEV); }
export function statRdev(dv: DataView, off: number): number { return getI64(dv, off + ST_RDEV); }
export function setStatDev(dv: DataView, off: number, dev: number): void { setU64(dv, off + ST_DEV, dev); }

// ---- struct statx (linux/stat.h)
export const STATX_STRUCT_SIZE = 256;
export const STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_NLINK = 0x4, STATX_UID = 0x8, STATX_GID = 0x10,
  STATX_ATIME = 0x20, STATX_MTIME = 0x40, STATX_CTIME = 0x80, STATX_INO = 0x100, STATX_SIZE = 0x200,
  STATX_BLOCKS = 0x400, STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX_MNT_ID = 0x1000,
  STATX_DIOALIGN = 0x2000, STATX_MNT_ID_UNIQUE = 0x4000, STATX_SUBVOL = 0x8000,
  STATX__RESERVED = 0x80000000;
export const STX_MASK = 0, STX_BLKSIZE = 4, STX_ATTRIBUTES = 8, STX_NLINK = 16, STX_UID = 20, STX_GID = 24,
  STX_MODE = 28, STX_INO = 32, STX_SIZE = 40, STX_BLOCKS = 48, STX_ATTRIBUTES_MASK = 56, STX_ATIME = 64,
  STX_BTIME = 80, STX_CTIME = 96, STX_MTIME = 112, STX_RDEV_MAJOR = 128, STX_RDEV_MINOR = 132,
  STX_DEV_MAJOR = 136, STX_DEV_MINOR = 140, STX_MNT_ID = 144, STX_DIO_MEM_ALIGN = 152,
  STX_DIO_OFFSET_ALIGN = 156, STX_SUBVOL = 160;

function setTs(dv: DataView, off: number, sec: number, nsec: number): void {
  setU64(dv, off, sec);
  dv.setUint32(off + 8, nsec >>> 0, true);
  dv.setUint32(off + 12, 0, true);
}

/** Builds a statx (basic stats, plus the mount id) from a struct stat at src[srcOff]. */
export function statxFromStat(src: DataView, srcOff: number, dst: DataView, dstOff: number, mntId: number): void {
  for (let i = 0; i < STATX_STRUCT_SIZE; i += 4) dst.setUint32(dstOff + i, 0, true);
  dst.setUint32(dstOff + STX_MASK, STATX_BASIC_STATS | STATX_MNT_ID, true);
  dst.setUint32(dstOff + STX_BLKSIZE, src.getUint32(srcOff + ST_BLKSIZE, true), true);
  dst.setUint32(dstOff + STX_NLINK, src.getUint32(srcOff + ST_NLINK, true), true);
  dst.setUint32(dstOff + STX_UID, src.getUint32(srcOff + ST_UID, true), true);
  dst.setUint32(dstOff + STX_GID, src.getUint32(srcOff + ST_GID, true), true);
  dst.setUint16(dstOff + STX_MODE, src.getUint32(srcOff + ST_MODE, true) & 0xffff, true);
  setU64(dst, dstOff + STX_INO, getI64(src, srcOff + ST_INO));
  setU64(dst, dstOff + STX_SIZE, getI64(src, srcOff + ST_SIZE));
  setU64(dst, dstOff + STX_BLOCKS, getI64(src, srcOff + ST_BLOCKS));
  setTs(dst, dstOff + STX_ATIME, getI64(src, srcOff + ST_ATIME), getI64(src, srcOff + ST_ATIME_NSEC));
  setTs(dst, dstOff + STX_MTIME, getI64(src, srcOff + ST_MTIME), getI64(src, srcOff + ST_MTIME_NSEC));
  setTs(dst, dstOff + STX_CTIME, getI64(src, srcOff + ST_CTIME), getI64(src, srcOff + ST_CTIME_NSEC));
  const rdev = getI64(src, srcOff + ST_RDEV), dev = getI64(src, srcOff + ST_DEV);
  dst.setUint32(dstOff + STX_RDEV_MAJOR, devMajor(rdev), true);
  dst.setUint32(dstOff + STX_RDEV_MINOR, devMinor(rdev), true);
  dst.setUint32(dstOff + STX_DEV_MAJOR, devMajor(dev), true);
  dst.setUint32(dstOff + STX_DEV_MINOR, devMinor(dev), true);
  setU64(dst, dstOff + STX_MNT_ID, mntId);
}
