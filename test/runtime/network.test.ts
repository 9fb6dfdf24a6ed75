// config.json's network namespace (issue 6): a container whose config lists no
// network namespace shares the host's network (its AF_INET sockets are host
// sockets), one with a network namespace of its own has only its loopback, and
// one whose network namespace has a path (a pod's, made by CNI) gets its
// sockets there. The probe (test/programs/net/host_net.c) connects to a host
// TCP server on 127.0.0.1: reached, refused, and unreachable (the namespace at
// the path, made by `unshare --net`, has its loopback down) respectively.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBuilt, planGroup } from '../support/build';
import { installShell } from '../support/busybox';
import { ROOT, TSVISOR } from '../support/paths';
import { platformSkippedLine, platforms } from '../support/platforms';
import { defaultSpec } from '../../src/runtime/defaults';

const { binaries } = planGroup('net');
const bin = binaries.find((b) => b.name === 'net/host_net' && b.variant === 'glibc');

/** A TCP server on 127.0.0.1 in a child process (it must answer while tsvisor runs synchronously). */
function startServer(): Promise<{ port: string; stop: () => void }> {
  const src = `const s = require('net').createServer((c) => c.on('error', () => {}));
s.listen(0, '127.0.0.1', () => console.log(s.address().port)); process.stdin.on('end', () => process.exit(0)).resume();`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', src], { stdio: ['pipe', 'pipe', 'inherit'] });
    p.stdout.once('data', (d: Buffer) => resolve({ port: d.toString().trim(), stop: () => { p.stdin.end(); p.kill(); } }));
    p.on('error', reject);
  });
}

/** A process in a new network namespace (loopback down), whose /proc/PID/ns/net a config can name. */
function startNetns(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn('unshare', ['--net', 'sh', '-c', 'echo ready; exec sleep 120'], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout!.once('data', () => resolve(p));
    p.on('error', reject);
  });
}

for (const p of platforms()) {
  const s = suite(`oci network [${p.name}]`);
  const names = ['no network namespace: the host network', 'a network namespace: loopback only',
    'a network namespace path: that namespace'];
  if (!p.available || !bin) {
    if (!p.available) console.log(platformSkippedLine(p, 'oci network', names.length));
    else console.log(`  skip oci network on ${p.name}: gcc could not build test/programs/net/host_net.c`);
    for (const n of names) s.skip(n); // reason: the platform is not available here, or the probe cannot be built; printed above
    s.run();
    continue;
  }
  let dir = '';
  let server: { port: string; stop: () => void };
  s.before(async () => {
    installShell();
    await ensureBuilt(bin);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-net-'));
    server = await startServer();
  });
  s.after(() => { server.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  /** Runs the probe in a container whose namespaces are `ns`; its stdout. */
  const probe = (id: string, ns: Record<string, string>[]): string => {
    const b = path.join(dir, id);
    fs.mkdirSync(b);
    const spec = defaultSpec() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    spec.root = { path: ROOT, readonly: true };
    spec.process.terminal = false;
    spec.process.args = [bin.guest, `tcp:${server.port}`, 'udp:0', '0', 'probe'];
    spec.linux.namespaces = ns;
    fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(spec));
    const r = spawnSync(process.execPath, [TSVISOR, '--root', path.join(dir, 'state'), '--platform', p.name, 'run', '--bundle', b, id],
      { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.stderr, '');
    return r.stdout;
  };
  const base = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];

  s(names[0]!, () => { assert.is(probe('host', base), 'tcp connect: ok\n'); });
  s(names[1]!, () => { assert.is(probe('none', [...base, { type: 'network' }]), 'tcp connect: -1 ECONNREFUSED\n'); });
  s(names[2]!, async () => {
    const holder = await startNetns();
    try {
      const out = probe('path', [...base, { type: 'network', path: `/proc/${holder.pid}/ns/net` }]);
      assert.is(out, 'tcp connect: -1 ENETUNREACH\n');
    } finally {
      holder.kill();
    }
  });
  s.run();
}
