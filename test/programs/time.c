/* Clocks and sleeping: only relations are printed. */
#include "common.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	struct timespec a, b, c, r;
	check("clock_gettime MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &a));
	check("clock_gettime MONOTONIC again", clock_gettime(CLOCK_MONOTONIC, &b));
	fact("monotonic does not go back", ns(b) >= ns(a));
	int mono_ok = 1;
	for (int i = 0; i < 20000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &c);
		mono_ok &= ns(c) >= ns(b);
		b = c;
	}
	fact("20000 reads never go back", mono_ok);
	fact("tv_nsec is in range", c.tv_nsec >= 0 && c.tv_nsec < 1000000000);

	struct timespec ten = { 0, 10 * 1000 * 1000 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	check("nanosleep 10ms", nanosleep(&ten, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	fact("slept at least 10ms", ns(b) - ns(a) >= 10 * 1000 * 1000);
	fact("slept less than 5s", ns(b) - ns(a) < 5000LL * 1000 * 1000);

	struct timespec bad = { 0, 1000000000 };
	check("nanosleep tv_nsec = 1e9", nanosleep(&bad, NULL));
	struct timespec neg = { -1, 0 };
	check("nanosleep negative", nanosleep(&neg, NULL));
	struct timespec zero = { 0, 0 };
	check("nanosleep 0", nanosleep(&zero, NULL));

	check("clock_gettime REALTIME", clock_gettime(CLOCK_REALTIME, &r));
	fact("realtime is after 2020", r.tv_sec > 1577836800);
	struct timeval tv;
	check("gettimeofday", gettimeofday(&tv, NULL));
	long long diff = (long long)tv.tv_sec - r.tv_sec;
	fact("gettimeofday agrees with REALTIME", diff >= 0 && diff < 5);
	time_t t = time(NULL);
	/* time() reads the coarse clock, updated at the tick: just past a second boundary it can
	 * still show the second before CLOCK_REALTIME's (seen natively). */
	fact("time() agrees", t - r.tv_sec >= -1 && t - r.tv_sec < 5);
	check("clock_gettime BOOTTIME", clock_gettime(CLOCK_BOOTTIME, &c));
	check("clock_gettime PROCESS_CPUTIME_ID", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c));
	check("clock_gettime bad clock", syscall(SYS_clock_gettime, 12345, &c));
	check("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &c));
	fact("resolution is at most 1ms", c.tv_sec == 0 && c.tv_nsec <= 1000000);
	check("clock_nanosleep MONOTONIC 1ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, 1000000 }, NULL));
	clock_gettime(CLOCK_MONOTONIC, &a);
	a.tv_nsec += 2000000;
	if (a.tv_nsec >= 1000000000) { a.tv_sec++; a.tv_nsec -= 1000000000; }
	check("clock_nanosleep TIMER_ABSTIME", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &a, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	fact("woke after the absolute deadline", ns(b) >= ns(a));
	return 0;
}
