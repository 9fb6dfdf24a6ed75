// `npm run bench`: native, runc, runsc (ptrace platform, --network=none) and
// tsvisor on each platform it can start here, side by side in one run, on OCI
// bundles (busybox-static root):
//   - start to exit: `run --bundle` of /bin/true, wall time of the whole command;
//   - the same as containerd's shim runs it: create, start, wait for the pid in
//     --pid-file to exit, delete (wall time of the sequence);
//   - sandbox memory: a container running `sleep`, PSS summed over all its host
//     processes (sandbox, gofer, stubs, proxies), read from smaps_rollup;
//   - compute-bound: gzip -9 of a 64 MiB generated file inside the container,
//     timed inside it (so start-up is not counted).
// Then it runs the other benchmarks (bench/*.ts other than this one) and keeps
// their output, and writes bench/results/RESULTS.md (tables with ratios against
// native and runc, machine details) and bench/results/chart.svg.
// BENCH_RUNS (default 5) sets the runs per case; BENCH_SKIP_OTHERS=1 leaves the
// other benchmarks out; BENCH_PLATFORMS=kvm,ptrace picks tsvisor's platforms;
// BENCH_ONLY=start,lifecycle,mem,gzip runs only those cases (the others show n/a).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { have, machine, REPO, run, summarize, table, TSVISOR } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const wanted = (what: string) => !ONLY || ONLY.includes(what);
const RESULTS = path.join(REPO, 'bench', 'results');
const DATA_MIB = 64;

interface Runtime {
  name: string;
  /** Runs the bundle to completion (null: native, which runs the command directly). */
  runBundle: ((bundle: string, id: string) => string[]) | null;
  create?: (bundle: string, id: string, pidFile: string) => string[];
  start?: (id: string) => string[];
  del?: (id: string) => string[];
  state?: (id: string) => string[];
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-bench-'));
let seq = 0;
const newId = (what: string) => `tsvbench-${what}-${process.pid}-${++seq}`;

function ociRuntime(name: string, bin: string, pre: string[], global: string[]): Runtime {
  const root = path.join(tmp, `root-${name.replace(/\W/g, '_')}`);
  const g = ['--root', root, ...global];
  return {
    name,
    runBundle: (b, id) => [bin, ...pre, ...g, 'run', '--bundle', b, id],
    create: (b, id, p) => [bin, ...pre, ...g, 'create', '--bundle', b, '--pid-file', p, id],
    start: (id) => [bin, ...pre, ...g, 'start', id],
    del: (id) => [bin, ...pre, ...g, 'delete', '--force', id],
    state: (id) => [bin, ...pre, ...g, 'state', id],
  };
}

function runtimes(): Runtime[] {
  const out: Runtime[] = [{ name: 'native', runBundle: null }];
  const root = process.getuid?.() === 0;
  if (have('runc') && root) out.push(ociRuntime('runc', 'runc', [], []));
  else console.log('runc: not installed or not root: left out');
  if (have('runsc') && root) out.push(ociRuntime('runsc ptrace', 'runsc', [], ['--platform=ptrace', '--network=none']));
  else console.log('runsc: not installed or not root: left out');
  const plats = process.env.BENCH_PLATFORMS?.split(',') ?? ['kvm', 'ptrace', 'systrap'];
  for (const p of plats) {
    const probe = run('node', [TSVISOR, `--platform=${p}`, 'run', '/bin/true'], 120_000);
    if (probe.status === 0) out.push(ociRuntime(`tsvisor ${p}`, 'node', [TSVISOR], [`--platform=${p}`]));
    else console.log(`tsvisor ${p}: cannot run here (${probe.stderr.trim().split('\n').pop()}): left out`);
  }
  return out;
}

/** The bundle root: busybox-static and its applets, and /data/input (DATA_MIB of generated text). */
function makeRootfs(): string {
  const rootfs = path.join(tmp, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(rootfs, 'data'));
  fs.mkdirSync(path.join(rootfs, 'tmp'));
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const a of ['sh', 'true', 'sleep', 'gzip', 'time', 'cat']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
  // Compressible but not trivial: words from a fixed list in an LCG's order.
  const words = 'the quick brown fox jumps over lazy dog sandbox kernel syscall page table memory file vcpu signal futex pipe'.split(' ');
  const chunk = Buffer.alloc(1 << 20);
  const fd = fs.openSync(path.join(rootfs, 'data', 'input'), 'w');
  let x = 12345;
  for (let m = 0; m < DATA_MIB; m++) {
    let o = 0;
    while (o < chunk.length) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const w = words[(x >>> 16) % words.length]!;
      o += chunk.write(((x >>> 8) & 15) === 0 ? w + '\n' : w + ' ', o);
    }
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  return rootfs;
}

function makeBundle(rootfs: string, name: string, args: string[]): string {
  const b = path.join(tmp, `bundle-${name}`);
  fs.mkdirSync(b);
  const spec = {
    ociVersion: '1.0.2',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args, env: ['PATH=/bin'], cwd: '/' },
    root: { path: rootfs, readonly: true },
    hostname: 'bench',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] },
    ],
    linux: { namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }] },
  };
  fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(spec));
  return b;
}

