// Byte views of physical frames.
import { type PhysMemory, byteIndex } from '../platform';

/** A Uint8Array over [pa, pa+len) (within one window). */
export function bytesOf(mem: PhysMemory, pa: number, len: number): Uint8Array {
  const b = mem.bytes(pa);
  const i = byteIndex(pa);
  return b.subarray(i, i + len);
}
