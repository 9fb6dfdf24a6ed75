// The path walker against a temporary root: components, symlinks, `..`, limits,
// and every way out of the root we could think of.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { EACCES, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EXDEV } from '../../../src/kernel/errno';
import { RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS, RESOLVE_NO_XDEV, RESOLVE_NO_MAGICLINKS } from '../../../src/kernel/abi/fcntl';
import { LOOKUP_DIRECTORY, LOOKUP_FOLLOW, walk, walkParent, LAST_NORM, LAST_DOTDOT, LAST_ROOT } from '../../../src/kernel/vfs/namei';
import { Vfs } from '../../../src/kernel/vfs/vfs';
import type { VfsCtx } from '../../../src/kernel/vfs/inode';
import type { Dentry } from '../../../src/kernel/vfs/dentry';
import { Credentials } from '../../../src/kernel/task';
import { PASSWD, makeFixture, openFdCount, removeFixture } from './harness';

const fx = makeFixture();
let vfs: Vfs;
let ctx: VfsCtx;

function resolve(p: string, flags = LOOKUP_FOLLOW, resolveFlags = 0, start?: Dentry): string | number {
  const d = walk(ctx, start ?? vfs.root, p, flags, resolveFlags);
  if (typeof d === 'number') return d;
  const s = d.path();
  d.put();
  return s;
}

/** Reads a regular file through the VFS. */
function cat(p: string): string | number {
  const f = vfs.open(ctx, vfs.root, p, 0, 0);
  if (typeof f === 'number') return f;
  const b = Buffer.alloc(4096);
  const n = f.read(null as never, b, 0, b.length, 0);
  f.release();
  return n < 0 ? n : b.subarray(0, n).toString('latin1');
}

const W = suite('walk');
W.before.each(() => { vfs = new Vfs({ rootDir: fx.root }); ctx = { root: vfs.root, task: null, creds: null }; });
W.after.each(() => { vfs.destroy(); });

W('plain paths, . and .. and repeated slashes', () => {
  assert.is(resolve('/etc/passwd'), '/etc/passwd');
  assert.is(resolve('etc//passwd'), '/etc/passwd');
  assert.is(resolve('/etc/./../etc/passwd'), '/etc/passwd');
  assert.is(resolve('/'), '/');
  assert.is(resolve('.'), '/');
  assert.is(resolve('///'), '/');
});

W('missing, not a directory, trailing slash', () => {
  assert.is(resolve('/missing'), -ENOENT);
  assert.is(resolve('/missing/x'), -ENOENT);
  assert.is(resolve('/etc/passwd/x'), -ENOTDIR);
  assert.is(resolve('/etc/passwd/.'), -ENOTDIR);
  assert.is(resolve('/etc/passwd/..'), -ENOTDIR);
  assert.is(resolve('/etc/passwd/'), -ENOTDIR);
  assert.is(resolve('/etc/'), '/etc');
  assert.is(resolve('/etc/passwd', LOOKUP_FOLLOW | LOOKUP_DIRECTORY), -ENOTDIR);
  assert.is(resolve(''), -ENOENT);
});

W('symlinks: relative, absolute, dangling, nofollow, trailing slash', () => {
  assert.is(resolve('/dir/link'), '/dir/a');
  assert.is(resolve('/dir/link', 0), '/dir/link');
  assert.is(resolve('/dir/dangling'), -ENOENT);
  assert.is(resolve('/dir/dangling', 0), '/dir/dangling');
  assert.is(resolve('/abs'), '/etc/passwd');
  assert.is(resolve('/dirlink/sub/x'), '/dir/sub/x');
  assert.is(resolve('/dirlink', 0), '/dirlink');
  assert.is(resolve('/dirlink/', 0), '/dir', 'a trailing slash follows even without LOOKUP_FOLLOW');
  assert.is(resolve('/dir/link/'), -ENOTDIR);
  assert.is(resolve('/dirlink-slash'), '/dir');
  assert.is(resolve('/dir/link/..'), -ENOTDIR, 'link -> a file, then ..');
  // .. after a symlink to a directory is physical: the target's parent.
  assert.is(resolve('/dirlink/sub/..'), '/dir');
  assert.is(resolve('/bin/proglink'), '/bin/prog');
});

