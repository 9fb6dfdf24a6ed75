// wait4(2), waitid(2): reporting children's exits, stops and continues.
import { ECHILD, EFAULT, EINVAL } from '../errno';
import { CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED } from '../abi/sigframe';
import { SIGCHLD } from '../signals';
import { GROUP_ZOMBIE, type ThreadGroup } from '../thread_group';
import { reap } from '../task_exit';
import { addReapedTimes } from '../cputime';
import { encodeRusage, RUSAGE_SIZE } from '../abi/rusage';
import type { Task } from '../task';
import { RET_BLOCK, type Handler } from './types';

const WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000,
  __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2;

interface Found { g: ThreadGroup; kind: 'exit' | 'stop' | 'cont' }

/** Children matching the pid spec (wait4's pid argument) and clone type. */
function matching(t: Task, pid: number, options: number): ThreadGroup[] {
  const out: ThreadGroup[] = [];
  for (const c of t.group.children) {
    if (pid > 0 && c.tgid !== pid) continue;
    if (pid === 0 && c.pgid !== t.group.pgid) continue;
    if (pid < -1 && c.pgid !== -pid) continue;
    const cloneChild = c.exitSignal !== SIGCHLD;
    if (!(options & __WALL) && cloneChild !== ((options & __WCLONE) !== 0)) continue;
    out.push(c);
  }
  return out;
}

function ready(kids: ThreadGroup[], options: number): Found | null {
  for (const g of kids) {
    if (g.state === GROUP_ZOMBIE && (options & WEXITED)) return { g, kind: 'exit' };
    if (g.state === 0 && g.stopped && g.reportStop && (options & WSTOPPED)) return { g, kind: 'stop' };
    if (g.state === 0 && g.reportContinue && (options & WCONTINUED)) return { g, kind: 'cont' };
  }
  return null;
}

/** Waits for a child event; returns it, 0 (WNOHANG, none ready), RET_BLOCK or -errno. */
function waitFor(t: Task, pid: number, options: number): Found | number {
  const kids = matching(t, pid, options);
  if (kids.length === 0) { t.endWait(); return -ECHILD; }
  const f = ready(kids, options);
  if (f) { t.endWait(); return f; }
  if (options & WNOHANG) { t.endWait(); return 0; }
  t.blockOn(t.group.childEvents);
  return RET_BLOCK;
}

/** Consumes the event (unless WNOWAIT) and returns wait(2)'s status word. */
function consume(t: Task, f: Found, options: number): number {
  const g = f.g;
  if (f.kind === 'exit') {
    const st = g.exitStatus;
    if (!(options & WNOWAIT)) { addReapedTimes(t.group, g); reap(g); }
    return st;
  }
  if (f.kind === 'stop') {
    if (!(options & WNOWAIT)) g.reportStop = false;
    return (g.stopSignal << 8) | 0x7f;
  }
  if (!(options & WNOWAIT)) g.reportContinue = false;
  return 0xffff;
}

/** The child's rusage as wait4/waitid report it: its own times and its reaped children's
 *  (Linux's getrusage(child, RUSAGE_BOTH)). */
function putRusage(t: Task, addr: number, g: ThreadGroup | null): number {
  if (addr === 0) return 0;
  if (g === null) t.kernel.scratch.fill(0, 0, RUSAGE_SIZE);
  else encodeRusage(t.kernel.sdv, 0, g.userNs + g.childUserNs, g.sysNs + g.childSysNs, Math.max(g.maxRssKb, g.childMaxRssKb));
  return t.mm.copyOut(addr, t.kernel.scratch, 0, RUSAGE_SIZE) < 0 ? -EFAULT : 0;
}

/** implements Linux wait4(2) */
export const sysWait4: Handler = (t) => {
  const pid = t.regs.argInt(0), statusAddr = t.regs.arg(1), options = t.regs.argInt(2) >>> 0, ru = t.regs.arg(3);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (pid === -2147483648) return -3; // ESRCH: INT_MIN cannot be negated
  const f = waitFor(t, pid, options | WEXITED);
  if (typeof f === 'number') return f;
  const tgid = f.g.tgid;
  const st = consume(t, f, options);
  if (statusAddr !== 0 && t.mm.writeU32(statusAddr, st) < 0) return -EFAULT;
  if (putRusage(t, ru, f.g) < 0) return -EFAULT;
  return tgid;
};

/** implements Linux waitid(2) */
export const sysWaitid: Handler = (t) => {
  const idtype = t.regs.argInt(0), id = t.regs.argInt(1), infop = t.regs.arg(2), options = t.regs.argInt(3) >>> 0, ru = t.regs.arg(4);
  if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -EINVAL;
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) { if (id <= 0) return -EINVAL; pid = id; }
  else if (idtype === P_PGID) { if (id < 0) return -EINVAL; pid = id === 0 ? 0 : -id; }
  else return -EINVAL;
  const f = waitFor(t, pid, options);
  if (typeof f === 'number' && f !== 0) return f;
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  s.fill(0, 0, 128);
  if (typeof f !== 'number') {
    const g = f.g, st = consume(t, f, options);
    dv.setInt32(0, SIGCHLD, true);
    let code: number, status: number;
    if (f.kind === 'exit') {
      const sig = st & 0x7f;
      code = sig === 0 ? CLD_EXITED : st & 0x80 ? CLD_DUMPED : CLD_KILLED;
      status = sig === 0 ? (st >> 8) & 0xff : sig;
    } else if (f.kind === 'stop') { code = CLD_STOPPED; status = (st >> 8) & 0xff; }
    else { code = CLD_CONTINUED; status = 18; }
    dv.setInt32(8, code, true);
    dv.setInt32(16, g.tgid, true);
    dv.setInt32(20, 0, true);
    dv.setInt32(24, status, true);
  }
  if (infop !== 0 && t.mm.copyOut(infop, s, 0, 128) < 0) return -EFAULT;
  if (putRusage(t, ru, typeof f === 'number' ? null : f.g) < 0) return -EFAULT;
  return 0;
};

export const waitSyscalls: Record<string, Handler> = { wait4: sysWait4, waitid: sysWaitid };
