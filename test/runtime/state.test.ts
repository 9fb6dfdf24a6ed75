// Container state (src/runtime/state.ts): atomic writes, liveness of the
// recorded sandbox, runc's state JSON; signal names (src/runtime/signals.ts).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listIds, liveStatus, ociState, processStart, readState, rfc3339Now, validateId, writeFileAtomic, writeState, type StoredState } from '../../src/runtime/state';
import { parseSignal } from '../../src/runtime/signals';
import { RuntimeLog } from '../../src/runtime/log';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-state-'));

function stored(id: string, pid: number, pidStart: number): StoredState {
  return { id, pid, pidStart, status: 'running', bundle: '/b', rootfs: '/b/rootfs', created: rfc3339Now(), annotations: {}, owner: 'root' };
}

test('writeFileAtomic replaces the file whole and leaves no temp file', () => {
  const f = path.join(root, 'atomic');
  writeFileAtomic(f, 'one');
  writeFileAtomic(f, 'two');
  assert.is(fs.readFileSync(f, 'utf8'), 'two');
  assert.equal(fs.readdirSync(root).filter((n) => n.startsWith('atomic')), ['atomic']);
});

test('state round trip, list, and a missing container', () => {
  fs.mkdirSync(path.join(root, 'c1'));
  writeState(root, stored('c1', process.pid, processStart(process.pid)));
  assert.is(readState(root, 'c1')?.id, 'c1');
  assert.is(readState(root, 'nope'), null);
  fs.mkdirSync(path.join(root, 'no-state'));
  assert.equal(listIds(root), ['c1']);
});

test('a live sandbox keeps its status; a dead or reused pid reads as stopped with pid 0', () => {
  const me = stored('me', process.pid, processStart(process.pid));
  assert.is(liveStatus(me), 'running');
  assert.is(ociState(me).pid, process.pid);
  const r = spawnSync('true');
  const dead = stored('dead', r.pid!, 12345);
  assert.is(liveStatus(dead), 'stopped');
  assert.is(ociState(dead).pid, 0);
  const reused = stored('reused', process.pid, processStart(process.pid) + 1);
  assert.is(liveStatus(reused), 'stopped');
});

test('ociState has runc\'s fields (annotations only when there are some)', () => {
  const s = ociState(stored('x', process.pid, processStart(process.pid)));
  assert.equal(Object.keys(s), ['ociVersion', 'id', 'pid', 'status', 'bundle', 'rootfs', 'created', 'owner']);
  assert.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/.test(s.created), s.created);
  const a = ociState({ ...stored('y', 0, 0), annotations: { k: 'v' } });
  assert.equal(a.annotations, { k: 'v' });
});

test('container ids: runc\'s character set', () => {
  validateId('abc-1.2_x+y');
  assert.throws(() => validateId('../x'), /invalid container id/);
  assert.throws(() => validateId('a/b'), /invalid container id/);
  assert.throws(() => validateId(''), /cannot be empty/);
});

test('signals: numbers, names with and without SIG, real-time names', () => {
  assert.is(parseSignal('9'), 9);
  assert.is(parseSignal('KILL'), 9);
  assert.is(parseSignal('SIGTERM'), 15);
  assert.is(parseSignal('sigusr1'), 10);
  assert.is(parseSignal('SIGRTMIN+2'), 36);
  assert.is(parseSignal('RTMAX'), 64);
  assert.throws(() => parseSignal('SIGNOPE'), /unknown signal/);
  assert.throws(() => parseSignal('65'), /unknown signal/);
});

test('the log: JSON lines as containerd reads them, or logrus text', () => {
  const f = path.join(root, 'log.json');
  const j = new RuntimeLog(f, 'json', false, false);
  j.error('container not running');
  j.debug('hidden without --debug');
  j.close();
  const lines = fs.readFileSync(f, 'utf8').trim().split('\n');
  assert.is(lines.length, 1);
  const rec = JSON.parse(lines[0]!) as { level: string; msg: string; time: string };
  assert.is(rec.level, 'error');
  assert.is(rec.msg, 'container not running');
  assert.ok(!Number.isNaN(Date.parse(rec.time)));
  const t = new RuntimeLog(undefined, 'text', true, false);
  assert.ok(/^time=".*" level=warning msg="a \\"b\\""\n$/.test(t.line('warning', 'a "b"')));
});

test.after(() => fs.rmSync(root, { recursive: true, force: true }));
test.run();
