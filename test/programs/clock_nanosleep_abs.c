/* clock_nanosleep with TIMER_ABSTIME: wakes at (not before) the deadline on
 * CLOCK_MONOTONIC, CLOCK_REALTIME and CLOCK_BOOTTIME; a deadline in the past
 * returns at once; interrupted by a handler it returns EINTR (and does not
 * touch rem); the error numbers are returned, not put in errno
 * (EINVAL for a bad clock or tv_nsec, ENOTSUP for the thread CPU clock). */
#include "proc.h"
#include <sys/time.h>
#include <time.h>

static long long ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct timespec at(long long n)
{
	struct timespec t = { n / 1000000000LL, n % 1000000000LL };
	return t;
}

static volatile int handled;
static void handler(int s) { (void)s; handled++; }

static const char *err(int r)
{
	if (r == ENOTSUP)
		return "ENOTSUP";
	return errname(r);
}

int main(void)
{
	static const struct { clockid_t id; const char *name; } clocks[] = {
		{ CLOCK_MONOTONIC, "CLOCK_MONOTONIC" }, { CLOCK_REALTIME, "CLOCK_REALTIME" }, { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
	};
	for (int i = 0; i < 3; i++) {
		long long deadline = ns(clocks[i].id) + 30 * 1000000LL;
		struct timespec d = at(deadline);
		int r = clock_nanosleep(clocks[i].id, TIMER_ABSTIME, &d, NULL);
		long long woke = ns(clocks[i].id);
		printf("%s absolute +30 ms: %s, woke at or after the deadline %s, within 1 s %s\n", clocks[i].name, err(r),
		       woke >= deadline ? "yes" : "no", woke - deadline < 1000000000LL ? "yes" : "no");
	}
	struct timespec past = at(ns(CLOCK_MONOTONIC) - 1000000000LL);
	long long t0 = ns(CLOCK_MONOTONIC);
	int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL);
	printf("deadline in the past: %s, returned within 10 ms %s\n", err(r), ns(CLOCK_MONOTONIC) - t0 < 10000000 ? "yes" : "no");
	struct timespec zero = { 0, 0 };
	printf("deadline 0: %s\n", err(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &zero, NULL)));

	/* Interrupted: EINTR, rem untouched for TIMER_ABSTIME. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec far = at(ns(CLOCK_MONOTONIC) + 2000000000LL), rem = { 77, 77 };
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &far, &rem);
	printf("absolute sleep interrupted by a handler (SA_RESTART): %s, handler %d, rem untouched %s\n", err(r), handled,
	       rem.tv_sec == 77 && rem.tv_nsec == 77 ? "yes" : "no");

	/* Errors are returned. */
	struct timespec ok = { 0, 1000 }, bad = { 0, 1000000000 }, neg = { -1, 0 };
	errno = 0;
	printf("bad clock id: %s, errno untouched %s\n", err(clock_nanosleep(12345, 0, &ok, NULL)), errno == 0 ? "yes" : "no");
	printf("tv_nsec 1e9: %s\n", err(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL)));
	printf("negative tv_sec, relative: %s\n", err(clock_nanosleep(CLOCK_MONOTONIC, 0, &neg, NULL)));
	printf("negative tv_sec, absolute: %s\n", err(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &neg, NULL)));
	printf("CLOCK_THREAD_CPUTIME_ID: %s\n", err(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ok, NULL)));
	return 0;
}
