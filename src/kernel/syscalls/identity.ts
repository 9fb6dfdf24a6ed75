// Changing identity: the set*id family, setgroups, setfsuid/setfsgid, and
// capabilities (capget, capset), with Linux's permission rules and its
// capability fix-ups on uid changes (security/commoncap.c). Credentials are per
// thread, as in Linux (glibc and musl broadcast set*id to every thread).
import { EFAULT, EINVAL, EPERM, ESRCH } from '../errno';
import {
  CAP_DATA_SIZE, CAP_FS_MASK_HI, CAP_FS_MASK_LO, CAP_FULL_HI, CAP_SETGID, CAP_SETPCAP, CAP_SETUID, capInSet,
  _LINUX_CAPABILITY_VERSION_1, _LINUX_CAPABILITY_VERSION_2, _LINUX_CAPABILITY_VERSION_3, SECBIT_KEEP_CAPS,
  SECBIT_NO_SETUID_FIXUP, SECBIT_NOROOT,
} from '../abi/capability';
import type { Credentials, Task } from '../task';
import type { Handler } from './types';

/** (uid_t)-1: "leave unchanged" for setre*id and setres*id, and never a valid id. */
const NO_ID = 0xffffffff;
/** NGROUPS_MAX (include/uapi/linux/limits.h). */
export const NGROUPS_MAX = 65536;

/** Does creds have capability cap in its effective set? */
export function capable(c: Credentials, cap: number): boolean {
  return capInSet(c.capEffLo, c.capEffHi, cap);
}

/** Copies the ids and capability sets of a credentials object (before a change, to compare). */
function snapshot(c: Credentials): Credentials {
  return Object.assign(Object.create(Object.getPrototypeOf(c)) as Credentials, c);
}

/** cap_emulate_setxuid: dropping every root id drops the capabilities (unless keep-caps); the
 *  effective uid leaving or reaching 0 clears or restores the effective set. */
function fixCapsAfterSetuid(old: Credentials, c: Credentials): void {
  if (c.securebits & SECBIT_NO_SETUID_FIXUP) return;
  const wasRoot = old.uid === 0 || old.euid === 0 || old.suid === 0;
  const isRoot = c.uid === 0 || c.euid === 0 || c.suid === 0;
  if (wasRoot && !isRoot) {
    if (!(c.securebits & SECBIT_KEEP_CAPS)) { c.capPrmLo = c.capPrmHi = 0; c.capEffLo = c.capEffHi = 0; }
    c.capAmbLo = c.capAmbHi = 0;
  }
  if (old.euid === 0 && c.euid !== 0) { c.capEffLo = c.capEffHi = 0; }
  if (old.euid !== 0 && c.euid === 0) { c.capEffLo = c.capPrmLo; c.capEffHi = c.capPrmHi; }
  fixCapsAfterSetfsuid(old.fsuid, c);
}

/** A change of fsuid to or from 0 drops or raises the file-system capabilities. */
function fixCapsAfterSetfsuid(oldFsuid: number, c: Credentials): void {
  if (c.securebits & SECBIT_NO_SETUID_FIXUP) return;
  if (oldFsuid === 0 && c.fsuid !== 0) {
    c.capEffLo = (c.capEffLo & ~CAP_FS_MASK_LO) >>> 0;
    c.capEffHi = (c.capEffHi & ~CAP_FS_MASK_HI) >>> 0;
  } else if (oldFsuid !== 0 && c.fsuid === 0) {
    c.capEffLo = (c.capEffLo | (c.capPrmLo & CAP_FS_MASK_LO)) >>> 0;
    c.capEffHi = (c.capEffHi | (c.capPrmHi & CAP_FS_MASK_HI)) >>> 0;
  }
}

/** implements Linux setuid(2) */
export const sysSetuid: Handler = (t) => {
  const uid = (t.regs.argInt(0) >>> 0), c = t.creds;
  if (uid === NO_ID) return -EINVAL;
  const old = snapshot(c);
  if (capable(c, CAP_SETUID)) { c.uid = uid; c.suid = uid; }
  else if (uid !== c.uid && uid !== c.suid) return -EPERM;
  c.euid = uid; c.fsuid = uid;
  fixCapsAfterSetuid(old, c);
  return 0;
};

