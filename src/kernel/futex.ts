// Futex wait queues. Private futexes are keyed by (address space, address), shared
// ones by the physical address of the word, as Linux keys them by (mm, address) and
// (inode/page, offset).
import type { Task } from './task';

export class FutexWaiter {
  woken = false;
  constructor(readonly task: Task, public key: string, readonly bitset: number) {}
}

export class FutexTable {
  private readonly queues = new Map<string, FutexWaiter[]>();

  enqueue(w: FutexWaiter): void {
    const q = this.queues.get(w.key);
    if (q) q.push(w); else this.queues.set(w.key, [w]);
  }

  remove(w: FutexWaiter): void {
    const q = this.queues.get(w.key);
    if (!q) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.queues.delete(w.key);
  }

  /** Wakes up to n waiters on key whose bitset intersects; returns how many. */
  wake(key: string, n: number, bitset: number): number {
    const q = this.queues.get(key);
    if (!q) return 0;
    let woken = 0;
    for (let i = 0; i < q.length && woken < n;) {
      const w = q[i]!;
      if ((w.bitset & bitset) === 0) { i++; continue; }
      q.splice(i, 1);
      w.woken = true;
      w.task.kernel.wakeTask(w.task);
      woken++;
    }
    if (q.length === 0) this.queues.delete(key);
    return woken;
  }

  /** Wakes up to n waiters on from, then moves up to m of the rest to `to`. Returns woken + moved. */
  requeue(from: string, to: string, n: number, m: number): number {
    const woken = this.wake(from, n, 0xffffffff);
    const q = this.queues.get(from);
    let moved = 0;
    while (q && q.length > 0 && moved < m) {
      const w = q.shift()!;
      w.key = to;
      this.enqueue(w);
      moved++;
    }
    if (q && q.length === 0) this.queues.delete(from);
    return woken + moved;
  }

  waiters(key: string): number { return this.queues.get(key)?.length ?? 0; }
}
