// GDT, IDT and TSS images, written into the supervisor pages at set-up.
// Pure functions over a DataView so tests can check every byte.
import { SEL_KERNEL_CS, STACK_TOP, IST_TOP } from './layout';
import { hi32, lo32, setU64 } from '../u64';

/** Linux's GDT (DESIGN.md recipe); index = selector / 8. The TSS descriptor is added by writeTssDescriptor. */
export const GDT_ENTRIES: ReadonlyArray<readonly [number, number, number]> = [
  // [selector, low 32 bits, high 32 bits]
  [0x10, 0x0000ffff, 0x00af9b00], // kernel code, 64-bit
  [0x18, 0x0000ffff, 0x00cf9300], // kernel data
  [0x23 & ~3, 0x0000ffff, 0x00cffb00], // user code, 32-bit
  [0x2b & ~3, 0x0000ffff, 0x00cff300], // user data
  [0x33 & ~3, 0x0000ffff, 0x00affb00], // user code, 64-bit
];
export const TSS_SELECTOR = 0x40;
export const TSS_LIMIT = 103;
export const GDT_LIMIT = TSS_SELECTOR + 16 - 1;

export function writeGdt(dv: DataView, tssBase: number): void {
  for (const [sel, lo, hi] of GDT_ENTRIES) {
    dv.setUint32(sel, lo, true);
    dv.setUint32(sel + 4, hi, true);
  }
  writeTssDescriptor(dv, TSS_SELECTOR, tssBase, 0xb);
}

/** A 16-byte system descriptor for a 64-bit TSS; type 0x9 available, 0xB busy. */
export function writeTssDescriptor(dv: DataView, off: number, base: number, type: number): void {
  const baseLo = lo32(base), baseHi = hi32(base);
  dv.setUint16(off, TSS_LIMIT & 0xffff, true);
  dv.setUint16(off + 2, baseLo & 0xffff, true);
  dv.setUint8(off + 4, (baseLo >>> 16) & 0xff);
  dv.setUint8(off + 5, 0x80 | type);             // present, DPL 0, system
  dv.setUint8(off + 6, (TSS_LIMIT >>> 16) & 0xf);
  dv.setUint8(off + 7, (baseLo >>> 24) & 0xff);
  dv.setUint32(off + 8, baseHi >>> 0, true);
  dv.setUint32(off + 12, 0, true);
}

/** Vectors that run on IST1 (NMI, double fault, machine check). */
export const IST_VECTORS = new Set([2, 8, 18]);

/** 256 interrupt gates (type 0x8E, selector 0x10); handler(v) gives each entry's address. */
export function writeIdt(dv: DataView, handler: (vector: number) => number): void {
  for (let v = 0; v < 256; v++) {
    const off = v * 16, addr = handler(v);
    const lo = lo32(addr), hi = hi32(addr);
    dv.setUint16(off, lo & 0xffff, true);
    dv.setUint16(off + 2, SEL_KERNEL_CS, true);
    dv.setUint8(off + 4, IST_VECTORS.has(v) ? 1 : 0);
    dv.setUint8(off + 5, 0x8e);
    dv.setUint16(off + 6, (lo >>> 16) & 0xffff, true);
    dv.setUint32(off + 8, hi >>> 0, true);
    dv.setUint32(off + 12, 0, true);
  }
}


/** The 64-bit TSS: RSP0 and IST1; no I/O bitmap (base past the limit: every ring-3 port access faults). */
export function writeTss(dv: DataView): void {
  setU64(dv, 4, STACK_TOP);   // RSP0
  setU64(dv, 36, IST_TOP);    // IST1
  dv.setUint16(102, TSS_LIMIT + 1, true);
}
