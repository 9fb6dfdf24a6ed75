// struct linux_dirent64 (getdents64) and struct linux_dirent (getdents), x86_64.
import { setU64 } from '../../platform/u64';

export const D_INO = 0, D_OFF = 8, D_RECLEN = 16;
/** linux_dirent64: d_type at 18, the NUL-terminated name at 19. */
export const D64_TYPE = 18, D64_NAME = 19;
/** linux_dirent: the name at 18, d_type in the record's last byte. */
export const D_NAME = 18;

/** Record length of a linux_dirent64 (and of a linux_dirent: the same, 8-aligned). */
export function dirent64Reclen(nameLen: number): number { return (D64_NAME + nameLen + 1 + 7) & ~7; }

/** Writes one linux_dirent64 at dst[off] if it fits in `room` bytes; returns its length, or 0
 *  when it does not fit. `name` is a latin1 string of the raw bytes. */
export function putDirent64(dst: Uint8Array, dv: DataView, off: number, room: number, ino: number, next: number,
  type: number, name: string): number {
  const reclen = dirent64Reclen(name.length);
  if (reclen > room) return 0;
  setU64(dv, off + D_INO, ino);
  setU64(dv, off + D_OFF, next);
  dv.setUint16(off + D_RECLEN, reclen, true);
  dst[off + D64_TYPE] = type;
  let p = off + D64_NAME;
  for (let i = 0; i < name.length; i++) dst[p++] = name.charCodeAt(i) & 0xff;
  while (p < off + reclen) dst[p++] = 0;
  return reclen;
}

/** Rewrites linux_dirent64 records in dst[off, off+len) as linux_dirent records, in place
 *  (same lengths: the name moves down one byte and d_type goes to the record's end). */
export function dirent64ToDirent(dst: Uint8Array, dv: DataView, off: number, len: number): void {
  for (let p = off; p < off + len;) {
    const reclen = dv.getUint16(p + D_RECLEN, true);
    const type = dst[p + D64_TYPE]!;
    const nameEnd = dst.indexOf(0, p + D64_NAME);
    const end = nameEnd < 0 || nameEnd > p + reclen - 1 ? p + reclen - 1 : nameEnd;
    dst.copyWithin(p + D_NAME, p + D64_NAME, end);
    for (let i = p + D_NAME + (end - (p + D64_NAME)); i < p + reclen - 1; i++) dst[i] = 0;
    dst[p + reclen - 1] = type;
    p += reclen;
  }
}
