// /dev/random (1:8) and /dev/urandom (1:9): reads give bytes from the host's
// CSPRNG (never blocking: the pool is always initialised, as on a booted
// Linux); writes are accepted and ignored (Linux mixes them into the pool
// without crediting entropy). lseek leaves the position alone (noop_llseek).
import { randomFill } from '../kernel/host_random';
import type { Task } from '../kernel/task';
import { EINVAL } from '../kernel/errno';
import { CharDeviceFile } from './char_device';
import { registerDevice } from './registry';

/** RNDGETENTCNT: the entropy count, as an int (a full pool). */
const RNDGETENTCNT = 0x80045200;
const POOL_BITS = 256;
const intBuf = new Uint8Array(4);

export class RandomFile extends CharDeviceFile {
  override read(_t: Task, dst: Uint8Array, off: number, len: number, _pos: number): number {
    randomFill(dst, off, len);
    return len;
  }
  override write(_t: Task, _src: Uint8Array, _off: number, len: number, _pos: number): number { return len; }
  override seek(_offset: number, _whence: number): number { return this.pos; }
  override ioctl(t: Task, request: number, arg: number): number {
    if (request !== RNDGETENTCNT) return -EINVAL; // random_ioctl's answer to the rest
    new DataView(intBuf.buffer).setInt32(0, POOL_BITS, true);
    return t.mm.copyOut(arg, intBuf, 0, 4);
  }
}

registerDevice({ name: 'random', major: 1, minor: 8, perm: 0o666, open: (flags) => new RandomFile(flags) });
registerDevice({ name: 'urandom', major: 1, minor: 9, perm: 0o666, open: (flags) => new RandomFile(flags) });
