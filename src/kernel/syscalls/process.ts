// Process and thread identity, exit, and per-task settings: getpid family,
// exit/exit_group, set_tid_address, set_robust_list, rseq, arch_prctl, prlimit.
import { EACCES, EFAULT, EINVAL, ENODEV, ENOSYS, EPERM, ESRCH } from '../errno';
import type { ThreadGroup } from '../thread_group';
import { monotonicNs } from '../timers';
import { FS_BASE, GS_BASE } from '../../platform/regs';
import { TASK_SIZE } from '../mm/mm';
import { RLIM_INFINITY, RLIM_NLIMITS, RLIMIT_NOFILE } from '../limits';
import type { Task } from '../task';
import { RET_NO_WRITEBACK, type Handler } from './types';
import { exitGroup, exitTask } from '../task_exit';
import { encodeRusage, RUSAGE_SIZE } from '../abi/rusage';
import { capPrctl, isCapPrctl } from './prctl_caps';
import { prctlGetSeccomp, prctlSetSeccomp } from './seccomp';

/** implements Linux getpid(2) */
export const sysGetpid: Handler = (t) => t.tgid;
/** implements Linux getppid(2) */
export const sysGetppid: Handler = (t) => t.ppid;
/** implements Linux gettid(2) */
export const sysGettid: Handler = (t) => t.tid;
/** implements Linux getuid(2) */
export const sysGetuid: Handler = (t) => t.creds.uid;
/** implements Linux geteuid(2) */
export const sysGeteuid: Handler = (t) => t.creds.euid;
/** implements Linux getgid(2) */
export const sysGetgid: Handler = (t) => t.creds.gid;
/** implements Linux getegid(2) */
export const sysGetegid: Handler = (t) => t.creds.egid;

function putIds(t: Task, addrs: number[], vals: number[]): number {
  for (let i = 0; i < addrs.length; i++) if (t.mm.writeU32(addrs[i]!, vals[i]!) < 0) return -EFAULT;
  return 0;
}
/** implements Linux getresuid(2) */
export const sysGetresuid: Handler = (t) =>
  putIds(t, [t.regs.arg(0), t.regs.arg(1), t.regs.arg(2)], [t.creds.uid, t.creds.euid, t.creds.suid]);
/** implements Linux getresgid(2) */
export const sysGetresgid: Handler = (t) =>
  putIds(t, [t.regs.arg(0), t.regs.arg(1), t.regs.arg(2)], [t.creds.gid, t.creds.egid, t.creds.sgid]);

/** implements Linux getgroups(2) */
export const sysGetgroups: Handler = (t) => {
  const size = t.regs.argInt(0), list = t.regs.arg(1), g = t.creds.groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return g.length;
  if (size < g.length) return -EINVAL;
  for (let i = 0; i < g.length; i++) if (t.mm.writeU32(list + 4 * i, g[i]!) < 0) return -EFAULT;
  return g.length;
};

/** The process pid names (zombies included: they keep their ids until reaped). */
function groupOf(t: Task, pid: number): ThreadGroup | null {
  if (pid === 0) return t.group;
  return t.kernel.groups.get(pid) ?? null;
}

/** implements Linux getpgid(2) */
export const sysGetpgid: Handler = (t) => {
  const g = groupOf(t, t.regs.argInt(0));
  return g ? g.pgid : -ESRCH;
};
/** implements Linux getpgrp(2) */
export const sysGetpgrp: Handler = (t) => t.group.pgid;
/** implements Linux getsid(2) */
export const sysGetsid: Handler = (t) => {
  const g = groupOf(t, t.regs.argInt(0));
  return g ? g.sid : -ESRCH;
};

/** implements Linux setpgid(2) */
export const sysSetpgid: Handler = (t) => {
  const pid = t.regs.argInt(0), pgid = t.regs.argInt(1);
  if (pgid < 0) return -EINVAL;
  const g = pid === 0 ? t.group : t.kernel.groups.get(pid);
  if (!g || g.state !== 0) return -ESRCH;
  if (g !== t.group && g.parent !== t.group) return -ESRCH;
  if (g.parent === t.group && g.execed) return -EACCES;
  if (g.sid === g.tgid) return -EPERM;          // a session leader
  if (g.sid !== t.group.sid) return -EPERM;
  const target = pgid === 0 ? g.tgid : pgid;
  if (target !== g.tgid) {
    let found = false;
    for (const o of t.kernel.groups.values()) if (o.pgid === target && o.sid === t.group.sid && o.state === 0) { found = true; break; }
    if (!found) return -EPERM;
  }
  g.pgid = target;
  return 0;
};

