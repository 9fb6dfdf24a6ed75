// 4-level x86_64 page tables for one address space, written from TypeScript.
// Under shadow paging (PVM) the host may store only into table frames the guest
// has never walked; every store into a live table goes through the stub's store
// queue (StoreSink.store), which applies it in the guest and invlpg's the page.
import { type AddressSpace, type PhysMemory, wordIndex, PROT_EXEC, PROT_WRITE } from '../platform';
import { HUGE, PAGE, PTE_A, PTE_ADDR_HI, PTE_ADDR_LO, PTE_D, PTE_NX_HI, PTE_P, PTE_PS, PTE_U, PTE_W } from './layout';

const TWO32 = 4294967296;

/** Where stores into walked table frames go (the platform's stub queue). */
export interface StoreSink {
  /** True when pa is a table frame the guest cannot have walked yet. */
  isFresh(tablePa: number): boolean;
  markFresh(tablePa: number): void;
  /** Queues *entryPa = (lo, hi) for the stub, then invlpg va. */
  store(entryPa: number, lo: number, hi: number, va: number): void;
  /** Queues a full TLB flush (CR3 reload) after the stores queued so far. */
  flushAll(): void;
}

/** Entry flags (low word, high word) for a user mapping with prot. */
export function userFlags(prot: number, huge: boolean): [number, number] {
  let lo = PTE_P | PTE_U | PTE_A | PTE_D;
  if (prot & PROT_WRITE) lo |= PTE_W;
  if (huge) lo |= PTE_PS;
  return [lo, prot & PROT_EXEC ? 0 : PTE_NX_HI];
}

/** Index of va at a level (3 = PML4 ... 0 = PT); va < 2^47 so arithmetic is exact. */
function index(va: number, level: number): number {
  return Math.floor(va / 2 ** (12 + 9 * level)) % 512;
}

export class PageTables implements AddressSpace {
  constructor(
    private readonly mem: PhysMemory,
    private readonly sink: StoreSink,
    /** The root (PML4) frame; the caller has filled in the shared upper half. */
    readonly root: number,
    private readonly onDestroy: (pt: PageTables) => void,
  ) {}

  private readLo(entryPa: number): number { return this.mem.words(entryPa)[wordIndex(entryPa)]!; }
  private readHi(entryPa: number): number { return this.mem.words(entryPa)[wordIndex(entryPa) + 1]!; }

  /** Stores an entry. Memory always gets the value too, so later host reads (walks,
   *  lookups) see the intended state; for a walked table the stub's own store is what
   *  the shadow MMU notices (it re-reads the entry then), so it is queued as well. */
  private write(tablePa: number, entryPa: number, lo: number, hi: number, va: number): void {
    const w = this.mem.words(entryPa), i = wordIndex(entryPa);
    // An entry that already holds this value needs nothing (the shadow MMU has seen it).
    if (w[i] === lo >>> 0 && w[i + 1] === hi >>> 0) return;
    w[i] = lo >>> 0;
    w[i + 1] = hi >>> 0;
    if (!this.sink.isFresh(tablePa)) this.sink.store(entryPa, lo, hi, va);
  }

  /** The table at `level` covering va, creating intermediate tables when create is set; -1 if absent. */
  private table(va: number, level: number, create: boolean): number {
    let t = this.root;
    for (let l = 3; l > level; l--) {
      const e = t + 8 * index(va, l);
      const lo = this.readLo(e);
      if (lo & PTE_P) {
        if (lo & PTE_PS) {
          if (!create) return -1;
          this.split(t, e, va, l);
        }
        t = (this.readLo(e) & PTE_ADDR_LO) + (this.readHi(e) & PTE_ADDR_HI) * TWO32;
        continue;
      }
      if (!create) return -1;
      const n = this.mem.allocTableFrame();
      this.sink.markFresh(n);
      // Upper levels are permissive (user, writable, executable); the leaf decides.
      this.write(t, e, (n % TWO32) | PTE_P | PTE_W | PTE_U | PTE_A, Math.floor(n / TWO32), va);
      t = n;
    }
    return t;
  }

  /** Replaces a 2 MiB page (PDE with PS) by a fresh page table with the same mapping. */
  private split(tablePa: number, entryPa: number, va: number, level: number): void {
    if (level !== 1) throw new Error('cannot split a 1 GiB page');
    const lo = this.readLo(entryPa), hi = this.readHi(entryPa);
    const base = (lo & 0xffe00000) + (hi & PTE_ADDR_HI) * TWO32;
    const flagsLo = (lo & 0xfff & ~PTE_PS) >>> 0, flagsHi = hi & PTE_NX_HI;
    const n = this.mem.allocTableFrame();
    this.sink.markFresh(n);
    const w = this.mem.words(n), i0 = wordIndex(n);
    for (let i = 0; i < 512; i++) {
      const pa = base + i * PAGE;
      w[i0 + 2 * i] = ((pa % TWO32) | flagsLo) >>> 0;
      w[i0 + 2 * i + 1] = (Math.floor(pa / TWO32) | flagsHi) >>> 0;
    }
    const hugeVa = Math.floor(va / HUGE) * HUGE;
    this.write(tablePa, entryPa, (n % TWO32) | PTE_P | PTE_W | PTE_U | PTE_A, Math.floor(n / TWO32), hugeVa);
  }

