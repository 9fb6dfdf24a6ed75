// Extended attributes: setxattr, getxattr, listxattr, removexattr and their
// l (no follow) and f (fd) forms. tmpfs (and the overlay's copies) keep them
// for real, as Linux's tmpfs: user.* on regular files and directories, and
// trusted.* and security.* (the sandbox's root has the capabilities those
// need). Files of the read-only host root have none (reads give ENODATA,
// writes EROFS); procfs and devfs refuse (EOPNOTSUPP).
import { E2BIG, EBADF, EFAULT, EINVAL, EOPNOTSUPP, EPERM, ERANGE } from '../errno';
import { AT_FDCWD } from '../abi/fcntl';
import type { Task } from '../task';
import type { Dentry } from '../vfs/dentry';
import { XATTR_CREATE, XATTR_NAME_MAX, XATTR_REPLACE, XATTR_SIZE_MAX } from '../vfs/tmpfs';
import { AT_FOLLOW, Dentry as DentryClass, lookupAt, scratch } from './fs_common';
import type { Handler } from './types';

/** The list of names, at most this long (XATTR_LIST_MAX). */
const XATTR_LIST_MAX = 65536;

/** Reads an attribute name: the string, or -ERANGE (empty or over 255 bytes), -EFAULT. */
function readName(t: Task, addr: number): string | number {
  const s = t.mm.readCString(addr, XATTR_NAME_MAX + 1, ERANGE);
  if (typeof s === 'number') return s;
  if (s.length === 0) return -ERANGE;
  return s;
}

/** Namespaces Linux's tmpfs accepts; others are EOPNOTSUPP. */
function nameOk(name: string): boolean {
  return name.startsWith('user.') || name.startsWith('trusted.') || name.startsWith('security.');
}

function target(t: Task, kind: 'path' | 'lpath' | 'fd', arg: number): Dentry | number {
  if (kind === 'fd') {
    const f = t.files.get(arg);
    if (f === null || f.isPath) return -EBADF;
    return f.dentry === null ? -EOPNOTSUPP : f.dentry.get();
  }
  const r = lookupAt(t, AT_FDCWD, arg, kind === 'path' ? AT_FOLLOW : 0);
  if (typeof r === 'number') return r;
  return r instanceof DentryClass ? r : -EBADF;
}

function doSet(t: Task, kind: 'path' | 'lpath' | 'fd'): number {
  const nameAddr = t.regs.arg(1), valAddr = t.regs.arg(2), size = t.regs.arg(3), flags = t.regs.argInt(4);
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
  const name = readName(t, nameAddr);
  if (typeof name === 'number') return name;
  if (size > XATTR_SIZE_MAX) return -E2BIG;
  const value = new Uint8Array(size);
  if (size > 0 && t.mm.copyIn(valAddr, value, 0, size) < 0) return -EFAULT;
  const d = target(t, kind, kind === 'fd' ? t.regs.argInt(0) : t.regs.arg(0));
  if (typeof d === 'number') return d;
  const i = d.inode;
  let e: number;
  if (!nameOk(name)) e = -EOPNOTSUPP;
  else if (name.startsWith('user.') && !i.isReg && !i.isDir) e = -EPERM;
  else if (name.startsWith('user.') && t.creds.fsuid !== 0 && t.creds.fsuid !== i.uid && !(i.mode & 0o222)) e = -EPERM;
  else e = i.setxattr(d, name, value, flags);
  d.put();
  return e;
}

function doGet(t: Task, kind: 'path' | 'lpath' | 'fd'): number {
  const nameAddr = t.regs.arg(1), valAddr = t.regs.arg(2), size = t.regs.arg(3);
  const name = readName(t, nameAddr);
  if (typeof name === 'number') return name;
  const d = target(t, kind, kind === 'fd' ? t.regs.argInt(0) : t.regs.arg(0));
  if (typeof d === 'number') return d;
  const v = nameOk(name) ? d.inode.getxattr(name) : -EOPNOTSUPP;
  d.put();
  if (typeof v === 'number') return v;
  if (size === 0) return v.length;
  if (size < v.length) return -ERANGE;
  if (v.length > 0 && t.mm.copyOut(valAddr, v, 0, v.length) < 0) return -EFAULT;
  return v.length;
}

function doList(t: Task, kind: 'path' | 'lpath' | 'fd'): number {
  const buf = t.regs.arg(1), size = t.regs.arg(2);
  const d = target(t, kind, kind === 'fd' ? t.regs.argInt(0) : t.regs.arg(0));
  if (typeof d === 'number') return d;
  const names = d.inode.listxattr();
  d.put();
  if (typeof names === 'number') return names;
  let n = 0;
  for (const s of names) n += s.length + 1;
  if (n > XATTR_LIST_MAX) return -E2BIG;
  if (size === 0) return n;
  if (size < n) return -ERANGE;
  let p = 0;
  for (const s of names) {
    for (let i = 0; i < s.length; i++) scratch[p++] = s.charCodeAt(i) & 0xff;
    scratch[p++] = 0;
  }
  if (n > 0 && t.mm.copyOut(buf, scratch, 0, n) < 0) return -EFAULT;
  return n;
}

function doRemove(t: Task, kind: 'path' | 'lpath' | 'fd'): number {
  const name = readName(t, t.regs.arg(1));
  if (typeof name === 'number') return name;
  const d = target(t, kind, kind === 'fd' ? t.regs.argInt(0) : t.regs.arg(0));
  if (typeof d === 'number') return d;
  const e = nameOk(name) ? d.inode.removexattr(d, name) : -EOPNOTSUPP;
  d.put();
  return e;
}

/** implements Linux setxattr(2) */
export const sysSetxattr: Handler = (t) => doSet(t, 'path');
/** implements Linux lsetxattr(2) */
export const sysLsetxattr: Handler = (t) => doSet(t, 'lpath');
/** implements Linux fsetxattr(2) */
export const sysFsetxattr: Handler = (t) => doSet(t, 'fd');
/** implements Linux getxattr(2) */
export const sysGetxattr: Handler = (t) => doGet(t, 'path');
/** implements Linux lgetxattr(2) */
export const sysLgetxattr: Handler = (t) => doGet(t, 'lpath');
/** implements Linux fgetxattr(2) */
export const sysFgetxattr: Handler = (t) => doGet(t, 'fd');
/** implements Linux listxattr(2) */
export const sysListxattr: Handler = (t) => doList(t, 'path');
/** implements Linux llistxattr(2) */
export const sysLlistxattr: Handler = (t) => doList(t, 'lpath');
/** implements Linux flistxattr(2) */
export const sysFlistxattr: Handler = (t) => doList(t, 'fd');
/** implements Linux removexattr(2) */
export const sysRemovexattr: Handler = (t) => doRemove(t, 'path');
/** implements Linux lremovexattr(2) */
export const sysLremovexattr: Handler = (t) => doRemove(t, 'lpath');
/** implements Linux fremovexattr(2) */
export const sysFremovexattr: Handler = (t) => doRemove(t, 'fd');

export const fsXattrSyscalls: Record<string, Handler> = {
  setxattr: sysSetxattr, lsetxattr: sysLsetxattr, fsetxattr: sysFsetxattr,
  getxattr: sysGetxattr, lgetxattr: sysLgetxattr, fgetxattr: sysFgetxattr,
  listxattr: sysListxattr, llistxattr: sysLlistxattr, flistxattr: sysFlistxattr,
  removexattr: sysRemovexattr, lremovexattr: sysLremovexattr, fremovexattr: sysFremovexattr,
};
