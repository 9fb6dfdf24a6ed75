// The file-system syscalls, run against a temporary root through a task with a
// real MM: argument decoding, errors as Linux gives them, results in guest memory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, ENOENT, ENOSPC, ENOTDIR, ENOTTY, ENXIO, EPERM, ERANGE, EROFS, ESPIPE, EACCES,
  E2BIG, ENOTEMPTY, EBUSY,
} from '../../../src/kernel/errno';
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, FIOCLEX, FIONREAD, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD,
  F_GETFL, F_SETFD, F_SETFL, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_LARGEFILE, O_NOFOLLOW, O_NONBLOCK,
  O_PATH, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, RESOLVE_BENEATH, TCGETS, O_TMPFILE,
} from '../../../src/kernel/abi/fcntl';
import { ST_MODE, ST_SIZE, ST_INO, ST_DEV, ST_RDEV, STX_MASK, STX_MODE, STX_SIZE, STX_INO } from '../../../src/kernel/abi/stat';
import { fsIoSyscalls as io } from '../../../src/kernel/syscalls/fs_io';
import { fsOpenSyscalls as op } from '../../../src/kernel/syscalls/fs_open';
import { fsStatSyscalls as st } from '../../../src/kernel/syscalls/fs_stat';
import { fsDirSyscalls as dir } from '../../../src/kernel/syscalls/fs_dir';
import { fsFcntlSyscalls as fc } from '../../../src/kernel/syscalls/fs_fcntl';
import { fsModifySyscalls as md } from '../../../src/kernel/syscalls/fs_modify';
import { HEAP, HEAP_SIZE, PASSWD, makeFixture, makeHarness, openFdCount, removeFixture, type Harness } from './harness';

const fx = makeFixture();
let h: Harness;
const BAD = 1, KERNEL = 0xffff800000000000;

function open(p: string, flags = O_RDONLY, mode = 0): number { return h.call(op.open!, h.str(p), flags, mode); }
function readAll(fd: number, n = 4096): string | number {
  const buf = h.alloc(n);
  const r = h.call(io.read!, fd, buf, n);
  return r < 0 ? r : h.peek(buf, r).toString('latin1');
}
function statOf(p: string, follow = true): DataView | number {
  const buf = h.alloc(144);
  const r = h.call(follow ? st.stat! : st.lstat!, h.str(p), buf);
  return r < 0 ? r : new DataView(h.peek(buf, 144).buffer.slice(0));
}
const mode = (v: DataView | number) => (typeof v === 'number' ? v : v.getUint32(ST_MODE, true));

const S = suite('fs syscalls');
S.before.each(() => { h = makeHarness(fx.root); });
S.after.each(() => { h.close(); });

S('open, read, pread, lseek, close', () => {
  const fd = open('/etc/passwd');
  assert.is(fd, 0);
  assert.is(readAll(fd, 4), 'root');
  assert.is(readAll(fd, 3), ':x:');
  const buf = h.alloc(16);
  assert.is(h.call(io.pread64!, fd, buf, 4, 0), 4);
  assert.is(h.peek(buf, 4).toString(), 'root');
  assert.is(h.call(io.lseek!, fd, 0, 1), 7, 'pread leaves the position');
  assert.is(h.call(io.lseek!, fd, 0, 2), PASSWD.length);
  assert.is(h.call(io.lseek!, fd, -1, 1), PASSWD.length - 1);
  assert.is(h.call(io.lseek!, fd, -100, 1), -EINVAL);
  assert.is(h.call(io.lseek!, fd, 0, 42), -EINVAL);
  assert.is(h.call(io.lseek!, fd, 1000000, 0), 1000000);
  assert.is(readAll(fd), '', 'read past the end');
  assert.is(h.call(io.pread64!, fd, buf, 1, -1), -EINVAL);
  assert.is(h.call(io.read!, 99, buf, 1), -EBADF);
  assert.is(h.call(io.write!, fd, buf, 1), -EBADF, 'write to a read-only fd');
  assert.is(h.call(io.pwrite64!, fd, buf, 1, 0), -EBADF);
  assert.is(h.call(op.close!, fd), 0);
  assert.is(h.call(op.close!, fd), -EBADF);
});