function exec(argv: string[], timeoutMs = 600_000): ReturnType<typeof run> { return run(argv[0]!, argv.slice(1), timeoutMs); }

interface Stat { median: number; min: number; max: number; n: number }
const stat = (xs: number[]): Stat | null => (xs.length ? { ...summarize(xs), n: xs.length } : null);

/** One start to exit of /bin/true: wall ms of `run --bundle` (native: the program itself); null on failure. */
function startOnce(rt: Runtime, rootfs: string, bundle: string): number | null {
  const r = rt.runBundle ? exec(rt.runBundle(bundle, newId('true'))) : run(path.join(rootfs, 'bin', 'true'), []);
  if (r.status === 0) return r.ms;
  console.log(`  ${rt.name}: /bin/true failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return null;
}

/** The pid's process has exited (gone, or a zombie). */
function exited(pid: number): boolean {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) === 'Z';
  } catch { return true; }
}

/** create, start, wait for the pid in --pid-file to exit, delete: the sequence containerd's shim
 *  runs (it reaps the pid as a subreaper; here /proc is polled every millisecond). Wall ms; null
 *  for native or on failure. */
function lifecycleOnce(rt: Runtime, bundle: string): number | null {
  if (!rt.create) return null;
  const id = newId('life'), pidFile = path.join(tmp, `${id}.pid`);
  const t0 = performance.now();
  const steps: [string, () => string[]][] = [['create', () => rt.create!(bundle, id, pidFile)], ['start', () => rt.start!(id)]];
  for (const [what, argv] of steps) {
    // No pipes: the container keeps create's stdio open until it exits.
    const a = argv();
    const r = spawnSync(a[0]!, a.slice(1), { stdio: 'ignore', timeout: 120_000 });
    if (r.status !== 0) {
      console.log(`  ${rt.name}: ${what} failed (${r.status})`);
      exec(rt.del!(id), 60_000);
      return null;
    }
  }
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  const until = Date.now() + 60_000;
  while (!exited(pid) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
  const d = exec(rt.del!(id), 60_000);
  const ms = performance.now() - t0;
  return d.status === 0 ? ms : null;
}

/** One gzip -9 over /data/input: seconds, timed inside the container (busybox time); null on failure. */
function computeOnce(rt: Runtime, rootfs: string, bundle: string, script: (data: string) => string): number | null {
  const r = rt.runBundle ? exec(rt.runBundle(bundle, newId('gzip'))) : run(path.join(rootfs, 'bin', 'sh'), ['-c', script(path.join(rootfs, 'data', 'input'))]);
  const sec = Number(r.stdout.trim());
  if (r.status === 0 && sec > 0) return sec;
  console.log(`  ${rt.name}: gzip failed (${r.status}): ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return null;
}

function children(): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const st = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      m.set(ppid, [...(m.get(ppid) ?? []), Number(e)]);
    } catch { /* gone */ }
  }
  return m;
}
function pss(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}
/** PSS in bytes summed over the processes whose cmdline names id or that state reports, and their descendants. */
function treePss(roots: number[], id: string): { bytes: number; pids: number[] } {
  const set = new Set(roots.filter((p) => p > 0));
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try { if (fs.readFileSync(`/proc/${e}/cmdline`, 'latin1').includes(id)) set.add(Number(e)); } catch { /* gone */ }
  }
  const kids = children();
  const todo = [...set];
  while (todo.length) for (const c of kids.get(todo.pop()!) ?? []) if (!set.has(c)) { set.add(c); todo.push(c); }
  let bytes = 0;
  for (const p of set) bytes += pss(p);
  return { bytes, pids: [...set] };
}

