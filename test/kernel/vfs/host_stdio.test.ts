// tsvisor's own stdio as a host pipe (a FIFO here, opened blocking as a caller's
// shell would): reads and writes that would block park the task, poll and epoll
// report the host's readiness and park until the host watch (the event loop)
// wakes them, edge-triggered items fire again after an EAGAIN, a long write keeps
// its progress across parks, and the hangup shows as POLLHUP.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EAGAIN } from '../../../src/kernel/errno';
import { O_NONBLOCK } from '../../../src/kernel/abi/fcntl';
import { EPOLL_CTL_ADD, EPOLLET, EPOLLIN, POLLHUP, POLLIN, POLLOUT, POLLRDNORM } from '../../../src/kernel/abi/poll';
import { RET_BLOCK } from '../../../src/kernel/syscalls/types';
import { pollSyscalls as pl } from '../../../src/kernel/syscalls/poll';
import { epollSyscalls as ep } from '../../../src/kernel/syscalls/epoll';
import { fsIoSyscalls as io } from '../../../src/kernel/syscalls/fs_io';
import { fsFcntlSyscalls as fc } from '../../../src/kernel/syscalls/fs_fcntl';
import type { Task } from '../../../src/kernel/task';
import { HostStreamFile } from '../../../src/kernel/vfs/host_stdio';
import { makeIpcHarness, type IpcHarness } from './ipc_harness';

