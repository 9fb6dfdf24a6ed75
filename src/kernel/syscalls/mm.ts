// Memory syscalls: brk, mmap, munmap, mprotect, madvise.
import { EACCES, EBADF, EINVAL, ENODEV, ENOMEM, EOPNOTSUPP, EOVERFLOW } from '../errno';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../platform/platform';
import { FAULT_OK, TASK_SIZE } from '../mm/mm';
import { PAGE_SIZE } from '../mm/memory_file';
import {
  MAP_ANONYMOUS, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_HUGETLB,
  MAP_LOCKED, MAP_NONBLOCK, MAP_NORESERVE, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE,
  MAP_STACK, MAP_SYNC, MAP_TYPE, MAP_UNINITIALIZED,
} from '../mm/vma';
import type { Task } from '../task';
import { AnonShmem } from '../mm/shmem';
import type { Handler } from './types';

const PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
const PROT_ALL = PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP;
const MAP_KNOWN = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE |
  MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC |
  MAP_FIXED_NOREPLACE | MAP_UNINITIALIZED | (0x3f << 26) /* MAP_HUGE_SHIFT size bits */;

function pageUp(a: number): number { return Math.ceil(a / PAGE_SIZE) * PAGE_SIZE; }

/** Linux's default overcommit heuristic: one private writable request larger than all
 *  memory fails. The sandbox's memory is its cap. */
function overcommitOk(t: Task, len: number): boolean {
  return len <= t.mm.mem.size;
}

/** implements Linux brk(2); returns the (possibly unchanged) break, never -errno. */
export const sysBrk: Handler = (t: Task) => {
  const mm = t.mm;
  const want = t.regs.arg(0);
  if (want < mm.brkStart || want >= TASK_SIZE) return mm.brk;
  const oldEnd = pageUp(mm.brk), newEnd = pageUp(want);
  if (newEnd > oldEnd) {
    if (mm.overlaps(oldEnd, newEnd) || !overcommitOk(t, newEnd - oldEnd)) return mm.brk;
    const a = mm.map(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, true, null, 0, '[heap]');
    if (a < 0) return mm.brk;
  } else if (newEnd < oldEnd) {
    mm.unmap(newEnd, oldEnd - newEnd);
  }
  mm.brk = want;
  return mm.brk;
};

/** implements Linux mmap(2) */
export const sysMmap: Handler = (t: Task) => {
  const r = t.regs;
  const addr = r.arg(0), len = r.arg(1), prot = r.argInt(2), flags = r.argInt(3), fd = r.argInt(4), off = r.arg(5);
  if (len === 0 || off % PAGE_SIZE !== 0) return -EINVAL;
  if (prot & ~PROT_ALL) return -EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  if (type === MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN)) return -EOPNOTSUPP;
  if (len > TASK_SIZE) return -ENOMEM;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  if (fixed && addr % PAGE_SIZE !== 0) return -EINVAL;
  const p = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
  if ((p & PROT_WRITE) && type === MAP_PRIVATE && !(flags & MAP_NORESERVE) && !overcommitOk(t, len)) return -ENOMEM;
  let res: number;
  if (flags & MAP_ANONYMOUS) {
    if (type === MAP_PRIVATE) {
      res = t.mm.map(addr, len, p, flags & ~MAP_FIXED, fixed, null, 0, '');
    } else {
      // Shared anonymous memory has an object behind it (shmem.ts), as Linux's /dev/zero
      // mappings: every process that inherits the area maps the same pages.
      const fl = (flags & ~(MAP_FIXED | MAP_TYPE)) | MAP_SHARED;
      res = t.mm.map(addr, len, p, fl, fixed, new AnonShmem(t.mm.mem), 0, '/dev/zero (deleted)');
    }
  } else {
    const f = t.files.get(fd);
    if (!f) return -EBADF;
    const m = f.mappable();
    if (m === null) return -ENODEV;
    if (!f.readable) return -EACCES;
    if ((type === MAP_SHARED || type === MAP_SHARED_VALIDATE) && (p & PROT_WRITE)) {
      // Writable shared file mappings need shared frames: tmpfs files (and memfds, /dev/shm) have
      // them; host files would need a shared page cache written back (not done).
      if (!f.writable) return -EACCES;
      if (m.sharedFrame === undefined) return -ENODEV;
    }
    if (off + len > 2 ** 63) return -EOVERFLOW;
    // A shared mapping of a file opened without write access may never become writable.
    const mayWrite = type === MAP_PRIVATE || f.writable;
    res = t.mm.map(addr, len, p, flags & ~MAP_FIXED, fixed, m, off, f.path(), mayWrite);
  }
  if (res >= 0 && (flags & MAP_POPULATE)) populate(t, res, pageUp(len), p);
  return res;
};

