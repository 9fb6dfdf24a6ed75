// The syscall table is data: unique numbers and names, a support level for every entry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTable } from '../../src/kernel/syscalls/table';

test('numbers index the table and names are unique', () => {
  const t = buildTable();
  const names = new Set<string>();
  t.forEach((e, i) => {
    assert.is(e.nr, i);
    if (!e.name) return;
    assert.not.ok(names.has(e.name), `duplicate ${e.name}`);
    names.add(e.name);
  });
  assert.is(t[0]!.name, 'read');
  assert.is(t[60]!.name, 'exit');
  assert.is(t[231]!.name, 'exit_group');
});

test('every entry says how well it is supported', () => {
  for (const e of buildTable()) {
    assert.ok(['supported', 'partial', 'error', 'missing'].includes(e.support), e.name);
    if (e.support === 'partial') assert.ok(e.note, `${e.name} needs a note`);
    if (e.support === 'error') assert.ok(e.errno && e.note, `${e.name} needs an errno and a reason`);
    if (e.support === 'supported' || e.support === 'partial') assert.type(e.handler, 'function');
  }
});

test('the first slice of syscalls is wired', () => {
  const t = buildTable();
  for (const n of ['brk', 'mmap', 'munmap', 'mprotect', 'madvise', 'arch_prctl', 'set_tid_address', 'exit_group',
    'uname', 'clock_gettime', 'nanosleep', 'getrandom', 'rt_sigaction', 'prlimit64', 'sched_getaffinity']) {
    assert.ok(t.find((e) => e.name === n)?.handler, n);
  }
});

test.run();
