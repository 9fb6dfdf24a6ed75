// Signal generation and delivery (kernel/signal.c, arch/x86/kernel/signal.c):
// sending to a thread or a thread group, default actions, the rt_sigframe a
// handler runs on, syscall restart rules, and job-control stops.
import { RAX, RCX, RDI, RDX, RFLAGS, RIP, RSI, RSP, R8, R9, R10, R11, R12, R13, R14, R15, RBP, RBX, ORIG_RAX } from '../platform/regs';
import { ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, ERESTART_RESTARTBLOCK, EINTR } from './errno';
import {
  CLD_CONTINUED, CLD_STOPPED, FP_SW_BYTES, FP_XSTATE_MAGIC1, FP_XSTATE_MAGIC2, FRAME_INFO, FRAME_SIZE, FRAME_UC,
  SA_NOCLDSTOP, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART, SA_SIGINFO, SC_CR2, SC_CS, SC_EFLAGS, SC_ERR,
  SC_FPSTATE, SC_OLDMASK, SC_R10, SC_R11, SC_R12, SC_R13, SC_R14, SC_R15, SC_R8, SC_R9, SC_RAX, SC_RBP, SC_RBX,
  SC_RCX, SC_RDI, SC_RDX, SC_RIP, SC_RSI, SC_RSP, SC_SS, SC_TRAPNO, SIG_DFL, SIG_IGN, SI_ADDR, SI_CODE, SI_ERRNO,
  SI_PID, SI_SIGNO, SI_STATUS, SI_STIME, SI_UID, SI_UTIME, UC_FLAGS, UC_FP_XSTATE, UC_MCONTEXT, UC_SIGCONTEXT_SS,
  UC_SIGMASK, UC_STACK, UC_STRICT_RESTORE_SS, SI_VALUE, SI_CALL_ADDR, SI_SYSCALL, SI_ARCH,
} from './abi/sigframe';
import { SYS_SECCOMP } from './abi/seccomp';
import { SigInfo, sigBit } from './sigqueue';
import {
  DefaultAction, defaultAction, SIGBUS, SIGCHLD, SIGCONT, SIGFPE, SIGILL, SIGKILL, SIGSEGV, SIGSTOP, SIGSYS,
  SIGTRAP, SIGTSTP, SIGTTIN, SIGTTOU,
} from './signals';
import { TASK_BLOCKED, TASK_EXITED, TASK_RUNNABLE, TASK_STOPPED, type Task } from './task';
import type { ThreadGroup } from './thread_group';

const NR_RESTART_SYSCALL = 219;
const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;
/** RFLAGS bits a handler starts without (Linux clears DF, RF and TF). */
const HANDLER_CLEAR_FLAGS = 0x400 | 0x10000 | 0x100;

/** The handler of sig for t: SIG_DFL, SIG_IGN or an address. */
function handlerOf(t: Task, sig: number): number { return t.sighand.actions[sig]!.handler; }

/** True when sig would be discarded on arrival (ignored and not blocked). */
function ignored(t: Task, sig: number): boolean {
  const h = handlerOf(t, sig);
  if (h === SIG_IGN) return sig !== SIGKILL && sig !== SIGSTOP;
  if (h === SIG_DFL) return defaultAction(sig) === DefaultAction.Ignore;
  return false;
}

function blocked(t: Task, sig: number): boolean {
  const [lo, hi] = sigBit(sig);
  return ((t.sigMaskLo & lo) | (t.sigMaskHi & hi)) !== 0;
}

export function makeInfo(sig: number, code: number, pid = 0, uid = 0): SigInfo {
  const i = new SigInfo();
  i.signo = sig; i.code = code; i.pid = pid; i.uid = uid;
  return i;
}

