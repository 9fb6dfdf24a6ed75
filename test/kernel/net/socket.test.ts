// Sockets through the syscall handlers: the buffer accounting against numbers
// measured on Linux 6.18 (SIOCOUTQ after one send), and the blocking protocol:
// a stream write that completes over many wakes keeping its progress, signals
// ending waits (progress, ERESTARTSYS, or EINTR under a socket timeout),
// sendmmsg/recvmmsg resuming at the message they were on, accept woken by a
// connect, a reader woken by the peer's close, and SCM_RIGHTS holding a file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EINTR, ERESTARTSYS } from '../../../src/kernel/errno';
import {
  AF_UNIX, MMSGHDR_SIZE, MSGHDR_SIZE, SO_SNDTIMEO_OLD, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET,
} from '../../../src/kernel/abi/socket';
import { RET_BLOCK } from '../../../src/kernel/syscalls/types';
import { socketSyscalls as so } from '../../../src/kernel/syscalls/socket';
import { socketMsgSyscalls as sm } from '../../../src/kernel/syscalls/socket_msg';
import { socketOptSyscalls as sopt } from '../../../src/kernel/syscalls/socket_opt';
import { fsIoSyscalls as io } from '../../../src/kernel/syscalls/fs_io';
import { fsOpenSyscalls as op } from '../../../src/kernel/syscalls/fs_open';
import { pipeSyscalls as pp } from '../../../src/kernel/syscalls/pipe';
import { dgramTruesize, streamTruesize } from '../../../src/kernel/net/skb';
import { makeIpcHarness, type IpcHarness } from '../vfs/ipc_harness';

let h: IpcHarness;
const S = suite('sockets');
S.before.each(() => { h = makeIpcHarness(); });
S.after.each(() => { h.dispose(); });

function pair(type: number): [number, number] {
  const a = h.alloc(8);
  assert.is(h.sys(h.t, so.socketpair!, AF_UNIX, type, 0, a), 0);
  const b = h.peek(a, 8);
  return [b.readInt32LE(0), b.readInt32LE(4)];
}

/** A msghdr with one iovec, in guest memory. */
function msghdr(buf: number, len: number): number {
  const iov = h.alloc(16), m = h.alloc(MSGHDR_SIZE);
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(BigInt(buf), 0); b.writeBigUInt64LE(BigInt(len), 8);
  h.poke(iov, b);
  const mb = Buffer.alloc(MSGHDR_SIZE);
  mb.writeBigUInt64LE(BigInt(iov), 16); mb.writeBigUInt64LE(1n, 24);
  h.poke(m, mb);
  return m;
}

/** An array of n mmsghdrs over the same buffer. */
function mmsgs(n: number, buf: number, len: number): number {
  const v = h.alloc(n * MMSGHDR_SIZE);
  for (let i = 0; i < n; i++) h.poke(v + i * MMSGHDR_SIZE, h.peek(msghdr(buf, len), MSGHDR_SIZE));
  return v;
}

S('truesize: what Linux 6.18 charges a sender for one buffer (SIOCOUTQ)', () => {
  const dgram: [number, number][] = [[0, 768], [1, 768], [128, 768], [200, 1280], [704, 1280], [768, 2304],
    [2000, 4352], [3776, 4352], [3777, 8448], [8000, 16640], [16000, 16640], [32768, 37120], [36545, 41216],
    [100000, 102656], [106432, 135424], [150000, 200960], [212000, 332032]];
  for (const [n, want] of dgram) assert.is(dgramTruesize(n), want, `datagram of ${n}`);
  // Stream sends are cut in buffers of at most 36544 bytes (one page head + 32 KiB of fragments).
  const stream: [number, number][] = [[1, 768], [200, 1280], [3776, 4352], [3777, 4864], [4097, 4864],
    [5000, 6400], [8000, 8960], [10000, 12544], [32768, 33536], [36544, 37120]];
  for (const [n, want] of stream) assert.is(streamTruesize(n), want, `stream buffer of ${n}`);
});

S('a 1 MiB write into a stream pair completes over many wakes', () => {
  const [a, b] = pair(SOCK_STREAM);
  const writer = h.thread();
  const data = Buffer.alloc(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13 + (i >> 11)) & 0xff;
  const src = h.alloc(data.length);
  h.poke(src, data);
  const dst = h.alloc(data.length);
  let res = h.sys(writer, io.write!, a, src, data.length);
  assert.is(res, RET_BLOCK);
  assert.is(writer.waitProgress, 219264, 'what fit before the first wait (as Linux)');
  let got = 0, wakes = 0;
  while (res === RET_BLOCK) {
    const n = h.sys(h.t, io.read!, b, dst + got, 50000);
    assert.ok(n > 0);
    got += n;
    if (h.woken.has(writer)) { wakes++; res = h.resume(writer); }
  }
  assert.is(res, data.length);
  assert.ok(wakes > 3, `woken ${wakes} times`);
  while (got < data.length) got += h.sys(h.t, io.read!, b, dst + got, data.length - got);
  assert.ok(h.peek(dst, data.length).equals(data), 'the bytes come out in order');
});

