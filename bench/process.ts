// bench/process: fork+exec+wait, 1 GiB through a pipe between two processes, and a futex
// ping-pong between two threads; natively, under tsvisor on each platform and under runsc
// (ptrace), in one run, with ratios against native and runsc.
import { buildProgram, have, label, machine, run, summarize, table, tsvisorPlatforms, TSVISOR } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Case { name: string; prog: string; args: string[]; guestArgs: string[]; unit: string; higherIsBetter: boolean }

function main(): void {
  const cases: Case[] = [
    { name: 'fork+exec+wait', prog: 'forkexec', args: ['200'], guestArgs: ['50'], unit: 'µs per round', higherIsBetter: false },
    { name: 'pipe, 1 GiB', prog: 'pipe', args: ['1024'], guestArgs: ['1024'], unit: 'MiB/s', higherIsBetter: true },
    { name: 'futex ping-pong', prog: 'futex', args: ['20000'], guestArgs: ['2000'], unit: 'µs per round trip', higherIsBetter: false },
  ];
  const hasRunsc = have('runsc');
  const plats = tsvisorPlatforms();
  console.log(`bench/process: ${RUNS} runs each (median; spread min..max); machine: ${machine()}`);
  for (const c of cases) {
    const bin = buildProgram(c.prog);
    const res: Record<string, number[]> = { native: [] };
    for (const p of plats) res[label(p)] = [];
    res.runsc = [];
    for (let i = 0; i < RUNS; i++) {
      res.native!.push(Number(run(bin, c.args).stdout));
      for (const p of plats) {
        const t = run('node', [TSVISOR, `--platform=${p}`, 'run', bin, ...c.guestArgs]);
        if (t.status === 0) res[label(p)]!.push(Number(t.stdout));
        else console.log(`tsvisor on ${p} failed on ${c.name}: ${t.stderr.trim().split('\n').pop()}`);
      }
      if (hasRunsc) {
        const r = run('runsc', ['--network=none', '--platform=ptrace', 'do', bin, ...c.guestArgs]);
        if (r.status === 0) res.runsc!.push(Number(r.stdout));
      }
    }
    const native = summarize(res.native!).median;
    const runsc = res.runsc!.length ? summarize(res.runsc!).median : 0;
    const rows = Object.entries(res).filter(([, xs]) => xs.length).map(([name, xs]) => {
      const s = summarize(xs);
      const ratio = c.higherIsBetter ? native / s.median : s.median / native;
      const vsRunsc = !runsc ? '' : (c.higherIsBetter ? s.median / runsc : runsc / s.median).toFixed(2) + 'x';
      return [name, s.median.toFixed(1), `${s.min.toFixed(1)}..${s.max.toFixed(1)}`, `${ratio.toFixed(2)}x slower`, vsRunsc];
    });
    console.log(`\n${c.name} (${c.unit})`);
    console.log(table(['', c.unit, 'spread', 'vs native', 'speed vs runsc'], rows));
  }
}

main();
