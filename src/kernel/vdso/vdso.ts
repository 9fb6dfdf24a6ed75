// tsvisor's vDSO in the sandbox: the image and the time page live in MemoryFile
// frames loaded once per kernel; every process maps those same frames read-only
// ([vvar] one page, then [vdso]) in its mmap area, and AT_SYSINFO_EHDR points at
// the image's ELF header (DESIGN.md, Time and the vDSO). The time page is kept
// current by a Timekeeper, refreshed when due from a libuv timer (while the
// sandbox idles) or from the run loop (onExit: a busy sandbox starves the event
// loop, and a page left alone drifts by its rate's error).
import { host } from '../../native';
import { monotonicNs } from '../timers';
import { byteIndex, PROT_EXEC, PROT_READ, type Platform } from '../../platform/platform';
import type { MM } from '../mm/mm';
import { PAGE_SIZE, type MemoryFile } from '../mm/memory_file';
import { MAP_PRIVATE, type Mappable } from '../mm/vma';
import { ENOMEM } from '../errno';
import { loadVdsoImage, type VdsoImage } from './image';
import { HostClock, Timekeeper } from './timekeeper';

/** Refresh delays: soon after start (the first calibration measured only a few ms), then
 *  every second. */
const REFRESH_MS = [20, 200, 1000];
/** onExit looks at the clock once per this many exits (an exit costs 10-60 µs; a look ~60 ns). */
const CHECK_EVERY = 16;

/** The host's clocks through the native addon. */
export const nativeClock: HostClock = {
  rdtsc: () => host.rdtsc(),
  gettime: (id, out) => { host.clockGettime(id, out); },
  getres: (id, out) => { host.clockGetres(id, out); },
};

/** CPUID 0x80000007 EDX bit 8: the TSC runs at a constant rate in every state (invariant). */
export function tscInvariant(cpuid: (leaf: number, sub: number, out: Uint32Array) => void = host.cpuid): boolean {
  const r = new Uint32Array(4);
  cpuid(0x80000000, 0, r);
  if (r[0]! < 0x80000007) return false;
  cpuid(0x80000007, 0, r);
  return (r[3]! & (1 << 8)) !== 0;
}

/** Pages of MemoryFile frames mapped as they are in every process (see Mappable.sharedFrame). */
class FramesMappable implements Mappable {
  readonly dev = 0;
  readonly ino = 0;
  constructor(private readonly mem: MemoryFile, readonly frames: number[]) {}
  readForMap(dst: Uint8Array, off: number, len: number, fileOffset: number): number {
    let done = 0;
    while (done < len) {
      const page = Math.floor((fileOffset + done) / PAGE_SIZE), inPage = (fileOffset + done) % PAGE_SIZE;
      const f = this.frames[page];
      if (f === undefined) break;
      const n = Math.min(PAGE_SIZE - inPage, len - done);
      const src = byteIndex(f) + inPage;
      dst.set(this.mem.bytes(f).subarray(src, src + n), off + done);
      done += n;
    }
    return done;
  }
  sharedFrame(fileOffset: number): number { return this.frames[Math.floor(fileOffset / PAGE_SIZE)] ?? -1; }
}

export interface VdsoOptions {
  mem: MemoryFile;
  /** Guest TSC minus host TSC (Platform.tscOffset). */
  tscOffset?: number;
  image?: VdsoImage;
  clock?: HostClock;
  tscReliable?: boolean;
  /** Refresh the time page from a libuv timer (off in tests that drive refresh() themselves). */
  autoRefresh?: boolean;
  debug?: (msg: string) => void;
}

export class Vdso {
  readonly image: VdsoImage;
  readonly timekeeper: Timekeeper;
  /** refs=1 held by the Vdso for the kernel's lifetime; each mapping adds its own. */
  private readonly code: FramesMappable;
  private readonly vvar: FramesMappable;
  private timer: NodeJS.Timeout | null = null;
  private refreshes = 0;
  private readonly autoRefresh: boolean;
  /** Host CLOCK_MONOTONIC ns when the next refresh is due; 0 = none planned. */
  private due = 0;
  private countdown = CHECK_EVERY;

