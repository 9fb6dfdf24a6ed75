// Value formatting for strace output: quoted strings escaped as strace 6 does,
// and exact 64-bit numbers from two 32-bit halves (no precision loss above 2^53).

const TWO32 = 4294967296;

/** Unsigned 64-bit hex (`0x7f1234560000`, `0` for zero) from halves. */
export function hex64(lo: number, hi: number): string {
  lo >>>= 0; hi >>>= 0;
  if (hi === 0) return lo === 0 ? '0' : '0x' + lo.toString(16);
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/** A pointer: NULL for zero, else hex. */
export function ptr64(lo: number, hi: number): string {
  return (lo | hi) === 0 ? 'NULL' : hex64(lo, hi);
}

/** Unsigned 64-bit decimal from halves. */
export function udec64(lo: number, hi: number): string {
  lo >>>= 0; hi >>>= 0;
  if (hi < 0x200000) return String(hi * TWO32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** Signed 64-bit decimal from halves. */
export function sdec64(lo: number, hi: number): string {
  lo >>>= 0; hi >>>= 0;
  if (hi < 0x200000 || hi >= 0xffe00000) return String((hi | 0) * TWO32 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** Hex of a non-negative Number (`0` for zero). */
export function hexNum(v: number): string {
  return v === 0 ? '0' : '0x' + v.toString(16);
}

/** Splits a Number (negative: two's complement) into 32-bit halves for the printers above. */
export function lo32(v: number): number {
  return (v - Math.floor(v / TWO32) * TWO32) >>> 0;
}
export function hi32(v: number): number {
  return Math.floor(v / TWO32) >>> 0;
}

function isOctalDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x37;
}

/** Quotes bytes [0, len) of b as strace does by default: C escapes for \t \n \v \f
 *  \r \" \\, other non-printables as octal (\0, \33, \177; three digits when an
 *  octal digit follows). `ellipsis` appends strace's `...` after the closing quote.
 *  `asHex` prints every byte as \xNN (strace's choice for getrandom). */
export function quoteBytes(b: Uint8Array, len: number, ellipsis: boolean, asHex = false): string {
  let s = '"';
  for (let i = 0; i < len; i++) {
    const c = b[i]!;
    if (asHex) {
      s += '\\x' + (c < 16 ? '0' : '') + c.toString(16);
      continue;
    }
    switch (c) {
      case 0x22: s += '\\"'; break;
      case 0x5c: s += '\\\\'; break;
      case 0x0c: s += '\\f'; break;
      case 0x0a: s += '\\n'; break;
      case 0x0d: s += '\\r'; break;
      case 0x09: s += '\\t'; break;
      case 0x0b: s += '\\v'; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          s += String.fromCharCode(c);
        } else if (i + 1 < len && isOctalDigit(b[i + 1])) {
          s += '\\' + c.toString(8).padStart(3, '0');
        } else {
          s += '\\' + c.toString(8);
        }
    }
  }
  return s + (ellipsis ? '"...' : '"');
}

/** Quotes a latin1 JS string (one char per byte, as MM.readCString returns). */
export function quoteString(str: string, ellipsis: boolean): string {
  const b = Buffer.from(str, 'latin1');
  return quoteBytes(b, b.length, ellipsis);
}
