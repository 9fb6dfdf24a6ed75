// seccomp (kernel/seccomp.c): seccomp(2), prctl's PR_SET_SECCOMP/PR_GET_SECCOMP,
// and the check the run loop makes at each system call entry of a task whose
// mode is not 0. Strict mode allows read, write, exit and rt_sigreturn and
// kills the thread with SIGKILL on anything else. Filter mode runs every
// attached classic-BPF filter (seccomp_bpf.ts) over struct seccomp_data; the
// lowest action wins (KILL_PROCESS < KILL_THREAD < TRAP < ERRNO < USER_NOTIF <
// TRACE < LOG < ALLOW, compared as signed numbers, data ignored), the newest
// filter's data among equals. Filters stack, are inherited by clone and kept
// across execve. There is no user-notification listener (NEW_LISTENER gives
// EINVAL, as a kernel whose filter flags lack it) and no guest ptrace, so
// USER_NOTIF and TRACE answer ENOSYS as Linux does with no listener or tracer.
import { EACCES, EFAULT, EINVAL, ENOMEM, ENOSYS, EOPNOTSUPP, ESRCH } from '../errno';
import {
  AUDIT_ARCH_X86_64, BPF_MAXINSNS, MAX_INSNS_PER_PATH, SECCOMP_DATA_SIZE, SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
  SECCOMP_GET_ACTION_AVAIL, SECCOMP_GET_NOTIF_SIZES, SECCOMP_MODE_DISABLED, SECCOMP_MODE_FILTER,
  SECCOMP_MODE_STRICT, SECCOMP_NOTIF_RESP_SIZE, SECCOMP_NOTIF_SIZE, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW,
  SECCOMP_RET_DATA, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF, SECCOMP_SET_MODE_FILTER, SECCOMP_SET_MODE_STRICT,
  SOCK_FILTER_SIZE, SOCK_FPROG_SIZE, SYS_SECCOMP,
} from '../abi/seccomp';
import { CAP_SYS_ADMIN } from '../abi/capability';
import { ORIG_RAX, R10, R8, R9, RAX, RDI, RDX, RIP, RSI } from '../../platform/regs';
import { SIGKILL, SIGSYS } from '../signals';
import { checkProgram, decodeProgram, runFilter, SeccompFilter, type Program } from '../seccomp_bpf';
import { makeInfo } from '../task_signals';
import { exitTask } from '../task_exit';
import type { Task } from '../task';
import { capable } from './identity';
import type { Handler } from './types';

/** The filter flags this kernel accepts (SECCOMP_FILTER_FLAG_MASK less NEW_LISTENER and
 *  WAIT_KILLABLE_RECV: no user notification). */
const FILTER_FLAGS = SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
/** MAX_ERRNO: SECCOMP_RET_ERRNO's data is capped at it. */
const MAX_ERRNO = 4095;
/** Strict mode's calls (mode1_syscalls): read, write, exit, rt_sigreturn. */
const NR_READ = 0, NR_WRITE = 1, NR_RT_SIGRETURN = 15, NR_EXIT = 60;

// Signed forms of the actions, as seccomp_run_filters compares them.
const ACT_KILL_PROCESS = SECCOMP_RET_KILL_PROCESS | 0, ACT_ALLOW = SECCOMP_RET_ALLOW | 0;

/** struct seccomp_data of the call being checked, as 32-bit words (never held across calls). */
const data = new Uint32Array(SECCOMP_DATA_SIZE / 4);

/** The run loop's check at a task's system call entry (__secure_computing), made only when
 *  t.seccompMode is not 0. Returns true when the call goes on to its handler; false when seccomp
 *  settled it (a result in rax, a SIGSYS queued, or the thread or process killed). */
export function seccompEnter(t: Task): boolean {
  const r = t.regs;
  if (t.seccompMode === SECCOMP_MODE_STRICT) {
    if (r.hi(ORIG_RAX) === 0) {
      const nr = r.lo(ORIG_RAX);
      if (nr === NR_READ || nr === NR_WRITE || nr === NR_EXIT || nr === NR_RT_SIGRETURN) return true;
    }
    // do_exit(SIGKILL): this thread, not its process.
    t.kernel.debug?.(`seccomp: pid ${t.tgid} tid ${t.tid}: syscall ${r.lo(ORIG_RAX) | 0} in strict mode: killed`);
    t.kernel.strace?.killed(t, SIGKILL);
    exitTask(t, SIGKILL);
    return false;
  }
  data[0] = r.lo(ORIG_RAX); data[1] = AUDIT_ARCH_X86_64;
  data[2] = r.lo(RIP); data[3] = r.hi(RIP);
  data[4] = r.lo(RDI); data[5] = r.hi(RDI); data[6] = r.lo(RSI); data[7] = r.hi(RSI);
  data[8] = r.lo(RDX); data[9] = r.hi(RDX); data[10] = r.lo(R10); data[11] = r.hi(R10);
  data[12] = r.lo(R8); data[13] = r.hi(R8); data[14] = r.lo(R9); data[15] = r.hi(R9);
  let ret = SECCOMP_RET_ALLOW, act = ACT_ALLOW;
  let match: SeccompFilter | null = null;
  for (let f = t.seccompFilter; f !== null; f = f.prev) {
    const cur = runFilter(f, data);
    const a = cur & SECCOMP_RET_ACTION_FULL; // signed: KILL_PROCESS is the lowest
    if (a < act) { act = a; ret = cur; match = f; }
  }
  if (act === ACT_ALLOW) return true;
  return settle(t, act, ret & SECCOMP_RET_DATA, match);
}

