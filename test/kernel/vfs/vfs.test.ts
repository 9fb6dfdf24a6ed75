// The Vfs object's own entry points: openExec (the ELF loader's open), the
// mappable backing of host files, stdio wrapping and fs contexts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { EACCES, ENOENT, ENOTDIR } from '../../../src/kernel/errno';
import { Vfs } from '../../../src/kernel/vfs/vfs';
import { release } from '../../../src/kernel/vfs/fd_table';
import { makeFixture, openFdCount, removeFixture } from './harness';

const fx = makeFixture();
let vfs: Vfs;

const V = suite('vfs');
V.before.each(() => { vfs = new Vfs({ rootDir: fx.root }); });
V.after.each(() => { vfs.destroy(); });

V('openExec: regular executable files only; the path has symlinks resolved', () => {
  const fsx = vfs.newFsContext();
  const r = vfs.openExec(fsx, '/bin/proglink');
  assert.type(r, 'object');
  if (typeof r === 'number') return;
  assert.is(r.path, '/bin/prog');
  const b = new Uint8Array(4);
  assert.is(r.file.read(null as never, b, 0, 4, 0), 4);
  assert.equal(Buffer.from(b).toString('latin1'), '\x7fELF');
  const m = r.file.mappable();
  assert.ok(m !== null);
  const page = new Uint8Array(4096).fill(0xee);
  assert.is(m!.readForMap(page, 0, 4096, 1), 15, 'short at the end of the file');
  assert.is(String.fromCharCode(page[0]!), 'E');
  release(r.file);
  assert.is(vfs.openExec(fsx, '/bin/noexec'), -EACCES);
  assert.is(vfs.openExec(fsx, '/bin'), -EACCES);
  assert.is(vfs.openExec(fsx, '/dev/null'), -EACCES);
  assert.is(vfs.openExec(fsx, '/bin/missing'), -ENOENT);
  assert.is(vfs.openExec(fsx, '/bin/prog/x'), -ENOTDIR);
  assert.is(vfs.openExec(fsx, '/escape/bin/prog') !== -ENOENT, true, 'an escape resolves inside the root');
  fsx.release();
});

V('fs contexts: clone shares nothing mutable; references are balanced', () => {
  const a = vfs.newFsContext();
  const refs = vfs.root.refs;
  const b = a.clone();
  assert.is(vfs.root.refs, refs + 2);
  b.umask = 0o077;
  assert.is(a.umask, 0o022);
  b.release();
  a.release();
  assert.is(vfs.root.refs, refs - 2);
});

V('opening and closing many files leaves no host fd behind', () => {
  vfs.destroy();
  const before = openFdCount();
  vfs = new Vfs({ rootDir: fx.root });
  const fsx = vfs.newFsContext();
  for (let i = 0; i < 200; i++) {
    const f = vfs.open(fsx.ctx(null), fsx.cwd, i % 2 ? '/dir/a' : '/dir/sub', 0, 0);
    assert.ok(typeof f !== 'number');
    if (typeof f !== 'number') release(f);
  }
  fsx.release();
  vfs.destroy();
  assert.is(openFdCount(), before);
  vfs = new Vfs({ rootDir: fx.root });
});

V('a root directory that cannot be opened is an error at start', () => {
  assert.throws(() => new Vfs({ rootDir: path.join(fx.top, 'missing') }), /cannot open the root/);
  assert.ok(fs.existsSync(fx.root));
});

V.after(() => removeFixture(fx.top));
V.run();
