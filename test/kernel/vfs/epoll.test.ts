// Readiness waits through the handlers: poll/ppoll/select parking on several
// queues and waking, deadlines, temporary signal masks; epoll_wait parking and
// EINTR, items going with their files; eventfd and timerfd blocking reads.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EAGAIN, EINTR, EINVAL, ERESTARTNOHAND, ERESTARTSYS } from '../../../src/kernel/errno';
import { EFD_SEMAPHORE, EPOLL_CTL_ADD, EPOLLET, EPOLLIN, POLLIN, POLLOUT } from '../../../src/kernel/abi/poll';
import { RET_BLOCK } from '../../../src/kernel/syscalls/types';
import { pipeSyscalls as pp } from '../../../src/kernel/syscalls/pipe';
import { pollSyscalls as pl } from '../../../src/kernel/syscalls/poll';
import { epollSyscalls as ep } from '../../../src/kernel/syscalls/epoll';
import { eventfdSyscalls as ev } from '../../../src/kernel/syscalls/eventfd';
import { timerfdSyscalls as tf } from '../../../src/kernel/syscalls/timerfd';
import { fsIoSyscalls as io } from '../../../src/kernel/syscalls/fs_io';
import { fsOpenSyscalls as op } from '../../../src/kernel/syscalls/fs_open';
import { fsFcntlSyscalls as fc } from '../../../src/kernel/syscalls/fs_fcntl';
import { makeInfo } from '../../../src/kernel/task_signals';
import type { PipeFile } from '../../../src/kernel/vfs/pipe';
import { makeIpcHarness, type IpcHarness } from './ipc_harness';