/** implements Linux setsid(2) */
export const sysSetsid: Handler = (t) => {
  const g = t.group;
  for (const o of t.kernel.groups.values()) if (o.pgid === g.tgid && o.state === 0) return -EPERM;
  g.sid = g.tgid;
  g.pgid = g.tgid;
  return g.sid;
};

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15,
  PR_GET_NAME = 16, PR_SET_SECCOMP = 22, PR_GET_SECCOMP = 21, PR_SET_CHILD_SUBREAPER = 36,
  PR_GET_CHILD_SUBREAPER = 37, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39, PR_GET_TID_ADDRESS = 40,
  PR_SET_THP_DISABLE = 41, PR_GET_THP_DISABLE = 42, PR_SET_VMA = 0x53564d41, PR_SET_TIMERSLACK = 29,
  PR_GET_TIMERSLACK = 30, PR_MCE_KILL = 33, PR_MCE_KILL_GET = 34;

/** implements Linux prctl(2) for the options programs use; others give EINVAL as an unknown option. */
export const sysPrctl: Handler = (t) => {
  const opt = t.regs.argInt(0), a2 = t.regs.arg(1);
  switch (opt) {
    case PR_SET_PDEATHSIG:
      if (a2 > 64) return -EINVAL;
      t.pdeathSignal = a2;
      return 0;
    case PR_GET_PDEATHSIG:
      return t.mm.writeU32(a2, t.pdeathSignal) < 0 ? -EFAULT : 0;
    case PR_SET_NAME: {
      const s = t.mm.readCString(a2, 4096, EINVAL);
      if (typeof s === 'number') return s === -EINVAL ? -EFAULT : s;
      t.comm = s.slice(0, 15);
      return 0;
    }
    case PR_GET_NAME: {
      const b = Buffer.alloc(16);
      b.write(t.comm, 'latin1');
      return t.mm.copyOut(a2, b, 0, 16) < 0 ? -EFAULT : 0;
    }
    case PR_GET_DUMPABLE: return t.group.dumpable;
    case PR_SET_DUMPABLE: if (a2 > 1) return -EINVAL; t.group.dumpable = a2; return 0;
    case PR_SET_CHILD_SUBREAPER: t.group.subreaper = a2 !== 0; return 0;
    case PR_GET_CHILD_SUBREAPER: return t.mm.writeU32(a2, t.group.subreaper ? 1 : 0) < 0 ? -EFAULT : 0;
    case PR_SET_NO_NEW_PRIVS:
      if (a2 !== 1 || t.regs.arg(2) || t.regs.arg(3) || t.regs.arg(4)) return -EINVAL;
      t.noNewPrivs = true;
      return 0;
    case PR_GET_NO_NEW_PRIVS: return t.noNewPrivs ? 1 : 0;
    case PR_GET_TID_ADDRESS: return t.mm.writeU64(a2, t.clearChildTid) < 0 ? -EFAULT : 0;
    case PR_GET_SECCOMP: return prctlGetSeccomp(t);
    case PR_SET_SECCOMP: return prctlSetSeccomp(t, a2, t.regs.arg(2));
    case PR_SET_THP_DISABLE: case PR_SET_TIMERSLACK: case PR_MCE_KILL: case PR_SET_VMA:
      return 0;
    case PR_GET_THP_DISABLE: case PR_MCE_KILL_GET: return 0;
    case PR_GET_TIMERSLACK: return 50000;
    default: return isCapPrctl(opt) ? capPrctl(t, opt) : -EINVAL;
  }
};

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
/** USER_HZ: times(2) counts clock ticks of 10 ms. */
const NS_PER_CLOCK_TICK = 10_000_000;

/** implements Linux getrusage(2): user and system time (cputime.ts) and ru_maxrss; the fault,
 *  I/O and context-switch counters are zero. */
