// timerfd_create(2), timerfd_settime(2), timerfd_gettime(2). The timer is in vfs/timerfd.ts.
import { EBADF, EFAULT, EINVAL } from '../errno';
import { O_RDWR } from '../abi/fcntl';
import { ITIMERSPEC_SIZE, ITS_INTERVAL, ITS_VALUE, TFD_CLOEXEC, TFD_NONBLOCK, TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET } from '../abi/poll';
import type { Task } from '../task';
import { getI64 } from '../../platform/u64';
import { release } from '../vfs/fd_table';
import {
  CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, TimerFd,
} from '../vfs/timerfd';
import type { Handler } from './types';

const its = new Uint8Array(ITIMERSPEC_SIZE);
const itsDv = new DataView(its.buffer);

/** implements Linux timerfd_create(2) */
export const sysTimerfdCreate: Handler = (t) => {
  const clock = t.regs.argInt(0), flags = t.regs.argInt(1);
  if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK)) return -EINVAL;
  if (clock !== CLOCK_MONOTONIC && clock !== CLOCK_REALTIME && clock !== CLOCK_REALTIME_ALARM &&
      clock !== CLOCK_BOOTTIME && clock !== CLOCK_BOOTTIME_ALARM) return -EINVAL;
  // The *_ALARM clocks need CAP_WAKE_ALARM, which the sandbox's root holds; they cannot wake a
  // suspended host, so they behave as their plain clocks.
  const f = new TimerFd(clock, O_RDWR | (flags & TFD_NONBLOCK), t.kernel.timers);
  const fd = t.files.install(f, (flags & TFD_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
};

/** The timerfd at fd, or -EBADF / -EINVAL (not a timerfd). */
function getTimerfd(t: Task, fd: number): TimerFd | number {
  const f = t.files.get(fd);
  if (f === null || f.isPath) return -EBADF;
  return f instanceof TimerFd ? f : -EINVAL;
}

/** Reads a timespec at off of the itimerspec buffer: ns, or -1 when invalid. */
function tsNs(off: number): number {
  const sec = getI64(itsDv, off), nsec = getI64(itsDv, off + 8);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -1;
  return sec * 1e9 + nsec;
}

function putTs(off: number, ns: number): void {
  const sec = Math.floor(ns / 1e9), nsec = ns - sec * 1e9;
  itsDv.setUint32(off, sec >>> 0, true); itsDv.setUint32(off + 4, Math.floor(sec / 4294967296), true);
  itsDv.setUint32(off + 8, nsec, true); itsDv.setUint32(off + 12, 0, true);
}

/** implements Linux timerfd_settime(2). TFD_TIMER_CANCEL_ON_SET is accepted: the sandbox cannot
 *  set CLOCK_REALTIME, so such a timer is never cancelled (ECANCELED never happens). */
export const sysTimerfdSettime: Handler = (t) => {
  const fd = t.regs.argInt(0), flags = t.regs.argInt(1), newAddr = t.regs.arg(2), oldAddr = t.regs.arg(3);
  if (t.mm.copyIn(newAddr, its, 0, ITIMERSPEC_SIZE) < 0) return -EFAULT;
  const interval = tsNs(ITS_INTERVAL), value = tsNs(ITS_VALUE);
  if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) || interval < 0 || value < 0) return -EINVAL;
  const f = getTimerfd(t, fd);
  if (typeof f === 'number') return f;
  const [oldValue, oldInterval] = f.set(value, interval, (flags & TFD_TIMER_ABSTIME) !== 0);
  if (oldAddr !== 0) {
    putTs(ITS_INTERVAL, oldInterval);
    putTs(ITS_VALUE, oldValue);
    if (t.mm.copyOut(oldAddr, its, 0, ITIMERSPEC_SIZE) < 0) return -EFAULT;
  }
  return 0;
};

/** implements Linux timerfd_gettime(2) */
export const sysTimerfdGettime: Handler = (t) => {
  const f = getTimerfd(t, t.regs.argInt(0));
  if (typeof f === 'number') return f;
  putTs(ITS_VALUE, f.remainingNs());
  putTs(ITS_INTERVAL, f.intervalNs);
  return t.mm.copyOut(t.regs.arg(1), its, 0, ITIMERSPEC_SIZE) < 0 ? -EFAULT : 0;
};

export const timerfdSyscalls: Record<string, Handler> = {
  timerfd_create: sysTimerfdCreate,
  timerfd_settime: sysTimerfdSettime,
  timerfd_gettime: sysTimerfdGettime,
};
