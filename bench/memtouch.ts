// bench/memtouch: touch 256 MiB of malloc'd memory natively and under tsvisor
// (kvm) in one run; milliseconds with the ratio. Target: at most 2x native.
import { buildProgram, have, machine, run, summarize, table, TSVISOR } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MIB = 256;

function main(): void {
  const prog = buildProgram('memtouch');
  const res: Record<string, number[]> = { native: [], tsvisor: [], runsc: [] };
  for (let i = 0; i < RUNS; i++) {
    res.native!.push(Number(run(prog, [String(MIB)]).stdout));
    const t = run('node', [TSVISOR, '--platform=kvm', 'run', prog, String(MIB)]);
    if (t.status !== 0) throw new Error(`tsvisor failed (${t.status}): ${t.stderr}`);
    res.tsvisor!.push(Number(t.stdout));
    if (have('runsc')) {
      const r = run('runsc', ['--network=none', '--platform=ptrace', 'do', prog, String(MIB)]);
      if (r.status === 0) res.runsc!.push(Number(r.stdout));
    }
  }
  const native = summarize(res.native!).median;
  const rows = Object.entries(res).filter(([, xs]) => xs.length).map(([name, xs]) => {
    const s = summarize(xs);
    return [name, s.median.toFixed(1), `${s.min.toFixed(1)}..${s.max.toFixed(1)}`, (s.median / native).toFixed(2) + 'x'];
  });
  console.log(`bench/memtouch: malloc + touch ${MIB} MiB, ${RUNS} runs each (median; spread min..max)`);
  console.log(`machine: ${machine()}`);
  console.log(table(['', 'ms', 'spread', 'vs native'], rows));
}

main();
