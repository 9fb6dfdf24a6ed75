// MM.translate, the hot path of every read and write: its segments must be exactly what a
// page-by-page walk gives (frames merged while contiguous in one MemoryFile window), across
// areas, 2 MiB blocks, holes, protections and copy-on-write, and a bad page part-way must
// leave the good segments before it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryFile, PAGE_SIZE } from '../../src/kernel/mm/memory_file';
import { MM } from '../../src/kernel/mm/mm';
import { MAP_ANONYMOUS, MAP_PRIVATE } from '../../src/kernel/mm/vma';
import { EFAULT } from '../../src/kernel/errno';
import { byteIndex } from '../../src/platform/platform';

const nullAs = { map() {}, unmap() {}, protect() {}, destroy() {} };
const BASE = 0x40000000;
const RW = 3, R = 1;

/** Areas: rw 3 MiB (crosses a 2 MiB block), a read-only page, rw 1 MiB, an unmapped page, a
 *  PROT_NONE page, rw 64 KiB. */
function layout(mem: MemoryFile): { mm: MM; end: number } {
  const mm = new MM(mem, nullAs);
  let a = BASE - 512 * 1024;
  const area = (len: number, prot: number): void => {
    assert.is(mm.map(a, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, true, null, 0, ''), a);
    a += len;
  };
  area(3 << 20, RW);
  area(PAGE_SIZE, R);
  area(1 << 20, RW);
  a += PAGE_SIZE; // hole
  area(PAGE_SIZE, 0);
  area(64 << 10, RW);
  return { mm, end: a };
}

/** The reference: one page at a time through physAddr (after translate made them present). */
function expected(mm: MM, mem: MemoryFile, addr: number, len: number): Array<[Uint8Array, number, number]> {
  const out: Array<[Uint8Array, number, number]> = [];
  let nextPa = -1;
  for (let a = addr; a < addr + len;) {
    const chunk = Math.min(PAGE_SIZE - (a % PAGE_SIZE), addr + len - a);
    const pa = mm.physAddr(a);
    if (pa < 0) break;
    const buf = mem.bytes(pa), off = byteIndex(pa);
    const last = out[out.length - 1];
    if (last !== undefined && pa === nextPa && last[0] === buf) last[2] += chunk;
    else out.push([buf, off, chunk]);
    nextPa = pa + chunk;
    a += chunk;
  }
  return out;
}

function segments(mm: MM): Array<[Uint8Array, number, number]> {
  const out: Array<[Uint8Array, number, number]> = [];
  for (let i = 0; i < mm.segCount; i++) out.push([mm.segBuf[i]!, mm.segOff[i]!, mm.segLen[i]!]);
  return out;
}

function same(got: Array<[Uint8Array, number, number]>, want: Array<[Uint8Array, number, number]>, what: string): void {
  assert.is(got.length, want.length, `${what}: segment count`);
  got.forEach((g, i) => {
    assert.ok(g[0] === want[i]![0], `${what}: segment ${i} window`);
    assert.is(g[1], want[i]![1], `${what}: segment ${i} offset`);
    assert.is(g[2], want[i]![2], `${what}: segment ${i} length`);
  });
}

test('segments match a page-by-page walk over areas, blocks and partial pages', () => {
  const mem = new MemoryFile(64 << 20);
  const { mm } = layout(mem);
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  for (let k = 0; k < 300; k++) {
    // Within the first area, or (reads) on through the read-only page into the next area.
    const len = 1 + rnd(1 << 20);
    const write = k % 2 === 1;
    const addr = BASE - 512 * 1024 + rnd((3 << 20) + (write ? 0 : PAGE_SIZE + (1 << 20)) - len);
    assert.is(mm.translate(addr, len, write), 0);
    same(segments(mm), expected(mm, mem, addr, len), `[${addr.toString(16)}, +${len})`);
    const total = segments(mm).reduce((s, x) => s + x[2], 0);
    assert.is(total, len);
  }
});

test('a bad page part-way: EFAULT, and the segments before it', () => {
  const mem = new MemoryFile(64 << 20);
  const { mm } = layout(mem);
  const ro = BASE - 512 * 1024 + (3 << 20);
  const hole = ro + PAGE_SIZE + (1 << 20);
  // Writing across the read-only page stops before it.
  assert.is(mm.translate(ro - 10000, 20000, true), -EFAULT);
  same(segments(mm), expected(mm, mem, ro - 10000, 10000), 'write up to the read-only page');
  // Reading across it goes on, up to the hole.
  assert.is(mm.translate(ro - 100, hole - ro + 200, false), -EFAULT);
  same(segments(mm), expected(mm, mem, ro - 100, hole - ro + 100), 'read up to the hole');
  // PROT_NONE: no access at all.
  assert.is(mm.translate(hole + PAGE_SIZE + 5, 10, false), -EFAULT);
  assert.is(mm.segCount, 0);
  // Out of range, and the empty range.
  assert.is(mm.translate(-4096, 10, false), -EFAULT);
  assert.is(mm.translate(BASE, 0, true), 0);
  assert.is(mm.segCount, 0);
});

test('a write translate breaks copy-on-write; a read one keeps the shared frames', () => {
  const mem = new MemoryFile(64 << 20);
  const { mm } = layout(mem);
  const addr = BASE + 12345, len = 3 * PAGE_SIZE;
  assert.is(mm.copyOut(addr, Buffer.alloc(len, 0xab), 0, len), 0);
  const child = mm.fork(nullAs, nullAs);
  const parentPa = mm.physAddr(addr);
  assert.is(child.translate(addr, len, false), 0);
  assert.is(child.physAddr(addr), parentPa, 'read: still shared');
  assert.is(child.translate(addr, len, true), 0);
  assert.is.not(child.physAddr(addr), parentPa, 'write: a copy of its own');
  same(segments(child), expected(child, mem, addr, len), 'child after the copy');
  child.segBuf[0]!.fill(0xcd, child.segOff[0]!, child.segOff[0]! + child.segLen[0]!);
  const back = Buffer.alloc(len);
  assert.is(mm.copyIn(addr, back, 0, len), 0);
  assert.ok(back.every((b) => b === 0xab), 'the parent keeps its bytes');
  child.release();
});

test('copyOut then copyIn across every boundary gives the bytes back', () => {
  const mem = new MemoryFile(64 << 20);
  const { mm } = layout(mem);
  const addr = BASE - 512 * 1024 + 777, len = (3 << 20) - 2000;
  const data = Buffer.alloc(len);
  for (let i = 0; i < len; i++) data[i] = (i * 131 + (i >> 12)) & 0xff;
  assert.is(mm.copyOut(addr, data, 0, len), 0);
  const back = Buffer.alloc(len);
  assert.is(mm.copyIn(addr, back, 0, len), 0);
  assert.ok(back.equals(data));
});

test.run();
