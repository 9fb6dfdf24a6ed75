/* Thread-local storage: __thread variables and arch_prctl(ARCH_*_FS). */
#include "common.h"
#include <sys/syscall.h>
#include <unistd.h>

/* From <asm/prctl.h>, which musl-gcc does not have. */
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static __thread int counter = 41;
static __thread char name[16] = "tls";
static __thread long zeroed[64];

/* A raw syscall that leaves errno (itself thread-local) alone. */
static long raw2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static unsigned long read_fs(unsigned long off)
{
	unsigned long v;
	__asm__ volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"(off));
	return v;
}

int main(void)
{
	counter++;
	printf("counter: %d\n", counter);
	printf("name: %s\n", name);
	long nz = 0;
	for (int i = 0; i < 64; i++)
		nz |= zeroed[i];
	fact("zero-initialised TLS is zero", nz == 0);

	unsigned long fs = 0;
	long r = raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&fs);
	printf("ARCH_GET_FS: %ld\n", r);
	fact("fs base is non-zero", fs != 0);
	fact("%fs:0 points to itself (the TCB)", read_fs(0) == fs);
	fact("TLS variables lie below the TCB", (unsigned long)&counter < fs);

	/* Switch to our own block, read through %fs, and switch back. */
	static unsigned long block[4] = { 0, 0x1122334455667788ul, 0xcafe, 0 };
	block[0] = (unsigned long)block;
	long set = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)block);
	unsigned long seen = read_fs(8), seen2 = read_fs(16);
	unsigned long got = 0;
	long get = raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&got);
	long back = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)fs);
	printf("ARCH_SET_FS: %ld, back: %ld, GET while switched: %ld\n", set, back, get);
	fact("GET_FS saw our block", got == (unsigned long)block);
	printf("read through the new fs: %lx %lx\n", seen, seen2);
	fact("errno works after switching back", (errno = 0) == 0);

	long bad = raw2(SYS_arch_prctl, 0x9999, 0);
	printf("arch_prctl unknown code: %s\n", bad < 0 ? errname((int)-bad) : "ok");
	bad = raw2(SYS_arch_prctl, ARCH_GET_FS, 1);
	printf("ARCH_GET_FS to a bad pointer: %s\n", bad < 0 ? errname((int)-bad) : "ok");
	bad = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)(1ul << 63));
	printf("ARCH_SET_FS non-canonical: %s\n", bad < 0 ? errname((int)-bad) : "ok");
	return 0;
}
