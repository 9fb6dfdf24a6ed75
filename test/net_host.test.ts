// Host networking (tsvisor run --network=host; an OCI config without a network
// namespace): AF_INET sockets in the sandbox are host sockets. A host process
// runs a TCP and a UDP echo server on 127.0.0.1; test/programs/net/host_net.c
// talks to them (blocking and non-blocking connect, send/recv, recvfrom's
// address, MSG_TRUNC, poll, shutdown, SO_ERROR of a refused connect), serves a
// connection of its own forked child through the host's loopback, and checks
// errors. Its output in the sandbox must equal its native output. Without
// --network=host the same program reaches nothing of the host (ECONNREFUSED).
import { spawn } from 'child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBuilt, planGroup } from './support/build';
import { BASE_ENV } from './support/cases';
import { ROOT } from './support/paths';
import { platforms, platformSkippedLine } from './support/platforms';
import { nativeInRoot } from './support/root';
import { runSandbox } from './support/run';

const { binaries } = planGroup('net');
const bin = binaries.find((b) => b.name === 'net/host_net' && b.variant === 'glibc');

/** The echo servers (a child process, so that they answer while a sandbox runs synchronously):
 *  their TCP and UDP ports and a port nobody listens on. */
const SERVER = `
const net = require('net'), dgram = require('dgram');
const t = net.createServer((c) => { c.on('data', (d) => c.write(d)); c.on('end', () => c.end()); c.on('error', () => {}); });
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send(m, r.port, r.address));
t.listen(0, '127.0.0.1', () => u.bind(0, '127.0.0.1', () => {
  const free = net.createServer();
  free.listen(0, '127.0.0.1', () => { const p = free.address().port; free.close(() => console.log(t.address().port + ' ' + u.address().port + ' ' + p)); });
}));
process.stdin.on('end', () => process.exit(0)).resume();`;

function startServers(): Promise<{ ports: string[]; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ ports: out.trim().split(' '), stop: () => { p.stdin.end(); p.kill(); } });
    });
    p.on('error', reject);
  });
}

for (const p of platforms()) {
  const s = suite(`host network [${p.name}]`);
  if (!p.available) {
    console.log(platformSkippedLine(p, 'host network', 2));
    s.skip('host_net.c matches native'); // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed above says why
    s.skip('without --network=host nothing of the host is reached'); // reason: as above
    s.run();
    continue;
  }
  if (!bin) {
    console.log(`  skip host network on ${p.name}: gcc could not build test/programs/net/host_net.c`);
    s.skip('host_net.c matches native'); // reason: its C program cannot be built here (no gcc), printed above
    s.skip('without --network=host nothing of the host is reached'); // reason: as above
    s.run();
    continue;
  }
  let servers: { ports: string[]; stop: () => void };
  s.before(async () => { await ensureBuilt(bin); servers = await startServers(); });
  s.after(() => servers.stop());
  const args = () => [`tcp:${servers.ports[0]}`, `udp:${servers.ports[1]}`, servers.ports[2]!];

  s('host_net.c matches native', () => {
    const native = nativeInRoot({ argv: (at) => [at(bin.guest), ...args()], input: '', env: BASE_ENV });
    assert.is(native.status, 0, native.stderr);
    const r = runSandbox(p.name, [bin.guest, ...args()], { root: ROOT, env: BASE_ENV, flags: ['--network=host'] });
    assert.is(r.error, undefined, r.error);
    assert.is(r.stdout, native.stdout);
    assert.is(r.status, 0, r.stderr);
  });

  s('without --network=host nothing of the host is reached', () => {
    const r = runSandbox(p.name, [bin.guest, ...args(), 'probe'], { root: ROOT, env: BASE_ENV });
    assert.is(r.error, undefined, r.error);
    assert.is(r.stdout, 'tcp connect: -1 ECONNREFUSED\n');
    const h = runSandbox(p.name, [bin.guest, ...args(), 'probe'], { root: ROOT, env: BASE_ENV, flags: ['--network=host'] });
    assert.is(h.stdout, 'tcp connect: ok\n', 'and with it, the same probe connects');
  });
  s.run();
}
