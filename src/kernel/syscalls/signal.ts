// Signal state: rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigpending.
// Dispositions and masks; delivery is in task_signals.ts.
import { EFAULT, EINVAL, ENOMEM, EPERM } from '../errno';
import { SIGKILL, SIGSTOP } from '../signals';
import type { Task } from '../task';
import type { Handler } from './types';
import { setSigMask } from '../task_signals';

const SIGSET_SIZE = 8;
const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
/** KILL and STOP can never be blocked: bits 8 and 18 of the low word. */
const UNBLOCKABLE_LO = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));
const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;
export const MINSIGSTKSZ = 2048;
const TWO32 = 4294967296;

/** implements Linux rt_sigaction(2) */
export const sysRtSigaction: Handler = (t: Task) => {
  const sig = t.regs.argInt(0), act = t.regs.arg(1), oact = t.regs.arg(2);
  if (t.regs.arg(3) !== SIGSET_SIZE) return -EINVAL;
  if (sig < 1 || sig > 64) return -EINVAL;
  if (act !== 0 && (sig === SIGKILL || sig === SIGSTOP)) return -EINVAL;
  const a = t.sighand.actions[sig]!;
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  let next: [number, number, number, number, number] | null = null;
  if (act !== 0) {
    if (t.mm.copyIn(act, s, 0, 32) < 0) return -EFAULT;
    next = [
      dv.getUint32(0, true) + dv.getUint32(4, true) * TWO32,
      dv.getUint32(8, true) + dv.getUint32(12, true) * TWO32,
      dv.getUint32(16, true) + dv.getUint32(20, true) * TWO32,
      dv.getUint32(24, true) & ~UNBLOCKABLE_LO, dv.getUint32(28, true),
    ];
  }
  if (oact !== 0) {
    const put = (off: number, v: number) => { dv.setUint32(off, v % TWO32, true); dv.setUint32(off + 4, Math.floor(v / TWO32), true); };
    put(0, a.handler); put(8, a.flags); put(16, a.restorer);
    dv.setUint32(24, a.maskLo, true); dv.setUint32(28, a.maskHi, true);
    if (t.mm.copyOut(oact, s, 0, 32) < 0) return -EFAULT;
  }
  if (next) {
    [a.handler, a.flags, a.restorer, a.maskLo, a.maskHi] = next;
    // Ignoring a signal discards what is pending of it, in every thread (POSIX).
    if (a.handler === 1 || (a.handler === 0 && (sig === 17 || sig === 23 || sig === 28))) {
      t.group.pending.discard(sig);
      for (const x of t.group.tasks) x.pending.discard(sig);
    }
  }
  return 0;
};

/** implements Linux rt_sigprocmask(2) */
export const sysRtSigprocmask: Handler = (t: Task) => {
  const how = t.regs.argInt(0), set = t.regs.arg(1), oset = t.regs.arg(2);
  if (t.regs.arg(3) !== SIGSET_SIZE) return -EINVAL;
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  let lo = 0, hi = 0;
  if (set !== 0) {
    if (t.mm.copyIn(set, s, 0, 8) < 0) return -EFAULT;
    lo = dv.getUint32(0, true); hi = dv.getUint32(4, true);
    if (how !== SIG_BLOCK && how !== SIG_UNBLOCK && how !== SIG_SETMASK) return -EINVAL;
  }
  if (oset !== 0) {
    dv.setUint32(0, t.sigMaskLo, true); dv.setUint32(4, t.sigMaskHi, true);
    if (t.mm.copyOut(oset, s, 0, 8) < 0) return -EFAULT;
  }
  if (set !== 0) {
    if (how === SIG_BLOCK) setSigMask(t, t.sigMaskLo | lo, t.sigMaskHi | hi);
    else if (how === SIG_UNBLOCK) setSigMask(t, t.sigMaskLo & ~lo, t.sigMaskHi & ~hi);
    else setSigMask(t, lo, hi);
  }
  return 0;
};

/** implements Linux rt_sigpending(2): blocked signals pending for the thread or its process. */
export const sysRtSigpending: Handler = (t: Task) => {
  if (t.regs.arg(1) > SIGSET_SIZE) return -EINVAL;
  const dv = t.kernel.sdv;
  dv.setUint32(0, ((t.pending.lo | t.group.pending.lo) & t.sigMaskLo) >>> 0, true);
  dv.setUint32(4, ((t.pending.hi | t.group.pending.hi) & t.sigMaskHi) >>> 0, true);
  return t.mm.copyOut(t.regs.arg(0), t.kernel.scratch, 0, t.regs.arg(1)) < 0 ? -EFAULT : 0;
};

/** implements Linux sigaltstack(2) */
export const sysSigaltstack: Handler = (t: Task) => {
  const ss = t.regs.arg(0), old = t.regs.arg(1);
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  let next: [number, number, number] | null = null;
  if (ss !== 0) {
    if (t.mm.copyIn(ss, s, 0, 24) < 0) return -EFAULT;
    const sp = dv.getUint32(0, true) + dv.getUint32(4, true) * TWO32;
    const flags = dv.getInt32(8, true);
    const size = dv.getUint32(16, true) + dv.getUint32(20, true) * TWO32;
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return -EINVAL;
    if (onAltStack(t)) return -EPERM;
    if (mode === SS_DISABLE) next = [0, SS_DISABLE, 0];
    else {
      if (size < MINSIGSTKSZ) return -ENOMEM;
      next = [sp, flags & SS_AUTODISARM, size];
    }
  }
  if (old !== 0) {
    const put = (off: number, v: number) => { dv.setUint32(off, v % TWO32, true); dv.setUint32(off + 4, Math.floor(v / TWO32), true); };
    put(0, t.altStackSp);
    dv.setInt32(8, onAltStack(t) ? SS_ONSTACK : t.altStackFlags, true);
    dv.setInt32(12, 0, true);
    put(16, t.altStackSize);
    if (t.mm.copyOut(old, s, 0, 24) < 0) return -EFAULT;
  }
  if (next) [t.altStackSp, t.altStackFlags, t.altStackSize] = next;
  return 0;
};

function onAltStack(t: Task): boolean {
  if (t.altStackFlags & SS_DISABLE) return false;
  const sp = t.regs.get(6);
  return sp > t.altStackSp && sp - t.altStackSp <= t.altStackSize;
}

export const signalSyscalls: Record<string, Handler> = {
  rt_sigaction: sysRtSigaction, rt_sigprocmask: sysRtSigprocmask, rt_sigpending: sysRtSigpending,
  sigaltstack: sysSigaltstack,
};
