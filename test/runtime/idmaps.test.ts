// config.json's linux.uidMappings/gidMappings (src/runtime/idmaps.ts): what is
// accepted and refused, then on each platform a container in a user namespace
// whose root is host uid 100000: it reads its maps in /proc, sees the owners of
// a bound host directory through them, and what it creates or chowns there
// carries the host ids its own stand for.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { installShell } from '../support/busybox';
import { ROOT, TSVISOR } from '../support/paths';
import { platformSkippedLine, platforms } from '../support/platforms';
import { defaultSpec } from '../../src/runtime/defaults';
import { parseIdMappings } from '../../src/runtime/idmaps';
import { IdMap } from '../../src/kernel/idmap';

const UID_MAP = [{ containerID: 0, hostID: 100000, size: 65536 }];
const GID_MAP = [{ containerID: 0, hostID: 200000, size: 65536 }];

const unit = suite('id mappings in config.json');

unit('mappings with a user namespace become the sandbox maps; without one, the identity', () => {
  const ids = parseIdMappings({ uidMappings: UID_MAP, gidMappings: GID_MAP }, true);
  assert.is(ids.uid.toHost(0), 100000);
  assert.is(ids.gid.toHost(5), 200005);
  assert.is(parseIdMappings({}, false).uid, IdMap.identity);
});

unit('what runc refuses is refused, by name', () => {
  const bad = (linux: Record<string, unknown>, user: boolean, re: RegExp) =>
    assert.throws(() => parseIdMappings(linux, user), (e: Error) => re.test(e.message), `expected ${re}`);
  bad({ uidMappings: UID_MAP, gidMappings: GID_MAP }, false, /need a user namespace/);
  bad({ uidMappings: UID_MAP }, true, /needs both/);
  bad({}, true, /needs both/);
  bad({ uidMappings: [{ containerID: 0, hostID: -1, size: 1 }], gidMappings: GID_MAP }, true, /uidMappings\[0\]\.hostID/);
  bad({ uidMappings: [{ containerID: 0, hostID: 1, size: 10 }, { containerID: 5, hostID: 100, size: 1 }], gidMappings: GID_MAP }, true, /overlap/);
  bad({ uidMappings: 'x', gidMappings: GID_MAP }, true, /must be an array/);
});

unit.run();

function runSuite(platform: string, available: boolean, why: string): void {
  const s = suite(`oci id mappings [${platform}]`);
  const name = 'a container in a user namespace: its maps, owners through them, files it makes and chowns on the host';
  if (!available) {
    console.log(platformSkippedLine({ name: platform, available, why }, 'oci id mappings', 1));
    s.skip(name); // reason: this platform is not available on this machine; the line printed above says why
    s.run();
    return;
  }
  let dir = '';
  s.before(() => {
    installShell();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-idmap-'));
  });
  s.after(() => fs.rmSync(dir, { recursive: true, force: true }));

  s(name, () => {
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.chownSync(data, 100000, 200000);
    fs.writeFileSync(path.join(data, 'f'), 'x');
    fs.chownSync(path.join(data, 'f'), 101000, 200005);
    fs.writeFileSync(path.join(data, 'hostroot'), 'x'); // the host's root: no id inside
    const b = path.join(dir, 'bundle');
    fs.mkdirSync(b);
    const spec = defaultSpec() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    spec.root = { path: ROOT, readonly: true };
    spec.process.terminal = false;
    spec.process.args = ['sh', '-c',
      'cat /proc/self/uid_map /proc/self/gid_map; stat -c "%n %u %g" /data /data/f /data/hostroot; ' +
      'touch /data/new; chown 7:8 /data/f; stat -c "%n %u %g" /data/new /data/f; chown 70000 /data/new || echo refused'];
    // runc's default capabilities lack CAP_CHOWN.
    for (const set of ['bounding', 'effective', 'permitted']) spec.process.capabilities[set].push('CAP_CHOWN');
    spec.linux.namespaces.push({ type: 'user' });
    spec.linux.uidMappings = UID_MAP;
    spec.linux.gidMappings = GID_MAP;
    spec.mounts.push({ destination: '/data', type: 'bind', source: data, options: ['rbind', 'rw'] });
    fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(spec));
    const r = spawnSync(process.execPath, [TSVISOR, '--root', path.join(dir, 'state'), '--platform', platform, 'run', '--bundle', b, 'ids'],
      { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.stdout,
      '         0     100000      65536\n         0     200000      65536\n' +
      '/data 0 0\n/data/f 1000 5\n/data/hostroot 65534 65534\n' +
      '/data/new 0 0\n/data/f 7 8\nrefused\n', r.stderr);
    assert.is(r.stderr, "chown: /data/new: Invalid argument\n");
    const made = fs.statSync(path.join(data, 'new'));
    assert.equal([made.uid, made.gid], [100000, 200000]);
    const f = fs.statSync(path.join(data, 'f'));
    assert.equal([f.uid, f.gid], [100007, 200008]);
  });
  s.run();
}

for (const p of platforms()) runSuite(p.name, p.available, p.why);
