/* mremap (shrink, grow in place, move with contents, MREMAP_FIXED,
 * MREMAP_DONTUNMAP, errnos), mincore, msync, the mlock family, membarrier
 * and pkey_* on a CPU without protection keys. */
#define _GNU_SOURCE
#include "proc.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define TRY(x) do { errno = 0; long _r = (long)(x); printf("%-70s = %s %s\n", #x, _r == -1 ? "-1" : "ok", _r == -1 ? errname(errno) : ""); } while (0)

static long pg;

static int filled(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++) if (p[i] != c) return 0;
	return 1;
}

static void core(const char *what, void *p, size_t pages)
{
	unsigned char v[16];
	memset(v, 9, sizeof v);
	if (mincore(p, pages * pg, v) < 0) { printf("%s: mincore %s\n", what, errname(errno)); return; }
	printf("%s:", what);
	for (size_t i = 0; i < pages; i++) printf(" %d", v[i] & 1);
	printf("\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pg = sysconf(_SC_PAGESIZE);
	/* A 4-page area with a free page after it (a guard we unmap). */
	char *a = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(a + 4 * pg, 4 * pg);
	memset(a, 'a', 4 * pg);
	char *b = mremap(a, 4 * pg, 2 * pg, 0);
	printf("shrink in place: %s, contents kept %d\n", b == a ? "same address" : "moved", filled(b, 2 * pg, 'a'));
	b = mremap(a, 2 * pg, 6 * pg, 0);
	printf("grow in place: %s, old contents %d, new page zero %d\n", b == a ? "same address" : "moved",
	       filled(b, 2 * pg, 'a'), filled(b + 2 * pg, 4 * pg, 0));
	/* Block the growth: a mapping right after it. */
	char *wall = mmap(a + 6 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	TRY(mremap(a, 6 * pg, 8 * pg, 0));
	char *m = mremap(a, 6 * pg, 8 * pg, MREMAP_MAYMOVE);
	printf("grow by moving: %s, contents %d, tail zero %d\n", m != a ? "moved" : "same", filled(m, 2 * pg, 'a'),
	       filled(m + 6 * pg, 2 * pg, 0));
	core("old range after move", a, 2);
	core("moved range", m, 3);
	munmap(wall, pg);

	/* MREMAP_FIXED onto a chosen address, replacing what was there. */
	char *dst = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(dst, 'z', 4 * pg);
	char *f = mremap(m, 8 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	printf("fixed: at target %d, contents %d, rest of target unmapped %d\n", f == dst, filled(f, 2 * pg, 'a'),
	       mincore(dst + 2 * pg, pg, (unsigned char[1]){0}) < 0 && errno == ENOMEM);

	/* MREMAP_DONTUNMAP: the old range stays mapped and reads zero again. */
	char *d = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(d, 'd', 2 * pg);
	/* (glibc's wrapper does not pass new_address without MREMAP_FIXED: call the kernel.) */
	char *nd = (char *)syscall(SYS_mremap, d, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	if (nd == MAP_FAILED) printf("dontunmap: %s\n", errname(errno));
	else printf("dontunmap: new contents %d, old reads zero %d\n", filled(nd, 2 * pg, 'd'), filled(d, 2 * pg, 0));

	/* Errors. g: two pages with a hole after them. */
	char *g = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(g + 2 * pg, 2 * pg);
	TRY(mremap(g, 4 * pg, 8 * pg, MREMAP_MAYMOVE));
	TRY(mremap(g, 0, pg, MREMAP_MAYMOVE));
	TRY(mremap(f + 1, pg, pg, 0));
	TRY(mremap(f, pg, 0, 0));
	TRY(mremap(f, pg, pg, 8));
	TRY(mremap(f, pg, pg, MREMAP_FIXED, f + 8 * pg));
	TRY(mremap(f, pg, 2 * pg, MREMAP_DONTUNMAP | MREMAP_MAYMOVE));
	TRY(mremap(f, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, f + pg));
	TRY(mremap((void *)0x10000, pg, 2 * pg, MREMAP_MAYMOVE));

	/* mincore: fresh pages are absent until touched. */
	char *c = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	c[pg] = 1;
	unsigned char v[4];
	TRY(mincore(c + 1, pg, v));
	TRY(mincore(c, 4 * pg, (unsigned char *)8));
	TRY(mincore((void *)0x10000, pg, v));

	/* msync. */
	TRY(msync(c, 4 * pg, MS_SYNC));
	TRY(msync(c, 4 * pg, MS_ASYNC | MS_SYNC));
	TRY(msync(c + 1, pg, MS_SYNC));
	TRY(msync(c, pg, 64));
	TRY(msync((void *)0x10000, pg, MS_SYNC));

	/* mlock family: locking faults pages in. */
	/* (tsvisor faults anonymous memory in 2 MiB pieces, so only the locked page is compared.) */
	TRY(mlock(c + 2 * pg, pg));
	core("after mlock, page 2", c + 2 * pg, 1);
	TRY(munlock(c, 4 * pg));
	TRY(syscall(SYS_mlock2, c, pg, 2));
	TRY(mlock((void *)0x10000, pg));
	TRY(mlockall(0));
	TRY(mlockall(MCL_ONFAULT));
	TRY(mlockall(MCL_FUTURE));
	TRY(munlockall());

	/* membarrier: the RSEQ commands depend on the kernel's rseq support; leave them out. */
	long q = syscall(SYS_membarrier, 0, 0, 0);
	printf("membarrier query (without rseq bits): %#lx\n", q & ~0x180L);
	TRY(syscall(SYS_membarrier, 8, 0, 0));
	TRY(syscall(SYS_membarrier, 512, 0, 0));
	TRY(syscall(SYS_membarrier, 16, 0, 0));
	printf("registrations: %ld\n", syscall(SYS_membarrier, 512, 0, 0));
	TRY(syscall(SYS_membarrier, 8, 0, 0));
	TRY(syscall(SYS_membarrier, 1, 0, 0));
	TRY(syscall(SYS_membarrier, 0, 1, 0));
	TRY(syscall(SYS_membarrier, 1 << 20, 0, 0));

	/* pkeys, on a CPU without them (the sandbox's vCPU has none). */
	TRY(syscall(SYS_pkey_mprotect, c, pg, PROT_READ, -1));
	TRY(syscall(SYS_pkey_mprotect, c, pg, PROT_READ, 1));
	TRY(syscall(SYS_pkey_alloc, 1, 0));
	TRY(syscall(SYS_pkey_free, 1));
	return 0;
}
