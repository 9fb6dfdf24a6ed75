import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import { SYSCALL_COUNT, SYSCALL_NAMES, SYSCALL_NARGS, syscallName, syscallNumber } from '../../src/kernel/syscalls/names';

const UNISTD = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';

test('names are unique and numbers round-trip', () => {
  const seen = new Map<string, number>();
  SYSCALL_NAMES.forEach((name, nr) => {
    if (!name) return;
    assert.ok(/^[a-z_][a-z0-9_]*$/.test(name), `bad name ${name}`);
    assert.not.ok(seen.has(name), `${name} at ${seen.get(name)} and ${nr}`);
    seen.set(name, nr);
    assert.is(syscallNumber(name), nr);
    assert.is(syscallName(nr), name);
  });
  assert.is(syscallNumber('no_such_call'), -1);
  assert.is(syscallName(400), '');
  assert.is(syscallName(100000), '');
});

test('landmarks of the x86_64 table', () => {
  const expect: [number, string][] = [
    [0, 'read'], [1, 'write'], [2, 'open'], [9, 'mmap'], [13, 'rt_sigaction'], [15, 'rt_sigreturn'],
    [56, 'clone'], [59, 'execve'], [60, 'exit'], [158, 'arch_prctl'], [202, 'futex'],
    [231, 'exit_group'], [257, 'openat'], [262, 'newfstatat'], [302, 'prlimit64'], [318, 'getrandom'],
    [332, 'statx'], [334, 'rseq'], [335, 'uretprobe'], [424, 'pidfd_send_signal'], [435, 'clone3'],
    [437, 'openat2'], [439, 'faccessat2'], [450, 'set_mempolicy_home_node'], [462, 'mseal'],
    [466, 'removexattrat'], [467, 'open_tree_attr'], [469, 'file_setattr'],
  ];
  for (const [nr, name] of expect) assert.is(SYSCALL_NAMES[nr], name, `${nr}`);
  for (let nr = 336; nr < 424; nr++) assert.is(SYSCALL_NAMES[nr], '', `${nr} should be unassigned`);
  assert.is(SYSCALL_COUNT, SYSCALL_NAMES.length);
});

test('argument counts cover every call', () => {
  assert.is(SYSCALL_NARGS.length, SYSCALL_NAMES.length);
  SYSCALL_NAMES.forEach((name, nr) => {
    const n = SYSCALL_NARGS[nr]!;
    if (name) assert.ok(n >= 0 && n <= 6, `${name}: ${n}`);
    else assert.is(n, -1);
  });
  const counts: Record<string, number> = {
    read: 3, close: 1, mmap: 6, brk: 1, rt_sigreturn: 0, getpid: 0, execve: 3, exit_group: 1,
    openat: 4, futex: 6, clone: 5, wait4: 4, prlimit64: 4, statx: 5, clone3: 2,
  };
  for (const [name, n] of Object.entries(counts)) assert.is(SYSCALL_NARGS[syscallNumber(name)], n, name);
});

test('matches the host asm/unistd_64.h', () => {
  if (!fs.existsSync(UNISTD)) return; // headers not installed: nothing to compare
  const text = fs.readFileSync(UNISTD, 'utf8');
  let n = 0;
  for (const m of text.matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)) {
    assert.is(SYSCALL_NAMES[Number(m[2])], m[1], `__NR_${m[1]}`);
    n++;
  }
  assert.ok(n > 300, `only ${n} definitions found`);
});

test.run();
