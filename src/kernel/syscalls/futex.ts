// futex(2): WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET.
// A waiter parks with a wait record (its FutexWaiter and deadline) and, when it runs
// again, returns 0 if woken, ETIMEDOUT at the deadline, or parks again. Argument
// checks come in Linux's order (kernel/futex/syscalls.c): the timeout is read and
// validated first, then FUTEX_CLOCK_REALTIME's ENOSYS, then each operation's own.
import { EAGAIN, EFAULT, EINVAL, ENOSYS, ERESTART_RESTARTBLOCK, ERESTARTSYS, ETIMEDOUT } from '../errno';
import { FutexWaiter } from '../futex';
import { monotonicNs } from '../timers';
import { TASK_SIZE } from '../mm/mm';
import { host } from '../../native';
import type { Task } from '../task';
import { RET_BLOCK, type Handler } from './types';

export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
  FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9,
  FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_BITSET_MATCH_ANY = 0xffffffff;
const TWO32 = 4294967296;
const ts = new Float64Array(2);

/** The key of the futex word at addr, or -EINVAL (misaligned) / -EFAULT. As Linux's
 *  get_futex_key: a private key needs only an aligned user address (no page: a private wake
 *  of unmapped memory finds nobody); a shared one needs the page (faulted in) and keys a
 *  private mapping by (address space, address), a shared mapping by the word's physical
 *  address, so processes sharing the page meet. */
export function futexKey(t: Task, addr: number, priv: boolean): string | number {
  if (addr % 4 !== 0) return -EINVAL;
  if (addr + 4 > TASK_SIZE) return -EFAULT;
  if (priv) return `${t.mm.id}:${addr}`;
  if (t.mm.translate(addr, 4, false) < 0) return -EFAULT;
  const vma = t.mm.find(addr);
  if (vma === null || vma.private) return `${t.mm.id}:${addr}`;
  const pa = t.mm.physAddr(addr);
  return pa < 0 ? -EFAULT : `p${pa}`;
}

/** The 32-bit signed value of a u32 argument (Linux's int nr_wake, nr_requeue). */
function asInt(v: number): number { return v | 0; }

/** Reads the timeout of a waiting op: a monotonic-ns deadline, 0 (none) or -errno. FUTEX_WAIT's
 *  is relative; the BITSET ops' absolute, on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) REALTIME. */
function readDeadline(t: Task, addr: number, relative: boolean, realtime: boolean): number {
  if (addr === 0) return 0;
  if (t.mm.copyIn(addr, t.kernel.scratch, 0, 16) < 0) return -EFAULT;
  const dv = t.kernel.sdv;
  const sec = dv.getUint32(0, true) + dv.getInt32(4, true) * TWO32;
  const nsec = dv.getUint32(8, true) + dv.getInt32(12, true) * TWO32;
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
  const ns = sec * 1e9 + nsec;
  const now = monotonicNs();
  if (relative) return now + ns;
  if (!realtime) return Math.max(1, ns);
  host.clockGettime(0, ts);
  return Math.max(1, now + ns - (ts[0]! * 1e9 + ts[1]!));
}

/** A timed wait interrupted by a signal: EINTR for a handler, else restart_syscall resumes the
 *  wait with the same deadline (Linux's futex_wait_restart). */
function waitInterrupted(t: Task): number {
  t.restartFn = waitRestart;
  return -ERESTART_RESTARTBLOCK;
}

function waitRestart(t: Task): number {
  return waitOn(t, t.restartAddr, t.restartVal, t.restartDeadline, t.restartBits, t.restartFlags !== 0);
}

/** Parks t on the futex at addr while it holds val, or finishes the wait when it runs again. */
function waitOn(t: Task, addr: number, val: number, deadline: number, bitset: number, priv: boolean): number {
  const rec = t.futexWaiter;
  if (t.waitActive && rec) {
    if (rec.woken) { t.endWait(); return 0; }
    if (t.waitExpired()) { t.kernel.futexes.remove(rec); t.endWait(); return -ETIMEDOUT; }
    return RET_BLOCK;
  }
  const key = futexKey(t, addr, priv);
  if (typeof key === 'number') return key;
  const cur = t.mm.readU32(addr);
  if (cur < 0) return -EFAULT;
  if (cur !== val) return -EAGAIN;
  if (deadline > 0 && monotonicNs() >= deadline) return -ETIMEDOUT;
  const w = new FutexWaiter(t, key, bitset);
  t.kernel.futexes.enqueue(w);
  t.futexWaiter = w;
  if (deadline > 0) {
    t.restartAddr = addr; t.restartVal = val; t.restartDeadline = deadline; t.restartBits = bitset;
    t.restartFlags = priv ? 1 : 0;
    t.waitInterruptHook = waitInterrupted;
  } else t.waitInterruptResult = -ERESTARTSYS;
  t.blockOn(null, deadline);
  return RET_BLOCK;
}

