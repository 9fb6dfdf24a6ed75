// A thread group: what Linux calls a process (signal_struct). Shared by its
// threads: the pid, the parent and children, process group and session,
// process-directed pending signals, exit state for wait(2), rlimits, itimers.
import { Limits } from './limits';
import { SigQueue } from './sigqueue';
import { WaitQueue } from './wait';
import { monotonicNs } from './timers';
import type { Task } from './task';
import type { Timer } from './timers';

export const GROUP_LIVE = 0, GROUP_ZOMBIE = 1, GROUP_DEAD = 2;

export class ThreadGroup {
  readonly tasks = new Set<Task>();
  readonly children = new Set<ThreadGroup>();
  parent: ThreadGroup | null = null;
  pgid: number;
  sid: number;
  state = GROUP_LIVE;
  /** wait(2)'s status word once the group has exited (or stopped/continued, see below). */
  exitStatus = 0;
  /** Signal sent to the parent when this group exits (clone's low byte; SIGCHLD for fork). */
  exitSignal = 17;
  /** A group exit is under way (exit_group or a fatal signal): its code. */
  groupExiting = false;
  groupExitStatus = 0;
  /** Job control: stopped by a signal, and the events wait(2) reports once. */
  stopped = false;
  stopSignal = 0;
  reportStop = false;
  reportContinue = false;
  readonly pending = new SigQueue();
  /** The thread chosen to take the process's pending signals (Linux's curr_target, and the
   *  one complete_signal set TIF_SIGPENDING on); null: any thread that does not block them. */
  sigTarget: Task | null = null;
  /** Parents wait here for children to change state (wait4/waitid). */
  readonly childEvents = new WaitQueue();
  subreaper = false;
  /** The group has called execve (setpgid on it from the parent then gives EACCES). */
  execed = false;
  dumpable = 1;
  /** CPU time of all its threads, live and exited (cputime.ts), and the high-water RSS (KiB)
   *  of the address spaces its threads left. */
  userNs = 0;
  sysNs = 0;
  maxRssKb = 0;
  /** Accumulated times of reaped children (for getrusage(RUSAGE_CHILDREN) and times). */
  childUserNs = 0;
  childSysNs = 0;
  childMaxRssKb = 0;
  /** ITIMER_VIRTUAL and ITIMER_PROF: the process CPU time (user; user + system) at which each
   *  fires next (0: disarmed), their intervals, and whether either is armed. */
  virtExpires = 0;
  virtIntervalNs = 0;
  profExpires = 0;
  profIntervalNs = 0;
  cpuTimersArmed = false;
  realTimer: Timer | null = null;
  realTimerIntervalNs = 0;
  realTimerDeadline = 0;
  /** PR_SET_PDEATHSIG is per task in Linux; kept on the group's tasks instead. */
  /** When the process was created (monotonic ns: /proc/<pid>/stat's starttime). */
  readonly startNs = monotonicNs();
  /** The last thread to exit: what /proc shows of a zombie (comm, credentials). */
  lastTask: Task | null = null;

  constructor(public tgid: number, public limits: Limits) {
    this.pgid = tgid;
    this.sid = tgid;
  }

  get leader(): Task | undefined {
    for (const t of this.tasks) if (t.tid === this.tgid) return t;
    return this.tasks.values().next().value;
  }
}
