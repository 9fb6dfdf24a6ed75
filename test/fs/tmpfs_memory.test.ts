// tmpfs data lives in the sandbox's memory file: it counts against --memory,
// and a full /tmp (half the memory, as Linux's tmpfs default) gives ENOSPC to
// the writer instead of an out-of-memory kill; deleting gives the memory back.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeFixture } from '../support/fixture';
import { platforms } from '../support/platforms';
import { ROOT } from '../support/paths';
import { runSandbox } from '../support/run';

for (const p of platforms()) {
  const s = suite(`tmpfs memory [${p.name}]`);
  if (!p.available) { s.skip('ENOSPC'); s.run(); continue; } // reason: the platform is unavailable
  s('a full /tmp gives ENOSPC; removing files frees the space', () => {
    makeFixture();
    const r = runSandbox(p.name, ['/bin/sh', '-c', [
      'dd if=/dev/zero of=/tmp/a bs=1M count=100 2>&1 | grep -o "No space left on device"; echo dd $?',
      'df -k /tmp | tail -1 | awk \'{ print $2, $4 }\'',
      'rm /tmp/a; df -k /tmp | tail -1 | awk \'{ print $3 }\'',
      'dd if=/dev/zero of=/dev/shm/b bs=1M count=8 2>/dev/null; echo shm $?; rm /dev/shm/b',
    ].join('\n')], { root: ROOT, flags: ['--memory', '64m'], env: { PATH: '/bin' }, timeoutMs: 120_000 });
    assert.is(r.error, undefined, r.error);
    assert.is(r.stdout, 'No space left on device\ndd 0\n32768 0\n0\nshm 0\n', r.stdout + r.stderr);
  });
  s.run();
}