let h: IpcHarness;
const S = suite('readiness');
S.before.each(() => { h = makeIpcHarness(); });
S.after.each(() => { h.dispose(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pipe(flags = 0): [number, number] {
  const a = h.alloc(8);
  assert.is(h.sys(h.t, pp.pipe2!, a, flags), 0);
  const b = h.peek(a, 8);
  return [b.readInt32LE(0), b.readInt32LE(4)];
}

function pollfds(...e: [number, number][]): number {
  const a = h.alloc(8 * e.length);
  const b = Buffer.alloc(8 * e.length);
  e.forEach(([fd, events], i) => { b.writeInt32LE(fd, i * 8); b.writeUInt16LE(events, i * 8 + 4); });
  h.poke(a, b);
  return a;
}
const revents = (a: number, i: number) => h.peek(a + i * 8 + 6, 2).readUInt16LE(0);

function u64(v: number): number {
  const a = h.alloc(8);
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  h.poke(a, b);
  return a;
}

S('poll parks on every fd and wakes on any of them', () => {
  const [r1] = pipe();
  const [r2, w2] = pipe();
  const fds = pollfds([r1, POLLIN], [r2, POLLIN]);
  assert.is(h.sys(h.t, pl.poll!, fds, 2, -1), RET_BLOCK);
  assert.is(h.t.waitInterruptResult, -ERESTARTNOHAND);
  assert.is(h.sys(h.thread(), io.write!, w2, h.str('x'), 1), 1);
  assert.ok(h.woken.has(h.t));
  assert.is(h.resume(h.t), 1);
  assert.is(revents(fds, 0), 0);
  assert.is(revents(fds, 1), POLLIN);
  assert.is(h.t.waitActive, false);
  assert.is((h.t.files.get(r1) as PipeFile).readyQueue().size, 0, 'no queue keeps the task');
});

S('poll: the deadline ends the wait with 0', async () => {
  const [r] = pipe();
  const fds = pollfds([r, POLLIN]);
  assert.is(h.sys(h.t, pl.poll!, fds, 1, 20), RET_BLOCK);
  await sleep(60);
  assert.ok(h.woken.has(h.t), 'the timer woke the task');
  assert.is(h.resume(h.t), 0);
  assert.is(h.sys(h.t, pl.poll!, fds, 1, 0), 0, 'timeout 0 never parks');
});

S('ppoll: the temporary mask holds during the wait and goes back after', () => {
  const [r, w] = pipe();
  h.t.sigMaskLo = 0x1234;
  const mask = u64(0xffffffff);
  const fds = pollfds([r, POLLIN]);
  assert.is(h.sys(h.t, pl.ppoll!, fds, 1, 0, mask, 8), RET_BLOCK);
  assert.is(h.t.sigMaskLo, (0xffffffff & ~((1 << 8) | (1 << 18))) >>> 0, 'SIGKILL and SIGSTOP stay unblocked');
  assert.ok(h.t.hasSavedMask);
  h.sys(h.thread(), io.write!, w, h.str('x'), 1);
  assert.is(h.resume(h.t), 1);
  assert.is(h.t.sigMaskLo, 0x1234);
  assert.is(h.t.hasSavedMask, false);
  // Interrupted: the saved mask stays for signal delivery to restore.
  const [r2] = pipe();
  assert.is(h.sys(h.t, pl.ppoll!, pollfds([r2, POLLIN]), 1, 0, mask, 8), RET_BLOCK);
  assert.is(h.interrupt(h.t), -ERESTARTNOHAND);
  assert.ok(h.t.hasSavedMask);
  assert.is(h.t.savedMaskLo, 0x1234);
  h.t.hasSavedMask = false;
  h.t.sigMaskLo = 0x1234;
  assert.is(h.sys(h.t, pl.ppoll!, fds, 1, 0, mask, 4), -EINVAL);
});

S('ppoll: a pending signal the mask lets through ends the call at once', () => {
  const [r] = pipe();
  h.t.sigMaskLo = 1 << 9; // SIGUSR1 blocked
  h.t.pending.add(makeInfo(10, 0));
  assert.is(h.sys(h.t, pl.ppoll!, pollfds([r, POLLIN]), 1, 0, u64(0), 8), -ERESTARTNOHAND);
  assert.is(h.t.waitActive, false);
  assert.ok(h.t.hasSavedMask, 'delivery restores the mask');
});

S('select parks, wakes, and counts ready bits', () => {
  const [r, w] = pipe();
  const set = h.alloc(8);
  const b = Buffer.alloc(8);
  b[0] = 1 << r;
  h.poke(set, b);
  const wset = h.alloc(8);
  const wb = Buffer.alloc(8);
  wb[0] = 1 << w;
  assert.is(h.sys(h.t, pl.select!, 8, set, 0, 0, 0), RET_BLOCK);
  h.sys(h.thread(), io.write!, w, h.str('x'), 1);
  assert.is(h.resume(h.t), 1);
  assert.is(h.peek(set, 1)[0], 1 << r);
  h.poke(set, b);
  h.poke(wset, wb);
  assert.is(h.sys(h.t, pl.select!, 8, set, wset, 0, 0), 2);
});

S('epoll_wait parks until an item is ready; a signal gives EINTR', () => {
  const e = h.sys(h.t, ep.epoll_create1!, 0);
  const efd = h.sys(h.t, ev.eventfd2!, 0, 0);
  const evt = h.alloc(12);
  const b = Buffer.alloc(12);
  b.writeUInt32LE(EPOLLIN, 0);
  b.writeUInt32LE(77, 4);
  h.poke(evt, b);
  assert.is(h.sys(h.t, ep.epoll_ctl!, e, EPOLL_CTL_ADD, efd, evt), 0);
  const out = h.alloc(12 * 4);
  assert.is(h.sys(h.t, ep.epoll_wait!, e, out, 4, -1), RET_BLOCK);
  assert.is(h.sys(h.thread(), io.write!, efd, u64(5), 8), 8);
  assert.ok(h.woken.has(h.t));
  assert.is(h.resume(h.t), 1);
  assert.is(h.peek(out, 12).readUInt32LE(0), EPOLLIN);
  assert.is(h.peek(out, 12).readUInt32LE(4), 77);
  assert.is(h.sys(h.t, io.read!, efd, h.alloc(8), 8), 8);
  assert.is(h.sys(h.t, ep.epoll_wait!, e, out, 4, -1), RET_BLOCK);
  assert.is(h.interrupt(h.t), -EINTR);
});

S('epoll items go with their file, not with the fd; closing the instance lets go of the queues', () => {
  const e = h.sys(h.t, ep.epoll_create1!, 0);
  const [r, w] = pipe();
  const evt = h.alloc(12);
  const b = Buffer.alloc(12);
  b.writeUInt32LE((EPOLLIN | EPOLLET) >>> 0, 0);
  h.poke(evt, b);
  const keep = h.sys(h.t, fc.dup!, r);
  assert.is(h.sys(h.t, ep.epoll_ctl!, e, EPOLL_CTL_ADD, r, evt), 0);
  const q = (h.t.files.get(r) as PipeFile).readyQueue();
  assert.ok(q.watched);
  h.sys(h.t, op.close!, r);
  assert.ok(q.watched, 'the dup keeps the file and its item');
  h.sys(h.t, op.close!, keep);
  assert.is(q.watched, false, 'released with the file');
  const [r2] = pipe();
  assert.is(h.sys(h.t, ep.epoll_ctl!, e, EPOLL_CTL_ADD, r2, evt), 0);
  const q2 = (h.t.files.get(r2) as PipeFile).readyQueue();
  h.sys(h.t, op.close!, e);
  assert.is(q2.watched, false, 'closing the epoll fd drops its items');
  assert.is((h.t.files.get(r2) as PipeFile).watches, null);
  void w;
});

S('eventfd: blocking read woken by a write; semaphore mode', () => {
  const efd = h.sys(h.t, ev.eventfd2!, 0, EFD_SEMAPHORE);
  const reader = h.thread();
  const buf = h.alloc(8);
  assert.is(h.sys(reader, io.read!, efd, buf, 8), RET_BLOCK);
  assert.is(h.sys(h.t, io.write!, efd, u64(2), 8), 8);
  assert.is(h.resume(reader), 8);
  assert.is(h.peek(buf, 8).readBigUInt64LE(0), 1n);
  assert.is(h.sys(reader, io.read!, efd, buf, 8), 8);
  assert.is(h.sys(reader, io.read!, efd, buf, 8), RET_BLOCK);
  assert.is(h.interrupt(reader), -ERESTARTSYS);
  // A write that would pass 2^64-2 blocks until a read makes room.
  const big = h.alloc(8);
  h.poke(big, Buffer.from('feffffffffffffff', 'hex'));
  assert.is(h.sys(h.t, io.write!, efd, big, 8), 8);
  assert.is(h.sys(reader, io.write!, efd, u64(1), 8), RET_BLOCK);
  assert.is(h.sys(h.t, io.read!, efd, buf, 8), 8);
  assert.is(h.resume(reader), 8);
  const fds = pollfds([efd, POLLIN | POLLOUT]);
  assert.is(h.sys(h.t, pl.poll!, fds, 1, 0), 1);
  assert.is(revents(fds, 0), POLLIN, 'full: not writable');
});

S('timerfd: expirations counted by the kernel timers; a blocked read wakes', async () => {
  const fd = h.sys(h.t, tf.timerfd_create!, 1, 0);
  const its = h.alloc(32);
  const b = Buffer.alloc(32);
  b.writeBigInt64LE(5000000n, 8); // interval 5 ms
  b.writeBigInt64LE(5000000n, 24); // value 5 ms
  h.poke(its, b);
  assert.is(h.sys(h.t, tf.timerfd_settime!, fd, 0, its, 0), 0);
  const buf = h.alloc(8);
  assert.is(h.sys(h.t, io.read!, fd, buf, 8), RET_BLOCK);
  await sleep(50);
  assert.ok(h.woken.has(h.t));
  assert.is(h.resume(h.t), 8);
  const n = Number(h.peek(buf, 8).readBigUInt64LE(0));
  assert.ok(n >= 5, `${n} expirations`);
  const cur = h.alloc(32);
  assert.is(h.sys(h.t, tf.timerfd_gettime!, fd, cur), 0);
  assert.is(h.peek(cur, 32).readBigInt64LE(8), 5000000n);
  // Disarm: nothing more to read.
  assert.is(h.sys(h.t, tf.timerfd_settime!, fd, 0, h.alloc(32), 0), 0);
  h.sys(h.t, fc.fcntl!, fd, 4 /* F_SETFL */, 0x800);
  assert.is(h.sys(h.t, io.read!, fd, buf, 8), -EAGAIN);
});

S.run();
