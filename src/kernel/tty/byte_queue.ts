// A bounded FIFO of bytes (a ring): what one side of a pseudo-terminal has
// written for the other to read.
export class ByteQueue {
  private buf: Uint8Array;
  private head = 0;
  /** Bytes held. Invariant: 0 <= length <= capacity. */
  length = 0;

  constructor(readonly capacity: number) { this.buf = new Uint8Array(capacity); }

  get room(): number { return this.capacity - this.length; }

  push(c: number): boolean {
    if (this.length >= this.capacity) return false;
    this.buf[(this.head + this.length) % this.capacity] = c;
    this.length++;
    return true;
  }

  /** Takes up to n bytes into dst[off...]; returns the count. */
  take(dst: Uint8Array, off: number, n: number): number {
    const k = Math.min(n, this.length);
    for (let i = 0; i < k;) {
      const run = Math.min(k - i, this.capacity - this.head);
      dst.set(this.buf.subarray(this.head, this.head + run), off + i);
      this.head = (this.head + run) % this.capacity;
      i += run;
    }
    this.length -= k;
    return k;
  }

  /** The byte at index i from the front (0 <= i < length). */
  at(i: number): number { return this.buf[(this.head + i) % this.capacity]!; }

  /** Drops the first n bytes. */
  drop(n: number): void {
    const k = Math.min(n, this.length);
    this.head = (this.head + k) % this.capacity;
    this.length -= k;
  }

  clear(): void { this.head = 0; this.length = 0; }
}
