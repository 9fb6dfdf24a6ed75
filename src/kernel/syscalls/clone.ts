// fork(2), vfork(2), clone(2), clone3(2).
import { EFAULT, EINVAL, E2BIG } from '../errno';
import { cloneTask, CLONE_VFORK, CLONE_VM, CLONE_PIDFD, type CloneArgs } from '../task_clone';
import { SIGCHLD } from '../signals';
import type { Task } from '../task';
import { RET_BLOCK, type Handler } from './types';

/** Runs the clone, then (vfork) waits until the child execs or exits; returns the child's tid. */
function doClone(t: Task, a: CloneArgs): number {
  if (t.waitActive && t.vforkChild) {
    const c = t.vforkChild;
    if (c.vforkDone === null) { t.vforkChild = null; t.endWait(); return c.tid; }
    return RET_BLOCK;
  }
  const c = cloneTask(t, a);
  if (typeof c === 'number') return c;
  if (a.flags & CLONE_VFORK) {
    t.vforkChild = c;
    t.waitProgress = c.tid; // a signal ends the wait with the child's tid
    t.blockOn(c.vforkDone);
    return RET_BLOCK;
  }
  return c.tid;
}

/** implements Linux fork(2) */
export const sysFork: Handler = (t) =>
  doClone(t, { flags: 0, exitSignal: SIGCHLD, stack: 0, parentTid: 0, childTid: 0, tls: 0 });

/** implements Linux vfork(2) */
export const sysVfork: Handler = (t) =>
  doClone(t, { flags: CLONE_VM | CLONE_VFORK, exitSignal: SIGCHLD, stack: 0, parentTid: 0, childTid: 0, tls: 0 });

/** implements Linux clone(2) (x86_64 argument order: flags, stack, parent_tid, child_tid, tls) */
export const sysClone: Handler = (t) => {
  const r = t.regs;
  const flagsLo = r.lo(5 /* RDI */), flagsHi = r.hi(5);
  if (flagsHi !== 0) return -EINVAL;
  if (flagsLo & CLONE_PIDFD) return -EINVAL; // pidfds are not supported yet
  return doClone(t, {
    flags: (flagsLo & ~0xff) >>> 0, exitSignal: flagsLo & 0xff, stack: r.arg(1),
    parentTid: r.arg(2), childTid: r.arg(3), tls: r.arg(4),
  });
};

const CLONE_ARGS_SIZE_VER0 = 64, CLONE_ARGS_SIZE_VER2 = 88;
/** implements Linux clone3(2) */
export const sysClone3: Handler = (t) => {
  if (t.waitActive && t.vforkChild) return doClone(t, { flags: CLONE_VFORK, exitSignal: 0, stack: 0, parentTid: 0, childTid: 0, tls: 0 });
  const addr = t.regs.arg(0), size = t.regs.arg(1);
  if (size < CLONE_ARGS_SIZE_VER0) return -EINVAL;
  if (size > 4096) return -E2BIG;
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  if (t.mm.copyIn(addr, s, 0, size) < 0) return -EFAULT;
  for (let i = CLONE_ARGS_SIZE_VER2; i < size; i++) if (s[i] !== 0) return -E2BIG;
  const u64 = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296;
  const flagsHi = dv.getUint32(4, true), flags = dv.getUint32(0, true);
  if (flagsHi !== 0 || (flags & CLONE_PIDFD)) return -EINVAL;
  const exitSignal = u64(32), stack = u64(40), stackSize = u64(48), tls = u64(56);
  if (exitSignal > 64) return -EINVAL;
  if ((stack === 0) !== (stackSize === 0)) return -EINVAL;
  if (size >= 80 && u64(64) !== 0) return -EINVAL; // set_tid
  if (size >= 88 && u64(80) !== 0) return -EINVAL; // cgroup
  return doClone(t, {
    flags: flags & ~0xff, exitSignal, stack: stack === 0 ? 0 : stack + stackSize,
    parentTid: u64(24), childTid: u64(16), tls,
  });
};

export const cloneSyscalls: Record<string, Handler> = { fork: sysFork, vfork: sysVfork, clone: sysClone, clone3: sysClone3 };
