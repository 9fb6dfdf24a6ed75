// A task: one thread of a sandboxed program. Holds its registers, FPU state,
// address space, files, file-system context, signal state and credentials.
// Invariant: regs always hold the task's user state while it is not running.
import { Regs } from '../platform/regs';
import type { AddressSpace, FpuState } from '../platform/platform';
import type { Limits } from './limits';
import { ThreadGroup } from './thread_group';
import { SigQueue } from './sigqueue';
import type { FutexWaiter } from './futex';
import { WaitQueue } from './wait';
import { ERESTARTSYS } from './errno';
import { monotonicNs, type Timer } from './timers';
import type { MM } from './mm/mm';
import type { FdTable } from './vfs/fd_table';
import type { FsContext } from './vfs/fs_context';
import type { Kernel } from './kernel';
import { CAP_FULL_HI, CAP_FULL_LO } from './abi/capability';
import type { SeccompFilter } from './seccomp_bpf';

export const TASK_RUNNABLE = 0, TASK_BLOCKED = 1, TASK_EXITED = 2, TASK_STOPPED = 3;

/** rt_sigaction state of one signal (struct kernel_sigaction fields). */
export class SigAction {
  handler = 0;      // SIG_DFL 0, SIG_IGN 1, else a user address
  flags = 0;
  restorer = 0;
  maskLo = 0;
  maskHi = 0;
}

export class Credentials {
  uid = 0; euid = 0; suid = 0; fsuid = 0;
  gid = 0; egid = 0; sgid = 0; fsgid = 0;
  groups: number[] = [];
  /** Capability sets as 64-bit masks in two halves (bits 0-31, 32-63); the sandbox's root starts
   *  with every capability, as root in the user namespace of a container. See abi/capability.ts. */
  capEffLo = CAP_FULL_LO; capEffHi = CAP_FULL_HI;
  capPrmLo = CAP_FULL_LO; capPrmHi = CAP_FULL_HI;
  capInhLo = 0; capInhHi = 0;
  capBndLo = CAP_FULL_LO; capBndHi = CAP_FULL_HI;
  capAmbLo = 0; capAmbHi = 0;
  /** The security bits (prctl PR_SET_SECUREBITS; SECBIT_KEEP_CAPS is PR_SET_KEEPCAPS's flag). */
  securebits = 0;
}

/** A signalfd registered with a sighand: told when a signal is queued for its process. */
export interface SignalfdWatcher { signalQueued(): void }

/** Shared by the threads of a process (CLONE_SIGHAND): dispositions. */
export class SignalHandlers {
  readonly actions: SigAction[] = [];
  /** The signalfds read or polled by these threads (Linux's signalfd_wqh); null when none. */
  signalfds: Set<SignalfdWatcher> | null = null;
  constructor() { for (let i = 0; i <= 64; i++) this.actions.push(new SigAction()); }
}

export class Task {
  readonly regs = new Regs();
  state = TASK_RUNNABLE;
  /** Blocked signals (64-bit mask as two halves). */
  sigMaskLo = 0;
  sigMaskHi = 0;
  altStackSp = 0;
  altStackFlags = 2; // SS_DISABLE
  altStackSize = 0;
  /** set_tid_address / CLONE_CHILD_CLEARTID. */
  clearChildTid = 0;
  robustListHead = 0;
  robustListLen = 0;
  /** The last page fault resumed once as possibly spurious (Platform.faultAddrUnreliable). */
  retriedFaultRip = -1;
  retriedFaultAddr = -1;
  comm = '';
  /** Exit status as wait(2) encodes it, once exited. */
  exitStatus = 0;
  /** Parked in a syscall: when woken, the handler runs again and finds its wait record. */
  resumeSyscall = false;
  /** Parked waiting on host readiness (keeps the sandbox from being declared deadlocked). */
  hostWait = false;
  /** The wait record of a blocking syscall (see wait.ts): active, absolute deadline
   *  (monotonic ns, 0 none), progress so far, the queues it waits on, and what an
   *  interrupting signal makes the call return when there is no progress. */
  waitDeadline = 0;
  waitProgress = 0;
  waitActive = false;
  waitQueues: WaitQueue[] = [];
  waitTimer: Timer | null = null;
  waitInterruptResult = -ERESTARTSYS;
  /** When set, a signal ending the wait (with no progress) makes the call return what this
   *  returns instead of waitInterruptResult: it can write back the time left (nanosleep) and
   *  arm the restart block. A module-level function (no closure per call). */
  waitInterruptHook: ((t: Task) => number) | null = null;
  /** Linux's restart_block: what restart_syscall(2) runs after a call returned
   *  ERESTART_RESTARTBLOCK and no handler ran (null: EINTR, do_no_restart_syscall), and its
   *  arguments. rt_sigreturn clears it. */
  restartFn: ((t: Task) => number) | null = null;
  restartDeadline = 0;
  restartAddr = 0;
  restartVal = 0;
  restartBits = 0;
  restartFlags = 0;
  /** Set when a signal woke the task from a wait. */
  interrupted = false;
  /** The futex this task waits on (part of its wait record). */
  futexWaiter: FutexWaiter | null = null;

