// Futex wait queues. Private futexes are keyed by (address space, address), shared
// ones by the physical address of the word, as Linux keys them by (mm, address) and
// (inode/page, offset). Each key's waiters are kept in arrival order (Linux's
// hash-bucket plist for equal priorities).
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

  /** Wakes waiters on key whose bitset intersects; returns how many. As Linux's futex_wake, the
   *  count is checked after each wake, so nr <= 0 still wakes one. */
  wake(key: string, nr: number, bitset: number): number {
    const q = this.queues.get(key);
    if (!q) return 0;
    let woken = 0;
    for (let i = 0; i < q.length;) {
      const w = q[i]!;
      if ((w.bitset & bitset) === 0) { i++; continue; }
      q.splice(i, 1);
      w.woken = true;
      w.task.kernel.wakeTask(w.task);
      if (++woken >= nr) break;
    }
    if (q.length === 0) this.queues.delete(key);
    return woken;
  }

  /** futex_requeue: wakes up to nrWake waiters on `from` (any bitset), then moves up to nrRequeue
   *  of the rest to `to` (onto the same key they stay where they are). Returns woken + moved. */
  requeue(from: string, to: string, nrWake: number, nrRequeue: number): number {
    const q = this.queues.get(from);
    if (!q) return 0;
    let count = 0;
    const moved: FutexWaiter[] = [];
    for (let i = 0; i < q.length;) {
      if (count - nrWake >= nrRequeue) break;
      const w = q[i]!;
      if (++count <= nrWake) {
        q.splice(i, 1);
        w.woken = true;
        w.task.kernel.wakeTask(w.task);
        continue;
      }
      if (from === to) { i++; continue; }
      q.splice(i, 1);
      moved.push(w);
    }
    if (q.length === 0) this.queues.delete(from);
    for (const w of moved) { w.key = to; this.enqueue(w); }
    return count;
  }

  waiters(key: string): number { return this.queues.get(key)?.length ?? 0; }
}
