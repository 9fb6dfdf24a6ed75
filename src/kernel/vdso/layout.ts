// The time page ([vvar]) as the vDSO reads it: struct vvar in vdso.c, field by
// field (little-endian). The kernel writes it under a seqlock (timekeeper.ts).
//
// CLOCK_MONOTONIC and CLOCK_MONOTONIC_RAW are each two linear pieces in the
// guest TSC (struct vclock):
//   tsc <  end:  ns = base  + ((tsc - tsc_base) * mult)  >> shift
//   tsc >= end:  ns = base2 + ((tsc - end)      * mult2) >> shift
// (128-bit products; a TSC below the piece's start counts as its start). The
// first piece is slower than the TSC while the kernel gives back time the page
// was ahead by; base2 is the first piece's value at end, so the clock is
// continuous. end = 2^64-1 when there is one piece. REALTIME = MONOTONIC +
// real_off, BOOTTIME = MONOTONIC + boot_off, TAI = REALTIME + tai_off.

/** u32: odd while the kernel writes the page. */
export const VVAR_SEQ = 0;
/** u32: VVAR_SYSCALL_ONLY. */
export const VVAR_FLAGS = 4;
/** u64: guest TSC at which the first pieces start. */
export const VVAR_TSC_BASE = 8;
/** struct vclock for CLOCK_MONOTONIC and for CLOCK_MONOTONIC_RAW. */
export const VVAR_MONO = 16;
export const VVAR_RAW = 56;
/** Offsets inside struct vclock (all u64). */
export const VCLOCK_BASE = 0, VCLOCK_MULT = 8, VCLOCK_END = 16, VCLOCK_BASE2 = 24, VCLOCK_MULT2 = 32;
export const VCLOCK_SIZE = 40;
/** u32, at most 64. */
export const VVAR_SHIFT = 96;
/** u32 ns: clock_getres of the coarse clocks. */
export const VVAR_COARSE_RES = 100;
/** s64 ns. */
export const VVAR_REAL_OFF = 104;
export const VVAR_BOOT_OFF = 112;
export const VVAR_TAI_OFF = 120;
/** u32 ns: clock_getres of the other clocks the vDSO answers. */
export const VVAR_HRES_RES = 128;
export const VVAR_SIZE = 132;

/** The TSC cannot be trusted (not invariant, went backwards): every call takes the syscall. */
export const VVAR_SYSCALL_ONLY = 1;

/** The symbols the vDSO must export, each at version LINUX_2.6 (what glibc and musl look up). */
export const VDSO_SYMBOLS = [
  '__vdso_clock_gettime', '__vdso_gettimeofday', '__vdso_time', '__vdso_clock_getres', '__vdso_getcpu',
  'clock_gettime', 'gettimeofday', 'time', 'clock_getres', 'getcpu',
];
export const VDSO_VERSION = 'LINUX_2.6';
