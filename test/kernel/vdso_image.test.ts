// The built vDSO image (build/Release/vdso.so) and how the kernel maps it: every
// symbol glibc and musl look up, at version LINUX_2.6, found through DT_HASH as
// musl does; no relocations; [vvar] and [vdso] mapped read-only in each process
// over the same frames; a write (after mprotect) copies, never touching the
// shared page.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadVdsoImage, parseVdsoImage, vdsoPath, type VdsoImage } from '../../src/kernel/vdso/image';
import { VDSO_SYMBOLS, VVAR_SEQ, VVAR_SHIFT } from '../../src/kernel/vdso/layout';
import { Vdso } from '../../src/kernel/vdso/vdso';
import { MemoryFile, PAGE_SIZE } from '../../src/kernel/mm/memory_file';
import { MM } from '../../src/kernel/mm/mm';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type AddressSpace } from '../../src/platform/platform';

const REPO = path.resolve(__dirname, '..', '..', '..');

function image(): VdsoImage {
  const img = loadVdsoImage();
  if (typeof img === 'string') throw new Error(img);
  return img;
}

/** An address space that records what the kernel maps. */
class RecordingAs implements AddressSpace {
  readonly maps: { va: number; pa: number; len: number; prot: number }[] = [];
  map(va: number, pa: number, len: number, prot: number): void { this.maps.push({ va, pa, len, prot }); }
  unmap(): void {}
  protect(): void {}
  destroy(): void {}
  frameAt(va: number): { pa: number; prot: number } | undefined {
    for (let i = this.maps.length - 1; i >= 0; i--) {
      const m = this.maps[i]!;
      if (va >= m.va && va < m.va + m.len) return { pa: m.pa + (va - m.va), prot: m.prot };
    }
    return undefined;
  }
}

function newMm(mem: MemoryFile): { mm: MM; as: RecordingAs } {
  const as = new RecordingAs();
  const mm = new MM(mem, as);
  mm.mmapBase = 0x7ffff7fff000;
  mm.stackTop = 0x7ffffffff000;
  return { mm, as };
}

test('the build put vdso.so where the kernel looks for it', () => {
  const p = vdsoPath();
  assert.ok(p !== null && fs.existsSync(p), `vdso.so not found (${p}); run npm run build`);
  assert.ok(p!.startsWith(path.join(REPO, 'build')), p!);
});

test('the image exports every symbol at LINUX_2.6 and fits in two pages', () => {
  const img = image();
  for (const s of VDSO_SYMBOLS) assert.ok(img.symbols.has(s), s);
  assert.is(img.symbols.get('clock_gettime'), img.symbols.get('__vdso_clock_gettime'), 'aliases share the code');
  assert.is(img.symbols.get('time'), img.symbols.get('__vdso_time'));
  assert.ok(img.pages >= 1 && img.pages <= 2, `${img.pages} pages`);
  assert.is(img.bytes.length, img.pages * PAGE_SIZE);
  for (const off of img.symbols.values()) assert.ok(off > 0 && off < img.bytes.length);
});

test('readelf agrees: no relocations, DT_HASH and DT_GNU_HASH, versions, soname', () => {
  let out: string;
  try { out = execFileSync('readelf', ['-W', '-dr', '--dyn-syms', '-V', vdsoPath()!], { encoding: 'utf8' }); } catch { return; }
  assert.ok(out.includes('There are no relocations in this file.'), 'no relocations');
  assert.match(out, /\(HASH\)/);
  assert.match(out, /\(GNU_HASH\)/);
  assert.match(out, /\(VERDEF\)/);
  assert.match(out, /linux-vdso\.so\.1/);
  assert.match(out, /__vdso_clock_gettime@@LINUX_2\.6/);
});

test('broken images are refused with the reason', () => {
  const good = image().bytes;
  assert.is(parseVdsoImage(new Uint8Array(100)), 'not an ELF file');
  const w = good.slice();
  const dv = new DataView(w.buffer);
  // The first program header is the PT_LOAD (the linker script puts it first): make it writable.
  const phoff = dv.getUint32(32, true);
  assert.is(dv.getUint32(phoff, true), 1);
  dv.setUint32(phoff + 4, dv.getUint32(phoff + 4, true) | 2, true);
  assert.is(parseVdsoImage(w), 'PT_LOAD is writable');
});