let h: IpcHarness;
let dir: string;
let hostFds: number[] = [];
const parked = new Set<Task>();
const S = suite('host stdio');
S.before.each(() => {
  h = makeIpcHarness();
  parked.clear();
  (h.t.kernel as unknown as Record<string, unknown>).parkOnHost = (t: Task) => { parked.add(t); };
  dir = fs.mkdtempSync('/tmp/tsvisor-hoststdio-');
});
S.after.each(() => {
  h.dispose();
  for (const fd of hostFds) fs.closeSync(fd);
  hostFds = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const F_SETFL = 4;

/** A FIFO with both ends open on the host, blocking as a shell's pipe is; `end` of it is installed
 *  as a guest fd through the stdio wrapper. Returns the guest fd and a host fd of the other end
 *  (the reader non-blocking, for draining). */
function fifo(end: 'read' | 'write'): { fd: number; other: number } {
  const p = path.join(dir, 'f');
  execFileSync('mkfifo', [p]);
  // The read end first without waiting for a writer, then a blocking description of it.
  const r0 = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const w = fs.openSync(p, fs.constants.O_WRONLY);
  const r = fs.openSync(`/proc/self/fd/${r0}`, fs.constants.O_RDONLY);
  hostFds.push(r0, w, r);
  const f = h.vfs.stdioFile(end === 'read' ? r : w);
  assert.ok(f instanceof HostStreamFile);
  return { fd: h.t.files.install(f, false), other: end === 'read' ? w : r0 };
}

function pollfd(fd: number, events: number): number {
  const a = h.alloc(8);
  const b = Buffer.alloc(8);
  b.writeInt32LE(fd, 0);
  b.writeUInt16LE(events, 4);
  h.poke(a, b);
  return a;
}
const revents = (a: number) => h.peek(a + 6, 2).readUInt16LE(0);

/** Waits (the event loop runs the host watch) until t is woken; fails after a second. */
async function woken(t: Task): Promise<void> {
  for (let i = 0; i < 100 && !h.woken.has(t); i++) await sleep(10);
  assert.ok(h.woken.has(t), 'the host watch woke the task');
}

S('poll reports the host pipe: nothing, then POLLIN after a wake, then POLLHUP', async () => {
  const { fd, other } = fifo('read');
  const a = pollfd(fd, POLLIN);
  assert.is(h.sys(h.t, pl.poll!, a, 1, 0), 0, 'empty: not ready');
  assert.is(h.sys(h.t, pl.poll!, a, 1, -1), RET_BLOCK);
  assert.ok(parked.has(h.t), 'the task waits for the host');
  await sleep(30);
  assert.not.ok(h.woken.has(h.t), 'no wake without input');
  fs.writeSync(other, 'x');
  await woken(h.t);
  assert.is(h.resume(h.t), 1);
  assert.is(revents(a), POLLIN);
  assert.is(h.sys(h.t, io.read!, fd, h.alloc(4), 4), 1);
  fs.closeSync(other);
  hostFds = hostFds.filter((x) => x !== other);
  assert.is(h.sys(h.t, pl.poll!, a, 1, 0), 1);
  assert.is(revents(a), POLLHUP, 'no writer left: POLLHUP alone, as Linux gives for a pipe');
});

S('a blocking read parks, and parks again after the first wake', async () => {
  const { fd, other } = fifo('read');
  const buf = h.alloc(16);
  for (const word of ['one', 'two']) {
    assert.is(h.sys(h.t, io.read!, fd, buf, 16), RET_BLOCK);
    fs.writeSync(other, word);
    await woken(h.t);
    assert.is(h.resume(h.t), 3);
    assert.is(h.peek(buf, 3).toString(), word);
  }
});

S('epoll, edge-triggered: fires on input, not again for the same input, again after EAGAIN', async () => {
  const { fd, other } = fifo('read');
  const e = h.sys(h.t, ep.epoll_create1!, 0);
  const evt = h.alloc(12);
  const b = Buffer.alloc(12);
  b.writeUInt32LE((EPOLLIN | EPOLLET) >>> 0, 0);
  h.poke(evt, b);
  assert.is(h.sys(h.t, ep.epoll_ctl!, e, EPOLL_CTL_ADD, fd, evt), 0);
  assert.is(h.sys(h.t, fc.fcntl!, fd, F_SETFL, O_NONBLOCK), 0);
  const out = h.alloc(12);
  assert.is(h.sys(h.t, ep.epoll_wait!, e, out, 1, -1), RET_BLOCK);
  fs.writeSync(other, 'ab');
  await woken(h.t);
  assert.is(h.resume(h.t), 1);
  assert.is(h.peek(out, 4).readUInt32LE(0), EPOLLIN);
  assert.is(h.sys(h.t, io.read!, fd, h.alloc(1), 1), 1);
  assert.is(h.sys(h.t, ep.epoll_wait!, e, out, 1, 0), 0, 'the same input does not fire again');
  assert.is(h.sys(h.t, io.read!, fd, h.alloc(4), 4), 1);
  assert.is(h.sys(h.t, io.read!, fd, h.alloc(4), 4), -EAGAIN);
  assert.is(h.sys(h.t, ep.epoll_wait!, e, out, 1, -1), RET_BLOCK);
  assert.ok(parked.has(h.t));
  fs.writeSync(other, 'c');
  await woken(h.t);
  assert.is(h.resume(h.t), 1);
});

S('a write to a full host pipe parks and keeps its progress until every byte is in', async () => {
  const { fd, other } = fifo('write');
  const n = 256 * 1024;
  const src = h.alloc(n);
  h.poke(src, Buffer.alloc(n, 0x61));
  const a = pollfd(fd, POLLOUT);
  assert.is(h.sys(h.t, pl.poll!, a, 1, 0), 1);
  assert.is(h.sys(h.t, io.write!, fd, src, n), RET_BLOCK);
  assert.ok(h.t.waitProgress > 0 && h.t.waitProgress < n, 'part of it went in before the pipe filled');
  assert.is(h.sys(h.thread(), pl.poll!, a, 1, 0), 0, 'full: not writable');
  let got = 0, r = 0;
  const drain = Buffer.alloc(n);
  for (let i = 0; i < 200 && r !== n; i++) {
    try { got += fs.readSync(other, drain, 0, n, null); } catch { /* EAGAIN: empty */ }
    await sleep(5);
    if (h.woken.has(h.t)) r = h.resume(h.t);
  }
  try { got += fs.readSync(other, drain, 0, n, null); } catch { /* empty */ }
  assert.is(r, n, 'the write returns every byte');
  assert.is(got, n);
  assert.is(h.sys(h.t, pl.poll!, a, 1, 0), 1);
  assert.is(revents(a) & (POLLOUT | POLLRDNORM), POLLOUT);
});

S.run();
