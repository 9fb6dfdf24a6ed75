// Exit: a thread's exit(2), a process's exit_group(2) or death by signal,
// zombies, reparenting to init, and the parent's SIGCHLD (kernel/exit.c).
import { CLD_DUMPED, CLD_EXITED, CLD_KILLED, SA_NOCLDWAIT, SIG_IGN } from './abi/sigframe';
import { makeInfo, sendToGroup } from './task_signals';
import { futexKey } from './syscalls/futex';
import { SIGCHLD } from './signals';
import { processExited } from './tty/ctty';
import { TASK_EXITED, type Task } from './task';
import { GROUP_DEAD, GROUP_ZOMBIE, type ThreadGroup } from './thread_group';

const FUTEX_OWNER_DIED = 0x40000000, FUTEX_WAITERS = 0x80000000, FUTEX_TID_MASK = 0x3fffffff;
const ROBUST_LIST_LIMIT = 2048;

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
  t.mm.release();
  t.files.release();
  t.fs.release();
  const g = t.group;
  g.lastTask = t;
  g.tasks.delete(t);
  if (k.strace && (status & 0x7f) === 0) k.strace.exited(t, (status >> 8) & 0xff);
  if (g.tasks.size === 0) {
    processExited(g); // a session leader takes its controlling terminal with it
    groupDead(g, g.groupExiting ? g.groupExitStatus : status);
  }
}

/** Walks the robust futex list: marks held locks OWNER_DIED and wakes a waiter. */
function exitRobustList(t: Task): void {
  const head = t.robustListHead;
  if (head === 0) return;
  t.robustListHead = 0;
  const mm = t.mm;
  let entry = mm.readU64(head);
  const offset = mm.readU64(head + 8);
  const pending = mm.readU64(head + 16);
  if (entry < 0 || offset < 0) return;
  const signedOffset = offset >= 2 ** 63 ? offset - 2 ** 64 : offset;
  const handle = (e: number) => {
    const word = e + signedOffset;
    const v = mm.readU32(word);
    if (v < 0 || (v & FUTEX_TID_MASK) !== t.tid) return;
    mm.writeU32(word, ((v & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
    if (v & FUTEX_WAITERS) {
      const key = futexKey(t, word, false);
      if (typeof key === 'string') t.kernel.futexes.wake(key, 1, 0xffffffff);
    }
  };
  for (let n = 0; entry !== head && entry !== 0 && n < ROBUST_LIST_LIMIT; n++) {
    const next = mm.readU64(entry);
    if (entry !== pending) handle(entry);
    if (next < 0) break;
    entry = next;
  }
  if (pending !== 0 && pending > 0) handle(pending);
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
