/* mmap anonymous private memory, munmap, mprotect, madvise(DONTNEED). */
#include "common.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

int main(void)
{
	size_t len = 64 * PAGE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fact("mmap anonymous", p != MAP_FAILED);
	fact("page aligned", ((unsigned long)p & (PAGE - 1)) == 0);
	int zero = 1;
	for (size_t i = 0; i < len; i++)
		zero &= p[i] == 0;
	fact("starts zeroed", zero);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 13 + 5);
	printf("filled: fnv %08x\n", fnv1a(p, len));

	check("mprotect read-only", mprotect(p, 4 * PAGE, PROT_READ));
	printf("read after mprotect: fnv %08x\n", fnv1a(p, 4 * PAGE));
	check("mprotect back to read-write", mprotect(p, 4 * PAGE, PROT_READ | PROT_WRITE));
	p[0] = 0xaa;
	printf("write after mprotect: %02x\n", p[0]);
	check("mprotect unaligned", syscall(SYS_mprotect, p + 1, PAGE, PROT_READ));
	check("mprotect bad prot", mprotect(p, PAGE, 0x100));

	check("madvise DONTNEED pages 8..15", madvise(p + 8 * PAGE, 8 * PAGE, MADV_DONTNEED));
	zero = 1;
	for (size_t i = 8 * PAGE; i < 16 * PAGE; i++)
		zero &= p[i] == 0;
	fact("DONTNEED pages read back zero", zero);
	fact("the page before is kept", p[8 * PAGE - 1] == (unsigned char)((8 * PAGE - 1) * 13 + 5));
	fact("the page after is kept", p[16 * PAGE] == (unsigned char)((16 * PAGE) * 13 + 5));
	check("madvise bad advice", madvise(p, PAGE, 12345));
	check("madvise WILLNEED", madvise(p, PAGE, MADV_WILLNEED));

	check("munmap the middle", munmap(p + 20 * PAGE, 4 * PAGE));
	check("mprotect across the hole", mprotect(p + 19 * PAGE, 3 * PAGE, PROT_READ));
	fact("memory after the hole is kept", p[24 * PAGE] == (unsigned char)((24 * PAGE) * 13 + 5));
	check("munmap unaligned", syscall(SYS_munmap, p + 1, PAGE));
	check("munmap length 0", munmap(p, 0));
	check("munmap the rest", munmap(p, len));
	check("munmap again (nothing mapped)", munmap(p, len));

	unsigned char *q = mmap(p, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fact("MAP_FIXED at the old address", q == p);
	fact("MAP_FIXED memory is zero", q[0] == 0 && q[2 * PAGE - 1] == 0);
	unsigned char *r = mmap(q, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fact("MAP_FIXED over a mapping replaces it", r == q && r[0] == 0);

	errno = 0;
	void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap length 0: %s\n", bad == MAP_FAILED ? errname(errno) : "mapped");
	bad = mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0);
	printf("mmap without SHARED or PRIVATE: %s\n", bad == MAP_FAILED ? errname(errno) : "mapped");
	bad = mmap((void *)(p + 1), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED unaligned: %s\n", bad == MAP_FAILED ? errname(errno) : "mapped");
	bad = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0);
	printf("mmap bad fd: %s\n", bad == MAP_FAILED ? errname(errno) : "mapped");

	unsigned char *big = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < (16 << 20); i += PAGE)
		big[i] = 1;
	unsigned sum = 0;
	for (size_t i = 0; i < (16 << 20); i += PAGE)
		sum += big[i];
	printf("16 MiB mapping touched: %u pages\n", sum);
	check("munmap 16 MiB", munmap(big, 16 << 20));
	return 0;
}
