// Sockets never reach the host: the host listens on a unix socket inside the
// sandbox's root directory, on an abstract name and on 127.0.0.1; a program
// in the sandbox tries all three (test/programs/net/connect_to.c) and must be
// refused every time (the sandbox has its own abstract names, its own
// loopback network, and never opens a host socket found in the root), while
// the host's listeners see no connection and no datagram (a UDP send to the
// host's port succeeds inside, as to any port nobody in the sandbox has).
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as dgram from 'dgram';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBuilt, planGroup } from './support/build';
import { BASE_ENV } from './support/cases';
import { ROOT } from './support/paths';
import { platforms, platformSkippedLine } from './support/platforms';
import { sandboxInRoot } from './support/root';

const { binaries } = planGroup('net');
const bin = binaries.find((b) => b.name === 'net/connect_to' && b.variant === 'glibc');
const DIR = path.join(ROOT, 'net-isolation');

function listen(server: net.Server, where: string | number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'number') server.listen(where, '127.0.0.1', () => resolve());
    else server.listen(where, () => resolve());
  });
}

for (const p of platforms()) {
  const s = suite(`net isolation [${p.name}]`);
  if (!p.available) {
    console.log(platformSkippedLine(p, 'net isolation', 1));
    s.skip('host sockets are unreachable'); // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed above says why
    s.run();
    continue;
  }
  if (!bin) {
    console.log(`  skip net isolation on ${p.name}: gcc could not build test/programs/net/connect_to.c`);
    s.skip('host sockets are unreachable'); // reason: its C program cannot be built here (no gcc), printed above
    s.run();
    continue;
  }
  s('host sockets are unreachable', async () => {
    await ensureBuilt(bin);
    fs.rmSync(DIR, { recursive: true, force: true });
    fs.mkdirSync(DIR, { recursive: true });
    let connections = 0;
    const onConn = (c: net.Socket): void => { connections++; c.destroy(); };
    const pathServer = net.createServer(onConn), abstractServer = net.createServer(onConn);
    const tcpServer = net.createServer(onConn);
    const sockPath = path.join(DIR, 'host.sock');
    const abstract = `tsvisor-isolation-${process.pid}`;
    let datagrams = 0;
    const udp = dgram.createSocket('udp4');
    udp.on('message', () => { datagrams++; });
    try {
      await listen(pathServer, sockPath);
      await listen(abstractServer, `\0${abstract}`);
      await listen(tcpServer, 0);
      const port = (tcpServer.address() as net.AddressInfo).port;
      await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
      const udpPort = udp.address().port;
      const inv = {
        argv: (at: (g: string) => string) => [at(bin.guest), '/net-isolation/host.sock', `@${abstract}`, `tcp:${port}`,
          `udp:${udpPort}`],
        input: '', env: BASE_ENV, pid1: true,
      };
      const r = sandboxInRoot(p.name, inv);
      assert.is(r.error, undefined, r.error);
      assert.is(r.stdout, [
        'path stream connect: -1 ECONNREFUSED',
        'path datagram send: -1 ECONNREFUSED',
        'abstract stream connect: -1 ECONNREFUSED',
        'abstract datagram send: -1 ECONNREFUSED',
        'tcp connect: -1 ECONNREFUSED',
        'udp sendto (dropped: nobody in the sandbox has the port): 1',
        '',
      ].join('\n'));
      // Let the event loop take whatever might have arrived while the sandbox ran.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.is(connections, 0, 'the host listeners saw no connection');
      assert.is(datagrams, 0, 'the host UDP socket got nothing');
      assert.ok(fs.statSync(sockPath).isSocket(), 'the host socket is still there, untouched');
    } finally {
      pathServer.close(); abstractServer.close(); tcpServer.close(); udp.close();
      fs.rmSync(DIR, { recursive: true, force: true });
    }
  });
  s.run();
}
