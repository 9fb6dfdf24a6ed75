// clone(2)'s worker: new threads (shared address space, files, handlers) and new
// processes (copy-on-write address space), with Linux's flag rules.
import { EAGAIN, EFAULT, EINVAL, EPERM } from './errno';
import { FS_BASE, RAX, RSP } from '../platform/regs';
import { TASK_SIZE } from './mm/mm';
import { Credentials, SignalHandlers, Task } from './task';
import { WaitQueue } from './wait';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
  CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
  CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
  CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
  CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_NEWCGROUP = 0x2000000,
  CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
  CLONE_NEWNET = 0x40000000, CLONE_IO = 0x80000000;
const CLONE_NEW_ANY = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

export interface CloneArgs {
  flags: number;       // without the exit signal
  exitSignal: number;
  stack: number;
  parentTid: number;
  childTid: number;
  tls: number;
}

/** Creates the child; returns it, or -errno. The caller returns its tid (after a vfork wait). */
export function cloneTask(t: Task, a: CloneArgs): Task | number {
  const k = t.kernel, f = a.flags;
  if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND)) return -EINVAL;
  if ((f & CLONE_SIGHAND) && !(f & CLONE_VM)) return -EINVAL;
  if ((f & CLONE_FS) && (f & CLONE_NEWNS)) return -EINVAL;
  // New namespaces: the sandbox is already one; nesting them is not supported (EPERM as unprivileged).
  if (f & CLONE_NEW_ANY) return -EPERM;
  if (a.exitSignal < 0 || a.exitSignal > 64) return -EINVAL;
  if (k.tasks.size >= k.maxTasks) return -EAGAIN;
  if ((f & CLONE_SETTLS) && a.tls >= TASK_SIZE) return -EINVAL;

  const mm = f & CLONE_VM ? (t.mm.users++, t.mm) : t.mm.fork(k.platform.newAddressSpace(), k.platform.newAddressSpace());
  const files = f & CLONE_FILES ? t.files.share() : t.files.clone();
  const fs = f & CLONE_FS ? t.fs.share() : t.fs.clone();
  let sighand = t.sighand;
  if (!(f & CLONE_SIGHAND)) {
    sighand = new SignalHandlers();
    t.sighand.actions.forEach((x, i) => Object.assign(sighand.actions[i]!, x));
  }
  const creds = Object.assign(new Credentials(), t.creds, { groups: [...t.creds.groups] });
  const tid = k.allocTid();
  const c = new Task(k, tid, tid, 0, mm, files, fs, sighand, creds, k.platform.newFpuState(), t.limits.clone());
  if (f & CLONE_THREAD) {
    c.group.tasks.delete(c);
    c.group = t.group;
    t.group.tasks.add(c);
  } else {
    const parent = f & CLONE_PARENT ? t.group.parent : t.group;
    c.group.parent = parent;
    parent?.children.add(c.group);
    c.group.pgid = t.group.pgid;
    c.group.sid = t.group.sid;
    c.group.exitSignal = a.exitSignal;
  }
  c.comm = t.comm;
  c.noNewPrivs = t.noNewPrivs;
  c.seccompMode = t.seccompMode; c.seccompFilter = t.seccompFilter; // copy_seccomp
  c.nice = t.nice; c.ioprio = t.ioprio; c.personality = t.personality;
  if (t.schedResetOnFork) { c.schedPolicy = t.schedPolicy === 1 || t.schedPolicy === 2 ? 0 : t.schedPolicy; c.schedPriority = 0; if (c.nice < 0) c.nice = 0; }
  else { c.schedPolicy = t.schedPolicy; c.schedPriority = t.schedPriority; }
  c.pdeathSignal = 0;
  c.regs.copyFrom(t.regs);
  c.regs.set(RAX, 0);
  if (a.stack !== 0) c.regs.set(RSP, a.stack);
  if (f & CLONE_SETTLS) c.regs.set(FS_BASE, a.tls);
  k.platform.copyFpu(t.fpu, c.fpu);
  c.sigMaskLo = t.sigMaskLo; c.sigMaskHi = t.sigMaskHi;
  if (!((f & CLONE_VM) && !(f & CLONE_VFORK))) {
    c.altStackSp = t.altStackSp; c.altStackSize = t.altStackSize; c.altStackFlags = t.altStackFlags;
  }
  if (f & CLONE_CHILD_CLEARTID) c.clearChildTid = a.childTid;
  if (f & CLONE_PARENT_SETTID) {
    if (t.mm.writeU32(a.parentTid, tid) < 0) { abandon(c); return -EFAULT; }
  }
  if (f & CLONE_CHILD_SETTID) {
    if (c.mm.writeU32(a.childTid, tid) < 0) { abandon(c); return -EFAULT; }
  }
  if (f & CLONE_VFORK) c.vforkDone = new WaitQueue();
  k.addTask(c);
  return c;
}

/** Undoes a half-made child (a bad tid pointer). */
function abandon(c: Task): void {
  c.mm.release();
  c.files.release();
  c.fs.release();
  c.group.parent?.children.delete(c.group);
  c.group.tasks.delete(c);
}
