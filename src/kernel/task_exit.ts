// Exit: a thread's exit(2), a process's exit_group(2) or death by signal,
// zombies, reparenting to init, and the parent's SIGCHLD (kernel/exit.c).
import { CLD_DUMPED, CLD_EXITED, CLD_KILLED, SA_NOCLDWAIT, SIG_IGN } from './abi/sigframe';
import { makeInfo, retargetShared, sendToGroup } from './task_signals';
import { noteMaxRss } from './cputime';
import { futexKey } from './syscalls/futex';
import { SIGCHLD } from './signals';
import { processExited } from './tty/ctty';
import { TASK_EXITED, type Task } from './task';
import { GROUP_DEAD, GROUP_ZOMBIE, type ThreadGroup } from './thread_group';

const FUTEX_OWNER_DIED = 0x40000000, FUTEX_WAITERS = 0x80000000, FUTEX_TID_MASK = 0x3fffffff;
const ROBUST_LIST_LIMIT = 2048;
/** USER_HZ (100): the unit of siginfo's si_utime/si_stime and times(2). */
const NS_PER_CLOCK_TICK = 10_000_000;

/** Ends every thread of t's process with wait status `status` (code << 8, or a signal number | 0x80 core). */
export function exitGroup(t: Task, status: number): void {
  const g = t.group;
  if (!g.groupExiting) { g.groupExiting = true; g.groupExitStatus = status; }
  for (const x of [...g.tasks]) exitTask(x, g.groupExitStatus);
}

/** Ends one thread; the last one turns the process into a zombie. */
export function exitTask(t: Task, status: number): void {
  if (t.state === TASK_EXITED) return;
  const k = t.kernel;
  if (t.waitActive) t.endWait();
  t.leaveQueues();
  t.state = TASK_EXITED;
  t.exitStatus = status;
  k.tasks.delete(t.tid);
  const sharedMm = t.mm.users > 1;
  exitRobustList(t);
  if (t.clearChildTid !== 0 && sharedMm) {
    // CLONE_CHILD_CLEARTID: zero the tid word and wake one waiter (pthread_join).
    if (t.mm.writeU32(t.clearChildTid, 0) >= 0) {
      const key = futexKey(t, t.clearChildTid, false);
      if (typeof key === 'string') k.futexes.wake(key, 1, 0xffffffff);
    }
  }
  if (t.vforkDone) { t.vforkDone.wakeAll(); t.vforkDone = null; }
  if (t.group.tasks.size === 1) noteMaxRss(t.group, t.mm.residentBytes());
  k.platform.releaseFpu?.(t.fpu);
  t.mm.release();
  t.files.release();
  t.fs.release();
  const g = t.group;
  g.lastTask = t;
  g.tasks.delete(t);
  // Process signals this thread was chosen to take go to another (retarget_shared_pending).
  if (g.sigTarget === t) {
    g.sigTarget = null;
    if (g.tasks.size > 0 && !g.groupExiting) retargetShared(t, g.pending.lo, g.pending.hi);
  }
  if (k.strace && (status & 0x7f) === 0) k.strace.exited(t, (status >> 8) & 0xff);
  if (g.tasks.size === 0) {
    processExited(g); // a session leader takes its controlling terminal with it
    groupDead(g, g.groupExiting ? g.groupExitStatus : status);
  }
}

/** Reads a robust-list pointer (struct robust_list *): [address without bit 0, that bit (a PI
 *  futex)], or null when it cannot be read. Pointers are read as halves: a double cannot hold
 *  every 64-bit value. */
function fetchRobustEntry(t: Task, addr: number): [number, number] | null {
  const lo = t.mm.readU32(addr), hi = t.mm.readU32(addr + 4);
  if (lo < 0 || hi < 0) return null;
  return [(lo - (lo & 1)) + hi * 4294967296, lo & 1];
}

/** Linux's handle_futex_death: the dying thread owns the futex word at uaddr: set OWNER_DIED
 *  (keeping WAITERS) and wake one waiter of a non-PI futex. For the list_op_pending entry a
 *  released word (owner 0) only gets the wake. Returns false when the word cannot be used. */
