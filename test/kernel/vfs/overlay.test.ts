// The overlay root and tmpfs, through the syscalls: copy-up keeps st_ino and
// st_dev, whiteouts hide deleted names, a directory made over a deleted one is
// opaque, renamed directories keep their contents, hard links share the inode,
// listings merge both layers, and the host directory never changes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { EEXIST, ENOENT, ENOTEMPTY, EXDEV } from '../../../src/kernel/errno';
import { O_APPEND, O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY } from '../../../src/kernel/abi/fcntl';
import { ST_DEV, ST_INO, ST_NLINK, ST_SIZE } from '../../../src/kernel/abi/stat';
import { fsIoSyscalls as io } from '../../../src/kernel/syscalls/fs_io';
import { fsOpenSyscalls as op } from '../../../src/kernel/syscalls/fs_open';
import { fsStatSyscalls as st } from '../../../src/kernel/syscalls/fs_stat';
import { fsDirSyscalls as dir } from '../../../src/kernel/syscalls/fs_dir';
import { fsModifySyscalls as md } from '../../../src/kernel/syscalls/fs_modify';
import { makeFixture, makeHarness, removeFixture, type Harness } from './harness';

const fx = makeFixture();
let h: Harness;

function digest(root: string): string {
  const hash = createHash('sha256');
  // Buffers all the way: the fixture has a name that is not UTF-8.
  const walk = (full: Buffer): void => {
    const s = fs.lstatSync(full);
    hash.update(full);
    hash.update(`\0${s.mode}\0${s.size}\0${s.mtimeMs}\0${s.nlink}\0`);
    if (s.isSymbolicLink()) hash.update(fs.readlinkSync(full, { encoding: 'buffer' }));
    else if (s.isFile()) hash.update(fs.readFileSync(full));
    else if (s.isDirectory()) {
      const names = fs.readdirSync(full, { encoding: 'buffer' }).sort(Buffer.compare);
      for (const e of names) walk(Buffer.concat([full, Buffer.from('/'), e]));
    }
  };
  walk(Buffer.from(root));
  return hash.digest('hex');
}

