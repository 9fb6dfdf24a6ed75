// The kernel's timers: a min-heap of monotonic-ns deadlines behind one host
// timerfd watched by the event loop (libuv timers have 1 ms resolution).
import { host } from '../native';

const CLOCK_MONOTONIC = 1;
const tsBuf = new Float64Array(2);

/** Monotonic time in ns (exact: uptimes stay far below 2^53 ns). */
export function monotonicNs(): number {
  host.clockGettime(CLOCK_MONOTONIC, tsBuf);
  return tsBuf[0]! * 1e9 + tsBuf[1]!;
}

export interface Timer { deadline: number; fire: () => void; seq: number; cancelled: boolean }

export class Timers {
  private readonly heap: Timer[] = [];
  private seq = 0;
  private fd = -1;
  private watch: { start(e: number): number; stop(): void } | null = null;
  private armedFor = 0;

  constructor(private readonly onExpired: () => void) {}

  pending(): boolean { return this.heap.some((t) => !t.cancelled); }

  /** Calls fire (from the event loop) at or after deadline; returns a handle for cancel(). */
  add(deadline: number, fire: () => void): Timer {
    const t: Timer = { deadline, fire, seq: this.seq++, cancelled: false };
    this.heap.push(t);
    this.up(this.heap.length - 1);
    this.arm();
    return t;
  }

  cancel(t: Timer): void { t.cancelled = true; }

  private arm(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
    const top = this.heap[0];
    if (!top) { if (this.watch) { this.watch.stop(); this.watch = null; } this.armedFor = 0; return; }
    if (this.fd < 0) this.fd = host.timerfdCreate(CLOCK_MONOTONIC);
    if (!this.watch) {
      this.watch = new host.FdWatch(this.fd, () => this.expire());
      this.watch.start(1);
    }
    if (this.armedFor !== top.deadline) {
      const d = Math.max(top.deadline, 1);
      host.timerfdSetAbs(this.fd, Math.floor(d / 1e9), d % 1e9);
      this.armedFor = top.deadline;
    }
  }

  private expire(): void {
    const drain = new Uint8Array(8);
    host.read(this.fd, drain, 0, 8);
    const now = monotonicNs();
    let fired = false;
    while (this.heap.length && (this.heap[0]!.cancelled || this.heap[0]!.deadline <= now)) {
      const t = this.pop();
      if (!t.cancelled) { t.fire(); fired = true; }
    }
    this.armedFor = 0;
    this.arm();
    if (fired) this.onExpired();
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) { h[0] = last; this.down(0); }
    return top;
  }
  private less(a: Timer, b: Timer): boolean { return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq); }
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  close(): void {
    if (this.watch) this.watch.stop();
    this.watch = null;
    if (this.fd >= 0) host.close(this.fd);
    this.fd = -1;
  }
}
