// Application benchmarks (issue 7): python3 start-to-exit, a CPU-bound python3
// loop, sqlite3 inserting 100 000 rows into a file, tar czf of a 200 MiB tree,
// and node start-to-exit; natively, under tsvisor on each platform this host
// runs, and under runsc (ptrace platform, --network=none), in one run, with
// ratios against native. Every program comes from the host's root directory
// (tsvisor and runsc put their overlay over it). Median of N runs.
//
//   node dist/bench/apps.js [--runs N] [--only TEXT]
import * as fs from 'fs';
import * as path from 'path';
import { have, machine, run, summarize, table, TSVISOR } from './common';

const TREE = path.join('/var/tmp', 'tsvisor-bench-tree');
const TREE_BYTES = 200 * 2 ** 20;
const DB = '/tmp/tsvisor-bench-apps.db';

interface Case { name: string; argv: string[]; runs?: number; after?: () => void }

const SQL = "create table t (id integer primary key, name text, v real); begin; " +
  "with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000) " +
  "insert into t (name, v) select 'row' || i, i * 0.5 from n; commit; select count(*) from t;";

const CASES: Case[] = [
  { name: 'python3 -c pass (start to exit)', argv: ['/usr/bin/python3', '-c', 'pass'] },
  { name: 'python3 CPU-bound loop (3x10^7 iterations)', argv: ['/usr/bin/python3', '-c', 's = 0\nfor i in range(3 * 10**7): s += i * i\nprint(s)'], runs: 3 },
  { name: 'sqlite3: insert 100 000 rows in a file', argv: ['/bin/sh', '-c', `rm -f ${DB}; /usr/bin/sqlite3 ${DB} "${SQL}"; rm -f ${DB}`] },
  { name: 'tar czf of a 200 MiB tree', argv: ['/bin/sh', '-c', `/usr/bin/tar czf - -C ${TREE} . | /usr/bin/wc -c`], runs: 3 },
  { name: 'node -e 0 (start to exit)', argv: [process.execPath, '-e', '0'] },
];

/** A deterministic tree of compressible and incompressible files (made once). */
function makeTree(): void {
  const done = path.join(TREE, '.complete');
  if (fs.existsSync(done)) return;
  fs.rmSync(TREE, { recursive: true, force: true });
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
  let written = 0, n = 0;
  while (written < TREE_BYTES) {
    const dir = path.join(TREE, `d${n % 20}`);
    fs.mkdirSync(dir, { recursive: true });
    const size = 64 * 1024 + (rnd() % (1024 * 1024));
    const b = Buffer.alloc(size);
    // Half text-like (compresses), half random bytes (does not).
    if (n % 2 === 0) for (let i = 0; i < size; i++) b[i] = 97 + (rnd() % 26) * (i % 7 === 0 ? 1 : 0);
    else for (let i = 0; i < size; i += 4) b.writeUInt32LE(rnd(), Math.min(i, size - 4));
    fs.writeFileSync(path.join(dir, `f${n}.dat`), b);
    written += size; n++;
  }
  fs.writeFileSync(done, '');
}

function tsvisorPlatforms(): string[] {
  return ['kvm', 'ptrace', 'systrap'].filter((p) => run(process.execPath, [TSVISOR, `--platform=${p}`, 'run', '/bin/true']).status === 0);
}

function measure(argv: string[], runs: number, wrap: (a: string[]) => [string, string[]]): number | null {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [cmd, args] = wrap(argv);
    const r = run(cmd, args);
    if (r.status !== 0) { process.stderr.write(`  ${cmd} ${args.slice(0, 4).join(' ')}...: status ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}\n`); return null; }
    times.push(r.ms);
  }
  return summarize(times).median;
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const defaultRuns = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  // --only TEXT: just the benchmarks whose name contains TEXT.
  const onlyArg = process.argv.indexOf('--only');
  const only = onlyArg > 0 ? process.argv[onlyArg + 1] ?? '' : '';
  makeTree();
  const plats = tsvisorPlatforms();
  const hasRunsc = have('runsc') && process.getuid?.() === 0;
  const cols = ['native', ...plats.map((p) => `tsvisor ${p}`), ...(hasRunsc ? ['runsc ptrace'] : [])];
  const wraps: Record<string, (a: string[]) => [string, string[]]> = {
    native: (a) => [a[0]!, a.slice(1)],
    ...Object.fromEntries(plats.map((p) => [`tsvisor ${p}`, (a: string[]) => [process.execPath, [TSVISOR, `--platform=${p}`, 'run', ...a]] as [string, string[]]])),
    'runsc ptrace': (a) => ['runsc', ['--network=none', '--platform=ptrace', 'do', ...a]],
  };
  const rows: string[][] = [];
  const medians = new Map<string, Record<string, number | null>>();
  for (const c of CASES.filter((x) => x.name.includes(only))) {
    const runs = c.runs ?? defaultRuns;
    const res: Record<string, number | null> = {};
    for (const col of cols) {
      res[col] = measure(c.argv, runs, wraps[col]!);
      process.stderr.write(`${c.name}: ${col} ${res[col]?.toFixed(0) ?? 'failed'} ms\n`);
    }
    medians.set(c.name, res);
    const nat = res.native;
    rows.push([c.name, ...cols.map((col) => {
      const v = res[col];
      if (v === null || v === undefined) return 'failed';
      return col === 'native' || !nat ? `${v.toFixed(0)} ms` : `${v.toFixed(0)} ms (${(v / nat).toFixed(2)}x)`;
    })]);
  }
  // The CPU-bound loop's own time: its wall time minus python3's start to exit, per column
  // (the sandbox's start-up would otherwise count as compute overhead).
  const loop = medians.get(CASES[1]!.name), start = medians.get(CASES[0]!.name);
  if (loop && start) {
    const net = (col: string) => (loop[col] != null && start[col] != null ? loop[col]! - start[col]! : null);
    const natNet = net('native');
    rows.push(['python3 loop minus start-up (compute)', ...cols.map((col) => {
      const v = net(col);
      if (v === null) return 'failed';
      return col === 'native' || !natNet ? `${v.toFixed(0)} ms` : `${v.toFixed(0)} ms (${(v / natNet).toFixed(2)}x)`;
    })]);
  }
  console.log(`Applications, median wall time (ratio to native). ${machine()}\n`);
  console.log(table(['benchmark', ...cols], rows));
}

main();
