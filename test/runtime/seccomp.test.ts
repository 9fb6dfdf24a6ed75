// config.json's linux.seccomp and process.capabilities. The profile compiler
// (src/runtime/seccomp.ts) is checked by running what it makes through the
// kernel's own cBPF interpreter, against each operator's meaning written
// here with BigInt; then, on each platform, containers run with a profile
// that denies mkdir, with containerd's default profile, with and without
// CAP_CHOWN, and an exec'd process gets its own capabilities and the
// container's filter; a profile or capability tsvisor cannot honour is an
// error that names it.
import { spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { installShell } from '../support/busybox';
import { ROOT, TSVISOR } from '../support/paths';
import { platformSkippedLine, platforms } from '../support/platforms';
import { defaultSpec } from '../../src/runtime/defaults';
import { compileSeccomp, type CompiledSeccomp } from '../../src/runtime/seccomp';
import { parseCapabilities } from '../../src/runtime/capabilities';
import { runFilter, SeccompFilter, programOf } from '../../src/kernel/seccomp_bpf';
import { SYSCALL_NAMES, syscallNumber } from '../../src/kernel/syscalls/names';
import { containerdDefaultProfile, CONTAINERD_ALLOWED } from './seccomp_profiles';

const AUDIT_ARCH_X86_64 = 0xc000003e, AUDIT_ARCH_I386 = 0x40000003;
const ALLOW = 0x7fff0000, ERRNO = 0x00050000, KILL_THREAD = 0, KILL_PROCESS = 0x80000000, TRAP = 0x00030000, TRACE = 0x7ff00000, LOG = 0x7ffc0000;
const EPERM = 1, ENOSYS = 38;
const nr = (name: string) => { const n = syscallNumber(name); if (n < 0) throw new Error(name); return n; };

/** What the compiled filter returns for one call (struct seccomp_data built here). */
function verdict(c: CompiledSeccomp, call: number, args: bigint[] = [], arch = AUDIT_ARCH_X86_64): number {
  const f = new SeccompFilter(programOf(c.program), null, false);
  const d = new Uint32Array(16);
  d[0] = call >>> 0; d[1] = arch; d[2] = 0x401000;
  args.forEach((a, i) => { d[4 + 2 * i] = Number(a & 0xffffffffn); d[5 + 2 * i] = Number(a >> 32n); });
  return runFilter(f, d) >>> 0;
}
const compile = (p: object) => compileSeccomp(p)!;

const unit = suite('seccomp profile compiler');

unit('a deny list: mkdir and mkdirat give ERRNO(EPERM), the rest ALLOW; names unknown on x86_64 are skipped', () => {
  const c = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat', 'chown32', 'no_such_call'], action: 'SCMP_ACT_ERRNO' }] });
  assert.is(verdict(c, nr('mkdir')), (ERRNO | EPERM) >>> 0);
  assert.is(verdict(c, nr('mkdirat')), (ERRNO | EPERM) >>> 0);
  for (const n of ['read', 'write', 'rmdir', 'openat', 'clone3']) assert.is(verdict(c, nr(n)), ALLOW, n);
  assert.equal(c.skipped, ['chown32', 'no_such_call']);
});

unit('argument conditions compare 64-bit values, as libseccomp does on x86_64', () => {
  const v = 0x100000010n;
  const probes = [0n, 0x10n, 0x20n, 0x10000000fn, v, 0x100000011n, 0x1ffffffffn, 0x200000000n, 0xffffffffffffffffn];
  const truth: Record<string, (a: bigint) => boolean> = {
    SCMP_CMP_EQ: (a) => a === v, SCMP_CMP_NE: (a) => a !== v, SCMP_CMP_LT: (a) => a < v, SCMP_CMP_LE: (a) => a <= v,
    SCMP_CMP_GT: (a) => a > v, SCMP_CMP_GE: (a) => a >= v,
  };
  for (const [op, holds] of Object.entries(truth)) {
    for (const index of [0, 5]) {
      const c = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 7, args: [{ index, value: Number(v), op }] }] });
      for (const a of probes) {
        const args = new Array<bigint>(6).fill(0n);
        args[index] = a;
        assert.is(verdict(c, nr('getpid'), args), holds(a) ? (ERRNO | 7) >>> 0 : ALLOW, `${op} args[${index}]=0x${a.toString(16)}`);
      }
    }
  }
  const mask = 0xff0000000fn, datum = 0x1200000003n;
  const m = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_KILL_PROCESS', args: [{ index: 2, value: Number(mask), valueTwo: Number(datum), op: 'SCMP_CMP_MASKED_EQ' }] }] });
  for (const a of [0x1200000003n, 0x12ffffff03n, 0x1200000013n, 0x1300000003n, 0x1200000004n, 0n]) {
    assert.is(verdict(m, nr('getpid'), [0n, 0n, a]), (a & mask) === datum ? KILL_PROCESS : ALLOW, `MASKED_EQ 0x${a.toString(16)}`);
  }
});

