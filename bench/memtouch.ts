// bench/memtouch: touch 256 MiB of malloc'd memory natively, under tsvisor on each
// platform and under runsc (ptrace) in one run; milliseconds with the ratio. Target: at
// most 2x native.
import { buildProgram, have, label, machine, run, summarize, table, tsvisorPlatforms, TSVISOR } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MIB = 256;

function main(): void {
  const prog = buildProgram('memtouch');
  const plats = tsvisorPlatforms();
  const res: Record<string, number[]> = { native: [] };
  for (const p of plats) res[label(p)] = [];
  res.runsc = [];
  for (let i = 0; i < RUNS; i++) {
    res.native!.push(Number(run(prog, [String(MIB)]).stdout));
    for (const p of plats) {
      const t = run('node', [TSVISOR, `--platform=${p}`, 'run', prog, String(MIB)]);
      if (t.status !== 0) throw new Error(`tsvisor on ${p} failed (${t.status}): ${t.stderr}`);
      res[label(p)]!.push(Number(t.stdout));
    }
    if (have('runsc')) {
      const r = run('runsc', ['--network=none', '--platform=ptrace', 'do', prog, String(MIB)]);
      if (r.status === 0) res.runsc!.push(Number(r.stdout));
    }
  }
  const native = summarize(res.native!).median;
  const runsc = res.runsc!.length ? summarize(res.runsc!).median : 0;
  const rows = Object.entries(res).filter(([, xs]) => xs.length).map(([name, xs]) => {
    const s = summarize(xs);
    return [name, s.median.toFixed(1), `${s.min.toFixed(1)}..${s.max.toFixed(1)}`, (s.median / native).toFixed(2) + 'x',
      runsc ? (runsc / s.median).toFixed(2) + 'x' : ''];
  });
  console.log(`bench/memtouch: malloc + touch ${MIB} MiB, ${RUNS} runs each (median; spread min..max)`);
  console.log(`machine: ${machine()}`);
  console.log(table(['', 'ms', 'spread', 'vs native', 'speed vs runsc'], rows));
}

main();
