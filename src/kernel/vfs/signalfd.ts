// signalfd (fs/signalfd.c): a file that reads signals instead of having them
// delivered. A read dequeues, from the reading thread's own pending signals and
// then its process's, those in the file's mask, as struct signalfd_siginfo; it
// blocks (unless O_NONBLOCK) until one comes. Readiness is likewise the polling
// thread's. Whatever thread reads or polls the file registers it with that
// thread's signal handlers (Linux waits on current->sighand->signalfd_wqh), so a
// child that inherited the fd across fork reads and waits for its own signals.
import { EAGAIN, EFAULT, EINVAL } from '../errno';
import { makeInfo } from '../task_signals';
import { O_NONBLOCK } from '../abi/fcntl';
import { POLLIN } from '../abi/poll';
import {
  SIGNALFD_SIGINFO_SIZE, SSI_ADDR, SSI_CODE, SSI_ERRNO, SSI_INT, SSI_PID, SSI_PTR, SSI_SIGNO, SSI_STATUS, SSI_STIME,
  SSI_UID, SSI_UTIME, SSI_CALL_ADDR, SSI_SYSCALL, SSI_ARCH,
} from '../abi/signalfd';
import { SYS_SECCOMP } from '../abi/seccomp';
import { ReadyQueue } from '../poll';
import type { SigInfo, SigQueue } from '../sigqueue';
import { SIGBUS, SIGCHLD, SIGFPE, SIGILL, SIGSEGV, SIGSYS, SIGTRAP } from '../signals';
import type { SignalHandlers, SignalfdWatcher, Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import { AnonFile } from './anon';
import type { IoIter } from './iov_iter';

const SI_USER = 0, SI_KERNEL = 0x80, SI_TIMER = -2;
const TWO32 = 4294967296;
const buf = new Uint8Array(SIGNALFD_SIGINFO_SIZE);
const dv = new DataView(buf.buffer);

function put64(off: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  dv.setUint32(off, (v - hi * TWO32) >>> 0, true);
  dv.setUint32(off + 4, hi >>> 0, true);
}

/** The highest si_code each fault signal's own layout covers (NSIGILL, NSIGFPE, ...). */
const FAULT_CODES: Record<number, number> = { [SIGILL]: 11, [SIGFPE]: 15, [SIGSEGV]: 10, [SIGBUS]: 5, [SIGTRAP]: 6 };

/** Encodes info as struct signalfd_siginfo in buf, by Linux's siginfo_layout (signalfd_copyinfo). */
function encode(info: SigInfo): void {
  buf.fill(0);
  const sig = info.signo, code = info.code;
  dv.setUint32(SSI_SIGNO, sig, true);
  dv.setInt32(SSI_ERRNO, info.errno, true);
  dv.setInt32(SSI_CODE, code, true);
  if (code > SI_USER && code < SI_KERNEL) {
    const limit = FAULT_CODES[sig];
    if (limit !== undefined && code <= limit) { put64(SSI_ADDR, info.addr); return; }
    if (sig === SIGSYS && code === SYS_SECCOMP) {
      // SIL_SYS: the call seccomp stopped.
      put64(SSI_CALL_ADDR, info.addr);
      dv.setInt32(SSI_SYSCALL, info.syscall, true);
      dv.setUint32(SSI_ARCH, info.arch, true);
      return;
    }
    if (sig === SIGCHLD && code <= 6) {
      dv.setUint32(SSI_PID, info.pid, true);
      dv.setUint32(SSI_UID, info.uid, true);
      dv.setInt32(SSI_STATUS, info.status, true);
      put64(SSI_UTIME, info.utime);
      put64(SSI_STIME, info.stime);
      return;
    }
    if (code <= 6) return; // SIL_POLL: band and fd (tsvisor raises no SIGIO/SIGPOLL)
  } else if (code === SI_TIMER || code < 0) {
    // SIL_RT (sigqueue, tkill) and SIL_TIMER: the value; RT also the sender.
    if (code !== SI_TIMER) { dv.setUint32(SSI_PID, info.pid, true); dv.setUint32(SSI_UID, info.uid, true); }
    put64(SSI_PTR, info.value);
    dv.setInt32(SSI_INT, info.value % TWO32 | 0, true);
    return;
  }
  // SIL_KILL: kill(2), the kernel's own.
  dv.setUint32(SSI_PID, info.pid, true);
  dv.setUint32(SSI_UID, info.uid, true);
}

export class SignalFd extends AnonFile implements SignalfdWatcher {
  /** The signals the file reads (SIGKILL and SIGSTOP never among them). */
  maskLo: number;
  maskHi: number;
  /** Readers and pollers wait here; notified when a signal comes to a registered sighand. */
  readonly wq = new ReadyQueue();
  /** The signal handlers this file is registered with (to leave them on release). */
  private readonly sighands = new Set<SignalHandlers>();

  constructor(flags: number, maskLo: number, maskHi: number, creator: Task) {
    super(flags, 'signalfd');
    this.maskLo = maskLo;
    this.maskHi = maskHi;
    this.register(creator);
  }

  /** Listens for signals to t's process (signalfd_notify on its sighand). */
  private register(t: Task): void {
    const sh = t.sighand;
    if (this.sighands.has(sh)) return;
    this.sighands.add(sh);
    (sh.signalfds ??= new Set()).add(this);
  }

  /** A signal was queued for a process whose sighand this file is registered with. */
  signalQueued(): void { this.wq.notify(POLLIN); }

  /** The new mask from signalfd4 on this fd: waiting readers look again. */
  setMask(lo: number, hi: number): void {
    this.maskLo = lo;
    this.maskHi = hi;
    this.wq.notify(POLLIN);
  }

  /** The queue (t's own, then its process's) holding a signal of the mask, or null. */
  private source(t: Task): SigQueue | null {
    const nl = ~this.maskLo >>> 0, nh = ~this.maskHi >>> 0;
    if (t.pending.next(nl, nh) !== 0) return t.pending;
    if (t.group.pending.next(nl, nh) !== 0) return t.group.pending;
    return null;
  }

  override readIter(t: Task, it: IoIter): number {
    this.register(t);
    let count = Math.floor(it.count / SIGNALFD_SIGINFO_SIZE);
    if (count === 0) return this.finish(t, -EINVAL);
    let total = 0;
    while (count > 0) {
      const q = this.source(t);
      if (q === null) break;
      const sig = q.next(~this.maskLo >>> 0, ~this.maskHi >>> 0);
      encode(q.take(sig) ?? makeInfo(sig, SI_USER));
      // As Linux, a signal already dequeued is lost when the copy-out faults.
      if (it.copyTo(buf, 0, SIGNALFD_SIGINFO_SIZE) < SIGNALFD_SIGINFO_SIZE) return this.finish(t, total > 0 ? total : -EFAULT);
      total += SIGNALFD_SIGINFO_SIZE;
      count--;
    }
    if (total > 0) return this.finish(t, total);
    if (this.flags & O_NONBLOCK) return this.finish(t, -EAGAIN);
    t.blockOn(this.wq);
    return RET_BLOCK;
  }

  private finish(t: Task, r: number): number {
    if (t.waitActive) t.endWait();
    return r;
  }

  /** Readable when the polling thread has a signal of the mask pending (signalfd_poll). */
  override poll(t: Task): number {
    this.register(t);
    return this.source(t) !== null ? POLLIN : 0;
  }

  override readyQueue(): ReadyQueue { return this.wq; }

  override release(): void {
    for (const sh of this.sighands) sh.signalfds?.delete(this);
    this.sighands.clear();
    super.release();
  }
}
