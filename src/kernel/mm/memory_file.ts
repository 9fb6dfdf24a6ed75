// MemoryFile: all application memory of one sandbox, in one sparse memfd mapped
// once into tsvisor (DESIGN.md, Memory). Frames are fallocate'd before they are
// handed out (the guest gets ENOMEM rather than tsvisor a SIGBUS) and
// hole-punched when freed, so a reused frame reads as zeroes.
import { host, type MemFd } from '../../native';
import { WINDOW_SIZE, type PhysMemory } from '../../platform/platform';

export const PAGE_SIZE = 4096;
export const HUGE_SIZE = 2 * 1024 * 1024;
const PAGES_PER_HUGE = HUGE_SIZE / PAGE_SIZE;
/** At most this many freed 4 KiB frames (64 MiB) stay backed for reuse. */
const WARM_MAX = 16384;

export class MemoryFile implements PhysMemory {
  readonly memfd: MemFd;
  readonly size: number;
  private readonly u8: Uint8Array[] = [];
  private readonly u32: Uint32Array[] = [];
  /** Per 4 KiB frame: how many mappings share it (COW, page cache). 0 = free. */
  readonly refs: Uint16Array;
  /** Per frame: 1 once it served as a page table; such frames never serve as tables again
   *  (under shadow paging a walked table frame hides host writes). */
  private readonly wasTable: Uint8Array;
  /** Next never-used 2 MiB chunk. */
  private bump = 0;
  /** The 2 MiB chunk being carved into 4 KiB frames, and how far. */
  private smallChunk = -1;
  private smallNext = PAGES_PER_HUGE;
  private readonly free2M: number[] = [];
  private readonly freeClean4K: number[] = [];
  private readonly freeExTable4K: number[] = [];
  /** Freed data frames still backed by the host (reused before any cold frame). */
  private readonly freeWarm4K: number[] = [];
  /** Bytes handed out now; the cap is the memfd size. */
  used = 0;
  /** Data frames stop here: the rest is kept for page tables, so a program that uses up its
   *  memory meets ENOMEM or the OOM kill, never a kernel without room for its tables. */
  readonly dataLimit: number;

  constructor(size: number) {
    if (size % HUGE_SIZE !== 0 || size <= 0) throw new Error(`memory size must be a positive multiple of 2 MiB`);
    this.size = size;
    this.memfd = new host.MemFd('tsvisor-memory', size);
    for (let off = 0; off < size; off += WINDOW_SIZE) {
      const len = Math.min(WINDOW_SIZE, size - off);
      const ab = this.memfd.view(off, len);
      this.u8.push(new Uint8Array(ab));
      this.u32.push(new Uint32Array(ab));
    }
    this.dataLimit = size - Math.max(4 * HUGE_SIZE, Math.ceil(size / 32 / HUGE_SIZE) * HUGE_SIZE);
    this.refs = new Uint16Array(size / PAGE_SIZE);
    this.wasTable = new Uint8Array(size / PAGE_SIZE);
  }

  words(pa: number): Uint32Array { return this.u32[Math.floor(pa / WINDOW_SIZE)]!; }
  bytes(pa: number): Uint8Array { return this.u8[Math.floor(pa / WINDOW_SIZE)]!; }

  /** Frees reclaimable frames (the page cache's) when memory runs out; returns the bytes freed. */
  reclaimer: ((bytes: number) => number) | null = null;

  /** A zeroed, backed 4 KiB data frame with refs=1, or -1 when memory is exhausted. */
  alloc4K(): number {
    if (this.used + PAGE_SIZE > this.dataLimit && !(this.reclaimer !== null && this.reclaimer(PAGE_SIZE) > 0)) return -1;
    // A recently freed frame is still backed: zeroing it here is cheaper than the hole
    // punch and fallocate (two host calls) a cold frame costs.
    const warm = this.freeWarm4K.pop();
    if (warm !== undefined) {
      const b = this.bytes(warm), o = warm % WINDOW_SIZE;
      b.fill(0, o, o + PAGE_SIZE);
      this.refs[warm / PAGE_SIZE] = 1;
      this.used += PAGE_SIZE;
      return warm;
    }
    let pa = this.freeExTable4K.pop() ?? this.freeClean4K.pop() ?? -1;
    if (pa < 0) pa = this.carve();
    if (pa < 0) return -1;
    if (this.memfd.fallocate(pa, PAGE_SIZE) < 0) { this.freeClean4K.push(pa); return -1; }
    this.refs[pa / PAGE_SIZE] = 1;
    this.used += PAGE_SIZE;
    return pa;
  }

