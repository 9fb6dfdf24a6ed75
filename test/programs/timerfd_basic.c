/* timerfd: create flags and clocks, one-shot and periodic timers, expiration
 * counts after sleeping, gettime/settime old values, TFD_TIMER_ABSTIME,
 * disarming, blocking reads, non-blocking EAGAIN, poll readiness. Only
 * facts that hold whatever the scheduling delays are printed. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000L

static struct itimerspec its(long value_ns, long interval_ns)
{
	struct itimerspec t = { { interval_ns / 1000000000L, interval_ns % 1000000000L },
				{ value_ns / 1000000000L, value_ns % 1000000000L } };
	return t;
}

static long ns(const struct timespec *t) { return t->tv_sec * 1000000000L + t->tv_nsec; }

int main(void)
{
	checkval("create bad clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	checkval("create bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	check("create MONOTONIC", fd);
	checkval("F_GETFL", fcntl(fd, F_GETFL));
	checkval("F_GETFD", fcntl(fd, F_GETFD));
	int rt = timerfd_create(CLOCK_REALTIME, 0), bt = timerfd_create(CLOCK_BOOTTIME, 0);
	fact("REALTIME and BOOTTIME", rt >= 0 && bt >= 0);

	uint64_t n = 0;
	checkval("read disarmed (nonblocking)", read(fd, &n, 8));
	checkval("read short buffer", read(fd, &n, 4));
	struct itimerspec cur;
	check("gettime disarmed", timerfd_gettime(fd, &cur));
	printf("disarmed: value %ld interval %ld\n", ns(&cur.it_value), ns(&cur.it_interval));

	/* One-shot 20 ms. */
	struct itimerspec t = its(20 * MS, 0), old;
	check("settime 20 ms", timerfd_settime(fd, 0, &t, &old));
	printf("old: value %ld interval %ld\n", ns(&old.it_value), ns(&old.it_interval));
	timerfd_gettime(fd, &cur);
	fact("armed: 0 < value <= 20 ms", ns(&cur.it_value) > 0 && ns(&cur.it_value) <= 20 * MS);
	struct pollfd p = { fd, POLLIN, 0 };
	checkval("poll before expiry", poll(&p, 1, 0));
	checkval("poll until expiry", poll(&p, 1, 5000));
	printf("revents: %#x\n", p.revents);
	checkval("read", read(fd, &n, 8));
	printf("expirations: %llu\n", (unsigned long long)n);
	checkval("read again", read(fd, &n, 8));
	timerfd_gettime(fd, &cur);
	printf("after expiry: value %ld interval %ld\n", ns(&cur.it_value), ns(&cur.it_interval));

	/* Periodic 5 ms: after 60 ms at least 10 expirations are counted. */
	t = its(5 * MS, 5 * MS);
	timerfd_settime(fd, 0, &t, NULL);
	struct timespec d = { 0, 60 * MS };
	nanosleep(&d, NULL);
	checkval("read periodic", read(fd, &n, 8));
	fact("at least 10 expirations", n >= 10);
	timerfd_gettime(fd, &cur);
	fact("periodic: 0 < value <= 5 ms", ns(&cur.it_value) > 0 && ns(&cur.it_value) <= 5 * MS);
	printf("periodic interval: %ld\n", ns(&cur.it_interval));
	/* settime returns the old setting, and resets the count. */
	nanosleep(&d, NULL);
	t = its(0, 0);
	check("disarm", timerfd_settime(fd, 0, &t, &old));
	fact("old value <= 5 ms", ns(&old.it_value) <= 5 * MS);
	printf("old interval: %ld\n", ns(&old.it_interval));
	checkval("read after disarm", read(fd, &n, 8));

	/* Blocking read on a periodic timer. */
	int b = timerfd_create(CLOCK_MONOTONIC, 0);
	t = its(10 * MS, 10 * MS);
	timerfd_settime(b, 0, &t, NULL);
	for (int i = 0; i < 3; i++) {
		n = 0;
		ssize_t r = read(b, &n, 8);
		printf("blocking read %d: %zd, count >= 1: %s\n", i, r, n >= 1 ? "yes" : "no");
	}

	/* Absolute time on CLOCK_REALTIME and CLOCK_MONOTONIC; one in the past fires at once. */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	t = its(ns(&now) + 15 * MS, 0);
	check("settime ABSTIME realtime", timerfd_settime(rt, TFD_TIMER_ABSTIME, &t, NULL));
	checkval("read realtime (blocks)", read(rt, &n, 8));
	printf("expirations: %llu\n", (unsigned long long)n);
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = its(ns(&now) - 1000 * MS, 0);
	check("settime ABSTIME in the past", timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL));
	checkval("read past timer (blocks briefly)", poll(&p, 1, 5000));
	checkval("read", read(fd, &n, 8));
	printf("expirations: %llu\n", (unsigned long long)n);
	/* A periodic absolute timer far in the past counts the periods missed. */
	t = its(ns(&now) - 100 * MS, 10 * MS);
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL);
	poll(&p, 1, 5000);
	read(fd, &n, 8);
	fact("missed periods counted (>= 10)", n >= 10 && n < 1000);

	/* Errors. */
	t = its(1, 0);
	t.it_value.tv_nsec = 1000000000;
	checkval("settime bad nsec", timerfd_settime(fd, 0, &t, NULL));
	t = its(1, 0);
	checkval("settime bad flags", timerfd_settime(fd, 4, &t, NULL));
	checkval("settime bad fd", timerfd_settime(99, 0, &t, NULL));
	int pp[2];
	pipe(pp);
	checkval("settime on a pipe", timerfd_settime(pp[0], 0, &t, NULL));
	checkval("gettime on a pipe", timerfd_gettime(pp[0], &cur));
	checkval("settime EFAULT", syscall(SYS_timerfd_settime, fd, 0, (void *)8, NULL));
	checkval("gettime EFAULT", syscall(SYS_timerfd_gettime, fd, (void *)8));
	checkval("lseek", lseek(fd, 5, SEEK_SET));
	return 0;
}
