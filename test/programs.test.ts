// The test programs themselves, natively: each builds, exits as expected,
// and prints the same thing twice (a program that does not cannot be
// compared with the sandbox).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBuilt, plan } from './support/build';
import { programCase, programInvocation } from './support/cases';
import { makeFixture } from './support/fixture';
import { nativeInRoot } from './support/root';

for (const bin of plan().binaries) {
  test(`${bin.name}@${bin.variant} natively`, async () => {
    await ensureBuilt(bin);
    makeFixture();
    const inv = programInvocation(bin);
    const first = nativeInRoot(inv);
    const second = nativeInRoot(inv);
    assert.is(first.error, undefined, first.error);
    assert.is(first.status, programCase(bin.name).status, `exit status; stderr: ${first.stderr}`);
    assert.ok(first.stdout.length > 0, 'prints something');
    assert.fixture(second.stdout, first.stdout, 'stdout is the same on a second run');
    assert.fixture(second.stderr, first.stderr, 'stderr is the same on a second run');
  });
}

test.run();
