// epoll instances (fs/eventpoll.c). An item names (file, fd) and watches the
// file's ReadyQueue; a readiness change puts it on the ready list (as
// ep_poll_callback does) and wakes epoll_wait. epoll_wait polls each ready item
// again and reports what is ready now: level-triggered items go back on the list
// (so the next call checks them again), edge-triggered ones wait for the next
// change, EPOLLONESHOT items are disabled until EPOLL_CTL_MOD re-arms them.
//
// The ready list is intrusive (prev/next in the items): no allocation per call.
//
// Items on files whose readiness comes from the host (tsvisor's stdio: a
// hostBacked queue) and on nested epoll instances are also kept in a short list:
// a task parking in epoll_wait (or in poll on this instance) arms their host
// watches for the events that were not ready when last looked at, so that the
// host's change wakes it. An edge-triggered item that was reported ready is
// armed again only after a read or write of it found nothing (EAGAIN).
import { EP_MAX_NESTS, EP_PRIVATE_BITS, EPOLLET, EPOLLIN, EPOLLONESHOT, EPOLLRDNORM } from '../abi/poll';
import { ReadyQueue, type ReadyWatcher } from '../poll';
import type { Task } from '../task';
import { WaitQueue } from '../wait';
import { AnonFile } from './anon';
import type { FileDescription, FileWatch } from './file';

/** One watched (file, fd) pair (struct epitem). */
export class EpItem implements ReadyWatcher, FileWatch {
  /** Requested events plus EPOLLERR|EPOLLHUP and the private bits; after EPOLLONESHOT fired only
   *  the private bits remain (disabled). */
  events = 0;
  /** epoll_data as two 32-bit halves (it is opaque to the kernel). */
  dataLo = 0;
  dataHi = 0;
  /** On the ready list (prev/next valid). */
  ready = false;
  prev: EpItem | null = null;
  next: EpItem | null = null;
  /** The queue it watches (null for files whose readiness never changes). */
  queue: ReadyQueue | null = null;
  /** Events ready (among those asked for) when last polled: a host-backed item waits for the rest. */
  lastRevents = 0;

  constructor(readonly ep: EpollFile, readonly file: FileDescription, readonly fd: number) {}

  /** ep_poll_callback: the file's readiness may have changed (mask: which events; 0 any). */
  readyChanged(mask: number): void {
    if ((this.events & ~EP_PRIVATE_BITS) === 0) return; // disabled (EPOLLONESHOT fired)
    if (mask !== 0 && (mask & this.events) === 0) return;
    this.ep.makeReady(this);
  }

  /** The file is going away: the item goes with it (eventpoll_release). */
  fileReleased(_f: FileDescription): void { this.ep.removeItem(this, false); }

  /** Events ready now, among those asked for. */
  poll(t: Task): number { return (this.lastRevents = this.file.poll(t) & this.events); }
}

/** ep->wq: a task parking in epoll_wait arms the host watches of the instance's host-backed items. */
class EpWaitQueue extends WaitQueue {
  constructor(private readonly ep: EpollFile) { super(); }
  override add(t: Task): void {
    super.add(t);
    this.ep.armHost(t);
  }
}

/** ep->poll_wait: likewise for a task polling the instance (poll, select, an outer epoll). */
class EpPollQueue extends ReadyQueue {
  constructor(private readonly ep: EpollFile) { super(); }
  override add(t: Task): void {
    super.add(t);
    this.ep.armHost(t);
  }
  override armHost(t: Task, _want: number): void { this.ep.armHost(t); }
}

export class EpollFile extends AnonFile {
  /** Items by fd, then by file (an fd closed and reused names a new pair). */
  readonly items = new Map<number, EpItem[]>();
  private head: EpItem | null = null;
  private tail: EpItem | null = null;
  /** Tasks in epoll_wait park here (ep->wq). */
  readonly wq: WaitQueue = new EpWaitQueue(this);
  /** Pollers of the epoll fd itself (nested epoll, poll/select on it: ep->poll_wait). */
  readonly pollq: ReadyQueue = new EpPollQueue(this);
  /** Items whose queue is host-backed or whose file is an epoll instance (see the top). */
  private hostItems: EpItem[] | null = null;

  constructor(flags: number) { super(flags, 'eventpoll'); }

  find(file: FileDescription, fd: number): EpItem | null {
    const l = this.items.get(fd);
    if (l === undefined) return null;
    for (const it of l) if (it.file === file) return it;
    return null;
  }

  /** ep_insert: adds an item (events already include EPOLLERR|EPOLLHUP). */
  insert(t: Task, file: FileDescription, fd: number, events: number, dataLo: number, dataHi: number): void {
    const it = new EpItem(this, file, fd);
    it.events = events; it.dataLo = dataLo; it.dataHi = dataHi;
    const l = this.items.get(fd);
    if (l === undefined) this.items.set(fd, [it]); else l.push(it);
    (file.watches ??= []).push(it);
    it.queue = file.readyQueue();
    if (it.queue !== null) it.queue.watch(it);
    if (it.queue?.hostBacked || file instanceof EpollFile) (this.hostItems ??= []).push(it);
    if (it.poll(t) !== 0) this.makeReady(it);
  }