W('loops: ELOOP, and 40 links are the limit', () => {
  assert.is(resolve('/loop1'), -ELOOP);
  assert.is(resolve('/selfloop'), -ELOOP);
  assert.is(resolve('/selfloop', 0), '/selfloop');
  assert.is(resolve('/selfloop/x', 0), -ELOOP);
  // A chain of exactly 40 links resolves; 41 does not.
  const chain = path.join(fx.root, 'chain');
  fs.mkdirSync(chain);
  fs.writeFileSync(path.join(chain, 'end'), 'end');
  for (let i = 1; i <= 41; i++) fs.symlinkSync(i === 1 ? 'end' : `l${i - 1}`, path.join(chain, `l${i}`));
  assert.is(resolve('/chain/l40'), '/chain/end');
  assert.is(resolve('/chain/l41'), -ELOOP);
  fs.rmSync(chain, { recursive: true });
});

W('name limits', () => {
  assert.is(resolve('/' + 'a'.repeat(256)), -ENAMETOOLONG);
  assert.is(resolve('/' + 'a'.repeat(255)), -ENOENT);
  assert.is(resolve('/etc/' + './'.repeat(2045)), '/etc');
  assert.is(resolve('/' + './'.repeat(2048)), -ENAMETOOLONG);
});

W('escapes stay inside the root', () => {
  assert.is(resolve('/..'), '/');
  assert.is(resolve('/../../../..'), '/');
  assert.is(resolve('../../../etc/passwd'), '/etc/passwd');
  assert.is(cat('/../../etc/passwd'), PASSWD);
  assert.is(cat('/abs'), PASSWD, 'absolute target restarts at the sandbox root, not the host root');
  assert.is(cat('/dir/up/passwd'), PASSWD, 'relative target with many .. stops at the root');
  assert.is(resolve('/escape'), '/');
  assert.is(resolve('/escape/outside/secret'), -ENOENT);
  assert.is(resolve('/rel-out'), -ENOENT);
  assert.is(resolve('/host-abs'), -ENOENT, 'a host-absolute target is looked up inside the root');
  assert.is(resolve('/dir/../../outside/secret'), -ENOENT);
  assert.is(resolve('/proc/../../outside/secret'), -ENOENT);
  assert.is(resolve('/dev/../..'), '/');
});

W('the root directory\'s /dev and /proc are not used', () => {
  fs.writeFileSync(path.join(fx.root, 'dev', 'host-only'), 'x');
  assert.is(resolve('/dev/host-only'), -ENOENT);
  assert.is(resolve('/dev/null'), '/dev/null');
  assert.is(resolve('/devnull-link'), '/dev/null', 'mounts apply behind the root\'s symlinks');
  assert.is(resolve('/dev/../etc/passwd'), '/etc/passwd');
  fs.rmSync(path.join(fx.root, 'dev', 'host-only'));
});