unit('conditions on two arguments must both hold; two on one argument are alternatives (as runc splits them)', () => {
  const both = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [
    { index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 9, op: 'SCMP_CMP_EQ' }] }] });
  assert.is(verdict(both, nr('kill'), [1n, 9n]), (ERRNO | EPERM) >>> 0);
  assert.is(verdict(both, nr('kill'), [1n, 15n]), ALLOW);
  assert.is(verdict(both, nr('kill'), [2n, 9n]), ALLOW);
  const either = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [
    { index: 1, value: 9, op: 'SCMP_CMP_EQ' }, { index: 1, value: 19, op: 'SCMP_CMP_EQ' }] }] });
  assert.is(verdict(either, nr('kill'), [0n, 9n]), (ERRNO | EPERM) >>> 0);
  assert.is(verdict(either, nr('kill'), [0n, 19n]), (ERRNO | EPERM) >>> 0);
  assert.is(verdict(either, nr('kill'), [0n, 15n]), ALLOW);
});

unit('an unconditional rule of a call wins over its conditional ones; conditional rules go in order', () => {
  const c = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [
    { names: ['getpid'], action: 'SCMP_ACT_TRAP', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
    { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
    { names: ['getppid'], action: 'SCMP_ACT_TRAP', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
    { names: ['getppid'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 0, op: 'SCMP_CMP_GE' }] },
  ] });
  assert.is(verdict(c, nr('getpid'), [1n]), ALLOW);
  assert.is(verdict(c, nr('getppid'), [1n]), TRAP);
  assert.is(verdict(c, nr('getppid'), [2n]), LOG);
});

unit('the default action and its errno; runc\'s ENOSYS for calls numbered above the profile\'s, unless the default allows or is ENOSYS', () => {
  const deny = compile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 13, syscalls: [{ names: ['read', 'openat2'], action: 'SCMP_ACT_ALLOW' }] });
  assert.is(verdict(deny, nr('read')), ALLOW);
  assert.is(verdict(deny, nr('write')), (ERRNO | 13) >>> 0);
  assert.is(verdict(deny, nr('clone3')), (ERRNO | 13) >>> 0, 'clone3 (435) is below openat2 (437)');
  assert.is(verdict(deny, nr('openat2') + 1), (ERRNO | ENOSYS) >>> 0);
  assert.is(verdict(deny, 5000), (ERRNO | ENOSYS) >>> 0);
  const enosys = compile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: ENOSYS, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] });
  assert.is(verdict(enosys, 5000), (ERRNO | ENOSYS) >>> 0);
  const kill = compile({ defaultAction: 'SCMP_ACT_KILL', syscalls: [{ names: ['read', 'close'], action: 'SCMP_ACT_ALLOW' }] });
  assert.is(verdict(kill, nr('write')), KILL_THREAD);
  assert.is(verdict(kill, 5000), (ERRNO | ENOSYS) >>> 0);
  const allow = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_KILL_PROCESS' }] });
  assert.is(verdict(allow, 5000), ALLOW);
  const trace = compile({ defaultAction: 'SCMP_ACT_TRACE', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] });
  assert.is(verdict(trace, 5000), (TRACE | EPERM) >>> 0, 'TRACE carries EPERM unless errnoRet says otherwise');
});

