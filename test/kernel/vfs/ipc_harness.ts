// Test support for blocking calls (pipes, poll, epoll, eventfd, timerfd): the
// file-system harness plus a stand-in for the kernel's scheduler. A handler that
// returns RET_BLOCK leaves its task blocked; a wake makes it runnable (recorded
// in `woken`); resume() runs the handler again from its wait record, as the run
// loop does, and interrupt() ends the wait as a signal would.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Task, TASK_BLOCKED, TASK_RUNNABLE, SignalHandlers, Credentials } from '../../../src/kernel/task';
import { Timers } from '../../../src/kernel/timers';
import { RET_BLOCK, type Handler } from '../../../src/kernel/syscalls/types';
import { Limits } from '../../../src/kernel/limits';
import { RDI, RSI, RDX, R10, R8, R9 } from '../../../src/platform/regs';
import { makeHarness, type Harness } from './harness';

const ARG = [RDI, RSI, RDX, R10, R8, R9];

export interface IpcHarness extends Harness {
  /** Tasks made runnable by a wake since the last take(). */
  woken: Set<Task>;
  /** Signals the kernel was asked to send: [tid, sig]. */
  signals: [number, number][];
  timers: Timers;
  /** Another thread of the process (same memory and fd table). */
  thread(): Task;
  /** Runs handler h on task t; a RET_BLOCK result leaves t blocked until a wake. */
  sys(t: Task, h: Handler, ...args: number[]): number;
  /** Runs t's parked handler again (it must have been woken). */
  resume(t: Task): number;
  /** A signal ends t's wait: the progress so far, or the wait's interrupt result. */
  interrupt(t: Task): number;
  dispose(): void;
}

export function makeIpcHarness(): IpcHarness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-ipc-'));
  const h = makeHarness(dir);
  const woken = new Set<Task>();
  const signals: [number, number][] = [];
  const timers = new Timers(() => {});
  const handlers = new Map<Task, Handler>();
  const kernel = h.t.kernel as unknown as Record<string, unknown>;
  kernel.timers = timers;
  kernel.wakeTask = (t: Task) => {
    if (t.state !== TASK_BLOCKED) return;
    t.leaveQueues();
    t.state = TASK_RUNNABLE;
    woken.add(t);
  };
  kernel.sendSignal = (t: Task, sig: number) => { signals.push([t.tid, sig]); };
  let nextTid = 2;
  const run = (t: Task, fn: Handler): number => {
    const r = fn(t);
    if (r === RET_BLOCK) { t.state = TASK_BLOCKED; handlers.set(t, fn); } else handlers.delete(t);
    return r;
  };
  return {
    ...h,
    woken, signals, timers,
    thread() {
      const t = new Task(h.t.kernel, nextTid++, 1, 0, h.t.mm, h.t.files.share(), h.t.fs, new SignalHandlers(),
        new Credentials(), { platformState: null }, new Limits());
      return t;
    },
    sys(t, fn, ...args) {
      args.forEach((a, i) => t.regs.set(ARG[i]!, a));
      for (let i = args.length; i < 6; i++) t.regs.set(ARG[i]!, 0);
      return run(t, fn);
    },
    resume(t) {
      const fn = handlers.get(t);
      if (!fn) throw new Error(`task ${t.tid} is not parked`);
      if (t.state !== TASK_RUNNABLE) throw new Error(`task ${t.tid} was not woken`);
      woken.delete(t);
      return run(t, fn);
    },
    interrupt(t) {
      if (!handlers.has(t)) throw new Error(`task ${t.tid} is not parked`);
      handlers.delete(t);
      t.leaveQueues();
      t.state = TASK_RUNNABLE;
      const res = t.waitProgress > 0 ? t.waitProgress : t.waitInterruptResult;
      t.endWait();
      return res;
    },
    dispose() {
      timers.close();
      h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
