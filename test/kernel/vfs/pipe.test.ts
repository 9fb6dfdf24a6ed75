// Pipes through the syscall handlers: the blocking protocol (a write that
// completes over many wakes, keeping its progress; a read woken by data or by
// the last writer going), signals ending waits, EPIPE and SIGPIPE, sizes,
// vectored requests that straddle pages and faults.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EAGAIN, EBADF, EBUSY, EFAULT, EINVAL, EPERM, EPIPE, ERESTARTSYS, ESPIPE } from '../../../src/kernel/errno';
import { FIONREAD, F_GETPIPE_SZ, F_SETPIPE_SZ, O_CLOEXEC, O_DIRECT, O_NONBLOCK } from '../../../src/kernel/abi/fcntl';
import { ST_MODE } from '../../../src/kernel/abi/stat';
import { RET_BLOCK } from '../../../src/kernel/syscalls/types';
import { pipeSyscalls as pp } from '../../../src/kernel/syscalls/pipe';
import { fsIoSyscalls as io } from '../../../src/kernel/syscalls/fs_io';
import { fsFcntlSyscalls as fc } from '../../../src/kernel/syscalls/fs_fcntl';
import { fsOpenSyscalls as op } from '../../../src/kernel/syscalls/fs_open';
import { fsStatSyscalls as st } from '../../../src/kernel/syscalls/fs_stat';
import { PipeFile } from '../../../src/kernel/vfs/pipe';
import { HEAP, HEAP_SIZE } from './harness';
import { makeIpcHarness, type IpcHarness } from './ipc_harness';

let h: IpcHarness;
const S = suite('pipes');
S.before.each(() => { h = makeIpcHarness(); });
S.after.each(() => { h.dispose(); });

function pipe(flags = 0): [number, number] {
  const a = h.alloc(8);
  assert.is(h.sys(h.t, pp.pipe2!, a, flags), 0);
  const b = h.peek(a, 8);
  return [b.readInt32LE(0), b.readInt32LE(4)];
}

function pattern(n: number, seed = 0): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 10) + seed) & 0xff;
  return b;
}

S('pipe2: fds, flags, errors', () => {
  const [r, w] = pipe(O_CLOEXEC | O_NONBLOCK);
  assert.is([r, w].join(), '0,1');
  assert.is(h.sys(h.t, fc.fcntl!, r, 1 /* F_GETFD */), 1);
  assert.is(h.sys(h.t, fc.fcntl!, r, 3 /* F_GETFL */), O_NONBLOCK);
  assert.is(h.sys(h.t, fc.fcntl!, w, 3), O_NONBLOCK | 1);
  assert.is(h.sys(h.t, pp.pipe2!, h.alloc(8), 0x400 /* O_APPEND */), -EINVAL);
  assert.is(h.sys(h.t, pp.pipe2!, 8, 0), -EFAULT);
  assert.is(h.t.files.get(2), null, 'no fds left behind by the EFAULT');
  assert.is(h.sys(h.t, pp.pipe!, h.alloc(8)), 0);
  const sbuf = h.alloc(144);
  assert.is(h.sys(h.t, st.fstat!, r, sbuf), 0);
  assert.is(h.peek(sbuf + ST_MODE, 4).readUInt32LE(0), 0o010600);
  assert.is(h.sys(h.t, io.lseek!, r, 0, 0), -ESPIPE);
  assert.is(h.sys(h.t, io.read!, w, sbuf, 1), -EBADF);
  assert.ok(h.t.files.get(r) instanceof PipeFile);
});

S('a 1 MiB write into a 64 KiB pipe completes over many wakes', () => {
  const [r, w] = pipe();
  const writer = h.thread();
  const data = pattern(1 << 20);
  const src = h.alloc(data.length);
  h.poke(src, data);
  const dst = h.alloc(data.length);
  let res = h.sys(writer, io.write!, w, src, data.length);
  assert.is(res, RET_BLOCK);
  assert.is(writer.waitProgress, 65536, 'the first 64 KiB are in, kept in the wait record');
  let got = 0, wakes = 0;
  while (res === RET_BLOCK) {
    const n = h.sys(h.t, io.read!, r, dst + got, 7000);
    assert.ok(n > 0);
    got += n;
    if (h.woken.has(writer)) { wakes++; res = h.resume(writer); }
  }
  assert.is(res, data.length, 'the write returns the whole count');
  assert.ok(wakes >= 15, `woken ${wakes} times`);
  assert.is(writer.waitActive, false, 'the wait record is cleared');
  for (;;) {
    const n = h.sys(h.t, io.read!, r, dst + got, 100000);
    if (n === RET_BLOCK) { h.interrupt(h.t); break; }
    got += n;
    if (got === data.length) break;
  }
  assert.is(got, data.length);
  assert.ok(h.peek(dst, data.length).equals(data), 'the bytes come out in order');
});

S('a signal ends a blocked write with its progress, or ERESTARTSYS without any', () => {
  const [, w] = pipe();
  const src = h.alloc(200000);
  assert.is(h.sys(h.t, io.write!, w, src, 200000), RET_BLOCK);
  assert.is(h.interrupt(h.t), 65536);
  assert.is(h.t.waitActive, false);
  assert.is(h.sys(h.t, io.write!, w, src, 10), RET_BLOCK, 'the pipe is full');
  assert.is(h.interrupt(h.t), -ERESTARTSYS);
});

