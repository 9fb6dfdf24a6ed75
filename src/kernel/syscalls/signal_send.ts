// Sending and waiting for signals: kill, tkill, tgkill, rt_sigqueueinfo,
// rt_tgsigqueueinfo, rt_sigreturn, rt_sigsuspend, pause, rt_sigtimedwait,
// alarm, setitimer, getitimer.
import { EAGAIN, EFAULT, EINTR, EINVAL, EPERM, ERESTARTNOHAND, ESRCH } from '../errno';
import { hasDeliverable, makeInfo, sendToGroup, sendToTask, setSigMask, sigreturn, writeSiginfo } from '../task_signals';
import { SigInfo } from '../sigqueue';
import { SIGALRM, SIGKILL, SIGSEGV, SIGSTOP, SI_TKILL, SI_USER } from '../signals';
import { monotonicNs } from '../timers';
import { getCpuTimer, setCpuTimer } from '../cputime';
import type { ThreadGroup } from '../thread_group';
import type { Task } from '../task';
import { RET_BLOCK, RET_NO_WRITEBACK, type Handler } from './types';

const SI_QUEUE = -1;

function validSig(sig: number): boolean { return sig >= 0 && sig <= 64; }

function send(t: Task, g: ThreadGroup, sig: number, code = SI_USER): number {
  if (sig === 0) return 0;
  const info = makeInfo(sig, code, t.tgid, t.creds.uid);
  sendToGroup(g, info);
  return 0;
}

/** implements Linux kill(2) */
export const sysKill: Handler = (t) => {
  const pid = t.regs.argInt(0), sig = t.regs.argInt(1);
  if (!validSig(sig)) return -EINVAL;
  const k = t.kernel;
  if (pid > 0) {
    const g = k.groups.get(pid);
    if (!g) return -ESRCH;
    // A zombie still exists until it is reaped: the signal is accepted and goes nowhere.
    if (g.state !== 0) return 0;
    return send(t, g, sig);
  }
  let targets: ThreadGroup[];
  if (pid === -1) targets = [...k.groups.values()].filter((g) => g.tgid !== 1 && g !== t.group && g.state === 0);
  else {
    const pg = pid === 0 ? t.group.pgid : -pid;
    targets = [...k.groups.values()].filter((g) => g.pgid === pg && g.state === 0);
  }
  if (targets.length === 0) return -ESRCH;
  for (const g of targets) send(t, g, sig);
  return 0;
};

function sendThread(t: Task, tgid: number, tid: number, sig: number): number {
  if (!validSig(sig) || tid <= 0) return -EINVAL;
  const target = t.kernel.tasks.get(tid);
  if (!target || (tgid > 0 && target.tgid !== tgid)) return -ESRCH;
  if (sig === 0) return 0;
  sendToTask(target, makeInfo(sig, SI_TKILL, t.tgid, t.creds.uid));
  return 0;
}

/** implements Linux tkill(2) */
export const sysTkill: Handler = (t) => sendThread(t, -1, t.regs.argInt(0), t.regs.argInt(1));
/** implements Linux tgkill(2) */
export const sysTgkill: Handler = (t) => {
  if (t.regs.argInt(0) <= 0) return -EINVAL;
  return sendThread(t, t.regs.argInt(0), t.regs.argInt(1), t.regs.argInt(2));
};

/** Reads the caller's siginfo for rt_[tg]sigqueueinfo. As Linux's do_rt_sigqueueinfo: a code
 *  the kernel or kill()/tkill() would set (si_code >= 0, SI_TKILL) may only be claimed when the
 *  target is the caller itself (its own thread id), else EPERM. */
function readInfo(t: Task, addr: number, sig: number, target: number): SigInfo | number {
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  if (t.mm.copyIn(addr, s, 0, 128) < 0) return -EFAULT;
  const info = makeInfo(sig, dv.getInt32(8, true), dv.getInt32(16, true), dv.getInt32(20, true));
  info.errno = dv.getInt32(4, true);
  info.value = dv.getUint32(24, true) + dv.getUint32(28, true) * 4294967296;
  if ((info.code >= 0 || info.code === SI_TKILL) && target !== t.tid) return -EPERM;
  return info;
}

/** implements Linux rt_sigqueueinfo(2) */
export const sysRtSigqueueinfo: Handler = (t) => {
  const pid = t.regs.argInt(0), sig = t.regs.argInt(1);
  const info = readInfo(t, t.regs.arg(2), sig, pid);
  if (typeof info === 'number') return info;
  const g = t.kernel.groups.get(pid);
  if (!g || g.state !== 0) return -ESRCH;
  if (!validSig(sig)) return -EINVAL;
  if (sig !== 0) sendToGroup(g, info);
  return 0;
};

