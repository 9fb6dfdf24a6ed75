// Readiness: the poll(2) event bits, and the queue a file wakes whenever its
// readiness may have changed (Linux's wait_queue_head with a poll key).
//
// A ReadyQueue is a WaitQueue (tasks blocked in read/write/poll/select/epoll_wait
// park on it) that also tells watchers (epoll's items) which events may now be
// ready, as Linux's wake_up_poll(wq, key) runs ep_poll_callback. Files call
// notify(mask) after every change; mask 0 means "anything" (a hangup).
//
// A file whose readiness comes from the host (tsvisor's own stdio) learns of a
// change only while it watches the host fd: its queue is hostBacked, and an epoll
// instance that watches it calls armHost when a task parks in epoll_wait.
import type { Task } from './task';
import { WaitQueue } from './wait';

export {
  POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND, POLLMSG,
  POLLRDHUP, DEFAULT_POLLMASK, POLLIN_SET, POLLOUT_SET, POLLEX_SET,
} from './abi/poll';

/** Told about every readiness change of the files it watches (an epoll item). */
export interface ReadyWatcher {
  /** mask: the events that may have become ready; 0 when unknown (wake for anything). */
  readyChanged(mask: number): void;
}

export class ReadyQueue extends WaitQueue {
  /** Invariant: holds each watcher at most once; null when empty (the common case). */
  private watchers: ReadyWatcher[] | null = null;

  watch(w: ReadyWatcher): void {
    if (this.watchers === null) this.watchers = [w];
    else if (!this.watchers.includes(w)) this.watchers.push(w);
  }

  unwatch(w: ReadyWatcher): void {
    const ws = this.watchers;
    if (ws === null) return;
    const i = ws.indexOf(w);
    if (i >= 0) ws.splice(i, 1);
    if (ws.length === 0) this.watchers = null;
  }

  get watched(): boolean { return this.watchers !== null; }

  /** Readiness comes from the host: a waiter must arm the file's host watch (armHost). */
  get hostBacked(): boolean { return false; }

  /** t is about to wait, through an epoll instance, for the events in `want` (poll bits) that
   *  were not ready when last looked at: watch the host for them and keep the event loop turning. */
  armHost(_t: Task, _want: number): void {}

  /** Readiness may have changed: tell the watchers, then wake every parked task (each re-checks). */
  notify(mask: number): void {
    const ws = this.watchers;
    if (ws !== null) {
      if (ws.length === 1) ws[0]!.readyChanged(mask);
      else for (const w of [...ws]) w.readyChanged(mask);
    }
    this.wakeAll();
  }
}