/** FUTEX_WAKE_OP's operation on *uaddr2 (futex_atomic_op_inuser): 1 or 0 (the comparison of
 *  the old value), or -errno. An unknown op changes nothing; an unknown comparison comes
 *  after the store, as on Linux. */
function wakeOp(t: Task, addr: number, encoded: number): number {
  const op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
  let oparg = (encoded << 8) >> 20;
  const cmparg = (encoded << 20) >> 20;
  if ((encoded >>> 28) & 8) oparg = 1 << (oparg & 31);
  const old = t.mm.readU32(addr);
  if (old < 0) return -EFAULT;
  let v: number;
  switch (op) {
    case 0: v = oparg; break;            // SET
    case 1: v = old + oparg; break;      // ADD
    case 2: v = old | oparg; break;      // OR
    case 3: v = old & ~oparg; break;     // ANDN
    case 4: v = old ^ oparg; break;      // XOR
    default: return -ENOSYS;
  }
  if (t.mm.writeU32(addr, v >>> 0) < 0) return -EFAULT;
  const o = old | 0;
  switch (cmp) {
    case 0: return o === cmparg ? 1 : 0;
    case 1: return o !== cmparg ? 1 : 0;
    case 2: return o < cmparg ? 1 : 0;
    case 3: return o <= cmparg ? 1 : 0;
    case 4: return o > cmparg ? 1 : 0;
    case 5: return o >= cmparg ? 1 : 0;
    default: return -ENOSYS;
  }
}

/** implements Linux futex(2) */
export const sysFutex: Handler = (t) => {
  if (t.waitActive && t.futexWaiter) return waitOn(t, 0, 0, 0, 0, false); // resumed from its record
  const r = t.regs;
  const addr = r.arg(0), opFull = r.argInt(1), val = r.argInt(2) >>> 0, a3 = r.arg(3), addr2 = r.arg(4), val3 = r.argInt(5) >>> 0;
  const priv = (opFull & FUTEX_PRIVATE_FLAG) !== 0, realtime = (opFull & FUTEX_CLOCK_REALTIME) !== 0;
  const op = opFull & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  // The timeout first (sys_futex), for the ops that take one.
  let deadline = 0;
  if (op === FUTEX_WAIT || op === FUTEX_WAIT_BITSET || op === FUTEX_LOCK_PI || op === FUTEX_LOCK_PI2 || op === FUTEX_WAIT_REQUEUE_PI) {
    deadline = readDeadline(t, a3, op === FUTEX_WAIT, realtime);
    if (deadline < 0) return deadline;
  }
  if (realtime && op !== FUTEX_WAIT_BITSET && op !== FUTEX_WAIT_REQUEUE_PI && op !== FUTEX_LOCK_PI2) return -ENOSYS;
  const f = t.kernel.futexes;
  // REQUEUE and WAKE_OP take their second count from the timeout argument's low 32 bits.
  const val2 = r.argInt(3);
  switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const bits = op === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
      if (bits === 0) return -EINVAL;
      return waitOn(t, addr, val, deadline, bits, priv);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bits = op === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
      if (bits === 0) return -EINVAL;
      const key = futexKey(t, addr, priv);
      if (typeof key === 'number') return key;
      return f.wake(key, asInt(val), bits);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const nrWake = asInt(val);
      if (nrWake < 0 || val2 < 0) return -EINVAL;
      const k1 = futexKey(t, addr, priv);
      if (typeof k1 === 'number') return k1;
      const k2 = futexKey(t, addr2, priv);
      if (typeof k2 === 'number') return k2;
      if (op === FUTEX_CMP_REQUEUE) {
        const cur = t.mm.readU32(addr);
        if (cur < 0) return -EFAULT;
        if (cur !== val3) return -EAGAIN;
      }
      return f.requeue(k1, k2, nrWake, val2);
    }
    case FUTEX_WAKE_OP: {
      const k1 = futexKey(t, addr, priv);
      if (typeof k1 === 'number') return k1;
      const k2 = futexKey(t, addr2, priv);
      if (typeof k2 === 'number') return k2;
      const hit = wakeOp(t, addr2, val3);
      if (hit < 0) return hit;
      let n = f.wake(k1, asInt(val), FUTEX_BITSET_MATCH_ANY);
      if (hit) n += f.wake(k2, val2, FUTEX_BITSET_MATCH_ANY);
      return n;
    }
    default:
      // The PI operations (and FUTEX_FD, removed in 2.6.26) are not implemented: ENOSYS, as a
      // kernel without CONFIG_FUTEX_PI gives; glibc then falls back for PI mutexes.
      return -ENOSYS;
  }
};

export const futexSyscalls: Record<string, Handler> = { futex: sysFutex };
