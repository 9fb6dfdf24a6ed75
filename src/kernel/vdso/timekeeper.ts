// Keeps the vDSO's time page current: TSC -> nanoseconds for CLOCK_MONOTONIC and
// CLOCK_MONOTONIC_RAW, plus the offsets of REALTIME, BOOTTIME and TAI (DESIGN.md,
// Time and the vDSO). There is no kvmclock: the TSC is calibrated against the
// host's clocks at start and on every refresh.
//
// Between refreshes each clock is linear in the TSC,
//   ns = base + ((tsc - tscBase) * mult) >> shift
// with a 64-bit mult and a 128-bit product (vdso.c), so the rate is exact to
// ~2^-61. A refresh starts a new segment at the current TSC and never moves a
// clock backwards: when the page is behind the host it steps forward to the
// host's value; when it is ahead it runs slower (at most MAX_SLEW) for just as
// long as it takes to give the difference back, then at the measured rate
// again (the segment's second piece, layout.ts). So a refresh that comes late
// (the event loop is starved while tasks keep running) never overshoots: the
// page then drifts only by the rate's error. The rate is measured over the
// samples of the last RATE_WINDOW_NS (the noise of one reading, ~0.1 µs, is then
// ~1e-9 of it); when the rate over the last RATE_SHORT_NS differs from it by
// more than RATE_CHANGE (NTP changed the host's frequency), the older samples
// are dropped, so the page follows within seconds.
//
// BigInt is used here freely: this runs once per refresh, never per syscall.
import {
  VCLOCK_BASE, VCLOCK_BASE2, VCLOCK_END, VCLOCK_MULT, VCLOCK_MULT2, VVAR_BOOT_OFF, VVAR_COARSE_RES, VVAR_FLAGS,
  VVAR_HRES_RES, VVAR_MONO, VVAR_RAW, VVAR_REAL_OFF, VVAR_SEQ, VVAR_SHIFT, VVAR_SYSCALL_ONLY, VVAR_TAI_OFF,
  VVAR_TSC_BASE,
} from './layout';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
  CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_TAI = 11;

/** The host's clocks, as the native addon gives them (a fake one in tests). */
export interface HostClock {
  /** The host's TSC. */
  rdtsc(): number;
  /** clock_gettime(id): out[0] seconds, out[1] nanoseconds. */
  gettime(id: number, out: Float64Array): void;
  /** clock_getres(id), in the same form. */
  getres(id: number, out: Float64Array): void;
}

/** The slowest a clock may be made to run to give back time it is ahead by (NTP's limit). */
export const MAX_SLEW = 500e-6;
/** How long the first calibration measures the TSC's rate. */
export const CALIBRATION_NS = 2e6;
/** A measured offset between clocks replaces the page's only when it moved by more than this
 *  (a step of the host's clock; smaller differences are the measurement's own noise). */
export const OFFSET_TOLERANCE_NS = 20_000n;
/** The rate is measured against the oldest sample no older than this... */
export const RATE_WINDOW_NS = 300e9;
/** ...unless the rate over the last RATE_SHORT_NS or more differs by more than RATE_CHANGE. */
export const RATE_SHORT_NS = 16e9;
export const RATE_CHANGE = 2e-7;
const BRACKETS = 5;
const NS = 1_000_000_000n;

const U64_MAX = (1n << 64n) - 1n;

/** Where a line is at a TSC value: base + ((tsc - from) * mult) >> shift, exactly as vdso.c
 *  computes it (a TSC below `from` counts as `from`). */
export function segmentNs(base: bigint, mult: bigint, shift: number, from: bigint, tsc: bigint): bigint {
  const d = tsc > from ? tsc - from : 0n;
  return base + ((d * mult) >> BigInt(shift));
}

/** One clock on the page: a first piece from the page's tscBase to `end`, then a second one. */
export interface Segment { base: bigint; mult: bigint; end: bigint; base2: bigint; mult2: bigint }

/** A clock that runs at one rate from base. */
export function oneRate(base: bigint, mult: bigint): Segment {
  return { base, mult, end: U64_MAX, base2: 0n, mult2: mult };
}

