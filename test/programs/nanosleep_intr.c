/* Sleeping interrupted by a signal handler: nanosleep returns EINTR and
 * writes the time left (> 0 and below what was asked), with or without
 * SA_RESTART; clock_nanosleep returns the error number itself; an ignored
 * signal or a blocked one does not interrupt; SIGSTOP/SIGCONT of the
 * sleeper does not end its sleep early either (it is restarted). Sleeping
 * again for the remainder finishes the full time. */
#include "proc.h"
#include <sys/time.h>
#include <time.h>

static volatile int handled;
static void handler(int s) { (void)s; handled++; }

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void arm(int ms)
{
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void set(void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
}

static long long ts_ms(struct timespec t) { return t.tv_sec * 1000LL + t.tv_nsec / 1000000; }

int main(void)
{
	struct timespec two = { 2, 0 }, rem;
	set(handler, 0);
	arm(50);
	long long t0 = now_ms();
	memset(&rem, 0, sizeof rem);
	int r = nanosleep(&two, &rem);
	long long el = now_ms() - t0;
	printf("nanosleep 2 s, SIGALRM after 50 ms: %d %s, handler %d, woke before 1 s %s\n", r, errname(errno), handled,
	       el < 1000 ? "yes" : "no");
	printf("  remaining: > 1 s %s, < 2 s %s, tv_nsec valid %s\n", ts_ms(rem) > 1000 ? "yes" : "no",
	       ts_ms(rem) < 2000 ? "yes" : "no", rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000 ? "yes" : "no");

	/* Sleep the remainder (shortened): it completes. */
	struct timespec rest = { 0, 30 * 1000 * 1000 };
	printf("  sleeping again: %d\n", nanosleep(&rest, NULL));

	set(handler, SA_RESTART);
	handled = 0;
	arm(50);
	r = nanosleep(&two, &rem);
	printf("with SA_RESTART: %d %s (nanosleep is never restarted after a handler), handler %d\n", r, errname(errno), handled);

	handled = 0;
	arm(50);
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &two, &rem);
	printf("clock_nanosleep MONOTONIC relative: returns %s (not -1), remaining > 1 s %s\n", errname(r),
	       ts_ms(rem) > 1000 ? "yes" : "no");

	handled = 0;
	arm(50);
	r = nanosleep(&two, NULL);
	printf("nanosleep with rem NULL: %d %s\n", r, errname(errno));

	/* Ignored: the timer's signal does nothing, the sleep runs to its end. */
	set(SIG_IGN, 0);
	arm(20);
	struct timespec hundred = { 0, 100 * 1000 * 1000 };
	t0 = now_ms();
	r = nanosleep(&hundred, NULL);
	el = now_ms() - t0;
	printf("SIGALRM ignored: nanosleep %d, slept the whole 100 ms %s\n", r, el >= 90 ? "yes" : "no");

	/* Blocked: pending after the sleep, delivered on unblock. */
	set(handler, 0);
	handled = 0;
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGALRM);
	sigprocmask(SIG_BLOCK, &m, NULL);
	arm(20);
	t0 = now_ms();
	r = nanosleep(&hundred, NULL);
	el = now_ms() - t0;
	printf("SIGALRM blocked: nanosleep %d, slept the whole 100 ms %s, handler %d\n", r, el >= 90 ? "yes" : "no", handled);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
	printf("  after unblocking: handler %d\n", handled);

	/* Stopped and continued while sleeping: the sleep goes on (restart_syscall). */
	int p[2];
	pipe(p);
	pid_t c = xfork();
	if (c == 0) {
		struct timespec half = { 0, 400 * 1000 * 1000 };
		long long s0 = now_ms();
		int rr = nanosleep(&half, NULL);
		long long e = now_ms() - s0;
		char out = (char)(rr == 0 && e >= 390 ? 'y' : 'n');
		write(p[1], &out, 1);
		_exit(0);
	}
	struct timespec d = { 0, 50 * 1000 * 1000 };
	nanosleep(&d, NULL);
	kill(c, SIGSTOP);
	int st;
	waitpid(c, &st, WUNTRACED);
	nanosleep(&d, NULL);
	kill(c, SIGCONT);
	char got = '?';
	read(p[0], &got, 1);
	printf("a child stopped and continued in nanosleep: completed the whole sleep %s\n", got == 'y' ? "yes" : "no");
	xwait(c);
	return 0;
}
