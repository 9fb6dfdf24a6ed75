// poll(2), ppoll(2), select(2), pselect6(2): one pass over the fds asks each
// file for its readiness; when nothing is ready and the timeout allows, the task
// parks on every file's ReadyQueue (and the deadline) and the pass runs again
// when one of them changes. The deadline is set once, on the first run, in the
// wait record; resumed runs use it (t.waitActive tells them apart).
//
// A signal ends the wait as Linux's: select, pselect6 and ppoll write the time
// left back to their timeout and return ERESTARTNOHAND (EINTR for a handler, else
// the call runs again with what is left); poll(2), whose timeout is a value,
// returns ERESTART_RESTARTBLOCK and restart_syscall goes on to the same deadline.
import { EBADF, EFAULT, EINTR, EINVAL, ERESTART_RESTARTBLOCK, ERESTARTNOHAND } from '../errno';
import {
  POLLERR, POLLEX_SET, POLLFD_SIZE, POLLHUP, POLLIN_SET, POLLNVAL, POLLOUT_SET, PFD_EVENTS, PFD_FD, PFD_REVENTS,
  SIGSET_SIZE,
} from '../abi/poll';
import { RLIMIT_NOFILE } from '../limits';
import { SIGKILL, SIGSTOP } from '../signals';
import type { Task } from '../task';
import { hasDeliverable, setSigMask } from '../task_signals';
import { monotonicNs } from '../timers';
import { getI64 } from '../../platform/u64';
import { RET_BLOCK, type Handler } from './types';

/** Longest wait kept as a deadline (about 31 years); longer ones never end. */
const MAX_WAIT_NS = 1e18;
const NO_TIMEOUT = -1;

// ---- waiting with a temporary signal mask (ppoll, pselect6, epoll_pwait, epoll_pwait2)

const UNBLOCKABLE_LO = ((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1))) >>> 0;
const maskBuf = new Uint8Array(16);
const maskDv = new DataView(maskBuf.buffer);

/**
 * set_user_sigmask: when addr is not NULL, reads the call's mask (size must be 8: EINVAL) and
 * installs it for the wait, keeping the task's own as the saved mask. Returns 0 or -errno. Call it
 * on the first run of a handler only (not when it resumes from its wait record). The mask goes
 * back when the call returns normally (restoreSigmask), or after signal delivery when a signal
 * ended the wait (the kernel sees hasSavedMask), as Linux's restore_saved_sigmask does.
 */
export function setUserSigmask(t: Task, addr: number, size: number): number {
  if (addr === 0) return 0;
  if (size !== SIGSET_SIZE) return -EINVAL;
  if (t.mm.copyIn(addr, maskBuf, 0, 8) < 0) return -EFAULT;
  t.savedMaskLo = t.sigMaskLo;
  t.savedMaskHi = t.sigMaskHi;
  t.hasSavedMask = true;
  setSigMask(t, maskDv.getUint32(0, true) & ~UNBLOCKABLE_LO, maskDv.getUint32(4, true));
  return 0;
}

/** restore_saved_sigmask_unless(interrupted): a call returning normally puts the mask back now;
 *  one ended by a signal leaves it to signal delivery. */
export function restoreSigmask(t: Task, res: number, interruptResult: number): number {
  if (t.hasSavedMask && res !== interruptResult) {
    t.hasSavedMask = false;
    setSigMask(t, t.savedMaskLo, t.savedMaskHi);
  }
  return res;
}

/** Parks t for a poll-like wait, unless the temporary mask let a pending signal through: then the
 *  call ends at once with its interrupt result (Linux's signal_pending check before sleeping). */
export function parkOrInterrupt(t: Task, deadline: number, interruptResult: number, hook: ((t: Task) => number) | null = null): number {
  if (t.hasSavedMask && hasDeliverable(t)) return hook !== null ? hook(t) : interruptResult;
  t.waitInterruptResult = interruptResult;
  t.waitInterruptHook = hook;
  t.blockOn(null, deadline);
  return RET_BLOCK;
}

/** Ends the wait record of a call that returns r now. */
function done(t: Task, r: number): number {
  if (r !== RET_BLOCK && t.waitActive) t.endWait();
  return r;
}

/** A deadline from a relative timeout in ns (0 = poll once: NO_TIMEOUT's twin below). */
export function deadlineAfter(ns: number): number {
  return monotonicNs() + Math.min(ns, MAX_WAIT_NS);
}