/** implements Linux setgid(2) */
export const sysSetgid: Handler = (t) => {
  const gid = (t.regs.argInt(0) >>> 0), c = t.creds;
  if (gid === NO_ID) return -EINVAL;
  if (capable(c, CAP_SETGID)) { c.gid = gid; c.sgid = gid; }
  else if (gid !== c.gid && gid !== c.sgid) return -EPERM;
  c.egid = gid; c.fsgid = gid;
  return 0;
};

/** implements Linux setreuid(2) */
export const sysSetreuid: Handler = (t) => {
  const r = (t.regs.argInt(0) >>> 0), e = (t.regs.argInt(1) >>> 0), c = t.creds;
  const priv = capable(c, CAP_SETUID);
  if (r !== NO_ID && r !== c.uid && r !== c.euid && !priv) return -EPERM;
  if (e !== NO_ID && e !== c.uid && e !== c.euid && e !== c.suid && !priv) return -EPERM;
  const old = snapshot(c);
  if (r !== NO_ID) c.uid = r;
  if (e !== NO_ID) c.euid = e;
  if (r !== NO_ID || (e !== NO_ID && e !== old.uid)) c.suid = c.euid;
  c.fsuid = c.euid;
  fixCapsAfterSetuid(old, c);
  return 0;
};

/** implements Linux setregid(2) */
export const sysSetregid: Handler = (t) => {
  const r = (t.regs.argInt(0) >>> 0), e = (t.regs.argInt(1) >>> 0), c = t.creds;
  const priv = capable(c, CAP_SETGID);
  if (r !== NO_ID && r !== c.gid && r !== c.egid && !priv) return -EPERM;
  if (e !== NO_ID && e !== c.gid && e !== c.egid && e !== c.sgid && !priv) return -EPERM;
  const oldGid = c.gid;
  if (r !== NO_ID) c.gid = r;
  if (e !== NO_ID) c.egid = e;
  if (r !== NO_ID || (e !== NO_ID && e !== oldGid)) c.sgid = c.egid;
  c.fsgid = c.egid;
  return 0;
};

/** implements Linux setresuid(2) */
export const sysSetresuid: Handler = (t) => {
  const r = (t.regs.argInt(0) >>> 0), e = (t.regs.argInt(1) >>> 0), s = (t.regs.argInt(2) >>> 0), c = t.creds;
  if (!capable(c, CAP_SETUID)) {
    const ok = (x: number) => x === NO_ID || x === c.uid || x === c.euid || x === c.suid;
    if (!ok(r) || !ok(e) || !ok(s)) return -EPERM;
  }
  const old = snapshot(c);
  if (r !== NO_ID) c.uid = r;
  if (e !== NO_ID) c.euid = e;
  if (s !== NO_ID) c.suid = s;
  c.fsuid = c.euid;
  fixCapsAfterSetuid(old, c);
  return 0;
};

/** implements Linux setresgid(2) */
export const sysSetresgid: Handler = (t) => {
  const r = (t.regs.argInt(0) >>> 0), e = (t.regs.argInt(1) >>> 0), s = (t.regs.argInt(2) >>> 0), c = t.creds;
  if (!capable(c, CAP_SETGID)) {
    const ok = (x: number) => x === NO_ID || x === c.gid || x === c.egid || x === c.sgid;
    if (!ok(r) || !ok(e) || !ok(s)) return -EPERM;
  }
  if (r !== NO_ID) c.gid = r;
  if (e !== NO_ID) c.egid = e;
  if (s !== NO_ID) c.sgid = s;
  c.fsgid = c.egid;
  return 0;
};