/** Wakes t out of an interruptible wait so it can take a signal. */
function interrupt(t: Task): void {
  // A vfork parent's wait is killable only (wait_for_vfork_done): it shares the child's memory
  // and must not run a handler until the child has exec'd or exited. SIGKILL acts at once.
  if (t.state === TASK_BLOCKED && t.vforkChild === null) {
    t.interrupted = true;
    t.kernel.wakeTask(t);
  }
}

/** Sends a signal to one thread (tkill/tgkill, faults). fromKernel: a fault or the kernel's own. */
export function sendToTask(t: Task, info: SigInfo, fromKernel = false): void {
  if (t.state === TASK_EXITED) return;
  const sig = info.signo;
  if (!prepare(t.group, t, sig, fromKernel)) return;
  if (!t.pending.add(info)) return;
  signalWakeUp(t, sig);
  // After the wake-up: a reader woken by its signalfd must already see the interruption.
  if (t.sighand.signalfds !== null) signalfdNotify(t);
}

/** Tells t's signalfds that a signal was queued (Linux's signalfd_notify). */
function signalfdNotify(t: Task): void {
  for (const f of t.sighand.signalfds!) f.signalQueued();
}

function inSigwait(t: Task, sig: number): boolean {
  if (t.state !== TASK_BLOCKED) return false;
  const [lo, hi] = sigBit(sig);
  return ((t.sigwaitLo & lo) | (t.sigwaitHi & hi)) !== 0;
}

/** Linux's signal_wake_up: a thread that can take sig now leaves an interruptible wait; one
 *  waiting for it in rt_sigtimedwait runs its handler again to take it. */
function signalWakeUp(t: Task, sig: number): void {
  if (!blocked(t, sig)) interrupt(t);
  else if (inSigwait(t, sig)) t.kernel.wakeTask(t);
}

/** True when t has an unblocked signal of its own pending (part of Linux's task_sigpending). */
function ownPending(t: Task): boolean {
  return ((t.pending.lo & ~t.sigMaskLo) | (t.pending.hi & ~t.sigMaskHi)) !== 0;
}

/** Linux's wants_signal: t could take the process-directed sig now. */
function wantsSignal(t: Task, sig: number): boolean {
  if (t.state === TASK_EXITED) return false;
  if (blocked(t, sig) && !inSigwait(t, sig)) return false;
  if (sig === SIGKILL) return true;
  if (t.state === TASK_STOPPED) return false;
  return !ownPending(t);
}

/** Linux's complete_signal: picks the thread that takes a process-directed signal (the one it
 *  was sent to, normally the leader, if it wants it, else the first that does, from the last
 *  one chosen) and wakes it. That thread becomes the group's target: the others leave the
 *  signal to it while it can take it (as only it gets TIF_SIGPENDING on Linux). */
function completeSignal(g: ThreadGroup, p: Task, sig: number): void {
  let target: Task | null = wantsSignal(p, sig) ? p : null;
  if (target === null) {
    const start = g.sigTarget !== null && g.tasks.has(g.sigTarget) ? g.sigTarget : null;
    let seen = start === null;
    for (let pass = 0; pass < 2 && target === null; pass++) {
      for (const x of g.tasks) {
        if (x === start) { if (seen) break; seen = true; }
        if (seen && wantsSignal(x, sig)) { target = x; break; }
      }
    }
  }
  if (target === null) return; // every thread blocks it: it stays pending for one that unblocks it
  g.sigTarget = target;
  signalWakeUp(target, sig);
}

/** Whether t may take its process's pending signals: it is their target, or the target can no
 *  longer take any of them (it exited, or blocks them all and does not wait for them). */
function mayTakeShared(t: Task): boolean {
  const x = t.group.sigTarget;
  if (x === null || x === t || x.state === TASK_EXITED) return true;
  const g = t.group;
  const wantLo = ~x.sigMaskLo | (x.state === TASK_BLOCKED ? x.sigwaitLo : 0);
  const wantHi = ~x.sigMaskHi | (x.state === TASK_BLOCKED ? x.sigwaitHi : 0);
  return ((g.pending.lo & wantLo) | (g.pending.hi & wantHi)) === 0;
}

