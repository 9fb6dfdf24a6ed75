// Clocks and sleeping: clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep.
import { host } from '../../native';
import { EFAULT, EINTR, EINVAL, ENOTSUP } from '../errno';
import type { Task } from '../task';
import { RET_BLOCK, type Handler } from './types';
import { monotonicNs } from '../timers';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
const TIMER_ABSTIME = 1;
const ts = new Float64Array(2);

/** Host clock for a guest clock id, or -1 when the id is invalid. */
function hostClock(id: number): number {
  switch (id) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
    case CLOCK_TAI:
      return id;
    case CLOCK_REALTIME_ALARM: return CLOCK_REALTIME;
    case CLOCK_BOOTTIME_ALARM: return CLOCK_BOOTTIME;
    default: return -1;
  }
}

function putTimespec(t: Task, addr: number, sec: number, nsec: number): number {
  const dv = t.kernel.sdv;
  dv.setUint32(0, sec % 4294967296, true); dv.setUint32(4, Math.floor(sec / 4294967296), true);
  dv.setInt32(8, nsec, true); dv.setInt32(12, 0, true);
  return t.mm.copyOut(addr, t.kernel.scratch, 0, 16) < 0 ? -EFAULT : 0;
}

/** Reads a struct timespec; returns ns, or -EFAULT / -EINVAL (nsec out of range, negative sec). */
function getTimespecNs(t: Task, addr: number): number {
  if (t.mm.copyIn(addr, t.kernel.scratch, 0, 16) < 0) return -EFAULT;
  const dv = t.kernel.sdv;
  const sec = dv.getUint32(0, true) + dv.getInt32(4, true) * 4294967296;
  const nsec = dv.getUint32(8, true) + dv.getInt32(12, true) * 4294967296;
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
  return sec * 1e9 + nsec;
}

/** implements Linux clock_gettime(2) */
export const sysClockGettime: Handler = (t) => {
  const id = hostClock(t.regs.argInt(0));
  if (id < 0) return -EINVAL;
  // The coarse clocks read like the fine ones, as the vDSO answers them: the host's coarse
  // clock lags by up to a tick, and a program mixing the two would see time go back.
  host.clockGettime(id === CLOCK_REALTIME_COARSE ? CLOCK_REALTIME : id === CLOCK_MONOTONIC_COARSE ? CLOCK_MONOTONIC : id, ts);
  return putTimespec(t, t.regs.arg(1), ts[0]!, ts[1]!);
};

/** implements Linux clock_getres(2) */
export const sysClockGetres: Handler = (t) => {
  const id = hostClock(t.regs.argInt(0));
  if (id < 0) return -EINVAL;
  const addr = t.regs.arg(1);
  if (addr === 0) return 0;
  host.clockGetres(id, ts);
  return putTimespec(t, addr, ts[0]!, ts[1]!);
};

/** implements Linux gettimeofday(2) */
export const sysGettimeofday: Handler = (t) => {
  const tv = t.regs.arg(0), tz = t.regs.arg(1);
  if (tv !== 0) {
    host.clockGettime(CLOCK_REALTIME, ts);
    if (putTimespec(t, tv, ts[0]!, Math.floor(ts[1]! / 1000)) < 0) return -EFAULT;
  }
  if (tz !== 0) {
    t.kernel.scratch.fill(0, 0, 8);
    if (t.mm.copyOut(tz, t.kernel.scratch, 0, 8) < 0) return -EFAULT;
  }
  return 0;
};

/** implements Linux time(2) */
export const sysTime: Handler = (t) => {
  host.clockGettime(CLOCK_REALTIME, ts);
  const addr = t.regs.arg(0);
  if (addr !== 0 && t.mm.writeU64(addr, ts[0]!) < 0) return -EFAULT;
  return ts[0]!;
};

/** Sleeps until the monotonic deadline in the task's wait record. */
function sleepUntil(t: Task, deadline: number): number {
  if (monotonicNs() >= deadline) { t.endWait(); return 0; }
  t.waitInterruptResult = -EINTR;
  t.blockOn(null, deadline);
  return RET_BLOCK;
}

/** implements Linux nanosleep(2) */
export const sysNanosleep: Handler = (t) => {
  if (t.waitActive) return sleepUntil(t, t.waitDeadline);
  const ns = getTimespecNs(t, t.regs.arg(0));
  if (ns < 0) return ns;
  return sleepUntil(t, monotonicNs() + ns);
};

/** implements Linux clock_nanosleep(2) */
export const sysClockNanosleep: Handler = (t) => {
  if (t.waitActive) return sleepUntil(t, t.waitDeadline);
  const id = t.regs.argInt(0), flags = t.regs.argInt(1);
  if (id === CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
  if (hostClock(id) < 0 || id === CLOCK_MONOTONIC_RAW || id === CLOCK_REALTIME_COARSE || id === CLOCK_MONOTONIC_COARSE) {
    return id === CLOCK_PROCESS_CPUTIME_ID ? -ENOTSUP : -EINVAL;
  }
  const ns = getTimespecNs(t, t.regs.arg(2));
  if (ns < 0) return ns;
  if (!(flags & TIMER_ABSTIME)) return sleepUntil(t, monotonicNs() + ns);
  // Absolute: convert the target on its clock to a monotonic deadline.
  host.clockGettime(hostClock(id), ts);
  const now = ts[0]! * 1e9 + ts[1]!;
  return sleepUntil(t, monotonicNs() + Math.max(0, ns - now));
};

export const timeSyscalls: Record<string, Handler> = {
  clock_gettime: sysClockGettime, clock_getres: sysClockGetres, gettimeofday: sysGettimeofday,
  time: sysTime, nanosleep: sysNanosleep, clock_nanosleep: sysClockNanosleep,
};