unit('another architecture\'s calls are killed; x32 calls pass only when SCMP_ARCH_X32 is listed', () => {
  const without = compile({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] });
  assert.is(verdict(without, nr('read'), [], AUDIT_ARCH_I386), KILL_THREAD);
  assert.is(verdict(without, 0x40000000 + nr('read')), KILL_THREAD);
  assert.is(verdict(without, nr('read')), ALLOW);
  const withX32 = compile({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'], syscalls: [] });
  assert.is(verdict(withX32, 0x40000000 + nr('read')), ALLOW);
});

unit('profiles tsvisor cannot honour are refused by name', () => {
  const bad: [object, RegExp][] = [
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_NOTIFY' }] }, /syscalls\[0\]\.action: SCMP_ACT_NOTIFY .* not supported/],
    [{ defaultAction: 'SCMP_ACT_NOTIFY' }, /defaultAction: SCMP_ACT_NOTIFY/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock' }, /listenerPath/],
    [{ defaultAction: 'SCMP_ACT_SOMETIMES' }, /unknown action "SCMP_ACT_SOMETIMES"/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_ABOUT' }] }] }, /unknown op "SCMP_CMP_ABOUT"/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }, /index must be 0 to 5/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_VAX'] }, /unknown architecture "SCMP_ARCH_VAX"/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_NEW_LISTENER'] }, /seccomp flag "SECCOMP_FILTER_FLAG_NEW_LISTENER" is not supported/],
  ];
  for (const [p, re] of bad) assert.throws(() => compileSeccomp(p), re, JSON.stringify(p));
  const c = compile({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC'] });
  assert.is(c.flags, 2 | 4 | 1);
  assert.is(compileSeccomp(undefined), undefined);
});

unit('containerd\'s default profile compiles and allows its list, denies the rest with EPERM', () => {
  const c = compile(containerdDefaultProfile(['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE']));
  assert.ok(c.program.length <= 4096, `${c.program.length} instructions`);
  let known = 0;
  for (const name of CONTAINERD_ALLOWED) {
    const n = syscallNumber(name);
    if (n < 0) { assert.ok(c.skipped.includes(name), name); continue; }
    known++;
    assert.is(verdict(c, n), ALLOW, name);
  }
  assert.ok(known > 250, `${known} calls known`);
  for (const n of ['mount', 'unshare', 'setns', 'ptrace', 'reboot', 'chroot', 'kexec_load', 'clone3']) assert.is(verdict(c, nr(n)), (ERRNO | EPERM) >>> 0, n);
  assert.is(verdict(c, nr('clone'), [0x11n]), ALLOW, 'clone(SIGCHLD | ...)');
  assert.is(verdict(c, nr('clone'), [0x20000n | 0x11n]), (ERRNO | EPERM) >>> 0, 'clone(CLONE_NEWNS)');
  assert.is(verdict(c, nr('personality'), [8n]), ALLOW);
  assert.is(verdict(c, nr('personality'), [0xffffffffn]), ALLOW);
  assert.is(verdict(c, nr('personality'), [0x400000n]), (ERRNO | EPERM) >>> 0);
  assert.is(verdict(c, 600), (ERRNO | ENOSYS) >>> 0, 'a call newer than the profile');
  const admin = compile(containerdDefaultProfile(['CAP_SYS_ADMIN']));
  assert.is(verdict(admin, nr('mount')), ALLOW);
  assert.is(verdict(admin, nr('clone'), [0x20000n]), ALLOW);
});

unit('the rules Docker\'s default profile adds to that shape: clone3 answers ENOSYS, socket(AF_VSOCK) is denied', () => {
  const c = compile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: EPERM, architectures: ['SCMP_ARCH_X86_64'], syscalls: [
    { names: ['read', 'write', 'faccessat2'], action: 'SCMP_ACT_ALLOW' },
    { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
  ] });
  assert.is(verdict(c, nr('clone3')), (ERRNO | ENOSYS) >>> 0);
  assert.is(verdict(c, nr('socket'), [2n]), ALLOW);
  assert.is(verdict(c, nr('socket'), [40n]), (ERRNO | EPERM) >>> 0);
  assert.is(verdict(c, nr('socket'), [40n + (1n << 32n)]), ALLOW, 'the whole 64-bit value is compared');
});

unit('hundreds of conditional rules: jumps beyond a conditional jump\'s reach go through JA', () => {
  const names = SYSCALL_NAMES.slice(0, 335).filter((n) => n !== '');
  const syscalls = names.map((name) => ({ names: [name], action: 'SCMP_ACT_ERRNO', errnoRet: nr(name) + 1, args: [{ index: 1, value: nr(name), op: 'SCMP_CMP_EQ' }] }));
  const c = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls });
  assert.ok(c.program.length > 2000, `${c.program.length} instructions`);
  for (const name of names) {
    const n = nr(name);
    assert.is(verdict(c, n, [0n, BigInt(n)]), (ERRNO | (n + 1)) >>> 0, name);
    assert.is(verdict(c, n, [0n, BigInt(n + 1)]), ALLOW, name);
  }
});

