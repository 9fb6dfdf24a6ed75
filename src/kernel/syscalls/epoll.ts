// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2.
// The instance and its items are in vfs/epoll.ts.
import { EBADF, EEXIST, EFAULT, EINTR, EINVAL, ELOOP, ENOENT, EPERM } from '../errno';
import {
  EP_MAX_EVENTS, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLL_EVENT_SIZE, EPOLLERR,
  EPOLLEXCLUSIVE, EPOLLEXCLUSIVE_OK_BITS, EPOLLHUP, EPOLLWAKEUP, EE_DATA, EE_EVENTS,
} from '../abi/poll';
import { TASK_SIZE } from '../mm/mm';
import type { Task } from '../task';
import { EpollFile } from '../vfs/epoll';
import { release } from '../vfs/fd_table';
import { O_RDWR } from '../vfs/file';
import { deadlineAfter, parkOrInterrupt, readTimeout, restoreSigmask, setUserSigmask } from './poll';
import { RET_BLOCK, type Handler } from './types';

const NO_TIMEOUT = -1;
const ev = new Uint8Array(EPOLL_EVENT_SIZE);
const evDv = new DataView(ev.buffer);

function done(t: Task, r: number): number {
  if (r !== RET_BLOCK && t.waitActive) t.endWait();
  return r;
}

