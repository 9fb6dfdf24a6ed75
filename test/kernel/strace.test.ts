// Exact strace lines for a fake task. Most expected lines were taken from the
// output of strace 6.1 (`strace -f -a0`) tracing the same calls natively.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Strace, type StraceTask } from '../../src/kernel/strace';
import { quoteBytes } from '../../src/kernel/strace_format';
import { syscallNumber } from '../../src/kernel/syscalls/names';
import { EFAULT } from '../../src/kernel/errno';
import { Regs, RAX, RDI, RSI, RDX, R10, R8, R9, RSP } from '../../src/platform/regs';

const ARG_REGS = [RDI, RSI, RDX, R10, R8, R9];

/** Guest memory [BASE, BASE + size) over a Uint8Array, with MM's two read calls. */
class FakeMem {
  static readonly BASE = 0x7ffc00000000;
  readonly bytes = new Uint8Array(1 << 16);
  private next = 0x100;

  copyIn(addr: number, dst: Uint8Array, dstOff: number, len: number): number {
    const off = addr - FakeMem.BASE;
    if (off < 0 || off + len > this.bytes.length) return -EFAULT;
    dst.set(this.bytes.subarray(off, off + len), dstOff);
    return 0;
  }

  readCString(addr: number, max: number, tooLong: number): string | number {
    const off = addr - FakeMem.BASE;
    if (off < 0 || off >= this.bytes.length) return -EFAULT;
    const end = Math.min(off + max, this.bytes.length);
    const z = this.bytes.subarray(off, end).indexOf(0);
    if (z >= 0) return Buffer.from(this.bytes.subarray(off, off + z)).toString('latin1');
    return end - off < max ? -EFAULT : -tooLong;
  }

  /** Places data (a string is latin1, NUL-terminated) and returns its address. */
  put(data: string | Uint8Array | number[], align = 8): number {
    const b = typeof data === 'string' ? Buffer.from(data + '\0', 'latin1') : Uint8Array.from(data);
    this.next = Math.ceil(this.next / align) * align;
    const addr = FakeMem.BASE + this.next;
    this.bytes.set(b, this.next);
    this.next += b.length;
    return addr;
  }

  /** Reserves n zeroed bytes. */
  alloc(n: number): number {
    return this.put(new Uint8Array(n));
  }

  write(addr: number, data: Uint8Array | number[]): void {
    this.bytes.set(data, addr - FakeMem.BASE);
  }

  u64s(...v: number[]): Uint8Array {
    const b = new Uint8Array(8 * v.length);
    const d = new DataView(b.buffer);
    v.forEach((x, i) => {
      d.setUint32(8 * i, x % 4294967296, true);
      d.setUint32(8 * i + 4, Math.floor(x / 4294967296), true);
    });
    return b;
  }
}

type Arg = number | [number, number];

function setup(opts: { showPids?: boolean; column?: number } = {}) {
  const lines: string[] = [];
  const strace = new Strace((l) => lines.push(l), opts);
  const mem = new FakeMem();
  const task: StraceTask & { tid: number } = { regs: new Regs(), mm: mem, tid: 1 };
  /** Runs one call: enter, then `during` (the handler's effect on memory), then exit. */
  const call = (name: string | number, args: Arg[], result: number, during?: () => void): string => {
    const nr = typeof name === 'number' ? name : syscallNumber(name);
    assert.ok(nr >= 0, `unknown ${name}`);
    for (let i = 0; i < 6; i++) {
      const a = args[i] ?? 0;
      if (Array.isArray(a)) task.regs.setHalves(ARG_REGS[i]!, a[0], a[1]);
      else task.regs.set(ARG_REGS[i]!, a);
    }
    task.regs.set(RAX, nr);
    lines.length = 0;
    strace.enter(task, nr);
    during?.();
    strace.exit(task, nr, result);
    assert.is(lines.length, 1, `one line for ${name}: ${JSON.stringify(lines)}`);
    return lines[0]!;
  };
  return { strace, mem, task, call, lines };
}

const MINUS1: [number, number] = [0xffffffff, 0xffffffff];

