// /dev/null (1:3): reads give end of file, writes vanish.
import type { Task } from '../kernel/task';
import { CharDeviceFile } from './char_device';
import { registerDevice } from './registry';

export class NullFile extends CharDeviceFile {
  override read(_t: Task, _dst: Uint8Array, _off: number, _len: number, _pos: number): number { return 0; }
  override write(_t: Task, _src: Uint8Array, _off: number, len: number, _pos: number): number { return len; }
}

registerDevice({ name: 'null', major: 1, minor: 3, perm: 0o666, open: (flags) => new NullFile(flags) });