/** Sends a signal to a thread group (kill). */
export function sendToGroup(g: ThreadGroup, info: SigInfo, fromKernel = false): void {
  const leader = g.leader;
  if (!leader || g.state !== 0) return;
  const sig = info.signo;
  if (!prepare(g, leader, sig, fromKernel)) return;
  if (!g.pending.add(info)) return;
  completeSignal(g, leader, sig);
  if (leader.sighand.signalfds !== null) signalfdNotify(leader);
}

/** Changes t's signal mask (sigprocmask, sigsuspend, pselect, sigreturn, handler entry): as
 *  Linux's set_current_blocked, process signals the new mask blocks and t was to take go to
 *  another thread (retarget_shared_pending), and t takes those it newly unblocks
 *  (recalc_sigpending). SIGKILL and SIGSTOP are never blocked. */
export function setSigMask(t: Task, lo: number, hi: number): void {
  lo = (lo & ~UNBLOCKABLE_LO) >>> 0; hi >>>= 0;
  const oldLo = t.sigMaskLo, oldHi = t.sigMaskHi;
  t.sigMaskLo = lo; t.sigMaskHi = hi;
  const g = t.group;
  if (g.pending.empty) return;
  if (((g.pending.lo & oldLo & ~lo) | (g.pending.hi & oldHi & ~hi)) !== 0) g.sigTarget = t;
  else if (g.sigTarget === t) retargetShared(t, (g.pending.lo & lo & ~oldLo) >>> 0, (g.pending.hi & hi & ~oldHi) >>> 0);
}

/** Offers the process signals in (lo, hi), which t will not take, to the other threads. */
export function retargetShared(t: Task, lo: number, hi: number): void {
  const g = t.group;
  for (let sig = 1; sig <= 64 && (lo | hi) !== 0; sig++) {
    const [bl, bh] = sigBit(sig);
    if (((lo & bl) | (hi & bh)) === 0) continue;
    lo = (lo & ~bl) >>> 0; hi = (hi & ~bh) >>> 0;
    for (const x of g.tasks) if (x !== t && wantsSignal(x, sig)) { g.sigTarget = x; signalWakeUp(x, sig); break; }
  }
}

const UNBLOCKABLE_LO = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

/** Effects at generation time: SIGKILL, stop/continue, discarding ignored signals. Returns false to drop. */
function prepare(g: ThreadGroup, t: Task, sig: number, fromKernel: boolean): boolean {
  // The sandbox's init (pid 1) only gets signals it has a handler for, as in a pid namespace.
  // Blocked signals are never discarded (Linux's sig_ignored): the handler may change first.
  if (g.tgid === 1 && !fromKernel && handlerOf(t, sig) === SIG_DFL && !blocked(t, sig)) return false;
  if (sig === SIGKILL) {
    t.kernel.exitGroupBySignal(t, SIGKILL);
    return false;
  }
  if (sig === SIGCONT) {
    for (const s of [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]) { g.pending.discard(s); for (const x of g.tasks) x.pending.discard(s); }
    if (g.stopped) continueGroup(g);
  } else if (sig === SIGSTOP || sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU) {
    g.pending.discard(SIGCONT);
    for (const x of g.tasks) x.pending.discard(SIGCONT);
  }
  // An ignored signal that is not blocked is discarded at once (Linux's sig_ignored).
  if (!blocked(t, sig) && ignored(t, sig)) return false;
  return true;
}

function notifyParent(g: ThreadGroup, code: number, status: number): void {
  const p = g.parent;
  if (!p) return;
  p.childEvents.wakeAll();
  const pl = p.leader;
  if (!pl) return;
  const act = pl.sighand.actions[SIGCHLD]!;
  if ((code === CLD_STOPPED || code === CLD_CONTINUED) && (act.flags & SA_NOCLDSTOP)) return;
  const info = makeInfo(SIGCHLD, code, g.tgid, 0);
  info.status = status;
  // The child's CPU time in clock ticks, as do_notify_parent_cldstop reports it.
  info.utime = Math.floor(g.userNs / 10_000_000);
  info.stime = Math.floor(g.sysNs / 10_000_000);
  sendToGroup(p, info, true);
}