function handleFutexDeath(t: Task, uaddr: number, pi: number, pendingOp: boolean): boolean {
  if (uaddr % 4 !== 0) return false;
  const v = t.mm.readU32(uaddr);
  if (v < 0) return false;
  const owner = v & FUTEX_TID_MASK;
  const wake = () => {
    const key = futexKey(t, uaddr, false);
    if (typeof key === 'string') t.kernel.futexes.wake(key, 1, 0xffffffff);
  };
  if (pendingOp && !pi && owner === 0) { wake(); return true; }
  if (owner !== t.tid) return true;
  if (t.mm.writeU32(uaddr, ((v & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0) < 0) return false;
  // PI futexes are woken by their PI state, which tsvisor does not have (no FUTEX_LOCK_PI).
  if (!pi && (v & FUTEX_WAITERS)) wake();
  return true;
}

/** Linux's exit_robust_list: walks the thread's robust futex list (set_robust_list), at most
 *  ROBUST_LIST_LIMIT entries, skipping list_op_pending, which is handled last. */
export function exitRobustList(t: Task): void {
  const head = t.robustListHead;
  if (head === 0) return;
  t.robustListHead = 0;
  const first = fetchRobustEntry(t, head);
  if (!first) return;
  const offLo = t.mm.readU32(head + 8), offHi = t.mm.readU32(head + 12);
  if (offLo < 0 || offHi < 0) return;
  const futexOffset = offLo + (offHi | 0) * 4294967296; // signed long
  const pending = fetchRobustEntry(t, head + 16);
  if (!pending) return;
  let [entry, pi] = first;
  for (let limit = ROBUST_LIST_LIMIT; entry !== head;) {
    const next = fetchRobustEntry(t, entry);
    if (entry !== pending[0] && !handleFutexDeath(t, entry + futexOffset, pi, false)) return;
    if (!next) return;
    [entry, pi] = next;
    if (--limit === 0) break;
  }
  if (pending[0] !== 0) handleFutexDeath(t, pending[0] + futexOffset, pending[1], true);
}

function groupDead(g: ThreadGroup, status: number): void {
  const k = g.leader?.kernel ?? lastKernel(g);
  g.exitStatus = status & 0x80 ? (status & 0x7f) | 0x80 : status;
  if (g.realTimer) { g.realTimer.cancelled = true; g.realTimer = null; }
  // Children go to init (pid 1) or the nearest subreaper.
  const init = k?.groups.get(1);
  let reaper: ThreadGroup | null | undefined = g.parent;
  while (reaper && !reaper.subreaper) reaper = reaper.parent;
  if (!reaper || reaper.state !== 0) reaper = init;
  for (const c of [...g.children]) {
    g.children.delete(c);
    c.parent = reaper && reaper !== g ? reaper : null;
    if (c.parent) {
      c.parent.children.add(c);
      if (c.state === GROUP_ZOMBIE) { c.parent.childEvents.wakeAll(); }
      for (const x of c.tasks) if (x.pdeathSignal) x.kernel.sendSignal(x, x.pdeathSignal);
    }
  }
  const p = g.parent;
  g.state = GROUP_ZOMBIE;
  if (p) {
    const pl = p.leader;
    const act = pl?.sighand.actions[SIGCHLD];
    const autoreap = act !== undefined && (act.handler === SIG_IGN || (act.flags & SA_NOCLDWAIT) !== 0) && g.exitSignal === SIGCHLD;
    const sig = g.exitStatus & 0x7f;
    const info = makeInfo(g.exitSignal, sig === 0 ? CLD_EXITED : g.exitStatus & 0x80 ? CLD_DUMPED : CLD_KILLED, g.tgid, 0);
    info.status = sig === 0 ? (g.exitStatus >> 8) & 0xff : sig;
    info.utime = Math.floor(g.userNs / NS_PER_CLOCK_TICK);
    info.stime = Math.floor(g.sysNs / NS_PER_CLOCK_TICK);
    if (g.exitSignal > 0) sendToGroup(p, info, true);
    if (autoreap) reap(g);
    p.childEvents.wakeAll();
  }
  k?.groupExited(g);
}

/** Frees a zombie for good (wait reaped it, or the parent ignores SIGCHLD). */
export function reap(g: ThreadGroup): void {
  g.state = GROUP_DEAD;
  g.parent?.children.delete(g);
  const k = lastKernel(g);
  if (k && k.groups.get(g.tgid) === g) k.groups.delete(g.tgid);
}

const kernels = new WeakMap<ThreadGroup, Task['kernel']>();
/** Remembers which kernel a group belongs to (its tasks are gone by the time it is reaped). */
export function bindGroup(g: ThreadGroup, k: Task['kernel']): void { kernels.set(g, k); }
function lastKernel(g: ThreadGroup): Task['kernel'] | undefined { return kernels.get(g); }
