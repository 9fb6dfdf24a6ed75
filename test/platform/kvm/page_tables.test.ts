// Page tables written from TypeScript: direct stores into fresh tables, queued stores into walked ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryFile } from '../../../src/kernel/mm/memory_file';
import { PageTables, type StoreSink } from '../../../src/platform/kvm/page_tables';
import { PROT_READ, PROT_WRITE } from '../../../src/platform/platform';

class Sink implements StoreSink {
  fresh = new Set<number>();
  stores: [number, number, number, number][] = [];
  flushes = 0;
  constructor(private readonly mem: MemoryFile) {}
  isFresh(pa: number) { return this.fresh.has(pa); }
  markFresh(pa: number) { this.fresh.add(pa); }
  store(entryPa: number, lo: number, hi: number, va: number) {
    this.stores.push([entryPa, lo >>> 0, hi >>> 0, va]);
    const w = this.mem.words(entryPa), i = (entryPa % 2 ** 30) / 4;
    w[i] = lo >>> 0; w[i + 1] = hi >>> 0; // what the stub would do
  }
  flushAll() { this.flushes++; }
  /** The guest ran: every table is walked now. */
  ran() { this.fresh.clear(); }
}

function setup() {
  const mem = new MemoryFile(64 * 1024 * 1024);
  const sink = new Sink(mem);
  const root = mem.allocTableFrame();
  sink.markFresh(root);
  const pt = new PageTables(mem, sink, root, () => {});
  return { mem, sink, pt };
}

test('fresh tables are written directly; lookup finds the mapping', () => {
  const { mem, sink, pt } = setup();
  const f = mem.alloc4K();
  pt.map(0x400000, f, 4096, PROT_READ, false);
  assert.is(sink.stores.length, 0);
  assert.is(pt.lookup(0x400123), f + 0x123);
  assert.is(pt.lookup(0x401000), -1);
  mem.close();
});

test('changes to walked tables go through the store queue', () => {
  const { mem, sink, pt } = setup();
  const f = mem.alloc4K(), g = mem.alloc4K();
  pt.map(0x400000, f, 4096, PROT_READ | PROT_WRITE, false);
  sink.ran();
  pt.map(0x401000, g, 4096, PROT_READ, false);   // same PT, now walked
  assert.is(sink.stores.length, 1);
  assert.is(sink.stores[0]![3], 0x401000);
  pt.protect(0x400000, 4096, PROT_READ);
  assert.is(sink.stores.length, 2);
  assert.is(sink.stores[1]![1] & 2, 0, 'write bit cleared');
  pt.unmap(0x400000, 8192);
  assert.is(pt.lookup(0x400000), -1);
  assert.is(pt.lookup(0x401000), -1);
  mem.close();
});

test('2 MiB pages map, split on partial protect, and keep their frames', () => {
  const { mem, sink, pt } = setup();
  const h = mem.alloc2M();
  pt.map(0x40000000, h, 2 * 1024 * 1024, PROT_READ | PROT_WRITE, true);
  assert.is(pt.lookup(0x40000000 + 0x12345), h + 0x12345);
  sink.ran();
  pt.protect(0x40001000, 4096, PROT_READ);
  assert.is(pt.lookup(0x40001000), h + 0x1000);
  assert.is(pt.lookup(0x401ff000), h + 0x1ff000);
  // The PDE is replaced through the queue; the new table is fresh, so its entries are written directly.
  assert.is(sink.stores.length, 1, 'one queued store: the PDE');
  assert.is(sink.stores[0]![3], 0x40000000);
  mem.close();
});

test('a huge page replacing a walked page table flushes the TLB', () => {
  const { mem, sink, pt } = setup();
  pt.map(0x40000000, mem.alloc4K(), 4096, PROT_READ, false);
  sink.ran();
  pt.map(0x40000000, mem.alloc2M(), 2 * 1024 * 1024, PROT_READ, true);
  assert.is(sink.flushes, 1);
  mem.close();
});

test.run();
