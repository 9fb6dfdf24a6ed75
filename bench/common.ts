// Shared by the benchmarks: building the C programs, running commands, the table.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..');
export const TSVISOR = path.join(REPO, 'bin', 'tsvisor');
const BUILD = path.join(REPO, 'bench', '.build');

/** Compiles bench/programs/NAME.c with gcc -static -O2 (cached by mtime); returns the binary's path. */
export function buildProgram(name: string): string {
  const src = path.join(REPO, 'bench', 'programs', `${name}.c`);
  const out = path.join(BUILD, name);
  fs.mkdirSync(BUILD, { recursive: true });
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) {
    execFileSync('gcc', ['-static', '-O2', '-o', out, src]);
  }
  return out;
}

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export interface Run { stdout: string; stderr: string; status: number; ms: number }
export function run(cmd: string, args: string[], timeoutMs = 600_000): Run {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1, ms: performance.now() - t0 };
}

/** Median and spread (min..max) of repeated measurements. */
export function summarize(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node ${process.version}`;
}

export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(w[i]!)).join(' | ') + ' |';
  return [line(header), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

/** The tsvisor platforms a benchmark runs side by side (BENCH_PLATFORMS=kvm,ptrace narrows it),
 *  with the ones this machine lacks left out (said once, on stderr). */
export function tsvisorPlatforms(): string[] {
  const want = (process.env.BENCH_PLATFORMS ?? 'kvm,ptrace,systrap').split(',').map((s) => s.trim()).filter((s) => s);
  return want.filter((p) => {
    if (p === 'kvm' && !fs.existsSync('/dev/kvm')) { console.error('bench: no /dev/kvm, kvm left out'); return false; }
    return true;
  });
}

/** Row label of a tsvisor platform. */
export function label(platform: string): string { return `tsvisor ${platform}`; }