/** implements Linux setfsuid(2): always returns the previous fsuid, changed or not. */
export const sysSetfsuid: Handler = (t) => {
  const uid = (t.regs.argInt(0) >>> 0), c = t.creds, prev = c.fsuid;
  if (uid === NO_ID) return prev;
  if (uid === c.uid || uid === c.euid || uid === c.suid || uid === c.fsuid || capable(c, CAP_SETUID)) {
    if (uid !== prev) { c.fsuid = uid; fixCapsAfterSetfsuid(prev, c); }
  }
  return prev;
};

/** implements Linux setfsgid(2): always returns the previous fsgid. */
export const sysSetfsgid: Handler = (t) => {
  const gid = (t.regs.argInt(0) >>> 0), c = t.creds, prev = c.fsgid;
  if (gid === NO_ID) return prev;
  if (gid === c.gid || gid === c.egid || gid === c.sgid || gid === c.fsgid || capable(c, CAP_SETGID)) c.fsgid = gid;
  return prev;
};

/** implements Linux setgroups(2); the list is kept sorted, as Linux's groups_sort leaves it. */
export const sysSetgroups: Handler = (t) => {
  const size = t.regs.argInt(0), list = t.regs.arg(1);
  if (size < 0 || size > NGROUPS_MAX) return -EINVAL;
  if (!capable(t.creds, CAP_SETGID)) return -EPERM;
  const g: number[] = [];
  for (let i = 0; i < size; i++) {
    const v = t.mm.readU32(list + 4 * i);
    if (v < 0) return -EFAULT;
    g.push(v);
  }
  g.sort((a, b) => a - b);
  t.creds.groups = g;
  return 0;
};

/** Validates a capability header's version: how many 32-bit data structs it carries, or -EINVAL
 *  after writing the preferred version back (what Linux does so callers can retry). */
function capVersion(t: Task, hdr: number): number {
  const v = t.mm.readU32(hdr);
  if (v < 0) return -EFAULT;
  if (v === _LINUX_CAPABILITY_VERSION_1) return 1;
  if (v === _LINUX_CAPABILITY_VERSION_2 || v === _LINUX_CAPABILITY_VERSION_3) return 2;
  if (t.mm.writeU32(hdr, _LINUX_CAPABILITY_VERSION_3) < 0) return -EFAULT;
  return -EINVAL;
}

/** implements Linux capget(2) */
export const sysCapget: Handler = (t) => {
  const hdr = t.regs.arg(0), data = t.regs.arg(1);
  const n = capVersion(t, hdr);
  if (data === 0) return n === -EINVAL || n > 0 ? 0 : n;
  if (n < 0) return n;
  const pidRaw = t.mm.readU32(hdr + 4);
  if (pidRaw < 0) return -EFAULT;
  const pid = pidRaw | 0;
  if (pid < 0) return -EINVAL;
  const target = pid === 0 ? t : t.kernel.tasks.get(pid);
  if (!target) return -ESRCH;
  const c = target.creds, s = t.kernel.scratch, dv = t.kernel.sdv;
  dv.setUint32(0, c.capEffLo, true); dv.setUint32(4, c.capPrmLo, true); dv.setUint32(8, c.capInhLo, true);
  dv.setUint32(12, c.capEffHi, true); dv.setUint32(16, c.capPrmHi, true); dv.setUint32(20, c.capInhHi, true);
  return t.mm.copyOut(data, s, 0, n * CAP_DATA_SIZE) < 0 ? -EFAULT : 0;
};