  /** The kernel's vDSO, or null (with a --debug message) when the built image is missing or
   *  broken: programs then run without one and take the syscalls. */
  static create(mem: MemoryFile, platform: Platform, debug?: (msg: string) => void): Vdso | null {
    const image = loadVdsoImage();
    if (typeof image === 'string') { debug?.(`vdso: ${image}; running without a vDSO`); return null; }
    return new Vdso({ mem, image, tscOffset: platform.tscOffset?.() ?? 0, debug });
  }

  constructor(o: VdsoOptions) {
    const image = o.image ?? loadVdsoImage();
    if (typeof image === 'string') throw new Error(`vdso: ${image}`);
    this.image = image;
    const frames: number[] = [];
    for (let i = 0; i < image.pages; i++) {
      const pa = o.mem.alloc4K();
      if (pa < 0) throw new Error('vdso: out of memory');
      o.mem.bytes(pa).set(image.bytes.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE), byteIndex(pa));
      frames.push(pa);
    }
    this.code = new FramesMappable(o.mem, frames);
    const vvarPa = o.mem.alloc4K();
    if (vvarPa < 0) throw new Error('vdso: out of memory');
    this.vvar = new FramesMappable(o.mem, [vvarPa]);
    const bytes = o.mem.bytes(vvarPa);
    const page = new DataView(bytes.buffer, bytes.byteOffset + byteIndex(vvarPa), PAGE_SIZE);
    this.timekeeper = new Timekeeper({
      clock: o.clock ?? nativeClock, page, tscOffset: o.tscOffset ?? 0,
      tscReliable: o.tscReliable ?? tscInvariant(), debug: o.debug,
    });
    this.autoRefresh = o.autoRefresh ?? true;
  }

  /** Maps [vvar] and [vdso] into mm's mmap area (below what is there) and returns the address
   *  of the image's ELF header for AT_SYSINFO_EHDR, or -errno. */
  readonly map = (mm: MM): number => {
    this.start();
    const len = (1 + this.image.pages) * PAGE_SIZE;
    const at = mm.findFree(len, 0);
    if (at < 0) return -ENOMEM;
    const base = at + PAGE_SIZE;
    let r = mm.map(at, PAGE_SIZE, PROT_READ, MAP_PRIVATE, true, this.vvar, 0, '[vvar]');
    if (r < 0) return r;
    r = mm.map(base, this.image.pages * PAGE_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE, true, this.code, 0, '[vdso]');
    if (r < 0) { mm.unmap(at, PAGE_SIZE); return r; }
    // Present from the start: a first call costs no page-fault exit.
    mm.fault(at, false, false);
    mm.fault(base, false, true);
    return base;
  };

  /** The address of an exported function in a process whose vDSO is at base. */
  symbol(base: number, name: string): number {
    const off = this.image.symbols.get(name);
    if (off === undefined) throw new Error(`vdso: no symbol ${name}`);
    return base + off;
  }

  /** Finishes the first calibration and starts the refreshes (done by the first map()). */
  start(): void {
    if (this.timekeeper.started || this.timekeeper.syscallOnly) return;
    this.timekeeper.start();
    if (this.autoRefresh) this.plan();
  }

  /** The run loop calls this on every exit; now and then it refreshes the page if that is due.
   *  Costs a decrement per exit and a clock read per CHECK_EVERY exits. */
  onExit(): void {
    if (--this.countdown > 0) return;
    this.countdown = CHECK_EVERY;
    if (this.due !== 0 && monotonicNs() >= this.due) this.refreshNow();
  }

  private delayMs(i: number): number { return REFRESH_MS[Math.min(i, REFRESH_MS.length - 1)]!; }

  /** Plans the next refresh: due time, and a libuv timer for when the sandbox idles. */
  private plan(): void {
    const delay = this.delayMs(this.refreshes);
    this.due = monotonicNs() + delay * 1e6;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refreshNow(), delay);
    // Never what keeps the sandbox alive.
    this.timer.unref();
  }

  private refreshNow(): void {
    this.refreshes++;
    // The slew horizon is the time to the next refresh.
    this.timekeeper.refresh(this.delayMs(this.refreshes) * 1e6);
    if (this.timekeeper.syscallOnly) this.close();
    else this.plan();
  }

  /** Stops the refreshes (the frames go with the MemoryFile). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = 0;
  }
}
