// CPU time accounting (getrusage, times, wait4's rusage, the CPU clocks) and the
// CPU-time interval timers ITIMER_VIRTUAL and ITIMER_PROF. The run loop charges a
// task its time inside Platform.run as user time and its time in the kernel's
// handlers (syscalls, faults, signal delivery) as system time, as gVisor splits a
// task's time between application and sentry. Each charge also adds to the
// thread group's totals, which therefore hold the live and the exited threads
// (Linux's signal_struct times plus its threads' own).
import { SIGPROF, SIGVTALRM, SI_KERNEL } from './signals';
import { makeInfo, sendToGroup } from './task_signals';
import type { Task } from './task';
import type { ThreadGroup } from './thread_group';

/** Charges ns of user time to t (and its process); fires a CPU itimer that came due. */
export function chargeUser(t: Task, ns: number): void {
  t.userNs += ns;
  const g = t.group;
  g.userNs += ns;
  if (g.cpuTimersArmed) checkCpuTimers(g);
}

/** Charges ns of system time to t (and its process). */
export function chargeSys(t: Task, ns: number): void {
  t.sysNs += ns;
  const g = t.group;
  g.sysNs += ns;
  if (g.cpuTimersArmed) checkCpuTimers(g);
}

/** Sends SIGVTALRM / SIGPROF for the itimers that came due, and reloads periodic ones. */
function checkCpuTimers(g: ThreadGroup): void {
  if (g.virtExpires > 0 && g.userNs >= g.virtExpires) {
    g.virtExpires = g.virtIntervalNs > 0 ? nextExpiry(g.virtExpires, g.virtIntervalNs, g.userNs) : 0;
    sendToGroup(g, makeInfo(SIGVTALRM, SI_KERNEL), true);
  }
  const prof = g.userNs + g.sysNs;
  if (g.profExpires > 0 && prof >= g.profExpires) {
    g.profExpires = g.profIntervalNs > 0 ? nextExpiry(g.profExpires, g.profIntervalNs, prof) : 0;
    sendToGroup(g, makeInfo(SIGPROF, SI_KERNEL), true);
  }
  g.cpuTimersArmed = g.virtExpires > 0 || g.profExpires > 0;
}

/** The next expiry of a periodic timer after now (overruns are dropped, one signal per expiry). */
function nextExpiry(expires: number, interval: number, now: number): number {
  const next = expires + interval;
  return next > now ? next : now + interval;
}

export const ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
/** Linux's TICK_NSEC at HZ=250 (the usual distribution setting): CPU itimers are armed a tick
 *  late and read as a tick when about to fire (kernel/time/itimer.c), and the PROF/VIRT CPU
 *  clocks report it as their resolution. */
export const TICK_NSEC = 4_000_000;

function leftOf(expires: number, now: number): number {
  if (expires === 0) return 0;
  return expires > now ? expires - now : TICK_NSEC;
}

/** getitimer for a CPU timer: [interval ns, value ns left] (0 left: disarmed). */
export function getCpuTimer(g: ThreadGroup, which: number): [number, number] {
  if (which === ITIMER_VIRTUAL) return [g.virtIntervalNs, leftOf(g.virtExpires, g.userNs)];
  return [g.profIntervalNs, leftOf(g.profExpires, g.userNs + g.sysNs)];
}

/** setitimer for a CPU timer: arms it valueNs (plus a tick, as Linux's set_cpu_itimer) of the
 *  process's CPU time from now; 0 disarms. */
export function setCpuTimer(g: ThreadGroup, which: number, valueNs: number, intervalNs: number): void {
  if (valueNs > 0) valueNs += TICK_NSEC;
  if (which === ITIMER_VIRTUAL) {
    g.virtExpires = valueNs > 0 ? g.userNs + valueNs : 0;
    g.virtIntervalNs = intervalNs;
  } else {
    g.profExpires = valueNs > 0 ? g.userNs + g.sysNs + valueNs : 0;
    g.profIntervalNs = intervalNs;
  }
  g.cpuTimersArmed = g.virtExpires > 0 || g.profExpires > 0;
}

/** CPU time left until g's next CPU itimer (ns; 0 when none is armed): the run loop arms its
 *  tick no later than that, so a task computing without syscalls still gets the signal. */
export function cpuTimerLeftNs(g: ThreadGroup): number {
  if (!g.cpuTimersArmed) return 0;
  let left = Infinity;
  if (g.virtExpires > 0) left = g.virtExpires - g.userNs;
  if (g.profExpires > 0) left = Math.min(left, g.profExpires - g.userNs - g.sysNs);
  return Math.max(1, left);
}

/** A process that has exited is reaped by wait(2): its times, and those of the children it
 *  reaped, go to the parent's children totals (Linux's wait_task_zombie). */
export function addReapedTimes(parent: ThreadGroup, child: ThreadGroup): void {
  parent.childUserNs += child.userNs + child.childUserNs;
  parent.childSysNs += child.sysNs + child.childSysNs;
  parent.childMaxRssKb = Math.max(parent.childMaxRssKb, child.maxRssKb, child.childMaxRssKb);
}

/** Notes the high-water RSS of an address space a thread of g leaves (exit): Linux's maxrss. */
export function noteMaxRss(g: ThreadGroup, residentBytes: number): void {
  const kb = Math.floor(residentBytes / 1024);
  if (kb > g.maxRssKb) g.maxRssKb = kb;
}