function continueGroup(g: ThreadGroup): void {
  g.stopped = false;
  g.reportContinue = true;
  g.reportStop = false;
  for (const t of g.tasks) if (t.state === TASK_STOPPED) { t.state = TASK_RUNNABLE; t.kernel.makeRunnable(t); }
  notifyParent(g, CLD_CONTINUED, SIGCONT);
}

function stopGroup(t: Task, sig: number): void {
  const g = t.group;
  if (g.tgid === 1) return;
  g.stopped = true;
  g.stopSignal = sig;
  g.reportStop = true;
  g.reportContinue = false;
  for (const x of g.tasks) if (x.state === TASK_RUNNABLE || x.state === TASK_BLOCKED) x.state = TASK_STOPPED;
  notifyParent(g, CLD_STOPPED, sig);
}

/** True when t has a signal it can take now (its own, or its process's when it may take them). */
export function hasDeliverable(t: Task): boolean {
  const m = t.sigMaskLo, h = t.sigMaskHi;
  if (((t.pending.lo & ~m) | (t.pending.hi & ~h)) !== 0) return true;
  const g = t.group.pending;
  return ((g.lo & ~m) | (g.hi & ~h)) !== 0 && mayTakeShared(t);
}

/** Settles a pending syscall restart when no handler runs: restart the call. */
function restartWithoutHandler(t: Task): void {
  const r = t.regs, res = r.getSigned(RAX);
  if (res === -ERESTARTSYS || res === -ERESTARTNOINTR || res === -ERESTARTNOHAND) {
    r.set(RAX, r.get(ORIG_RAX));
    r.set(RIP, r.get(RIP) - 2);
  } else if (res === -ERESTART_RESTARTBLOCK) {
    r.set(RAX, NR_RESTART_SYSCALL);
    r.set(RIP, r.get(RIP) - 2);
  }
}

/** Before entering a handler: EINTR or a restart, per SA_RESTART (arch/x86 handle_signal). */
function restartForHandler(t: Task, flags: number): void {
  const r = t.regs, res = r.getSigned(RAX);
  switch (res) {
    case -ERESTART_RESTARTBLOCK:
    case -ERESTARTNOHAND:
      r.set(RAX, -EINTR);
      break;
    case -ERESTARTSYS:
    case -ERESTARTNOINTR:
      if (res === -ERESTARTSYS && !(flags & SA_RESTART)) { r.set(RAX, -EINTR); break; }
      r.set(RAX, r.get(ORIG_RAX));
      r.set(RIP, r.get(RIP) - 2);
      break;
  }
}

/**
 * Delivers pending signals to t before it returns to user mode: default actions,
 * or a handler frame. inSyscall: t is returning from a syscall (restart rules apply).
 * Returns false when t no longer runs (killed or stopped).
 */
