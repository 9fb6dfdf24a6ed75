// The shape every syscall handler has, and the special results beside values
// and -errno (DESIGN.md, run loop).
import type { Task } from '../task';

/** A handler reads its arguments from task.regs and returns the result:
 *  a value, -errno, or one of the special results below. */
export type Handler = (t: Task) => number;

/** The handler has set up the task's registers itself (execve, rt_sigreturn, exit). */
export const RET_NO_WRITEBACK = -0x100000;
/** The task parked on a wait queue; the handler runs again from its wait record when woken. */
export const RET_BLOCK = -0x100001;

export type Support = 'supported' | 'partial' | 'error' | 'missing';

export interface SyscallEntry {
  readonly nr: number;
  readonly name: string;
  readonly support: Support;
  /** partial: what is missing; error: why this errno. */
  readonly note?: string;
  /** For 'error': the errno a Linux-compatible kernel gives. */
  readonly errno?: number;
  readonly handler?: Handler;
}