S('read: EFAULT, partial buffers, huge counts, directories', () => {
  const fd = open('/big');
  assert.is(h.call(io.read!, fd, BAD, 10), -EFAULT);
  assert.is(h.call(io.read!, fd, KERNEL, 10), -EFAULT);
  assert.is(h.call(io.lseek!, fd, 0, 1), 0, 'position unchanged after EFAULT');
  // The last 100 bytes of the heap are mapped, the rest is not: a short read.
  assert.is(h.call(io.read!, fd, HEAP + HEAP_SIZE - 100, 1000), 100);
  assert.is(h.call(io.lseek!, fd, 0, 1), 100);
  // A huge count must not allocate or fault in more than the file holds.
  h.call(io.lseek!, fd, 0, 0);
  const before = h.mem.used;
  assert.is(h.call(io.read!, fd, HEAP + 4096, 2 ** 40), 70000, 'a count far beyond the mapping: the file ends first');
  assert.ok(h.mem.used - before <= 2 * 1024 * 1024, `memory touched: ${h.mem.used - before}`);
  h.call(io.lseek!, fd, 0, 0);
  assert.is(h.call(io.read!, fd, HEAP + 4096, HEAP_SIZE - 8192), 70000);
  const bytes = h.peek(HEAP + 4096, 70000);
  assert.equal(bytes, fs.readFileSync(path.join(fx.root, 'big')));
  assert.is(h.call(io.read!, fd, HEAP, -1), -EFAULT, 'count beyond user space');
  const d = open('/dir', O_RDONLY | O_DIRECTORY);
  assert.is(h.call(io.read!, d, HEAP, 1), -EISDIR);
  assert.is(h.call(io.read!, d, HEAP, 0), -EISDIR);
  assert.is(h.call(io.pread64!, d, HEAP, 1, 0), -EISDIR);
  assert.is(h.call(io.read!, fd, HEAP, 0), 0);
});

S('readv, preadv, writev', () => {
  const fd = open('/etc/passwd');
  const iov = h.alloc(48), a = h.alloc(5), b = h.alloc(7), c = h.alloc(3);
  const put = (i: number, base: number, len: number) => {
    const x = Buffer.alloc(16); x.writeBigUInt64LE(BigInt(base)); x.writeBigUInt64LE(BigInt(len), 8); h.poke(iov + 16 * i, x);
  };
  put(0, a, 5); put(1, b, 7); put(2, c, 3);
  assert.is(h.call(io.readv!, fd, iov, 3), 15);
  assert.is(h.peek(a, 5).toString() + h.peek(b, 7).toString() + h.peek(c, 3).toString(), PASSWD.slice(0, 15));
  assert.is(h.call(io.preadv!, fd, iov, 1, 5), 5);
  assert.is(h.peek(a, 5).toString(), PASSWD.slice(5, 10));
  assert.is(h.call(io.readv!, fd, iov, 0), 0);
  assert.is(h.call(io.readv!, fd, iov, -1), -EINVAL);
  assert.is(h.call(io.readv!, fd, iov, 1025), -EINVAL);
  assert.is(h.call(io.readv!, fd, BAD, 1), -EFAULT);
  put(0, a, 2 ** 63);
  assert.is(h.call(io.readv!, fd, iov, 1), -EINVAL, 'iov_len above SSIZE_MAX');
  put(0, BAD, 5);
  assert.is(h.call(io.readv!, fd, iov, 1), -EFAULT);
  assert.is(h.call(io.writev!, fd, iov, 1), -EBADF);
});

S('/dev/null, zero, full, urandom; write and sendfile', () => {
  const n = open('/dev/null', O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  assert.ok(n >= 0, 'shells open /dev/null with O_CREAT|O_TRUNC');
  const buf = h.str('hello');
  assert.is(h.call(io.write!, n, buf, 5), 5);
  assert.is(h.call(io.write!, n, BAD, 5), -EFAULT);
  const z = open('/dev/zero');
  const zb = h.alloc(64);
  h.poke(zb, Buffer.alloc(64, 0xaa));
  assert.is(h.call(io.read!, z, zb, 64), 64);
  assert.equal(h.peek(zb, 64), Buffer.alloc(64));
  const f = open('/dev/full', O_RDWR);
  assert.is(h.call(io.write!, f, buf, 5), -ENOSPC);
  const r = open('/dev/urandom');
  assert.is(h.call(io.read!, r, zb, 64), 64);
  assert.not.equal(h.peek(zb, 64), Buffer.alloc(64));
  const nr = open('/dev/null');
  assert.is(readAll(nr), '');
  assert.is(h.call(io.lseek!, nr, 10, 0), 0);
  // sendfile from a regular file into /dev/null, with and without an offset pointer.
  const src = open('/big');
  assert.is(h.call(io.sendfile!, n, src, 0, 100000), 70000);
  assert.is(h.call(io.lseek!, src, 0, 1), 70000);
  const offp = h.alloc(8);
  h.poke(offp, Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]));
  assert.is(h.call(io.sendfile!, n, src, offp, 20), 20);
  assert.is(h.peek(offp, 1)[0], 30);
  assert.is(h.call(io.lseek!, src, 0, 1), 70000, 'an offset pointer leaves the position');
  assert.is(h.call(io.sendfile!, src, n, 0, 10), -EBADF);
  assert.is(h.call(io.sendfile!, n, 99, 0, 10), -EBADF);
  const st1 = h.alloc(144);
  assert.is(h.call(st.fstat!, n, st1), 0);
  const v = new DataView(h.peek(st1, 144).buffer.slice(0));
  assert.is(v.getUint32(ST_MODE, true), 0o020666);
  assert.is(Number(v.getBigUint64(ST_RDEV, true)), (1 << 8) | 3);
});