S('a blocked reader: woken by data, and by the last writer closing (EOF)', () => {
  const [r, w] = pipe();
  const reader = h.thread();
  const buf = h.alloc(64);
  assert.is(h.sys(reader, io.read!, r, buf, 64), RET_BLOCK);
  assert.is(h.sys(h.t, io.write!, w, h.str('hi'), 2), 2);
  assert.ok(h.woken.has(reader));
  assert.is(h.resume(reader), 2);
  assert.is(h.peek(buf, 2).toString(), 'hi');
  assert.is(h.sys(reader, io.read!, r, buf, 64), RET_BLOCK);
  // A second reference to the write end keeps it open.
  const w2 = h.sys(h.t, fc.dup!, w);
  assert.is(h.sys(h.t, op.close!, w), 0);
  assert.is(h.woken.has(reader), false, 'a writer remains');
  assert.is(h.sys(h.t, op.close!, w2), 0);
  assert.ok(h.woken.has(reader));
  assert.is(h.resume(reader), 0, 'EOF');
});

S('no readers: EPIPE and SIGPIPE; a blocked writer is woken to fail', () => {
  const [r, w] = pipe();
  const writer = h.thread();
  const src = h.alloc(70000);
  assert.is(h.sys(writer, io.write!, w, src, 70000), RET_BLOCK);
  assert.is(h.sys(h.t, op.close!, r), 0);
  assert.ok(h.woken.has(writer));
  assert.is(h.resume(writer), 65536, 'the bytes written before count');
  assert.equal(h.signals, [[writer.tid, 13]]);
  assert.is(h.sys(h.t, io.write!, w, src, 1), -EPIPE);
  assert.is(h.signals.length, 2);
  assert.is(h.sys(h.t, io.write!, w, src, 0), 0, 'a null write succeeds');
});

S('non-blocking: EAGAIN both ways, partial writes', () => {
  const [r, w] = pipe(O_NONBLOCK);
  const buf = h.alloc(100000);
  assert.is(h.sys(h.t, io.read!, r, buf, 10), -EAGAIN);
  assert.is(h.sys(h.t, io.write!, w, buf, 100000), 65536);
  assert.is(h.sys(h.t, io.write!, w, buf, 1), -EAGAIN);
  const n = h.alloc(4);
  assert.is(h.sys(h.t, fc.ioctl!, r, FIONREAD, n), 0);
  assert.is(h.peek(n, 4).readInt32LE(0), 65536);
});

S('F_SETPIPE_SZ: rounding, EBUSY, the 1 MiB limit', () => {
  const [r, w] = pipe(O_NONBLOCK);
  assert.is(h.sys(h.t, fc.fcntl!, r, F_GETPIPE_SZ), 65536);
  assert.is(h.sys(h.t, fc.fcntl!, r, F_SETPIPE_SZ, 1), 4096);
  assert.is(h.sys(h.t, fc.fcntl!, r, F_SETPIPE_SZ, 12289), 16384);
  assert.is(h.sys(h.t, fc.fcntl!, r, F_SETPIPE_SZ, 2 << 20), -EPERM);
  assert.is(h.sys(h.t, fc.fcntl!, r, F_SETPIPE_SZ, 2 ** 31 + 1), -EINVAL);
  const buf = h.alloc(16384);
  h.poke(buf, pattern(16384));
  assert.is(h.sys(h.t, io.write!, w, buf, 16384), 16384);
  assert.is(h.sys(h.t, fc.fcntl!, w, F_SETPIPE_SZ, 8192), -EBUSY);
  assert.is(h.sys(h.t, fc.fcntl!, w, F_SETPIPE_SZ, 1 << 20), 1 << 20, 'growing keeps the data');
  const out = h.alloc(16384);
  assert.is(h.sys(h.t, io.read!, r, out, 16384), 16384);
  assert.ok(h.peek(out, 16384).equals(pattern(16384)));
});

S('writev and readv are single requests, across pages and iovecs', () => {
  const [r, w] = pipe(O_NONBLOCK);
  // Three iovecs, the middle one straddling a page boundary.
  const base = HEAP + 3 * 4096;
  const parts = [Buffer.from('abc'), pattern(5000, 1), Buffer.from('xyz')];
  const addrs = [base - 3, base + 100, base + 9000];
  parts.forEach((p, i) => h.poke(addrs[i]!, p));
  const iov = h.alloc(48);
  const b = Buffer.alloc(48);
  parts.forEach((p, i) => { b.writeBigUInt64LE(BigInt(addrs[i]!), i * 16); b.writeBigUInt64LE(BigInt(p.length), i * 16 + 8); });
  h.poke(iov, b);
  assert.is(h.sys(h.t, io.writev!, w, iov, 3), 5006);
  const out = h.alloc(6000);
  assert.is(h.sys(h.t, io.read!, r, out, 6000), 5006);
  assert.ok(h.peek(out, 5006).equals(Buffer.concat(parts)));
  // A fault part-way: bytes before it move; with none, EFAULT.
  const end = HEAP + HEAP_SIZE;
  h.poke(end - 10, Buffer.from('0123456789'));
  assert.is(h.sys(h.t, io.write!, w, end - 10, 100), -EFAULT, 'a page that faults drops its bytes');
  assert.is(h.sys(h.t, io.write!, w, end - 10, 10), 10);
  assert.is(h.sys(h.t, io.read!, r, 8, 10), -EFAULT);
  assert.is(h.sys(h.t, io.read!, r, out, 10), 10, 'the data stayed');
});

S('O_DIRECT: packets', () => {
  const [r, w] = pipe(O_DIRECT | O_NONBLOCK);
  assert.is(h.sys(h.t, io.write!, w, h.str('one'), 3), 3);
  assert.is(h.sys(h.t, io.write!, w, h.str('twotwo'), 6), 6);
  const out = h.alloc(64);
  assert.is(h.sys(h.t, io.read!, r, out, 64), 3);
  assert.is(h.sys(h.t, io.read!, r, out, 2), 2);
  assert.is(h.sys(h.t, io.read!, r, out, 64), -EAGAIN, 'the rest of the packet is dropped');
});

S.run();
