/* The vDSO's acceptance program: 10^6 clock_gettime(CLOCK_MONOTONIC) calls
 * through libc, each no earlier than the one before; prints "ok".
 * test/kernel/vdso.test.ts counts tsvisor's syscalls while it runs: the calls
 * must not leave ring 3. With "-s N" it makes N raw clock_gettime syscalls
 * instead (the control: those must be counted). */
#include "common.h"
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CALLS 1000000

static int later(struct timespec a, struct timespec b)
{
	return b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
}

int main(int argc, char **argv)
{
	struct timespec prev, now;
	long n = CALLS, bad = 0;
	int raw = argc > 2 && strcmp(argv[1], "-s") == 0;
	if (raw)
		n = atol(argv[2]);
	if (clock_gettime(CLOCK_MONOTONIC, &prev) != 0) {
		printf("clock_gettime: -1 %s\n", errname(errno));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		if (raw)
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
		else
			clock_gettime(CLOCK_MONOTONIC, &now);
		if (!later(prev, now) || now.tv_nsec < 0 || now.tv_nsec >= 1000000000)
			bad++;
		prev = now;
	}
	if (bad) {
		printf("%ld of %ld readings went back or were malformed\n", bad, n);
		return 1;
	}
	printf("ok\n");
	return 0;
}
