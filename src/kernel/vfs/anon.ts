// Anonymous-inode files (fs/anon_inodes.c): eventfd, timerfd, epoll (and later
// signalfd, inotify, ...). They all share one inode of anon_inodefs, as Linux's
// anon_inode_getfile does: fstat shows st_mode 0600 with no file type bits, the
// same st_ino for all of them, and /proc/self/fd shows "anon_inode:[NAME]".
import { EINVAL, ENXIO } from '../errno';
import { ANON_INODE_MODE } from '../abi/poll';
import { ANON_INODE_FS_MAGIC } from '../abi/statfs';
import type { Task } from '../task';
import { Dentry } from './dentry';
import { FileDescription } from './file';
import { allocAnonDev, allocMntId, Inode, Superblock, type VfsCtx } from './inode';
import { synthStat } from './synthetic';

class AnonInode extends Inode {
  override get cacheable(): boolean { return false; }
  /** Reopening /proc/self/fd/N of an anonymous file: Linux opens the shared anon inode, whose
   *  file operations do nothing; here the open is refused as for a device that is not there. */
  override open(_ctx: VfsCtx, _dentry: Dentry, _flags: number): FileDescription | number { return -ENXIO; }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off); }
}

let anonSb: Superblock | null = null;
let anonInode: AnonInode | null = null;

/** The one anon_inodefs inode every anonymous file shares (ino 1 here). */
function sharedInode(): AnonInode {
  if (anonInode === null) {
    anonSb = new Superblock('anon_inodefs', allocAnonDev(), allocMntId(), false, ANON_INODE_FS_MAGIC);
    anonInode = new AnonInode(anonSb, 1, ANON_INODE_MODE);
  }
  return anonInode;
}

/** A file on the shared anonymous inode; `kind` names it ("eventfd", "timerfd", "eventpoll"). */
export abstract class AnonFile extends FileDescription {
  constructor(flags: number, readonly kind: string) {
    super(flags);
    this.dentry = new Dentry(null, `anon_inode:[${kind}]`, null, sharedInode()).get();
  }
  override stat(dv: DataView, off: number): number { return sharedInode().stat(dv, off); }
  override path(): string { return `anon_inode:[${this.kind}]`; }
  /** Anonymous files are pollable (eventfd, timerfd and epoll all have a poll operation). */
  override get pollable(): boolean { return true; }
  /** eventfd, timerfd and epoll all use noop_llseek: lseek succeeds and moves nothing. */
  override seek(_offset: number, _whence: number): number { return this.pos; }
  /** Reading a file that does not read: EINVAL (the FileDescription default, restated). */
  override read(_t: Task, _dst: Uint8Array, _off: number, _len: number, _pos: number): number { return -EINVAL; }
}
