// Controlling terminals and job control (drivers/tty/tty_jobctrl.c): which
// terminal a session has, its foreground process group, the signals a
// terminal sends to process groups, and the checks that stop a background
// job touching its terminal (SIGTTIN, SIGTTOU, EIO for orphaned groups).
//
// A terminal belongs to at most one session (term.session) and a session has
// at most one terminal. A process's controlling terminal is its session's,
// unless the process gave it up with TIOCNOTTY (Linux clears only that
// process's signal->tty). Limitation: a child forked after its parent's
// TIOCNOTTY sees the session's terminal again.
import { EIO, ERESTARTSYS } from '../errno';
import { SIG_IGN } from '../abi/sigframe';
import { SIGCONT, SIGHUP, SIGTTIN, SI_KERNEL } from '../signals';
import { sigBit } from '../sigqueue';
import { makeInfo, sendToGroup } from '../task_signals';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { GROUP_LIVE, type ThreadGroup } from '../thread_group';

/** What job control needs of a terminal. */
export interface Terminal {
  /** st_rdev of the terminal (/proc/<pid>/stat's tty_nr). */
  readonly rdev: number;
  /** The session it controls (its sid), 0 for none. */
  session: number;
  /** The foreground process group, 0 for none. */
  fgPgrp: number;
  /** The kernel the terminal lives in. */
  readonly kernel: Kernel;
}

const sessions = new WeakMap<Kernel, Map<number, Terminal>>();
/** Processes that gave up their controlling terminal (TIOCNOTTY by a non-leader). */
const detached = new WeakSet<ThreadGroup>();

function kernelOf(g: ThreadGroup): Kernel | null {
  return (g.leader ?? g.lastTask)?.kernel ?? null;
}

function table(k: Kernel): Map<number, Terminal> {
  let m = sessions.get(k);
  if (m === undefined) { m = new Map(); sessions.set(k, m); }
  return m;
}

/** The controlling terminal of process g, or null. */
export function cttyOf(g: ThreadGroup): Terminal | null {
  if (detached.has(g)) return null;
  const k = kernelOf(g);
  if (k === null) return null;
  const term = sessions.get(k)?.get(g.sid);
  return term !== undefined && term.session === g.sid ? term : null;
}

/** Makes term the controlling terminal of g's session (g leads it); its group goes to the
 *  foreground. */
export function setCtty(g: ThreadGroup, term: Terminal): void {
  table(term.kernel).set(g.sid, term);
  detached.delete(g);
  term.session = g.sid;
  term.fgPgrp = g.pgid;
}

/** The session of term no longer has it (hangup, the leader gave it up or exited). */
export function clearSession(term: Terminal): void {
  if (term.session !== 0) {
    const m = sessions.get(term.kernel);
    if (m?.get(term.session) === term) m.delete(term.session);
  }
  term.session = 0;
  term.fgPgrp = 0;
}

/** Process g gives up its controlling terminal without affecting the session (TIOCNOTTY by a
 *  process that does not lead it). */
export function detach(g: ThreadGroup): void { detached.add(g); }

/** Sends sig to every live process of group pgid (kill_pgrp from the terminal: SI_KERNEL). */
export function signalPgrp(k: Kernel, pgid: number, sig: number): void {
  if (pgid <= 0) return;
  for (const g of k.groups.values()) {
    if (g.pgid === pgid && g.state === GROUP_LIVE) sendToGroup(g, makeInfo(sig, SI_KERNEL), false);
  }
  k.kick();
}

/** A process group is orphaned when no member has a parent in another group of the same
 *  session (will_become_orphaned_pgrp). */
export function isOrphanedPgrp(k: Kernel, pgid: number): boolean {
  for (const g of k.groups.values()) {
    if (g.pgid !== pgid || g.state !== GROUP_LIVE) continue;
    const p = g.parent;
    if (p !== null && p.pgid !== pgid && p.sid === g.sid) return false;
  }
  return true;
}

/** Does the process a group exists in the session? (TIOCSPGRP's check) */
export function pgrpInSession(k: Kernel, pgid: number, sid: number): 'none' | 'other' | 'ok' {
  let found = false;
  for (const g of k.groups.values()) {
    if (g.pgid !== pgid || g.state !== GROUP_LIVE) continue;
    found = true;
    if (g.sid === sid) return 'ok';
  }
  return found ? 'other' : 'none';
}

function sigIgnoredOrBlocked(t: Task, sig: number): boolean {
  const [lo, hi] = sigBit(sig);
  if ((t.sigMaskLo & lo) !== 0 || (t.sigMaskHi & hi) !== 0) return true;
  return t.sighand.actions[sig]!.handler === SIG_IGN;
}

/**
 * Job control on an access to term by t (__tty_check_change and n_tty's job_control): a
 * process in a background group of the terminal's session gets sig (SIGTTIN for reads, SIGTTOU
 * for writes under TOSTOP and for changes) sent to its group and the call restarts after it;
 * 0 when the access may go on, -EIO for an orphaned group (or an ignored SIGTTIN).
 */
export function jobControl(t: Task, term: Terminal, sig: number): number {
  const g = t.group;
  if (cttyOf(g) !== term || term.fgPgrp === 0 || g.pgid === term.fgPgrp) return 0;
  if (sigIgnoredOrBlocked(t, sig)) return sig === SIGTTIN ? -EIO : 0;
  if (isOrphanedPgrp(t.kernel, g.pgid)) return -EIO;
  signalPgrp(t.kernel, g.pgid, sig);
  return -ERESTARTSYS;
}

/** The terminal hangs up (its master went away): the session leader gets SIGHUP and SIGCONT
 *  (tty_signal_session_leader) and the session loses its terminal. */
export function hangupSession(term: Terminal): void {
  const sid = term.session;
  if (sid !== 0) {
    const leader = term.kernel.groups.get(sid);
    if (leader !== undefined && leader.state === GROUP_LIVE) {
      sendToGroup(leader, makeInfo(SIGHUP, SI_KERNEL), false);
      sendToGroup(leader, makeInfo(SIGCONT, SI_KERNEL), false);
      term.kernel.kick();
    }
  }
  clearSession(term);
}

/**
 * A process gives up its controlling terminal (TIOCNOTTY) or its session leader exits
 * (disassociate_ctty): a leader's foreground group gets SIGHUP (and SIGCONT unless exiting) and
 * the whole session loses the terminal; anyone else just lets go of it.
 */
export function disassociate(g: ThreadGroup, onExit: boolean): void {
  const term = cttyOf(g);
  if (term === null) return;
  if (g.tgid !== g.sid) { if (!onExit) detach(g); return; }
  const fg = term.fgPgrp;
  if (fg !== 0) {
    signalPgrp(term.kernel, fg, SIGHUP);
    if (!onExit) signalPgrp(term.kernel, fg, SIGCONT);
  }
  clearSession(term);
}

/** Called when a process exits: a session leader takes its session's terminal with it. */
export function processExited(g: ThreadGroup): void {
  if (g.tgid === g.sid) disassociate(g, true);
}