S('signals end waits: progress, ERESTARTSYS, EINTR with a timeout', () => {
  const [a] = pair(SOCK_STREAM);
  const src = h.alloc(300000);
  assert.is(h.sys(h.t, io.write!, a, src, 300000), RET_BLOCK);
  assert.is(h.interrupt(h.t), 219264);
  assert.is(h.sys(h.t, io.write!, a, src, 10), RET_BLOCK, 'the send buffer is full');
  assert.is(h.interrupt(h.t), -ERESTARTSYS);
  const tv = h.alloc(16);
  h.poke(tv, Buffer.from([10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  assert.is(h.sys(h.t, sopt.setsockopt!, a, SOL_SOCKET, SO_SNDTIMEO_OLD, tv, 16), 0);
  assert.is(h.sys(h.t, io.write!, a, src, 10), RET_BLOCK);
  assert.is(h.interrupt(h.t), -EINTR, 'a socket timeout makes it EINTR (sock_intr_errno)');
});

S('sendmmsg and recvmmsg resume at their message', () => {
  const [a, b] = pair(SOCK_DGRAM);
  // Fill the send buffer with big datagrams, then sendmmsg three more: it blocks on the first.
  const big = h.alloc(100000);
  while (h.sys(h.t, sm.sendto!, a, big, 100000, 0x40 /* MSG_DONTWAIT */, 0, 0) > 0) { /* fill */ }
  const sender = h.thread();
  const v = mmsgs(3, big, 60000);
  assert.is(h.sys(sender, sm.sendmmsg!, a, v, 3, 0), RET_BLOCK);
  const rbuf = h.alloc(100000);
  let res = RET_BLOCK;
  while (res === RET_BLOCK) {
    assert.ok(h.sys(h.t, io.read!, b, rbuf, 100000) > 0);
    if (h.woken.has(sender)) res = h.resume(sender);
  }
  assert.is(res, 3, 'all three went, none twice');
  // recvmmsg for 4 with 2 queued after draining: blocks for the third; a signal returns 2.
  while (h.sys(h.t, sm.recvfrom!, b, rbuf, 100000, 0x40, 0, 0) > 0) { /* drain */ }
  const s1 = h.str('one'), s2 = h.str('two');
  assert.is(h.sys(h.t, sm.sendto!, a, s1, 3, 0, 0, 0), 3);
  assert.is(h.sys(h.t, sm.sendto!, a, s2, 3, 0, 0, 0), 3);
  const rv = mmsgs(4, rbuf, 100);
  assert.is(h.sys(h.t, sm.recvmmsg!, b, rv, 4, 0, 0), RET_BLOCK);
  assert.is(h.interrupt(h.t), 2);
  assert.is(h.peek(rv + 56, 4).readUInt32LE(0), 3, 'msg_len of the first');
});

S('accept is woken by a connect; a reader by its peer closing', () => {
  const srv = h.sys(h.t, so.socket!, AF_UNIX, SOCK_STREAM, 0);
  const addr = h.alloc(16);
  h.poke(addr, Buffer.from([1, 0, 0, 0x6e, 0x65, 0x74]));
  assert.is(h.sys(h.t, so.bind!, srv, addr, 6), 0);
  assert.is(h.sys(h.t, so.listen!, srv, 1), 0);
  const acceptor = h.thread();
  assert.is(h.sys(acceptor, so.accept!, srv, 0, 0), RET_BLOCK);
  const c = h.sys(h.t, so.socket!, AF_UNIX, SOCK_STREAM, 0);
  assert.is(h.sys(h.t, so.connect!, c, addr, 6), 0);
  assert.ok(h.woken.has(acceptor));
  const s = h.resume(acceptor);
  assert.ok(s >= 0);
  const reader = h.thread();
  const buf = h.alloc(16);
  assert.is(h.sys(reader, io.read!, s, buf, 16), RET_BLOCK);
  assert.is(h.sys(h.t, op.close!, c), 0);
  assert.ok(h.woken.has(reader));
  assert.is(h.resume(reader), 0, 'EOF');
});

S('SCM_RIGHTS: a file in flight stays open after its sender closes it', () => {
  const [a, b] = pair(SOCK_STREAM);
  const p = h.alloc(8);
  assert.is(h.sys(h.t, pp.pipe!, p), 0);
  const [pr, pw] = [h.peek(p, 4).readInt32LE(0), h.peek(p + 4, 4).readInt32LE(0)];
  const ctl = h.alloc(24);
  const cb = Buffer.alloc(24);
  cb.writeBigUInt64LE(20n, 0); cb.writeInt32LE(SOL_SOCKET, 8); cb.writeInt32LE(1 /* SCM_RIGHTS */, 12);
  cb.writeInt32LE(pw, 16);
  h.poke(ctl, cb);
  const m = msghdr(h.str('x'), 1);
  const mb = h.peek(m, MSGHDR_SIZE);
  mb.writeBigUInt64LE(BigInt(ctl), 32); mb.writeBigUInt64LE(24n, 40);
  h.poke(m, mb);
  assert.is(h.sys(h.t, sm.sendmsg!, a, m, 0), 1);
  assert.is(h.sys(h.t, op.close!, pw), 0);
  const rctl = h.alloc(24), rbuf = h.alloc(4);
  const rm = msghdr(rbuf, 4);
  const rmb = h.peek(rm, MSGHDR_SIZE);
  rmb.writeBigUInt64LE(BigInt(rctl), 32); rmb.writeBigUInt64LE(24n, 40);
  h.poke(rm, rmb);
  assert.is(h.sys(h.t, sm.recvmsg!, b, rm, 0), 1);
  const fd = h.peek(rctl + 16, 4).readInt32LE(0);
  assert.is(h.sys(h.t, io.write!, fd, h.str('via'), 3), 3, 'the received write end works');
  assert.is(h.sys(h.t, io.read!, pr, rbuf, 4), 3);
  assert.is(h.sys(h.t, op.close!, fd), 0);
  assert.is(h.sys(h.t, io.read!, pr, rbuf, 4), 0, 'the last write end closed: EOF');
});

S.run();