W('openat2 scoping: BENEATH, IN_ROOT, NO_SYMLINKS, NO_XDEV', () => {
  const dir = walk(ctx, vfs.root, '/dir', LOOKUP_FOLLOW) as Dentry;
  assert.is(resolve('sub/x', LOOKUP_FOLLOW, RESOLVE_BENEATH, dir), '/dir/sub/x');
  assert.is(resolve('sub/../a', LOOKUP_FOLLOW, RESOLVE_BENEATH, dir), '/dir/a');
  assert.is(resolve('../etc', LOOKUP_FOLLOW, RESOLVE_BENEATH, dir), -EXDEV);
  assert.is(resolve('/etc', LOOKUP_FOLLOW, RESOLVE_BENEATH, dir), -EXDEV);
  assert.is(resolve('up', LOOKUP_FOLLOW, RESOLVE_BENEATH, dir), -EXDEV);
  assert.is(resolve('link', LOOKUP_FOLLOW, RESOLVE_NO_SYMLINKS, dir), -ELOOP);
  assert.is(resolve('link', 0, RESOLVE_NO_SYMLINKS, dir), '/dir/link');
  assert.is(resolve('../../..', LOOKUP_FOLLOW, RESOLVE_IN_ROOT, dir), '/dir');
  assert.is(resolve('/sub', LOOKUP_FOLLOW, RESOLVE_IN_ROOT, dir), '/dir/sub');
  assert.is(resolve('/dev/null', LOOKUP_FOLLOW, RESOLVE_NO_XDEV), -EXDEV);
  assert.is(resolve('/etc/passwd', LOOKUP_FOLLOW, RESOLVE_NO_XDEV), '/etc/passwd');
  assert.is(resolve('/exelink', LOOKUP_FOLLOW, RESOLVE_NO_MAGICLINKS), -ENOENT, 'no task: /proc/self is absent');
  dir.put();
});

W('walkParent', () => {
  const r = walkParent(ctx, vfs.root, '/dir/sub/');
  assert.ok(typeof r !== 'number');
  if (typeof r === 'number') return;
  assert.is(r.dir.path(), '/dir');
  assert.is(r.last, 'sub');
  assert.is(r.type, LAST_NORM);
  assert.ok(r.trailingSlash);
  r.dir.put();
  const q = walkParent(ctx, vfs.root, '/dir/..') as { dir: Dentry; type: number };
  assert.is(q.type, LAST_DOTDOT);
  q.dir.put();
  const s = walkParent(ctx, vfs.root, '/') as { dir: Dentry; type: number };
  assert.is(s.type, LAST_ROOT);
  s.dir.put();
  assert.is(walkParent(ctx, vfs.root, '/missing/x'), -ENOENT);
  assert.is(walkParent(ctx, vfs.root, '/etc/passwd/x'), -ENOTDIR);
});

W('search permission for a non-root user', () => {
  const creds = new Credentials();
  creds.uid = creds.euid = creds.fsuid = 1000;
  creds.gid = creds.egid = creds.fsgid = 1000;
  creds.capEffLo = creds.capEffHi = creds.capPrmLo = creds.capPrmHi = 0; // as setuid leaves a non-root user
  const user: VfsCtx = { root: vfs.root, task: null, creds };
  const st = fs.statSync(path.join(fx.root, 'locked'));
  const d = walk(user, vfs.root, '/locked/x', LOOKUP_FOLLOW);
  // Mode 0700, owned by whoever runs the tests: uid 1000 may not search it unless it owns it.
  assert.is(d, st.uid === 1000 ? -ENOENT : -EACCES);
  const r = walk(ctx, vfs.root, '/locked/x', LOOKUP_FOLLOW);
  assert.is(r, -ENOENT, 'root searches anything');
});

W('names that are not UTF-8 reach the host as bytes', () => {
  const name = '/dir/n\xffm';
  assert.is(cat(name), 'latin\n');
});

W('the dentry cache keeps host fds bounded and closes them all', () => {
  vfs.destroy();
  const before = openFdCount();
  vfs = new Vfs({ rootDir: fx.root, dentryCacheSize: 8 });
  ctx = { root: vfs.root, task: null, creds: null };
  const many = path.join(fx.root, 'many');
  fs.mkdirSync(many);
  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(many, `f${i}`), `${i}`);
  for (let i = 0; i < 100; i++) assert.is(resolve(`/many/f${i}`), `/many/f${i}`);
  assert.ok(openFdCount() - before <= 8 + 4, `fds held: ${openFdCount() - before}`);
  vfs.destroy();
  assert.is(openFdCount(), before, 'every host fd closed');
  fs.rmSync(many, { recursive: true });
  vfs = new Vfs({ rootDir: fx.root });
});

W.after(() => removeFixture(fx.top));
W.run();
