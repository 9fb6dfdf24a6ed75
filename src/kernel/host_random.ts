// Random bytes from the host's CSPRNG (/dev/urandom), read ahead into a small
// pool: AT_RANDOM at every execve, ASLR offsets, getrandom, /dev/urandom, uuids.
// Node's crypto module gives the same bytes, but loading it initialises
// OpenSSL, which cost every sandbox 4-5 ms of its start.
import * as fs from 'fs';

const POOL = 4096;
const pool = Buffer.allocUnsafe(POOL);
let pos = POOL;
let fd = -1;

function readAll(dst: Uint8Array, off: number, len: number): void {
  if (fd < 0) fd = fs.openSync('/dev/urandom', 'r');
  while (len > 0) {
    const n = fs.readSync(fd, dst, off, len, null);
    off += n;
    len -= n;
  }
}

/** Fills dst[off, off + len) with random bytes. */
export function randomFill(dst: Uint8Array, off = 0, len = dst.length - off): void {
  if (len >= POOL) { readAll(dst, off, len); return; }
  while (len > 0) {
    if (pos === POOL) { readAll(pool, 0, POOL); pos = 0; }
    const n = Math.min(len, POOL - pos);
    dst.set(pool.subarray(pos, pos + n), off);
    // Each byte serves once.
    pool.fill(0, pos, pos + n);
    pos += n;
    off += n;
    len -= n;
  }
}

const six = new Uint8Array(6);
/** A uniform integer in [min, max) (max - min at most 2^48), as crypto.randomInt. */
export function randomInt(min: number, max: number): number {
  const range = max - min;
  if (!(range > 0 && range <= 2 ** 48)) throw new RangeError(`randomInt: bad range ${min}..${max}`);
  // Rejection sampling over 48 bits: no bias.
  const limit = 2 ** 48 - (2 ** 48 % range);
  for (;;) {
    randomFill(six);
    const x = six[0]! + six[1]! * 2 ** 8 + six[2]! * 2 ** 16 + six[3]! * 2 ** 24 + six[4]! * 2 ** 32 + six[5]! * 2 ** 40;
    if (x < limit) return min + (x % range);
  }
}

/** A random (version 4) UUID, as crypto.randomUUID. */
export function randomUUID(): string {
  const b = new Uint8Array(16);
  randomFill(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
