// config.json validation (src/runtime/spec.ts): what is accepted, how it is
// normalised, and that every rejection names what is wrong.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBundle, parseResources, planMounts, validateProcess, validateSpec, type OciSpec } from '../../src/runtime/spec';
import { defaultSpec } from '../../src/runtime/defaults';

const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-spec-'));
fs.mkdirSync(path.join(bundle, 'rootfs'));
fs.mkdirSync(path.join(bundle, 'data'));

function spec(edit: (s: OciSpec & { process: NonNullable<OciSpec['process']> }) => void = () => {}): OciSpec {
  const s = JSON.parse(JSON.stringify(defaultSpec())) as OciSpec & { process: NonNullable<OciSpec['process']> };
  edit(s);
  return s;
}
function rejects(s: unknown, pattern: RegExp): void {
  assert.throws(() => validateSpec(s, bundle), (e: Error) => pattern.test(e.message), `expected an error matching ${pattern}`);
}

test('the default spec (runc spec) is accepted and normalised', () => {
  const c = validateSpec(spec(), bundle);
  assert.is(c.rootfs, path.join(bundle, 'rootfs'));
  assert.is(c.readonlyRoot, true);
  assert.is(c.hostname, 'tsvisor');
  assert.is(c.network, 'none');
  assert.equal(c.process.args, ['sh']);
  assert.is(c.memoryLimit, undefined);
  const kinds = c.mounts.map((m) => `${m.kind}:${m.destination}`);
  assert.equal(kinds, ['builtin:/proc', 'builtin:/dev', 'builtin:/dev/pts', 'builtin:/dev/shm', 'builtin:/dev/mqueue', 'builtin:/sys', 'builtin:/sys/fs/cgroup']);
});

test('loadBundle reads config.json and says when it is missing or broken', () => {
  assert.throws(() => loadBundle(bundle), /config.json not found/);
  fs.writeFileSync(path.join(bundle, 'config.json'), '{ nope');
  assert.throws(() => loadBundle(bundle), /invalid JSON/);
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec()));
  assert.is(loadBundle(bundle).bundle, bundle);
  fs.unlinkSync(path.join(bundle, 'config.json'));
});

test('root.path is relative to the bundle and must be a directory', () => {
  rejects(spec((s) => { s.root = { path: 'missing' }; }), /rootfs \(.*missing\) does not exist/);
  fs.writeFileSync(path.join(bundle, 'file'), '');
  rejects(spec((s) => { s.root = { path: 'file' }; }), /is not a directory/);
  rejects(spec((s) => { delete s.root; }), /root.path must be set/);
  assert.is(validateSpec(spec((s) => { s.root = { path: bundle + '/rootfs', readonly: false }; }), bundle).readonlyRoot, false);
});

test('process: args, cwd, env, user, rlimits are checked', () => {
  rejects(spec((s) => { s.process.args = []; }), /args must not be empty/);
  rejects(spec((s) => { s.process.cwd = 'relative'; }), /cwd must be an absolute path/);
  rejects(spec((s) => { s.process.cwd = ''; }), /cwd property must not be empty/);
  rejects(spec((s) => { s.process.env = ['NOEQUALS']; }), /not of the form KEY=VALUE/);
  rejects(spec((s) => { s.process.user = { uid: -1, gid: 0 }; }), /uid and gid must be integers/);
  rejects(spec((s) => { s.process.rlimits = [{ type: 'RLIMIT_BOGUS', soft: 1, hard: 1 }]; }), /RLIMIT_BOGUS" is not supported/);
  rejects(spec((s) => { s.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 5 }]; }), /above the hard limit/);
  rejects(spec((s) => { s.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }, { type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }]; }), /duplicated/);
  const p = validateProcess({ args: ['x'], cwd: '/', user: { uid: 5, gid: 6, additionalGids: [7] } }, 'process');
  assert.equal(p.user, { uid: 5, gid: 6, additionalGids: [7] });
});

test('namespaces: none listed means the host network, network alone loopback only, a network path that namespace; joining any other by path is refused', () => {
  assert.is(validateSpec(spec((s) => { s.linux!.namespaces = [{ type: 'pid' }, { type: 'uts' }]; }), bundle).network, 'host');
  assert.is(validateSpec(spec((s) => { s.linux!.namespaces = [{ type: 'network' }, { type: 'uts' }]; }), bundle).network, 'none');
  assert.equal(validateSpec(spec((s) => { s.linux!.namespaces = [{ type: 'network', path: '/run/netns/x' }, { type: 'uts' }]; }), bundle).network, { path: '/run/netns/x' });
  rejects(spec((s) => { s.linux!.namespaces = [{ type: 'ipc', path: '/proc/1/ns/ipc' }]; }), /joining the ipc namespace .* not supported/);
  rejects(spec((s) => { s.linux!.namespaces = [{ type: 'bogus' }]; }), /namespace type "bogus" is not known/);
  rejects(spec((s) => { s.linux!.namespaces = [{ type: 'pid' }]; }), /hostname without a private UTS namespace/);
});

