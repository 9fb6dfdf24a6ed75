// The vDSO's time page: the TSC -> ns conversion (mult/shift), the page layout as
// vdso.c reads it, and the Timekeeper against a simulated host (a TSC at a fixed
// frequency, a CLOCK_MONOTONIC that NTP slews, steps of CLOCK_REALTIME, noise in
// every reading).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME, CLOCK_REALTIME_COARSE,
  CLOCK_TAI, MAX_SLEW, Timekeeper, multFor, segmentNs, shiftFor, type HostClock,
} from '../../src/kernel/vdso/timekeeper';
import {
  VCLOCK_BASE, VCLOCK_BASE2, VCLOCK_END, VCLOCK_MULT, VCLOCK_MULT2, VVAR_BOOT_OFF, VVAR_COARSE_RES, VVAR_FLAGS,
  VVAR_HRES_RES, VVAR_MONO, VVAR_RAW, VVAR_REAL_OFF, VVAR_SEQ, VVAR_SHIFT, VVAR_SYSCALL_ONLY, VVAR_TAI_OFF,
  VVAR_TSC_BASE,
} from '../../src/kernel/vdso/layout';
import { tscInvariant } from '../../src/kernel/vdso/vdso';

const DAY_NS = 86_400n * 1_000_000_000n;
const U64 = (1n << 64n) - 1n;

/** vdso.c's read, from the page's bytes alone: what a guest would get at guest TSC tsc. */
function readPage(p: DataView, id: number, tsc: bigint): bigint | null {
  if (p.getUint32(VVAR_SEQ, true) & 1) throw new Error('page left mid-write');
  if (p.getUint32(VVAR_FLAGS, true) & VVAR_SYSCALL_ONLY) return null;
  const c = id === CLOCK_MONOTONIC_RAW ? VVAR_RAW : VVAR_MONO;
  const end = p.getBigUint64(c + VCLOCK_END, true);
  const second = tsc >= end;
  const base = p.getBigUint64(c + (second ? VCLOCK_BASE2 : VCLOCK_BASE), true);
  const mult = p.getBigUint64(c + (second ? VCLOCK_MULT2 : VCLOCK_MULT), true);
  const shift = BigInt(p.getUint32(VVAR_SHIFT, true));
  const from = second ? end : p.getBigUint64(VVAR_TSC_BASE, true);
  const delta = tsc > from ? tsc - from : 0n;
  const product = delta * mult;
  if (product >> 128n) throw new Error('128-bit product overflows');
  let ns = base + ((product >> shift) & U64);
  const real = p.getBigInt64(VVAR_REAL_OFF, true);
  if (id === CLOCK_REALTIME || id === CLOCK_REALTIME_COARSE) ns += real;
  else if (id === CLOCK_BOOTTIME) ns += p.getBigInt64(VVAR_BOOT_OFF, true);
  else if (id === CLOCK_TAI) ns += real + p.getBigInt64(VVAR_TAI_OFF, true);
  return ns & U64;
}

/** A simulated host. True time advances with every call (each reading costs 20-200 ns, at
 *  random); the TSC runs at hz from tsc0; CLOCK_MONOTONIC_RAW is linear in the TSC;
 *  CLOCK_MONOTONIC runs at (1 + ppm) of it where ppm may change (NTP); REALTIME = MONOTONIC
 *  + realOff, which a "settimeofday" steps. */
