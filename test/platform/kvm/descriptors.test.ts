// What the VMX/SVM path and PVM both load: GDT, IDT and TSS bytes, checked exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeGdt, writeIdt, writeTss, TSS_SELECTOR } from '../../../src/platform/kvm/descriptors';
import { STACK_TOP, IST_TOP, STAR_HI, SFMASK_VALUE, CR4_VALUE, CR0_VALUE, EFER_VALUE } from '../../../src/platform/kvm/layout';
import { lo32, hi32 } from '../../../src/platform/u64';

const u64 = (dv: DataView, off: number) => BigInt(dv.getUint32(off, true)) | (BigInt(dv.getUint32(off + 4, true)) << 32n);

test('GDT matches Linux layout (DESIGN.md recipe)', () => {
  const dv = new DataView(new ArrayBuffer(4096));
  writeGdt(dv, -0x80000000 + 0x4000);
  assert.is(u64(dv, 0x00), 0n);
  assert.is(u64(dv, 0x10), 0x00af9b000000ffffn);
  assert.is(u64(dv, 0x18), 0x00cf93000000ffffn);
  assert.is(u64(dv, 0x20), 0x00cffb000000ffffn);
  assert.is(u64(dv, 0x28), 0x00cff3000000ffffn);
  assert.is(u64(dv, 0x30), 0x00affb000000ffffn);
  // 16-byte busy TSS descriptor: limit 103, type 0xB, present, base 0xffffffff80004000.
  const lo = u64(dv, TSS_SELECTOR), hi = u64(dv, TSS_SELECTOR + 8);
  assert.is(lo & 0xffffn, 103n);
  assert.is((lo >> 40n) & 0xffn, 0x8bn);
  const base = ((lo >> 16n) & 0xffffffn) | (((lo >> 56n) & 0xffn) << 24n) | (hi << 32n);
  assert.is(base, 0xffffffff80004000n);
});

test('IDT: interrupt gates 0x8E, selector 0x10, IST1 for 2, 8 and 18', () => {
  const dv = new DataView(new ArrayBuffer(4096));
  writeIdt(dv, (v) => -0x80000000 + v * 4);
  for (let v = 0; v < 256; v++) {
    const off = v * 16;
    assert.is(dv.getUint16(off + 2, true), 0x10);
    assert.is(dv.getUint8(off + 5), 0x8e);
    assert.is(dv.getUint8(off + 4), v === 2 || v === 8 || v === 18 ? 1 : 0);
    const addr = BigInt(dv.getUint16(off, true)) | (BigInt(dv.getUint16(off + 6, true)) << 16n) | (BigInt(dv.getUint32(off + 8, true)) << 32n);
    assert.is(addr, 0xffffffff80000000n + BigInt(v * 4));
  }
});

test('TSS: RSP0, IST1 and no I/O bitmap', () => {
  const dv = new DataView(new ArrayBuffer(4096));
  writeTss(dv);
  assert.is(u64(dv, 4), BigInt.asUintN(64, BigInt(STACK_TOP)));
  assert.is(u64(dv, 36), BigInt.asUintN(64, BigInt(IST_TOP)));
  assert.is(dv.getUint16(102, true), 104);
});

test('control registers and syscall MSRs follow the recipe', () => {
  assert.is(CR0_VALUE, 0x80050033);
  assert.is(CR4_VALUE, 0x506a0);
  assert.is(EFER_VALUE, 0xd01);
  assert.is(STAR_HI, 0x00230010);
  assert.is(SFMASK_VALUE, 0x47700);
  assert.is(lo32(-1), 0xffffffff);
  assert.is(hi32(-0x80000000), 0xffffffff);
  assert.is(lo32(-0x80000000), 0x80000000);
});

test.run();
