// User-namespace id maps (OCI linux.uidMappings/gidMappings): the map itself as
// Linux checks and prints it, and host files seen and made through it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { EACCES, EINVAL, EOVERFLOW, EPERM } from '../../../src/kernel/errno';
import { O_CREAT, O_RDONLY, O_WRONLY } from '../../../src/kernel/abi/fcntl';
import { ST_GID, ST_UID } from '../../../src/kernel/abi/stat';
import { IdMap, OVERFLOW_ID } from '../../../src/kernel/idmap';
import { fsOpenSyscalls as op } from '../../../src/kernel/syscalls/fs_open';
import { fsStatSyscalls as st } from '../../../src/kernel/syscalls/fs_stat';
import { fsModifySyscalls as md } from '../../../src/kernel/syscalls/fs_modify';
import { makeFixture, makeHarness, removeFixture, type Harness } from './harness';

const M = suite('id maps');

M('ids translate both ways; unmapped ids read as the overflow id', () => {
  const m = IdMap.of([{ inside: 0, outside: 100000, count: 1000 }, { inside: 5000, outside: 7, count: 1 }]);
  assert.is(m.toHost(0), 100000);
  assert.is(m.toHost(999), 100999);
  assert.is(m.toHost(1000), -1);
  assert.is(m.toHost(5000), 7);
  assert.is(m.fromHost(100500), 500);
  assert.is(m.fromHost(7), 5000);
  assert.is(m.fromHost(0), OVERFLOW_ID);
  assert.is(m.text(), '         0     100000       1000\n      5000          7          1\n');
  assert.is(IdMap.identity.text(), '         0          0 4294967295\n', 'as /proc/self/uid_map in the initial namespace');
  assert.is(IdMap.identity.toHost(1234), 1234);
});

M('maps Linux refuses are refused', () => {
  assert.throws(() => IdMap.of([]), /at least one/);
  assert.throws(() => IdMap.of([{ inside: 0, outside: 0, count: 0 }]), /bad id range/);
  assert.throws(() => IdMap.of([{ inside: 0, outside: 1, count: 10 }, { inside: 5, outside: 100, count: 10 }]), /overlap/);
  assert.throws(() => IdMap.of([{ inside: 0, outside: 1, count: 10 }, { inside: 50, outside: 5, count: 10 }]), /overlap/);
  assert.throws(() => IdMap.of([{ inside: 4294967290, outside: 0, count: 10 }]), /wraps/);
  assert.throws(() => IdMap.of([{ inside: -1, outside: 0, count: 1 }]), /bad id range/);
});

M.run();

const H = suite('hostfs through id maps');
const fx = makeFixture();
let h: Harness;
const ids = {
  uid: IdMap.of([{ inside: 0, outside: 100000, count: 65536 }]),
  gid: IdMap.of([{ inside: 0, outside: 200000, count: 65536 }]),
};
fs.mkdirSync(path.join(fx.root, 'pub'));
fs.chmodSync(path.join(fx.root, 'pub'), 0o777);
H.before.each(() => { h = makeHarness(fx.root, undefined, 'writable', ids); });
H.after.each(() => { h.close(); });
H.after(() => removeFixture(fx.top));

function owner(p: string): [number, number] | number {
  const buf = h.alloc(144);
  const r = h.call(st.lstat!, h.str(p), buf);
  if (r < 0) return r;
  const dv = new DataView(h.peek(buf, 144).buffer.slice(0));
  return [dv.getUint32(ST_UID, true), dv.getUint32(ST_GID, true)];
}

H('owners are shown through the maps', () => {
  fs.writeFileSync(path.join(fx.root, 'mapped'), 'x');
  fs.chownSync(path.join(fx.root, 'mapped'), 100000 + 1000, 200000 + 50);
  assert.equal(owner('/mapped'), [1000, 50]);
  // The fixture's files belong to the host's root, which the map leaves out.
  assert.equal(owner('/etc/passwd'), [OVERFLOW_ID, OVERFLOW_ID]);
});

H('a file made by the sandbox belongs to the host ids its creator stands for', () => {
  h.t.creds.fsuid = 1000; h.t.creds.fsgid = 1000;
  const fd = h.call(op.open!, h.str('/pub/made'), O_CREAT | O_WRONLY, 0o644);
  assert.ok(fd >= 0, `open: ${fd}`);
  const s = fs.lstatSync(path.join(fx.root, 'pub/made'));
  assert.is(s.uid, 101000);
  assert.is(s.gid, 201000);
  assert.equal(owner('/pub/made'), [1000, 1000]);
  h.t.creds.fsuid = 0; h.t.creds.fsgid = 0;
});

H('chown stores the host id; an id the map lacks is EINVAL and changes nothing', () => {
  fs.writeFileSync(path.join(fx.root, 'own'), 'x');
  fs.chownSync(path.join(fx.root, 'own'), 100000, 200000);
  assert.is(h.call(md.chown!, h.str('/own'), 42, 43), 0);
  assert.is(fs.statSync(path.join(fx.root, 'own')).uid, 100042);
  assert.is(fs.statSync(path.join(fx.root, 'own')).gid, 200043);
  assert.is(h.call(md.chown!, h.str('/own'), 70000, -1), -EINVAL);
  assert.is(fs.statSync(path.join(fx.root, 'own')).uid, 100042);
});

H('a creator with no host id cannot make a file', () => {
  h.t.creds.fsuid = 70000;
  assert.is(h.call(op.open!, h.str('/pub/nobody'), O_CREAT | O_WRONLY, 0o644), -EOVERFLOW);
  assert.not.ok(fs.existsSync(path.join(fx.root, 'pub/nobody')));
  h.t.creds.fsuid = 0;
});

H('a file whose owner is outside the maps is no one\'s: no capability overrides its mode (capable_wrt_inode_uidgid)', () => {
  const open = (p: string) => { const fd = h.call(op.open!, h.str(p), O_RDONLY, 0); return fd < 0 ? fd : 0; };
  // Host root's file, 0600: root inside holds CAP_DAC_OVERRIDE, but host uid 0 has no id inside.
  fs.writeFileSync(path.join(fx.root, 'hostroot'), 'secret');
  fs.chmodSync(path.join(fx.root, 'hostroot'), 0o600);
  assert.is(open('/hostroot'), -EACCES);
  assert.is(h.call(md.chmod!, h.str('/hostroot'), 0o644), -EPERM, 'CAP_FOWNER does not apply either');
  assert.is(h.call(md.chown!, h.str('/hostroot'), 0, 0), -EPERM, 'nor CAP_CHOWN');
  assert.is(fs.statSync(path.join(fx.root, 'hostroot')).mode & 0o777, 0o600);
  // The owner shows as the overflow id, but the sandbox's own user 65534 (host 165534) is not it.
  h.t.creds.fsuid = OVERFLOW_ID; h.t.creds.fsgid = OVERFLOW_ID;
  fs.chmodSync(path.join(fx.root, 'hostroot'), 0o660);
  assert.is(open('/hostroot'), -EACCES);
  h.t.creds.fsuid = 0; h.t.creds.fsgid = 0;
  // A file owned by ids inside (7, host 100007): root's capabilities apply.
  fs.writeFileSync(path.join(fx.root, 'mapped7'), 'x');
  fs.chownSync(path.join(fx.root, 'mapped7'), 100000 + 7, 200000 + 7);
  fs.chmodSync(path.join(fx.root, 'mapped7'), 0o600);
  assert.is(open('/mapped7'), 0);
  assert.is(h.call(md.chmod!, h.str('/mapped7'), 0o640), 0);
});

H.run();