class FakeHost implements HostClock {
  trueNs = 0n;
  mono = 5_000_000_000_000n; // 5000 s of uptime
  private monoFrac = 0;
  raw = 4_990_000_000_000n;
  realOff = 1_795_000_000_000_000_000n;
  bootOff = 1_234_567n;
  taiOff = 37_000_000_000n;
  ppm = 0;
  private seed = 12345;
  constructor(readonly hz: number, readonly tsc0: bigint = 9_561_507_231_381n, readonly noisy = true) {}
  private rand(): number { this.seed = (this.seed * 1103515245 + 12345) % 2147483648; return this.seed / 2147483648; }
  /** Lets `ns` of true time pass (the mono clock slews at ppm). */
  advance(ns: number): void {
    this.trueNs += BigInt(ns);
    this.raw += BigInt(ns);
    const m = ns * (1 + this.ppm * 1e-6) + this.monoFrac;
    const whole = Math.floor(m);
    this.monoFrac = m - whole;
    this.mono += BigInt(whole);
  }
  private cost(): void { this.advance(this.noisy ? 20 + Math.floor(this.rand() * 180) : 50); }
  tscNow(): bigint { return this.tsc0 + (this.trueNs * BigInt(Math.round(this.hz))) / 1_000_000_000n; }
  rdtsc(): number { this.cost(); return Number(this.tscNow()); }
  hostNs(id: number): bigint {
    switch (id) {
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_COARSE: return this.mono;
      case CLOCK_MONOTONIC_RAW: return this.raw;
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: return this.mono + this.realOff;
      case CLOCK_BOOTTIME: return this.mono + this.bootOff;
      case CLOCK_TAI: return this.mono + this.realOff + this.taiOff;
      default: throw new Error(`clock ${id}`);
    }
  }
  gettime(id: number, out: Float64Array): void {
    this.cost();
    const ns = this.hostNs(id);
    out[0] = Number(ns / 1_000_000_000n);
    out[1] = Number(ns % 1_000_000_000n);
    this.cost();
  }
  getres(id: number, out: Float64Array): void {
    out[0] = 0;
    out[1] = id === CLOCK_MONOTONIC_COARSE || id === CLOCK_REALTIME_COARSE ? 4_000_000 : 1;
  }
}

