// /proc, /dev and pseudo-terminals: the programs of test/programs/devproc/
// (glibc and musl builds) and busybox command lines, natively as pid 1 in a
// fresh pid namespace with a /dev like the sandbox's (test/support/pid1.ts:
// the devices, a devpts instance) and in the sandbox. Output must be equal.
// Values that necessarily differ (host pids, memory totals, CPU counts,
// times) are never printed, or are replaced by their shape before comparing.
import { ensureBuilt, planGroup } from './support/build';
import { BASE_ENV, programInvocation } from './support/cases';
import { installShell } from './support/busybox';
import { differentialSuites } from './support/differential';

const { binaries, notes } = planGroup('devproc');
for (const n of notes) console.log(`!!! ${n}`);

differentialSuites('devproc', binaries.map((bin) => ({
  id: `${bin.name}@${bin.variant}`,
  skipKeys: [`${bin.name}@${bin.variant}`, bin.name],
  invocation: programInvocation(bin),
  prepare: () => ensureBuilt(bin),
})));

interface ShellCase {
  id: string;
  script: string;
  /** Applied to both sides' stdout (numbers that differ by nature become their shape). */
  normalize?: (s: string) => string;
}

const CASES: ShellCase[] = [];

differentialSuites('devproc-shell', CASES.map((c) => ({
  id: `devproc-shell:${c.id}`,
  skipKeys: [`devproc-shell:${c.id}`],
  invocation: { argv: () => ['/bin/sh', '-c', c.script], input: '', env: BASE_ENV, pid1: true, timeoutMs: 60_000 },
  prepare: async () => installShell(),
  ...(c.normalize ? { normalize: c.normalize } : {}),
})));
