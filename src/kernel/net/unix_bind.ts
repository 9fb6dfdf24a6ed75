// Binding a unix socket to a path (unix_bind_bsd): the socket inode is made in
// the sandbox's file system by the VFS's own creation (as mknod of S_IFSOCK,
// with the caller's umask), never on the host unless the root is a writable
// host passthrough the user asked for; a name that exists gives EADDRINUSE.
import { EADDRINUSE, EEXIST, EINVAL } from '../errno';
import { AT_FDCWD } from '../abi/fcntl';
import { S_IFSOCK } from '../abi/stat';
import type { Task } from '../task';
import { walkParent } from '../vfs/namei';
import { vfsCreate, vfsRemove } from '../vfs/vfs_ops';
import { startDir } from '../syscalls/fs_common';
import { bsdPath, type UnixSocket } from './unix';
import { holderOf } from './unix_path';

/** unix_bind_bsd. addr: the sockaddr_un bytes (len of them). 0 or -errno. */
export function bindBsd(t: Task, sock: UnixSocket, addr: Uint8Array, len: number): number {
  const { path, addrLen } = bsdPath(addr, len);
  const start = startDir(t, AT_FDCWD, path);
  if (typeof start === 'number') return start;
  const ctx = t.fs.ctx(t);
  const p = walkParent(ctx, start, path);
  if (typeof p === 'number') return p;
  const d = vfsCreate(ctx, p, S_IFSOCK | (0o777 & ~t.fs.umask), 0, null);
  if (typeof d === 'number') {
    p.dir.put();
    return d === -EEXIST ? -EADDRINUSE : d;
  }
  if (sock.addr !== null) {
    // Bound meanwhile (or before): what was made goes again.
    d.put();
    vfsRemove(ctx, p, false);
    p.dir.put();
    return -EINVAL;
  }
  p.dir.put();
  sock.attachInode(holderOf(t, d.inode), addr.slice(0, addrLen));
  d.put();
  return 0;
}