/** PSS of a container running `sleep`, one second after it started; null on failure. */
function memoryOnce(rt: Runtime, rootfs: string, bundle: string): number | null {
  if (!rt.create) {
    const child = require('child_process').spawn(path.join(rootfs, 'bin', 'sleep'), ['30'], { stdio: 'ignore' });
    spawnSync('sleep', ['1']);
    const b = pss(child.pid);
    child.kill('SIGKILL');
    return b || null;
  }
  const id = newId('mem'), pidFile = path.join(tmp, `${id}.pid`);
  const argv = rt.create(bundle, id, pidFile);
  const c = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore', timeout: 120_000 });
  if (c.status !== 0) { console.log(`  ${rt.name}: create failed (${c.status})`); return null; }
  exec(rt.start!(id), 60_000);
  spawnSync('sleep', ['1']);
  let statePid = 0;
  try { statePid = (JSON.parse(exec(rt.state!(id)).stdout) as { pid: number }).pid; } catch { /* none */ }
  const filePid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : 0);
  const m = treePss([statePid, filePid], id);
  exec(rt.del!(id), 60_000);
  return m.bytes || null;
}

/** Runs measure() for every runtime in turn, `runs` rounds (interleaved, so a change in the
 *  machine's load touches every runtime alike); a runtime that fails once is not retried. */
function rounds(rts: Runtime[], runs: number, what: string, measure: (rt: Runtime) => number | null): (Stat | null)[] {
  const xs: number[][] = rts.map(() => []);
  const failed = new Set<number>();
  for (let i = 0; i < runs; i++) {
    console.log(`${what}: round ${i + 1}/${runs}`);
    rts.forEach((rt, k) => {
      if (failed.has(k)) return;
      const v = measure(rt);
      if (v === null) failed.add(k);
      else xs[k]!.push(v);
    });
  }
  return xs.map(stat);
}

function fmt(s: Stat | null, unit: 'ms' | 's' | 'MiB'): string {
  if (!s) return 'n/a';
  const d = unit === 'MiB' ? 1 << 20 : 1;
  const f = (v: number) => (v / d).toFixed(unit === 's' ? 2 : 1);
  return `${f(s.median)} (${f(s.min)}..${f(s.max)})`;
}
const ratio = (a: Stat | null, b: Stat | null) => (a && b && b.median > 0 ? `${(a.median / b.median).toFixed(2)}x` : 'n/a');