  /** A task is about to wait on this instance: each enabled host-backed item watches the host for
   *  its events that were not ready when last polled (nested instances pass it on). The task
   *  waits for the host even when nothing new is armed (a watch armed by an EAGAIN may wake it). */
  armHost(t: Task): void {
    const l = this.hostItems;
    if (l === null) return;
    for (const it of l) {
      const q = it.queue;
      if (q === null) continue;
      if (q.hostBacked) t.kernel.parkOnHost(t);
      const want = it.events & ~EP_PRIVATE_BITS & ~it.lastRevents;
      if (want !== 0) q.armHost(t, want);
    }
  }

  /** ep_modify: new events and data; queued at once if ready. */
  modify(t: Task, it: EpItem, events: number, dataLo: number, dataHi: number): void {
    it.events = events; it.dataLo = dataLo; it.dataHi = dataHi;
    if (it.poll(t) !== 0) this.makeReady(it);
  }

  /** ep_remove. fromFile: also drop it from the file's watch list. */
  removeItem(it: EpItem, fromFile = true): void {
    if (it.queue !== null) { it.queue.unwatch(it); it.queue = null; }
    this.unlink(it);
    const h = this.hostItems;
    if (h !== null) {
      const i = h.indexOf(it);
      if (i >= 0) h.splice(i, 1);
      if (h.length === 0) this.hostItems = null;
    }
    const l = this.items.get(it.fd);
    if (l !== undefined) {
      const i = l.indexOf(it);
      if (i >= 0) l.splice(i, 1);
      if (l.length === 0) this.items.delete(it.fd);
    }
    if (fromFile) {
      const w = it.file.watches;
      if (w !== null) {
        const i = w.indexOf(it);
        if (i >= 0) w.splice(i, 1);
        if (w.length === 0) it.file.watches = null;
      }
    }
  }

  /** Puts an item on the ready list (tail) and wakes waiters and pollers of this epoll. */
  makeReady(it: EpItem): void {
    if (!it.ready) this.append(it);
    this.wq.wakeAll();
    this.pollq.notify(EPOLLIN);
  }

  private append(it: EpItem): void {
    it.ready = true;
    it.prev = this.tail; it.next = null;
    if (this.tail !== null) this.tail.next = it; else this.head = it;
    this.tail = it;
  }

  private unlink(it: EpItem): void {
    if (!it.ready) return;
    if (it.prev !== null) it.prev.next = it.next; else this.head = it.next;
    if (it.next !== null) it.next.prev = it.prev; else this.tail = it.prev;
    it.prev = it.next = null;
    it.ready = false;
  }

  get hasReady(): boolean { return this.head !== null; }

  /**
   * ep_send_events: reports up to max ready items through put(i, events, dataLo, dataHi)
   * (false: the copy-out faulted). Returns the count, or -1 when the first copy faulted.
   */
  sendEvents(t: Task, max: number, put: (i: number, events: number, lo: number, hi: number) => boolean): number {
    // Detach the list; level-triggered items re-queue on the fresh one behind what stays.
    let cur = this.head;
    const oldTail = this.tail;
    if (cur === null) return 0;
    let res = 0;
    // Items from cur to oldTail are this pass's; re-queued ones go after oldTail.
    while (cur !== null && res < max) {
      const it: EpItem = cur;
      const last = it === oldTail;
      cur = last ? null : it.next;
      this.unlink(it);
      const revents = it.poll(t);
      if (revents !== 0) {
        if (!put(res, revents, it.dataLo, it.dataHi)) {
          // The item stays queued (at the front) for the next call.
          this.prepend(it);
          return res === 0 ? -1 : res;
        }
        res++;
        if (it.events & EPOLLONESHOT) it.events &= EP_PRIVATE_BITS;
        else if (!(it.events & EPOLLET)) this.append(it);
      }
      if (last) break;
    }
    return res;
  }

  private prepend(it: EpItem): void {
    it.ready = true;
    it.prev = null; it.next = this.head;
    if (this.head !== null) this.head.prev = it; else this.tail = it;
    this.head = it;
  }

  /** Readable when some queued item has events now (ep_eventpoll_poll). */
  override poll(t: Task): number {
    for (let it = this.head; it !== null; it = it.next) if (it.poll(t) !== 0) return EPOLLIN | EPOLLRDNORM;
    return 0;
  }

  override readyQueue(): ReadyQueue { return this.pollq; }

  /** Would watching `target` from this instance make a loop or nest deeper than EP_MAX_NESTS? */
  wouldLoop(target: EpollFile): boolean {
    return target === this || target.reaches(this, 1) || this.depthAbove() + target.depthBelow() + 1 > EP_MAX_NESTS;
  }

  /** Does this instance (through its items, at this depth) reach `ep`? */
  private reaches(ep: EpollFile, depth: number): boolean {
    if (depth > EP_MAX_NESTS) return true;
    for (const l of this.items.values()) {
      for (const it of l) {
        if (!(it.file instanceof EpollFile)) continue;
        if (it.file === ep || it.file.reaches(ep, depth + 1)) return true;
      }
    }
    return false;
  }

  /** Longest chain of epoll instances below this one. */
  private depthBelow(): number {
    let d = 0;
    for (const l of this.items.values()) for (const it of l) if (it.file instanceof EpollFile) d = Math.max(d, 1 + it.file.depthBelow());
    return d;
  }

  /** Longest chain of epoll instances watching this one. */
  private depthAbove(): number {
    let d = 0;
    for (const w of this.watches ?? []) if (w instanceof EpItem) d = Math.max(d, 1 + w.ep.depthAbove());
    return d;
  }

  override release(): void {
    // Closing the instance drops its items (ep_clear_and_put).
    for (const l of [...this.items.values()]) for (const it of [...l]) this.removeItem(it);
    super.release();
  }
}