unit('capabilities: names to numbers; a name Linux does not have is an error naming it', () => {
  assert.equal(parseCapabilities({ bounding: ['CAP_CHOWN', 'CAP_KILL'], effective: ['CAP_CHECKPOINT_RESTORE'] }, 'process'),
    { bounding: [0, 5], effective: [40], permitted: [], inheritable: [], ambient: [] });
  assert.is(parseCapabilities(undefined, 'process'), undefined);
  assert.throws(() => parseCapabilities({ ambient: ['CAP_CHOWN', 'CAP_FLY'] }, 'process'), /process\.capabilities\.ambient: unknown capability "CAP_FLY"/);
  assert.throws(() => parseCapabilities({ permitted: 'CAP_CHOWN' }, 'process'), /must be an array/);
});

unit.run();

// ---- containers ----------------------------------------------------------------------

const WAIT_MS = 60_000;
interface Ctx { dir: string; root: string; log: string; platform: string; n: number }

function runtime(c: Ctx, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [TSVISOR, '--root', c.root, '--log', c.log, '--log-format', 'json', '--platform', c.platform, ...args], {
    encoding: 'utf8', timeout: WAIT_MS,
  });
}
function lastError(c: Ctx): string {
  const lines = fs.existsSync(c.log) ? fs.readFileSync(c.log, 'utf8').trim().split('\n') : [];
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i] === '') continue;
    const rec = JSON.parse(lines[i]!) as { level: string; msg: string };
    if (rec.level === 'error') return rec.msg;
  }
  return '';
}
/** A bundle running args over the busybox test root (read-only), with edit applied to runc's default spec. */
function bundle(c: Ctx, args: string[], edit: (s: Record<string, any>) => void = () => {}): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const b = path.join(c.dir, `bundle${++c.n}`);
  fs.mkdirSync(b);
  const s = defaultSpec() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  s.root = { path: ROOT, readonly: true };
  s.process.terminal = false;
  s.process.args = args;
  edit(s);
  fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(s));
  return b;
}
const caps = (names: string[]) => ({ bounding: names, effective: names, permitted: names, inheritable: names, ambient: names });
const DENY_MKDIR = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }] };