export const sysGetrusage: Handler = (t) => {
  const who = t.regs.argInt(0);
  const g = t.group, dv = t.kernel.sdv;
  const rss = () => Math.floor(t.mm.residentBytes() / 1024);
  if (who === RUSAGE_SELF) encodeRusage(dv, 0, g.userNs, g.sysNs, Math.max(g.maxRssKb, rss()));
  else if (who === RUSAGE_THREAD) encodeRusage(dv, 0, t.userNs, t.sysNs, rss());
  else if (who === RUSAGE_CHILDREN) encodeRusage(dv, 0, g.childUserNs, g.childSysNs, g.childMaxRssKb);
  else return -EINVAL;
  return t.mm.copyOut(t.regs.arg(1), t.kernel.scratch, 0, RUSAGE_SIZE) < 0 ? -EFAULT : 0;
};

/** implements Linux times(2): the process's and its reaped children's CPU time in clock ticks;
 *  returns ticks since boot. */
export const sysTimes: Handler = (t) => {
  const addr = t.regs.arg(0);
  if (addr !== 0) {
    const g = t.group, dv = t.kernel.sdv;
    const ticks = [g.userNs, g.sysNs, g.childUserNs, g.childSysNs];
    for (let i = 0; i < 4; i++) {
      dv.setUint32(i * 8, Math.floor(ticks[i]! / NS_PER_CLOCK_TICK) >>> 0, true);
      dv.setUint32(i * 8 + 4, 0, true);
    }
    if (t.mm.copyOut(addr, t.kernel.scratch, 0, 32) < 0) return -EFAULT;
  }
  return Math.floor(monotonicNs() / NS_PER_CLOCK_TICK);
};

/** implements Linux exit(2): ends the calling thread. */
export const sysExit: Handler = (t) => {
  exitTask(t, (t.regs.argInt(0) & 0xff) << 8);
  return RET_NO_WRITEBACK;
};

/** implements Linux exit_group(2) */
export const sysExitGroup: Handler = (t) => {
  exitGroup(t, (t.regs.argInt(0) & 0xff) << 8);
  return RET_NO_WRITEBACK;
};

/** implements Linux set_tid_address(2) */
export const sysSetTidAddress: Handler = (t) => {
  t.clearChildTid = t.regs.arg(0);
  return t.tid;
};

const ROBUST_LIST_HEAD_SIZE = 24;
/** implements Linux set_robust_list(2) */
export const sysSetRobustList: Handler = (t) => {
  if (t.regs.arg(1) !== ROBUST_LIST_HEAD_SIZE) return -EINVAL;
  t.robustListHead = t.regs.arg(0);
  t.robustListLen = ROBUST_LIST_HEAD_SIZE;
  return 0;
};

/** implements Linux get_robust_list(2) for the calling thread (pid 0 or itself). */
export const sysGetRobustList: Handler = (t) => {
  const pid = t.regs.argInt(0);
  const target = pid === 0 ? t : t.kernel.tasks.get(pid);
  if (!target) return -ESRCH;
  if (t.mm.writeU64(t.regs.arg(1), target.robustListHead) < 0) return -EFAULT;
  if (t.mm.writeU64(t.regs.arg(2), ROBUST_LIST_HEAD_SIZE) < 0) return -EFAULT;
  return 0;
};

/** rseq(2): ENOSYS, as a kernel built without CONFIG_RSEQ (glibc falls back). */
export const sysRseq: Handler = () => -ENOSYS;

const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004,
  ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012;
/** implements Linux arch_prctl(2) */
export const sysArchPrctl: Handler = (t) => {
  const code = t.regs.argInt(0), addr = t.regs.arg(1);
  switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
      if (addr >= TASK_SIZE) return -EPERM;
      t.regs.set(code === ARCH_SET_FS ? FS_BASE : GS_BASE, addr);
      return 0;
    case ARCH_GET_FS:
      return t.mm.writeU64(addr, t.regs.get(FS_BASE)) < 0 ? -EFAULT : 0;
    case ARCH_GET_GS:
      return t.mm.writeU64(addr, t.regs.get(GS_BASE)) < 0 ? -EFAULT : 0;
    case ARCH_GET_CPUID:
      return 1; // cpuid is not faulting
    case ARCH_SET_CPUID:
      return -ENODEV;
    default:
      return -EINVAL;
  }
};