  /** A zeroed, backed, 2 MiB aligned frame with refs=1 on each page, or -1. */
  alloc2M(): number {
    if (this.used + HUGE_SIZE > this.dataLimit) return -1;
    let pa = this.free2M.pop() ?? -1;
    if (pa < 0) {
      if (this.bump + HUGE_SIZE > this.size) return -1;
      pa = this.bump;
      this.bump += HUGE_SIZE;
    }
    // fallocate backs the chunk in one call (cheaper than 512 faults); populating our own
    // mapping then leaves host PTEs present, so KVM's shadow MMU resolves guest touches
    // without a host fault and prefetches neighbours.
    if (this.memfd.fallocate(pa, HUGE_SIZE) < 0) { this.free2M.push(pa); return -1; }
    this.memfd.populate(pa, HUGE_SIZE);
    this.refs.fill(1, pa / PAGE_SIZE, pa / PAGE_SIZE + PAGES_PER_HUGE);
    this.used += HUGE_SIZE;
    return pa;
  }

  allocTableFrame(): number {
    let pa = this.freeClean4K.pop() ?? -1;
    if (pa < 0) pa = this.carve();
    if (pa < 0) throw new Error('out of memory for page tables');
    if (this.memfd.fallocate(pa, PAGE_SIZE) < 0) throw new Error('out of memory for page tables');
    this.wasTable[pa / PAGE_SIZE] = 1;
    this.refs[pa / PAGE_SIZE] = 1;
    this.used += PAGE_SIZE;
    return pa;
  }

  freeTableFrame(pa: number): void { this.release4K(pa); }

  /** Drops one reference to a 4 KiB frame; frees it at zero. Returns the remaining count. */
  decRef(pa: number): number {
    const i = pa / PAGE_SIZE;
    const r = this.refs[i]! - 1;
    if (r > 0) { this.refs[i] = r; return r; }
    this.release4K(pa);
    return 0;
  }

  incRef(pa: number): void { this.refs[pa / PAGE_SIZE]!++; }

  /** Frees a whole 2 MiB frame whose pages all have refs=1 (a private huge page). */
  free2MFrame(pa: number): void {
    this.refs.fill(0, pa / PAGE_SIZE, pa / PAGE_SIZE + PAGES_PER_HUGE);
    this.memfd.punchHole(pa, HUGE_SIZE);
    this.used -= HUGE_SIZE;
    for (let i = 0; i < PAGES_PER_HUGE; i++) if (this.wasTable[pa / PAGE_SIZE + i]) {
      // A huge frame never holds tables; kept for the invariant's sake.
      throw new Error('huge frame held a page table');
    }
    this.free2M.push(pa);
  }

  private release4K(pa: number): void {
    const i = pa / PAGE_SIZE;
    this.refs[i] = 0;
    this.used -= PAGE_SIZE;
    // Data frames stay backed on a warm list (reused first, zeroed then); past WARM_MAX the
    // excess goes back to the host.
    if (this.freeWarm4K.length < WARM_MAX) { this.freeWarm4K.push(pa); return; }
    this.memfd.punchHole(pa, PAGE_SIZE);
    if (this.wasTable[i]) this.freeExTable4K.push(pa);
    else this.freeClean4K.push(pa);
  }

  private carve(): number {
    if (this.smallNext >= PAGES_PER_HUGE) {
      if (this.bump + HUGE_SIZE > this.size) {
        const c = this.free2M.pop();
        if (c === undefined) return -1;
        this.smallChunk = c;
      } else {
        this.smallChunk = this.bump;
        this.bump += HUGE_SIZE;
      }
      this.smallNext = 0;
    }
    return this.smallChunk + PAGE_SIZE * this.smallNext++;
  }

  close(): void { this.memfd.close(); }
}
