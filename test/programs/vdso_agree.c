/* The vDSO agrees with the kernel: every clock read through libc (the vDSO)
 * lies between two raw syscalls of the same clock, within 50 ms (in the
 * sandbox the syscall answers from the host's clock, so this is the
 * differential check against the host). Also: gettimeofday and time agree
 * with CLOCK_REALTIME, tz is zeroes, getcpu says CPU 0, clocks the vDSO does
 * not answer (CPU time, invalid ids) still work or fail as the kernel does.
 * With "-v", prints the largest deviation per clock on stderr. */
#define _GNU_SOURCE
#include "common.h"
#include <sched.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define TOLERANCE_NS 50000000LL
#define ROUNDS 1000

static long long ns(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int verbose;

static void agree(const char *name, clockid_t id)
{
	long long worst = 0;
	int ok = 1;
	for (int i = 0; i < ROUNDS; i++) {
		struct timespec s1, v, s2;
		if (syscall(SYS_clock_gettime, id, &s1) || clock_gettime(id, &v) || syscall(SYS_clock_gettime, id, &s2)) {
			ok = 0;
			break;
		}
		long long before = ns(s1) - ns(v), after = ns(v) - ns(s2);
		long long dev = before > after ? before : after; /* > 0: outside [s1, s2] by that much */
		if (dev > worst)
			worst = dev;
		if (dev > TOLERANCE_NS || v.tv_nsec < 0 || v.tv_nsec >= 1000000000)
			ok = 0;
	}
	printf("%s agrees with the syscall: %s\n", name, ok ? "yes" : "no");
	if (verbose)
		fprintf(stderr, "%s %lld\n", name, worst);
}

int main(int argc, char **argv)
{
	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	fact("AT_SYSINFO_EHDR is set", getauxval(AT_SYSINFO_EHDR) != 0);
	agree("CLOCK_REALTIME", CLOCK_REALTIME);
	agree("CLOCK_MONOTONIC", CLOCK_MONOTONIC);
	agree("CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW);
	agree("CLOCK_BOOTTIME", CLOCK_BOOTTIME);
	agree("CLOCK_TAI", CLOCK_TAI);
	/* The coarse clocks lag by up to a tick natively (4 ms at HZ=250). */
	agree("CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE);
	agree("CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE);

	struct timespec r1, r2;
	struct timeval tv;
	struct timezone tz = { 123, 456 };
	clock_gettime(CLOCK_REALTIME, &r1);
	check("gettimeofday", gettimeofday(&tv, &tz));
	clock_gettime(CLOCK_REALTIME, &r2);
	long long tvns = (long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
	fact("gettimeofday is between two CLOCK_REALTIME reads", tvns >= ns(r1) - 1000 && tvns <= ns(r2));
	fact("tv_usec is in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
#ifdef __GLIBC__
	/* glibc hands tz to the vDSO; musl never writes it. */
	fact("timezone is zeroes", tz.tz_minuteswest == 0 && tz.tz_dsttime == 0);
#endif
	struct timeval *volatile none = NULL; /* glibc declares tv nonnull; Linux allows it */
	check("gettimeofday(NULL, NULL)", gettimeofday(none, NULL));

	time_t t1 = 0;
	clock_gettime(CLOCK_REALTIME, &r1);
	time_t t = time(&t1);
	clock_gettime(CLOCK_REALTIME, &r2);
	fact("time() is between two CLOCK_REALTIME reads", t >= r1.tv_sec && t <= r2.tv_sec && t1 == t);

	unsigned cpu = 99, node = 99;
	check("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
	fact("sched_getcpu is a CPU getcpu could name", sched_getcpu() >= 0);

	struct timespec c, res;
	check("clock_gettime PROCESS_CPUTIME_ID", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c));
	check("clock_gettime THREAD_CPUTIME_ID", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c));
	errno = 0;
	check("clock_gettime invalid clock", clock_gettime((clockid_t)12345, &c));
	errno = 0;
	check("clock_gettime clock -1", clock_gettime((clockid_t)-1, &c));
	check("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &res));
	fact("MONOTONIC resolution is 1 ns", res.tv_sec == 0 && res.tv_nsec == 1);
	check("clock_getres MONOTONIC_COARSE", clock_getres(CLOCK_MONOTONIC_COARSE, &res));
	struct timespec kres;
	syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &kres);
	fact("coarse resolution matches the kernel's", res.tv_sec == kres.tv_sec && res.tv_nsec == kres.tv_nsec);
	check("clock_getres REALTIME NULL", clock_getres(CLOCK_REALTIME, NULL));
	errno = 0;
	check("clock_getres invalid clock", clock_getres((clockid_t)12345, &res));
	return 0;
}
