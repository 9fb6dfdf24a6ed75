// The stress program (test/programs/stress.c: 64 threads and 32 processes
// at once, futexes, mutexes, condvars and pipes) several times in a row in
// each build: every run must match the native run. It is also one of the
// differential programs; repeating it here catches what fails only now and
// then (scheduling, wakeups, task switches under load).
import { ensureBuilt, plan } from './support/build';
import { programInvocation } from './support/cases';
import { differentialSuites } from './support/differential';

const RUNS = Number(process.env.STRESS_RUNS ?? 3);

const binaries = plan().binaries.filter((b) => b.name === 'stress' && b.variant !== 'pie');

differentialSuites('stress', binaries.flatMap((bin) => Array.from({ length: RUNS }, (_, i) => ({
  id: `stress@${bin.variant} run ${i + 1}`,
  skipKeys: [`stress-repeat@${bin.variant}`, 'stress-repeat', `stress@${bin.variant}`, 'stress'],
  invocation: programInvocation(bin),
  prepare: () => ensureBuilt(bin),
}))));