  map(va: number, pa: number, len: number, prot: number, huge: boolean): void {
    if (huge) {
      const [flo, fhi] = userFlags(prot, true);
      for (let off = 0; off < len; off += HUGE) {
        const v = va + off, p = pa + off;
        const pd = this.table(v, 1, true);
        const e = pd + 8 * index(v, 1);
        const old = this.readLo(e);
        const replacesTable = (old & PTE_P) !== 0 && (old & PTE_PS) === 0;
        this.write(pd, e, ((p % TWO32) | flo) >>> 0, (Math.floor(p / TWO32) | fhi) >>> 0, v);
        if (replacesTable) {
          // The old table's 4 KiB translations may be cached anywhere in the 2 MiB range.
          if (!this.sink.isFresh(pd)) this.sink.flushAll();
          this.freeTable((old & PTE_ADDR_LO) + (this.readHi(e) & PTE_ADDR_HI) * TWO32);
        }
      }
      return;
    }
    const [flo, fhi] = userFlags(prot, false);
    let pt = -1, ptVa = -1;
    for (let off = 0; off < len; off += PAGE) {
      const v = va + off, p = pa + off;
      const block = Math.floor(v / HUGE);
      if (block !== ptVa) { pt = this.table(v, 0, true); ptVa = block; }
      this.write(pt, pt + 8 * index(v, 0), ((p % TWO32) | flo) >>> 0, (Math.floor(p / TWO32) | fhi) >>> 0, v);
    }
  }

  unmap(va: number, len: number): void {
    this.edit(va, len, 0, true);
  }

  protect(va: number, len: number, prot: number): void {
    if (prot === 0) { this.edit(va, len, 0, true); return; }
    this.edit(va, len, prot, false);
  }

  /** Clears (unmap) or re-flags (protect) present entries in [va, va+len). */
  private edit(va: number, len: number, prot: number, clear: boolean): void {
    const end = va + len;
    let v = va;
    while (v < end) {
      const blockEnd = Math.min(end, (Math.floor(v / HUGE) + 1) * HUGE);
      const pd = this.table(v, 1, false);
      if (pd < 0) { v = blockEnd; continue; }
      const pde = pd + 8 * index(v, 1);
      const lo = this.readLo(pde);
      if (!(lo & PTE_P)) { v = blockEnd; continue; }
      if (lo & PTE_PS) {
        if (v % HUGE === 0 && blockEnd - v === HUGE) {
          if (clear) this.write(pd, pde, 0, 0, v);
          else {
            const [flo, fhi] = userFlags(prot, true);
            const hi = this.readHi(pde);
            this.write(pd, pde, ((lo & 0xffe00000) | flo) >>> 0, ((hi & PTE_ADDR_HI) | fhi) >>> 0, v);
          }
          v = blockEnd;
          continue;
        }
        this.split(pd, pde, v, 1);
      }
      const pt = (this.readLo(pde) & PTE_ADDR_LO) + (this.readHi(pde) & PTE_ADDR_HI) * TWO32;
      const [flo, fhi] = userFlags(prot, false);
      for (; v < blockEnd; v += PAGE) {
        const e = pt + 8 * index(v, 0);
        const elo = this.readLo(e);
        if (!(elo & PTE_P)) continue;
        if (clear) this.write(pt, e, 0, 0, v);
        else this.write(pt, e, ((elo & PTE_ADDR_LO) | flo) >>> 0, ((this.readHi(e) & PTE_ADDR_HI) | fhi) >>> 0, v);
      }
    }
  }

  /** The physical address va maps to, or -1 (tests and debugging). */
  lookup(va: number): number {
    let t = this.root;
    for (let l = 3; l >= 0; l--) {
      const e = t + 8 * index(va, l);
      const lo = this.readLo(e), hi = this.readHi(e);
      if (!(lo & PTE_P)) return -1;
      if (l === 0 || (lo & PTE_PS)) {
        const size = 2 ** (12 + 9 * l);
        const base = (lo & PTE_ADDR_LO) + (hi & PTE_ADDR_HI) * TWO32;
        return base - (base % size) + (va % size);
      }
      t = (lo & PTE_ADDR_LO) + (hi & PTE_ADDR_HI) * TWO32;
    }
    return -1;
  }

  private freeTable(pa: number): void { this.mem.freeTableFrame(pa); }

  /** Frees every user-half table frame (entries 0..255 of the root) and the root. */
  destroy(): void {
    const walk = (t: number, level: number, count: number): void => {
      for (let i = 0; i < count; i++) {
        const e = t + 8 * i;
        const lo = this.readLo(e);
        if (!(lo & PTE_P) || (lo & PTE_PS) || level === 0) continue;
        const child = (lo & PTE_ADDR_LO) + (this.readHi(e) & PTE_ADDR_HI) * TWO32;
        walk(child, level - 1, 512);
        this.mem.freeTableFrame(child);
      }
    };
    walk(this.root, 3, 256);
    this.mem.freeTableFrame(this.root);
    this.onDestroy(this);
  }
}
