// Scheduling attributes and priorities: sched_{get,set}{scheduler,param,attr},
// sched_get_priority_{min,max}, sched_rr_get_interval, getpriority/setpriority,
// ioprio_get/set, personality, and the UTS names (sethostname, setdomainname).
// The attributes are kept per task and reported exactly as Linux reports them;
// the kernel's own scheduler is round-robin whatever they say (table notes).
import { E2BIG, EACCES, EFAULT, EINVAL, EPERM, ESRCH } from '../errno';
import { CAP_SYS_ADMIN, CAP_SYS_NICE } from '../abi/capability';
import { RLIMIT_NICE } from '../limits';
import type { Task } from '../task';
import { capable } from './identity';
import type { Handler } from './types';

export const SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5, SCHED_DEADLINE = 6;
const SCHED_RESET_ON_FORK = 0x40000000;
const SCHED_FLAG_RESET_ON_FORK = 0x01, SCHED_FLAG_KEEP_POLICY = 0x08, SCHED_FLAG_KEEP_PARAMS = 0x10,
  SCHED_FLAG_UTIL_CLAMP = 0x60, SCHED_FLAG_ALL = 0x7f;
/** struct sched_attr: VER0 48 bytes, the kernel's own (with util clamps) 56. */
const SCHED_ATTR_SIZE_VER0 = 48, SCHED_ATTR_SIZE = 56;
const MIN_NICE = -20, MAX_NICE = 19, MAX_RT_PRIO = 99;
const PAGE_SIZE = 4096;

const isRt = (p: number) => p === SCHED_FIFO || p === SCHED_RR;
const isFair = (p: number) => p === SCHED_OTHER || p === SCHED_BATCH || p === SCHED_IDLE;

/** The thread pid names (0: the caller), or null. */
function taskOf(t: Task, pid: number): Task | null {
  return pid === 0 ? t : t.kernel.tasks.get(pid) ?? null;
}

/** May t change target's scheduling (Linux's check_same_owner or CAP_SYS_NICE)? */
function mayChange(t: Task, target: Task): boolean {
  const c = t.creds, o = target.creds;
  return c.euid === o.euid || c.euid === o.uid || capable(c, CAP_SYS_NICE);
}

/** Applies a policy and RT priority after Linux's checks; 0 or -errno. */
function setScheduler(t: Task, target: Task, policy: number, prio: number, resetOnFork: boolean): number {
  if (!isRt(policy) && !isFair(policy)) return -EINVAL;
  if (prio < 0 || prio > MAX_RT_PRIO || isRt(policy) !== (prio !== 0)) return -EINVAL;
  if (!mayChange(t, target)) return -EPERM;
  // Without CAP_SYS_NICE: RT priorities only up to RLIMIT_RTPRIO (0 by default), no leaving SCHED_IDLE.
  if (!capable(t.creds, CAP_SYS_NICE)) {
    if (isRt(policy)) return -EPERM;
    if (target.schedPolicy === SCHED_IDLE && policy !== SCHED_IDLE) return -EPERM;
    if (target.schedResetOnFork && !resetOnFork) return -EPERM;
  }
  target.schedPolicy = policy;
  target.schedPriority = prio;
  target.schedResetOnFork = resetOnFork;
  return 0;
}

function readPrio(t: Task, addr: number): number | null {
  const v = t.mm.readU32(addr);
  return v < 0 ? null : v | 0;
}

/** implements Linux sched_setscheduler(2) */
export const sysSchedSetscheduler: Handler = (t) => {
  const pid = t.regs.argInt(0), pol = t.regs.argInt(1), param = t.regs.arg(2);
  if (pid < 0 || param === 0 || pol < 0) return -EINVAL;
  const prio = readPrio(t, param);
  if (prio === null) return -EFAULT;
  const target = taskOf(t, pid);
  if (!target) return -ESRCH;
  const reset = (pol & SCHED_RESET_ON_FORK) !== 0;
  return setScheduler(t, target, pol & ~SCHED_RESET_ON_FORK, prio, reset);
};