/**
 * Reads a struct __kernel_timespec as a relative timeout: ns (>= 0), -EFAULT, or -EINVAL
 * (poll_select_set_timeout's timespec64_valid). usec: a struct timeval (select) instead, whose
 * microseconds may exceed a second (they are folded into the seconds, as Linux does).
 */
export function readTimeout(t: Task, addr: number, usec: boolean): number {
  if (t.mm.copyIn(addr, maskBuf, 0, 16) < 0) return -EFAULT;
  let sec = getI64(maskDv, 0), frac = getI64(maskDv, 8);
  if (usec) {
    sec += Math.trunc(frac / 1e6);
    frac = (frac % 1e6) * 1000;
  }
  if (sec < 0 || frac < 0 || frac >= 1e9) return -EINVAL;
  return sec * 1e9 + frac;
}

/** poll_select_finish: writes the time left before `end` as a timespec or timeval; false when
 *  the timeout cannot be written (a read-only timeval is no error, but then the call cannot be
 *  restarted with what is left). */
function writeRemaining(t: Task, addr: number, end: number, usec: boolean): boolean {
  const left = Math.max(0, end - monotonicNs());
  const sec = Math.floor(left / 1e9), ns = left - sec * 1e9;
  maskDv.setUint32(0, sec >>> 0, true); maskDv.setUint32(4, Math.floor(sec / 4294967296), true);
  maskDv.setUint32(8, usec ? Math.floor(ns / 1000) : ns, true); maskDv.setUint32(12, 0, true);
  return t.mm.copyOut(addr, maskBuf, 0, 16) >= 0;
}

/** A select, pselect6 or ppoll with a timeout ended by a signal: the time left goes back to the
 *  caller's timeout (restartAddr; restartFlags 1: a timeval) before the call returns
 *  ERESTARTNOHAND, or EINTR when it cannot be written (poll_select_finish's sticky path). */
function selectInterrupted(t: Task): number {
  return writeRemaining(t, t.restartAddr, t.waitDeadline, t.restartFlags === 1) ? -ERESTARTNOHAND : -EINTR;
}

/** poll(2) ended by a signal: restart_syscall goes on with the same fds and deadline
 *  (restartAddr, restartVal, restartDeadline), as Linux's do_restart_poll. */
function pollInterrupted(t: Task): number {
  t.restartFn = pollRestart;
  return -ERESTART_RESTARTBLOCK;
}

function pollRestart(t: Task): number {
  const deadline = t.waitActive ? t.waitDeadline : t.restartDeadline;
  return done(t, doPoll(t, t.restartAddr, t.restartVal, deadline, pollInterrupted));
}

// ---- poll

let pfds = new Uint8Array(64 * POLLFD_SIZE);
let pfdsDv = new DataView(pfds.buffer);

/**
 * do_sys_poll: one pass; returns the count of ready fds (revents written back), or parks.
 * deadline: monotonic ns, 0 for none (wait forever), NO_TIMEOUT for a zero timeout (no wait).
 */
function doPoll(t: Task, ufds: number, nfds: number, deadline: number, hook: ((t: Task) => number) | null): number {
  if (nfds > t.limits.soft[RLIMIT_NOFILE]!) return -EINVAL;
  const bytes = nfds * POLLFD_SIZE;
  if (bytes > pfds.length) { pfds = new Uint8Array(bytes); pfdsDv = new DataView(pfds.buffer); }
  if (bytes > 0 && t.mm.copyIn(ufds, pfds, 0, bytes) < 0) return -EFAULT;
  const dv = pfdsDv;
  let count = 0;
  for (let i = 0; i < bytes; i += POLLFD_SIZE) {
    const fd = dv.getInt32(i + PFD_FD, true);
    let revents = 0;
    if (fd >= 0) {
      const f = t.files.get(fd);
      // An O_PATH fd has no file operations: fdget ignores it (POLLNVAL).
      if (f === null || f.isPath) revents = POLLNVAL;
      else revents = f.poll(t) & (dv.getUint16(i + PFD_EVENTS, true) | POLLERR | POLLHUP);
    }
    dv.setUint16(i + PFD_REVENTS, revents, true);
    if (revents !== 0) count++;
  }
  if (count === 0 && deadline !== NO_TIMEOUT && !(t.waitActive && t.waitExpired())) {
    for (let i = 0; i < bytes; i += POLLFD_SIZE) {
      const fd = dv.getInt32(i + PFD_FD, true);
      const q = fd >= 0 ? t.files.get(fd)?.readyQueue() : null;
      if (q) t.blockOn(q);
    }
    return parkOrInterrupt(t, deadline, -ERESTARTNOHAND, hook);
  }
  if (bytes > 0 && t.mm.copyOut(ufds, pfds, 0, bytes) < 0) return -EFAULT;
  return count;
}