test('an image without DT_HASH (gnu hash only) is refused: musl could not use it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdso-'));
  const out = path.join(dir, 'gnu.so');
  try {
    execFileSync('gcc', ['-nostdlib', '-fPIC', '-O2', '-fno-stack-protector', '-shared', '-Wl,--hash-style=gnu',
      `-Wl,-T,${path.join(REPO, 'src/kernel/vdso/vdso.lds')}`, '-o', out, path.join(REPO, 'src/kernel/vdso/vdso.c')], { stdio: 'ignore' });
  } catch { return; } // no gcc: the build itself would have failed first
  const r = parseVdsoImage(fs.readFileSync(out));
  assert.type(r, 'string');
  assert.match(r as string, /DT_HASH/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('map(): [vvar] then [vdso], read-only, ELF header at the returned base, present at once', () => {
  const mem = new MemoryFile(16 * 1024 * 1024);
  const v = new Vdso({ mem, autoRefresh: false });
  const { mm, as } = newMm(mem);
  const base = v.map(mm);
  assert.ok(base > 0 && base % PAGE_SIZE === 0);
  const vvar = mm.find(base - PAGE_SIZE)!, code = mm.find(base)!;
  assert.is(vvar.name, '[vvar]');
  assert.is(vvar.prot, PROT_READ);
  assert.is(vvar.end, base);
  assert.is(code.name, '[vdso]');
  assert.is(code.prot, PROT_READ | PROT_EXEC);
  assert.is(code.start, base);
  assert.is(code.end, base + v.image.pages * PAGE_SIZE);
  assert.ok(base + v.image.pages * PAGE_SIZE <= mm.mmapBase, 'in the mmap area');
  // Already mapped on the platform (no fault exit on the first call), never writable.
  for (let a = base - PAGE_SIZE; a < code.end; a += PAGE_SIZE) {
    const f = as.frameAt(a);
    assert.ok(f, `0x${a.toString(16)} is mapped`);
    assert.is(f!.prot & PROT_WRITE, 0);
  }
  const head = new Uint8Array(4);
  assert.is(mm.copyIn(base, head, 0, 4), 0);
  assert.equal([...head], [0x7f, 0x45, 0x4c, 0x46]);
  // The time page is calibrated by the first map().
  const page = new Uint8Array(PAGE_SIZE);
  assert.is(mm.copyIn(base - PAGE_SIZE, page, 0, PAGE_SIZE), 0);
  const dv = new DataView(page.buffer);
  assert.is(dv.getUint32(VVAR_SEQ, true) % 2, 0);
  assert.ok(dv.getUint32(VVAR_SHIFT, true) > 0);
  assert.ok(v.symbol(base, '__vdso_clock_gettime') > base);
  v.close();
  mem.close();
});

test('every process maps the same frames; a write after mprotect copies the page', () => {
  const mem = new MemoryFile(16 * 1024 * 1024);
  const v = new Vdso({ mem, autoRefresh: false });
  const a = newMm(mem), b = newMm(mem);
  const baseA = v.map(a.mm), baseB = v.map(b.mm);
  const vvarA = a.as.frameAt(baseA - PAGE_SIZE)!.pa, vvarB = b.as.frameAt(baseB - PAGE_SIZE)!.pa;
  assert.is(vvarA, vvarB, 'one time page for all');
  assert.is(a.as.frameAt(baseA)!.pa, b.as.frameAt(baseB)!.pa, 'one copy of the code');
  assert.is(mem.refs[vvarA / PAGE_SIZE], 3, 'the vDSO and two mappings');

  // A refresh is seen by both at once.
  const before = new Uint8Array(8), after = new Uint8Array(8);
  b.mm.copyIn(baseB - PAGE_SIZE, before, 0, 8);
  v.timekeeper.refresh(1e9);
  b.mm.copyIn(baseB - PAGE_SIZE, after, 0, 8);
  assert.is.not(new DataView(after.buffer).getUint32(VVAR_SEQ, true), new DataView(before.buffer).getUint32(VVAR_SEQ, true));

  // Process A makes its time page writable and scribbles on it: only A's copy changes.
  assert.is(a.mm.protect(baseA - PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
  const junk = new Uint8Array(16).fill(0xee);
  assert.is(a.mm.copyOut(baseA - PAGE_SIZE, junk, 0, 16), 0);
  const mineNow = a.mm.physAddr(baseA - PAGE_SIZE);
  assert.is.not(mineNow, vvarA, 'A got its own copy');
  const shared = new Uint8Array(16);
  b.mm.copyIn(baseB - PAGE_SIZE, shared, 0, 16);
  assert.is.not(shared[0], 0xee, 'B still sees the kernel\'s page');
  assert.is(mem.refs[vvarA / PAGE_SIZE], 2);

  // Processes come and go; the vDSO keeps its frames.
  a.mm.destroy();
  b.mm.destroy();
  assert.is(mem.refs[vvarA / PAGE_SIZE], 1);
  const c = newMm(mem);
  const baseC = v.map(c.mm);
  assert.is(c.as.frameAt(baseC - PAGE_SIZE)!.pa, vvarA);
  v.close();
  mem.close();
});

test('a busy sandbox (the event loop starved) still gets refreshes, from the run loop', () => {
  const mem = new MemoryFile(16 * 1024 * 1024);
  const v = new Vdso({ mem });
  const { mm } = newMm(mem);
  const base = v.map(mm);
  const seq = () => { const b = new Uint8Array(4); mm.copyIn(base - PAGE_SIZE, b, 0, 4); return new DataView(b.buffer).getUint32(0, true); };
  const first = seq();
  for (let i = 0; i < 100; i++) v.onExit();
  assert.is(seq(), first, 'not due yet');
  const until = Date.now() + 30; // past the first refresh (20 ms), without yielding to the event loop
  while (Date.now() < until) { /* busy */ }
  for (let i = 0; i < 16; i++) v.onExit();
  assert.is(seq(), first + 2, 'refreshed once');
  v.close();
  mem.close();
});

test('below the interpreter: the vDSO goes under what the mmap area already holds', () => {
  const mem = new MemoryFile(16 * 1024 * 1024);
  const v = new Vdso({ mem, autoRefresh: false });
  const { mm } = newMm(mem);
  const interp = mm.map(0, 0x30000, PROT_READ, 0x22, false, null, 0, 'ld.so');
  const base = v.map(mm);
  assert.ok(base + v.image.pages * PAGE_SIZE <= interp, 'below the interpreter');
  v.close();
  mem.close();
});

test.run();