function svgChart(groups: { title: string; bars: { name: string; ratio: number }[] }[]): string {
  const colors = ['#888888', '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2'];
  const names = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.name)))];
  const barH = 16, gap = 30, left = 190, width = 420;
  const max = Math.max(2, ...groups.flatMap((g) => g.bars.map((b) => b.ratio)));
  const scale = (r: number) => (Math.log10(Math.max(r, 0.1)) - Math.log10(0.1)) / (Math.log10(max) - Math.log10(0.1)) * width;
  let y = 40;
  const parts: string[] = [];
  for (const g of groups) {
    parts.push(`<text x="10" y="${y - 6}" font-weight="bold">${g.title}</text>`);
    for (const b of g.bars) {
      const c = colors[names.indexOf(b.name) % colors.length];
      parts.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end">${b.name}</text>`);
      parts.push(`<rect x="${left}" y="${y}" width="${scale(b.ratio).toFixed(1)}" height="${barH}" fill="${c}"/>`);
      parts.push(`<text x="${left + scale(b.ratio) + 4}" y="${y + 12}">${b.ratio.toFixed(2)}x</text>`);
      y += barH + 4;
    }
    y += gap;
  }
  const x1 = left + scale(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 80}" height="${y}" font-family="sans-serif" font-size="12">` +
    `<text x="10" y="18" font-size="14">Ratio to native (log scale; lower is better)</text>` +
    `<line x1="${x1}" y1="26" x2="${x1}" y2="${y - gap}" stroke="#000" stroke-dasharray="3,3"/>${parts.join('')}</svg>\n`;
}

function others(): string {
  if (process.env.BENCH_SKIP_OTHERS === '1') return '(left out: BENCH_SKIP_OTHERS=1)\n';
  const dir = path.join(REPO, 'dist', 'bench');
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.js') && !['run.js', 'common.js'].includes(f)).sort();
  let md = '';
  for (const f of names) {
    console.log(`running bench/${f.replace(/\.js$/, '.ts')} ...`);
    const r = run('node', [path.join(dir, f)], 20 * 60_000);
    // A failure shows its last error line only; no path of this machine goes into the file.
    const text = r.status === 0 ? r.stdout : `${r.stdout}\n${r.stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? r.stderr.trim().split('\n').pop() ?? ''}`;
    md += `### bench/${f.replace(/\.js$/, '.ts')}${r.status === 0 ? '' : ` (exit status ${r.status})`}\n\n\`\`\`\n${text.split(REPO).join('.').trim()}\n\`\`\`\n\n`;
  }
  return md;
}

