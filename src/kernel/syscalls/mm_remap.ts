// Memory calls beside mmap: mremap, msync, mincore, the mlock family, and
// membarrier. Argument checks and errnos follow mm/mremap.c, mm/msync.c,
// mm/mincore.c, mm/mlock.c and kernel/sched/membarrier.c.
import { EAGAIN, EFAULT, EINVAL, ENOMEM, EPERM } from '../errno';
import { PAGE_SIZE } from '../mm/memory_file';
import { FAULT_OK, TASK_SIZE, type MM } from '../mm/mm';
import { PROT_WRITE } from '../../platform/platform';
import type { Task } from '../task';
import type { Handler } from './types';

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;

function pageUp(a: number): number { return Math.ceil(a / PAGE_SIZE) * PAGE_SIZE; }

/** Is every page of [start, end) inside some area? */
function allMapped(mm: MM, start: number, end: number): boolean {
  for (let a = start; a < end;) {
    const v = mm.find(a);
    if (v === null) return false;
    a = v.end;
  }
  return true;
}

/** implements Linux mremap(2): shrink, grow in place, or move the pages (never copied). */
export const sysMremap: Handler = (t: Task) => {
  const r = t.regs;
  const addr = r.arg(0), flags = r.arg(3), fixedAddr = r.arg(4);
  let oldLen = r.arg(1), newLen = r.arg(2);
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || oldLen !== newLen)) return -EINVAL;
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  oldLen = pageUp(oldLen);
  newLen = pageUp(newLen);
  if (newLen === 0 || newLen > TASK_SIZE) return -EINVAL;
  const mm = t.mm;
  // A zero old length duplicates a shared mapping on Linux (private ones give EINVAL); tsvisor
  // does not duplicate mappings (table note).
  if (oldLen === 0) return mm.find(addr) === null ? -EFAULT : -EINVAL;
  let target = -1;
  if (flags & MREMAP_FIXED) {
    if (fixedAddr % PAGE_SIZE !== 0) return -EINVAL;
    if (fixedAddr > TASK_SIZE - newLen) return -EINVAL;
    // The old and new ranges may not overlap.
    if (fixedAddr < addr + oldLen && addr < fixedAddr + newLen) return -EINVAL;
    target = fixedAddr;
  } else if (flags & MREMAP_DONTUNMAP) {
    const v = mm.find(addr);
    if (v === null || addr + oldLen > v.end) return -EFAULT;
    target = mm.findFree(newLen, 0);
    if (target < 0) return target;
  }
  return mm.remap(addr, oldLen, newLen, (flags & MREMAP_MAYMOVE) !== 0, target, (flags & MREMAP_DONTUNMAP) !== 0);
};

const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

/** implements Linux msync(2): file mappings share tsvisor's pages with the file, so there is
 *  nothing to write back; the checks and errnos are Linux's. */
export const sysMsync: Handler = (t) => {
  const addr = t.regs.arg(0), flags = t.regs.argInt(2);
  const len = pageUp(t.regs.arg(1));
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
  if (addr + len > TASK_SIZE) return -ENOMEM;
  if (len === 0) return 0;
  return allMapped(t.mm, addr, addr + len) ? 0 : -ENOMEM;
};

/** implements Linux mincore(2): one byte per page, 1 where the page is present. */
export const sysMincore: Handler = (t) => {
  const addr = t.regs.arg(0), len = t.regs.arg(1), vec = t.regs.arg(2);
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  const end = addr + pageUp(len);
  if (end > TASK_SIZE || end < addr) return -ENOMEM;
  if (len === 0) return 0;
  const mm = t.mm, k = t.kernel, s = k.scratch;
  let out = vec;
  for (let a = addr; a < end;) {
    // Linux checks the areas as it goes: an unmapped page ends the call with ENOMEM.
    const v = mm.find(a);
    if (v === null) return -ENOMEM;
    const stop = Math.min(end, v.end, a + s.length * PAGE_SIZE);
    let n = 0;
    for (; a < stop; a += PAGE_SIZE) s[n++] = mm.present(a) ? 1 : 0;
    if (mm.copyOut(out, s, 0, n) < 0) return -EFAULT;
    out += n;
  }
  return 0;
};

const MLOCK_ONFAULT = 1, MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;

