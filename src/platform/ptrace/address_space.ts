// A guest address space on a trap platform: a stub process whose mappings of the
// MemoryFile mirror the kernel's page map. Changes are queued as host calls
// (mmap MAP_SHARED|MAP_FIXED of the memfd, munmap, mprotect) and run as one batch
// in the stub before it next runs guest code, so an exec or a big mmap costs one
// round trip, not hundreds.
import type { AddressSpace } from '../platform';
import { STUB_BASE } from '../stub/layout';
import { STUB_MEMFD, type Stub } from './stubs';

const SYS_MMAP = 9, SYS_MPROTECT = 10, SYS_MUNMAP = 11;
const MAP_SHARED = 1, MAP_FIXED = 0x10;
const PAGE = 4096, BLOCK = 2 * 1024 * 1024, PAGES_PER_BLOCK = 512;

/** Queued host calls: nr, a0..a5 per entry. */
export const OP_WORDS = 7;

export class TrapAddressSpace implements AddressSpace {
  /** Per 2 MiB block: protection + 1 of each mapped page (0: not mapped). mprotect must
   *  skip holes (the host fails with ENOMEM at the first one), and a fault's kind
   *  (write or fetch) is told from what is mapped. */
  private readonly pages = new Map<number, Uint8Array>();
  readonly ops: number[] = [];
  opCount = 0;
  destroyed = false;

  constructor(readonly stub: Stub, private readonly onFull: (as: TrapAddressSpace) => void,
              private readonly onDestroy: (as: TrapAddressSpace) => void) {}

  private push(nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): void {
    const o = this.ops, i = this.opCount * OP_WORDS;
    o[i] = nr; o[i + 1] = a0; o[i + 2] = a1; o[i + 3] = a2; o[i + 4] = a3; o[i + 5] = a4; o[i + 6] = a5;
    this.opCount++;
    this.onFull(this);
  }

  /** Protection + 1 of the page at va as mapped in the stub (0: not mapped). */
  mappedProt(va: number): number {
    const b = this.pages.get(Math.floor(va / BLOCK));
    return b === undefined ? 0 : b[Math.floor(va / PAGE) % PAGES_PER_BLOCK]!;
  }

  private mark(va: number, len: number, v: number, onlyMapped: boolean): void {
    const end = va + len;
    for (let a = va; a < end;) {
      const key = Math.floor(a / BLOCK);
      const blockEnd = Math.min(end, (key + 1) * BLOCK);
      let b = this.pages.get(key);
      if (b === undefined) {
        if (v === 0 || onlyMapped) { a = blockEnd; continue; }
        b = new Uint8Array(PAGES_PER_BLOCK);
        this.pages.set(key, b);
      }
      const i0 = Math.floor(a / PAGE) % PAGES_PER_BLOCK, i1 = i0 + (blockEnd - a) / PAGE;
      if (onlyMapped) { for (let i = i0; i < i1; i++) if (b[i] !== 0) b[i] = v; }
      else b.fill(v, i0, i1);
      a = blockEnd;
    }
  }

  map(va: number, pa: number, len: number, prot: number): void {
    if (va < 0 || va + len > STUB_BASE) throw new Error(`platform: map of 0x${va.toString(16)}+0x${len.toString(16)} outside user space`);
    this.push(SYS_MMAP, va, len, prot, MAP_SHARED | MAP_FIXED, STUB_MEMFD, pa);
    this.mark(va, len, prot + 1, false);
  }

  unmap(va: number, len: number): void {
    if (va >= STUB_BASE) return;
    if (va + len > STUB_BASE) len = STUB_BASE - va;
    if (!this.anyMapped(va, len)) return;
    this.push(SYS_MUNMAP, va, len, 0, 0, 0, 0);
    this.clear(va, len);
  }

  protect(va: number, len: number, prot: number): void {
    if (va >= STUB_BASE) return;
    if (va + len > STUB_BASE) len = STUB_BASE - va;
    // mprotect each run of mapped pages (holes stay unmapped).
    let runStart = -1;
    const flush = (end: number) => { if (runStart >= 0) this.push(SYS_MPROTECT, runStart, end - runStart, prot, 0, 0, 0); runStart = -1; };
    this.forEachBlock(va, len, (key, b, a, end) => {
      for (let p = a; p < end; p += PAGE) {
        if (b !== undefined && b[Math.floor(p / PAGE) % PAGES_PER_BLOCK] !== 0) { if (runStart < 0) runStart = p; }
        else flush(p);
      }
      if (key < 0) flush(a);
    });
    flush(va + len);
    this.mark(va, len, prot + 1, true);
  }

  /** Calls fn for each block overlapping [va, va+len) that has mapped pages, in order;
   *  a gap between them is reported with key -1 and b undefined (so runs end). */
  private forEachBlock(va: number, len: number, fn: (key: number, b: Uint8Array | undefined, a: number, end: number) => void): void {
    const end = va + len, first = Math.floor(va / BLOCK), last = Math.floor((end - 1) / BLOCK);
    const keys: number[] = [];
    if (last - first + 1 <= this.pages.size * 2) {
      for (let k = first; k <= last; k++) if (this.pages.has(k)) keys.push(k);
    } else {
      for (const k of this.pages.keys()) if (k >= first && k <= last) keys.push(k);
      keys.sort((x, y) => x - y);
    }
    let prev = -2;
    for (const k of keys) {
      if (k !== prev + 1) fn(-1, undefined, Math.max(va, k * BLOCK), Math.max(va, k * BLOCK));
      fn(k, this.pages.get(k), Math.max(va, k * BLOCK), Math.min(end, (k + 1) * BLOCK));
      prev = k;
    }
  }

  private anyMapped(va: number, len: number): boolean {
    let found = false;
    this.forEachBlock(va, len, (key, b, a, end) => {
      if (found || b === undefined) return;
      for (let p = a; p < end; p += PAGE) if (b[Math.floor(p / PAGE) % PAGES_PER_BLOCK] !== 0) { found = true; return; }
    });
    return found;
  }

  private clear(va: number, len: number): void {
    this.forEachBlock(va, len, (key, b, a, end) => {
      if (b === undefined) return;
      b.fill(0, Math.floor(a / PAGE) % PAGES_PER_BLOCK, Math.floor(a / PAGE) % PAGES_PER_BLOCK + (end - a) / PAGE);
      if (a === key * BLOCK && end === (key + 1) * BLOCK) this.pages.delete(key);
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.ops.length = 0;
    this.opCount = 0;
    this.pages.clear();
    this.onDestroy(this);
  }
}