S('open flags: EROFS, EEXIST, EISDIR, ENOTDIR, ELOOP, EINVAL, O_PATH', () => {
  assert.is(open('/etc/passwd', O_RDWR), -EROFS);
  assert.is(open('/etc/passwd', O_WRONLY), -EROFS);
  assert.is(open('/etc/passwd', O_RDONLY | O_TRUNC), -EROFS);
  assert.is(open('/etc/new', O_WRONLY | O_CREAT, 0o644), -EROFS);
  assert.is(open('/missing/new', O_WRONLY | O_CREAT, 0o644), -ENOENT);
  assert.is(open('/etc/passwd', O_RDONLY | O_CREAT | O_EXCL, 0o644), -EEXIST);
  assert.ok(open('/etc/passwd', O_RDONLY | O_CREAT, 0o644) >= 0, 'O_CREAT of an existing file is just an open');
  assert.is(open('/etc', O_RDONLY | O_CREAT, 0o644), -EISDIR);
  assert.is(open('/etc', O_WRONLY), -EISDIR);
  assert.is(open('/etc/', O_RDONLY | O_CREAT), -EISDIR);
  assert.is(open('/etc/passwd', O_RDONLY | O_DIRECTORY), -ENOTDIR);
  assert.is(open('/dir/link', O_RDONLY | O_NOFOLLOW), -ELOOP);
  assert.is(open('/dir/link', O_RDONLY | O_NOFOLLOW | O_DIRECTORY), -ENOTDIR);
  assert.is(open('/etc', O_RDONLY | O_CREAT | O_DIRECTORY), -EINVAL);
  assert.is(open('/etc', O_RDONLY | O_TMPFILE), -EINVAL, 'O_TMPFILE needs write access');
  assert.is(open('/etc', O_RDWR | O_TMPFILE), -EROFS);
  assert.is(open(''), -ENOENT);
  assert.is(h.call(op.open!, BAD, 0, 0), -EFAULT);
  assert.is(h.call(op.open!, 0, 0, 0), -EFAULT);
  assert.is(open('/fifo'), -ENXIO, 'host FIFOs are never opened');
  assert.ok(open('/fifo', O_PATH) >= 0);
  assert.ok(open('/etc/passwd', 0x40000000) >= 0, 'open ignores unknown flags');
  const p = open('/dir/link', O_PATH | O_NOFOLLOW);
  assert.ok(p >= 0);
  const buf = h.alloc(16);
  assert.is(h.call(io.read!, p, buf, 1), -EBADF);
  assert.is(h.call(fc.fcntl!, p, F_GETFL), O_PATH | O_NOFOLLOW);
  assert.is(h.call(st.readlinkat!, p, h.str(''), buf, 16), 1);
  assert.is(h.peek(buf, 1).toString(), 'a');
  const fd = open('/etc/passwd', O_RDONLY | O_APPEND | O_CREAT | O_CLOEXEC);
  assert.is(h.call(fc.fcntl!, fd, F_GETFL), O_RDONLY | O_APPEND | O_LARGEFILE);
  assert.is(h.call(fc.fcntl!, fd, F_GETFD), 1);
  assert.is(h.call(op.creat!, h.str('/etc/x'), 0o644), -EROFS);
});

S('openat and openat2', () => {
  const d = open('/dir', O_RDONLY | O_DIRECTORY);
  const f = h.call(op.openat!, d, h.str('a'), O_RDONLY, 0);
  assert.is(readAll(f), 'alpha\n');
  assert.is(h.call(op.openat!, 99, h.str('a'), O_RDONLY, 0), -EBADF);
  assert.ok(h.call(op.openat!, 99, h.str('/etc/passwd'), O_RDONLY, 0) >= 0, 'an absolute path ignores dirfd');
  assert.is(h.call(op.openat!, f, h.str('x'), O_RDONLY, 0), -ENOTDIR);
  const how = h.alloc(32);
  const setHow = (flags: number, mode: number, resolve: number) => {
    const b = Buffer.alloc(32);
    b.writeBigUInt64LE(BigInt(flags)); b.writeBigUInt64LE(BigInt(mode), 8); b.writeBigUInt64LE(BigInt(resolve), 16);
    h.poke(how, b);
  };
  setHow(O_RDONLY, 0, RESOLVE_BENEATH);
  assert.ok(h.call(op.openat2!, d, h.str('sub/x'), how, 24) >= 0);
  assert.is(h.call(op.openat2!, d, h.str('../etc/passwd'), how, 24), -18 /* EXDEV */);
  assert.is(h.call(op.openat2!, d, h.str('/etc/passwd'), how, 24), -18);
  assert.is(h.call(op.openat2!, d, h.str('a'), how, 16), -EINVAL);
  assert.ok(h.call(op.openat2!, d, h.str('a'), how, 32) >= 0, 'a larger struct with zero tail');
  h.poke(how + 24, Buffer.from([1]));
  assert.is(h.call(op.openat2!, d, h.str('a'), how, 32), -E2BIG);
  setHow(0x40000000, 0, 0);
  assert.is(h.call(op.openat2!, d, h.str('a'), how, 24), -EINVAL, 'openat2 refuses unknown flags');
  setHow(O_RDONLY, 0o644, 0);
  assert.is(h.call(op.openat2!, d, h.str('a'), how, 24), -EINVAL, 'a mode without O_CREAT');
  setHow(O_RDONLY, 0, 0x40);
  assert.is(h.call(op.openat2!, d, h.str('a'), how, 24), -EINVAL, 'unknown resolve flag');
  setHow(O_PATH | O_RDWR, 0, 0);
  assert.is(h.call(op.openat2!, d, h.str('a'), how, 24), -EINVAL, 'O_PATH with other flags');
  assert.is(h.call(op.openat2!, d, h.str('a'), BAD, 24), -EFAULT);
});

