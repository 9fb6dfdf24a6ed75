/* Timeouts of select, pselect6, ppoll and poll interrupted by a signal, as
 * Linux: select, pselect6 and ppoll write the time left back to their timeout
 * (also when they return normally; not for a zero timeout) and return EINTR
 * after a handler, even with SA_RESTART; poll returns EINTR too. A process
 * stopped and continued in poll or select sleeps its whole timeout (poll
 * through restart_syscall, select with the time it wrote back). */
#include "proc.h"
#include <poll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static volatile int handled;
static void on_alrm(int s) { (void)s; handled++; }

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

static void handler_flags(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
}

static const char *between(long long ms, long long lo, long long hi) { return ms > lo && ms < hi ? "yes" : "no"; }

/* The child of the stop/continue cases: waits 400 ms in poll or select on a pipe nobody writes. */
static char child_wait(int use_select)
{
	int p[2];
	pipe(p);
	long long t0 = now_ms();
	int r;
	if (use_select) {
		fd_set in;
		FD_ZERO(&in);
		FD_SET(p[0], &in);
		struct timeval tv = { 0, 400000 };
		r = select(p[0] + 1, &in, NULL, NULL, &tv);
	} else {
		struct pollfd pf = { p[0], POLLIN, 0 };
		r = poll(&pf, 1, 400);
	}
	long long el = now_ms() - t0;
	return (char)(r == 0 && el >= 390 ? 'y' : 'n');
}

static void stop_continue(const char *what, int use_select)
{
	int p[2];
	pipe(p);
	pid_t c = xfork();
	if (c == 0) {
		char r = child_wait(use_select);
		write(p[1], &r, 1);
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
	printf("%s of a stopped and continued child: waited its whole timeout and returned 0: %s\n", what,
	       got == 'y' ? "yes" : "no");
	xwait(c);
}

int main(void)
{
	int p[2];
	pipe(p);
	fd_set in;
	handler_flags(0);

	FD_ZERO(&in);
	FD_SET(p[0], &in);
	struct timeval tv = { 2, 0 };
	arm(50);
	int r = select(p[0] + 1, &in, NULL, NULL, &tv);
	printf("select 2 s, SIGALRM after 50 ms: %d %s, handler %d\n", r, errname(errno), handled);
	printf("  timeval left: between 1 s and 2 s %s, tv_usec valid %s\n",
	       between(tv.tv_sec * 1000LL + tv.tv_usec / 1000, 1000, 2000), tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? "yes" : "no");

	struct timespec ts = { 2, 0 };
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	arm(50);
	r = syscall(SYS_pselect6, p[0] + 1, &in, NULL, NULL, &ts, NULL);
	printf("pselect6 2 s, interrupted: %d %s, timespec left between 1 s and 2 s %s\n", r, errname(errno),
	       between(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000, 1000, 2000));

	struct pollfd pf = { p[0], POLLIN, 0 };
	ts = (struct timespec){ 2, 0 };
	arm(50);
	r = syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8);
	printf("ppoll 2 s, interrupted: %d %s, timespec left between 1 s and 2 s %s\n", r, errname(errno),
	       between(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000, 1000, 2000));

	arm(50);
	long long t0 = now_ms();
	r = poll(&pf, 1, 2000);
	printf("poll 2 s, interrupted: %d %s, returned before 1 s %s\n", r, errname(errno), now_ms() - t0 < 1000 ? "yes" : "no");

	/* SA_RESTART does not restart them after a handler. */
	handler_flags(SA_RESTART);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	tv = (struct timeval){ 2, 0 };
	arm(50);
	r = select(p[0] + 1, &in, NULL, NULL, &tv);
	printf("with SA_RESTART: select %d %s", r, errname(errno));
	arm(50);
	r = poll(&pf, 1, 2000);
	printf(", poll %d %s\n", r, errname(errno));

	/* A normal return writes back too; a zero timeout stays zero. */
	write(p[1], "x", 1);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	tv = (struct timeval){ 5, 0 };
	r = select(p[0] + 1, &in, NULL, NULL, &tv);
	printf("select on a readable pipe: %d, timeval left between 4 s and 5 s (or 5 s) %s\n", r,
	       tv.tv_sec * 1000LL + tv.tv_usec / 1000 > 4000 && tv.tv_sec * 1000LL + tv.tv_usec / 1000 <= 5000 ? "yes" : "no");
	tv = (struct timeval){ 0, 0 };
	r = select(p[0] + 1, &in, NULL, NULL, &tv);
	printf("select with a zero timeout: %d, timeval still zero %s\n", r, tv.tv_sec == 0 && tv.tv_usec == 0 ? "yes" : "no");
	ts = (struct timespec){ 3, 0 };
	r = syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8);
	printf("ppoll on a readable pipe: %d, timespec left between 2 s and 3 s (or 3 s) %s\n", r,
	       ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 > 2000 && ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 <= 3000 ? "yes" : "no");

	stop_continue("poll", 0);
	stop_continue("select", 1);
	return 0;
}
