/* getrusage and times: the calls succeed and their numbers are sane; CPU
 * time of a busy child shows up in RUSAGE_CHILDREN and times() once it is
 * reaped. Only coarse facts are printed, never the numbers. */
#include "proc.h"
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <time.h>

static long long usec(struct timeval t) { return (long long)t.tv_sec * 1000000 + t.tv_usec; }
static int tv_ok(struct timeval t) { return t.tv_sec >= 0 && t.tv_usec >= 0 && t.tv_usec < 1000000; }

static void busy(int ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	volatile unsigned x = 0;
	do {
		for (int i = 0; i < 10000; i++)
			x += i;
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

int main(void)
{
	struct rusage ru;
	check("getrusage RUSAGE_SELF", getrusage(RUSAGE_SELF, &ru));
	fact("  utime and stime are well-formed", tv_ok(ru.ru_utime) && tv_ok(ru.ru_stime));
	fact("  maxrss > 0", ru.ru_maxrss > 0);
	check("getrusage RUSAGE_THREAD", getrusage(RUSAGE_THREAD, &ru));
	fact("  well-formed", tv_ok(ru.ru_utime) && tv_ok(ru.ru_stime));
	check("getrusage RUSAGE_CHILDREN", getrusage(RUSAGE_CHILDREN, &ru));
	fact("  well-formed", tv_ok(ru.ru_utime) && tv_ok(ru.ru_stime));
	check("getrusage who=42", getrusage(42, &ru));
	check("getrusage with a bad pointer", syscall(SYS_getrusage, RUSAGE_SELF, 1L));

	struct tms t0, t1;
	clock_t c0 = times(&t0);
	fact("times() returns a value", c0 != (clock_t)-1);
	fact("  tms fields are >= 0", t0.tms_utime >= 0 && t0.tms_stime >= 0 && t0.tms_cutime >= 0 && t0.tms_cstime >= 0);
	check("times(NULL)", syscall(SYS_times, 0L));

	/* Our own CPU time grows while we compute. */
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	busy(300);
	getrusage(RUSAGE_SELF, &after);
	long long spent = usec(after.ru_utime) + usec(after.ru_stime) - usec(before.ru_utime) - usec(before.ru_stime);
	fact("300 ms of computing adds at least 10 ms of CPU time (under load too)", spent >= 10000);
	fact("  and at most 10 s", spent < 10000000);

	/* A child's CPU time is ours to see once we reap it. */
	getrusage(RUSAGE_CHILDREN, &ru);
	pid_t c = xfork();
	if (c == 0) {
		/* Touch 1 MiB: Linux counts RSS in per-CPU batches, and a tiny child's high-water
		 * mark can read 0 when its last batch was never folded in. */
		static volatile char touch[1 << 20];
		for (size_t i = 0; i < sizeof touch; i += 4096)
			touch[i] = 1;
		busy(300);
		_exit(0);
	}
	struct rusage child;
	int st;
	wait4(c, &st, 0, &child);
	fact("wait4's rusage shows the child's >= 10 ms", usec(child.ru_utime) + usec(child.ru_stime) >= 10000);
	struct rusage cbefore = ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	fact("RUSAGE_CHILDREN grew by >= 10 ms",
	     usec(ru.ru_utime) + usec(ru.ru_stime) - usec(cbefore.ru_utime) - usec(cbefore.ru_stime) >= 10000);
	fact("  and maxrss > 0", ru.ru_maxrss > 0);
	clock_t c1 = times(&t1);
	long hz = sysconf(_SC_CLK_TCK);
	printf("sysconf(_SC_CLK_TCK): %ld\n", hz);
	fact("times(): the children's ticks cover >= 10 ms", (t1.tms_cutime + t1.tms_cstime - t0.tms_cutime - t0.tms_cstime) * 1000 / hz >= 10);
	fact("times(): the return value moved forward >= 500 ms", (c1 - c0) * 1000 / hz >= 500);
	return 0;
}