/** What vdso.c reads for a clock at a TSC value. */
export function clockNs(c: Segment, shift: number, tscBase: bigint, tsc: bigint): bigint {
  return tsc >= c.end ? segmentNs(c.base2, c.mult2, shift, c.end, tsc) : segmentNs(c.base, c.mult, shift, tscBase, tsc);
}

/** The shift for a rate of nsPerCycle: the largest (at most 64) that keeps mult below 2^62,
 *  leaving room for slewing and for a 128-bit product with any 64-bit delta. */
export function shiftFor(nsPerCycle: number): number {
  if (!(nsPerCycle > 0) || !Number.isFinite(nsPerCycle)) throw new RangeError(`bad TSC rate ${nsPerCycle}`);
  let s = Math.min(64, Math.floor(62 - Math.log2(nsPerCycle)));
  while (s > 0 && nsPerCycle * 2 ** s >= 2 ** 62) s--;
  if (s < 1) throw new RangeError(`TSC rate ${nsPerCycle} ns per cycle is out of range`);
  return s;
}

/** mult for nsPerCycle at shift (exact to a double's 53 bits: ~1e-16 relative). */
export function multFor(nsPerCycle: number, shift: number): bigint {
  return BigInt(Math.round(nsPerCycle * 2 ** shift));
}

interface Sample { tsc: bigint; ns: bigint }

export interface TimekeeperOptions {
  clock: HostClock;
  /** The time page (at least VVAR_SIZE bytes). */
  page: DataView;
  /** Guest TSC minus host TSC. */
  tscOffset: number;
  /** False when the TSC is not invariant: the page says "use the syscall" and is never refreshed. */
  tscReliable: boolean;
  debug?: (msg: string) => void;
}

export class Timekeeper {
  private readonly clock: HostClock;
  private readonly page: DataView;
  private readonly tscOffset: bigint;
  private readonly debug: ((msg: string) => void) | undefined;
  private readonly buf = new Float64Array(2);
  /** True once the TSC was found unusable; the vDSO then takes the syscall for good. */
  syscallOnly: boolean;
  started = false;
  shift = 0;
  tscBase = 0n;
  mono: Segment = oneRate(0n, 0n);
  raw: Segment = oneRate(0n, 0n);
  realOff = 0n;
  bootOff = 0n;
  taiOff = 0n;
  /** (MONOTONIC, MONOTONIC_RAW) samples of recent refreshes; the oldest anchors the rate. */
  private readonly history: { mono: Sample; raw: Sample }[] = [];
  private seq = 0;

  constructor(o: TimekeeperOptions) {
    this.clock = o.clock;
    this.page = o.page;
    this.tscOffset = BigInt(Math.round(o.tscOffset));
    this.debug = o.debug;
    this.syscallOnly = !o.tscReliable;
    this.seq = this.page.getUint32(VVAR_SEQ, true) & ~1;
    if (this.syscallOnly) {
      this.debug?.('vdso: the TSC is not invariant: clock_gettime and friends take the syscall');
      this.write();
      return;
    }
    // The first sample now; start() measures the rate against it.
    this.history.push({ mono: this.sample(CLOCK_MONOTONIC), raw: this.sample(CLOCK_MONOTONIC_RAW) });
  }

  /** Completes the first calibration (waiting out what is left of CALIBRATION_NS since the
   *  constructor's sample) and writes the page. Idempotent. */
  start(): void {
    if (this.started || this.syscallOnly) return;
    const first = this.history[0]!;
    while (this.hostNs(CLOCK_MONOTONIC) - first.mono.ns < BigInt(CALIBRATION_NS)) { /* spin: a few ms once */ }
    const mono = this.sample(CLOCK_MONOTONIC), raw = this.sample(CLOCK_MONOTONIC_RAW);
    const monoRate = rate(first.mono, mono), rawRate = rate(first.raw, raw);
    this.shift = shiftFor(Math.max(monoRate, rawRate) * (1 + 2 * MAX_SLEW));
    this.tscBase = mono.tsc;
    this.mono = oneRate(mono.ns, multFor(monoRate, this.shift));
    this.raw = oneRate(extrapolate(raw, mono.tsc, rawRate), multFor(rawRate, this.shift));
    this.history.push({ mono, raw });
    this.measureOffsets(true);
    this.started = true;
    this.write();
  }