function doCreate(t: Task, flags: number): number {
  if (flags & ~EPOLL_CLOEXEC) return -EINVAL;
  const f = new EpollFile(O_RDWR);
  const fd = t.files.install(f, (flags & EPOLL_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
}

/** implements Linux epoll_create1(2) */
export const sysEpollCreate1: Handler = (t) => doCreate(t, t.regs.argInt(0));

/** implements Linux epoll_create(2): size must be positive and is otherwise ignored. */
export const sysEpollCreate: Handler = (t) => (t.regs.argInt(0) <= 0 ? -EINVAL : doCreate(t, 0));

/** implements Linux epoll_ctl(2) */
export const sysEpollCtl: Handler = (t) => {
  const epfd = t.regs.argInt(0), op = t.regs.argInt(1), fd = t.regs.argInt(2), evAddr = t.regs.arg(3);
  let events = 0, dataLo = 0, dataHi = 0;
  const hasEvent = op !== EPOLL_CTL_DEL;
  if (hasEvent) {
    if (t.mm.copyIn(evAddr, ev, 0, EPOLL_EVENT_SIZE) < 0) return -EFAULT;
    events = evDv.getUint32(EE_EVENTS, true);
    dataLo = evDv.getUint32(EE_DATA, true);
    dataHi = evDv.getUint32(EE_DATA + 4, true);
  }
  const ef = t.files.get(epfd);
  if (ef === null || ef.isPath) return -EBADF;
  const tf = t.files.get(fd);
  if (tf === null || tf.isPath) return -EBADF;
  if (!tf.pollable) return -EPERM;
  // EPOLLWAKEUP needs CAP_BLOCK_SUSPEND; without it the flag is dropped silently.
  if (hasEvent) events &= ~EPOLLWAKEUP;
  if (ef === tf || !(ef instanceof EpollFile)) return -EINVAL;
  if (hasEvent && (events & EPOLLEXCLUSIVE)) {
    if (op === EPOLL_CTL_MOD) return -EINVAL;
    if (op === EPOLL_CTL_ADD && (tf instanceof EpollFile || (events & ~EPOLLEXCLUSIVE_OK_BITS))) return -EINVAL;
  }
  if (op === EPOLL_CTL_ADD && tf instanceof EpollFile && ef.wouldLoop(tf)) return -ELOOP;
  const item = ef.find(tf, fd);
  switch (op) {
    case EPOLL_CTL_ADD:
      if (item !== null) return -EEXIST;
      ef.insert(t, tf, fd, (events | EPOLLERR | EPOLLHUP) >>> 0, dataLo, dataHi);
      return 0;
    case EPOLL_CTL_DEL:
      if (item === null) return -ENOENT;
      ef.removeItem(item);
      return 0;
    case EPOLL_CTL_MOD:
      if (item === null) return -ENOENT;
      if (item.events & EPOLLEXCLUSIVE) return -EINVAL;
      ef.modify(t, item, (events | EPOLLERR | EPOLLHUP) >>> 0, dataLo, dataHi);
      return 0;
    default:
      return -EINVAL;
  }
};

// ---- waiting

let outAddr = 0;
let outTask: Task | null = null;
/** Writes one struct epoll_event (packed, 12 bytes) to the caller's array. */
function putEvent(i: number, events: number, lo: number, hi: number): boolean {
  evDv.setUint32(EE_EVENTS, events >>> 0, true);
  evDv.setUint32(EE_DATA, lo, true);
  evDv.setUint32(EE_DATA + 4, hi, true);
  return outTask!.mm.copyOut(outAddr + i * EPOLL_EVENT_SIZE, ev, 0, EPOLL_EVENT_SIZE) === 0;
}

/**
 * do_epoll_wait: reports ready events or parks until one comes, the deadline passes (0: none;
 * NO_TIMEOUT: do not wait), or a signal ends the wait (EINTR).
 */
function doWait(t: Task, epfd: number, events: number, max: number, deadline: number): number {
  if (max <= 0 || max > EP_MAX_EVENTS) return -EINVAL;
  if (events + max * EPOLL_EVENT_SIZE > TASK_SIZE) return -EFAULT;
  const f = t.files.get(epfd);
  if (f === null || f.isPath) return -EBADF;
  if (!(f instanceof EpollFile)) return -EINVAL;
  if (f.hasReady) {
    outAddr = events; outTask = t;
    const n = f.sendEvents(t, max, putEvent);
    outTask = null;
    if (n !== 0) return n < 0 ? -EFAULT : n;
  }
  if (deadline === NO_TIMEOUT || (t.waitActive && t.waitExpired())) return 0;
  t.blockOn(f.wq);
  return parkOrInterrupt(t, deadline, -EINTR);
}

function msDeadline(t: Task, ms: number): number {
  if (t.waitActive) return t.waitDeadline;
  return ms < 0 ? 0 : ms === 0 ? NO_TIMEOUT : deadlineAfter(ms * 1e6);
}

/** implements Linux epoll_wait(2) */
export const sysEpollWait: Handler = (t) => {
  const r = t.regs;
  return done(t, doWait(t, r.argInt(0), r.arg(1), r.argInt(2), msDeadline(t, r.argInt(3))));
};

/** implements Linux epoll_pwait(2) */
export const sysEpollPwait: Handler = (t) => {
  const r = t.regs;
  const deadline = msDeadline(t, r.argInt(3));
  if (!t.waitActive) {
    const e = setUserSigmask(t, r.arg(4), r.arg(5));
    if (e < 0) return e;
  }
  const res = done(t, doWait(t, r.argInt(0), r.arg(1), r.argInt(2), deadline));
  return res === RET_BLOCK ? res : restoreSigmask(t, res, -EINTR);
};

/** implements Linux epoll_pwait2(2): the timeout is a struct timespec (NULL: wait forever). */
export const sysEpollPwait2: Handler = (t) => {
  const r = t.regs;
  let deadline: number;
  if (t.waitActive) {
    deadline = t.waitDeadline;
  } else {
    deadline = 0;
    const tsp = r.arg(3);
    if (tsp !== 0) {
      const ns = readTimeout(t, tsp, false);
      if (ns < 0) return ns;
      deadline = ns === 0 ? NO_TIMEOUT : deadlineAfter(ns);
    }
    const e = setUserSigmask(t, r.arg(4), r.arg(5));
    if (e < 0) return e;
  }
  const res = done(t, doWait(t, r.argInt(0), r.arg(1), r.argInt(2), deadline));
  return res === RET_BLOCK ? res : restoreSigmask(t, res, -EINTR);
};

export const epollSyscalls: Record<string, Handler> = {
  epoll_create: sysEpollCreate,
  epoll_create1: sysEpollCreate1,
  epoll_ctl: sysEpollCtl,
  epoll_wait: sysEpollWait,
  epoll_pwait: sysEpollPwait,
  epoll_pwait2: sysEpollPwait2,
};
