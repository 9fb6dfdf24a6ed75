/* Blocking pipe, eventfd, poll, select, epoll and timerfd calls ended by a
 * signal: EINTR without SA_RESTART, a restart with it (poll/select/epoll are
 * never restarted after a handler), a partial count for a write that had
 * moved bytes, and the masks of ppoll/pselect6/epoll_pwait. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>

static volatile int hits;
static int wfd = -1, rfd = -1;
static char drain[4096];

static void on_alarm(int sig)
{
	(void)sig;
	hits++;
	if (wfd >= 0) write(wfd, "!", 1);
	if (rfd >= 0) read(rfd, drain, sizeof drain);
}

static void handler(int restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
}

static void arm(int ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void result(const char *what, long r)
{
	if (r < 0) printf("%s: -1 %s (handler ran %d)\n", what, errname(errno), hits);
	else printf("%s: %ld (handler ran %d)\n", what, r, hits);
	hits = 0;
}

int main(void)
{
	int p[2];
	char buf[16];
	pipe(p);

	handler(0);
	arm(20);
	result("read, no SA_RESTART", read(p[0], buf, sizeof buf));

	/* With SA_RESTART the read starts again and gets what the handler wrote. */
	handler(1);
	wfd = p[1];
	arm(20);
	result("read, SA_RESTART", read(p[0], buf, sizeof buf));
	wfd = -1;

	/* A write that moved bytes before the signal returns the count. */
	static char big[1 << 20];
	handler(0);
	arm(30);
	result("1 MiB write into an unread pipe", write(p[1], big, sizeof big));
	/* The pipe is full: a write blocks; with SA_RESTART it starts again after the handler made room. */
	handler(1);
	rfd = p[0];
	arm(20);
	result("write into a full pipe, SA_RESTART", write(p[1], big, 10));
	rfd = -1;
	close(p[0]);
	close(p[1]);

	/* poll, select, epoll_wait: EINTR even with SA_RESTART. */
	pipe(p);
	struct pollfd f = { p[0], POLLIN, 0 };
	handler(1);
	arm(20);
	result("poll, SA_RESTART", poll(&f, 1, -1));
	arm(20);
	result("poll with a timeout, SA_RESTART", poll(&f, 1, 5000));
	fd_set in;
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	arm(20);
	result("select, SA_RESTART", select(p[0] + 1, &in, NULL, NULL, NULL));
	int ep = epoll_create1(0);
	struct epoll_event e = { .events = EPOLLIN };
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
	arm(20);
	result("epoll_wait, SA_RESTART", epoll_wait(ep, &e, 1, -1));
	int ev = eventfd(0, 0);
	uint64_t v;
	handler(0);
	arm(20);
	result("eventfd read", read(ev, &v, 8));
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	arm(20);
	result("timerfd read (disarmed)", read(tfd, &v, 8));

	/* The masks: SIGALRM blocked outside, let through only during the wait. */
	sigset_t block, open_;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&open_);
	arm(20);
	result("ppoll letting SIGALRM through", ppoll(&f, 1, NULL, &open_));
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	fact("SIGALRM blocked again after ppoll", sigismember(&now, SIGALRM));
	arm(20);
	result("pselect letting SIGALRM through", pselect(p[0] + 1, &in, NULL, NULL, NULL, &open_));
	arm(20);
	result("epoll_pwait letting SIGALRM through", epoll_pwait(ep, &e, 1, -1, &open_));
	sigprocmask(SIG_SETMASK, NULL, &now);
	fact("SIGALRM blocked again after epoll_pwait", sigismember(&now, SIGALRM));

	/* Already pending and blocked: the mask lets it in at once. */
	raise(SIGALRM);
	result("ppoll with SIGALRM already pending", ppoll(&f, 1, NULL, &open_));

	/* Blocked during the wait: the call times out, the signal stays pending. */
	arm(10);
	struct timespec ts = { 0, 300 * 1000000 };
	result("ppoll keeping SIGALRM blocked", ppoll(&f, 1, &ts, &block));
	sigset_t pend;
	sigpending(&pend);
	fact("SIGALRM pending", sigismember(&pend, SIGALRM));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	result("after unblocking", 0);
	return 0;
}