/** implements Linux sched_setparam(2): the priority under the current policy. */
export const sysSchedSetparam: Handler = (t) => {
  const pid = t.regs.argInt(0), param = t.regs.arg(1);
  if (pid < 0 || param === 0) return -EINVAL;
  const prio = readPrio(t, param);
  if (prio === null) return -EFAULT;
  const target = taskOf(t, pid);
  if (!target) return -ESRCH;
  return setScheduler(t, target, target.schedPolicy, prio, target.schedResetOnFork);
};

/** implements Linux sched_getscheduler(2) */
export const sysSchedGetscheduler: Handler = (t) => {
  const pid = t.regs.argInt(0);
  if (pid < 0) return -EINVAL;
  const target = taskOf(t, pid);
  if (!target) return -ESRCH;
  return target.schedPolicy | (target.schedResetOnFork ? SCHED_RESET_ON_FORK : 0);
};

/** implements Linux sched_getparam(2) */
export const sysSchedGetparam: Handler = (t) => {
  const pid = t.regs.argInt(0), param = t.regs.arg(1);
  if (pid < 0 || param === 0) return -EINVAL;
  const target = taskOf(t, pid);
  if (!target) return -ESRCH;
  return t.mm.writeU32(param, target.schedPriority) < 0 ? -EFAULT : 0;
};

/** implements Linux sched_get_priority_max(2) */
export const sysSchedGetPriorityMax: Handler = (t) => {
  const p = t.regs.argInt(0);
  return isRt(p) ? MAX_RT_PRIO : isFair(p) || p === SCHED_DEADLINE ? 0 : -EINVAL;
};

/** implements Linux sched_get_priority_min(2) */
export const sysSchedGetPriorityMin: Handler = (t) => {
  const p = t.regs.argInt(0);
  return isRt(p) ? 1 : isFair(p) || p === SCHED_DEADLINE ? 0 : -EINVAL;
};

/** implements Linux sched_rr_get_interval(2): the kernel's time slice (0 for SCHED_FIFO). */
export const sysSchedRrGetInterval: Handler = (t) => {
  const pid = t.regs.argInt(0), tp = t.regs.arg(1);
  if (pid < 0) return -EINVAL;
  const target = taskOf(t, pid);
  if (!target) return -ESRCH;
  const ns = target.schedPolicy === SCHED_FIFO ? 0 : t.kernel.sliceNs;
  const dv = t.kernel.sdv;
  dv.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
  dv.setBigInt64(8, BigInt(ns % 1e9), true);
  return t.mm.copyOut(tp, t.kernel.scratch, 0, 16) < 0 ? -EFAULT : 0;
};

/** implements Linux sched_getattr(2) */
export const sysSchedGetattr: Handler = (t) => {
  const pid = t.regs.argInt(0), attr = t.regs.arg(1), usize = (t.regs.argInt(2) >>> 0), flags = t.regs.arg(3);
  if (attr === 0 || pid < 0 || usize > PAGE_SIZE || usize < SCHED_ATTR_SIZE_VER0 || flags !== 0) return -EINVAL;
  const target = taskOf(t, pid);
  if (!target) return -ESRCH;
  const size = Math.min(usize, SCHED_ATTR_SIZE), s = t.kernel.scratch, dv = t.kernel.sdv;
  s.fill(0, 0, SCHED_ATTR_SIZE);
  dv.setUint32(0, size, true);
  dv.setUint32(4, target.schedPolicy, true);
  dv.setUint32(8, target.schedResetOnFork ? SCHED_FLAG_RESET_ON_FORK : 0, true);
  if (isFair(target.schedPolicy)) dv.setInt32(16, target.nice, true);
  else dv.setUint32(20, target.schedPriority, true);
  return t.mm.copyOut(attr, s, 0, size) < 0 ? -EFAULT : 0;
};