/** Faults in every page of [start, end) that its area allows (what locking does first). */
function populateRange(t: Task, start: number, end: number): number {
  for (let a = start; a < end; a += PAGE_SIZE) {
    const v = t.mm.find(a);
    if (v === null) return -ENOMEM;
    if (v.prot === 0) continue;
    if (t.mm.fault(a, (v.prot & PROT_WRITE) !== 0 && v.private, false) !== FAULT_OK) return -EAGAIN;
  }
  return 0;
}

/** The mlock/mlock2 worker: the range must be mapped; its pages are faulted in unless onFault.
 *  tsvisor never pages guest memory out, so locked pages need no further care. */
function lockRange(t: Task, onFault: boolean): number {
  const start = t.regs.arg(0) - (t.regs.arg(0) % PAGE_SIZE);
  const end = pageUp(t.regs.arg(0) + t.regs.arg(1));
  if (end < start || end > TASK_SIZE) return -ENOMEM;
  if (end === start) return 0;
  if (!allMapped(t.mm, start, end)) return -ENOMEM;
  return onFault ? 0 : populateRange(t, start, end);
}

/** implements Linux mlock(2) */
export const sysMlock: Handler = (t) => lockRange(t, false);

/** implements Linux mlock2(2) */
export const sysMlock2: Handler = (t) => {
  const flags = t.regs.argInt(2);
  if (flags & ~MLOCK_ONFAULT) return -EINVAL;
  return lockRange(t, (flags & MLOCK_ONFAULT) !== 0);
};

/** implements Linux munlock(2) */
export const sysMunlock: Handler = (t) => {
  const start = t.regs.arg(0) - (t.regs.arg(0) % PAGE_SIZE);
  const end = pageUp(t.regs.arg(0) + t.regs.arg(1));
  if (end < start || end > TASK_SIZE) return -ENOMEM;
  return end === start || allMapped(t.mm, start, end) ? 0 : -ENOMEM;
};

/** implements Linux mlockall(2) */
export const sysMlockall: Handler = (t) => {
  const flags = t.regs.argInt(0);
  if (flags === 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags === MCL_ONFAULT) return -EINVAL;
  if (!(flags & MCL_CURRENT) || (flags & MCL_ONFAULT)) return 0;
  for (const v of [...t.mm.vmas]) {
    if (v.prot === 0) continue;
    const r = populateRange(t, v.start, v.end);
    if (r === -EAGAIN) return -ENOMEM;
  }
  return 0;
};

/** implements Linux munlockall(2) */
export const sysMunlockall: Handler = () => 0;

const MEMBARRIER_CMD_QUERY = 0, MEMBARRIER_CMD_GLOBAL = 1, MEMBARRIER_CMD_GLOBAL_EXPEDITED = 2,
  MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 4, MEMBARRIER_CMD_PRIVATE_EXPEDITED = 8,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 16, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 32,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 64, MEMBARRIER_CMD_GET_REGISTRATIONS = 512;
/** Every command of a kernel without CONFIG_RSEQ (rseq gives ENOSYS here, so no RSEQ commands). */
const MEMBARRIER_SUPPORTED = MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |
  MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED |
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE |
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE | MEMBARRIER_CMD_GET_REGISTRATIONS;

/** Registrations per address space (membarrier's per-mm state). */
const registrations = new WeakMap<MM, number>();

/** implements Linux membarrier(2). The barrier itself is already there: the kernel runs one task
 *  at a time and enters the kernel on every switch, so when this call runs no other thread of
 *  the sandbox is executing, and each resumes through a serialising exit. */
export const sysMembarrier: Handler = (t) => {
  const cmd = t.regs.argInt(0), flags = t.regs.argInt(1);
  if (flags !== 0) return -EINVAL;
  const reg = registrations.get(t.mm) ?? 0;
  switch (cmd) {
    case MEMBARRIER_CMD_QUERY: return MEMBARRIER_SUPPORTED;
    case MEMBARRIER_CMD_GLOBAL: case MEMBARRIER_CMD_GLOBAL_EXPEDITED: return 0;
    case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
      registrations.set(t.mm, reg | cmd);
      return 0;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
      return reg & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED ? 0 : -EPERM;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
      return reg & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE ? 0 : -EPERM;
    case MEMBARRIER_CMD_GET_REGISTRATIONS: return reg;
    default: return -EINVAL;
  }
};

export const mmRemapSyscalls: Record<string, Handler> = {
  mremap: sysMremap, msync: sysMsync, mincore: sysMincore, mlock: sysMlock, mlock2: sysMlock2,
  munlock: sysMunlock, mlockall: sysMlockall, munlockall: sysMunlockall, membarrier: sysMembarrier,
};
