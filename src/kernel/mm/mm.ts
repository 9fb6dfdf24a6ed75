// An address space as the kernel sees it: the areas (Vma), the frames present
// (the authoritative page map; the platform's mappings are a cache of it), brk,
// and every kernel access to guest memory (translate, copyIn, copyOut).
import { EACCES, EFAULT, EINVAL, ENOMEM, EEXIST } from '../errno';
import { byteIndex, WINDOW_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, type AddressSpace } from '../../platform/platform';
import { HUGE_SIZE, PAGE_SIZE, type MemoryFile } from './memory_file';
import { MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_PRIVATE, Vma, type Mappable } from './vma';
import { PageCache } from './page_cache';

const PAGES_PER_BLOCK = 512;
/** Top of user space: the platform's userTop, set by the Kernel (a trap platform keeps its
 *  stub's own pages above it, out of the guest's reach); Linux's TASK_SIZE until then. */
export let TASK_SIZE = 0x7ffffffff000;
export function setTaskSize(top: number): void { TASK_SIZE = top; }
/** Lowest address mmap hands out without a hint (vm.mmap_min_addr is 64 KiB). */
export const MMAP_MIN_ADDR = 0x10000;
/** Linux's stack_guard_gap: a growing stack keeps this far from the accessible area below it. */
const STACK_GUARD_GAP = 256 * 4096;

/** Why a fault could not be resolved. */
export const FAULT_OK = 0, FAULT_SEGV_MAPERR = 1, FAULT_SEGV_ACCERR = 2, FAULT_OOM = 3, FAULT_SIGBUS = 4;

let nextMmId = 1;

export class MM {
  /** Identifies this address space (private futex keys). */
  readonly id = nextMmId++;
  readonly vmas: Vma[] = [];
  /** Per 2 MiB block: frame address + 1 of each page (0 = not present). */
  private readonly blocks = new Map<number, Float64Array>();
  brkStart = 0;
  brk = 0;
  /** Top of the area mmap searches downward from. */
  mmapBase = 0;
  stackTop = 0;
  /** Set by exec: argv/envp bounds and the executable, for /proc/self. */
  argStart = 0; argEnd = 0; envStart = 0; envEnd = 0;
  exePath = '';
  /** Set by exec for /proc/<pid>/stat and statm: the program's text and data bounds (Linux's
   *  start_code..end_data) and the initial stack pointer (start_stack). */
  startCode = 0; endCode = 0; startData = 0; endData = 0; startStack = 0;
  /** The auxiliary vector exec put on the stack, as (type, value) pairs ending with AT_NULL
   *  (/proc/<pid>/auxv). */
  auxv: readonly (readonly [number, number])[] = [];
  private lastVma: Vma | null = null;
  /** Segments of the last translate(): window, byte offset, length. No allocation once warm. */
  segBuf: Uint8Array[] = [];
  segOff: number[] = [];
  segLen: number[] = [];
  segCount = 0;
  /** Result of the last fault for signal delivery. */
  lastFault = FAULT_OK;

  /** Tasks sharing this address space (CLONE_VM); the last one frees it. */
  users = 1;

  constructor(readonly mem: MemoryFile, public as: AddressSpace) {}

  /** A copy-on-write copy for fork: the same areas and frames, every private page shared
   *  read-only until written. Both sides get fresh page tables (the old ones are dropped,
   *  so no live entry needs downgrading; pages fault back in per 2 MiB block). */
  fork(childAs: AddressSpace, freshParentAs: AddressSpace): MM {
    const c = new MM(this.mem, childAs);
    for (const v of this.vmas) c.vmas.push(v.slice(v.start, v.end));
    for (const [key, b] of this.blocks) {
      const nb = new Float64Array(PAGES_PER_BLOCK);
      for (let i = 0; i < PAGES_PER_BLOCK; i++) {
        const f = b[i]!;
        if (f === 0) continue;
        this.mem.incRef(f - 1);
        nb[i] = f;
      }
      c.blocks.set(key, nb);
    }
    c.brkStart = this.brkStart; c.brk = this.brk; c.mmapBase = this.mmapBase; c.stackTop = this.stackTop;
    c.argStart = this.argStart; c.argEnd = this.argEnd; c.envStart = this.envStart; c.envEnd = this.envEnd;
    c.exePath = this.exePath;
    c.startCode = this.startCode; c.endCode = this.endCode; c.startData = this.startData; c.endData = this.endData;
    c.startStack = this.startStack; c.auxv = this.auxv;
    this.as.destroy();
    this.as = freshParentAs;
    return c;
  }

