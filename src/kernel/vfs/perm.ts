// Permission checks (Linux's inode_permission / generic_permission) against the
// sandbox's own credentials: the mode bits, then CAP_DAC_READ_SEARCH and
// CAP_DAC_OVERRIDE from the effective set (root holds them unless the
// container's capabilities leave them out); host ownership and modes are what
// the guest sees. A file whose owner has no id inside the sandbox (outside its
// id maps) is no one's, and no capability overrides its bits (Linux's
// capable_wrt_inode_uidgid).
import { EACCES, EROFS } from '../errno';
import { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, capInSet } from '../abi/capability';
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
  return modePermission(inode.mode, inode.permUid(), inode.permGid(), creds, mask, real);
}

/** capable_wrt_inode_uidgid: cap in the effective set, and the inode's owner and group have ids
 *  inside the sandbox. null creds: the kernel itself. */
export function capableWrtInode(creds: Credentials | null, inode: Inode, cap: number): boolean {
  return creds === null ||
    (inode.permUid() >= 0 && inode.permGid() >= 0 && capInSet(creds.capEffLo, creds.capEffHi, cap));
}

/** generic_permission on bare mode/uid/gid (as Inode.permUid/permGid give them: -1 for an owner
 *  outside the id maps). */
export function modePermission(mode: number, uid: number, gid: number, creds: Credentials | null, mask: number,
  real = false): number {
  mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
  if (mask === 0) return 0;
  let bits: number;
  if (creds === null) bits = 0; // the kernel itself: every capability, no ids
  else if ((real ? creds.uid : creds.fsuid) === uid) bits = (mode >> 6) & 7;
  else if (inGroup(creds, gid, real)) bits = (mode >> 3) & 7;
  else bits = mode & 7;
  if ((bits & mask) === mask) return 0;
  // access(2) checks with the real ids and, as do_faccessat's override, root's permitted
  // capabilities or none for another user.
  const has = (cap: number) => creds === null || (uid >= 0 && gid >= 0 &&
    (real ? creds.uid === 0 && capInSet(creds.capPrmLo, creds.capPrmHi, cap) : capInSet(creds.capEffLo, creds.capEffHi, cap)));
  if ((mode & S_IFMT) === S_IFDIR) {
    if (!(mask & MAY_WRITE) && has(CAP_DAC_READ_SEARCH)) return 0;
    return has(CAP_DAC_OVERRIDE) ? 0 : -EACCES;
  }
  if (mask === MAY_READ && has(CAP_DAC_READ_SEARCH)) return 0;
  // CAP_DAC_OVERRIDE: everything but executing a file with no execute bit at all.
  if (!(mask & MAY_EXEC) || (mode & 0o111) !== 0) return has(CAP_DAC_OVERRIDE) ? 0 : -EACCES;
  return -EACCES;
}


function inGroup(c: Credentials, gid: number, real: boolean): boolean {
  if ((real ? c.gid : c.fsgid) === gid) return true;
  for (const g of c.groups) if (g === gid) return true;
  return false;
}