export function deliverSignals(t: Task, inSyscall: boolean): boolean {
  for (;;) {
    const m = t.sigMaskLo, h = t.sigMaskHi;
    let q = t.pending;
    let sig = q.next(m, h);
    if (sig === 0 && mayTakeShared(t)) { q = t.group.pending; sig = q.next(m, h); }
    if (sig === 0) {
      if (inSyscall) restartWithoutHandler(t);
      if (t.hasSavedMask) { t.hasSavedMask = false; setSigMask(t, t.savedMaskLo, t.savedMaskHi); }
      return true;
    }
    const info = q.take(sig) ?? makeInfo(sig, 0);
    const act = t.sighand.actions[sig]!;
    t.kernel.strace?.signal(t, sig, info.code, { addr: info.addr, pid: info.pid, uid: info.uid, status: info.status });
    if (act.handler === SIG_IGN) continue;
    if (act.handler === SIG_DFL) {
      const d = defaultAction(sig);
      if (d === DefaultAction.Ignore || d === DefaultAction.Continue) continue;
      if (d === DefaultAction.Stop) { stopGroup(t, sig); if (inSyscall) restartWithoutHandler(t); return false; }
      if (t.group.tgid === 1 && info.code <= 0 && !isSynchronous(sig)) continue; // init ignores what it does not handle
      t.kernel.exitGroupBySignal(t, sig);
      return false;
    }
    if (inSyscall) restartForHandler(t, act.flags);
    if (!setupFrame(t, sig, info, act.handler, act.flags, act.restorer, act.maskLo, act.maskHi)) {
      // The frame could not be written: SIGSEGV, as Linux's force_sigsegv.
      t.kernel.exitGroupBySignal(t, SIGSEGV);
      return false;
    }
    if (act.flags & SA_RESETHAND) { act.handler = SIG_DFL; act.flags &= ~SA_SIGINFO; }
    return true;
  }
}

function isSynchronous(sig: number): boolean {
  return sig === SIGSEGV || sig === SIGBUS || sig === SIGILL || sig === SIGTRAP || sig === SIGFPE || sig === SIGSYS;
}

const TWO32 = 4294967296;
function put64(dv: DataView, off: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  dv.setUint32(off, (v - hi * TWO32) >>> 0, true);
  dv.setUint32(off + 4, hi >>> 0, true);
}