function containerSuite(platform: string, available: boolean, why: string): void {
  const s = suite(`oci seccomp and capabilities [${platform}]`);
  const c: Ctx = { dir: '', root: '', log: '', platform, n: 0 };
  const tests: [string, () => void][] = [];
  const t = (name: string, f: () => void) => tests.push([name, f]);

  t('a profile denying mkdir with EPERM: mkdir fails with "Operation not permitted", other commands run', () => {
    const b = bundle(c, ['sh', '-c', 'mkdir /tmp/x; echo "mkdir: $?"; echo data > /tmp/f && cat /tmp/f; ls -d /tmp/x 2>/dev/null || echo no-dir; grep Seccomp /proc/self/status'],
      (sp) => { sp.linux.seccomp = DENY_MKDIR; });
    const r = runtime(c, ['run', '--bundle', b, 'denymkdir']);
    assert.is(r.status, 0, `${r.stderr}\n${lastError(c)}`);
    assert.is(r.stdout, 'mkdir: 1\ndata\nno-dir\nSeccomp:\t2\nSeccomp_filters:\t1\n');
    assert.match(r.stderr, /mkdir: can't create directory '\/tmp\/x': Operation not permitted/);
    const plain = runtime(c, ['run', '--bundle', bundle(c, ['sh', '-c', 'mkdir /tmp/x && echo made; grep Seccomp: /proc/self/status']), 'plain']);
    assert.is(plain.stdout, 'made\nSeccomp:\t0\n', plain.stderr);
  });

  t('containerd\'s default profile: a busybox shell runs pipelines, subshells and children under it', () => {
    const b = bundle(c, ['sh', '-c', 'echo start; (echo sub; ls /bin | grep -c busybox) | cat; x=$(echo nested); echo $x; sleep 0 & wait; grep Seccomp /proc/self/status; exit 3'], (sp) => {
      sp.linux.seccomp = containerdDefaultProfile(sp.process.capabilities.bounding as string[]);
    });
    const r = runtime(c, ['run', '--bundle', b, 'dflt']);
    assert.is(r.stdout, 'start\nsub\n1\nnested\nSeccomp:\t2\nSeccomp_filters:\t1\n', `${r.stderr}\n${lastError(c)}`);
    assert.is(r.status, 3);
  });

  t('capabilities: without CAP_CHOWN chown of a file gives EPERM; with it the chown works; CapEff shows the set', () => {
    const cmd = ['sh', '-c', 'touch /tmp/f && chown 1000 /tmp/f && echo chowned; grep -E "^Cap(Eff|Bnd)" /proc/self/status'];
    const without = runtime(c, ['run', '--bundle', bundle(c, cmd, (sp) => { sp.process.capabilities = caps(['CAP_KILL', 'CAP_NET_BIND_SERVICE']); }), 'nochown']);
    assert.is(without.stdout, 'CapEff:\t0000000000000420\nCapBnd:\t0000000000000420\n', without.stderr);
    assert.match(without.stderr, /chown: \/tmp\/f: Operation not permitted/);
    const withCap = runtime(c, ['run', '--bundle', bundle(c, cmd, (sp) => { sp.process.capabilities = caps(['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']); }), 'chown']);
    assert.is(withCap.stdout, 'chowned\nCapEff:\t0000000000000421\nCapBnd:\t0000000000000421\n', withCap.stderr);
  });

  t('exec --process: the process\'s own capabilities and the container\'s seccomp filter', () => {
    const b = bundle(c, ['sleep', '100'], (sp) => { sp.linux.seccomp = DENY_MKDIR; });
    const d = runtime(c, ['run', '-d', '--bundle', b, 'execd']);
    assert.is(d.status, 0, lastError(c));
    try {
      const proc = path.join(c.dir, 'process.json');
      const base = (JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8')) as { process: Record<string, unknown> }).process;
      fs.writeFileSync(proc, JSON.stringify({ ...base, args: ['sh', '-c', 'mkdir /tmp/y || echo denied; grep CapEff /proc/self/status'], capabilities: caps(['CAP_KILL']) }));
      const r = runtime(c, ['exec', '--process', proc, 'execd']);
      assert.is(r.stdout, 'denied\nCapEff:\t0000000000000020\n', `${r.stderr}\n${lastError(c)}`);
      fs.writeFileSync(proc, JSON.stringify({ ...base, args: ['true'], capabilities: caps(['CAP_KILL', 'CAP_WISHFUL']) }));
      const bad = runtime(c, ['exec', '--process', proc, 'execd']);
      assert.is.not(bad.status, 0);
      assert.match(lastError(c) + bad.stderr, /unknown capability "CAP_WISHFUL"/);
    } finally {
      runtime(c, ['delete', '--force', 'execd']);
    }
  });

  t('config errors name what tsvisor cannot honour: SCMP_ACT_NOTIFY, an unknown capability', () => {
    const notify = runtime(c, ['run', '--bundle', bundle(c, ['true'], (sp) => {
      sp.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] };
    }), 'notify']);
    assert.is(notify.status, 1);
    assert.match(lastError(c), /linux\.seccomp\.syscalls\[0\]\.action: SCMP_ACT_NOTIFY/);
    const cap = runtime(c, ['run', '--bundle', bundle(c, ['true'], (sp) => { sp.process.capabilities.bounding.push('CAP_TELEPORT'); }), 'badcap']);
    assert.is(cap.status, 1);
    assert.match(lastError(c), /process\.capabilities\.bounding: unknown capability "CAP_TELEPORT"/);
  });

  if (!available) console.log(platformSkippedLine({ name: platform, available, why }, 'oci seccomp and capabilities', tests.length));
  s.before(() => {
    if (!available) return;
    installShell();
    c.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-seccomp-'));
    c.root = path.join(c.dir, 'state');
    c.log = path.join(c.dir, 'log.json');
  });
  for (const [name, f] of tests) {
    if (available) s(name, f);
    else s.skip(name); // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed above says why
  }
  s.after(() => { if (c.dir) fs.rmSync(c.dir, { recursive: true, force: true }); });
  s.run();
}

for (const p of platforms()) containerSuite(p.name, p.available, p.why ?? '');