S('stat, lstat, fstat, newfstatat, statx', () => {
  const s = statOf('/etc/passwd') as DataView;
  assert.is(mode(s), 0o100644);
  assert.is(Number(s.getBigUint64(ST_SIZE, true)), PASSWD.length);
  const hostIno = fs.statSync(path.join(fx.root, 'etc/passwd')).ino;
  assert.is(Number(s.getBigUint64(ST_INO, true)), hostIno, 'st_ino is the host\'s');
  const dev = Number(s.getBigUint64(ST_DEV, true));
  assert.is.not(dev, fs.statSync(fx.root).dev, 'st_dev is tsvisor\'s own');
  assert.is(Number((statOf('/dir') as DataView).getBigUint64(ST_DEV, true)), dev, 'stable across the mount');
  assert.is(mode(statOf('/dir/link')), 0o100644);
  assert.is(mode(statOf('/dir/link', false)) & 0o170000, 0o120000);
  assert.is(statOf('/dir/dangling'), -ENOENT);
  assert.is(mode(statOf('/fifo')) & 0o170000, 0o010000);
  assert.is(statOf('/etc/passwd/x'), -ENOTDIR);
  assert.is(h.call(st.stat!, 0, HEAP), -EFAULT);
  assert.is(h.call(st.stat!, h.str('/etc/passwd'), BAD), -EFAULT);
  assert.is(statOf(''), -ENOENT);
  const fd = open('/etc/passwd');
  const buf = h.alloc(256);
  assert.is(h.call(st.fstat!, fd, buf), 0);
  assert.is(Number(new DataView(h.peek(buf, 144).buffer.slice(0)).getBigUint64(ST_INO, true)), hostIno);
  assert.is(h.call(st.fstat!, 99, buf), -EBADF);
  assert.is(h.call(st.fstat!, fd, BAD), -EFAULT);
  const d = open('/dir', O_RDONLY | O_DIRECTORY);
  assert.is(h.call(st.newfstatat!, d, h.str('a'), buf, 0), 0);
  assert.is(h.call(st.newfstatat!, d, h.str('link'), buf, AT_SYMLINK_NOFOLLOW), 0);
  assert.is(new DataView(h.peek(buf, 144).buffer.slice(0)).getUint32(ST_MODE, true) & 0o170000, 0o120000);
  assert.is(h.call(st.newfstatat!, fd, h.str(''), buf, AT_EMPTY_PATH), 0);
  assert.is(h.call(st.newfstatat!, fd, 0, buf, AT_EMPTY_PATH), 0, 'NULL path with AT_EMPTY_PATH (Linux 6.11)');
  assert.is(h.call(st.newfstatat!, fd, h.str(''), buf, 0), -ENOENT);
  assert.is(h.call(st.newfstatat!, d, h.str('a'), buf, 0x40000000), -EINVAL);
  assert.is(h.call(st.newfstatat!, fd, h.str('x'), buf, 0), -ENOTDIR);
  assert.is(h.call(st.newfstatat!, AT_FDCWD, h.str('etc'), buf, 0), 0);
  assert.is(h.call(st.statx!, d, h.str('a'), 0, 0x7ff, buf), 0);
  const x = new DataView(h.peek(buf, 256).buffer.slice(0));
  assert.is(x.getUint32(STX_MASK, true) & 0x7ff, 0x7ff);
  assert.is(x.getUint16(STX_MODE, true), 0o100644);
  assert.is(Number(x.getBigUint64(STX_SIZE, true)), 6);
  assert.is(Number(x.getBigUint64(STX_INO, true)), fs.statSync(path.join(fx.root, 'dir/a')).ino);
  assert.is(h.call(st.statx!, d, h.str('a'), 0, 0x80000000, buf), -EINVAL);
  assert.is(h.call(st.statx!, d, h.str('a'), 0x6000, 0x7ff, buf), -EINVAL);
  assert.is(h.call(st.statx!, d, h.str('link'), AT_SYMLINK_NOFOLLOW, 0x7ff, buf), 0);
  assert.is(h.call(st.statx!, AT_FDCWD, h.str('/dev/null'), 0, 0x7ff, buf), 0);
  assert.is(h.call(st.statx!, AT_FDCWD, h.str('/dev/null'), 0, 0x7ff, BAD), -EFAULT);
});