function keeper(h: FakeHost, o: { offset?: number; reliable?: boolean } = {}) {
  const page = new DataView(new ArrayBuffer(4096));
  const tk = new Timekeeper({ clock: h, page, tscOffset: o.offset ?? 0, tscReliable: o.reliable ?? true });
  return { page, tk };
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

// ---- conversion

test('mult/shift converts a day of cycles to within 1 µs, at many TSC frequencies', () => {
  for (const hz of [1e9, 2_596_138_000, 2_596_138_123, 3e9, 3_417_000_001, 4_700_000_000, 800e6, 100e6]) {
    const nsPerCycle = 1e9 / hz;
    const shift = shiftFor(nsPerCycle);
    const mult = multFor(nsPerCycle, shift);
    assert.ok(mult < 1n << 62n && mult >= 1n << 60n, `mult in [2^60, 2^62) at ${hz} Hz: ${mult}`);
    const hzBig = BigInt(hz);
    for (const tscBase of [0n, 9_561_507_231_381n, 1n << 62n]) {
      for (const seconds of [1n, 3600n, 86_400n]) {
        const cycles = hzBig * seconds;
        const got = segmentNs(0n, mult, shift, tscBase, tscBase + cycles);
        const exact = (cycles * 1_000_000_000n) / hzBig;
        assert.ok(abs(got - exact) <= 1000n, `${hz} Hz, ${seconds} s: off by ${got - exact} ns`);
      }
    }
    // Far better than required: under a nanosecond over a day.
    const day = segmentNs(0n, mult, shift, 0n, hzBig * 86_400n);
    assert.ok(abs(day - DAY_NS) <= 1n, `${hz} Hz: a day is ${day} ns`);
  }
});

test('the 128-bit product never overflows, even for a TSC delta of 2^64-1', () => {
  for (const nsPerCycle of [0.01, 0.2, 0.385, 1, 10]) {
    const shift = shiftFor(nsPerCycle * (1 + 2 * MAX_SLEW));
    const mult = multFor(nsPerCycle * (1 + MAX_SLEW), shift);
    assert.ok(shift >= 1 && shift <= 64);
    assert.ok(U64 * mult < 1n << 128n);
  }
});

test('a TSC below the base reads as the base (never a negative delta)', () => {
  assert.is(segmentNs(100n, 1n << 62n, 62, 1000n, 999n), 100n);
  assert.is(segmentNs(100n, 1n << 62n, 62, 1000n, 1010n), 110n);
});

test('shiftFor rejects nonsense rates', () => {
  assert.throws(() => shiftFor(0));
  assert.throws(() => shiftFor(Number.NaN));
  assert.throws(() => shiftFor(-1));
});

// ---- the page

test('after start the page reads every clock as the host does, within 1 µs', () => {
  const h = new FakeHost(2_596_138_000);
  const { page, tk } = keeper(h);
  tk.start();
  assert.is(page.getUint32(VVAR_SEQ, true) % 2, 0);
  assert.is(page.getUint32(VVAR_COARSE_RES, true), 4_000_000);
  assert.is(page.getUint32(VVAR_HRES_RES, true), 1);
  for (let i = 0; i < 10; i++) {
    h.advance(1_000_000); // 1 ms
    const tsc = h.tscNow();
    for (const id of [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE]) {
      const got = readPage(page, id, tsc)!;
      assert.is(got, tk.nsAt(id, tsc), `page and nsAt agree for clock ${id}`);
      const err = got - h.hostNs(id);
      assert.ok(abs(err) < 1000n, `clock ${id} off by ${err} ns`);
    }
  }
});

test('the guest TSC offset is applied: the page is in guest TSC', () => {
  const h = new FakeHost(3e9);
  const offset = -9_000_000_000_000; // a VMX guest whose TSC started near 0
  const { page, tk } = keeper(h, { offset });
  tk.start();
  h.advance(5_000_000);
  const guestTsc = h.tscNow() + BigInt(offset);
  assert.ok(abs(readPage(page, CLOCK_MONOTONIC, guestTsc)! - h.mono) < 1000n);
  assert.is(tk.guestTsc() - h.tscNow(), BigInt(offset));
});

/** Runs the keeper for `seconds` of simulated time, refreshing every periodS, reading the page
 *  at `reads` points per period (and right before and after each refresh). Returns the largest
 *  error per clock after `settleS`, and checks that no clock ever goes back. */
function simulate(h: FakeHost, tk: Timekeeper, page: DataView, seconds: number, periodS: number,
  settleS = 1, each?: (t: number) => void): Map<number, bigint> {
  const ids = [CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME, CLOCK_BOOTTIME];
  const last = new Map<number, bigint>();
  const worst = new Map<number, bigint>(ids.map((id) => [id, 0n]));
  const reads = 4;
  const read = (t: number) => {
    const tsc = h.tscNow();
    for (const id of ids) {
      const v = readPage(page, id, tsc)!;
      const prev = last.get(id);
      if (id !== CLOCK_REALTIME && prev !== undefined && v < prev) assert.unreachable(`clock ${id} went back by ${prev - v} ns at ${t} s`);
      last.set(id, v);
      if (t >= settleS) {
        const e = abs(v - h.hostNs(id));
        if (e > worst.get(id)!) worst.set(id, e);
      }
    }
  };
  const periodNs = periodS * 1e9;
  for (let t = 0; t < seconds; t += periodS) {
    for (let r = 0; r < reads; r++) { h.advance(periodNs / reads); read(t); }
    each?.(t);
    read(t);
    tk.refresh(periodNs);
    read(t);
  }
  return worst;
}

test('refreshing every second over an hour: monotonic, and within 1 µs of the host', () => {
  const h = new FakeHost(2_596_138_000);
  const { page, tk } = keeper(h);
  tk.start();
  const worst = simulate(h, tk, page, 3600, 1, 3);
  for (const [id, e] of worst) assert.ok(e < 1000n, `clock ${id}: worst error ${e} ns`);
});

test('a day at one refresh per 10 s, the host slewed by NTP at 12.5 ppm: within 1 µs', () => {
  const h = new FakeHost(3_417_000_001);
  h.ppm = 12.5;
  const { page, tk } = keeper(h);
  tk.start();
  const worst = simulate(h, tk, page, 86_400, 10, 60);
  for (const [id, e] of worst) assert.ok(e < 1000n, `clock ${id}: worst error ${e} ns`);
});

test('NTP changing the host\'s frequency by 2 ppm every 20 minutes: within 3 µs at 1 s refreshes', () => {
  const h = new FakeHost(2_596_138_000);
  h.ppm = 12.5;
  const { page, tk } = keeper(h);
  tk.start();
  const worst = simulate(h, tk, page, 3 * 3600, 1, 3, (t) => {
    if (t % 1200 === 0) h.ppm = 12.5 + ((t / 1200) % 2 ? 2 : 0);
  });
  // At most the change times the refresh period (2 µs) plus the readings' noise.
  for (const [id, e] of worst) assert.ok(e < 3000n, `clock ${id}: worst error ${e} ns`);
});

test('when the page is ahead of the host it slows down, never steps back', () => {
  const h = new FakeHost(2e9);
  const { page, tk } = keeper(h);
  tk.start();
  simulate(h, tk, page, 120, 1);
  // The host's clock suddenly runs 300 ppm slower: the page gets ahead by ~300 µs a second.
  h.ppm = -300;
  const before = readPage(page, CLOCK_MONOTONIC, h.tscNow())!;
  h.advance(1e9);
  const ahead = readPage(page, CLOCK_MONOTONIC, h.tscNow())! - h.mono;
  assert.ok(ahead > 200_000n, `ahead by ${ahead} ns`);
  tk.refresh(1e9);
  assert.ok(readPage(page, CLOCK_MONOTONIC, h.tscNow())! >= before);
  const mult = page.getBigUint64(VVAR_MONO + VCLOCK_MULT, true), mult2 = page.getBigUint64(VVAR_MONO + VCLOCK_MULT2, true);
  assert.ok(mult < mult2, 'the first piece runs slower than the second');
  assert.ok(Number(mult2 - mult) / Number(mult2) <= MAX_SLEW * 1.0001, 'but no slower than MAX_SLEW');
  const end = page.getBigUint64(VVAR_MONO + VCLOCK_END, true);
  assert.ok(end > h.tscNow(), 'and ends where the difference is given back');
  // The simulation checks monotonicity throughout; the page converges again.
  const worst = simulate(h, tk, page, 600, 1, 120);
  for (const [id, e] of worst) assert.ok(e < 1000n, `clock ${id}: worst error ${e} ns after converging`);
});

test('a step of the host\'s CLOCK_REALTIME moves REALTIME and TAI, not MONOTONIC', () => {
  const h = new FakeHost(2_596_138_000);
  const { page, tk } = keeper(h);
  tk.start();
  simulate(h, tk, page, 10, 1);
  const mono = readPage(page, CLOCK_MONOTONIC, h.tscNow())!;
  h.realOff -= 1_500_000_000n; // settimeofday 1.5 s back
  tk.refresh(1e9);
  const tsc = h.tscNow();
  assert.ok(abs(readPage(page, CLOCK_REALTIME, tsc)! - h.hostNs(CLOCK_REALTIME)) < 1000n);
  assert.ok(abs(readPage(page, CLOCK_TAI, tsc)! - h.hostNs(CLOCK_TAI)) < 1000n);
  assert.ok(readPage(page, CLOCK_MONOTONIC, tsc)! >= mono);
});

test('small offset noise does not make REALTIME jitter', () => {
  const h = new FakeHost(2_596_138_000);
  const { page, tk } = keeper(h);
  tk.start();
  const off = page.getBigInt64(VVAR_REAL_OFF, true);
  for (let i = 0; i < 50; i++) { h.advance(1e9); tk.refresh(1e9); }
  assert.is(page.getBigInt64(VVAR_REAL_OFF, true), off);
});

test('a slew ends by itself: a refresh that comes an hour late finds the page close', () => {
  const h = new FakeHost(2_596_138_000);
  h.ppm = 7;
  const { page, tk } = keeper(h);
  tk.start();
  simulate(h, tk, page, 300, 1);
  // The page is 50 µs ahead of the host (its clock, not the host's readings, moved)...
  tk.mono = { ...tk.mono, base: tk.mono.base + 50_000n, base2: tk.mono.base2 + 50_000n };
  h.advance(1e9);
  tk.refresh(1e9);
  // ...so it runs slower for a while...
  const end = page.getBigUint64(VVAR_MONO + VCLOCK_END, true);
  assert.ok(end < (1n << 64n) - 1n, 'a slewed piece');
  const slewCycles = Number(end - h.tscNow());
  assert.ok(slewCycles > 0.9 * h.hz && slewCycles < 1.1 * h.hz, `over about one period: ${slewCycles} cycles`);
  // ...and the event loop does not come back for an hour: the slew ended long ago.
  h.advance(3600e9);
  const e = readPage(page, CLOCK_MONOTONIC, h.tscNow())! - h.mono;
  assert.ok(abs(e) < 2000n, `off by ${e} ns (a slew that never ended would be off by -180 ms)`);
});

test('an hour without a refresh (the event loop starved) drifts by under 2 µs', () => {
  const h = new FakeHost(2_596_138_000);
  h.ppm = 7;
  const { page, tk } = keeper(h);
  tk.start();
  simulate(h, tk, page, 300, 1);
  h.advance(3600e9);
  const tsc = h.tscNow();
  for (const id of [CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME]) {
    const e = readPage(page, id, tsc)! - h.hostNs(id);
    assert.ok(abs(e) < 2000n, `clock ${id} off by ${e} ns`);
  }
});

test('the first calibration alone is good to a few ppm', () => {
  const h = new FakeHost(2_596_138_000);
  const { page, tk } = keeper(h);
  tk.start();
  h.advance(1e9);
  const e = readPage(page, CLOCK_MONOTONIC, h.tscNow())! - h.mono;
  assert.ok(abs(e) < 100_000n, `off by ${e} ns after a second (CALIBRATION_NS baseline)`);
});

test('an unreliable TSC: the page says syscall, and refresh leaves it so', () => {
  const h = new FakeHost(2e9);
  const { page, tk } = keeper(h, { reliable: false });
  assert.is(page.getUint32(VVAR_FLAGS, true), VVAR_SYSCALL_ONLY);
  assert.is(page.getUint32(VVAR_SEQ, true) % 2, 0);
  tk.start();
  tk.refresh(1e9);
  assert.is(readPage(page, CLOCK_MONOTONIC, h.tscNow()), null);
});

test('a TSC that goes backwards switches the page to the syscall for good', () => {
  const h = new FakeHost(2e9);
  const { page, tk } = keeper(h);
  tk.start();
  tk.refresh(1e9);
  (h as unknown as { tsc0: bigint }).tsc0 -= 10_000_000_000n;
  tk.refresh(1e9);
  assert.ok(tk.syscallOnly);
  assert.is(page.getUint32(VVAR_FLAGS, true), VVAR_SYSCALL_ONLY);
});

test('every write leaves the sequence even and larger', () => {
  const h = new FakeHost(2e9);
  const { page, tk } = keeper(h);
  tk.start();
  let seq = page.getUint32(VVAR_SEQ, true);
  for (let i = 0; i < 5; i++) {
    h.advance(1e9);
    tk.refresh(1e9);
    const s = page.getUint32(VVAR_SEQ, true);
    assert.is(s % 2, 0);
    assert.is(s, seq + 2);
    seq = s;
  }
});

test('tscInvariant reads CPUID 0x80000007 EDX bit 8', () => {
  const cpuid = (maxExt: number, edx: number) => (leaf: number, _sub: number, out: Uint32Array) => {
    out.fill(0);
    if (leaf === 0x80000000) out[0] = maxExt;
    if (leaf === 0x80000007) out[3] = edx;
  };
  assert.is(tscInvariant(cpuid(0x80000008, 0x100)), true);
  assert.is(tscInvariant(cpuid(0x80000008, 0x0ff)), false);
  assert.is(tscInvariant(cpuid(0x80000006, 0x100)), false);
});

test.run();
