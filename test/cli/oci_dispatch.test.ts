// Which command line is runc's (the OCI runtime) and which is `tsvisor run PROGRAM`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isOciInvocation } from '../../src/cli/oci';

const argv = (...a: string[]) => ['node', 'tsvisor', ...a];

test('tsvisor run: the program\'s own options never make it an OCI call', () => {
  assert.is(isOciInvocation(argv('run', '/bin/tr', '-d', 'aeiou')), false);
  assert.is(isOciInvocation(argv('--platform=kvm', 'run', '--root', '.', '/bin/tr', '-d', 'x')), false);
  assert.is(isOciInvocation(argv('--platform', 'ptrace', 'run', '--memory', '1g', '/bin/sh', '-c', 'x --bundle y')), false);
  assert.is(isOciInvocation(argv('run', '--root', '-d', '/bin/true')), false); // a root directory named -d
  assert.is(isOciInvocation(argv('doctor')), false);
});

test('runc run, create, state and global flags are OCI calls', () => {
  assert.is(isOciInvocation(argv('run', '--bundle', '/b', 'id')), true);
  assert.is(isOciInvocation(argv('run', '-d', '--pid-file', 'p', 'id')), true);
  assert.is(isOciInvocation(argv('--root', '/run/tsvisor', '--log', 'l.json', 'create', '--bundle', 'b', 'id')), true);
  assert.is(isOciInvocation(argv('state', 'id')), true);
  assert.is(isOciInvocation(argv('--version')), true);
});

test.run();
