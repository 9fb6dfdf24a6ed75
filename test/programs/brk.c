/* brk: query, grow, touch, shrink, and a refused request. */
#include "common.h"
#include <sys/syscall.h>
#include <unistd.h>

static unsigned long sys_brk(unsigned long addr)
{
	return (unsigned long)syscall(SYS_brk, addr);
}

int main(void)
{
	/* stdio must not malloc: malloc would move the break under us. */
	static char outbuf[8192];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	unsigned long start = sys_brk(0);
	fact("brk(0) is non-zero", start != 0);
	fact("brk(0) twice is the same", sys_brk(0) == start);

	unsigned long want = start + (4 << 20);
	fact("grow by 4 MiB", sys_brk(want) == want);
	unsigned char *p = (unsigned char *)start;
	for (unsigned long i = 0; i < (4 << 20); i += 4096)
		p[i] = (unsigned char)(i >> 12);
	unsigned sum = 0;
	for (unsigned long i = 0; i < (4 << 20); i += 4096)
		sum += p[i];
	printf("touched the new heap: sum %u\n", sum);
	fact("new heap started zeroed", p[1] == 0 && p[(4 << 20) - 1] == 0);

	fact("shrink by 3 MiB", sys_brk(start + (1 << 20)) == start + (1 << 20));
	fact("brk(0) after shrink", sys_brk(0) == start + (1 << 20));
	fact("grow again", sys_brk(start + (2 << 20)) == start + (2 << 20));
	fact("memory re-grown after a shrink is zero", p[(1 << 20) + 4096] == 0);
	fact("memory kept over the shrink is kept", p[4096] == 1);

	unsigned long cur = sys_brk(0);
	fact("below the start is refused (returns current)", sys_brk(start - 4096 * 1024) == cur);
	fact("absurd request is refused (returns current)", sys_brk(1UL << 46) == cur);
	fact("unaligned break is returned as asked", sys_brk(cur + 5) == cur + 5);
	fact("back to start", sys_brk(start) == start);

	void *s = sbrk(0);
	fact("sbrk(0) is the break", (unsigned long)s == start);
	return 0;
}
