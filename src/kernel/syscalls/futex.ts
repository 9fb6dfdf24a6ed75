// futex(2): WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET.
// A waiter parks with a wait record (its FutexWaiter and deadline) and, when it runs
// again, returns 0 if woken, ETIMEDOUT at the deadline, or parks again.
import { EAGAIN, EFAULT, EINVAL, ENOSYS, ETIMEDOUT } from '../errno';
import { FutexWaiter } from '../futex';
import { monotonicNs } from '../timers';
import { host } from '../../native';
import type { Task } from '../task';
import { RET_BLOCK, type Handler } from './types';

export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
  FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9,
  FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_BITSET_MATCH_ANY = 0xffffffff;
const ts = new Float64Array(2);

/** The key of the futex word at addr, or -EFAULT (also -EINVAL when misaligned). As Linux:
 *  FUTEX_PRIVATE_FLAG or a private mapping keys by (address space, address); a shared
 *  mapping keys by the word's physical address, so processes sharing the page meet. */
export function futexKey(t: Task, addr: number, priv: boolean): string | number {
  if (addr % 4 !== 0) return -EINVAL;
  if (t.mm.translate(addr, 4, false) < 0) return -EFAULT;
  const vma = t.mm.find(addr);
  if (priv || vma === null || vma.private) return `${t.mm.id}:${addr}`;
  const pa = t.mm.physAddr(addr);
  return pa < 0 ? -EFAULT : `p${pa}`;
}

function readWord(t: Task, addr: number): number {
  return t.mm.readU32(addr);
}

/** Parks t on the futex, or finishes the wait when it runs again. */
function wait(t: Task, addr: number, val: number, timeoutAddr: number, bitset: number, priv: boolean, absolute: boolean, realtime: boolean): number {
  const rec = t.futexWaiter;
  if (t.waitActive && rec) {
    if (rec.woken) { t.endWait(); return 0; }
    if (t.waitExpired()) { t.kernel.futexes.remove(rec); t.endWait(); return -ETIMEDOUT; }
    return RET_BLOCK;
  }
  if (bitset === 0) return -EINVAL;
  const key = futexKey(t, addr, priv);
  if (typeof key === 'number') return key;
  let deadline = 0;
  if (timeoutAddr !== 0) {
    if (t.mm.copyIn(timeoutAddr, t.kernel.scratch, 0, 16) < 0) return -EFAULT;
    const dv = t.kernel.sdv;
    const sec = dv.getUint32(0, true) + dv.getInt32(4, true) * 4294967296;
    const nsec = dv.getUint32(8, true) + dv.getInt32(12, true) * 4294967296;
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
    const ns = sec * 1e9 + nsec;
    if (absolute) {
      host.clockGettime(realtime ? 0 : 1, ts);
      deadline = monotonicNs() + Math.max(0, ns - (ts[0]! * 1e9 + ts[1]!));
    } else deadline = monotonicNs() + ns;
  }
  const cur = readWord(t, addr);
  if (cur < 0) return -EFAULT;
  if (cur !== val >>> 0) return -EAGAIN;
  if (deadline > 0 && monotonicNs() >= deadline) return -ETIMEDOUT;
  const w = new FutexWaiter(t, key, bitset);
  t.kernel.futexes.enqueue(w);
  t.futexWaiter = w;
  t.blockOn(null, deadline);
  return RET_BLOCK;
}

/** FUTEX_WAKE_OP's operation on *uaddr2; returns the old value or -errno. */
function wakeOp(t: Task, addr: number, encoded: number): number {
  const op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
  let oparg = (encoded << 8) >> 20, cmparg = (encoded << 20) >> 20;
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
  cmparg |= 0;
  let hit: boolean;
  switch (cmp) {
    case 0: hit = o === cmparg; break;
    case 1: hit = o !== cmparg; break;
    case 2: hit = o < cmparg; break;
    case 3: hit = o <= cmparg; break;
    case 4: hit = o > cmparg; break;
    case 5: hit = o >= cmparg; break;
    default: return -ENOSYS;
  }
  return hit ? 1 : 0;
}

/** implements Linux futex(2) */
export const sysFutex: Handler = (t) => {
  const r = t.regs;
  const addr = r.arg(0), opFull = r.argInt(1), val = r.arg(2) % 4294967296, a3 = r.arg(3), addr2 = r.arg(4), val3 = r.arg(5) % 4294967296;
  const priv = (opFull & FUTEX_PRIVATE_FLAG) !== 0, realtime = (opFull & FUTEX_CLOCK_REALTIME) !== 0;
  const op = opFull & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if (realtime && op !== FUTEX_WAIT_BITSET && op !== FUTEX_WAIT_REQUEUE_PI && op !== FUTEX_LOCK_PI2) return -ENOSYS;
  const f = t.kernel.futexes;
  switch (op) {
    case FUTEX_WAIT: return wait(t, addr, val, a3, FUTEX_BITSET_MATCH_ANY, priv, false, false);
    case FUTEX_WAIT_BITSET: return wait(t, addr, val, a3, val3, priv, true, realtime);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bits = op === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
      if (bits === 0) return -EINVAL;
      const key = futexKey(t, addr, priv);
      if (typeof key === 'number') return key;
      return f.wake(key, val, bits);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const n = val | 0, m = a3 % 4294967296 | 0;
      if (n < 0 || m < 0) return -EINVAL;
      const k1 = futexKey(t, addr, priv), k2 = futexKey(t, addr2, priv);
      if (typeof k1 === 'number') return k1;
      if (typeof k2 === 'number') return k2;
      if (op === FUTEX_CMP_REQUEUE) {
        const cur = readWord(t, addr);
        if (cur < 0) return -EFAULT;
        if (cur !== val3) return -EAGAIN;
      }
      return f.requeue(k1, k2, n, m);
    }
    case FUTEX_WAKE_OP: {
      const k1 = futexKey(t, addr, priv), k2 = futexKey(t, addr2, priv);
      if (typeof k1 === 'number') return k1;
      if (typeof k2 === 'number') return k2;
      const hit = wakeOp(t, addr2, val3);
      if (hit < 0) return hit;
      let n = f.wake(k1, val, FUTEX_BITSET_MATCH_ANY);
      if (hit) n += f.wake(k2, a3 % 4294967296, FUTEX_BITSET_MATCH_ANY);
      return n;
    }
    case FUTEX_LOCK_PI: case FUTEX_UNLOCK_PI: case FUTEX_TRYLOCK_PI: case FUTEX_WAIT_REQUEUE_PI:
    case FUTEX_CMP_REQUEUE_PI: case FUTEX_LOCK_PI2:
      return -ENOSYS;
    default:
      return -ENOSYS;
  }
};

export const futexSyscalls: Record<string, Handler> = { futex: sysFutex };
