// A task reading tsvisor's own stdin (a pipe here) parks until data comes, and the
// other tasks go on meanwhile (DESIGN.md, run loop). The guest shell starts a
// background cat on stdin, then prints "tick"; data reaches the pipe only after
// the test has seen "tick". Were the read synchronous, cat would hold up the
// whole sandbox and "tick" would never come.
import { spawn } from 'child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TSVISOR } from './support/paths';
import { platformSkippedLine, platforms } from './support/platforms';

const SCRIPT = 'exec 3<&0; cat <&3 & sleep 0.2; echo tick; wait; echo done';

function runOnce(platform: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // tsvisor's stdin is a real pipe from a host shell that writes once the test says "go"
    // (Node's own child stdio would be a socketpair, which tsvisor reads synchronously).
    const p = spawn('/bin/sh', ['-c', '(read go; echo late data) | exec "$0" "$1" --platform="$2" run /bin/sh -c "$3"',
      process.execPath, TSVISOR, platform, SCRIPT], { cwd: '/', stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    let out = '', err = '', fed = false;
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`no "tick" within 20 s (stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)})`)); }, 20_000);
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!fed && out.includes('tick\n')) { fed = true; p.stdin.end('go\n'); }
    });
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`exit ${code}, stderr ${JSON.stringify(err)}`));
      else resolve(out);
    });
  });
}

for (const p of platforms()) {
  const s = suite(`stdin parks [${p.name}]`);
  if (!p.available) {
    console.log(platformSkippedLine(p, 'stdin parks', 1));
    s.skip('a read of a pipe on stdin parks the task'); // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed above says why
  } else {
    s('a read of a pipe on stdin parks the task', async () => {
      assert.is(await runOnce(p.name), 'tick\nlate data\ndone\n');
    });
  }
  s.run();
}