const TWO32 = 4294967296;
/** Writes one rlimit (two u64, RLIM_INFINITY as all ones) to guest memory. */
function putRlimit(t: Task, addr: number, soft: number, hard: number): number {
  const dv = t.kernel.sdv;
  const put = (off: number, v: number) => {
    if (v === RLIM_INFINITY) { dv.setUint32(off, 0xffffffff, true); dv.setUint32(off + 4, 0xffffffff, true); }
    else { dv.setUint32(off, v % TWO32, true); dv.setUint32(off + 4, Math.floor(v / TWO32), true); }
  };
  put(0, soft); put(8, hard);
  return t.mm.copyOut(addr, t.kernel.scratch, 0, 16) < 0 ? -EFAULT : 0;
}
function getRlimit(t: Task, addr: number): [number, number] | number {
  if (t.mm.copyIn(addr, t.kernel.scratch, 0, 16) < 0) return -EFAULT;
  const dv = t.kernel.sdv;
  const get = (off: number) => {
    const lo = dv.getUint32(off, true), hi = dv.getUint32(off + 4, true);
    return hi >= 0x80000000 ? RLIM_INFINITY : hi * TWO32 + lo;
  };
  return [get(0), get(8)];
}

/** implements Linux prlimit64(2) (pid 0 or the caller's process). */
export const sysPrlimit64: Handler = (t) => {
  const pid = t.regs.argInt(0), res = t.regs.argInt(1), newp = t.regs.arg(2), oldp = t.regs.arg(3);
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  let target = t;
  if (pid !== 0) {
    const o = t.kernel.tasks.get(pid);
    if (!o) return -ESRCH;
    target = o;
  }
  const l = target.limits;
  let next: [number, number] | null = null;
  if (newp !== 0) {
    const v = getRlimit(t, newp);
    if (typeof v === 'number') return v;
    if (v[0] > v[1]) return -EINVAL;
    if (v[1] > l.hard[res]! && t.creds.euid !== 0) return -EPERM;
    if (res === RLIMIT_NOFILE && v[1] > 1048576) return -EPERM;
    next = v;
  }
  if (oldp !== 0 && putRlimit(t, oldp, l.soft[res]!, l.hard[res]!) < 0) return -EFAULT;
  if (next) {
    l.set(res, next[0], next[1]);
    if (res === RLIMIT_NOFILE) target.files.limit = next[0] === RLIM_INFINITY ? 1048576 : next[0];
  }
  return 0;
};

/** implements Linux getrlimit(2) */
export const sysGetrlimit: Handler = (t) => {
  const res = t.regs.argInt(0);
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  return putRlimit(t, t.regs.arg(1), t.limits.soft[res]!, t.limits.hard[res]!);
};

/** implements Linux setrlimit(2) */
export const sysSetrlimit: Handler = (t) => {
  const res = t.regs.argInt(0);
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  const v = getRlimit(t, t.regs.arg(1));
  if (typeof v === 'number') return v;
  if (v[0] > v[1]) return -EINVAL;
  if (v[1] > t.limits.hard[res]! && t.creds.euid !== 0) return -EPERM;
  if (res === RLIMIT_NOFILE && v[1] > 1048576) return -EPERM;
  t.limits.set(res, v[0], v[1]);
  if (res === RLIMIT_NOFILE) t.files.limit = v[0] === RLIM_INFINITY ? 1048576 : v[0];
  return 0;
};

/** implements Linux umask(2) */
export const sysUmask: Handler = (t) => {
  const old = t.fs.umask;
  t.fs.umask = t.regs.argInt(0) & 0o777;
  return old;
};

export const processSyscalls: Record<string, Handler> = {
  getpid: sysGetpid, getppid: sysGetppid, gettid: sysGettid, getuid: sysGetuid, geteuid: sysGeteuid,
  getgid: sysGetgid, getegid: sysGetegid, getresuid: sysGetresuid, getresgid: sysGetresgid,
  getgroups: sysGetgroups, getpgid: sysGetpgid, getpgrp: sysGetpgrp, getsid: sysGetsid, setpgid: sysSetpgid,
  setsid: sysSetsid, prctl: sysPrctl, getrusage: sysGetrusage, times: sysTimes,
  exit: sysExit, exit_group: sysExitGroup, set_tid_address: sysSetTidAddress,
  set_robust_list: sysSetRobustList, get_robust_list: sysGetRobustList, rseq: sysRseq,
  arch_prctl: sysArchPrctl, prlimit64: sysPrlimit64, getrlimit: sysGetrlimit, setrlimit: sysSetrlimit,
  umask: sysUmask,
};
