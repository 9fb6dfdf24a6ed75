// /dev/zero (1:5): reads give zeroes, writes vanish; a private mapping is zero-filled memory.
import type { Task } from '../kernel/task';
import type { Mappable } from '../kernel/mm/vma';
import { makedev } from '../kernel/abi/stat';
import { CharDeviceFile } from './char_device';
import { registerDevice } from './registry';

/** Pages of a /dev/zero mapping: fresh frames are already zero. */
const zeroMappable: Mappable = {
  readForMap(dst: Uint8Array, off: number, len: number): number { dst.fill(0, off, off + len); return len; },
  dev: makedev(0, 6),
  ino: 5,
};

export class ZeroFile extends CharDeviceFile {
  override read(_t: Task, dst: Uint8Array, off: number, len: number, _pos: number): number {
    dst.fill(0, off, off + len);
    return len;
  }
  override write(_t: Task, _src: Uint8Array, _off: number, len: number, _pos: number): number { return len; }
  override mappable(): Mappable | null { return zeroMappable; }
}

registerDevice({ name: 'zero', major: 1, minor: 5, perm: 0o666, open: (flags) => new ZeroFile(flags) });