/** implements Linux rt_tgsigqueueinfo(2) */
export const sysRtTgsigqueueinfo: Handler = (t) => {
  const tgid = t.regs.argInt(0), tid = t.regs.argInt(1), sig = t.regs.argInt(2);
  if (tgid <= 0 || tid <= 0) return -EINVAL;
  const info = readInfo(t, t.regs.arg(3), sig, tid);
  if (typeof info === 'number') return info;
  const target = t.kernel.tasks.get(tid);
  if (!target || target.tgid !== tgid) return -ESRCH;
  if (!validSig(sig)) return -EINVAL;
  if (sig !== 0) sendToTask(target, info);
  return 0;
};

/** implements Linux rt_sigreturn(2) */
export const sysRtSigreturn: Handler = (t) => {
  if (!sigreturn(t)) t.kernel.forceSignal(t, SIGSEGV, 0x80, 0);
  return RET_NO_WRITEBACK;
};

/** Waits with a temporary mask until a signal is delivered (sigsuspend, pause). */
function suspend(t: Task, lo: number, hi: number): number {
  if (!t.waitActive) {
    t.savedMaskLo = t.sigMaskLo; t.savedMaskHi = t.sigMaskHi; t.hasSavedMask = true;
    setSigMask(t, lo, hi);
  }
  // A signal the new mask lets through may already be pending: take it now.
  if (hasDeliverable(t)) { t.endWait(); return -ERESTARTNOHAND; }
  t.waitInterruptResult = -ERESTARTNOHAND;
  t.blockOn(null);
  return RET_BLOCK;
}

/** implements Linux rt_sigsuspend(2) */
export const sysRtSigsuspend: Handler = (t) => {
  if (t.waitActive) return RET_BLOCK;
  if (t.regs.arg(1) !== 8) return -EINVAL;
  if (t.mm.copyIn(t.regs.arg(0), t.kernel.scratch, 0, 8) < 0) return -EFAULT;
  return suspend(t, t.kernel.sdv.getUint32(0, true), t.kernel.sdv.getUint32(4, true));
};

/** implements Linux pause(2) */
export const sysPause: Handler = (t) => {
  t.waitInterruptResult = -ERESTARTNOHAND;
  t.blockOn(null);
  return RET_BLOCK;
};

/** implements Linux rt_sigtimedwait(2) */
export const sysRtSigtimedwait: Handler = (t) => {
  const setAddr = t.regs.arg(0), infoAddr = t.regs.arg(1), tsAddr = t.regs.arg(2);
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  let lo: number, hi: number;
  if (t.waitActive) { lo = t.sigwaitLo; hi = t.sigwaitHi; }
  else {
    if (t.regs.arg(3) !== 8) return -EINVAL;
    if (t.mm.copyIn(setAddr, s, 0, 8) < 0) return -EFAULT;
    lo = (dv.getUint32(0, true) & ~((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1)))) >>> 0; hi = dv.getUint32(4, true);
    // The timeout is read and checked before anything is dequeued (do_sigtimedwait).
    if (tsAddr !== 0) {
      if (t.mm.copyIn(tsAddr, s, 0, 16) < 0) return -EFAULT;
      const sec = dv.getUint32(0, true) + dv.getInt32(4, true) * 4294967296, nsec = dv.getUint32(8, true) + dv.getInt32(12, true) * 4294967296;
      if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
      t.restartDeadline = sec === 0 && nsec === 0 ? -1 : monotonicNs() + sec * 1e9 + nsec;
    } else t.restartDeadline = 0;
  }
  // A pending signal in the set: take it, the thread's own first, then the process's.
  for (const q of [t.pending, t.group.pending]) {
    const sig = q.next(~lo >>> 0, ~hi >>> 0);
    if (sig !== 0) {
      const info = q.take(sig) ?? makeInfo(sig, 0);
      if (t.waitActive) t.endWait();
      if (infoAddr !== 0) {
        writeSiginfo(dv, 0, info);
        if (t.mm.copyOut(infoAddr, s, 0, 128) < 0) return -EFAULT;
      }
      return sig;
    }
  }
  if (t.waitActive) {
    if (t.waitExpired()) { t.endWait(); return -EAGAIN; }
    t.blockOn(null);
    return RET_BLOCK;
  }
  const deadline = t.restartDeadline;
  if (deadline < 0) return -EAGAIN; // a zero timeout polls
  // Signals of the set wake this wait (sendTo* checks sigwait) without being delivered:
  // the handler runs again and takes them. Others interrupt it with EINTR.
  t.waitInterruptResult = -EINTR;
  t.sigwaitLo = lo; t.sigwaitHi = hi;
  t.blockOn(null, deadline);
  return RET_BLOCK;
};

/** implements Linux restart_syscall(2): resumes a call interrupted with ERESTART_RESTARTBLOCK
 *  (a timed futex wait, nanosleep, clock_nanosleep, poll) from its restart block. */
export const sysRestartSyscall: Handler = (t) => {
  const fn = t.restartFn;
  if (fn === null) return -EINTR; // do_no_restart_syscall
  const r = fn(t);
  if (r !== RET_BLOCK && t.restartFn === fn) t.restartFn = null;
  return r;
};

