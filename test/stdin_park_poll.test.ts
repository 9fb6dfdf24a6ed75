// poll, ppoll, select, pselect6 and epoll (level- and edge-triggered) on
// tsvisor's own stdin report the host's readiness and wake when input comes:
// test/programs/stdio/stdin_wait.c waits 300 ms before any input (nothing may be
// ready), then waits without a timeout for each input the test writes and for
// the end of input (the hangup), while a child of it spins without a system call.
// Its stdin is a real pipe (through a host cat) or the socketpair Node's spawn
// makes; it runs natively with the same stdio, and both outputs must be equal
// (the revents are Linux's own for that object: POLLHUP on a pipe whose writer
// is gone, POLLIN|POLLHUP on a socket whose peer closed).
import { spawn } from 'child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBuilt, planGroup } from './support/build';
import { ROOT, TSVISOR } from './support/paths';
import { platformSkippedLine, platforms } from './support/platforms';

const MODES = ['poll', 'ppoll', 'select', 'pselect', 'epoll', 'epoll_et'];
type Kind = 'pipe' | 'socket';
const KINDS: Kind[] = ['pipe', 'socket'];

const { binaries, notes } = planGroup('stdio');
for (const n of notes) console.log(`!!! ${n}`);
const bin = binaries.find((b) => b.name === 'stdio/stdin_wait' && b.variant === 'glibc');

/** Runs argv with stdin as `kind`, feeding it as stdin_wait.c asks; resolves to its stdout. */
function drive(argv: string[], kind: Kind): Promise<string> {
  const sh = kind === 'socket' ? 'exec "$@"' : 'cat | exec "$@"';
  return new Promise((resolve, reject) => {
    const p = spawn('/bin/sh', ['-c', sh, 'sh', ...argv], { cwd: '/', stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    let out = '', err = '', step = 0;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`no end within 20 s (stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)})`));
    }, 20_000);
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (step === 0 && out.includes('W1\n')) { step = 1; p.stdin.write('hello\n'); }
      if (step === 1 && /^D1 .*\n/m.test(out)) { step = 2; p.stdin.write('more\n'); }
      // Closed, not shut down: a shut-down socket shows POLLHUP only once Node closes it later.
      if (step === 2 && /^D2 .*\n/m.test(out)) { step = 3; p.stdin.destroy(); }
    });
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    p.stdin.on('error', () => {});
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`exit ${code}, stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`));
      else resolve(out);
    });
  });
}

/** The lines every mode must print whatever the object (the hangup's bits are compared with
 *  the native run's). */
function checkShape(out: string): void {
  assert.match(out, /^T n=0 ev=0x0\nW1\nR1 n=1 ev=0x[0-9a-f]+\nD1 hello\nR2 n=1 ev=0x[0-9a-f]+\nD2 more\nR3 n=1 ev=0x[0-9a-f]+\nE end\n$/);
}

const native = new Map<string, Promise<string>>();
function nativeRun(mode: string, kind: Kind): Promise<string> {
  const key = `${mode}/${kind}`;
  if (!native.has(key)) native.set(key, ensureBuilt(bin!).then(() => drive([bin!.host, mode], kind)));
  return native.get(key)!;
}

for (const p of platforms()) {
  const s = suite(`stdin readiness [${p.name}]`);
  const count = MODES.length * KINDS.length;
  if (!p.available || bin === undefined) {
    if (!p.available) console.log(platformSkippedLine(p, 'stdin readiness', count));
    else console.log(`!!! stdin readiness [${p.name}]: gcc cannot build test/programs/stdio/stdin_wait.c: all ${count} tests SKIPPED`);
    for (const mode of MODES) for (const kind of KINDS) s.skip(`${mode} on stdin (${kind})`); // reason: platform or compiler missing, printed above
  } else {
    for (const mode of MODES) {
      for (const kind of KINDS) {
        s(`${mode} on stdin (${kind})`, async () => {
          const want = await nativeRun(mode, kind);
          checkShape(want);
          const got = await drive([TSVISOR, `--platform=${p.name}`, 'run', '--root', ROOT, bin.guest, mode], kind);
          assert.is(got, want);
        });
      }
    }
  }
  s.run();
}
