/* CPU-time clocks and timers: CLOCK_PROCESS_CPUTIME_ID and
 * CLOCK_THREAD_CPUTIME_ID advance while computing (a sleeping thread's does
 * not), clock_getcpuclockid and pthread_getcpuclockid name the same clocks,
 * another process's clock is readable, a missing pid's is EINVAL;
 * getitimer shows ITIMER_VIRTUAL/PROF counting down, a NULL new value
 * disarms; SIGCHLD's si_utime and wait4's rusage carry a busy child's time.
 * Only coarse facts are printed. */
#include "proc.h"
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static long long cpu_ns(clockid_t c)
{
	struct timespec t;
	if (clock_gettime(c, &t) != 0)
		return -1;
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Computes until the process has used ms of CPU time. */
static void burn(int ms)
{
	long long end = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) + ms * 1000000LL;
	volatile unsigned x = 0;
	while (cpu_ns(CLOCK_PROCESS_CPUTIME_ID) < end)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static volatile int stop_sleeper;
static void *sleeper(void *a)
{
	(void)a;
	while (!stop_sleeper) {
		struct timespec t = { 0, 5 * 1000 * 1000 };
		nanosleep(&t, NULL);
	}
	return NULL;
}

static volatile long chld_ticks = -1;
static void on_chld(int s, siginfo_t *si, void *u)
{
	(void)s; (void)u;
	chld_ticks = si->si_utime + si->si_stime;
}

int main(void)
{
	struct timespec res;
	check("clock_getres(CLOCK_PROCESS_CPUTIME_ID)", clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res));
	printf("  resolution %ld ns\n", res.tv_nsec);
	long long p0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), t0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	fact("both clocks readable", p0 >= 0 && t0 >= 0);

	pthread_t th;
	pthread_create(&th, NULL, sleeper, NULL);
	clockid_t tc;
	check("pthread_getcpuclockid of a sleeping thread", pthread_getcpuclockid(th, &tc));
	long long s0 = cpu_ns(tc);
	burn(200);
	long long s1 = cpu_ns(tc);
	long long p1 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), t1 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	fact("200 ms of computing: the process clock advanced >= 200 ms", p1 - p0 >= 200000000LL);
	fact("  the thread clock >= 150 ms", t1 - t0 >= 150000000LL);
	fact("  the sleeping thread's clock < 100 ms", s1 - s0 < 100000000LL);
	stop_sleeper = 1;
	pthread_join(th, NULL);

	clockid_t pc;
	check("clock_getcpuclockid(getpid())", clock_getcpuclockid(getpid(), &pc));
	long long a = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), b = cpu_ns(pc);
	fact("  reads the same as CLOCK_PROCESS_CPUTIME_ID (within 50 ms)", b >= a && b - a < 50000000LL);
	clockid_t bad;
	int br = clock_getcpuclockid(999999, &bad);
	printf("clock_getcpuclockid of a missing pid: %s\n", br == 0 ? "ok" : errname(br));
	struct timespec ts;
	check("clock_gettime of pid 999999's CPU clock", syscall(SYS_clock_gettime, (clockid_t)((~999999u << 3) | 2), &ts));
	check("clock_gettime of CPU clock type 3", syscall(SYS_clock_gettime, (clockid_t)((~0u << 3) | 3), &ts));

	struct itimerval v = { { 0, 0 }, { 10, 0 } }, cur;
	check("setitimer VIRTUAL 10 s", setitimer(ITIMER_VIRTUAL, &v, NULL));
	burn(100);
	getitimer(ITIMER_VIRTUAL, &cur);
	long long left = cur.it_value.tv_sec * 1000LL + cur.it_value.tv_usec / 1000;
	fact("  after 100 ms of computing: 0 < left < 10 s", left > 0 && left < 10000);
	check("setitimer VIRTUAL with a NULL new value (disarms)", syscall(SYS_setitimer, ITIMER_VIRTUAL, NULL, &cur));
	fact("  the old value came back", cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
	getitimer(ITIMER_VIRTUAL, &cur);
	fact("  now disarmed", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	struct itimerval pv = { { 7, 0 }, { 9, 0 } };
	setitimer(ITIMER_PROF, &pv, NULL);
	getitimer(ITIMER_PROF, &cur);
	printf("ITIMER_PROF 9 s: interval %ld s, read back at once: value just above 9 s (a tick is added) %s\n",
	       (long)cur.it_interval.tv_sec, cur.it_value.tv_sec == 9 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec < 100000 ? "yes" : "no");
	setitimer(ITIMER_PROF, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, NULL);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	pid_t c = xfork();
	if (c == 0) {
		burn(300);
		_exit(0);
	}
	struct rusage ru;
	int st;
	while (wait4(c, &st, 0, &ru) < 0 && errno == EINTR)
		;
	long long cu = ru.ru_utime.tv_sec * 1000LL + ru.ru_utime.tv_usec / 1000 + ru.ru_stime.tv_sec * 1000LL + ru.ru_stime.tv_usec / 1000;
	fact("a child computing 300 ms: wait4's rusage >= 250 ms", cu >= 250);
	fact("  SIGCHLD's si_utime + si_stime >= 10 ticks", chld_ticks >= 10);
	return 0;
}
