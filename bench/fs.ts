// bench/fs: a streaming read of a 1 GiB file, and creating, stat-ing and deleting 10 000
// small files; natively, under tsvisor on each platform and under runsc (ptrace), in one
// run, with ratios against native and runsc.
//
// The 1 GiB file is a host file (read through the root's hostfs: pread straight into guest
// memory). The small files go where each runtime puts writes by default: natively a host
// directory, under tsvisor its in-memory overlay over the root (and /tmp is tmpfs), under
// runsc its overlay. BENCH_RUNS sets the run count (default 3).
import * as fs from 'fs';
import * as path from 'path';
import { buildProgram, have, label, machine, run, summarize, table, tsvisorPlatforms, TSVISOR, REPO } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILES = Number(process.env.BENCH_FILES ?? 10000);
const BIG_MIB = 1024;

interface Case { name: string; prog: string; args: string[]; unit: string; higherIsBetter: boolean }

/** The 1 GiB file (made once, kept under bench/.build). */
function bigFile(): string {
  const p = path.join(REPO, 'bench', '.build', 'big-1g');
  if (fs.existsSync(p) && fs.statSync(p).size === BIG_MIB << 20) return p;
  const fd = fs.openSync(p, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 131) & 0xff;
  for (let i = 0; i < BIG_MIB; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return p;
}

function main(): void {
  const big = bigFile();
  const scratch = path.join(REPO, 'bench', '.build', 'fs-scratch');
  fs.mkdirSync(scratch, { recursive: true });
  const cases: Case[] = [
    { name: 'streaming read, 1 GiB', prog: 'fsread', args: [big], unit: 'MiB/s', higherIsBetter: true },
    { name: `create+stat+delete, ${FILES} files`, prog: 'fsmeta', args: [scratch, String(FILES)], unit: 'µs per file', higherIsBetter: false },
  ];
  const hasRunsc = have('runsc');
  const plats = tsvisorPlatforms();
  console.log(`bench/fs: ${RUNS} runs each (median; spread min..max); machine: ${machine()}`);
  // Warm the page cache once so every runtime reads the big file from memory.
  run(buildProgram('fsread'), [big]);
  for (const c of cases) {
    const bin = buildProgram(c.prog);
    const res: Record<string, number[]> = { native: [] };
    for (const p of plats) res[label(p)] = [];
    res.runsc = [];
    for (let i = 0; i < RUNS; i++) {
      const n = run(bin, c.args);
      if (n.status === 0) res.native!.push(Number(n.stdout));
      else console.log(`native failed on ${c.name}: ${n.stderr.trim()}`);
      for (const p of plats) {
        const t = run('node', [TSVISOR, `--platform=${p}`, 'run', bin, ...c.args]);
        if (t.status === 0) res[label(p)]!.push(Number(t.stdout));
        else console.log(`tsvisor on ${p} failed on ${c.name}: ${t.stderr.trim().split('\n').pop()}`);
      }
      if (hasRunsc) {
        const r = run('runsc', ['--network=none', '--platform=ptrace', 'do', bin, ...c.args]);
        if (r.status === 0) res.runsc!.push(Number(r.stdout));
        else console.log(`runsc failed on ${c.name}: ${r.stderr.trim().split('\n').pop()}`);
      }
    }
    const native = res.native!.length ? summarize(res.native!).median : 0;
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
