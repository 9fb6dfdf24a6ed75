// struct statfs (x86_64, 120 bytes) and the file-system magic numbers tsvisor reports.
import { setU64 } from '../../platform/u64';

export const STATFS_SIZE = 120;
export const F_TYPE = 0, F_BSIZE = 8, F_BLOCKS = 16, F_BFREE = 24, F_BAVAIL = 32, F_FILES = 40, F_FFREE = 48,
  F_FSID = 56, F_NAMELEN = 64, F_FRSIZE = 72, F_FLAGS = 80;
/** f_flags bits (ST_*). */
export const ST_RDONLY = 1, ST_NOSUID = 2, ST_NODEV = 4, ST_NOEXEC = 8, ST_VALID = 0x20;

export const PROC_SUPER_MAGIC = 0x9fa0, TMPFS_MAGIC = 0x01021994, OVERLAYFS_SUPER_MAGIC = 0x794c7630,
  ANON_INODE_FS_MAGIC = 0x09041934;

/** Writes a struct statfs for a file system that has no real capacity (procfs, devfs). */
export function putStatfs(dv: DataView, off: number, magic: number, fsid: number, flags: number): void {
  for (let i = 0; i < STATFS_SIZE; i += 4) dv.setUint32(off + i, 0, true);
  setU64(dv, off + F_TYPE, magic);
  setU64(dv, off + F_BSIZE, 4096);
  dv.setUint32(off + F_FSID, fsid >>> 0, true);
  setU64(dv, off + F_NAMELEN, 255);
  setU64(dv, off + F_FRSIZE, 4096);
  setU64(dv, off + F_FLAGS, flags | ST_VALID);
}
export const SYSFS_MAGIC = 0x62656572;