/** The actions other than ALLOW (the rest of __seccomp_filter). */
function settle(t: Task, act: number, value: number, match: SeccompFilter | null): boolean {
  const k = t.kernel, r = t.regs, nr = r.lo(ORIG_RAX) | 0;
  if (k.debug && (act === (SECCOMP_RET_LOG | 0) || match?.log || act === SECCOMP_RET_KILL_THREAD || act === ACT_KILL_PROCESS)) {
    k.debug(`seccomp: pid ${t.tgid} tid ${t.tid}: syscall ${nr}: action 0x${(act >>> 0).toString(16)} data ${value}`);
  }
  switch (act) {
    case SECCOMP_RET_LOG | 0:
      return true;
    case SECCOMP_RET_ERRNO:
      return skip(t, nr, -Math.min(value, MAX_ERRNO));
    case SECCOMP_RET_USER_NOTIF: // no listener can be attached: ENOSYS
    case SECCOMP_RET_TRACE: // no tracer: ENOSYS
      return skip(t, nr, -ENOSYS);
    case SECCOMP_RET_TRAP: {
      // The handler sees the original registers (syscall_rollback: rax = the number); the call
      // does not run. A blocked or ignored SIGSYS kills the process (force_sig).
      r.setHalves(RAX, r.lo(ORIG_RAX), r.hi(ORIG_RAX));
      k.forceSignalInfo(t, sigsysInfo(t, nr, value));
      return false;
    }
    default:
      if (act === SECCOMP_RET_KILL_THREAD && t.group.tasks.size > 1) {
        // do_exit(SIGSYS): only this thread, while others live.
        k.strace?.killed(t, SIGSYS);
        exitTask(t, SIGSYS);
        return false;
      }
      // KILL_PROCESS, KILL_THREAD of the last thread, and any action Linux does not know:
      // SIGSYS's default action (a core dump where RLIMIT_CORE allows one), which no handler
      // can catch.
      k.exitGroupBySignal(t, SIGSYS);
      return false;
  }
}

/** The call returns res without running (seccomp's "skip"). */
function skip(t: Task, nr: number, res: number): boolean {
  t.regs.set(RAX, res);
  t.inSyscall = true;
  const s = t.kernel.strace;
  if (s) { s.enter(t, nr); s.exit(t, nr, res); }
  return false;
}

/** seccomp_init_siginfo: SIGSYS, SYS_SECCOMP, the filter's data in si_errno. */
function sigsysInfo(t: Task, nr: number, value: number) {
  const info = makeInfo(SIGSYS, SYS_SECCOMP);
  info.errno = value;
  info.addr = t.regs.get(RIP);
  info.syscall = nr;
  info.arch = AUDIT_ARCH_X86_64;
  return info;
}

/** seccomp_attach_filter and seccomp_assign_mode: puts a checked program on top of t's filters
 *  (and, with TSYNC, makes it every thread's). Returns 0, -errno, or with TSYNC (without
 *  TSYNC_ESRCH) the id of a thread that cannot be synchronised. */
export function attachFilter(t: Task, prog: Program, flags: number): number {
  if (t.seccompMode !== SECCOMP_MODE_DISABLED && t.seccompMode !== SECCOMP_MODE_FILTER) return -EINVAL;
  const f = new SeccompFilter(prog, t.seccompFilter, (flags & SECCOMP_FILTER_FLAG_LOG) !== 0);
  if (f.pathInsns > MAX_INSNS_PER_PATH) return -ENOMEM;
  const tsync = (flags & SECCOMP_FILTER_FLAG_TSYNC) !== 0;
  if (tsync) {
    // seccomp_can_sync_threads: every other thread has no filter mode, or filters the caller's
    // chain already contains.
    for (const o of t.group.tasks) {
      if (o === t || o.seccompMode === SECCOMP_MODE_DISABLED) continue;
      if (o.seccompMode === SECCOMP_MODE_FILTER &&
        (o.seccompFilter === null || (t.seccompFilter !== null && t.seccompFilter.descendsFrom(o.seccompFilter)))) continue;
      return flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH ? -ESRCH : o.tid;
    }
  }
  t.seccompFilter = f;
  t.seccompMode = SECCOMP_MODE_FILTER;
  if (tsync) {
    for (const o of t.group.tasks) {
      if (o === t) continue;
      o.seccompFilter = f;
      // A thread must not escape no_new_privs by having another install the filter.
      if (t.noNewPrivs) o.noNewPrivs = true;
      o.seccompMode = SECCOMP_MODE_FILTER;
    }
  }
  return 0;
}