function populate(t: Task, start: number, len: number, prot: number): void {
  if (prot === 0) return;
  for (let a = start; a < start + len; a += PAGE_SIZE) {
    if (t.mm.fault(a, (prot & PROT_WRITE) !== 0, false) !== FAULT_OK) return;
  }
}

/** implements Linux munmap(2) */
export const sysMunmap: Handler = (t: Task) => {
  const addr = t.regs.arg(0), len = t.regs.arg(1);
  if (addr % PAGE_SIZE !== 0 || len === 0 || addr + len > TASK_SIZE) return -EINVAL;
  t.mm.unmap(addr, pageUp(len));
  return 0;
};

/** implements Linux mprotect(2) */
export const sysMprotect: Handler = (t: Task) => {
  const addr = t.regs.arg(0), len = t.regs.arg(1), prot = t.regs.argInt(2);
  if (addr % PAGE_SIZE !== 0 || (prot & ~PROT_ALL)) return -EINVAL;
  if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)) return -EINVAL;
  if (len === 0) return 0;
  const l = pageUp(len);
  if (addr + l > TASK_SIZE || l < len) return -ENOMEM;
  return t.mm.protect(addr, l, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
};

const MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9;
/** Advice values Linux accepts (include/uapi/asm-generic/mman-common.h). */
const MADV_KNOWN = new Set([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 25, 100, 101]);

/** implements Linux madvise(2) */
export const sysMadvise: Handler = (t: Task) => {
  const addr = t.regs.arg(0), len = t.regs.arg(1), advice = t.regs.argInt(2);
  if (addr % PAGE_SIZE !== 0 || !MADV_KNOWN.has(advice)) return -EINVAL;
  if (len === 0) return 0;
  const end = pageUp(addr + len);
  if (end > TASK_SIZE || end < addr) return -EINVAL;
  // Every page of the range must be mapped.
  let unmapped = false;
  for (let a = addr; a < end;) {
    const v = t.mm.find(a);
    if (v === null) { unmapped = true; break; }
    a = v.end;
  }
  if (advice === MADV_DONTNEED || advice === MADV_FREE || advice === MADV_REMOVE) {
    for (let a = addr; a < end;) {
      const v = t.mm.find(a);
      if (v === null) { a += PAGE_SIZE; continue; }
      const e = Math.min(end, v.end);
      // Private pages go back to zero (anonymous) or to the file's contents on the next touch.
      if (v.private) { t.mm.dropPages(a, e); t.mm.as.unmap(a, e - a); }
      a = e;
    }
  }
  return unmapped ? -ENOMEM : 0;
};

const PKEY_DISABLE_ACCESS = 1, PKEY_DISABLE_WRITE = 2;

/** implements Linux pkey_alloc(2) on a CPU without protection keys (the guest has none): EINVAL
 *  after the argument checks, as Linux gives there. */
export const sysPkeyAlloc: Handler = (t) => {
  if (t.regs.arg(0) !== 0 || (t.regs.arg(1) & ~(PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE))) return -EINVAL;
  return -EINVAL;
};

/** implements Linux pkey_free(2): no key is ever allocated. */
export const sysPkeyFree: Handler = () => -EINVAL;

/** implements Linux pkey_mprotect(2): pkey -1 is mprotect; no other key exists. */
export const sysPkeyMprotect: Handler = (t) => (t.regs.argInt(3) === -1 ? sysMprotect(t) : -EINVAL);

export const mmSyscalls: Record<string, Handler> = {
  brk: sysBrk, mmap: sysMmap, munmap: sysMunmap, mprotect: sysMprotect, madvise: sysMadvise,
  pkey_alloc: sysPkeyAlloc, pkey_free: sysPkeyFree, pkey_mprotect: sysPkeyMprotect,
};
