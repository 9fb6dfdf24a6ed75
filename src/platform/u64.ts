// 64-bit values as Numbers. User addresses (< 2^47) are plain non-negative
// Numbers; upper-half (kernel) addresses are written as negative Numbers, their
// signed 64-bit value, which is exact where 0xffff... would not be.
const TWO32 = 4294967296;

export function hi32(v: number): number { return Math.floor(v / TWO32) >>> 0; }
export function lo32(v: number): number { return (v - Math.floor(v / TWO32) * TWO32) >>> 0; }
export function fromHalves(lo: number, hi: number): number { return (hi | 0) * TWO32 + (lo >>> 0); }

export function setU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, lo32(v), true);
  dv.setUint32(off + 4, hi32(v), true);
}
/** Reads a 64-bit field as a signed Number (exact within +-2^53). */
export function getI64(dv: DataView, off: number): number {
  return fromHalves(dv.getUint32(off, true), dv.getUint32(off + 4, true));
}