/** implements Linux poll(2) */
export const sysPoll: Handler = (t) => {
  const ms = t.regs.argInt(2);
  let deadline: number;
  if (t.waitActive) deadline = t.waitDeadline;
  else deadline = ms < 0 ? 0 : ms === 0 ? NO_TIMEOUT : deadlineAfter(ms * 1e6);
  t.restartAddr = t.regs.arg(0); t.restartVal = t.regs.argInt(1) >>> 0; t.restartDeadline = deadline;
  return done(t, doPoll(t, t.restartAddr, t.restartVal, deadline, pollInterrupted));
};

/** implements Linux ppoll(2) */
export const sysPpoll: Handler = (t) => {
  const tsp = t.regs.arg(2);
  let deadline: number;
  if (t.waitActive) {
    deadline = t.waitDeadline;
  } else {
    deadline = 0;
    if (tsp !== 0) {
      const ns = readTimeout(t, tsp, false);
      if (ns < 0) return ns;
      deadline = ns === 0 ? NO_TIMEOUT : deadlineAfter(ns);
    }
    const r = setUserSigmask(t, t.regs.arg(3), t.regs.arg(4));
    if (r < 0) return r;
  }
  const timed = tsp !== 0 && deadline !== NO_TIMEOUT;
  t.restartAddr = tsp; t.restartFlags = 0;
  const res = done(t, doPoll(t, t.regs.arg(0), t.regs.argInt(1) >>> 0, deadline, timed ? selectInterrupted : null));
  if (res === RET_BLOCK) return res;
  if (timed) writeRemaining(t, tsp, deadline, false);
  return restoreSigmask(t, res, -ERESTARTNOHAND);
};

// ---- select

/** The fd sets of one select: in, out, ex as read, and the results (64-bit words, little-endian). */
let sets = new Uint8Array(6 * 128);

/** fdt->max_fds: how far the fd table reaches (64, then multiples of 128 that are powers of two
 *  times 128), which bounds the fds select looks at. */
function maxFds(t: Task): number {
  const n = t.files.size;
  if (n <= 64) return 64;
  let m = 128;
  while (m < n) m *= 2;
  return m;
}

