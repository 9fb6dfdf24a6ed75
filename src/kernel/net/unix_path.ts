// Names of unix sockets: finding the endpoint an address names (abstract
// names in the sandbox's table; path names through the sandbox's own VFS walk,
// to a socket inode whose bound endpoint is attached to it), and binding to a
// path (a socket inode created in the sandbox's file system, never on the host).
import { ECONNREFUSED } from '../errno';
import { S_IFMT, S_IFSOCK } from '../abi/stat';
import { AT_FDCWD } from '../abi/fcntl';
import type { Task } from '../task';
import type { Dentry } from '../vfs/dentry';
import type { Inode } from '../vfs/inode';
import { MAY_WRITE, permission } from '../vfs/perm';
import { AT_FOLLOW, lookupPathAt } from '../syscalls/fs_common';
import { bsdPath, checkType, type BoundInode, UnixSocket } from './unix';

/** Socket inodes of file systems that do not keep an endpoint themselves (a writable host root),
 *  by st_dev and st_ino. */
class InodeSlot implements BoundInode {
  constructor(readonly table: Map<string, InodeSlot>, readonly key: string) {}
  private bound: unknown = null;
  get boundSocket(): unknown { return this.bound; }
  set boundSocket(s: unknown) {
    this.bound = s;
    if (s === null) this.table.delete(this.key); else this.table.set(this.key, this);
  }
}
const slotTables = new WeakMap<object, Map<string, InodeSlot>>();

/** Where the endpoint bound to a socket inode is kept: the inode itself (tmpfs), the upper inode
 *  of an overlay inode, or a slot by (st_dev, st_ino). */
export function holderOf(t: Task, inode: Inode): BoundInode {
  if ('boundSocket' in inode) return inode as unknown as BoundInode;
  const upper = (inode as { upper?: unknown }).upper;
  if (typeof upper === 'object' && upper !== null && 'boundSocket' in upper) return upper as BoundInode;
  let table = slotTables.get(t.kernel);
  if (table === undefined) { table = new Map(); slotTables.set(t.kernel, table); }
  const key = `${inode.sb.dev}:${inode.ino}`;
  return table.get(key) ?? new InodeSlot(table, key);
}

/** unix_find_bsd: walks the path (following links) as the caller; write permission on the socket
 *  inode is needed; anything but a socket inode with a bound endpoint refuses the connection. */
export function findBsd(t: Task, addr: Uint8Array, len: number, type: number): UnixSocket | number {
  const { path } = bsdPath(addr, len);
  const r = lookupPathAt(t, AT_FDCWD, path, AT_FOLLOW);
  if (typeof r === 'number') return r;
  const d = r as Dentry;
  const inode = d.inode;
  let res: UnixSocket | number = -ECONNREFUSED;
  const e = permission(inode, t.creds, MAY_WRITE);
  if (e < 0) res = e;
  else if ((inode.mode & S_IFMT) === S_IFSOCK) {
    const bound = holderOf(t, inode).boundSocket;
    if (bound instanceof UnixSocket && !bound.dead) res = checkType(bound, type);
  }
  d.put();
  return res;
}

/** unix_find_other: the endpoint an address names, or -errno (ECONNREFUSED, ENOENT, EPROTOTYPE, ...). */
export function findOther(t: Task, addr: Uint8Array, len: number, type: number): UnixSocket | number {
  if (addr[2] !== 0) return findBsd(t, addr, len, type);
  return UnixSocket.findAbstract(t.kernel, type, addr, len);
}
