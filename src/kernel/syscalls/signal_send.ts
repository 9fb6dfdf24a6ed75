// Sending and waiting for signals: kill, tkill, tgkill, rt_sigqueueinfo,
// rt_tgsigqueueinfo, rt_sigreturn, rt_sigsuspend, pause, rt_sigtimedwait,
// alarm, setitimer, getitimer.
import { EAGAIN, EFAULT, EINTR, EINVAL, EPERM, ERESTARTNOHAND, ESRCH } from '../errno';
import { hasDeliverable, makeInfo, sendToGroup, sendToTask, sigreturn, writeSiginfo } from '../task_signals';
import { SigInfo } from '../sigqueue';
import { SIGALRM, SIGKILL, SIGSEGV, SIGSTOP, SI_TKILL, SI_USER } from '../signals';
import { monotonicNs } from '../timers';
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

function readInfo(t: Task, addr: number, sig: number): SigInfo | number {
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  if (t.mm.copyIn(addr, s, 0, 128) < 0) return -EFAULT;
  const info = makeInfo(sig, dv.getInt32(8, true), dv.getInt32(16, true), dv.getInt32(20, true));
  info.errno = dv.getInt32(4, true);
  info.value = dv.getUint32(24, true) + dv.getUint32(28, true) * 4294967296;
  // Only the kernel may claim kernel codes for another process (SI_USER/SI_KERNEL: EPERM).
  if (info.code >= 0 || info.code === SI_TKILL) return -EPERM;
  return info;
}

/** implements Linux rt_sigqueueinfo(2) */
export const sysRtSigqueueinfo: Handler = (t) => {
  const pid = t.regs.argInt(0), sig = t.regs.argInt(1);
  if (!validSig(sig)) return -EINVAL;
  const g = t.kernel.groups.get(pid);
  if (!g || g.state !== 0) return -ESRCH;
  const info = readInfo(t, t.regs.arg(2), sig);
  if (typeof info === 'number') return info;
  if (sig !== 0) sendToGroup(g, info);
  return 0;
};

/** implements Linux rt_tgsigqueueinfo(2) */
export const sysRtTgsigqueueinfo: Handler = (t) => {
  const tgid = t.regs.argInt(0), tid = t.regs.argInt(1), sig = t.regs.argInt(2);
  if (!validSig(sig) || tgid <= 0 || tid <= 0) return -EINVAL;
  const target = t.kernel.tasks.get(tid);
  if (!target || target.tgid !== tgid) return -ESRCH;
  const info = readInfo(t, t.regs.arg(3), sig);
  if (typeof info === 'number') return info;
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
    t.sigMaskLo = (lo & ~((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1)))) >>> 0; t.sigMaskHi = hi >>> 0;
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
  if (t.regs.arg(3) !== 8) return -EINVAL;
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  if (t.mm.copyIn(setAddr, s, 0, 8) < 0) return -EFAULT;
  const lo = dv.getUint32(0, true) & ~((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1))), hi = dv.getUint32(4, true);
  // A pending signal in the set: take it (the thread's own first).
  for (const q of [t.pending, t.group.pending]) {
    const sig = q.next(~lo >>> 0, ~hi >>> 0);
    if (sig !== 0) {
      const info = q.take(sig) ?? makeInfo(sig, 0);
      t.endWait();
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
  let deadline = 0;
  if (tsAddr !== 0) {
    if (t.mm.copyIn(tsAddr, s, 0, 16) < 0) return -EFAULT;
    const sec = dv.getUint32(0, true) + dv.getInt32(4, true) * 4294967296, nsec = dv.getUint32(8, true) + dv.getInt32(12, true) * 4294967296;
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
    if (sec === 0 && nsec === 0) return -EAGAIN;
    deadline = monotonicNs() + sec * 1e9 + nsec;
  }
  // Signals of the set wake this wait (sendTo* checks sigwait) without being delivered:
  // the handler runs again and takes them.
  t.waitInterruptResult = -EINTR;
  t.sigwaitLo = lo; t.sigwaitHi = hi;
  t.blockOn(null, deadline);
  return RET_BLOCK;
};

// ---- interval timers (ITIMER_REAL; VIRTUAL and PROF are accepted and never fire)

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
  const secs = t.regs.arg(0) % 4294967296;
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
  return which === ITIMER_REAL ? putItimer(t, t.regs.arg(1), g.realTimerIntervalNs, remainingNs(g)) : putItimer(t, t.regs.arg(1), 0, 0);
};

/** implements Linux setitimer(2) */
export const sysSetitimer: Handler = (t) => {
  const which = t.regs.argInt(0), newp = t.regs.arg(1), oldp = t.regs.arg(2);
  if (which < 0 || which > ITIMER_PROF) return -EINVAL;
  const g = t.group;
  let interval = 0, value = 0;
  if (newp !== 0) {
    const s = t.kernel.scratch, dv = t.kernel.sdv;
    if (t.mm.copyIn(newp, s, 0, 32) < 0) return -EFAULT;
    const isec = dv.getUint32(0, true), iusec = dv.getUint32(8, true), vsec = dv.getUint32(16, true), vusec = dv.getUint32(24, true);
    if (iusec >= 1e6 || vusec >= 1e6 || dv.getInt32(4, true) < 0 || dv.getInt32(20, true) < 0) return -EINVAL;
    interval = isec * 1e9 + iusec * 1000; value = vsec * 1e9 + vusec * 1000;
  }
  if (oldp !== 0) {
    const r = which === ITIMER_REAL ? putItimer(t, oldp, g.realTimerIntervalNs, remainingNs(g)) : putItimer(t, oldp, 0, 0);
    if (r < 0) return r;
  }
  if (newp !== 0 && which === ITIMER_REAL) armReal(g, t, value, interval);
  return 0;
};

export const signalSendSyscalls: Record<string, Handler> = {
  kill: sysKill, tkill: sysTkill, tgkill: sysTgkill, rt_sigqueueinfo: sysRtSigqueueinfo,
  rt_tgsigqueueinfo: sysRtTgsigqueueinfo, rt_sigreturn: sysRtSigreturn, rt_sigsuspend: sysRtSigsuspend,
  pause: sysPause, rt_sigtimedwait: sysRtSigtimedwait, alarm: sysAlarm, getitimer: sysGetitimer, setitimer: sysSetitimer,
};
