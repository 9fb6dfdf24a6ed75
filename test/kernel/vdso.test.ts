// The vDSO's acceptance, counted and not timed (DESIGN.md, Time and the vDSO):
// 10^6 clock_gettime calls under tsvisor --stats make no syscalls and no exits
// beyond the program's own start-up, with glibc and with musl, static and dynamic;
// the clocks agree with the host's (vdso_agree: within 50 ms of the kernel's
// syscall, which reads the host clock); and the counter does see syscalls
// (the same program making raw clock_gettime syscalls).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt, plan, type Binary } from '../support/build';
import { ROOT, TSVISOR, PROGRAMS_DIR } from '../support/paths';
import { nativeInRoot } from '../support/root';
import { platformSkippedLine, platforms } from '../support/platforms';

/** A start-up makes a few dozen syscalls (dynamic glibc the most); 10^6 clock reads are far more. */
const STARTUP_SYSCALLS = 100;

interface Stats { exits: number; syscalls: number; faults: number; interrupts: number }
interface Sandboxed { stdout: string; stderr: string; status: number; stats: Stats }

/** Runs argv under `tsvisor --platform=PLATFORM run --stats`; the stats line is taken off stderr. */
function runWithStats(platform: string, argv: string[], root = ROOT): Sandboxed {
  const r = spawnSync(process.execPath, [TSVISOR, `--platform=${platform}`, 'run', '--stats', '--root', root, ...argv], {
    encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
  });
  if (r.error) throw r.error;
  const m = /^tsvisor: stats (\{.*\})$/m.exec(r.stderr ?? '');
  if (!m) throw new Error(`no stats line; status ${r.status}; stderr:\n${r.stderr}`);
  return {
    stdout: r.stdout ?? '', stderr: (r.stderr ?? '').replace(m[0] + '\n', ''), status: r.status ?? -1,
    stats: JSON.parse(m[1]!) as Stats,
  };
}

function binaries(name: string): Binary[] {
  return plan().binaries.filter((b) => b.name === name && b.variant !== 'pie');
}

for (const p of platforms()) {
  const s = suite(`vdso [${p.name}]`);
  const cases: [string, () => Promise<void>][] = [];
  const add = (name: string, fn: () => Promise<void>) => cases.push([name, fn]);

  for (const bin of binaries('vdso_clock')) {
    add(`${bin.variant}: 10^6 clock_gettime calls make no syscalls and no exits`, async () => {
      await ensureBuilt(bin);
      const r = runWithStats(p.name, [bin.guest]);
      assert.is(r.stdout, 'ok\n', r.stderr);
      assert.is(r.status, 0);
      assert.ok(r.stats.syscalls < STARTUP_SYSCALLS, `${r.stats.syscalls} syscalls for 10^6 clock_gettime calls`);
      // The same program skipping the loop ("-s 0"): exactly as many syscalls and exits.
      const base = runWithStats(p.name, [bin.guest, '-s', '0']);
      assert.is(r.stats.syscalls, base.stats.syscalls, 'syscalls beyond start-up');
      assert.is(r.stats.exits - r.stats.interrupts, base.stats.exits - base.stats.interrupts, 'exits beyond start-up');
    });
    add(`${bin.variant}: the counter does count clock_gettime syscalls (control)`, async () => {
      await ensureBuilt(bin);
      const r = runWithStats(p.name, [bin.guest, '-s', '2000']);
      assert.is(r.stdout, 'ok\n', r.stderr);
      assert.ok(r.stats.syscalls >= 2000, `${r.stats.syscalls} syscalls for 2000 raw clock_gettime calls`);
    });
  }

  for (const bin of binaries('vdso_agree')) {
    add(`${bin.variant}: every clock agrees with the host's, as natively`, async () => {
      await ensureBuilt(bin);
      const native = nativeInRoot({ argv: (at) => [at(bin.guest)], input: '', env: { LC_ALL: 'C' } });
      const r = runWithStats(p.name, [bin.guest, '-v']);
      assert.is(r.status, 0, r.stderr);
      assert.fixture(r.stdout, native.stdout);
      assert.not.match(r.stdout, /: no$/m);
      // "-v": the largest distance (ns) of a vDSO reading outside the two syscalls around it.
      for (const line of r.stderr.trim().split('\n')) {
        const [clock, ns] = line.split(' ');
        assert.ok(Number(ns) < 50e6, `${clock}: ${ns} ns outside the host's readings`);
      }
      assert.ok(r.stats.syscalls < 2 * 7 * 1000 + STARTUP_SYSCALLS, `${r.stats.syscalls} syscalls: the vDSO answered`);
    });
  }

  add('a dynamic glibc program finds the vDSO through ld.so', async () => {
    // Not under /tmp: the sandbox has a tmpfs of its own there, hiding the host's.
    const dir = fs.mkdtempSync(path.join('/var/tmp', 'tsvisor-vdso-'));
    try {
      const exe = path.join(dir, 'vdso_clock');
      execFileSync('gcc', ['-O1', '-I', PROGRAMS_DIR, '-o', exe, path.join(PROGRAMS_DIR, 'vdso_clock.c')]);
      const r = runWithStats(p.name, [exe], '/');
      assert.is(r.stdout, 'ok\n', r.stderr);
      assert.ok(r.stats.syscalls < STARTUP_SYSCALLS, `${r.stats.syscalls} syscalls`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  if (!p.available) {
    console.log(platformSkippedLine(p, 'vdso', cases.length));
    for (const [name] of cases) s.skip(name, () => {}); // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed above says why
  } else {
    for (const [name, fn] of cases) s(name, fn);
  }
  s.run();
}