  // ---- areas

  find(addr: number): Vma | null {
    const l = this.lastVma;
    if (l !== null && addr >= l.start && addr < l.end) return l;
    const v = this.vmas;
    let lo = 0, hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = v[mid]!;
      if (addr < m.start) hi = mid - 1;
      else if (addr >= m.end) lo = mid + 1;
      else { this.lastVma = m; return m; }
    }
    return null;
  }

  /** Index of the first area ending above addr. */
  private firstAbove(addr: number): number {
    const v = this.vmas;
    let lo = 0, hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid]!.end <= addr) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  overlaps(start: number, end: number): boolean {
    const i = this.firstAbove(start);
    const v = this.vmas[i];
    return v !== undefined && v.start < end;
  }

  /** Inserts an area over a range known to be free, merging with equal neighbours. */
  insert(vma: Vma): void {
    const i = this.firstAbove(vma.start);
    this.vmas.splice(i, 0, vma);
    this.mergeAround(i);
    this.lastVma = null;
  }

  private mergeAround(i: number): void {
    const v = this.vmas;
    if (i + 1 < v.length && v[i]!.continuedBy(v[i + 1]!)) { v[i]!.end = v[i + 1]!.end; v.splice(i + 1, 1); }
    if (i > 0 && v[i - 1]!.continuedBy(v[i]!)) { v[i - 1]!.end = v[i]!.end; v.splice(i, 1); }
  }

  /** Splits areas so that start and end are area boundaries. */
  private splitAt(addr: number): void {
    const vma = this.find(addr);
    if (vma === null || vma.start === addr) return;
    const i = this.vmas.indexOf(vma);
    const tail = vma.slice(addr, vma.end);
    vma.end = addr;
    this.vmas.splice(i + 1, 0, tail);
    this.lastVma = null;
  }

  /** A free range of len bytes: the hint when it fits, else the highest gap below mmapBase. */
  findFree(len: number, hint: number): number {
    if (hint !== 0) {
      const h = Math.ceil(hint / PAGE_SIZE) * PAGE_SIZE;
      if (h >= MMAP_MIN_ADDR && h + len <= TASK_SIZE && !this.overlaps(h, h + len)) return h;
    }
    let top = this.mmapBase;
    for (let i = this.firstAbove(top) - 1; i >= -1; i--) {
      const below = i >= 0 ? this.vmas[i]!.end : MMAP_MIN_ADDR;
      if (i >= 0 && this.vmas[i]!.start >= top) continue;
      if (top - below >= len && top - len >= MMAP_MIN_ADDR) return top - len;
      if (i >= 0) top = Math.min(top, this.vmas[i]!.start);
    }
    return -ENOMEM;
  }

  /** Creates a mapping (mmap's worker). Returns the address or -errno. */
  map(addr: number, len: number, prot: number, flags: number, fixed: boolean, file: Mappable | null,
      fileOffset: number, name: string, mayWrite = true): number {
    if (len <= 0 || len > TASK_SIZE) return -ENOMEM;
    len = Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
    let start: number;
    if (fixed) {
      if (addr % PAGE_SIZE !== 0) return -EINVAL;
      if (addr + len > TASK_SIZE || addr < MMAP_MIN_ADDR) return -ENOMEM;
      if (flags & MAP_FIXED_NOREPLACE) { if (this.overlaps(addr, addr + len)) return -EEXIST; }
      else this.unmap(addr, len);
      start = addr;
    } else {
      start = this.findFree(len, addr);
      if (start < 0) return start;
    }
    this.insert(new Vma(start, start + len, prot, flags & ~MAP_FIXED_NOREPLACE, file, fileOffset, name, mayWrite));
    return start;
  }

  /** munmap's worker: removes areas and frees their pages. */
  unmap(addr: number, len: number): void {
    const end = addr + len;
    if (!this.overlaps(addr, end)) return;
    this.splitAt(addr);
    this.splitAt(end);
    const i = this.firstAbove(addr);
    let j = i;
    while (j < this.vmas.length && this.vmas[j]!.start < end) j++;
    this.vmas.splice(i, j - i);
    this.lastVma = null;
    this.dropPages(addr, end);
    this.as.unmap(addr, len);
  }

  /** mprotect's worker; -ENOMEM when part of the range is not mapped, -EACCES when write is asked
   *  of an area that may not be written (VM_MAYWRITE). */
  protect(addr: number, len: number, prot: number): number {
    const end = addr + len;
    for (let a = addr; a < end;) {
      const v = this.find(a);
      if (v === null) return -ENOMEM;
      if ((prot & PROT_WRITE) && !v.mayWrite) return -EACCES;
      a = v.end;
    }
    this.splitAt(addr);
    this.splitAt(end);
    for (let i = this.firstAbove(addr); i < this.vmas.length && this.vmas[i]!.start < end; i++) this.vmas[i]!.prot = prot;
    for (let i = this.vmas.length - 1; i >= 0; i--) if (i < this.vmas.length) this.mergeAround(i);
    this.lastVma = null;
    // Pages that must stay read-only (shared after fork) are fixed up on the next write fault.
    // A shared private page (after fork) must stay read-only: the write fault breaks COW.
    this.as.protect(addr, len, (prot & PROT_WRITE) && this.anyShared(addr, addr + len) ? prot & ~PROT_WRITE : prot);
    return 0;
  }

  private anyShared(start: number, end: number): boolean {
    for (let a = start; a < end;) {
      const key = Math.floor(a / HUGE_SIZE);
      const blockEnd = Math.min(end, (key + 1) * HUGE_SIZE);
      const b = this.blocks.get(key);
      if (b !== undefined) {
        for (; a < blockEnd; a += PAGE_SIZE) {
          const f = b[Math.floor(a / PAGE_SIZE) % PAGES_PER_BLOCK]!;
          if (f !== 0 && this.mem.refs[(f - 1) / PAGE_SIZE]! > 1) return true;
        }
      }
      a = blockEnd;
    }
    return false;
  }

  /** Frees present pages in [start, end) (munmap, MADV_DONTNEED); the platform unmaps separately. */
  dropPages(start: number, end: number): void {
    for (let a = start; a < end;) {
      const key = Math.floor(a / HUGE_SIZE);
      const blockEnd = Math.min(end, (key + 1) * HUGE_SIZE);
      const b = this.blocks.get(key);
      if (b === undefined) { a = blockEnd; continue; }
      for (; a < blockEnd; a += PAGE_SIZE) {
        const i = Math.floor(a / PAGE_SIZE) % PAGES_PER_BLOCK;
        const f = b[i]!;
        if (f !== 0) { this.mem.decRef(f - 1); b[i] = 0; }
      }
    }
  }

  // ---- faults

  /** Resolves a fault at addr; returns FAULT_OK or why not (SIGSEGV / OOM). mapped: the
   *  platform had a mapping there (a protection fault: the page-fault error's P bit).
   *  stackLimit: RLIMIT_STACK for a user fault, which may grow a MAP_GROWSDOWN area down to
   *  addr; 0 for the kernel's own accesses, which never grow one (as Linux since 6.5). */
  fault(addr: number, write: boolean, exec: boolean, mapped = false, stackLimit = 0): number {
    const vma = this.find(addr) ?? (stackLimit > 0 ? this.expandStack(addr, stackLimit) : null);
    if (vma === null) return FAULT_SEGV_MAPERR;
    if (write ? !(vma.prot & PROT_WRITE) : exec ? !(vma.prot & PROT_EXEC) : !(vma.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
      return FAULT_SEGV_ACCERR;
    }
    const key = Math.floor(addr / HUGE_SIZE);
    let b = this.blocks.get(key);
    const page = Math.floor(addr / PAGE_SIZE) % PAGES_PER_BLOCK;
    if (b !== undefined && b[page] !== 0) {
      // Present in our map: copy-on-write, or the platform's tables were dropped (fork,
      // protect): map every present page of the block again in one go.
      const pa = b[page]! - 1;
      if (write && vma.private && this.mem.refs[pa / PAGE_SIZE]! > 1) {
        const r = this.breakCow(b, page);
        if (r !== FAULT_OK) return r;
      }
      if (mapped) {
        // A protection fault on a mapped page (copy-on-write, or a page no longer shared):
        // fix that one entry; rewriting the block would cost a stub store per entry.
        const va = addr - (addr % PAGE_SIZE), f = b[page]! - 1;
        this.as.map(va, f, PAGE_SIZE, vma.private && this.mem.refs[f / PAGE_SIZE]! > 1 ? vma.prot & ~PROT_WRITE : vma.prot, false);
      } else {
        // Not mapped (new tables after fork or exec): the whole block at once, while its table is new.
        this.remapBlock(key, b);
      }
      return FAULT_OK;
    }
    if (b === undefined) { b = new Float64Array(PAGES_PER_BLOCK); this.blocks.set(key, b); }
    const r = this.populate(vma, key, b);
    // A file page that stayed absent lies past the end of the file: SIGBUS (BUS_ADRERR), as Linux.
    return r === FAULT_OK && b[page] === 0 ? FAULT_SIGBUS : r;
  }

  /** expand_downwards: the MAP_GROWSDOWN area just above addr grows down to addr's page when
   *  the area stays within limit (RLIMIT_STACK) and a stack guard gap away from an accessible
   *  area below it; the grown area, or null. */
  private expandStack(addr: number, limit: number): Vma | null {
    const i = this.firstAbove(addr);
    const v = this.vmas[i];
    if (v === undefined || !(v.flags & MAP_GROWSDOWN) || addr < MMAP_MIN_ADDR) return null;
    const start = addr - (addr % PAGE_SIZE);
    if (v.end - start > limit) return null;
    const prev = i > 0 ? this.vmas[i - 1]! : null;
    if (prev !== null && !(prev.flags & MAP_GROWSDOWN) && prev.prot !== 0 && start - prev.end < STACK_GUARD_GAP) return null;
    if (prev !== null && prev.end > start) return null;
    if (v.file !== null) v.fileOffset -= v.start - start;
    v.start = start;
    this.lastVma = null;
    return v;
  }

  /** Fills the missing pages of block `key` that vma covers (fault-around: one exit per 2 MiB). */
  private populate(vma: Vma, key: number, b: Float64Array): number {
    const blockStart = key * HUGE_SIZE;
    const start = Math.max(vma.start, blockStart), end = Math.min(vma.end, blockStart + HUGE_SIZE);
    if (vma.file === null && start === blockStart && end === blockStart + HUGE_SIZE && this.blockEmpty(b)) {
      const pa = this.mem.alloc2M();
      if (pa >= 0) {
        for (let i = 0; i < PAGES_PER_BLOCK; i++) b[i] = pa + i * PAGE_SIZE + 1;
        this.as.map(blockStart, pa, HUGE_SIZE, vma.prot, true);
        return FAULT_OK;
      }
    }
    // Fill the faulting area's missing pages, then those of the other accessible areas in the
    // block too, and map them all at once: while the block's page table is new its entries are
    // plain stores; once the guest has walked it every entry costs a stub store.
    const r = this.fill(vma, start, end, b);
    if (r !== FAULT_OK) return r;
    for (let i = this.firstAbove(blockStart); i < this.vmas.length && this.vmas[i]!.start < blockStart + HUGE_SIZE; i++) {
      const v = this.vmas[i]!;
      if (v === vma || v.prot === 0) continue;
      if (this.fill(v, Math.max(v.start, blockStart), Math.min(v.end, blockStart + HUGE_SIZE), b) !== FAULT_OK) break;
    }
    this.remapBlock(key, b);
    return FAULT_OK;
  }

  /** Gives frames to the missing pages of [start, end) in vma (reading file pages). */
  private fill(vma: Vma, start: number, end: number, b: Float64Array): number {
    for (let va = start; va < end; va += PAGE_SIZE) {
      const i = Math.floor(va / PAGE_SIZE) % PAGES_PER_BLOCK;
      if (b[i] !== 0) continue;
      const shared = vma.file?.sharedFrame ? vma.file.sharedFrame(vma.fileOffset + (va - vma.start)) : -1;
      if (shared >= 0) {
        // A frame every process maps (the vDSO's): mapped as it is; a write breaks COW.
        this.mem.incRef(shared);
        b[i] = shared + 1;
        continue;
      }
      const file = vma.file;
      if (file !== null && file.cacheKey !== undefined && !(vma.prot & PROT_WRITE) && (vma.private || !vma.mayWrite)) {
        // A page-cache frame, shared copy-on-write (page_cache.ts); -1: past EOF or no memory.
        // Writable areas (a program's data) get their own copy at once: a shared frame would
        // cost a copy-on-write fault (an exit) on the first write to each page.
        const cached = PageCache.of(this.mem).frame(file, file.cacheKey, vma.fileOffset + (va - vma.start));
        if (cached >= 0) {
          this.mem.incRef(cached);
          b[i] = cached + 1;
          continue;
        }
      }
      const pa = this.mem.alloc4K();
      if (pa < 0) return FAULT_OOM;
      if (vma.file !== null) {
        const r = vma.file.readForMap(this.mem.bytes(pa), byteIndex(pa), PAGE_SIZE, vma.fileOffset + (va - vma.start));
        if (r < 0) { this.mem.decRef(pa); return FAULT_SIGBUS; }
        // Wholly past the end of the file: left absent, so touching it is SIGBUS (below).
        if (r === 0) { this.mem.decRef(pa); continue; }
      }
      b[i] = pa + 1;
    }
    return FAULT_OK;
  }

  /** Maps the present pages of block `key` with their areas' protection (read-only where
   *  a private page is shared), in runs of contiguous frames. */
  private remapBlock(key: number, b: Float64Array): void {
    const blockStart = key * HUGE_SIZE, blockEnd = blockStart + HUGE_SIZE;
    for (let i = this.firstAbove(blockStart); i < this.vmas.length && this.vmas[i]!.start < blockEnd; i++) {
      const v = this.vmas[i]!;
      const start = Math.max(v.start, blockStart), end = Math.min(v.end, blockEnd);
      let runVa = -1, runPa = -1, runLen = 0, runProt = 0;
      const flush = () => { if (runLen > 0) this.as.map(runVa, runPa, runLen, runProt, false); runLen = 0; };
      for (let va = start; va < end; va += PAGE_SIZE) {
        const f = b[Math.floor(va / PAGE_SIZE) % PAGES_PER_BLOCK]!;
        if (f === 0 || v.prot === 0) { flush(); continue; }
        const pa = f - 1;
        const prot = v.private && this.mem.refs[pa / PAGE_SIZE]! > 1 ? v.prot & ~PROT_WRITE : v.prot;
        if (runLen > 0 && runVa + runLen === va && runPa + runLen === pa && runProt === prot) runLen += PAGE_SIZE;
        else { flush(); runVa = va; runPa = pa; runLen = PAGE_SIZE; runProt = prot; }
      }
      flush();
    }
  }

  private blockEmpty(b: Float64Array): boolean {
    for (let i = 0; i < PAGES_PER_BLOCK; i++) if (b[i] !== 0) return false;
    return true;
  }

  /** Gives page `page` of block b a private copy of its shared frame. */
  private breakCow(b: Float64Array, page: number): number {
    const old = b[page]! - 1;
    const pa = this.mem.alloc4K();
    if (pa < 0) return FAULT_OOM;
    const src = this.mem.bytes(old), dst = this.mem.bytes(pa);
    dst.set(src.subarray(byteIndex(old), byteIndex(old) + PAGE_SIZE), byteIndex(pa));
    this.mem.decRef(old);
    b[page] = pa + 1;
    return FAULT_OK;
  }

  // ---- kernel access to guest memory

  /** The frame behind addr for a kernel access, faulting it in; -1 when the access is not allowed. */
  private frameFor(addr: number, write: boolean): number {
    const vma = this.find(addr);
    if (vma === null) return -1;
    if (write ? !(vma.prot & PROT_WRITE) : !(vma.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) return -1;
    const b = this.blocks.get(Math.floor(addr / HUGE_SIZE));
    const page = Math.floor(addr / PAGE_SIZE) % PAGES_PER_BLOCK;
    let f = b === undefined ? 0 : b[page]!;
    if (f === 0 || (write && vma.private && this.mem.refs[(f - 1) / PAGE_SIZE]! > 1)) {
      if (this.fault(addr, write, false) !== FAULT_OK) return -1;
      f = this.blocks.get(Math.floor(addr / HUGE_SIZE))![page]!;
    }
    return f - 1;
  }

  /** The MemoryFile address behind a readable guest address (shared futex keys), or -1. */
  physAddr(addr: number): number {
    const pa = this.frameFor(addr, false);
    return pa < 0 ? -1 : pa + (addr % PAGE_SIZE);
  }

  /** Resolves [addr, addr+len) into MemoryFile segments (segBuf/segOff/segLen); 0 or -EFAULT.
   *  Hot path (every read and write): the area and its 2 MiB block are looked up once per
   *  stretch, not once per page. */
  translate(addr: number, len: number, write: boolean): number {
    this.segCount = 0;
    if (len === 0) return 0;
    if (addr < 0 || len < 0 || addr + len > TASK_SIZE) return -EFAULT;
    const end = addr + len, mem = this.mem, segLen = this.segLen;
    let n = 0, a = addr, inPage = addr % PAGE_SIZE;
    // The MemoryFile address the last segment ends at, and the end of its window: a frame
    // there extends the segment (no window arithmetic per page).
    let nextPa = -1, winEnd = 0;
    while (a < end) {
      const vma = this.find(a);
      if (vma === null || !(vma.prot & (write ? PROT_WRITE : PROT_READ | PROT_WRITE | PROT_EXEC))) { this.segCount = n; return -EFAULT; }
      const cow = write && vma.private;
      const key = Math.floor(a / HUGE_SIZE), blockStart = key * HUGE_SIZE;
      const stop = Math.min(end, vma.end, blockStart + HUGE_SIZE);
      let b = this.blocks.get(key);
      for (let page = Math.floor((a - blockStart) / PAGE_SIZE); a < stop; page++) {
        let f = b === undefined ? 0 : b[page]!;
        if (f === 0 || (cow && mem.refs[(f - 1) / PAGE_SIZE]! > 1)) {
          if (this.fault(a, write, false) !== FAULT_OK) { this.segCount = n; return -EFAULT; }
          b = this.blocks.get(key)!;
          f = b[page]!;
        }
        const pa = f - 1 + inPage;
        const chunk = Math.min(PAGE_SIZE - inPage, stop - a);
        if (pa === nextPa && pa < winEnd) {
          segLen[n - 1] = segLen[n - 1]! + chunk;
        } else {
          const off = byteIndex(pa);
          this.segBuf[n] = mem.bytes(pa); this.segOff[n] = off; segLen[n] = chunk;
          winEnd = pa - off + WINDOW_SIZE;
          n++;
        }
        nextPa = pa + chunk;
        a += chunk;
        inPage = 0;
      }
    }
    this.segCount = n;
    return 0;
  }

  /** Copies guest [addr, addr+len) into dst at dstOff; 0 or -EFAULT. */
  copyIn(addr: number, dst: Uint8Array, dstOff: number, len: number): number {
    const r = this.translate(addr, len, false);
    if (r < 0) return r;
    for (let i = 0; i < this.segCount; i++) {
      const o = this.segOff[i]!;
      dst.set(this.segBuf[i]!.subarray(o, o + this.segLen[i]!), dstOff);
      dstOff += this.segLen[i]!;
    }
    return 0;
  }

  /** Copies src[srcOff, srcOff+len) to guest addr; 0 or -EFAULT. */
  copyOut(addr: number, src: Uint8Array, srcOff: number, len: number): number {
    const r = this.translate(addr, len, true);
    if (r < 0) return r;
    for (let i = 0; i < this.segCount; i++) {
      const l = this.segLen[i]!;
      this.segBuf[i]!.set(src.subarray(srcOff, srcOff + l), this.segOff[i]);
      srcOff += l;
    }
    return 0;
  }

  /** Reads a NUL-terminated string of at most max bytes (without the NUL).
   *  Returns the string, or -EFAULT, or -ENAMETOOLONG-style `tooLong` when no NUL within max. */
  readCString(addr: number, max: number, tooLong: number): string | number {
    const parts: string[] = [];
    let a = addr, total = 0;
    while (total < max) {
      const pa = this.frameFor(a, false);
      if (pa < 0) return -EFAULT;
      const inPage = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - inPage, max - total);
      const buf = this.mem.bytes(pa), off = byteIndex(pa) + inPage;
      const z = buf.subarray(off, off + n).indexOf(0);
      if (z >= 0) {
        parts.push(Buffer.from(buf.buffer, buf.byteOffset + off, z).toString('latin1'));
        return parts.length === 1 ? parts[0]! : parts.join('');
      }
      parts.push(Buffer.from(buf.buffer, buf.byteOffset + off, n).toString('latin1'));
      a += n; total += n;
    }
    return -tooLong;
  }

  /** Like readCString but as raw bytes (argv/envp for exec). */
  readCBytes(addr: number, max: number, tooLong: number): Uint8Array | number {
    const s = this.readCString(addr, max, tooLong);
    return typeof s === 'number' ? s : Buffer.from(s, 'latin1');
  }

  // Small scalar accessors, through translate.
  private readonly tmp = new Uint8Array(8);
  private readonly tmpDv = new DataView(this.tmp.buffer);
  readU64(addr: number): number {
    if (this.copyIn(addr, this.tmp, 0, 8) < 0) return -EFAULT;
    return this.tmpDv.getUint32(0, true) + this.tmpDv.getUint32(4, true) * 4294967296;
  }
  readU32(addr: number): number {
    if (this.copyIn(addr, this.tmp, 0, 4) < 0) return -EFAULT;
    return this.tmpDv.getUint32(0, true);
  }
  writeU32(addr: number, v: number): number {
    this.tmpDv.setUint32(0, v >>> 0, true);
    return this.copyOut(addr, this.tmp, 0, 4);
  }
  writeU64(addr: number, v: number): number {
    const hi = Math.floor(v / 4294967296);
    this.tmpDv.setUint32(0, (v - hi * 4294967296) >>> 0, true);
    this.tmpDv.setUint32(4, hi >>> 0, true);
    return this.copyOut(addr, this.tmp, 0, 8);
  }

  /** Frees every page and area (exit, exec) once the last user leaves. */
  release(): void {
    if (--this.users > 0) return;
    this.destroy();
  }

  /** Frees every page and area now. */
  destroy(): void {
    for (const b of this.blocks.values()) for (let i = 0; i < PAGES_PER_BLOCK; i++) if (b[i] !== 0) this.mem.decRef(b[i]! - 1);
    this.blocks.clear();
    this.vmas.length = 0;
    this.lastVma = null;
    this.as.destroy();
  }

  /** Counts the present pages of [start, end) (page-aligned) into out: all of them, and those
   *  whose frame is shared with another mapping (for /proc's smaps and statm). */
  residentIn(start: number, end: number, out: { pages: number; shared: number }): void {
    out.pages = 0; out.shared = 0;
    for (let a = start; a < end;) {
      const key = Math.floor(a / HUGE_SIZE);
      const blockEnd = Math.min(end, (key + 1) * HUGE_SIZE);
      const b = this.blocks.get(key);
      if (b !== undefined) {
        for (let p = a; p < blockEnd; p += PAGE_SIZE) {
          const f = b[Math.floor(p / PAGE_SIZE) % PAGES_PER_BLOCK]!;
          if (f === 0) continue;
          out.pages++;
          if (this.mem.refs[(f - 1) / PAGE_SIZE]! > 1) out.shared++;
        }
      }
      a = blockEnd;
    }
  }

  // ---- mremap

  /** mremap's worker, after the syscall's argument checks (lengths page aligned, newLen > 0).
   *  newAddr: the MREMAP_FIXED target, or -1. Returns the new address or -errno. */
  remap(addr: number, oldLen: number, newLen: number, mayMove: boolean, newAddr: number, dontUnmap: boolean): number {
    if (newAddr >= 0) {
      // The target's old contents go first; a shrinking move gives up the tail first.
      this.unmap(newAddr, newLen);
      if (oldLen > newLen) { this.unmap(addr + newLen, oldLen - newLen); oldLen = newLen; }
    } else if (oldLen >= newLen) {
      if (oldLen > newLen) this.unmap(addr + newLen, oldLen - newLen);
      return addr;
    }
    const vma = this.find(addr);
    if (vma === null || addr + oldLen > vma.end) return -EFAULT;
    if (newAddr < 0) {
      // Grow in place when the area ends the range and the space after it is free.
      const end = addr + oldLen;
      if (vma.end === end && end + (newLen - oldLen) <= TASK_SIZE && !this.overlaps(end, addr + newLen)) {
        this.insert(Vma.like(vma, end, addr + newLen, end));
        return addr;
      }
      if (!mayMove) return -ENOMEM;
      newAddr = this.findFree(newLen, 0);
      if (newAddr < 0) return newAddr;
    }
    const moved = Vma.like(vma, newAddr, newAddr + newLen, addr);
    // The present pages move with their frames (no copy); the old range keeps no pages.
    const n = Math.min(oldLen, newLen);
    for (let off = 0; off < n; off += PAGE_SIZE) {
      const f = this.takeFrame(addr + off);
      if (f !== 0) this.putFrame(newAddr + off, f);
    }
    this.as.unmap(addr, oldLen);
    if (!dontUnmap) this.unmap(addr, oldLen);
    this.insert(moved);
    return newAddr;
  }

  /** Removes and returns the frame (+1) behind page va, or 0; the reference moves to the caller. */
  private takeFrame(va: number): number {
    const b = this.blocks.get(Math.floor(va / HUGE_SIZE));
    if (b === undefined) return 0;
    const i = Math.floor(va / PAGE_SIZE) % PAGES_PER_BLOCK, f = b[i]!;
    b[i] = 0;
    return f;
  }

  /** Puts frame (+1) behind page va (which has none), taking over the caller's reference. */
  private putFrame(va: number, f: number): void {
    const key = Math.floor(va / HUGE_SIZE);
    let b = this.blocks.get(key);
    if (b === undefined) { b = new Float64Array(PAGES_PER_BLOCK); this.blocks.set(key, b); }
    b[Math.floor(va / PAGE_SIZE) % PAGES_PER_BLOCK] = f;
  }

  /** Is the page at va present (mincore)? */
  present(va: number): boolean {
    const b = this.blocks.get(Math.floor(va / HUGE_SIZE));
    return b !== undefined && b[Math.floor(va / PAGE_SIZE) % PAGES_PER_BLOCK] !== 0;
  }

  /** Bytes of present pages (RSS for /proc and getrusage). */
  residentBytes(): number {
    let n = 0;
    for (const b of this.blocks.values()) for (let i = 0; i < PAGES_PER_BLOCK; i++) if (b[i] !== 0) n += PAGE_SIZE;
    return n;
  }
}

export { MAP_PRIVATE };
