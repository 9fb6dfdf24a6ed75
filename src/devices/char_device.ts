// The base of tsvisor's character devices: opened through devfs, whose inode
// gives stat and path. Positions mean nothing: lseek returns 0, as Linux's
// null_lseek does for the memory devices.
import { InodeFile } from '../kernel/vfs/file';

export abstract class CharDeviceFile extends InodeFile {
  override get seekable(): boolean { return true; }
  override seek(_offset: number, _whence: number): number { this.pos = 0; return 0; }
}
