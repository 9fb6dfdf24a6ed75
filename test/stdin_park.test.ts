// tsvisor's own stdio never blocks the sandbox (DESIGN.md, run loop): a task
// reading stdin parks until data comes, a task writing to a full stdout parks
// until there is room, and the other tasks go on meanwhile. Each case runs with
// the stdio as a real pipe (through a host `cat`) and as the socketpair Node's
// spawn makes ('pipe'), which cannot be reopened and is read and written with
// MSG_DONTWAIT. Were a read or write synchronous, it would hold up the whole
// sandbox and the "tick" the test waits for would never come.
// test/stdin_park_poll.test.ts covers poll, select and epoll on stdin.
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TSVISOR } from './support/paths';
import { platformSkippedLine, platforms } from './support/platforms';

type Kind = 'pipe' | 'socket';
const KINDS: Kind[] = ['pipe', 'socket'];

/** The command line that runs tsvisor on `platform` with `script` (host root's /bin/sh) and its
 *  stdin (in) or stdout (out) as `kind`: a pipe goes through a host cat, a socket is Node's own.
 *  The host cat's own complaints are not the test's business: writing on into the socket the
 *  test closed, it gets EPIPE or, when data was still unread there, ECONNRESET ("write error:
 *  Connection reset by peer"), as Linux decides. */
function command(platform: string, script: string, kind: Kind, end: 'in' | 'out'): [string, string[]] {
  const run = ['"$0" "$1" --platform="$2" run /bin/sh -c "$3"'];
  const sh = kind === 'socket' ? `exec ${run[0]}` : end === 'in' ? `cat | exec ${run[0]}` : `${run[0]} | cat 2>/dev/null`;
  return ['/bin/sh', ['-c', sh, process.execPath, TSVISOR, platform, script]];
}

interface Run { out: string; err: string }

/** Runs the command; `react` sees stdout and stderr as they grow and drives the child. Rejects
 *  after 20 s (the sandbox held up) or on a non-zero exit (unless anyExit). */
function drive(cmd: [string, string[]], react: (p: ChildProcessWithoutNullStreams, r: Run) => void,
  readOut = (_r: Run) => true, anyExit = false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd[0], cmd[1], { cwd: '/', stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    const r: Run = { out: '', err: '' };
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`held up for 20 s (stdout ${JSON.stringify(r.out.slice(-200))}, stderr ${JSON.stringify(r.err)})`));
    }, 20_000);
    const onOut = (b: Buffer): void => { r.out += b.toString('latin1'); react(p, r); };
    // Read stdout only once readOut says so (a full stdout is the point of some cases).
    const startOut = (): void => { if (p.stdout.listenerCount('data') === 0 && readOut(r)) p.stdout.on('data', onOut); };
    p.stderr.on('data', (b: Buffer) => { r.err += b.toString(); react(p, r); startOut(); });
    p.stdin.on('error', () => {});
    startOut();
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && !anyExit) reject(new Error(`exit ${code}, stderr ${JSON.stringify(r.err)}`));
      else resolve(r);
    });
  });
}

/** A background cat reads stdin; "tick" comes while it waits; then the data. */
async function readParks(platform: string, kind: Kind): Promise<string> {
  const script = 'exec 3<&0; cat <&3 & sleep 0.2; echo tick; wait; echo done';
  let fed = false;
  const r = await drive(command(platform, script, kind, 'in'), (p, r) => {
    if (!fed && r.out.includes('tick\n')) { fed = true; p.stdin.end('late data\n'); }
  });
  return r.out;
}

/** Two reads, each parked until the test writes (the host watch fires, then is armed again). */
async function readParksTwice(platform: string, kind: Kind): Promise<string> {
  const script = 'exec 3<&0; (read a <&3; echo "got $a"; read b <&3; echo "got $b") & sleep 0.2; echo tick; wait; echo done';
  let step = 0;
  const r = await drive(command(platform, script, kind, 'in'), (p, r) => {
    if (step === 0 && r.out.includes('tick\n')) { step = 1; p.stdin.write('first\n'); }
    if (step === 1 && r.out.includes('got first\n')) { step = 2; setTimeout(() => p.stdin.end('second\n'), 200); }
  });
  return r.out;
}

const BIG = 16_000_000;

/** A background head fills stdout (the test does not read it yet); "tick" still comes on stderr,
 *  then the test reads every byte. */
async function writeParks(platform: string, kind: Kind): Promise<string> {
  const script = `head -c ${BIG} /dev/zero & sleep 0.2; echo tick >&2; wait; echo done >&2`;
  const r = await drive(command(platform, script, kind, 'out'), () => {}, (r) => r.err.includes('tick\n'));
  return `${r.out.length} ${/^\0*$/.test(r.out)} ${r.err}`;
}

/** The reader of stdout goes away: the guest's next write gets EPIPE and SIGPIPE, which kills a
 *  process that is not init (a shell reports 141), as natively. */
async function writeGetsSigpipe(platform: string, kind: Kind): Promise<string> {
  const script = '/usr/bin/yes; echo status $? >&2';
  const r = await drive(command(platform, script, kind, 'out'), (p, r) => {
    if (r.out.length > 0 && !p.stdout.destroyed) p.stdout.destroy();
  }, () => true, true);
  return r.err;
}

for (const p of platforms()) {
  const s = suite(`stdin parks [${p.name}]`);
  const cases: [string, (platform: string, kind: Kind) => Promise<string>, string][] = [
    ['a read of stdin parks the task', readParks, 'tick\nlate data\ndone\n'],
    ['a second read of stdin parks again', readParksTwice, 'tick\ngot first\ngot second\ndone\n'],
    ['a write to a full stdout parks the task', writeParks, `${BIG} true tick\ndone\n`],
    ['a write to a closed stdout gets SIGPIPE', writeGetsSigpipe, 'status 141\n'],
  ];
  for (const [name, fn, want] of cases) {
    for (const kind of KINDS) {
      const title = `${name} (${kind})`;
      if (!p.available) {
        s.skip(title); // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed below says why
        continue;
      }
      s(title, async () => { assert.is(await fn(p.name, kind), want); });
    }
  }
  if (!p.available) console.log(platformSkippedLine(p, 'stdin parks', cases.length * KINDS.length));
  s.run();
}
