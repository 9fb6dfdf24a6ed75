// The whole request of one read/readv/write/writev (Linux's iov_iter): guest
// iovecs, or a kernel buffer. Files whose semantics depend on the entire request
// (pipes: PIPE_BUF atomicity, packets, blocking writes that keep their progress;
// eventfd/timerfd: 8-byte values that may straddle a page) take an IoIter
// instead of the segment-by-segment read/write. Copies go straight between the
// MemoryFile segments that mm.translate returns and the file's own buffer: no
// allocation per call (the iterators are reused; the kernel is synchronous).
import type { MM } from '../mm/mm';

const MODE_GUEST = 0, MODE_KERNEL = 1;

export class IoIter {
  /** Bytes left in the request. */
  count = 0;
  private mode = MODE_GUEST;
  private mm: MM | null = null;
  /** Guest iovecs: base addresses and lengths; the current one and the offset in it. */
  private bases: Float64Array;
  private lens: Float64Array;
  private n = 0;
  private idx = 0;
  private off = 0;
  /** Kernel buffer: the next byte and the end. */
  private kbuf: Uint8Array = new Uint8Array(0);
  private kpos = 0;

  constructor(maxIov = 1) {
    this.bases = new Float64Array(maxIov);
    this.lens = new Float64Array(maxIov);
  }

  /** One guest range. */
  initGuest(mm: MM, addr: number, len: number): this {
    this.mode = MODE_GUEST;
    this.mm = mm;
    this.bases[0] = addr; this.lens[0] = len;
    this.n = 1; this.idx = 0; this.off = 0;
    this.count = len;
    return this;
  }

  /** Guest iovecs, filled through setIov(i, ...) for i < n. */
  initGuestIov(mm: MM, n: number): this {
    this.mode = MODE_GUEST;
    this.mm = mm;
    this.n = n; this.idx = 0; this.off = 0;
    let c = 0;
    for (let i = 0; i < n; i++) c += this.lens[i]!;
    this.count = c;
    this.skipEmpty();
    return this;
  }

  setIov(i: number, base: number, len: number): void {
    if (i >= this.bases.length) {
      const b = new Float64Array(Math.max(i + 1, this.bases.length * 2)), l = new Float64Array(b.length);
      b.set(this.bases); l.set(this.lens);
      this.bases = b; this.lens = l;
    }
    this.bases[i] = base; this.lens[i] = len;
  }

  /** A kernel buffer (sendfile, splice). */
  initKernel(buf: Uint8Array, off: number, len: number): this {
    this.mode = MODE_KERNEL;
    this.mm = null;
    this.kbuf = buf; this.kpos = off;
    this.count = len;
    return this;
  }

  get isKernel(): boolean { return this.mode === MODE_KERNEL; }

  private skipEmpty(): void {
    while (this.idx < this.n && this.off >= this.lens[this.idx]!) { this.idx++; this.off = 0; }
  }

  /** Skips n bytes (a resumed write's progress). */
  advance(n: number): void {
    if (n > this.count) n = this.count;
    this.count -= n;
    if (this.mode === MODE_KERNEL) { this.kpos += n; return; }
    while (n > 0) {
      const step = Math.min(n, this.lens[this.idx]! - this.off);
      this.off += step; n -= step;
      this.skipEmpty();
    }
    this.skipEmpty();
  }

  /** Copies up to n bytes of the request into dst[dstOff..]; bytes copied (fewer only on a fault). */
  copyFrom(dst: Uint8Array, dstOff: number, n: number): number {
    if (n > this.count) n = this.count;
    if (this.mode === MODE_KERNEL) {
      dst.set(this.kbuf.subarray(this.kpos, this.kpos + n), dstOff);
      this.kpos += n; this.count -= n;
      return n;
    }
    const mm = this.mm!;
    let done = 0;
    while (done < n) {
      const chunk = Math.min(n - done, this.lens[this.idx]! - this.off);
      const r = mm.translate(this.bases[this.idx]! + this.off, chunk, false);
      let got = 0;
      for (let i = 0; i < mm.segCount; i++) {
        const o = mm.segOff[i]!, l = mm.segLen[i]!;
        dst.set(mm.segBuf[i]!.subarray(o, o + l), dstOff + done + got);
        got += l;
      }
      done += got; this.off += got; this.count -= got;
      if (r < 0) break;
      this.skipEmpty();
    }
    return done;
  }

  /** Copies src[srcOff, srcOff+n) to the request; bytes copied (fewer only on a fault). */
  copyTo(src: Uint8Array, srcOff: number, n: number): number {
    if (n > this.count) n = this.count;
    if (this.mode === MODE_KERNEL) {
      this.kbuf.set(src.subarray(srcOff, srcOff + n), this.kpos);
      this.kpos += n; this.count -= n;
      return n;
    }
    const mm = this.mm!;
    let done = 0;
    while (done < n) {
      const chunk = Math.min(n - done, this.lens[this.idx]! - this.off);
      const r = mm.translate(this.bases[this.idx]! + this.off, chunk, true);
      let put = 0;
      for (let i = 0; i < mm.segCount; i++) {
        const o = mm.segOff[i]!, l = mm.segLen[i]!;
        const s = srcOff + done + put;
        mm.segBuf[i]!.set(src.subarray(s, s + l), o);
        put += l;
      }
      done += put; this.off += put; this.count -= put;
      if (r < 0) break;
      this.skipEmpty();
    }
    return done;
  }
}
