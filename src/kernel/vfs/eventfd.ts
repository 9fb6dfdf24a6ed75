// eventfd (fs/eventfd.c): a 64-bit counter behind an fd. A write adds to it
// (blocking while the sum would pass 2^64-2), a read takes all of it, or 1 in
// semaphore mode (blocking while it is 0). The counter is kept as two 32-bit
// halves: exact over the whole u64 range without BigInt.
import { EAGAIN, EFAULT, EINVAL } from '../errno';
import { O_NONBLOCK } from '../abi/fcntl';
import { POLLERR, POLLIN, POLLOUT } from '../abi/poll';
import { ReadyQueue } from '../poll';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import { AnonFile } from './anon';
import type { IoIter } from './iov_iter';

const TWO32 = 4294967296;
const MAX32 = 0xffffffff;
const val = new Uint8Array(8);
const valDv = new DataView(val.buffer);

function finish(t: Task, r: number): number {
  if (t.waitActive) t.endWait();
  return r;
}

export class EventFd extends AnonFile {
  /** The counter: hi * 2^32 + lo. Invariant: never 2^64-1 (ULLONG_MAX) through writes. */
  hi = 0;
  lo = 0;
  /** Readers and writers wait here; pollers too (one queue, as Linux's ctx->wqh). */
  readonly wq = new ReadyQueue();

  constructor(initval: number, flags: number, readonly semaphore: boolean) {
    super(flags, 'eventfd');
    this.lo = initval >>> 0;
  }

  private get zero(): boolean { return this.hi === 0 && this.lo === 0; }

  override readIter(t: Task, it: IoIter): number {
    if (it.count < 8) return finish(t, -EINVAL);
    if (this.zero) {
      if (this.flags & O_NONBLOCK) return finish(t, -EAGAIN);
      t.blockOn(this.wq);
      return RET_BLOCK;
    }
    let hi: number, lo: number;
    if (this.semaphore) { hi = 0; lo = 1; } else { hi = this.hi; lo = this.lo; }
    // Subtract (hi, lo) from the counter; as in Linux the value is taken before the copy-out, so
    // a fault loses it.
    if (this.lo >= lo) this.lo -= lo; else { this.lo = this.lo + TWO32 - lo; this.hi -= 1; }
    this.hi -= hi;
    this.wq.notify(POLLOUT);
    valDv.setUint32(0, lo, true);
    valDv.setUint32(4, hi, true);
    if (it.copyTo(val, 0, 8) < 8) return finish(t, -EFAULT);
    return finish(t, 8);
  }

  override writeIter(t: Task, it: IoIter): number {
    if (it.count < 8) return finish(t, -EINVAL);
    if (it.copyFrom(val, 0, 8) < 8) return finish(t, -EFAULT);
    const lo = valDv.getUint32(0, true), hi = valDv.getUint32(4, true);
    if (hi === MAX32 && lo === MAX32) return finish(t, -EINVAL);
    if (!this.fits(hi, lo)) {
      if (this.flags & O_NONBLOCK) return finish(t, -EAGAIN);
      t.blockOn(this.wq);
      return RET_BLOCK;
    }
    let nlo = this.lo + lo, nhi = this.hi + hi;
    if (nlo >= TWO32) { nlo -= TWO32; nhi += 1; }
    this.lo = nlo; this.hi = nhi;
    this.wq.notify(POLLIN);
    return finish(t, 8);
  }

  /** ULLONG_MAX - count > v: the sum stays at most 2^64 - 2. */
  private fits(hi: number, lo: number): boolean {
    // room = (2^64 - 1) - count, as halves.
    const roomHi = MAX32 - this.hi, roomLo = MAX32 - this.lo;
    return roomHi > hi || (roomHi === hi && roomLo > lo);
  }

  override poll(_t: Task): number {
    let mask = 0;
    if (!this.zero) mask |= POLLIN;
    if (this.hi === MAX32 && this.lo === MAX32) mask |= POLLERR;
    // ULLONG_MAX - 1 > count
    if (this.hi < MAX32 || this.lo < MAX32 - 1) mask |= POLLOUT;
    return mask;
  }

  override readyQueue(): ReadyQueue { return this.wq; }

  /** The counter as /proc/self/fdinfo shows it ("eventfd-count: %16llx"). */
  countHex(): string {
    return this.hi === 0 ? this.lo.toString(16) : this.hi.toString(16) + this.lo.toString(16).padStart(8, '0');
  }
}
