// /dev/full (1:7): reads give zeroes, every write fails with ENOSPC.
import { ENOSPC } from '../kernel/errno';
import type { Task } from '../kernel/task';
import { CharDeviceFile } from './char_device';
import { registerDevice } from './registry';

export class FullFile extends CharDeviceFile {
  override read(_t: Task, dst: Uint8Array, off: number, len: number, _pos: number): number {
    dst.fill(0, off, off + len);
    return len;
  }
  override write(_t: Task, _src: Uint8Array, _off: number, _len: number, _pos: number): number { return -ENOSPC; }
}

registerDevice({ name: 'full', major: 1, minor: 7, perm: 0o666, open: (flags) => new FullFile(flags) });