function main(): void {
  const load0 = os.loadavg();
  const rts = runtimes();
  console.log(`bench/run: ${RUNS} runs per case; runtimes: ${rts.map((r) => r.name).join(', ')}`);
  const rootfs = makeRootfs();
  // busybox time's %e: elapsed seconds (10 ms resolution), on its stderr, sent to stdout here.
  const gzipScript = (input: string) => `time -f %e gzip -9 -c ${input} 2>&1 >/dev/null`;
  const bTrue = makeBundle(rootfs, 'true', ['/bin/true']);
  const bSleep = makeBundle(rootfs, 'sleep', ['/bin/sleep', '30']);
  const bGzip = makeBundle(rootfs, 'gzip', ['/bin/sh', '-c', gzipScript('/data/input')]);
  const none = rts.map(() => null);
  const start = wanted('start') ? rounds(rts, RUNS, 'start to exit', (rt) => startOnce(rt, rootfs, bTrue)) : none;
  const life = wanted('lifecycle') ? rounds(rts, RUNS, 'create+start+delete', (rt) => lifecycleOnce(rt, bTrue)) : none;
  const mem = wanted('mem') ? rounds(rts, Math.min(RUNS, 3), 'memory', (rt) => memoryOnce(rt, rootfs, bSleep)) : none;
  const gzip = wanted('gzip') ? rounds(rts, Math.max(3, Math.ceil(RUNS / 2)), 'gzip', (rt) => computeOnce(rt, rootfs, bGzip, gzipScript)) : none;
  const res = rts.map((rt, k) => ({ rt, start: start[k]!, life: life[k]!, mem: mem[k]!, gzip: gzip[k]! }));
  const native = res[0]!, runc = res.find((r) => r.rt.name === 'runc');
  const rows = (key: 'start' | 'life' | 'mem' | 'gzip', unit: 'ms' | 's' | 'MiB') => res.map((r) => [
    r.rt.name, fmt(r[key], unit), ratio(r[key], native[key]), runc ? ratio(r[key], runc[key]) : 'n/a',
  ]);
  const versions = ['runc --version', 'runsc --version'].map((c) => spawnSync('sh', ['-c', c], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').filter((s) => s);
  const kvm = spawnSync('node', [TSVISOR, 'doctor'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => /kind|nested|PVM|VMX|SVM/i.test(l)).slice(0, 3);
  let md = `# tsvisor benchmarks\n\nWritten by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString()}.\n\n`;
  md += `Machine: ${machine()}; load average at the start ${load0.map((x) => x.toFixed(1)).join(', ')}, at the end ${os.loadavg().map((x) => x.toFixed(1)).join(', ')}. ${kvm.join('; ')}\n\n${versions.map((v) => `- ${v}`).join('\n')}\n\n`;
  md += `Each figure: median (min..max) of the runs; the runtimes take turns in every round. Ratios: against native, and against runc.\n\n`;
  md += `## Start to exit of /bin/true in a bundle (ms, whole \`run --bundle\` command)\n\n${table(['', 'ms', 'vs native', 'vs runc'], rows('start', 'ms'))}\n\n`;
  md += `## Create, start, wait, delete of /bin/true (ms, the sequence containerd's shim runs)\n\n${table(['', 'ms', 'vs native', 'vs runc'], rows('life', 'ms'))}\n\n`;
  md += `## Sandbox memory: a container running sleep (MiB, PSS summed over its host processes)\n\n${table(['', 'MiB', 'vs native', 'vs runc'], rows('mem', 'MiB'))}\n\n`;
  md += `## Compute-bound: gzip -9 of a ${DATA_MIB} MiB generated file (s, timed inside the container)\n\n${table(['', 's', 'vs native', 'vs runc'], rows('gzip', 's'))}\n\n`;
  const runsc = res.find((r) => r.rt.name.startsWith('runsc'));
  md += `## Targets (issue 6)\n\n`;
  for (const r of res.filter((x) => x.rt.name.startsWith('tsvisor'))) {
    const s2 = r.start && runsc?.start ? r.start.median / runsc.start.median : NaN;
    const l2 = r.life && runsc?.life ? r.life.median / runsc.life.median : NaN;
    const g = r.gzip && native.gzip ? (r.gzip.median / native.gzip.median - 1) * 100 : NaN;
    // The fastest run is the least disturbed by other load on the machine.
    const gMin = r.gzip && native.gzip ? (r.gzip.min / native.gzip.min - 1) * 100 : NaN;
    const m = r.mem && runsc?.mem ? r.mem.median / runsc.mem.median : NaN;
    md += `- ${r.rt.name}: start-to-exit ${s2.toFixed(2)}x runsc's (target at most 0.7x: ${s2 <= 0.7 ? 'met' : 'not met'}; ` +
      `create+start+delete ${l2.toFixed(2)}x runsc's); ` +
      `compute overhead ${g.toFixed(1)} % by medians, ${gMin.toFixed(1)} % by fastest runs (target under 2 %: ${g < 2 ? 'met' : 'not met'} by medians, ${gMin < 2 ? 'met' : 'not met'} by fastest runs); ` +
      `memory ${m.toFixed(2)}x runsc's (target at most 1x: ${m <= 1 ? 'met' : 'not met'})\n`;
  }
  md += `\n![chart](chart.svg)\n\n## Other benchmarks (their own output, same run)\n\n${others()}`;
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'RESULTS.md'), md);
  const bar = (key: 'start' | 'gzip' | 'mem') => res.filter((r) => r[key] && native[key]).map((r) => ({ name: r.rt.name, ratio: r[key]!.median / native[key]!.median }));
  fs.writeFileSync(path.join(RESULTS, 'chart.svg'), svgChart([
    { title: 'start to exit (/bin/true)', bars: bar('start') },
    { title: `gzip -9, ${DATA_MIB} MiB (compute)`, bars: bar('gzip') },
    { title: 'sandbox memory (PSS)', bars: bar('mem') },
  ]));
  console.log(md);
}

try {
  main();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