  /** The thread group (process) this task belongs to. */
  group: ThreadGroup;
  /** Signals sent to this thread (tkill/tgkill, faults). */
  readonly pending = new SigQueue();
  /** Set by a vfork child until it execs or exits (the parent waits on it). */
  vforkDone: WaitQueue | null = null;
  /** The vfork child this task waits for (its wait record). */
  vforkChild: Task | null = null;
  pdeathSignal = 0;
  noNewPrivs = false;
  /** seccomp (syscalls/seccomp.ts): the mode (0 disabled, 1 strict, 2 filter) and the newest
   *  filter of the chain this task runs at each syscall entry. Inherited by clone, kept across
   *  execve; the run loop checks the mode alone when it is 0. */
  seccompMode = 0;
  seccompFilter: SeccompFilter | null = null;
  /** Scheduling attributes (sched.ts): kept and reported as Linux does; the kernel's scheduler
   *  is round-robin whatever they say. Inherited by clone. */
  nice = 0;
  schedPolicy = 0;
  schedPriority = 0;
  schedResetOnFork = false;
  ioprio = 0;
  /** personality(2) value; ADDR_NO_RANDOMIZE turns ASLR off for the next execve. */
  personality = 0;
  /** The last fault, for the signal frame's sigcontext (trapno, err, cr2). */
  faultTrapno = 0;
  faultError = 0;
  faultAddr = 0;
  /** rt_sigtimedwait's set while it waits (signals in it wake the wait instead of interrupting). */
  sigwaitLo = 0;
  sigwaitHi = 0;
  /** The task is returning from a syscall (restart rules apply to signal delivery). */
  inSyscall = false;
  /** The mask to restore after rt_sigsuspend/ppoll/pselect delivered a signal. */
  savedMaskLo = 0;
  savedMaskHi = 0;
  hasSavedMask = false;
  /** CPU time accounting for getrusage/times (ns of guest + kernel time). */
  userNs = 0;
  sysNs = 0;

  constructor(
    readonly kernel: Kernel,
    public tid: number,
    tgid: number,
    _ppid: number,
    public mm: MM,
    public files: FdTable,
    public fs: FsContext,
    public sighand: SignalHandlers,
    public creds: Credentials,
    public fpu: FpuState,
    /** Resource limits, shared by the threads of a process. */
    limits: Limits,
  ) {
    this.group = new ThreadGroup(tgid, limits);
    this.group.tasks.add(this);
  }

  /** Thread-group id: the pid user space sees. */
  get tgid(): number { return this.group.tgid; }
  get ppid(): number { return this.group.parent?.tgid ?? 0; }
  get limits(): Limits { return this.group.limits; }

  /** Parks this task on q (and, once, a deadline timer); the handler then returns RET_BLOCK. */
  blockOn(q: WaitQueue | null, deadline = 0): void {
    this.waitActive = true;
    if (q) q.add(this);
    if (deadline > 0 && this.waitTimer === null) {
      this.waitDeadline = deadline;
      this.waitTimer = this.kernel.timers.add(deadline, () => this.kernel.wakeTask(this));
    }
  }

  /** True when the wait's deadline has passed. */
  waitExpired(): boolean {
    return this.waitDeadline > 0 && monotonicNs() >= this.waitDeadline;
  }

  /** Clears the wait record (the call is returning). */
  endWait(): void {
    this.waitActive = false;
    this.waitDeadline = 0;
    this.waitProgress = 0;
    this.waitInterruptResult = -ERESTARTSYS;
    this.waitInterruptHook = null;
    this.interrupted = false;
    this.sigwaitLo = 0; this.sigwaitHi = 0;
    if (this.futexWaiter !== null && !this.futexWaiter.woken) this.kernel.futexes.remove(this.futexWaiter);
    this.futexWaiter = null;
    if (this.waitTimer) { this.kernel.timers.cancel(this.waitTimer); this.waitTimer = null; }
    this.leaveQueues();
  }

  /** Removes the task from every queue it waits on (it stays in its record). */
  leaveQueues(): void {
    for (const q of this.waitQueues) q.remove(this);
    this.waitQueues.length = 0;
  }

  /** The platform address space (Platform.run takes the task as its RunContext). */
  get as(): AddressSpace { return this.mm.as; }
}
