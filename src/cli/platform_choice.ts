// Which platform runs a sandbox: constructing one by name, and --platform=auto,
// which picks the available platform with the cheapest measured syscall round
// trip. The measurement (a few hundred trapped getppid calls per platform, well
// under a second) is taken at first use and cached under the user's cache
// directory, keyed by what decides it (kernel, CPU, CPU count, tsvisor build).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MemoryFile } from '../kernel/mm/memory_file';
import { KvmPlatform } from '../platform/kvm/kvm_platform';
import { PtracePlatform } from '../platform/ptrace/ptrace_platform';
import { SystrapPlatform } from '../platform/systrap/systrap_platform';
import type { Platform } from '../platform/platform';
import { measureRoundTrip } from '../platform/round_trip';

export const PLATFORM_NAMES = ['kvm', 'ptrace', 'systrap'] as const;

export function createPlatform(name: string, mem: MemoryFile, stats: boolean): Platform {
  if (name === 'kvm') return new KvmPlatform({ memory: mem, stats });
  if (name === 'ptrace') return new PtracePlatform({ memory: mem, stats });
  if (name === 'systrap') return new SystrapPlatform({ memory: mem, stats });
  throw new Error(`platform ${name} is not implemented yet (available: ${PLATFORM_NAMES.join(', ')})`);
}

export interface Probe {
  name: string;
  available: boolean;
  /** Why not available. */
  why: string;
  /** Median ns per trapped syscall round trip. */
  roundTripNs: number;
}

/** Starts each platform once and measures its round trip. */
export function probePlatforms(): Probe[] {
  const out: Probe[] = [];
  for (const name of PLATFORM_NAMES) {
    let mem: MemoryFile | null = null, p: Platform | null = null;
    try {
      mem = new MemoryFile(16 * 1024 * 1024);
      p = createPlatform(name, mem, false);
      out.push({ name, available: true, why: '', roundTripNs: measureRoundTrip(p, mem) });
    } catch (e) {
      out.push({ name, available: false, why: e instanceof Error ? e.message : String(e), roundTripNs: 0 });
    } finally {
      try { p?.close(); } catch { /* already gone */ }
      try { mem?.close(); } catch { /* already gone */ }
    }
  }
  return out;
}

export interface Choice { name: string; why: string; probes: Probe[]; cached: boolean }

/** The pick among probes: the cheapest round trip that is available. */
export function pick(probes: Probe[]): { name: string; why: string } {
  const ok = probes.filter((p) => p.available).sort((a, b) => a.roundTripNs - b.roundTripNs);
  if (ok.length === 0) return { name: '', why: 'no platform is available on this host' };
  const best = ok[0]!;
  const others = ok.slice(1).map((p) => `${p.name} ${(p.roundTripNs / 1000).toFixed(1)} µs`);
  return {
    name: best.name,
    why: `cheapest measured syscall round trip: ${best.name} ${(best.roundTripNs / 1000).toFixed(1)} µs` +
      (others.length ? ` (${others.join(', ')})` : ' (the only one available)'),
  };
}

function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tsvisor', 'platform.json');
}

/** What a cached choice is valid for. */
function cacheKey(): string {
  const cpu = os.cpus();
  let build = '';
  try { build = String(fs.statSync(path.join(__dirname, '..', '..', '..', 'build', 'Release', 'tsvisor.node')).mtimeMs); } catch { /* none */ }
  return JSON.stringify([os.release(), cpu[0]?.model ?? '', cpu.length, build, PLATFORM_NAMES]);
}

/** --platform=auto: the cached choice, or a fresh measurement (then cached). */
export function choosePlatform(fresh = false): Choice {
  const file = cacheFile(), key = cacheKey();
  if (!fresh) {
    try {
      const c = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; name: string; why: string; probes: Probe[] };
      if (c.key === key && c.name) return { name: c.name, why: c.why, probes: c.probes, cached: true };
    } catch { /* no cache yet */ }
  }
  const probes = probePlatforms();
  const { name, why } = pick(probes);
  if (name) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ key, name, why, probes }) + '\n');
    } catch { /* a read-only home: measure again next time */ }
  }
  return { name, why, probes, cached: false };
}