/** implements Linux sched_setattr(2); SCHED_DEADLINE is refused (no deadline scheduling). */
export const sysSchedSetattr: Handler = (t) => {
  const pid = t.regs.argInt(0), attr = t.regs.arg(1), flags = t.regs.arg(2);
  if (attr === 0 || pid < 0 || flags !== 0) return -EINVAL;
  let size = t.mm.readU32(attr);
  if (size < 0) return -EFAULT;
  if (size === 0) size = SCHED_ATTR_SIZE_VER0;
  if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE) {
    return t.mm.writeU32(attr, SCHED_ATTR_SIZE) < 0 ? -EFAULT : -E2BIG;
  }
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  if (t.mm.copyIn(attr, s, 0, size) < 0) return -EFAULT;
  for (let i = SCHED_ATTR_SIZE; i < size; i++) {
    if (s[i] !== 0) return t.mm.writeU32(attr, SCHED_ATTR_SIZE) < 0 ? -EFAULT : -E2BIG;
  }
  const policy = dv.getUint32(4, true), aflags = dv.getUint32(8, true) + dv.getUint32(12, true) * 2 ** 32;
  const nice = Math.min(MAX_NICE, Math.max(MIN_NICE, dv.getInt32(16, true))), prio = dv.getUint32(20, true);
  if (aflags > SCHED_FLAG_ALL || (aflags & ~SCHED_FLAG_ALL)) return -EINVAL;
  if ((aflags & SCHED_FLAG_UTIL_CLAMP) && size < SCHED_ATTR_SIZE) return -EINVAL;
  const target = taskOf(t, pid);
  if (!target) return -ESRCH;
  if (policy === SCHED_DEADLINE && !(aflags & SCHED_FLAG_KEEP_POLICY)) return -EPERM;
  const pol = aflags & SCHED_FLAG_KEEP_POLICY ? target.schedPolicy : policy;
  const p = aflags & SCHED_FLAG_KEEP_PARAMS ? target.schedPriority : prio;
  if (isFair(pol) && !(aflags & SCHED_FLAG_KEEP_PARAMS) && nice !== target.nice) {
    const e = setNice(t, target, nice);
    if (e < 0) return e;
  }
  return setScheduler(t, target, pol, p, (aflags & SCHED_FLAG_RESET_ON_FORK) !== 0);
};

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;

/** The threads getpriority/setpriority's (which, who) selects, or null for a bad which. */
function prioTargets(t: Task, which: number, who: number): Task[] | null {
  const out: Task[] = [];
  if (which === PRIO_PROCESS) {
    const x = taskOf(t, who);
    if (x) out.push(x);
  } else if (which === PRIO_PGRP) {
    const pg = who === 0 ? t.group.pgid : who;
    for (const x of t.kernel.tasks.values()) if (x.group.pgid === pg) out.push(x);
  } else if (which === PRIO_USER) {
    const uid = who === 0 ? t.creds.uid : who;
    for (const x of t.kernel.tasks.values()) if (x.creds.uid === uid) out.push(x);
  } else {
    return null;
  }
  return out;
}

/** can_nice: lowering the nice value needs RLIMIT_NICE room or CAP_SYS_NICE. */
function setNice(t: Task, target: Task, nice: number): number {
  if (!mayChange(t, target)) return -EPERM;
  if (nice < target.nice && 20 - nice > (t.limits.soft[RLIMIT_NICE] ?? 0) && !capable(t.creds, CAP_SYS_NICE)) return -EACCES;
  target.nice = nice;
  return 0;
}

/** implements Linux getpriority(2): 20 - nice of the highest-priority match (never negative). */
export const sysGetpriority: Handler = (t) => {
  const which = t.regs.argInt(0), who = t.regs.argInt(1);
  if (who < 0) return -ESRCH;
  const ts = prioTargets(t, which, who);
  if (ts === null) return -EINVAL;
  if (ts.length === 0) return -ESRCH;
  let best = 0;
  for (const x of ts) best = Math.max(best, 20 - x.nice);
  return best;
};

/** implements Linux setpriority(2) */
export const sysSetpriority: Handler = (t) => {
  const which = t.regs.argInt(0), who = t.regs.argInt(1);
  const nice = Math.min(MAX_NICE, Math.max(MIN_NICE, t.regs.argInt(2)));
  if (who < 0) return -ESRCH;
  const ts = prioTargets(t, which, who);
  if (ts === null) return -EINVAL;
  if (ts.length === 0) return -ESRCH;
  let err = 0;
  for (const x of ts) { const e = setNice(t, x, nice); if (e < 0) err = e; }
  return err;
};

const IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3;
const IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3;
const IOPRIO_CLASS_SHIFT = 13, IOPRIO_NR_LEVELS = 8;

function ioprioTargets(t: Task, which: number, who: number): Task[] | null {
  const map = [-1, PRIO_PROCESS, PRIO_PGRP, PRIO_USER];
  if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER) return null;
  return prioTargets(t, map[which]!, who);
}

/** implements Linux ioprio_set(2): the class and level are kept (no I/O scheduler to apply them to). */
export const sysIoprioSet: Handler = (t) => {
  const which = t.regs.argInt(0), who = t.regs.argInt(1), prio = t.regs.argInt(2);
  const cls = (prio >>> IOPRIO_CLASS_SHIFT) & 7, level = prio & 7;
  switch (cls) {
    case IOPRIO_CLASS_RT:
      if (!capable(t.creds, CAP_SYS_ADMIN) && !capable(t.creds, CAP_SYS_NICE)) return -EPERM;
      if (level >= IOPRIO_NR_LEVELS) return -EINVAL;
      break;
    case IOPRIO_CLASS_BE: if (level >= IOPRIO_NR_LEVELS) return -EINVAL; break;
    case IOPRIO_CLASS_IDLE: break;
    case IOPRIO_CLASS_NONE: if (level !== 0) return -EINVAL; break;
    default: return -EINVAL;
  }
  const ts = ioprioTargets(t, which, who);
  if (ts === null) return -EINVAL;
  if (ts.length === 0) return -ESRCH;
  for (const x of ts) { if (!mayChange(t, x)) return -EPERM; x.ioprio = prio & 0xffff; }
  return 0;
};

/** implements Linux ioprio_get(2): 0 (IOPRIO_CLASS_NONE) for a task that never set one. */
export const sysIoprioGet: Handler = (t) => {
  const which = t.regs.argInt(0), who = t.regs.argInt(1);
  const ts = ioprioTargets(t, which, who);
  if (ts === null) return -EINVAL;
  if (ts.length === 0) return -ESRCH;
  let best = -1;
  for (const x of ts) if (best < 0 || x.ioprio < best) best = x.ioprio;
  return best;
};

/** implements Linux personality(2): 0xffffffff only queries. */
export const sysPersonality: Handler = (t) => {
  const p = (t.regs.argInt(0) >>> 0), old = t.personality;
  if (p !== 0xffffffff) t.personality = p;
  return old;
};

/** __NEW_UTS_LEN */
const UTS_LEN = 64;

function setUtsName(t: Task, set: (s: string) => void): number {
  const addr = t.regs.arg(0), len = t.regs.argInt(1);
  if (!capable(t.creds, CAP_SYS_ADMIN)) return -EPERM;
  if (len < 0 || len > UTS_LEN) return -EINVAL;
  if (t.mm.copyIn(addr, t.kernel.scratch, 0, len) < 0) return -EFAULT;
  set(Buffer.from(t.kernel.scratch.subarray(0, len)).toString('latin1'));
  return 0;
}

/** implements Linux sethostname(2): the sandbox's own UTS name. */
export const sysSethostname: Handler = (t) => setUtsName(t, (s) => { t.kernel.hostname = s; });
/** implements Linux setdomainname(2) */
export const sysSetdomainname: Handler = (t) => setUtsName(t, (s) => { t.kernel.domainname = s; });

export const schedSyscalls: Record<string, Handler> = {
  sched_setscheduler: sysSchedSetscheduler, sched_setparam: sysSchedSetparam,
  sched_getscheduler: sysSchedGetscheduler, sched_getparam: sysSchedGetparam,
  sched_get_priority_max: sysSchedGetPriorityMax, sched_get_priority_min: sysSchedGetPriorityMin,
  sched_rr_get_interval: sysSchedRrGetInterval, sched_getattr: sysSchedGetattr, sched_setattr: sysSchedSetattr,
  getpriority: sysGetpriority, setpriority: sysSetpriority, ioprio_set: sysIoprioSet, ioprio_get: sysIoprioGet,
  personality: sysPersonality, sethostname: sysSethostname, setdomainname: sysSetdomainname,
};
