// timerfd (fs/timerfd.c): a timer whose expirations are read from an fd as a
// u64 count. Deadlines run on the kernel's timer heap in monotonic ns; a
// CLOCK_REALTIME or CLOCK_BOOTTIME absolute time is converted to a monotonic
// deadline when the timer is set (the sandbox cannot change the clocks, so the
// two never drift apart except by the host's own adjustments).
//
// As in Linux, a periodic timer is not re-armed from the expiry callback: the
// first expiry counts one tick and marks the timer expired; a read (or gettime)
// forwards it past now, counting the periods missed meanwhile, and re-arms it.
import { host } from '../../native';
import { EAGAIN, EFAULT, EINVAL } from '../errno';
import { O_NONBLOCK } from '../abi/fcntl';
import { POLLIN } from '../abi/poll';
import { ReadyQueue } from '../poll';
import type { Task } from '../task';
import type { Timer, Timers } from '../timers';
import { monotonicNs } from '../timers';
import { RET_BLOCK } from '../syscalls/types';
import { AnonFile } from './anon';
import type { IoIter } from './iov_iter';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8,
  CLOCK_BOOTTIME_ALARM = 9;

const TWO32 = 4294967296;
const ts = new Float64Array(2);
const val = new Uint8Array(8);
const valDv = new DataView(val.buffer);

/** The current time of a timerfd clock in ns. */
export function clockNowNs(clock: number): number {
  const id = clock === CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : clock === CLOCK_BOOTTIME_ALARM ? CLOCK_BOOTTIME : clock;
  if (id === CLOCK_MONOTONIC) return monotonicNs();
  host.clockGettime(id, ts);
  return ts[0]! * 1e9 + ts[1]!;
}

function finish(t: Task, r: number): number {
  if (t.waitActive) t.endWait();
  return r;
}

export class TimerFd extends AnonFile {
  /** Expirations not yet read. */
  ticks = 0;
  /** The last expiry fired and a periodic timer waits to be forwarded (ctx->expired). */
  private expired = false;
  /** The next (or last) expiry, monotonic ns; 0 when never armed. */
  private expiresNs = 0;
  /** Period in ns; 0 for a one-shot timer. */
  intervalNs = 0;
  private armed = false;
  private timer: Timer | null = null;
  readonly wq = new ReadyQueue();

  constructor(readonly clock: number, flags: number, private readonly timers: Timers) {
    super(flags, 'timerfd');
  }

  private cancel(): void {
    if (this.timer !== null) { this.timers.cancel(this.timer); this.timer = null; }
    this.armed = false;
  }

  private start(deadline: number): void {
    this.expiresNs = deadline;
    this.armed = true;
    this.timer = this.timers.add(deadline, () => this.fire());
  }

  /** The expiry callback (timerfd_tmrproc). */
  private fire(): void {
    this.timer = null;
    this.armed = false;
    this.expired = true;
    this.ticks++;
    this.wq.notify(POLLIN);
  }

  /** hrtimer_forward_now + restart: moves the expiry past now; the periods passed. */
  private forward(): number {
    const now = monotonicNs();
    if (now < this.expiresNs) return 0;
    const n = Math.floor((now - this.expiresNs) / this.intervalNs) + 1;
    this.cancel();
    this.start(this.expiresNs + n * this.intervalNs);
    return n;
  }

  /** Time left to the next expiry in ns (0 when disarmed or due). */
  remainingNs(): number {
    if (this.expired && this.intervalNs > 0) {
      this.expired = false;
      this.ticks += this.forward() - 1;
    }
    if (!this.armed) return 0;
    return Math.max(0, this.expiresNs - monotonicNs());
  }

  /**
   * timerfd_settime's worker: valueNs 0 disarms; absolute values are times on the timer's
   * clock. Returns the old setting as [remaining ns, interval ns].
   */
  set(valueNs: number, intervalNs: number, absolute: boolean): [number, number] {
    const old: [number, number] = [this.remainingNs(), this.intervalNs];
    this.cancel();
    this.expired = false;
    this.ticks = 0;
    this.intervalNs = intervalNs;
    if (valueNs !== 0) {
      const now = monotonicNs();
      // An absolute time already past expires at once; its expiry stays in the past, so a
      // periodic timer counts the periods it missed at the first read.
      const deadline = absolute ? now + (valueNs - clockNowNs(this.clock)) : now + valueNs;
      this.start(deadline);
    }
    return old;
  }

  override readIter(t: Task, it: IoIter): number {
    if (it.count < 8) return finish(t, -EINVAL);
    if (this.ticks === 0) {
      if (this.flags & O_NONBLOCK) return finish(t, -EAGAIN);
      t.blockOn(this.wq);
      return RET_BLOCK;
    }
    let n = this.ticks;
    if (this.expired && this.intervalNs > 0) n += this.forward() - 1;
    this.expired = false;
    this.ticks = 0;
    valDv.setUint32(0, n % TWO32, true);
    valDv.setUint32(4, Math.floor(n / TWO32), true);
    if (it.copyTo(val, 0, 8) < 8) return finish(t, -EFAULT);
    return finish(t, 8);
  }

  override poll(_t: Task): number { return this.ticks > 0 ? POLLIN : 0; }

  override readyQueue(): ReadyQueue { return this.wq; }

  override release(): void {
    this.cancel();
    super.release();
  }
}
