/* MAP_GROWSDOWN areas grow down on a fault below them (expand_downwards): up to
 * RLIMIT_STACK, never closer than the stack guard gap (256 pages) to an
 * accessible area below, which a PROT_NONE area is not. A fault that may not
 * grow the area is SIGSEGV with SEGV_MAPERR at the address. Fixed addresses
 * keep the layout the same natively and in the sandbox. */
#define _GNU_SOURCE
#include "common.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define KiB 1024L
#define MiB (1024L * 1024)
static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	fault_addr = (uintptr_t)si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

/* Writes one byte at base - below and says what happened. */
static void touch(const char *what, char *base, long below)
{
	char *p = base - below;
	if (sigsetjmp(jb, 1) == 0) {
		*p = 1;
		printf("%s: -%ld KiB ok\n", what, below / KiB);
	} else {
		printf("%s: -%ld KiB SIGSEGV %s at -%ld KiB\n", what, below / KiB,
		       fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other",
		       (long)((uintptr_t)base - fault_addr) / KiB);
	}
}

/* The size of the area that ends at end, from /proc/self/maps. */
static void area(const char *what, char *end)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		unsigned long a, b;
		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && b == (unsigned long)end) {
			printf("%s: area of %lu KiB\n", what, (b - a) / KiB);
			fclose(f);
			return;
		}
	}
	printf("%s: no area\n", what);
	if (f) fclose(f);
}

static char *map_at(uintptr_t at, long len, int prot, int flags)
{
	void *p = mmap((void *)at, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | flags, -1, 0);
	if (p == MAP_FAILED) { printf("mmap at %#lx: %s\n", (unsigned long)at, errname(errno)); exit(1); }
	return p;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);

	/* An area of 16 KiB that grows down, up to the 8 MiB RLIMIT_STACK. */
	char *g = map_at(0x200000100000UL, 16 * KiB, PROT_READ | PROT_WRITE, MAP_GROWSDOWN);
	char *gend = g + 16 * KiB;
	touch("grows", g, 4 * KiB);
	touch("grows", g, 1 * MiB);
	touch("grows", g, 4 * MiB);
	area("after 4 MiB", gend);
	touch("past RLIMIT_STACK", g, 16 * MiB);
	struct rlimit rl = { 6 * MiB, RLIM_INFINITY };
	setrlimit(RLIMIT_STACK, &rl);
	touch("RLIMIT_STACK 6 MiB", g, 7 * MiB);
	touch("RLIMIT_STACK 6 MiB", g, 5 * MiB);
	area("after 5 MiB", gend);
	rl.rlim_cur = 8 * MiB;
	setrlimit(RLIMIT_STACK, &rl);

	/* Below it, 960 KiB away, an accessible area: closer than the guard gap, no growth. */
	char *x = map_at(0x300000000000UL, 64 * KiB, PROT_READ, 0);
	char *h = map_at(0x300000100000UL, 16 * KiB, PROT_READ | PROT_WRITE, MAP_GROWSDOWN);
	touch("guard gap", h, 4 * KiB);
	area("guard gap", h + 16 * KiB);
	/* PROT_NONE is not accessible: the area may grow right down to it. */
	mprotect(x, 64 * KiB, PROT_NONE);
	touch("below PROT_NONE", h, 4 * KiB);
	touch("below PROT_NONE", h, 960 * KiB);
	area("below PROT_NONE", h + 16 * KiB);
	touch("into PROT_NONE", h, 964 * KiB);

	/* A plain area does not grow. */
	char *plain = map_at(0x400000100000UL, 16 * KiB, PROT_READ | PROT_WRITE, 0);
	touch("not growsdown", plain, 4 * KiB);
	return 0;
}
