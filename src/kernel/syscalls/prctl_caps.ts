// The capability options of prctl(2), as security/commoncap.c's cap_task_prctl: the
// bounding set (PR_CAPBSET_READ/DROP), the ambient set (PR_CAP_AMBIENT), keep-caps and
// the security bits. capset(2) and the id-change fix-ups are in identity.ts.
import {
  CAP_LAST_CAP, CAP_SETPCAP, capInSet, SECBIT_KEEP_CAPS, SECBIT_KEEP_CAPS_LOCKED, SECBIT_NO_CAP_AMBIENT_RAISE,
  SECURE_ALL_BITS, SECURE_ALL_LOCKS,
} from '../abi/capability';
import { EINVAL, EPERM } from '../errno';
import type { Credentials, Task } from '../task';
import { capable } from './identity';

export const PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24,
  PR_GET_SECUREBITS = 27, PR_SET_SECUREBITS = 28, PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_IS_SET = 1, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_LOWER = 3, PR_CAP_AMBIENT_CLEAR_ALL = 4;

/** Does option name one of the capability options? */
export function isCapPrctl(opt: number): boolean {
  return opt === PR_GET_KEEPCAPS || opt === PR_SET_KEEPCAPS || opt === PR_CAPBSET_READ || opt === PR_CAPBSET_DROP ||
    opt === PR_GET_SECUREBITS || opt === PR_SET_SECUREBITS || opt === PR_CAP_AMBIENT;
}

/** Clears bit cap of the set held in creds' fields lo and hi. */
function lower(c: Credentials, lo: 'capBndLo' | 'capAmbLo', hi: 'capBndHi' | 'capAmbHi', cap: number): void {
  if (cap < 32) c[lo] = (c[lo] & ~(1 << cap)) >>> 0;
  else c[hi] = (c[hi] & ~(1 << (cap - 32))) >>> 0;
}

/** prctl's capability options; the caller checked isCapPrctl(opt). Arguments 2-5 are u64. */
export function capPrctl(t: Task, opt: number): number {
  const c = t.creds, a2 = t.regs.arg(1), a3 = t.regs.arg(2), a4 = t.regs.arg(3), a5 = t.regs.arg(4);
  switch (opt) {
    case PR_CAPBSET_READ:
      if (a2 > CAP_LAST_CAP) return -EINVAL;
      return capInSet(c.capBndLo, c.capBndHi, a2) ? 1 : 0;
    case PR_CAPBSET_DROP:
      // cap_prctl_drop: the capability check comes before the number's.
      if (!capable(c, CAP_SETPCAP)) return -EPERM;
      if (a2 > CAP_LAST_CAP) return -EINVAL;
      lower(c, 'capBndLo', 'capBndHi', a2);
      return 0;
    case PR_GET_SECUREBITS:
      return c.securebits;
    case PR_SET_SECUREBITS: {
      const old = c.securebits;
      // A locked bit may not change, a lock may not be released, no unknown bit, CAP_SETPCAP.
      if ((((old & SECURE_ALL_LOCKS) >>> 1) & (old ^ a2)) !== 0 || (old & SECURE_ALL_LOCKS & ~a2) !== 0 ||
        a2 > 0xffffffff || (a2 & ~(SECURE_ALL_BITS | SECURE_ALL_LOCKS)) !== 0 || !capable(c, CAP_SETPCAP)) return -EPERM;
      c.securebits = a2;
      return 0;
    }
    case PR_GET_KEEPCAPS:
      return c.securebits & SECBIT_KEEP_CAPS ? 1 : 0;
    case PR_SET_KEEPCAPS:
      if (a2 > 1) return -EINVAL;
      if (c.securebits & SECBIT_KEEP_CAPS_LOCKED) return -EPERM;
      c.securebits = a2 ? c.securebits | SECBIT_KEEP_CAPS : c.securebits & ~SECBIT_KEEP_CAPS;
      return 0;
    case PR_CAP_AMBIENT:
      if (a2 === PR_CAP_AMBIENT_CLEAR_ALL) {
        if (a3 || a4 || a5) return -EINVAL;
        c.capAmbLo = c.capAmbHi = 0;
        return 0;
      }
      if (a3 > CAP_LAST_CAP || a4 || a5) return -EINVAL;
      if (a2 === PR_CAP_AMBIENT_IS_SET) return capInSet(c.capAmbLo, c.capAmbHi, a3) ? 1 : 0;
      if (a2 === PR_CAP_AMBIENT_LOWER) { lower(c, 'capAmbLo', 'capAmbHi', a3); return 0; }
      if (a2 !== PR_CAP_AMBIENT_RAISE) return -EINVAL;
      // Only a capability both permitted and inheritable may become ambient.
      if (!capInSet(c.capPrmLo, c.capPrmHi, a3) || !capInSet(c.capInhLo, c.capInhHi, a3) ||
        (c.securebits & SECBIT_NO_CAP_AMBIENT_RAISE)) return -EPERM;
      if (a3 < 32) c.capAmbLo = (c.capAmbLo | (1 << a3)) >>> 0;
      else c.capAmbHi = (c.capAmbHi | (1 << (a3 - 32))) >>> 0;
      return 0;
    default:
      return -EINVAL;
  }
}
