// Resource limits: a fork bomb, a thread bomb and a memory hog
// (test/programs/limits/) run in the sandbox with --max-tasks or --memory,
// and natively as pid 1 under the same limits (a pids cgroup, RLIMIT_AS:
// test/support/limits.ts); output and status must match. The programs
// print only that they hit the limit and cleaned up, never counts. After
// each sandbox run the host must still be able to start a process.
// The programs refuse to run without --contained: never run them bare.
import { spawnSync } from 'child_process';
import { ensureBuilt, planGroup } from './support/build';
import { BASE_ENV } from './support/cases';
import { differentialSuites } from './support/differential';
import { Limits, nativeLimitsUnavailable } from './support/limits';
import type { RunResult } from './support/run';

const LIMITS: Record<string, Limits> = {
  fork_bomb: { tasks: 64 },
  thread_bomb: { tasks: 64 },
  mem_hog: { memoryMiB: 256 },
};

const { binaries, notes } = planGroup('limits');
for (const n of notes) console.log(`!!! ${n}`);

function hostStillWorks(_native: RunResult, sandbox: RunResult): string | null {
  if (sandbox.status !== 0) return `tsvisor exited with ${sandbox.status}, not 0: the program's parent did not survive`;
  const r = spawnSync('/bin/sh', ['-c', 'echo ok'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout === 'ok\n' ? null : `the host cannot start a process after the run: ${r.error ?? r.status}`;
}

differentialSuites('limits', binaries.map((bin) => {
  const base = bin.name.slice('limits/'.length);
  const limits = LIMITS[base];
  if (!limits) throw new Error(`test/programs/limits/${base}.c has no entry in LIMITS`);
  return {
    id: `limits:${base}@${bin.variant}`,
    skipKeys: [`limits:${base}@${bin.variant}`, `limits:${base}`],
    invocation: {
      argv: (at) => [at(bin.guest), '--contained'],
      input: '',
      env: BASE_ENV,
      pid1: true,
      limits,
      timeoutMs: 120_000,
    },
    prepare: () => ensureBuilt(bin),
    unavailable: () => nativeLimitsUnavailable(limits),
    verify: hostStillWorks,
  };
}));