  /** Re-calibrates against the host; periodNs is the time to the next refresh (over which the
   *  page gives back time it is ahead by, at most MAX_SLEW). */
  refresh(periodNs: number): void {
    if (this.syscallOnly) return;
    if (!this.started) { this.start(); return; }
    const mono = this.sample(CLOCK_MONOTONIC), raw = this.sample(CLOCK_MONOTONIC_RAW);
    const t = mono.tsc;
    if (t < this.tscBase) {
      // The TSC went backwards (a host that is not what CPUID said): trust it no more.
      this.debug?.(`vdso: the TSC went backwards (${t} < ${this.tscBase}): clocks take the syscall from now on`);
      this.syscallOnly = true;
      this.write();
      return;
    }
    this.trimHistory(mono);
    const anchor = this.history[0]!;
    const monoRate = rate(anchor.mono, mono), rawRate = rate(anchor.raw, raw);
    this.mono = this.follow(this.mono, t, mono.ns, monoRate, periodNs);
    this.raw = this.follow(this.raw, t, extrapolate(raw, t, rawRate), rawRate, periodNs);
    this.tscBase = t;
    this.history.push({ mono, raw });
    this.measureOffsets(false);
    this.write();
  }

  /** Drops samples older than RATE_WINDOW_NS, or older than RATE_SHORT_NS when the host's
   *  rate changed since (CLOCK_MONOTONIC's rate; MONOTONIC_RAW's never changes). */
  private trimHistory(now: Sample): void {
    const h = this.history;
    while (h.length > 1 && now.ns - h[1]!.mono.ns >= BigInt(RATE_WINDOW_NS)) h.shift();
    let short = -1;
    for (let i = h.length - 1; i >= 0; i--) if (now.ns - h[i]!.mono.ns >= BigInt(RATE_SHORT_NS)) { short = i; break; }
    if (short <= 0) return;
    const long = rate(h[0]!.mono, now), recent = rate(h[short]!.mono, now);
    if (Math.abs(recent - long) > RATE_CHANGE * long) {
      this.debug?.(`vdso: the host clock's rate changed by ${((recent / long - 1) * 1e6).toFixed(2)} ppm`);
      h.splice(0, short);
    }
  }

  /** What the vDSO returns for clock id at guest TSC tsc, or null for clocks it does not answer. */
  nsAt(id: number, tsc: bigint): bigint | null {
    const mono = () => clockNs(this.mono, this.shift, this.tscBase, tsc);
    switch (id) {
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_COARSE: return mono();
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: return mono() + this.realOff;
      case CLOCK_BOOTTIME: return mono() + this.bootOff;
      case CLOCK_TAI: return mono() + this.realOff + this.taiOff;
      case CLOCK_MONOTONIC_RAW: return clockNs(this.raw, this.shift, this.tscBase, tsc);
      default: return null;
    }
  }

  /** The guest's TSC now. */
  guestTsc(): bigint { return BigInt(Math.round(this.clock.rdtsc())) + this.tscOffset; }

  /** A new segment from TSC t that meets the host's value `target`: a forward step when the
   *  page is behind; when it is ahead, a slower first piece (no step back) that ends once the
   *  difference is given back, then the measured rate. */
  private follow(seg: Segment, t: bigint, target: bigint, nsPerCycle: number, periodNs: number): Segment {
    const cur = clockNs(seg, this.shift, this.tscBase, t);
    const mult = multFor(nsPerCycle, this.shift);
    const ahead = Number(cur - target);
    if (ahead <= 0) return oneRate(target, mult);
    // Give it back over the next period, no faster than MAX_SLEW.
    const slowBy = Math.min(ahead / (periodNs / nsPerCycle), MAX_SLEW * nsPerCycle); // ns per cycle
    const slowMult = multFor(nsPerCycle - slowBy, this.shift);
    const end = t + BigInt(Math.ceil(ahead / slowBy));
    return { base: cur, mult: slowMult, end, base2: segmentNs(cur, slowMult, this.shift, t, end), mult2: mult };
  }

