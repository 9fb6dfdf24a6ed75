/* tsvisor's vDSO: clock_gettime, gettimeofday, time, clock_getres and getcpu
 * without leaving ring 3 (DESIGN.md, Time and the vDSO).
 *
 * Built by binding.gyp (target "vdso") with
 *   gcc -nostdlib -fPIC -O2 -fno-stack-protector -shared -Wl,--hash-style=both
 *       -Wl,-T,src/kernel/vdso/vdso.lds
 * into build/Release/vdso.so; src/kernel/vdso/image.ts checks and loads it.
 *
 * The time page ([vvar]) is mapped read-only one page below the image. The
 * kernel keeps it current under a seqlock (src/kernel/vdso/timekeeper.ts);
 * its layout is src/kernel/vdso/layout.ts, which must match struct vvar.
 *
 *   ns(clock) = base + ((tsc - tsc_base) * mult) >> shift    (128-bit product)
 * for CLOCK_MONOTONIC and CLOCK_MONOTONIC_RAW, in two pieces while the kernel
 * slews a clock (struct vclock);
 *   CLOCK_REALTIME = MONOTONIC + real_off, BOOTTIME = MONOTONIC + boot_off,
 *   CLOCK_TAI = REALTIME + tai_off; the coarse clocks read like the fine ones.
 *
 * Anything else (CPU-time clocks, alarm clocks, invalid ids), and every call
 * while the kernel flags the TSC as unusable, goes to the real syscall.
 */
typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;

struct timespec { s64 tv_sec; s64 tv_nsec; };
struct timeval { s64 tv_sec; s64 tv_usec; };
struct timezone { int tz_minuteswest; int tz_dsttime; };

#define VVAR_SYSCALL_ONLY 1u

/* One clock: two linear pieces in the TSC. The first runs from tsc_base to end
 * (a slewed rate while the kernel gives back time the page was ahead by); the
 * second from end on, continuous with it. end is ~0 when there is one piece. */
struct vclock {
	u64 base;       /* ns at tsc_base */
	u64 mult;
	u64 end;        /* TSC where the second piece starts */
	u64 base2;      /* ns at end */
	u64 mult2;
};

struct vvar {
	u32 seq;           /* 0: odd while the kernel writes */
	u32 flags;         /* 4: VVAR_SYSCALL_ONLY */
	u64 tsc_base;      /* 8: guest TSC where the first pieces start */
	struct vclock mono; /* 16: CLOCK_MONOTONIC */
	struct vclock raw; /* 56: CLOCK_MONOTONIC_RAW */
	u32 shift;         /* 96 */
	u32 coarse_res;    /* 100: clock_getres of the coarse clocks, ns */
	s64 real_off;      /* 104: REALTIME - MONOTONIC */
	s64 boot_off;      /* 112: BOOTTIME - MONOTONIC */
	s64 tai_off;       /* 120: TAI - REALTIME */
	u32 hres_res;      /* 128: clock_getres of the other clocks, ns */
};

/* Defined by the linker script one page below the image; hidden, so reached
 * RIP-relative with no relocation. */
extern const volatile struct vvar vvar_page __attribute__((visibility("hidden")));

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11

#define NR_gettimeofday 96
#define NR_time 201
#define NR_clock_gettime 228
#define NR_clock_getres 229

#define NSEC_PER_SEC 1000000000UL

static inline long sys2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline u64 rdtsc_ordered(void)
{
	u32 lo, hi;
	/* lfence keeps rdtsc from running ahead of the seqlock's loads. */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((u64)hi << 32) | lo;
}

#define barrier() __asm__ volatile("" ::: "memory")

enum which { MONO, RAW, REAL, BOOT, TAI };

/* Nanoseconds on one clock; returns 0 when the caller must use the syscall. */
static inline int read_ns(enum which w, u64 *out)
{
	const volatile struct vvar *v = &vvar_page;
	u32 seq;
	u64 ns;
	do {
		seq = v->seq;
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		barrier();
		if (v->flags & VVAR_SYSCALL_ONLY)
			return 0;
		const volatile struct vclock *c = w == RAW ? &v->raw : &v->mono;
		u32 shift = v->shift;
		u64 off = w == REAL ? (u64)v->real_off
			: w == BOOT ? (u64)v->boot_off
			: w == TAI ? (u64)(v->real_off + v->tai_off) : 0;
		u64 tsc = rdtsc_ordered();
		u64 end = c->end, from, base, mult;
		if (tsc >= end) {
			from = end;
			base = c->base2;
			mult = c->mult2;
		} else {
			from = v->tsc_base;
			base = c->base;
			mult = c->mult;
		}
		u64 delta = tsc > from ? tsc - from : 0;
		ns = base + (u64)(((unsigned __int128)delta * mult) >> shift) + off;
		barrier();
		if (v->seq == seq)
			break;
	} while (1);
	*out = ns;
	return 1;
}

static inline int which_of(long clk, enum which *w)
{
	switch (clk) {
	case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: *w = REAL; return 1;
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_COARSE: *w = MONO; return 1;
	case CLOCK_MONOTONIC_RAW: *w = RAW; return 1;
	case CLOCK_BOOTTIME: *w = BOOT; return 1;
	case CLOCK_TAI: *w = TAI; return 1;
	default: return 0;
	}
}

int __vdso_clock_gettime(long clk, struct timespec *ts)
{
	enum which w;
	u64 ns;
	if (!which_of(clk, &w) || !read_ns(w, &ns))
		return sys2(NR_clock_gettime, clk, (long)ts);
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

int __vdso_gettimeofday(struct timeval *tv, struct timezone *tz)
{
	u64 ns;
	if (tv) {
		if (!read_ns(REAL, &ns))
			return sys2(NR_gettimeofday, (long)tv, (long)tz);
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = ns % NSEC_PER_SEC / 1000;
	}
	if (tz) {
		/* Linux fills it from sys_tz, which nothing sets in a sandbox. */
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

s64 __vdso_time(s64 *t)
{
	u64 ns;
	if (!read_ns(REAL, &ns))
		return sys2(NR_time, (long)t, 0);
	s64 s = ns / NSEC_PER_SEC;
	if (t)
		*t = s;
	return s;
}

int __vdso_clock_getres(long clk, struct timespec *res)
{
	enum which w;
	const volatile struct vvar *v = &vvar_page;
	if (!which_of(clk, &w) || (v->flags & VVAR_SYSCALL_ONLY))
		return sys2(NR_clock_getres, clk, (long)res);
	if (res) {
		u32 r = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE ? v->coarse_res : v->hres_res;
		res->tv_sec = r / NSEC_PER_SEC;
		res->tv_nsec = r % NSEC_PER_SEC;
	}
	return 0;
}

/* One vCPU: the program always runs on CPU 0 of node 0. */
int __vdso_getcpu(u32 *cpu, u32 *node, void *unused)
{
	(void)unused;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

int clock_gettime(long, struct timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval *, struct timezone *) __attribute__((weak, alias("__vdso_gettimeofday")));
s64 time(s64 *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(long, struct timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
int getcpu(u32 *, u32 *, void *) __attribute__((weak, alias("__vdso_getcpu")));