S('host stdio: pass-through, positions like Linux, reopening through /dev/stdout', () => {
  const file = path.join(fx.top, 'out.txt');
  const hf = fs.openSync(file, 'w+');
  const fifo = fs.openSync(path.join(fx.root, 'fifo'), fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  try {
    assert.is(h.t.files.installAt(1, h.vfs.stdioFile(hf, O_WRONLY), false), 1);
    assert.is(h.t.files.installAt(3, h.vfs.stdioFile(fifo, O_RDWR), false), 3);
    const msg = h.str('hello\n');
    assert.is(h.call(io.write!, 1, msg, 6), 6);
    assert.is(h.call(io.lseek!, 1, 0, 1), 6, 'a regular file keeps its position');
    assert.is(h.call(io.pwrite64!, 1, msg, 1, 0), 1);
    const o = open('/dev/stdout', O_WRONLY | O_CREAT | O_TRUNC, 0o644);
    assert.ok(o >= 0, `open /dev/stdout: ${o}`);
    assert.is(h.call(io.write!, o, msg, 6), 6);
    assert.is(fs.readFileSync(file, 'latin1'), 'hello\nhello\n');
    const buf = h.alloc(144);
    assert.is(h.call(st.fstat!, 1, buf), 0);
    assert.is(h.peek(buf, 144).readUInt32LE(ST_MODE) & 0o170000, 0o100000);
    // A FIFO: no positions, data passes.
    assert.is(h.call(io.write!, 3, msg, 6), 6);
    assert.is(h.call(io.lseek!, 3, 0, 1), -ESPIPE);
    assert.is(h.call(io.pread64!, 3, buf, 1, 0), -ESPIPE);
    assert.is(readAll(3, 100), 'hello\n');
    assert.is(h.call(fc.ioctl!, 3, TCGETS, buf), -ENOTTY);
    const n = h.call(st.readlink!, h.str('/proc/self/fd/3'), buf, 100);
    assert.match(h.peek(buf, n).toString(), /^pipe:\[\d+\]$/);
    h.call(op.close!, 1);
    h.call(op.close!, 3);
    h.call(op.close!, o);
    assert.ok(fs.fstatSync(hf).isFile(), 'the host fd stays open after the guest closes it');
  } finally {
    fs.closeSync(hf);
    fs.closeSync(fifo);
  }
});

S('statfs, fstatfs', () => {
  const buf = h.alloc(120);
  assert.is(h.call(st.statfs!, h.str('/etc'), buf), 0);
  let b = h.peek(buf, 120);
  assert.ok((Number(b.readBigUInt64LE(80)) & 1) === 1, 'ST_RDONLY on the root');
  assert.is(h.call(st.statfs!, h.str('/proc/self'), buf), 0);
  b = h.peek(buf, 120);
  assert.is(Number(b.readBigUInt64LE(0)), 0x9fa0);
  assert.is(h.call(st.fstatfs!, open('/dev/null'), buf), 0);
  assert.is(Number(h.peek(buf, 8).readBigUInt64LE(0)), 0x01021994);
  assert.is(h.call(st.fstatfs!, 99, buf), -EBADF);
  assert.is(h.call(st.statfs!, h.str('/missing'), buf), -ENOENT);
  assert.is(h.call(st.statfs!, h.str('/etc'), BAD), -EFAULT);
});

S('readlink and /proc/self', () => {
  const buf = h.alloc(4096);
  assert.is(h.call(st.readlink!, h.str('/dir/link'), buf, 4096), 1);
  assert.is(h.call(st.readlink!, h.str('/abs'), buf, 3), 3);
  assert.is(h.peek(buf, 3).toString(), '/et');
  assert.is(h.call(st.readlink!, h.str('/etc/passwd'), buf, 100), -EINVAL);
  assert.is(h.call(st.readlink!, h.str('/missing'), buf, 100), -ENOENT);
  assert.is(h.call(st.readlink!, h.str('/dir/link'), buf, 0), -EINVAL);
  assert.is(h.call(st.readlink!, h.str('/dir/link'), BAD, 10), -EFAULT);
  assert.is(h.call(st.readlink!, h.str(''), buf, 10), -ENOENT);
  h.t.mm.exePath = '/bin/prog';
  const n = h.call(st.readlink!, h.str('/proc/self/exe'), buf, 4096);
  assert.is(h.peek(buf, n).toString(), '/bin/prog');
  assert.is(h.call(st.readlink!, h.str('/proc/self'), buf, 4096), 1);
  assert.is(h.peek(buf, 1).toString(), '1');
  const fd = open('/dir/a');
  const m = h.call(st.readlink!, h.str(`/proc/self/fd/${fd}`), buf, 4096);
  assert.is(h.peek(buf, m).toString(), '/dir/a');
  // Following magic links reaches the object itself.
  const again = open(`/proc/self/fd/${fd}`);
  assert.is(readAll(again), 'alpha\n');
  assert.is(readAll(open('/exelink')), '\x7fELF-not-really\n');
  assert.is(readAll(open('/proc/self/cwd/etc/passwd')), PASSWD);
  assert.is(open('/proc/self/fd/99'), -ENOENT);
  assert.is(open('/proc/2/exe'), -ENOENT);
  // /dev/stdout-style links through /proc/self/fd.
  const nul = open('/dev/null', O_WRONLY);
  const k = h.call(st.readlink!, h.str(`/proc/self/fd/${nul}`), buf, 4096);
  assert.is(h.peek(buf, k).toString(), '/dev/null');
});

S('access, faccessat, faccessat2', () => {
  assert.is(h.call(st.access!, h.str('/etc/passwd'), 0), 0);
  assert.is(h.call(st.access!, h.str('/etc/passwd'), 4), 0);
  assert.is(h.call(st.access!, h.str('/etc/passwd'), 1), -EACCES, 'root needs an execute bit');
  assert.is(h.call(st.access!, h.str('/bin/prog'), 1), 0);
  assert.is(h.call(st.access!, h.str('/etc'), 2), -EROFS);
  assert.is(h.call(st.access!, h.str('/dev/null'), 2), 0);
  assert.is(h.call(st.access!, h.str('/missing'), 0), -ENOENT);
  assert.is(h.call(st.access!, h.str('/dir/dangling'), 0), -ENOENT);
  assert.is(h.call(st.access!, h.str('/etc/passwd'), 0x40), -EINVAL);
  assert.is(h.call(st.access!, h.str(''), 0), -ENOENT);
  assert.is(h.call(st.faccessat!, 99, h.str('a'), 0), -EBADF);
  assert.is(h.call(st.faccessat!, 99, h.str('/etc'), 0), 0);
  assert.is(h.call(st.faccessat2!, AT_FDCWD, h.str('/dir/dangling'), 0, AT_SYMLINK_NOFOLLOW), 0);
  assert.is(h.call(st.faccessat2!, AT_FDCWD, h.str('/etc'), 0, 0x1), -EINVAL);
});

S('getdents64, getdents, lseek on directories', () => {
  const d = open('/dir/sub', O_RDONLY | O_DIRECTORY);
  const buf = h.alloc(4096);
  const n = h.call(dir.getdents64!, d, buf, 4096);
  assert.ok(n > 0);
  const names: string[] = [];
  const raw = h.peek(buf, n);
  for (let p = 0; p < n;) { const len = raw.readUInt16LE(p + 16); names.push(raw.toString('latin1', p + 19, raw.indexOf(0, p + 19))); p += len; }
  assert.equal(names.sort(), ['.', '..', 'x']);
  assert.is(h.call(dir.getdents64!, d, buf, 4096), 0);
  assert.is(h.call(io.lseek!, d, 0, 0), 0);
  assert.is(h.call(dir.getdents64!, d, buf, 8), -EINVAL);
  assert.is(h.call(dir.getdents!, d, buf, 4096), n, 'linux_dirent records have the same lengths');
  const old = h.peek(buf, n);
  const oldNames: string[] = [];
  for (let p = 0; p < n;) { const len = old.readUInt16LE(p + 16); oldNames.push(old.toString('latin1', p + 18, old.indexOf(0, p + 18))); assert.ok([4, 8].includes(old[p + len - 1]!)); p += len; }
  assert.equal(oldNames.sort(), ['.', '..', 'x']);
  // At the root, ".." is the root itself.
  const r0 = open('/', O_RDONLY | O_DIRECTORY);
  const rn = h.call(dir.getdents64!, r0, buf, 4096);
  const rb = h.peek(buf, rn);
  const rootIno = fs.statSync(fx.root).ino;
  let dotdot = -1;
  for (let p = 0; p < rn; p += rb.readUInt16LE(p + 16)) if (rb.toString('latin1', p + 19, p + 22) === '..\0') dotdot = Number(rb.readBigUInt64LE(p));
  assert.is(dotdot, rootIno);
  const f = open('/etc/passwd');
  assert.is(h.call(dir.getdents64!, f, buf, 4096), -ENOTDIR);
  assert.is(h.call(dir.getdents64!, 99, buf, 4096), -EBADF);
  h.call(io.lseek!, d, 0, 0);
  assert.is(h.call(dir.getdents64!, d, BAD, 4096), -EFAULT);
  // Synthetic directories: /dev lists its devices, in pieces with a small buffer.
  const dev = open('/dev', O_RDONLY | O_DIRECTORY);
  const seen: string[] = [];
  for (;;) {
    const r = h.call(dir.getdents64!, dev, buf, 64);
    assert.ok(r >= 0);
    if (r === 0) break;
    const b = h.peek(buf, r);
    for (let p = 0; p < r;) { const len = b.readUInt16LE(p + 16); seen.push(b.toString('latin1', p + 19, b.indexOf(0, p + 19))); p += len; }
  }
  for (const x of ['.', '..', 'null', 'zero', 'full', 'random', 'urandom', 'stdout']) assert.ok(seen.includes(x), x);
  const pfd = open('/proc/self/fd', O_RDONLY | O_DIRECTORY);
  const r = h.call(dir.getdents64!, pfd, buf, 4096);
  assert.ok(r > 0);
  assert.ok(h.peek(buf, r).toString('latin1').includes(String(pfd)));
});

S('getcwd, chdir, fchdir, chroot', () => {
  const buf = h.alloc(4096);
  assert.is(h.call(dir.getcwd!, buf, 4096), 2);
  assert.is(h.peek(buf, 2).toString(), '/\0');
  assert.is(h.call(dir.chdir!, h.str('/dirlink/sub')), 0);
  assert.is(h.call(dir.getcwd!, buf, 4096), 9);
  assert.is(h.peek(buf, 8).toString(), '/dir/sub');
  assert.is(readAll(open('../a')), 'alpha\n');
  assert.is(h.call(dir.getcwd!, buf, 8), -ERANGE);
  assert.is(h.call(dir.getcwd!, BAD, 4096), -EFAULT);
  assert.is(h.call(dir.chdir!, h.str('missing')), -ENOENT);
  assert.is(h.call(dir.chdir!, h.str('x')), -ENOTDIR);
  assert.is(h.call(dir.chdir!, h.str('/dir/link/..')), -ENOTDIR);
  assert.is(h.call(dir.fchdir!, open('x')), -ENOTDIR);
  assert.is(h.call(dir.fchdir!, 99), -EBADF);
  assert.is(h.call(dir.fchdir!, open('/etc', O_PATH)), 0);
  assert.is(h.call(dir.getcwd!, buf, 4096), 5);
  assert.is(h.call(dir.chroot!, h.str('/dir')), 0);
  assert.is(readAll(open('/sub/x')), 'x\n');
  assert.is(readAll(open('/../../../sub/x')), 'x\n');
  assert.is(h.call(dir.getcwd!, buf, 4096), 18, 'cwd outside the new root');
  assert.is(h.peek(buf, 17).toString(), '(unreachable)/etc');
});

S('fcntl, dup, dup2, dup3, ioctl', () => {
  const fd = open('/etc/passwd');
  assert.is(h.call(fc.fcntl!, fd, F_GETFD), 0);
  assert.is(h.call(fc.fcntl!, fd, F_SETFD, 1), 0);
  assert.is(h.call(fc.fcntl!, fd, F_GETFD), 1);
  assert.is(h.call(fc.fcntl!, fd, F_SETFL, O_NONBLOCK | O_WRONLY), 0);
  assert.is(h.call(fc.fcntl!, fd, F_GETFL), O_RDONLY | O_NONBLOCK | O_LARGEFILE);
  assert.is(h.call(fc.fcntl!, fd, F_DUPFD, 20), 20);
  assert.is(h.call(fc.fcntl!, fd, F_DUPFD, 20), 21);
  assert.is(h.call(fc.fcntl!, fd, F_DUPFD_CLOEXEC, 30), 30);
  assert.is(h.call(fc.fcntl!, 30, F_GETFD), 1);
  assert.is(h.call(fc.fcntl!, fd, F_DUPFD, -1), -EINVAL);
  assert.is(h.call(fc.fcntl!, fd, F_DUPFD, 1 << 30), -EINVAL);
  assert.is(h.call(fc.fcntl!, 99, F_GETFD), -EBADF);
  assert.is(h.call(fc.fcntl!, fd, 12345), -EINVAL);
  h.call(io.lseek!, fd, 3, 0);
  readAll(20, 1);
  assert.is(h.call(io.lseek!, fd, 0, 1), 4, 'dups share the offset');
  assert.is(h.call(fc.dup!, fd), 1);
  assert.is(h.call(fc.dup2!, fd, 10), 10);
  assert.is(h.call(fc.dup2!, 10, 10), 10);
  assert.is(h.call(fc.dup2!, 99, 11), -EBADF);
  assert.is(h.call(fc.dup2!, 99, 99), -EBADF);
  assert.is(h.call(fc.dup2!, 10, -1), -EBADF);
  assert.is(h.call(fc.dup3!, 10, 12, O_CLOEXEC), 12);
  assert.is(h.call(fc.fcntl!, 12, F_GETFD), 1);
  assert.is(h.call(fc.dup3!, 10, 10, 0), -EINVAL);
  assert.is(h.call(fc.dup3!, 10, 13, 1), -EINVAL);
  const arg = h.alloc(8);
  assert.is(h.call(fc.ioctl!, fd, TCGETS, arg), -ENOTTY);
  assert.is(h.call(fc.ioctl!, 99, TCGETS, arg), -EBADF);
  assert.is(h.call(fc.ioctl!, fd, FIONREAD, arg), 0);
  assert.is(h.peek(arg, 4).readInt32LE(), PASSWD.length - 4);
  assert.is(h.call(fc.ioctl!, 1, FIOCLEX, 0), 0);
  assert.is(h.call(fc.fcntl!, 1, F_GETFD), 1);
  const d = open('/etc', O_RDONLY | O_DIRECTORY);
  assert.is(h.call(fc.ioctl!, d, TCGETS, arg), -ENOTTY);
  assert.is(h.call(fc.ioctl!, d, FIONREAD, arg), -ENOTTY);
  assert.is(h.call(op.close_range!, 20, 21, 0), 0);
  assert.is(h.call(fc.fcntl!, 20, F_GETFD), -EBADF);
  assert.is(h.call(op.close_range!, 5, 4, 0), -EINVAL);
  assert.is(h.call(op.close_range!, 0, 100, 8), -EINVAL);
  assert.is(h.call(op.close_range!, 10, ~0 >>> 0, 4), 0);
  assert.is(h.call(fc.fcntl!, 10, F_GETFD), 1);
});

S('writes on the read-only root give EROFS after Linux\'s other checks', () => {
  assert.is(h.call(md.mkdir!, h.str('/etc/new'), 0o755), -EROFS);
  assert.is(h.call(md.mkdir!, h.str('/etc'), 0o755), -EEXIST);
  assert.is(h.call(md.mkdir!, h.str('/missing/x'), 0o755), -ENOENT);
  assert.is(h.call(md.mkdir!, h.str('/'), 0o755), -EEXIST);
  assert.is(h.call(md.rmdir!, h.str('/etc')), -EROFS);
  assert.is(h.call(md.rmdir!, h.str('/etc/..')), -ENOTEMPTY);
  assert.is(h.call(md.rmdir!, h.str('/')), -EBUSY);
  assert.is(h.call(md.unlink!, h.str('/etc/passwd')), -EROFS);
  assert.is(h.call(md.unlink!, h.str('/etc/missing')), -EROFS);
  assert.is(h.call(md.unlink!, h.str('/missing/x')), -ENOENT);
  assert.is(h.call(md.unlinkat!, AT_FDCWD, h.str('/etc'), AT_REMOVEDIR), -EROFS);
  assert.is(h.call(md.unlinkat!, AT_FDCWD, h.str('/etc'), 1), -EINVAL);
  assert.is(h.call(md.symlink!, h.str('x'), h.str('/etc/sym')), -EROFS);
  assert.is(h.call(md.symlink!, h.str(''), h.str('/etc/sym')), -ENOENT);
  assert.is(h.call(md.link!, h.str('/etc/passwd'), h.str('/etc/p2')), -EROFS);
  assert.is(h.call(md.link!, h.str('/missing'), h.str('/etc/p2')), -ENOENT);
  assert.is(h.call(md.rename!, h.str('/etc/passwd'), h.str('/etc/p2')), -EROFS);
  assert.is(h.call(md.rename!, h.str('/etc/passwd'), h.str('/dev/p2')), -18 /* EXDEV */);
  assert.is(h.call(md.truncate!, h.str('/etc/passwd'), 0), -EROFS);
  assert.is(h.call(md.truncate!, h.str('/etc'), 0), -EISDIR);
  assert.is(h.call(md.truncate!, h.str('/missing'), 0), -ENOENT);
  assert.is(h.call(md.truncate!, h.str('/etc/passwd'), -1), -EINVAL);
  const fd = open('/etc/passwd');
  assert.is(h.call(md.ftruncate!, fd, 0), -EINVAL);
  assert.is(h.call(md.chmod!, h.str('/etc/passwd'), 0o600), -EROFS);
  assert.is(h.call(md.fchmod!, fd, 0o600), -EROFS);
  assert.is(h.call(md.chown!, h.str('/etc/passwd'), 0, 0), -EROFS);
  assert.is(h.call(md.fchownat!, AT_FDCWD, h.str('/etc/passwd'), 0, 0, 0x8000), -EINVAL);
  assert.is(h.call(md.utimensat!, AT_FDCWD, h.str('/etc/passwd'), 0, 0), -EROFS);
  assert.is(h.call(md.utimensat!, AT_FDCWD, h.str('/dev/null'), 0, 0), 0);
  assert.is(h.call(md.mknod!, h.str('/etc/node'), 0o010644, 0), -EROFS);
  assert.is(h.call(md.mkdir!, h.str('/dev/shm'), 0o755), -EEXIST);
  assert.is(h.call(md.mkdir!, h.str('/dev/newdir'), 0o755), -EPERM);
  assert.is(h.call(md.fsync!, fd), 0);
  assert.is(h.call(md.fsync!, 99), -EBADF);
  assert.is(h.call(md.fsync!, open('/dev/null')), -EINVAL);
});

S('no host fd leaks across opens and closes', () => {
  const before = openFdCount();
  for (let i = 0; i < 50; i++) {
    const fd = open('/dir/a');
    readAll(fd);
    h.call(op.close!, fd);
  }
  assert.ok(openFdCount() - before < 10, `${openFdCount() - before} more fds`);
});

S.after(() => removeFixture(fx.top));
S.run();
