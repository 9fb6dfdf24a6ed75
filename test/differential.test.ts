// Every test program, in every build, natively and in the sandbox: stdout,
// stderr and exit status must be equal.
import { ensureBuilt, plan } from './support/build';
import { programInvocation } from './support/cases';
import { differentialSuites } from './support/differential';

const { binaries, notes } = plan();
for (const n of notes) console.log(`!!! ${n}`);

differentialSuites('differential', binaries.map((bin) => ({
  id: `${bin.name}@${bin.variant}`,
  skipKeys: [`${bin.name}@${bin.variant}`, bin.name],
  invocation: programInvocation(bin),
  prepare: () => ensureBuilt(bin),
})));