test('files: openat, read, write, close', () => {
  const { mem, call } = setup();
  const passwd = mem.put('/etc/passwd');
  assert.is(call('openat', [-100, passwd, 0o2000000], 3), 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3');
  const f = mem.put('/tmp/ref/f.txt');
  assert.is(call('openat', [-100, f, 0o1101, 0o644], 3),
    'openat(AT_FDCWD, "/tmp/ref/f.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3');
  const buf = mem.alloc(4096);
  const content = Buffer.from('root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin');
  assert.is(call('read', [3, buf, 4096], 1024, () => mem.write(buf, content)),
    'read(3, "root:x:0:0:root:/root:/bin/bash\\n"..., 4096) = 1024');
  assert.is(call('read', [3, buf, 4096], 0), 'read(3, "", 4096) = 0');
  assert.is(call('read', [9, buf, 4096], -9), `read(9, 0x${buf.toString(16)}, 4096) = -1 EBADF (Bad file descriptor)`);
  const hello = mem.put('hello\n');
  assert.is(call('write', [1, hello, 6], 6), 'write(1, "hello\\n", 6) = 6');
  assert.is(call('write', [1, 0, 5], -14), 'write(1, NULL, 5) = -1 EFAULT (Bad address)');
  const high: [number, number] = [0xffff0000, 0xffffffff];
  assert.is(call('write', [1, high, 5], -14), 'write(1, 0xffffffffffff0000, 5) = -1 EFAULT (Bad address)');
  assert.is(call('read', [1, high, 5], -14), 'read(1, 0xffffffffffff0000, 5) = -1 EFAULT (Bad address)');
  assert.is(call('close', [3], 0), 'close(3) = 0');
  assert.is(call('close', [-5], -9), 'close(-5) = -1 EBADF (Bad file descriptor)');
});

test('string escaping and truncation match strace', () => {
  const { mem, call } = setup();
  const raw = Buffer.from('hello\tworld\n"q" \\ \x01\x012\x7f\x80\xff and a long tail of text', 'latin1');
  const a = mem.put(raw);
  assert.is(call('write', [3, a, 50], 50),
    'write(3, "hello\\tworld\\n\\"q\\" \\\\ \\1\\0012\\177\\200\\377 and a l"..., 50) = 50');
  const b = mem.put([0, 0x31, 0, 0x61, 0x1b, 0x39, 0, 0]);
  assert.is(call('write', [1, b, 8], 8), 'write(1, "\\0001\\0a\\339\\0\\0", 8) = 8');
  const c = mem.put([13, 11, 12, 27, 7, 8]);
  assert.is(call('write', [1, c, 6], 6), 'write(1, "\\r\\v\\f\\33\\7\\10", 6) = 6');
  const y = mem.put('y'.repeat(40));
  assert.is(call('write', [1, y, 32], 32), `write(1, "${'y'.repeat(32)}", 32) = 32`);
  assert.is(call('write', [1, y, 33], 33), `write(1, "${'y'.repeat(32)}"..., 33) = 33`);
  assert.is(quoteBytes(Uint8Array.from([0x07, 0x47]), 2, false, true), '"\\x07\\x47"');
});

test('paths: NULL, bad pointers, long paths are not shortened', () => {
  const { mem, call } = setup();
  assert.is(call('openat', [-100, 0, 0], -14), 'openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)');
  assert.is(call('openat', [-100, 1, 0], -14), 'openat(AT_FDCWD, 0x1, O_RDONLY) = -1 EFAULT (Bad address)');
  const long = '/tmp/ref/' + 'a'.repeat(60);
  const p = mem.put(long);
  assert.is(call('chdir', [p], 0), `chdir("${long}") = 0`);
  const tmp = mem.put('/tmp');
  assert.is(call('openat', [-100, tmp, 0o20200002, 0o600], 5), 'openat(AT_FDCWD, "/tmp", O_RDWR|O_TMPFILE, 0600) = 5');
  assert.is(call('openat', [-100, tmp, 3], -21), 'openat(AT_FDCWD, "/tmp", O_ACCMODE) = -1 EISDIR (Is a directory)');
  const nf = mem.put('/tmp/ref/newf');
  assert.is(call('open', [nf, 0o2101, 0], 4), 'open("/tmp/ref/newf", O_WRONLY|O_CREAT|O_APPEND, 000) = 4');
  assert.is(call('openat', [-100, nf, 0o302 | 0x4000000, 0o600], 3),
    'openat(AT_FDCWD, "/tmp/ref/newf", O_RDWR|O_CREAT|O_EXCL|0x4000000, 0600) = 3');
  const d = mem.put('/tmp/ref/d');
  assert.is(call('mkdir', [d, 0o755], 0), 'mkdir("/tmp/ref/d", 0755) = 0');
  assert.is(call('fchmodat', [-100, nf, 0o4755], 0), 'fchmodat(AT_FDCWD, "/tmp/ref/newf", 04755) = 0');
  const pre = mem.put('/etc/ld.so.preload');
  assert.is(call('access', [pre, 4], -2), 'access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)');
  assert.is(call('access', [tmp, 0], 0), 'access("/tmp", F_OK) = 0');
  assert.is(call('access', [tmp, 0x10], -22), 'access("/tmp", 0x10 /* ?_OK */) = -1 EINVAL (Invalid argument)');
  assert.is(call('unlinkat', [-100, d, 0x200], -2), 'unlinkat(AT_FDCWD, "/tmp/ref/d", AT_REMOVEDIR) = -1 ENOENT (No such file or directory)');
});

test('readlink is shortened, getcwd is not', () => {
  const { mem, call } = setup();
  const lnk = mem.put('/tmp/ref/lnk');
  const buf = mem.alloc(300);
  const target = '/tmp/ref/' + 'a'.repeat(44) + '/' + 'b'.repeat(15);
  assert.is(call('readlink', [lnk, buf, 300], target.length, () => mem.write(buf, Buffer.from(target))),
    'readlink("/tmp/ref/lnk", "/tmp/ref/aaaaaaaaaaaaaaaaaaaaaaa"..., 300) = 69');
  const cwd = '/tmp/ref/' + 'a'.repeat(44);
  assert.is(call('getcwd', [buf, 300], cwd.length + 1, () => mem.write(buf, Buffer.from(cwd + '\0'))),
    `getcwd("${cwd}", 300) = 54`);
});

test('stat structs', () => {
  const { mem, call } = setup();
  const st = mem.alloc(144);
  const stat = (mode: number, size: number, rdevLo = 0): Uint8Array => {
    const b = new Uint8Array(144);
    const d = new DataView(b.buffer);
    d.setUint32(24, mode, true);
    d.setUint32(40, rdevLo, true);
    d.setUint32(48, size, true);
    return b;
  };
  const empty = mem.put('');
  assert.is(call('newfstatat', [3, empty, st, 0x1000], 0, () => mem.write(st, stat(0o100644, 50))),
    'newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=50, ...}, AT_EMPTY_PATH) = 0');
  const dn = mem.put('/dev/null');
  assert.is(call('newfstatat', [-100, dn, st, 0], 0, () => mem.write(st, stat(0o20666, 0, 0x103))),
    'newfstatat(AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, 0) = 0');
  const tmp = mem.put('/tmp');
  assert.is(call('newfstatat', [-100, tmp, st, 0x100], 0, () => mem.write(st, stat(0o41777, 4096))),
    'newfstatat(AT_FDCWD, "/tmp", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}, AT_SYMLINK_NOFOLLOW) = 0');
  const ne = mem.put('nonexist');
  assert.is(call('newfstatat', [-100, ne, st, 0], -2),
    `newfstatat(AT_FDCWD, "nonexist", 0x${st.toString(16)}, 0) = -1 ENOENT (No such file or directory)`);
  assert.is(call('fstat', [3, st], 0, () => mem.write(st, stat(0o100644, 1234))),
    'fstat(3, {st_mode=S_IFREG|0644, st_size=1234, ...}) = 0');
  assert.is(call('newfstatat', [-100, dn, st, 0], 0, () => mem.write(st, stat(0o20620, 0, 0x8800))),
    'newfstatat(AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0), ...}, 0) = 0');
  const sx = mem.alloc(256);
  const f = mem.put('/tmp/ref/f.txt');
  const statx = new Uint8Array(256);
  const d = new DataView(statx.buffer);
  d.setUint32(0, 0x17ff, true);
  d.setUint16(28, 0o100644, true);
  d.setUint32(40, 50, true);
  assert.is(call('statx', [-100, f, 0x100, 0x7ff, sx], 0, () => mem.write(sx, statx)),
    'statx(AT_FDCWD, "/tmp/ref/f.txt", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, ' +
    '{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=50, ...}) = 0');
});

test('memory: mmap, brk, mprotect, munmap, madvise, mremap', () => {
  const { call } = setup();
  assert.is(call('mmap', [0, 8192, 3, 0x22, -1, 0], 0x7f1234560000),
    'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1234560000');
  assert.is(call('mmap', [0x7fe96fef0000, 1400832, 5, 0x812, 3, 0x26000], 0x7fe96fef0000),
    'mmap(0x7fe96fef0000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7fe96fef0000');
  assert.is(call('mmap', [0x7f2d20642000, 4096, 0, 0x4032, -1, 0], 0x7f2d20642000),
    'mmap(0x7f2d20642000, 4096, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x7f2d20642000');
  assert.is(call('mmap', [0, 4096, 0x10, 0x12345, -1, 0], -9),
    'mmap(NULL, 4096, 0x10 /* PROT_??? */, 0x5 /* MAP_??? */|MAP_32BIT|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_LOCKED|0x200, -1, 0) = -1 EBADF (Bad file descriptor)');
  assert.is(call('brk', [0], 0x555555559000), 'brk(NULL) = 0x555555559000');
  assert.is(call('brk', [0x557487238000], 0x557487238000), 'brk(0x557487238000) = 0x557487238000');
  assert.is(call('mprotect', [0x7fe970099000, 16384, 1], 0), 'mprotect(0x7fe970099000, 16384, PROT_READ) = 0');
  assert.is(call('munmap', [MINUS1, 16384], -22), 'munmap(0xffffffffffffffff, 16384) = -1 EINVAL (Invalid argument)');
  assert.is(call('madvise', [0x7f2d20641000, 4096, 4], 0), 'madvise(0x7f2d20641000, 4096, MADV_DONTNEED) = 0');
  assert.is(call('madvise', [0, 0, 999], -22), 'madvise(NULL, 0, 0x3e7 /* MADV_??? */) = -1 EINVAL (Invalid argument)');
  assert.is(call('mremap', [0x7f2d20641000, 8192, 16384, 1], 0x7f2d20700000),
    'mremap(0x7f2d20641000, 8192, 16384, MREMAP_MAYMOVE) = 0x7f2d20700000');
});

test('process: exit_group prints at entry, execve, clone, wait4, arch_prctl', () => {
  const { strace, mem, task, call, lines } = setup();
  task.regs.set(RDI, 0);
  strace.enter(task, syscallNumber('exit_group'));
  assert.equal(lines, ['exit_group(0) = ?']);
  strace.exit(task, syscallNumber('exit_group'), 0); // ignored if it ever comes
  assert.is(lines.length, 1);

  const path = mem.put('/bin/true');
  const a1 = mem.put('arg with "quote"');
  const argv = mem.put(mem.u64s(path, a1, 0));
  const e1 = mem.put('A=1'), e2 = mem.put('B=2');
  const envp = mem.put(mem.u64s(e1, e2, 0));
  task.regs.set(RAX, 0);
  assert.is(call('execve', [path, argv, envp], -0x100000, () => { mem.bytes.fill(0xee, 0, 0x100); task.regs.set(RAX, 0); }),
    `execve("/bin/true", ["/bin/true", "arg with \\"quote\\""], 0x${envp.toString(16)} /* 2 vars */) = 0`);
  const big = mem.put('a'.repeat(99));
  const x = mem.put('x');
  const many = mem.put(mem.u64s(x, big, ...Array(37).fill(x), 0));
  assert.is(call('execve', [path, many, 0], -2),
    `execve("/bin/true", ["x", "${'a'.repeat(32)}"..., ${Array(30).fill('"x"').join(', ')}, ...], NULL) = -1 ENOENT (No such file or directory)`);

  assert.is(call('clone', [0x1200011, 0, 0, 0x7f2d20455a10, 0], 18940),
    'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f2d20455a10) = 18940');
  const ptid = mem.alloc(4);
  assert.is(call('clone', [0x3d0f00, 0x7f5adee92000, ptid, ptid, 0x7f5adf6926c0], 19130,
    () => mem.write(ptid, [0xba, 0x4a, 0, 0])),
  `clone(child_stack=0x7f5adee92000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=[19130], tls=0x7f5adf6926c0, child_tidptr=0x${ptid.toString(16)}) = 19130`);

  const st = mem.alloc(4);
  assert.is(call('wait4', [18940, st, 0, 0], 18940, () => mem.write(st, [0, 0, 0, 0])),
    'wait4(18940, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 18940');
  assert.is(call('wait4', [18941, st, 0, 0], 18941, () => mem.write(st, [9, 0, 0, 0])),
    'wait4(18941, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 18941');
  assert.is(call('wait4', [18942, st, 0, 0], 18942, () => mem.write(st, [0x8b, 0, 0, 0])),
    'wait4(18942, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL) = 18942');
  assert.is(call('wait4', [-1, 0, 1, 0], -10), 'wait4(-1, NULL, WNOHANG, NULL) = -1 ECHILD (No child processes)');

  assert.is(call('arch_prctl', [0x1002, 0x4c23c0], 0), 'arch_prctl(ARCH_SET_FS, 0x4c23c0) = 0');
  const fs = mem.alloc(8);
  assert.is(call('arch_prctl', [0x1003, fs], 0, () => mem.write(fs, mem.u64s(0x7f2d20455740))),
    'arch_prctl(ARCH_GET_FS, [0x7f2d20455740]) = 0');
  assert.is(call('arch_prctl', [0x9999, 0], -22), 'arch_prctl(0x9999 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)');
  assert.is(call('set_tid_address', [0x7f6ff086ba10], 18256), 'set_tid_address(0x7f6ff086ba10) = 18256');
  assert.is(call('set_robust_list', [0x7f2d20455a20, 24], 0), 'set_robust_list(0x7f2d20455a20, 24) = 0');
  assert.is(call('rseq', [0x7fe96fec8060, 0x20, 0, 0x53053053], 0), 'rseq(0x7fe96fec8060, 0x20, 0, 0x53053053) = 0');
  assert.is(call('getpid', [], 18939), 'getpid() = 18939');
  const name = mem.put('myname');
  assert.is(call('prctl', [15, name], 0), 'prctl(PR_SET_NAME, "myname") = 0');
  const uts = mem.alloc(390);
  const u = new Uint8Array(390);
  u.set(Buffer.from('Linux'), 0);
  u.set(Buffer.from('vm'), 65);
  assert.is(call('uname', [uts], 0, () => mem.write(uts, u)), 'uname({sysname="Linux", nodename="vm", ...}) = 0');
  const rl = mem.alloc(16);
  assert.is(call('prlimit64', [0, 3, 0, rl], 0, () => mem.write(rl, [...mem.u64s(8192 * 1024), ...Array(8).fill(0xff)])),
    'prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0');
  mem.write(rl, mem.u64s(1000, 20000));
  assert.is(call('prlimit64', [0, 7, rl, 0], 0), 'prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1000, rlim_max=20000}, NULL) = 0');
  assert.is(call('prlimit64', [0, 99, 0, 0], -22), 'prlimit64(0, 0x63 /* RLIMIT_??? */, NULL, NULL) = -1 EINVAL (Invalid argument)');
  const mask = mem.alloc(128);
  assert.is(call('sched_getaffinity', [0, 128, mask], 32, () => mem.write(mask, [3])), 'sched_getaffinity(0, 128, [0 1]) = 32');
  const ids = mem.alloc(12);
  assert.is(call('getresuid', [ids, ids + 4, ids + 8], 0), 'getresuid([0], [0], [0]) = 0');
});

test('signals: rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigreturn, kill', () => {
  const { mem, task, call } = setup();
  const act = mem.put(mem.u64s(0x5605c66d34d9, 0x14000004, 0x7f2d20494050, (1 << 1) | (1 << 14)));
  const old = mem.alloc(32);
  assert.is(call('rt_sigaction', [10, act, old, 8], 0),
    'rt_sigaction(SIGUSR1, {sa_handler=0x5605c66d34d9, sa_mask=[INT TERM], sa_flags=SA_RESTORER|SA_RESTART|SA_SIGINFO, ' +
    'sa_restorer=0x7f2d20494050}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0');
  const ign = mem.put(mem.u64s(1, 0x14000000, 0x7f2d20494050, 1 << 12));
  assert.is(call('rt_sigaction', [13, ign, 0, 8], 0),
    'rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[PIPE], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f2d20494050}, NULL, 8) = 0');
  assert.is(call('rt_sigaction', [99, 0, 0, 8], -22), 'rt_sigaction(99, NULL, NULL, 8) = -1 EINVAL (Invalid argument)');
  assert.is(call('rt_sigaction', [33, 0, 0, 8], 0), 'rt_sigaction(SIGRT_1, NULL, NULL, 8) = 0');

  const all = mem.put([0xff, 0xff, 0xff, 0x7f, 0xfe, 0xff, 0xff, 0xff]);
  const prev = mem.alloc(8);
  assert.is(call('rt_sigprocmask', [2, all, prev, 8], 0, () => mem.write(prev, [0, 0, 1, 0, 8, 0, 0, 0])),
    'rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], [CHLD RT_4], 8) = 0');
  const full = mem.put([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.is(call('rt_sigprocmask', [0, full, prev, 8], 0, () => mem.write(prev, new Uint8Array(8))),
    'rt_sigprocmask(SIG_BLOCK, ~[], [], 8) = 0');
  const ss = mem.put(mem.u64s(0x7fffb8c9b7e0, 0, 8192));
  assert.is(call('sigaltstack', [ss, 0], 0), 'sigaltstack({ss_sp=0x7fffb8c9b7e0, ss_flags=0, ss_size=8192}, NULL) = 0');

  const frame = mem.alloc(0x200);
  task.regs.set(RSP, frame);
  assert.is(call('rt_sigreturn', [], -0x100000, () => task.regs.set(RAX, -4)), 'rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)');
  task.regs.set(RSP, 0);

  assert.is(call('kill', [18939, 0], 0), 'kill(18939, 0) = 0');
  assert.is(call('kill', [1, 77], -22), 'kill(1, 77) = -1 EINVAL (Invalid argument)');
  assert.is(call('tgkill', [1, 1, 6], 0), 'tgkill(1, 1, SIGABRT) = 0');
  assert.is(call('pause', [], -514), 'pause() = ? ERESTARTNOHAND (To be restarted if no handler)');
});

test('time: clock_gettime, clock_nanosleep, gettimeofday, time', () => {
  const { mem, call } = setup();
  const ts = mem.alloc(16);
  assert.is(call('clock_gettime', [1, ts], 0, () => mem.write(ts, mem.u64s(1866, 853037401))),
    'clock_gettime(CLOCK_MONOTONIC, {tv_sec=1866, tv_nsec=853037401}) = 0');
  assert.is(call('clock_gettime', [99, ts], -22),
    `clock_gettime(0x63 /* CLOCK_??? */, 0x${ts.toString(16)}) = -1 EINVAL (Invalid argument)`);
  const req = mem.put(mem.u64s(0, 1000));
  assert.is(call('clock_nanosleep', [0, 0, req, 0], 0), 'clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, NULL) = 0');
  assert.is(call('nanosleep', [req, 0], 0), 'nanosleep({tv_sec=0, tv_nsec=1000}, NULL) = 0');
  const tv = mem.alloc(16);
  assert.is(call('gettimeofday', [tv, 0], 0, () => mem.write(tv, mem.u64s(1795440734, 821089))),
    'gettimeofday({tv_sec=1795440734, tv_usec=821089}, NULL) = 0');
  assert.is(call('time', [0], 1795440734), 'time(NULL) = 1795440734 (2026-11-23T13:32:14+0000)');
});

test('fd control: fcntl, ioctl, dup3, pipe2, lseek, getdents64', () => {
  const { mem, call } = setup();
  assert.is(call('fcntl', [3, 3], 0x8000), 'fcntl(3, F_GETFL) = 0x8000 (flags O_RDONLY|O_LARGEFILE)');
  assert.is(call('fcntl', [3, 1], 1), 'fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)');
  assert.is(call('fcntl', [3, 2, 1], 0), 'fcntl(3, F_SETFD, FD_CLOEXEC) = 0');
  assert.is(call('fcntl', [3, 4, 0o6000], 0), 'fcntl(3, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0');
  assert.is(call('fcntl', [3, 1030, 20], 20), 'fcntl(3, F_DUPFD_CLOEXEC, 20) = 20');
  assert.is(call('fcntl', [1, 9999, [0xffffff80, 0xffffffff]], -22),
    'fcntl(1, 0x270f /* F_??? */, 0xffffffffffffff80) = -1 EINVAL (Invalid argument)');

  assert.is(call('ioctl', [1, 0x5401, 0x7ffc12345678], -25),
    'ioctl(1, TCGETS, 0x7ffc12345678) = -1 ENOTTY (Inappropriate ioctl for device)');
  const tio = mem.alloc(36);
  const t = new Uint8Array(36);
  const d = new DataView(t.buffer);
  d.setUint32(0, 0o2400, true);
  d.setUint32(4, 5, true);
  d.setUint32(8, 0o277, true);
  d.setUint32(12, 0o105073, true);
  assert.is(call('ioctl', [0, 0x5401, tio], 0, () => mem.write(tio, t)),
    'ioctl(0, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, ' +
    'c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0');
  const ws = mem.alloc(8);
  assert.is(call('ioctl', [0, 0x5413, ws], 0, () => mem.write(ws, [24, 0, 80, 0, 0, 0, 0, 0])),
    'ioctl(0, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0');
  const one = mem.put([1, 0, 0, 0]);
  assert.is(call('ioctl', [4, 0x5421, one], 0), 'ioctl(4, FIONBIO, [1]) = 0');
  assert.is(call('ioctl', [1, 0x1234, 5], -25),
    'ioctl(1, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0x5) = -1 ENOTTY (Inappropriate ioctl for device)');

  assert.is(call('dup3', [3, 11, 0o2000000], 11), 'dup3(3, 11, O_CLOEXEC) = 11');
  const fds = mem.alloc(8);
  assert.is(call('pipe2', [fds, 0o2004000], 0, () => mem.write(fds, [4, 0, 0, 0, 5, 0, 0, 0])),
    'pipe2([4, 5], O_NONBLOCK|O_CLOEXEC) = 0');
  assert.is(call('lseek', [3, 0, 2], 50), 'lseek(3, 0, SEEK_END) = 50');
  assert.is(call('lseek', [3, -5, 1], -22), 'lseek(3, -5, SEEK_CUR) = -1 EINVAL (Invalid argument)');

  const dents = mem.alloc(4096);
  const lens = [24, 24, 32, 24, 32, 32];
  const buf = new Uint8Array(168);
  let off = 0;
  for (const l of lens) { buf[off + 16] = l; off += l; }
  assert.is(call('getdents64', [6, dents, 4096], 168, () => mem.write(dents, buf)),
    `getdents64(6, 0x${dents.toString(16)} /* 6 entries */, 4096) = 168`);
});

test('iovecs, getrandom, poll, futex, socket, umask', () => {
  const { mem, call } = setup();
  const ab = mem.put('ab'), cde = mem.put('cde\n');
  const iov = mem.put(mem.u64s(ab, 2, cde, 4));
  assert.is(call('writev', [1, iov, 2], 6), 'writev(1, [{iov_base="ab", iov_len=2}, {iov_base="cde\\n", iov_len=4}], 2) = 6');
  const b1 = mem.alloc(3), b2 = mem.alloc(100);
  const riov = mem.put(mem.u64s(b1, 3, b2, 100));
  const text = Buffer.from('hello\tworld\n"q" \\ \x01\x012\x7f\x80\xff and a long tail of text', 'latin1');
  assert.is(call('readv', [3, riov, 2], 50, () => { mem.write(b1, text.subarray(0, 3)); mem.write(b2, text.subarray(3)); }),
    'readv(3, [{iov_base="hel", iov_len=3}, {iov_base="lo\\tworld\\n\\"q\\" \\\\ \\1\\0012\\177\\200\\377 and a long"..., iov_len=100}], 2) = 50');

  const rnd = mem.alloc(8);
  assert.is(call('getrandom', [rnd, 8, 1], 8, () => mem.write(rnd, [0x07, 0x47, 0x6a, 0x3b, 0x12, 0x53, 0xdc, 0xc3])),
    'getrandom("\\x07\\x47\\x6a\\x3b\\x12\\x53\\xdc\\xc3", 8, GRND_NONBLOCK) = 8');

  const pfd = mem.put([4, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  assert.is(call('poll', [pfd, 3, 100], 1, () => mem.write(pfd + 6, [5, 0])),
    'poll([{fd=4, events=POLLIN|POLLOUT}, {fd=3, events=POLLIN}, {fd=-1}], 3, 100) = 1 ([{fd=4, revents=POLLIN|POLLOUT}])');
  assert.is(call('poll', [pfd + 8, 1, 0], 0), 'poll([{fd=3, events=POLLIN}], 1, 0) = 0 (Timeout)');

  const fw = 0x7ffe1412769c;
  const ts = mem.put(mem.u64s(1, 0));
  assert.is(call('futex', [fw, 128, 1, ts], -11),
    'futex(0x7ffe1412769c, FUTEX_WAIT_PRIVATE, 1, {tv_sec=1, tv_nsec=0}) = -1 EAGAIN (Resource temporarily unavailable)');
  assert.is(call('futex', [fw, 1, 1, ts], 0), 'futex(0x7ffe1412769c, FUTEX_WAKE, 1) = 0');
  assert.is(call('futex', [0x7f5adf692990, 0x109, 19130, 0, 0, 0xffffffff], 0),
    'futex(0x7f5adf692990, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 19130, NULL, FUTEX_BITSET_MATCH_ANY) = 0');

  assert.is(call('socket', [1, 0o2000001, 0], 7), 'socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 7');
  assert.is(call('umask', [0o22], 0o22), 'umask(022) = 022');
  assert.is(call('umask', [0], 0o22), 'umask(000) = 022');
});

test('unknown and undecoded syscalls print raw arguments', () => {
  const { call } = setup();
  assert.is(call(1000, [1, 2, 3, 4, 5, 6], -38),
    'syscall_0x3e8(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)');
  assert.is(call(400, [1, 2, 3, 4, 5, 6], -38),
    'syscall_0x190(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)');
  // io_setup has no decoder: two arguments, small ones in decimal, the rest in hex.
  assert.is(call('io_setup', [128, 0x7ffc00001000], 0), 'io_setup(128, 0x7ffc00001000) = 0');
  assert.is(call('sched_yield', [], 0), 'sched_yield() = 0');
});

test('pid prefix, alignment, signal and exit lines', () => {
  const { strace, task, call, lines } = setup({ showPids: true });
  task.tid = 19130;
  assert.is(call('close', [3], 0), '[pid 19130] close(3) = 0');
  task.tid = 7;
  assert.is(call('close', [3], 0), '[pid     7] close(3) = 0');
  strace.showPids = false;
  strace.column = 40;
  assert.is(call('close', [3], 0), 'close(3)                                = 0');
  assert.is(call('lseek', [3, 0, 2], 50), 'lseek(3, 0, SEEK_END)                   = 50');
  strace.showPids = true;
  task.tid = 19130;
  task.regs.set(RDI, 0);
  lines.length = 0;
  strace.enter(task, syscallNumber('exit'));
  assert.equal(lines, ['[pid 19130] exit(0)                     = ?']);
  strace.showPids = false;
  lines.length = 0;
  strace.signal(task, 14, 0x80);
  strace.signal(task, 11, 1, { addr: 0x10 });
  strace.signal(task, 15, 0, { pid: 1, uid: 0 });
  strace.signal(task, 17, 1, { pid: 18940, uid: 0, status: 0 });
  strace.exited(task, 0);
  strace.killed(task, 9);
  strace.killed(task, 11, true);
  assert.equal(lines, [
    '--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---',
    '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---',
    '--- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---',
    '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=18940, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---',
    '+++ exited with 0 +++',
    '+++ killed by SIGKILL +++',
    '+++ killed by SIGSEGV (core dumped) +++',
  ]);
});

test('blocked calls print once, when they finally return; exit without enter still prints', () => {
  const { strace, mem, task, lines } = setup();
  const buf = mem.alloc(16);
  task.regs.set(RDI, 0); task.regs.set(RSI, buf); task.regs.set(RDX, 16);
  const nr = syscallNumber('read');
  strace.enter(task, nr);
  strace.exit(task, nr, -0x100001); // RET_BLOCK: parked
  assert.is(lines.length, 0);
  mem.write(buf, Buffer.from('hi\n'));
  strace.exit(task, nr, 3);
  assert.equal(lines, ['read(0, "hi\\n", 16) = 3']);
  lines.length = 0;
  const other = { regs: new Regs(), mm: mem, tid: 2 };
  other.regs.set(RDI, 4);
  strace.exit(other, syscallNumber('close'), 0);
  assert.equal(lines, ['close(4) = 0']);
});

test('tasks are traced independently', () => {
  const lines: string[] = [];
  const strace = new Strace((l) => lines.push(l), { showPids: true });
  const mem = new FakeMem();
  const a = { regs: new Regs(), mm: mem, tid: 10 }, b = { regs: new Regs(), mm: mem, tid: 11 };
  const buf = mem.alloc(8);
  a.regs.set(RDI, 0); a.regs.set(RSI, buf); a.regs.set(RDX, 8);
  b.regs.set(RDI, 5);
  strace.enter(a, 0);
  strace.enter(b, 3);
  strace.exit(b, 3, 0);
  mem.write(buf, Buffer.from('x'));
  strace.exit(a, 0, 1);
  assert.equal(lines, ['[pid    11] close(5) = 0', '[pid    10] read(0, "x", 8) = 1']);
});

test.run();