/** implements Linux capset(2): only the calling thread, within Linux's subset rules. */
export const sysCapset: Handler = (t) => {
  const hdr = t.regs.arg(0), data = t.regs.arg(1);
  const n = capVersion(t, hdr);
  if (n < 0) return n;
  const pidRaw = t.mm.readU32(hdr + 4);
  if (pidRaw < 0) return -EFAULT;
  const pid = pidRaw | 0;
  if (pid !== 0 && pid !== t.tid) return -EPERM;
  const s = t.kernel.scratch, dv = t.kernel.sdv;
  s.fill(0, 0, 2 * CAP_DATA_SIZE);
  if (t.mm.copyIn(data, s, 0, n * CAP_DATA_SIZE) < 0) return -EFAULT;
  const effLo = dv.getUint32(0, true), prmLo = dv.getUint32(4, true), inhLo = dv.getUint32(8, true);
  const effHi = (dv.getUint32(12, true) & CAP_FULL_HI) >>> 0, prmHi = (dv.getUint32(16, true) & CAP_FULL_HI) >>> 0;
  const inhHi = (dv.getUint32(20, true) & CAP_FULL_HI) >>> 0;
  const c = t.creds;
  const sub = (aLo: number, aHi: number, bLo: number, bHi: number) => ((aLo & ~bLo) | (aHi & ~bHi)) === 0;
  // Without CAP_SETPCAP the inheritable set may only take what is inheritable or permitted.
  if (!capable(c, CAP_SETPCAP) && !sub(inhLo, inhHi, c.capInhLo | c.capPrmLo, c.capInhHi | c.capPrmHi)) return -EPERM;
  if (!sub(inhLo, inhHi, c.capInhLo | c.capBndLo, c.capInhHi | c.capBndHi)) return -EPERM;
  if (!sub(prmLo, prmHi, c.capPrmLo, c.capPrmHi)) return -EPERM;
  if (!sub(effLo, effHi, prmLo, prmHi)) return -EPERM;
  c.capEffLo = effLo; c.capEffHi = effHi; c.capPrmLo = prmLo; c.capPrmHi = prmHi;
  c.capInhLo = inhLo; c.capInhHi = inhHi;
  // Ambient capabilities must stay permitted and inheritable.
  c.capAmbLo = (c.capAmbLo & prmLo & inhLo) >>> 0; c.capAmbHi = (c.capAmbHi & prmHi & inhHi) >>> 0;
  return 0;
};

/** execve's credential rules for a file without set-id bits or file capabilities: the saved
 *  and file-system ids become the effective ones; root (real or effective uid 0) gets the
 *  bounding and inheritable sets, everyone else keeps only ambient ones; with no_new_privs a
 *  program gains no capability its caller was not permitted (cap_bprm_creds_from_file). */
export function capsOnExec(c: Credentials, noNewPrivs = false): void {
  // The saved and file-system ids follow the effective ones across execve.
  c.suid = c.fsuid = c.euid;
  c.sgid = c.fsgid = c.egid;
  c.securebits &= ~SECBIT_KEEP_CAPS;
  // Root gains capabilities at execve unless SECBIT_NOROOT says it is an ordinary user.
  if (!(c.securebits & SECBIT_NOROOT) && (c.uid === 0 || c.euid === 0)) {
    let lo = (c.capBndLo | c.capInhLo) >>> 0, hi = (c.capBndHi | c.capInhHi) >>> 0;
    if (noNewPrivs && ((lo & ~c.capPrmLo) | (hi & ~c.capPrmHi)) !== 0) { lo = (lo & c.capPrmLo) >>> 0; hi = (hi & c.capPrmHi) >>> 0; }
    c.capPrmLo = (lo | c.capAmbLo) >>> 0; c.capPrmHi = (hi | c.capAmbHi) >>> 0;
    if (c.euid === 0) { c.capEffLo = c.capPrmLo; c.capEffHi = c.capPrmHi; } else { c.capEffLo = c.capAmbLo; c.capEffHi = c.capAmbHi; }
  } else {
    c.capPrmLo = c.capAmbLo; c.capPrmHi = c.capAmbHi;
    c.capEffLo = c.capAmbLo; c.capEffHi = c.capAmbHi;
  }
}

export const identitySyscalls: Record<string, Handler> = {
  setuid: sysSetuid, setgid: sysSetgid, setreuid: sysSetreuid, setregid: sysSetregid, setresuid: sysSetresuid,
  setresgid: sysSetresgid, setfsuid: sysSetfsuid, setfsgid: sysSetfsgid, setgroups: sysSetgroups,
  capget: sysCapget, capset: sysCapset,
};
