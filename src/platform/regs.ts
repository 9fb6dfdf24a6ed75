// The user register file of one task, in struct kvm_regs order, each 64-bit
// register held as two uint32 halves (no BigInt on the hot path). Platforms copy
// their own layout in and out of this; the kernel reads and writes only this.
export const RAX = 0, RBX = 1, RCX = 2, RDX = 3, RSI = 4, RDI = 5, RSP = 6, RBP = 7,
  R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15, RIP = 16, RFLAGS = 17;
/** kvm_regs has 18 registers; we keep three more alongside. */
export const KVM_REG_COUNT = 18;
export const ORIG_RAX = 18, FS_BASE = 19, GS_BASE = 20;
export const REG_COUNT = 21;

/** Syscall argument registers, x86_64 ABI: rdi, rsi, rdx, r10, r8, r9. */
const ARG_REGS = [RDI, RSI, RDX, R10, R8, R9] as const;

const TWO32 = 4294967296;

export class Regs {
  /** lo at [2i], hi at [2i+1]. */
  readonly u32 = new Uint32Array(REG_COUNT * 2);

  /** Unsigned value (exact below 2^53; addresses and sizes). */
  get(r: number): number {
    return this.u32[2 * r]! + this.u32[2 * r + 1]! * TWO32;
  }
  /** Signed 64-bit value (exact within +-2^53). */
  getSigned(r: number): number {
    const hi = this.u32[2 * r + 1]! | 0;
    return hi * TWO32 + this.u32[2 * r]!;
  }
  /** Low 32 bits as a signed int (C `int` arguments such as fds). */
  getInt(r: number): number {
    return this.u32[2 * r]! | 0;
  }
  lo(r: number): number { return this.u32[2 * r]!; }
  hi(r: number): number { return this.u32[2 * r + 1]!; }

  /** Sets a register from a Number; negative values are stored two's complement. */
  set(r: number, v: number): void {
    const hi = Math.floor(v / TWO32);
    this.u32[2 * r] = (v - hi * TWO32) >>> 0;
    this.u32[2 * r + 1] = hi >>> 0;
  }
  setHalves(r: number, lo: number, hi: number): void {
    this.u32[2 * r] = lo >>> 0;
    this.u32[2 * r + 1] = hi >>> 0;
  }

  /** Syscall argument i (0-5) as unsigned. */
  arg(i: number): number { return this.get(ARG_REGS[i]!); }
  /** Syscall argument i as a C int. */
  argInt(i: number): number { return this.getInt(ARG_REGS[i]!); }
  /** Syscall argument i as a signed 64-bit value (off_t, long). */
  argLong(i: number): number { return this.getSigned(ARG_REGS[i]!); }
  /** True when argument i's upper half is non-zero (a size that cannot be valid). */
  argHiSet(i: number): boolean { return this.u32[2 * ARG_REGS[i]! + 1] !== 0; }

  copyFrom(o: Regs): void { this.u32.set(o.u32); }
}

/** True for a canonical user-space address (below 2^47). */
export function isUserCanonical(addr: number): boolean {
  return addr >= 0 && addr < 0x800000000000;
}