test('resources: memory.limit becomes the cap (2 MiB granules), pids.limit the task cap', () => {
  const c = validateSpec(spec((s) => { s.linux!.resources = { memory: { limit: 100 * 1024 * 1024 + 1 }, pids: { limit: 42 } }; }), bundle);
  assert.is(c.memoryLimit, 102 * 1024 * 1024);
  assert.is(c.pidsLimit, 42);
  assert.equal(parseResources({ memory: { limit: -1 }, pids: { limit: 0 } }), { memoryLimit: undefined, pidsLimit: undefined });
  assert.throws(() => parseResources({ memory: { limit: 4096 } }), /below tsvisor's minimum/);
});

test('annotations: the platform annotation must name a platform', () => {
  assert.is(validateSpec(spec((s) => { s.annotations = { 'dev.tsvisor.platform': 'kvm' }; }), bundle).platform, 'kvm');
  rejects(spec((s) => { s.annotations = { 'dev.tsvisor.platform': 'qemu' }; }), /unknown platform "qemu"/);
});

test('hooks: host hooks are kept, in-container hooks are refused', () => {
  const c = validateSpec(spec((s) => { s.hooks = { prestart: [{ path: '/bin/true' }], poststop: [{ path: '/bin/true', args: ['true'], timeout: 3 }] }; }), bundle);
  assert.is(c.hooks.prestart?.length, 1);
  rejects(spec((s) => { s.hooks = { createContainer: [{ path: '/bin/true' }] }; }), /createContainer .* not supported/);
  rejects(spec((s) => { s.hooks = { prestart: [{ path: 'relative' }] }; }), /absolute path/);
});

test('mounts: bind, tmpfs and the standard file systems are planned; others are refused by name', () => {
  const m = planMounts([
    { destination: '/data', type: 'bind', source: 'data', options: ['rbind', 'ro'] },
    { destination: '/scratch', type: 'tmpfs', options: ['size=1m', 'mode=755'] },
  ], bundle);
  assert.equal(m, [
    { kind: 'bind', destination: '/data', source: path.join(bundle, 'data'), readonly: true },
    { kind: 'tmpfs', destination: '/scratch', readonly: false, size: 1024 * 1024, mode: 0o755 },
  ]);
  assert.throws(() => planMounts([{ destination: '/x', type: 'nfs', source: 'host:/x' }], bundle), /mount nfs at \/x: file system type "nfs" is not supported/);
  assert.throws(() => planMounts([{ destination: '/elsewhere', type: 'proc' }], bundle), /serves proc only at \/proc/);
  assert.throws(() => planMounts([{ destination: '/x', type: 'bind', source: 'nothere' }], bundle), /does not exist/);
  fs.writeFileSync(path.join(bundle, 'afile'), '');
  assert.equal(planMounts([{ destination: '/etc/hosts/', type: 'bind', source: 'afile', options: ['ro'] }], bundle),
    [{ kind: 'bind', destination: '/etc/hosts', source: path.join(fs.realpathSync(bundle), 'afile'), readonly: true }]);
  fs.symlinkSync('afile', path.join(bundle, 'alink'));
  assert.equal(planMounts([{ destination: '/a', type: 'bind', source: 'alink' }], bundle)[0], { kind: 'bind', destination: '/a', source: path.join(fs.realpathSync(bundle), 'afile'), readonly: false });
  fs.symlinkSync('/etc/passwd', path.join(bundle, 'out'));
  assert.throws(() => planMounts([{ destination: '/a', type: 'bind', source: 'out' }], bundle), /symbolic link that leads out of the bundle/);
  assert.throws(() => planMounts([{ destination: '/a', type: 'bind', source: '/dev/null' }], bundle), /is a device node; tsvisor bind-mounts directories and regular files only/);
  assert.throws(() => planMounts([{ destination: '/x', type: 'tmpfs', options: ['ro'] }], bundle), /read-only tmpfs/);
  assert.throws(() => planMounts([{ destination: '/sys/fs/cgroup', type: 'cgroup2', options: ['rw'] }], bundle), /writable cgroup file system is not supported/);
  assert.throws(() => planMounts([{ destination: '/cg', type: 'cgroup', options: ['ro'] }], bundle), /serves cgroup only at \/sys\/fs\/cgroup/);
  assert.throws(() => planMounts([{ destination: '/mq', type: 'mqueue' }], bundle), /serves mqueue only at \/dev\/mqueue/);
  assert.throws(() => planMounts([{ destination: '/x', type: 'tmpfs', options: ['huge=always'] }], bundle), /option "huge=always" is not supported/);
});

test.after(() => fs.rmSync(bundle, { recursive: true, force: true }));
test.run();
