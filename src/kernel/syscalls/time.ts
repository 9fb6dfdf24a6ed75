// Clocks and sleeping: clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep.
import { host } from '../../native';
import { EFAULT, EINVAL, ENOTSUP, ERESTART_RESTARTBLOCK, ERESTARTNOHAND } from '../errno';
import type { Task } from '../task';
import { RET_BLOCK, type Handler } from './types';
import { monotonicNs } from '../timers';
import { TICK_NSEC } from '../cputime';

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

/** The CPU time (ns) a CPU-time clock reads for t (cputime.ts), or -EINVAL. Besides
 *  CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID, negative ids name another process's
 *  or thread's clock (clock_getcpuclockid, pthread_getcpuclockid): ~pid << 3 | per-thread 4 |
 *  PROF 0 (user + system), VIRT 1 (user) or SCHED 2 (user + system). A thread's clock is
 *  readable only inside its own process (Linux's lookup_task). -1 when id is no CPU clock. */
export function cpuClockNs(t: Task, id: number): number {
  if (id === CLOCK_PROCESS_CPUTIME_ID) return t.group.userNs + t.group.sysNs;
  if (id === CLOCK_THREAD_CPUTIME_ID) return t.userNs + t.sysNs;
  if (id >= 0) return -1;
  const which = id & 3, perThread = (id & 4) !== 0, pid = ~(id >> 3);
  if (which === 3) return -EINVAL;
  let user: number, sys: number;
  if (perThread) {
    const x = pid === 0 ? t : t.kernel.tasks.get(pid);
    if (!x || x.group !== t.group) return -EINVAL;
    user = x.userNs; sys = x.sysNs;
  } else {
    const g = pid === 0 ? t.group : t.kernel.groups.get(pid);
    if (!g) return -EINVAL;
    user = g.userNs; sys = g.sysNs;
  }
  return which === CPUCLOCK_VIRT ? user : user + sys;
}
const CPUCLOCK_VIRT = 1;

/** implements Linux clock_gettime(2) */
export const sysClockGettime: Handler = (t) => {
  const cid = t.regs.argInt(0);
  const cpu = cpuClockNs(t, cid);
  if (cpu === -EINVAL) return cpu;
  if (cpu >= 0) return putTimespec(t, t.regs.arg(1), Math.floor(cpu / 1e9), Math.floor(cpu % 1e9));
  const id = hostClock(cid);
  if (id < 0) return -EINVAL;
  // The coarse clocks read like the fine ones, as the vDSO answers them: the host's coarse
  // clock lags by up to a tick, and a program mixing the two would see time go back.
  host.clockGettime(id === CLOCK_REALTIME_COARSE ? CLOCK_REALTIME : id === CLOCK_MONOTONIC_COARSE ? CLOCK_MONOTONIC : id, ts);
  return putTimespec(t, t.regs.arg(1), ts[0]!, ts[1]!);
};

/** implements Linux clock_getres(2) */
export const sysClockGetres: Handler = (t) => {
  const cid = t.regs.argInt(0), addr = t.regs.arg(1);
  const cpu = cpuClockNs(t, cid);
  if (cpu === -EINVAL) return cpu;
  // CPU clocks: 1 ns for the scheduler clock, a tick for PROF and VIRT (posix_cpu_clock_getres).
  if (cpu >= 0) return addr === 0 ? 0 : putTimespec(t, addr, 0, cid >= 0 || (cid & 3) === 2 ? 1 : TICK_NSEC);
  const id = hostClock(cid);
  if (id < 0) return -EINVAL;
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
  t.blockOn(null, deadline);
  return RET_BLOCK;
}

/** Starts a relative sleep (nanosleep, clock_nanosleep without TIMER_ABSTIME) until deadline.
 *  A signal ends it through sleepInterrupted, which writes the time left to rmtp. */
function sleepRelative(t: Task, deadline: number, rmtp: number): number {
  if (monotonicNs() >= deadline) return 0;
  t.restartDeadline = deadline;
  t.restartAddr = rmtp;
  t.waitInterruptHook = sleepInterrupted;
  return sleepUntil(t, deadline);
}

/** A relative sleep interrupted by a signal (Linux's do_nanosleep): the time left goes to rmtp
 *  (EFAULT if it cannot), and the call returns ERESTART_RESTARTBLOCK: EINTR when a handler
 *  runs (even with SA_RESTART), else restart_syscall sleeps on to the same deadline (stop and
 *  continue, an ignored signal). */
function sleepInterrupted(t: Task): number {
  const left = t.restartDeadline - monotonicNs();
  if (left <= 0) return 0;
  if (t.restartAddr !== 0 && putTimespec(t, t.restartAddr, Math.floor(left / 1e9), Math.floor(left % 1e9)) < 0) return -EFAULT;
  t.restartFn = sleepRestart;
  return -ERESTART_RESTARTBLOCK;
}

/** restart_syscall for an interrupted sleep (hrtimer_nanosleep_restart). */
function sleepRestart(t: Task): number {
  if (t.waitActive) return sleepUntil(t, t.waitDeadline);
  return sleepRelative(t, t.restartDeadline, t.restartAddr);
}

/** implements Linux nanosleep(2) */
export const sysNanosleep: Handler = (t) => {
  if (t.waitActive) return sleepUntil(t, t.waitDeadline);
  const ns = getTimespecNs(t, t.regs.arg(0));
  if (ns < 0) return ns;
  return sleepRelative(t, monotonicNs() + ns, t.regs.arg(1));
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
  if (!(flags & TIMER_ABSTIME)) return sleepRelative(t, monotonicNs() + ns, t.regs.arg(3));
  // Absolute: convert the target on its clock to a monotonic deadline. A signal gives
  // ERESTARTNOHAND: without a handler the call runs again with the same target.
  host.clockGettime(hostClock(id), ts);
  const now = ts[0]! * 1e9 + ts[1]!;
  const deadline = monotonicNs() + Math.max(0, ns - now);
  if (monotonicNs() >= deadline) return 0;
  t.waitInterruptResult = -ERESTARTNOHAND;
  return sleepUntil(t, deadline);
};

export const timeSyscalls: Record<string, Handler> = {
  clock_gettime: sysClockGettime, clock_getres: sysClockGetres, gettimeofday: sysGettimeofday,
  time: sysTime, nanosleep: sysNanosleep, clock_nanosleep: sysClockNanosleep,
};
