// Blocking (DESIGN.md, run loop). A handler that must wait parks its task on one
// or more WaitQueues with a wait record (deadline, progress) and returns
// RET_BLOCK. A wake (queue event, deadline, or a signal) makes the task runnable
// and the handler runs again from the top, consulting its record:
//
//   if (ready)              { t.endWait(); return result; }
//   if (nonblocking)        return -EAGAIN;
//   if (t.waitExpired())    { t.endWait(); return -ETIMEDOUT; }
//   t.blockOn(queue, deadlineNs);            // once or again: idempotent
//   return RET_BLOCK;
//
// A signal wakes the task with `interrupted` set; the kernel then ends the wait
// without running the handler: it returns the progress so far when there is some
// (a partial read or write), else the record's interrupt result (ERESTARTSYS by
// default; set t.waitInterruptResult before blocking for calls that differ).
import type { Task } from './task';

export class WaitQueue {
  private readonly waiters = new Set<Task>();

  add(t: Task): void {
    if (this.waiters.has(t)) return;
    this.waiters.add(t);
    t.waitQueues.push(this);
  }

  remove(t: Task): void { this.waiters.delete(t); }

  get size(): number { return this.waiters.size; }

  /** Makes every waiter runnable (each re-checks its condition). */
  wakeAll(): void {
    if (this.waiters.size === 0) return;
    for (const t of [...this.waiters]) t.kernel.wakeTask(t);
  }

  /** Makes one waiter runnable (FIFO). */
  wakeOne(): void {
    for (const t of this.waiters) { t.kernel.wakeTask(t); return; }
  }
}
