// bench/clock: clock_gettime(CLOCK_MONOTONIC) in a tight loop through libc, natively
// and under tsvisor (kvm), glibc and musl, in one run; ns per call and the ratio
// (target: at most 2x native: the call never leaves ring 3, it reads tsvisor's
// vDSO and time page). A separate --stats run counts the syscalls of 10^7 calls.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildProgram, have, machine, REPO, run, summarize, table, TSVISOR } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const N = 10_000_000;

/** bench/programs/clock.c with musl-gcc -static -O2 (cached by mtime), or null without musl-gcc. */
function buildMusl(): string | null {
  if (!have('musl-gcc')) return null;
  const src = path.join(REPO, 'bench', 'programs', 'clock.c');
  const out = path.join(REPO, 'bench', '.build', 'clock.musl');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) {
    execFileSync('musl-gcc', ['-static', '-O2', '-o', out, src]);
  }
  return out;
}

function tsvisor(prog: string, stats: boolean): { ns: number; syscalls: number } {
  const r = run('node', [TSVISOR, '--platform=kvm', 'run', ...(stats ? ['--stats'] : []), '--root', '/', prog, String(N)]);
  if (r.status !== 0) throw new Error(`tsvisor failed: ${r.stderr}`);
  const m = /stats (\{.*\})/.exec(r.stderr);
  return { ns: Number(r.stdout), syscalls: m ? (JSON.parse(m[1]!) as { syscalls: number }).syscalls : NaN };
}

function main(): void {
  const progs: [string, string][] = [['glibc', buildProgram('clock')]];
  const musl = buildMusl();
  if (musl) progs.push(['musl', musl]);
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const [libc, prog] of progs) {
    const native: number[] = [], sandbox: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      native.push(Number(run(prog, [String(N)]).stdout));
      sandbox.push(tsvisor(prog, false).ns);
    }
    const n = summarize(native), s = summarize(sandbox);
    const ratio = s.median / n.median;
    rows.push([`native ${libc}`, n.median.toFixed(1), `${n.min.toFixed(1)}..${n.max.toFixed(1)}`, '1.0x']);
    rows.push([`tsvisor ${libc}`, s.median.toFixed(1), `${s.min.toFixed(1)}..${s.max.toFixed(1)}`,
      `${ratio.toFixed(2)}x${ratio <= 2 ? '' : ' (over the 2x target)'}`]);
    const counted = tsvisor(prog, true);
    notes.push(`tsvisor ${libc}: ${counted.syscalls} syscalls in a run of ${N.toExponential(0)} calls (the program's start-up)`);
  }
  console.log(`bench/clock: clock_gettime(CLOCK_MONOTONIC) x ${N.toExponential(0)}, ${RUNS} runs each (median; spread min..max)`);
  console.log(`machine: ${machine()}`);
  console.log(table(['', 'ns per call', 'spread', 'vs native'], rows));
  for (const n of notes) console.log(n);
}

main();