/** Writes the rt_sigframe and the XSAVE area and points t at the handler. */
function setupFrame(t: Task, sig: number, info: SigInfo, handler: number, flags: number, restorer: number,
  maskLo: number, maskHi: number): boolean {
  const k = t.kernel, r = t.regs, plat = k.platform;
  const origSp = r.get(RSP);
  let sp = origSp - 128; // the red zone
  const onAlt = !(t.altStackFlags & SS_DISABLE) && origSp > t.altStackSp && origSp - t.altStackSp <= t.altStackSize;
  let enteringAlt = false;
  if ((flags & SA_ONSTACK) && !(t.altStackFlags & SS_DISABLE) && !onAlt) {
    sp = t.altStackSp + t.altStackSize;
    enteringAlt = true;
  }
  const xsize = plat.fpuFrameSize;
  sp -= xsize + 4;
  sp -= sp % 64;
  const fpstate = sp;
  sp -= FRAME_SIZE;
  sp = sp - (sp % 16) - 8;
  const frame = sp;

  // The XSAVE image, its software bytes and the trailing magic.
  const img = k.fpuScratch;
  plat.saveFpu(t.fpu, img);
  const fdv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  fdv.setUint32(FP_SW_BYTES, FP_XSTATE_MAGIC1, true);
  fdv.setUint32(FP_SW_BYTES + 4, xsize + 4, true);
  fdv.setUint32(FP_SW_BYTES + 8, plat.xfeaturesLo, true);
  fdv.setUint32(FP_SW_BYTES + 12, plat.xfeaturesHi, true);
  fdv.setUint32(FP_SW_BYTES + 16, xsize, true);
  fdv.setUint32(xsize, FP_XSTATE_MAGIC2, true);
  if (t.mm.copyOut(fpstate, img, 0, xsize + 4) < 0) return false;

  const s = k.scratch, dv = k.sdv;
  s.fill(0, 0, FRAME_SIZE);
  put64(dv, 0, restorer);
  put64(dv, UC_FLAGS, UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
  put64(dv, UC_STACK, t.altStackSp);
  dv.setInt32(UC_STACK + 8, t.altStackFlags & SS_DISABLE ? SS_DISABLE : onAlt ? SS_ONSTACK : (t.altStackFlags & SS_AUTODISARM) | 0, true);
  put64(dv, UC_STACK + 16, t.altStackSize);
  const mc = UC_MCONTEXT;
  const regPairs: [number, number][] = [[SC_R8, R8], [SC_R9, R9], [SC_R10, R10], [SC_R11, R11], [SC_R12, R12],
    [SC_R13, R13], [SC_R14, R14], [SC_R15, R15], [SC_RDI, RDI], [SC_RSI, RSI], [SC_RBP, RBP], [SC_RBX, RBX],
    [SC_RDX, RDX], [SC_RAX, RAX], [SC_RCX, RCX], [SC_RSP, RSP], [SC_RIP, RIP], [SC_EFLAGS, RFLAGS]];
  for (const [off, reg] of regPairs) { dv.setUint32(mc + off, r.lo(reg), true); dv.setUint32(mc + off + 4, r.hi(reg), true); }
  dv.setUint16(mc + SC_CS, 0x33, true);
  dv.setUint16(mc + SC_SS, 0x2b, true);
  put64(dv, mc + SC_ERR, t.faultError);
  put64(dv, mc + SC_TRAPNO, t.faultTrapno);
  dv.setUint32(mc + SC_OLDMASK, t.sigMaskLo, true);
  put64(dv, mc + SC_CR2, t.faultAddr);
  put64(dv, mc + SC_FPSTATE, fpstate);
  const oldLo = t.hasSavedMask ? t.savedMaskLo : t.sigMaskLo, oldHi = t.hasSavedMask ? t.savedMaskHi : t.sigMaskHi;
  dv.setUint32(UC_SIGMASK, oldLo, true);
  dv.setUint32(UC_SIGMASK + 4, oldHi, true);
  writeSiginfo(dv, FRAME_INFO, info);
  if (t.mm.copyOut(frame, s, 0, FRAME_SIZE) < 0) return false;

  // The handler's registers: rdi = sig, rsi = &info, rdx = &uc, rax = 0 (no vector args).
  r.set(RSP, frame);
  r.set(RIP, handler);
  r.set(RDI, sig);
  r.set(RSI, frame + FRAME_INFO);
  r.set(RDX, frame + FRAME_UC);
  r.set(RAX, 0);
  r.set(RFLAGS, r.get(RFLAGS) & ~HANDLER_CLEAR_FLAGS);
  plat.resetFpuForHandler(t.fpu);
  if (enteringAlt && (t.altStackFlags & SS_AUTODISARM)) { t.altStackSp = 0; t.altStackSize = 0; t.altStackFlags = SS_DISABLE; }
  // The handler runs with sa_mask added, and sig itself unless SA_NODEFER.
  let newLo = oldLo | maskLo, newHi = oldHi | maskHi;
  if (!(flags & SA_NODEFER)) {
    const [lo, hi] = sigBit(sig);
    newLo |= lo; newHi |= hi;
  }
  t.hasSavedMask = false;
  setSigMask(t, newLo, newHi);
  return true;
}

/** struct siginfo for the frame, rt_sigtimedwait and signalfd-like readers. */
export function writeSiginfo(dv: DataView, off: number, info: SigInfo): void {
  for (let i = 0; i < 128; i += 4) dv.setUint32(off + i, 0, true);
  dv.setInt32(off + SI_SIGNO, info.signo, true);
  dv.setInt32(off + SI_ERRNO, info.errno, true);
  dv.setInt32(off + SI_CODE, info.code, true);
  const sig = info.signo;
  if (sig === SIGSEGV || sig === SIGBUS || sig === SIGILL || sig === SIGFPE || (sig === SIGTRAP && info.code > 0)) {
    put64(dv, off + SI_ADDR, info.addr);
  } else if (sig === SIGSYS && info.code === SYS_SECCOMP) {
    // _sigsys: si_call_addr, si_syscall, si_arch.
    put64(dv, off + SI_CALL_ADDR, info.addr);
    dv.setInt32(off + SI_SYSCALL, info.syscall, true);
    dv.setUint32(off + SI_ARCH, info.arch, true);
  } else if (sig === SIGCHLD) {
    dv.setInt32(off + SI_PID, info.pid, true);
    dv.setInt32(off + SI_UID, info.uid, true);
    dv.setInt32(off + SI_STATUS, info.status, true);
    put64(dv, off + SI_UTIME, info.utime);
    put64(dv, off + SI_STIME, info.stime);
  } else {
    dv.setInt32(off + SI_PID, info.pid, true);
    dv.setInt32(off + SI_UID, info.uid, true);
    put64(dv, off + SI_VALUE, info.value);
  }
}

/** rt_sigreturn: restores registers, mask, FPU state and alternate stack from the frame. */
export function sigreturn(t: Task): boolean {
  const r = t.regs, k = t.kernel, s = k.scratch, dv = k.sdv;
  const frame = r.get(RSP) - 8;
  if (t.mm.copyIn(frame, s, 0, FRAME_SIZE) < 0) return false;
  const mc = UC_MCONTEXT;
  const get = (off: number) => dv.getUint32(off, true) + dv.getUint32(off + 4, true) * TWO32;
  const regPairs: [number, number][] = [[SC_R8, R8], [SC_R9, R9], [SC_R10, R10], [SC_R11, R11], [SC_R12, R12],
    [SC_R13, R13], [SC_R14, R14], [SC_R15, R15], [SC_RDI, RDI], [SC_RSI, RSI], [SC_RBP, RBP], [SC_RBX, RBX],
    [SC_RDX, RDX], [SC_RAX, RAX], [SC_RCX, RCX], [SC_RSP, RSP], [SC_RIP, RIP]];
  for (const [off, reg] of regPairs) r.setHalves(reg, dv.getUint32(mc + off, true), dv.getUint32(mc + off + 4, true));
  // Only the flags user space may change; the platform forces CS/SS and IF.
  const flags = dv.getUint32(mc + SC_EFLAGS, true);
  r.set(RFLAGS, (r.lo(RFLAGS) & ~0x250dd5) | (flags & 0x250dd5));
  r.set(ORIG_RAX, -1);
  setSigMask(t, dv.getUint32(UC_SIGMASK, true), dv.getUint32(UC_SIGMASK + 4, true));
  t.restartFn = null; // restore_sigcontext: restart_syscall after a handler gives EINTR
  // sigaltstack from uc_stack (restore_altstack); errors are ignored as Linux does.
  const ssSp = get(UC_STACK), ssFlags = dv.getInt32(UC_STACK + 8, true), ssSize = get(UC_STACK + 16);
  const onAlt = !(t.altStackFlags & SS_DISABLE) && r.get(RSP) > t.altStackSp && r.get(RSP) - t.altStackSp <= t.altStackSize;
  if (!onAlt) {
    if (ssFlags & SS_DISABLE) { t.altStackFlags = SS_DISABLE; t.altStackSp = 0; t.altStackSize = 0; }
    else if (ssSize >= 2048) { t.altStackSp = ssSp; t.altStackSize = ssSize; t.altStackFlags = ssFlags & SS_AUTODISARM; }
  }
  const fp = get(mc + SC_FPSTATE);
  if (fp !== 0) {
    const xsize = k.platform.fpuFrameSize;
    const img = k.fpuScratch;
    if (t.mm.copyIn(fp, img, 0, Math.min(xsize + 4, img.length)) < 0) return false;
    if (!k.platform.loadFpu(t.fpu, img)) return false;
  }
  return true;
}

/** Where delivery needs the fault details (sigcontext's trapno, err and cr2). */
export function recordFault(t: Task, trapno: number, err: number, addr: number): void {
  t.faultTrapno = trapno; t.faultError = err; t.faultAddr = addr;
}

export { CLD_STOPPED, SI_ERRNO, SI_CODE };