  private measureOffsets(first: boolean): void {
    const keep = (old: bigint, now: bigint): bigint => {
      const d = now - old;
      return first || d > OFFSET_TOLERANCE_NS || d < -OFFSET_TOLERANCE_NS ? now : old;
    };
    this.realOff = keep(this.realOff, this.offset(CLOCK_MONOTONIC, CLOCK_REALTIME));
    this.bootOff = keep(this.bootOff, this.offset(CLOCK_MONOTONIC, CLOCK_BOOTTIME));
    this.taiOff = keep(this.taiOff, this.offset(CLOCK_REALTIME, CLOCK_TAI));
  }

  /** clock b minus clock a on the host, read a-b-a (the narrowest of a few tries). */
  private offset(a: number, b: number): bigint {
    let width = -1n, off = 0n;
    for (let i = 0; i < BRACKETS; i++) {
      const a1 = this.hostNs(a), x = this.hostNs(b), a2 = this.hostNs(a);
      if (width < 0n || a2 - a1 < width) { width = a2 - a1; off = x - (a1 + a2) / 2n; }
    }
    return off;
  }

  private hostNs(id: number): bigint {
    this.clock.gettime(id, this.buf);
    return BigInt(this.buf[0]!) * NS + BigInt(this.buf[1]!);
  }

  /** The host clock and the guest TSC at (nearly) the same moment: the narrowest TSC bracket. */
  private sample(id: number): Sample {
    let width = Infinity, tsc = 0, ns = 0n;
    for (let i = 0; i < BRACKETS; i++) {
      const a = this.clock.rdtsc();
      this.clock.gettime(id, this.buf);
      const b = this.clock.rdtsc();
      if (b - a < width) {
        width = b - a;
        tsc = a + (b - a) / 2;
        ns = BigInt(this.buf[0]!) * NS + BigInt(this.buf[1]!);
      }
    }
    return { tsc: BigInt(Math.round(tsc)) + this.tscOffset, ns };
  }

  /** Writes the page under the seqlock: odd while writing, even after. With one vCPU the
   *  guest is not running now; the seqlock is for readers that run alongside (systrap). */
  private write(): void {
    const p = this.page;
    p.setUint32(VVAR_SEQ, (this.seq + 1) >>> 0, true);
    p.setUint32(VVAR_FLAGS, this.syscallOnly ? VVAR_SYSCALL_ONLY : 0, true);
    p.setBigUint64(VVAR_TSC_BASE, this.tscBase, true);
    for (const [at, c] of [[VVAR_MONO, this.mono], [VVAR_RAW, this.raw]] as const) {
      p.setBigUint64(at + VCLOCK_BASE, c.base, true);
      p.setBigUint64(at + VCLOCK_MULT, c.mult, true);
      p.setBigUint64(at + VCLOCK_END, c.end, true);
      p.setBigUint64(at + VCLOCK_BASE2, c.base2, true);
      p.setBigUint64(at + VCLOCK_MULT2, c.mult2, true);
    }
    p.setUint32(VVAR_SHIFT, this.shift, true);
    p.setUint32(VVAR_COARSE_RES, this.resNs(CLOCK_MONOTONIC_COARSE), true);
    p.setUint32(VVAR_HRES_RES, this.resNs(CLOCK_MONOTONIC), true);
    p.setBigInt64(VVAR_REAL_OFF, this.realOff, true);
    p.setBigInt64(VVAR_BOOT_OFF, this.bootOff, true);
    p.setBigInt64(VVAR_TAI_OFF, this.taiOff, true);
    this.seq = (this.seq + 2) >>> 0;
    p.setUint32(VVAR_SEQ, this.seq, true);
  }

  private resNs(id: number): number {
    this.clock.getres(id, this.buf);
    return Math.min(this.buf[0]! * 1e9 + this.buf[1]!, 0xffffffff);
  }
}

/** ns per TSC cycle between two samples. */
function rate(a: Sample, b: Sample): number {
  return Number(b.ns - a.ns) / Number(b.tsc - a.tsc);
}

/** A sample's clock carried to TSC t at nsPerCycle. */
function extrapolate(s: Sample, t: bigint, nsPerCycle: number): bigint {
  return s.ns + BigInt(Math.round(Number(t - s.tsc) * nsPerCycle));
}