function open(p: string, flags = O_RDONLY, mode = 0o644): number { return h.call(op.open!, h.str(p), flags, mode); }
function write(fd: number, s: string): number { const a = h.str(s); return h.call(io.write!, fd, a, s.length); }
function read(p: string): string | number {
  const fd = open(p);
  if (fd < 0) return fd;
  const buf = h.alloc(4096);
  const n = h.call(io.read!, fd, buf, 4096);
  h.call(op.close!, fd);
  return n < 0 ? n : h.peek(buf, n).toString('latin1');
}
function stat(p: string): DataView | number {
  const buf = h.alloc(144);
  const r = h.call(st.lstat!, h.str(p), buf);
  return r < 0 ? r : new DataView(h.peek(buf, 144).buffer.slice(0));
}
const num = (v: DataView | number, off: number): number => (typeof v === 'number' ? v : Number(v.getBigUint64(off, true)));
function list(p: string): string[] {
  const fd = open(p, O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw new Error(`open ${p}: ${fd}`);
  const names: string[] = [];
  const buf = h.alloc(8192);
  for (;;) {
    const n = h.call(dir.getdents64!, fd, buf, 8192);
    if (n <= 0) break;
    const b = h.peek(buf, n);
    for (let off = 0; off < n;) {
      const reclen = b.readUInt16LE(off + 16);
      const end = b.indexOf(0, off + 19);
      names.push(b.toString('latin1', off + 19, end));
      off += reclen;
    }
  }
  h.call(op.close!, fd);
  return names.filter((x) => x !== '.' && x !== '..').sort();
}

const S = suite('overlay and tmpfs');
let before = '';
S.before(() => { before = digest(fx.root); });
S.before.each(() => { h = makeHarness(fx.root, undefined, 'overlay'); });
S.after.each(() => { h.close(); assert.is(digest(fx.root), before, 'the host root changed'); });
S.after(() => removeFixture(fx.top));

S('copy-up on write keeps st_ino and st_dev; the host file stays', () => {
  const a = stat('/etc/passwd');
  const fd = open('/etc/passwd', O_WRONLY | O_APPEND);
  assert.ok(fd >= 0);
  assert.is(write(fd, 'new:x:1:1::/:/bin/sh\n'), 21);
  h.call(op.close!, fd);
  const b = stat('/etc/passwd');
  assert.is(num(b, ST_INO), num(a, ST_INO));
  assert.is(num(b, ST_DEV), num(a, ST_DEV));
  assert.is(num(b, ST_SIZE), num(a, ST_SIZE) + 21);
  assert.match(read('/etc/passwd') as string, /new:x:1:1/);
});

S('O_TRUNC of a lower file, then writes', () => {
  const fd = open('/dir/a', O_WRONLY | O_TRUNC);
  assert.is(write(fd, 'short'), 5);
  h.call(op.close!, fd);
  assert.is(read('/dir/a'), 'short');
});

S('deletes leave whiteouts; a name comes back new; listings merge', () => {
  assert.is(h.call(md.unlink!, h.str('/dir/a')), 0);
  assert.is(read('/dir/a'), -ENOENT);
  assert.not.ok(list('/dir').includes('a'));
  const fd = open('/dir/new', O_WRONLY | O_CREAT, 0o600);
  h.call(op.close!, fd);
  assert.equal(list('/dir').filter((n) => n !== 'n\xffm'), ['dangling', 'link', 'new', 'sub', 'up']);
  const fd2 = open('/dir/a', O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  write(fd2, 'again');
  h.call(op.close!, fd2);
  assert.is(read('/dir/a'), 'again');
});

S('a directory made over a deleted one is opaque', () => {
  assert.is(h.call(md.rmdir!, h.str('/dir/sub')), -ENOTEMPTY);
  assert.is(h.call(md.unlink!, h.str('/dir/sub/x')), 0);
  assert.is(h.call(md.rmdir!, h.str('/dir/sub')), 0);
  assert.is(h.call(md.mkdir!, h.str('/dir/sub'), 0o755), 0);
  assert.equal(list('/dir/sub'), []);
  assert.is(read('/dir/sub/x'), -ENOENT);
});

S('renaming a lower directory keeps its contents; the old name is gone', () => {
  const ino = num(stat('/dir/sub/x'), ST_INO);
  assert.is(h.call(md.rename!, h.str('/dir'), h.str('/moved')), 0);
  assert.is(read('/moved/sub/x'), 'x\n');
  assert.is(read('/moved/a'), 'alpha\n');
  assert.is(num(stat('/moved/sub/x'), ST_INO), ino);
  assert.is(stat('/dir'), -ENOENT);
  assert.ok(list('/').includes('moved') && !list('/').includes('dir'));
  assert.is(h.call(md.rename!, h.str('/moved'), h.str('/tmp/x')), -EXDEV);
});

S('hard links to a lower file share the inode', () => {
  assert.is(h.call(md.link!, h.str('/dir/a'), h.str('/dir/b')), 0);
  assert.is(num(stat('/dir/a'), ST_NLINK), 2);
  assert.is(num(stat('/dir/b'), ST_INO), num(stat('/dir/a'), ST_INO));
  const fd = open('/dir/b', O_WRONLY | O_APPEND);
  write(fd, 'via b\n');
  h.call(op.close!, fd);
  assert.is(read('/dir/a'), 'alpha\nvia b\n');
  assert.is(h.call(md.link!, h.str('/dir/a'), h.str('/dir/b')), -EEXIST);
});

S('tmpfs: files, sizes, links, unlink while open', () => {
  const fd = open('/tmp/f', O_WRONLY | O_CREAT, 0o644);
  assert.is(write(fd, 'hello'), 5);
  assert.is(h.call(md.link!, h.str('/tmp/f'), h.str('/tmp/g')), 0);
  assert.is(num(stat('/tmp/g'), ST_NLINK), 2);
  assert.is(h.call(md.unlink!, h.str('/tmp/f')), 0);
  assert.is(h.call(md.unlink!, h.str('/tmp/g')), 0);
  assert.is(write(fd, ' world'), 6);
  h.call(op.close!, fd);
  assert.equal(list('/tmp'), []);
});

S.run();
