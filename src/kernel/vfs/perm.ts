// Permission checks (Linux's inode_permission / generic_permission) against the
// sandbox's own credentials: the guest's uid 0 has every capability, as root in
// a container does; host ownership and modes are what the guest sees.
import { EACCES, EROFS } from '../errno';
import { S_IFMT, S_IFDIR, S_IFREG, S_IFLNK } from '../abi/stat';
import type { Credentials } from '../task';
import type { Inode } from './inode';

export const MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4;

/** 0, -EROFS (a write on a read-only file system) or -EACCES. `real`: check with the real ids
 *  (access(2) without AT_EACCESS) instead of the file-system ids. */
export function permission(inode: Inode, creds: Credentials | null, mask: number, real = false): number {
  const type = inode.mode & S_IFMT;
  if ((mask & MAY_WRITE) && inode.sb.readonly && (type === S_IFREG || type === S_IFDIR || type === S_IFLNK)) {
    return -EROFS;
  }
  return modePermission(inode.mode, inode.uid, inode.gid, creds, mask, real);
}

/** generic_permission on bare mode/uid/gid. */
export function modePermission(mode: number, uid: number, gid: number, creds: Credentials | null, mask: number,
  real = false): number {
  mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
  if (mask === 0) return 0;
  const fsuid = creds === null ? 0 : real ? creds.uid : creds.fsuid;
  const isDir = (mode & S_IFMT) === S_IFDIR;
  if (fsuid === 0) {
    // CAP_DAC_OVERRIDE: everything but executing a file with no execute bit at all.
    if ((mask & MAY_EXEC) && !isDir && (mode & 0o111) === 0) return -EACCES;
    return 0;
  }
  let bits: number;
  if (fsuid === uid) bits = (mode >> 6) & 7;
  else if (inGroup(creds!, gid, real)) bits = (mode >> 3) & 7;
  else bits = mode & 7;
  return (bits & mask) === mask ? 0 : -EACCES;
}

function inGroup(c: Credentials, gid: number, real: boolean): boolean {
  if ((real ? c.gid : c.fsgid) === gid) return true;
  for (const g of c.groups) if (g === gid) return true;
  return false;
}
