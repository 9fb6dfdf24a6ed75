// bench/process: fork+exec+wait, 1 GiB through a pipe between two processes, and a futex
// ping-pong between two threads; natively, under tsvisor (kvm) and under runsc (ptrace), in one run.
import { buildProgram, have, machine, run, summarize, table, TSVISOR } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Case { name: string; prog: string; args: string[]; guestArgs: string[]; unit: string; higherIsBetter: boolean }

function main(): void {
  const cases: Case[] = [
    { name: 'fork+exec+wait', prog: 'forkexec', args: ['200'], guestArgs: ['50'], unit: 'µs per round', higherIsBetter: false },
    { name: 'pipe, 1 GiB', prog: 'pipe', args: ['1024'], guestArgs: ['1024'], unit: 'MiB/s', higherIsBetter: true },
    { name: 'futex ping-pong', prog: 'futex', args: ['20000'], guestArgs: ['2000'], unit: 'µs per round trip', higherIsBetter: false },
  ];
  const hasRunsc = have('runsc');
  console.log(`bench/process: ${RUNS} runs each (median; spread min..max); machine: ${machine()}`);
  for (const c of cases) {
    const bin = buildProgram(c.prog);
    const res: Record<string, number[]> = { native: [], tsvisor: [], runsc: [] };
    for (let i = 0; i < RUNS; i++) {
      res.native!.push(Number(run(bin, c.args).stdout));
      const t = run('node', [TSVISOR, '--platform=kvm', 'run', bin, ...c.guestArgs]);
      if (t.status === 0) res.tsvisor!.push(Number(t.stdout));
      else console.log(`tsvisor failed on ${c.name}: ${t.stderr.trim().split('\n').pop()}`);
      if (hasRunsc) {
        const r = run('runsc', ['--network=none', '--platform=ptrace', 'do', bin, ...c.guestArgs]);
        if (r.status === 0) res.runsc!.push(Number(r.stdout));
      }
    }
    const native = summarize(res.native!).median;
    const rows = Object.entries(res).filter(([, xs]) => xs.length).map(([name, xs]) => {
      const s = summarize(xs);
      const ratio = c.higherIsBetter ? native / s.median : s.median / native;
      return [name, s.median.toFixed(1), `${s.min.toFixed(1)}..${s.max.toFixed(1)}`, `${ratio.toFixed(2)}x slower`];
    });
    console.log(`\n${c.name} (${c.unit})`);
    console.log(table(['', c.unit, 'spread', 'vs native'], rows));
  }
}

main();