// ---- interval timers: ITIMER_REAL here, ITIMER_VIRTUAL and ITIMER_PROF on CPU time (cputime.ts)

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;

function armReal(g: ThreadGroup, t: Task, valueNs: number, intervalNs: number): void {
  if (g.realTimer) { g.realTimer.cancelled = true; g.realTimer = null; }
  g.realTimerIntervalNs = intervalNs;
  g.realTimerDeadline = 0;
  if (valueNs <= 0) return;
  const k = t.kernel;
  const fire = () => {
    g.realTimer = null;
    if (g.state !== 0) return;
    const info = makeInfo(SIGALRM, 0x80);
    sendToGroup(g, info, true);
    if (g.realTimerIntervalNs > 0) {
      g.realTimerDeadline += g.realTimerIntervalNs;
      g.realTimer = k.timers.add(g.realTimerDeadline, fire);
    } else g.realTimerDeadline = 0;
  };
  g.realTimerDeadline = monotonicNs() + valueNs;
  g.realTimer = k.timers.add(g.realTimerDeadline, fire);
}

function remainingNs(g: ThreadGroup): number {
  return g.realTimerDeadline > 0 ? Math.max(1000, g.realTimerDeadline - monotonicNs()) : 0;
}

/** implements Linux alarm(2) */
export const sysAlarm: Handler = (t) => {
  const secs = t.regs.argInt(0) >>> 0;
  const g = t.group;
  const left = remainingNs(g);
  armReal(g, t, secs * 1e9, 0);
  // Linux rounds the remaining time to the nearest second, and never reports 0 for a live alarm.
  return left === 0 ? 0 : Math.max(1, Math.round(left / 1e9));
};

function putItimer(t: Task, addr: number, intervalNs: number, valueNs: number): number {
  const dv = t.kernel.sdv;
  const put = (off: number, ns: number) => {
    const sec = Math.floor(ns / 1e9), usec = Math.floor((ns % 1e9) / 1000);
    dv.setUint32(off, sec, true); dv.setUint32(off + 4, 0, true);
    dv.setUint32(off + 8, usec, true); dv.setUint32(off + 12, 0, true);
  };
  put(0, intervalNs); put(16, valueNs);
  return t.mm.copyOut(addr, t.kernel.scratch, 0, 32) < 0 ? -EFAULT : 0;
}

/** implements Linux getitimer(2) */
export const sysGetitimer: Handler = (t) => {
  const which = t.regs.argInt(0);
  if (which < 0 || which > ITIMER_PROF) return -EINVAL;
  const g = t.group;
  if (which === ITIMER_REAL) return putItimer(t, t.regs.arg(1), g.realTimerIntervalNs, remainingNs(g));
  const [interval, left] = getCpuTimer(g, which);
  return putItimer(t, t.regs.arg(1), interval, left);
};

/** implements Linux setitimer(2). As Linux: a NULL new value disarms the timer (a misfeature
 *  it still supports), and the old value is written after the change. */
export const sysSetitimer: Handler = (t) => {
  const which = t.regs.argInt(0), newp = t.regs.arg(1), oldp = t.regs.arg(2);
  let interval = 0, value = 0;
  if (newp !== 0) {
    const s = t.kernel.scratch, dv = t.kernel.sdv;
    if (t.mm.copyIn(newp, s, 0, 32) < 0) return -EFAULT;
    const isec = dv.getUint32(0, true) + dv.getInt32(4, true) * 4294967296, iusec = dv.getUint32(8, true) + dv.getInt32(12, true) * 4294967296;
    const vsec = dv.getUint32(16, true) + dv.getInt32(20, true) * 4294967296, vusec = dv.getUint32(24, true) + dv.getInt32(28, true) * 4294967296;
    if (isec < 0 || vsec < 0 || iusec < 0 || vusec < 0 || iusec >= 1e6 || vusec >= 1e6) return -EINVAL;
    interval = isec * 1e9 + iusec * 1000; value = vsec * 1e9 + vusec * 1000;
  }
  if (which < 0 || which > ITIMER_PROF) return -EINVAL;
  const g = t.group;
  const [oi, ov] = which === ITIMER_REAL ? [g.realTimerIntervalNs, remainingNs(g)] : getCpuTimer(g, which);
  if (which === ITIMER_REAL) armReal(g, t, value, interval);
  else setCpuTimer(g, which, value, interval);
  return oldp !== 0 ? putItimer(t, oldp, oi, ov) : 0;
};

export const signalSendSyscalls: Record<string, Handler> = {
  kill: sysKill, tkill: sysTkill, tgkill: sysTgkill, rt_sigqueueinfo: sysRtSigqueueinfo,
  rt_tgsigqueueinfo: sysRtTgsigqueueinfo, rt_sigreturn: sysRtSigreturn, rt_sigsuspend: sysRtSigsuspend,
  pause: sysPause, rt_sigtimedwait: sysRtSigtimedwait, restart_syscall: sysRestartSyscall, alarm: sysAlarm, getitimer: sysGetitimer, setitimer: sysSetitimer,
};
