// Pending signals: a 64-bit set (two halves) and the siginfo of each queued
// signal. Standard signals queue once; real-time signals queue every instance.
import { SIGRTMIN } from './signals';

export class SigInfo {
  signo = 0;
  errno = 0;
  code = 0;
  pid = 0;
  uid = 0;
  /** SIGCHLD: child status; timers/sigqueue: the value (sival). */
  status = 0;
  value = 0;
  addr = 0;
  utime = 0;
  stime = 0;
  /** SIGSYS from seccomp (SYS_SECCOMP): the call's number and audit arch (si_call_addr is addr). */
  syscall = 0;
  arch = 0;
}

export class SigQueue {
  lo = 0;
  hi = 0;
  readonly infos: SigInfo[] = [];

  has(sig: number): boolean {
    return sig <= 32 ? (this.lo & (1 << (sig - 1))) !== 0 : (this.hi & (1 << (sig - 33))) !== 0;
  }

  /** Adds info; a standard signal already pending is not queued again. Returns false if dropped. */
  add(info: SigInfo): boolean {
    const sig = info.signo;
    if (sig < SIGRTMIN && this.has(sig)) return false;
    this.infos.push(info);
    if (sig <= 32) this.lo = (this.lo | (1 << (sig - 1))) >>> 0;
    else this.hi = (this.hi | (1 << (sig - 33))) >>> 0;
    return true;
  }

  /** The lowest pending signal not in the mask, or 0. Synchronous signals first (SIGSEGV etc.) as Linux does. */
  next(maskLo: number, maskHi: number): number {
    const lo = (this.lo & ~maskLo) >>> 0, hi = (this.hi & ~maskHi) >>> 0;
    if (lo === 0 && hi === 0) return 0;
    // SIGSEGV SIGBUS SIGILL SIGTRAP SIGFPE SIGSYS first (SYNCHRONOUS_MASK).
    const sync = lo & ((1 << 10) | (1 << 6) | (1 << 3) | (1 << 4) | (1 << 7) | (1 << 30));
    const pick = sync !== 0 ? sync : lo;
    if (pick !== 0) return 31 - Math.clz32(pick & -pick) + 1;
    return 32 + 31 - Math.clz32(hi & -hi) + 1;
  }

  /** Removes and returns one queued instance of sig. */
  take(sig: number): SigInfo | null {
    const i = this.infos.findIndex((x) => x.signo === sig);
    if (i < 0) { this.clear(sig); return null; }
    const info = this.infos.splice(i, 1)[0]!;
    if (!this.infos.some((x) => x.signo === sig)) this.clear(sig);
    return info;
  }

  clear(sig: number): void {
    if (sig <= 32) this.lo = (this.lo & ~(1 << (sig - 1))) >>> 0;
    else this.hi = (this.hi & ~(1 << (sig - 33))) >>> 0;
  }

  /** Drops every queued instance of sig. */
  discard(sig: number): void {
    for (let i = this.infos.length - 1; i >= 0; i--) if (this.infos[i]!.signo === sig) this.infos.splice(i, 1);
    this.clear(sig);
  }

  get empty(): boolean { return this.lo === 0 && this.hi === 0; }
}

export function sigBit(sig: number): [number, number] {
  return sig <= 32 ? [(1 << (sig - 1)) >>> 0, 0] : [0, (1 << (sig - 33)) >>> 0];
}