/** seccomp_set_mode_strict. */
function setModeStrict(t: Task): number {
  if (t.seccompMode !== SECCOMP_MODE_DISABLED && t.seccompMode !== SECCOMP_MODE_STRICT) return -EINVAL;
  t.seccompMode = SECCOMP_MODE_STRICT;
  return 0;
}

/** seccomp_set_mode_filter: flags, then the program (seccomp_prepare_user_filter), then attach. */
function setModeFilter(t: Task, flags: number, uargs: number): number {
  if ((flags & ~FILTER_FLAGS) !== 0) return -EINVAL;
  const k = t.kernel, dv = k.sdv;
  if (t.mm.copyIn(uargs, k.scratch, 0, SOCK_FPROG_SIZE) < 0) return -EFAULT;
  const len = dv.getUint16(0, true);
  const ptr = dv.getUint32(8, true) + dv.getUint32(12, true) * 4294967296;
  if (len === 0 || len > BPF_MAXINSNS) return -EINVAL;
  // Without no_new_privs only CAP_SYS_ADMIN may install a filter (an unprivileged process must
  // not change what a privileged program it runs does).
  if (!t.noNewPrivs && !capable(t.creds, CAP_SYS_ADMIN)) return -EACCES;
  if (ptr === 0) return -EINVAL;
  const bytes = new Uint8Array(len * SOCK_FILTER_SIZE);
  if (t.mm.copyIn(ptr, bytes, 0, bytes.length) < 0) return -EFAULT;
  const prog = decodeProgram(bytes, len);
  if (!checkProgram(prog)) return -EINVAL;
  return attachFilter(t, prog, flags);
}

/** seccomp_get_action_avail: the actions this kernel carries out (USER_NOTIF needs a listener,
 *  which it cannot make: EOPNOTSUPP, as for an action Linux does not know). */
function actionAvail(t: Task, uaction: number): number {
  const a = t.mm.readU32(uaction);
  if (a < 0) return -EFAULT;
  switch (a) {
    case SECCOMP_RET_KILL_PROCESS: case SECCOMP_RET_KILL_THREAD: case SECCOMP_RET_TRAP: case SECCOMP_RET_ERRNO:
    case SECCOMP_RET_TRACE: case SECCOMP_RET_LOG: case SECCOMP_RET_ALLOW:
      return 0;
    case SECCOMP_RET_USER_NOTIF:
    default:
      return -EOPNOTSUPP;
  }
}

/** seccomp_get_notif_sizes: struct seccomp_notif_sizes (three u16). */
function notifSizes(t: Task, usizes: number): number {
  const k = t.kernel, dv = k.sdv;
  dv.setUint16(0, SECCOMP_NOTIF_SIZE, true);
  dv.setUint16(2, SECCOMP_NOTIF_RESP_SIZE, true);
  dv.setUint16(4, SECCOMP_DATA_SIZE, true);
  return t.mm.copyOut(usizes, k.scratch, 0, 6) < 0 ? -EFAULT : 0;
}

/** do_seccomp: the operations of seccomp(2) and prctl(PR_SET_SECCOMP). */
function doSeccomp(t: Task, op: number, flags: number, uargs: number): number {
  switch (op) {
    case SECCOMP_SET_MODE_STRICT:
      if (flags !== 0 || uargs !== 0) return -EINVAL;
      return setModeStrict(t);
    case SECCOMP_SET_MODE_FILTER:
      return setModeFilter(t, flags, uargs);
    case SECCOMP_GET_ACTION_AVAIL:
      if (flags !== 0) return -EINVAL;
      return actionAvail(t, uargs);
    case SECCOMP_GET_NOTIF_SIZES:
      if (flags !== 0) return -EINVAL;
      return notifSizes(t, uargs);
    default:
      return -EINVAL;
  }
}

/** prctl(PR_SET_SECCOMP, mode, filter): strict mode ignores the filter argument; no flags. */
export function prctlSetSeccomp(t: Task, mode: number, filter: number): number {
  if (mode === SECCOMP_MODE_STRICT) return doSeccomp(t, SECCOMP_SET_MODE_STRICT, 0, 0);
  if (mode === SECCOMP_MODE_FILTER) return doSeccomp(t, SECCOMP_SET_MODE_FILTER, 0, filter);
  return -EINVAL;
}

/** prctl(PR_GET_SECCOMP): the mode (strict mode never gets here: prctl kills it). */
export function prctlGetSeccomp(t: Task): number { return t.seccompMode; }

/** implements Linux seccomp(2) */
export const sysSeccomp: Handler = (t) => doSeccomp(t, t.regs.lo(RDI), t.regs.lo(RSI), t.regs.arg(2));

export const seccompSyscalls: Record<string, Handler> = { seccomp: sysSeccomp };