/** do_select: one pass over the fds in [0, n); counts each ready bit; writes the result sets. */
function doSelect(t: Task, n: number, inp: number, outp: number, exp: number, deadline: number, hook: ((t: Task) => number) | null): number {
  if (n < 0) return -EINVAL;
  const max = maxFds(t);
  if (n > max) n = max;
  const bytes = Math.ceil(n / 64) * 8;
  if (6 * bytes > sets.length) sets = new Uint8Array(6 * bytes);
  const s = sets;
  const IN = 0, OUT = bytes, EX = 2 * bytes, RIN = 3 * bytes, ROUT = 4 * bytes, REX = 5 * bytes;
  s.fill(0, 0, 6 * bytes);
  if (inp !== 0 && t.mm.copyIn(inp, s, IN, bytes) < 0) return -EFAULT;
  if (outp !== 0 && t.mm.copyIn(outp, s, OUT, bytes) < 0) return -EFAULT;
  if (exp !== 0 && t.mm.copyIn(exp, s, EX, bytes) < 0) return -EFAULT;
  // Bits at n and above are ignored (the last word is partial).
  const nbytes = Math.ceil(n / 8);
  const tailMask = n % 8 === 0 ? 0xff : (1 << (n % 8)) - 1;
  for (let b = nbytes; b < bytes; b++) s[IN + b] = s[OUT + b] = s[EX + b] = 0;
  if (nbytes > 0) {
    s[IN + nbytes - 1] = s[IN + nbytes - 1]! & tailMask;
    s[OUT + nbytes - 1] = s[OUT + nbytes - 1]! & tailMask;
    s[EX + nbytes - 1] = s[EX + nbytes - 1]! & tailMask;
  }
  // max_select_fd: a set bit for an fd that is not open is EBADF.
  for (let b = 0; b < nbytes; b++) {
    const any = s[IN + b]! | s[OUT + b]! | s[EX + b]!;
    if (any === 0) continue;
    for (let k = 0; k < 8; k++) if ((any & (1 << k)) && t.files.get(b * 8 + k) === null) return -EBADF;
  }
  let count = 0;
  for (let b = 0; b < nbytes; b++) {
    const any = s[IN + b]! | s[OUT + b]! | s[EX + b]!;
    if (any === 0) continue;
    for (let k = 0; k < 8; k++) {
      const m = 1 << k;
      if ((any & m) === 0) continue;
      const f = t.files.get(b * 8 + k);
      if (f === null || f.isPath) continue; // O_PATH: fdget finds nothing to poll
      const mask = f.poll(t);
      if ((s[IN + b]! & m) && (mask & POLLIN_SET)) { s[RIN + b] = s[RIN + b]! | m; count++; }
      if ((s[OUT + b]! & m) && (mask & POLLOUT_SET)) { s[ROUT + b] = s[ROUT + b]! | m; count++; }
      if ((s[EX + b]! & m) && (mask & POLLEX_SET)) { s[REX + b] = s[REX + b]! | m; count++; }
    }
  }
  if (count === 0 && deadline !== NO_TIMEOUT && !(t.waitActive && t.waitExpired())) {
    for (let b = 0; b < nbytes; b++) {
      const any = s[IN + b]! | s[OUT + b]! | s[EX + b]!;
      if (any === 0) continue;
      for (let k = 0; k < 8; k++) {
        if ((any & (1 << k)) === 0) continue;
        const q = t.files.get(b * 8 + k)?.readyQueue();
        if (q) t.blockOn(q);
      }
    }
    return parkOrInterrupt(t, deadline, -ERESTARTNOHAND, hook);
  }
  if (inp !== 0 && t.mm.copyOut(inp, s, RIN, bytes) < 0) return -EFAULT;
  if (outp !== 0 && t.mm.copyOut(outp, s, ROUT, bytes) < 0) return -EFAULT;
  if (exp !== 0 && t.mm.copyOut(exp, s, REX, bytes) < 0) return -EFAULT;
  return count;
}

/** select and pselect6 after their arguments: timeout (timeval or timespec) and mask. */
function selectCommon(t: Task, tvp: number, usec: boolean, maskAddr: number, maskSize: number): number {
  let deadline: number;
  if (t.waitActive) {
    deadline = t.waitDeadline;
  } else {
    deadline = 0;
    if (tvp !== 0) {
      const ns = readTimeout(t, tvp, usec);
      if (ns < 0) return ns;
      deadline = ns === 0 ? NO_TIMEOUT : deadlineAfter(ns);
    }
    const r = setUserSigmask(t, maskAddr, maskSize);
    if (r < 0) return r;
  }
  const r = t.regs;
  const timed = tvp !== 0 && deadline !== NO_TIMEOUT;
  t.restartAddr = tvp; t.restartFlags = usec ? 1 : 0;
  const res = done(t, doSelect(t, r.argInt(0), r.arg(1), r.arg(2), r.arg(3), deadline, timed ? selectInterrupted : null));
  if (res === RET_BLOCK) return res;
  if (timed && !writeRemaining(t, tvp, deadline, usec) && res === -ERESTARTNOHAND) return restoreSigmask(t, -EINTR, -EINTR);
  return restoreSigmask(t, res, -ERESTARTNOHAND);
}

/** implements Linux select(2) */
export const sysSelect: Handler = (t) => selectCommon(t, t.regs.arg(4), true, 0, 0);

/** implements Linux pselect6(2): the sixth argument points at { const sigset_t *ss; size_t ss_len; }. */
export const sysPselect6: Handler = (t) => {
  let maskAddr = 0, maskSize = 0;
  const pack = t.regs.arg(5);
  if (pack !== 0 && !t.waitActive) {
    if (t.mm.copyIn(pack, maskBuf, 0, 16) < 0) return -EFAULT;
    maskAddr = getI64(maskDv, 0);
    maskSize = getI64(maskDv, 8);
  }
  return selectCommon(t, t.regs.arg(4), false, maskAddr, maskSize);
};

export const pollSyscalls: Record<string, Handler> = {
  poll: sysPoll,
  ppoll: sysPpoll,
  select: sysSelect,
  pselect6: sysPselect6,
};
