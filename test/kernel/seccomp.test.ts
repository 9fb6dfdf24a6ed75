// seccomp in the kernel, differentially: the programs of test/programs/seccomp/
// (seccomp(2), prctl, every action, stacked filters, the classic-BPF
// instructions, fork, execve, TSYNC, strict mode, /proc/self/status) run
// natively as pid 1 and in the sandbox on each platform; stdout, stderr and
// exit status must match.
import { ensureBuilt, planGroup } from '../support/build';
import { BASE_ENV } from '../support/cases';
import { differentialSuites } from '../support/differential';

const { binaries, notes } = planGroup('seccomp');
for (const n of notes) console.log(`!!! ${n}`);

differentialSuites('seccomp', binaries.map((bin) => ({
  id: `${bin.name}@${bin.variant}`,
  skipKeys: [`${bin.name}@${bin.variant}`, bin.name],
  invocation: { argv: (at) => [at(bin.guest)], input: '', env: BASE_ENV, pid1: true },
  prepare: () => ensureBuilt(bin),
})));
