/* SA_RESTART: a read blocked on an empty pipe is interrupted by SIGALRM
 * (from setitimer). Without SA_RESTART read fails with EINTR; with it the
 * read is restarted and returns the byte the handler wrote. The same for
 * wait4, and for a write blocked on a full pipe (which returns the partial
 * count, restart or not, once it has written something). */
#include "proc.h"
#include <fcntl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static int p[2];
static volatile int handled;

static void handler(int sig)
{
	(void)sig;
	handled++;
	char b = 'h';
	write(p[1], &b, 1); /* data for a restarted read */
}

static void quiet(int sig) { (void)sig; handled++; }

static void arm(int ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
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

int main(void)
{
	pipe(p);
	char b = 0;

	set(handler, 0);
	handled = 0;
	arm(50);
	ssize_t r = read(p[0], &b, 1);
	printf("read without SA_RESTART: %s, handler ran %d\n", r < 0 ? errname(errno) : "returned data", handled);
	r = read(p[0], &b, 1); /* the handler's byte is still there */
	printf("  the byte stayed in the pipe: %zd '%c'\n", r, b);

	set(handler, SA_RESTART);
	handled = 0;
	arm(50);
	b = 0;
	r = read(p[0], &b, 1);
	printf("read with SA_RESTART: %zd '%c', handler ran %d\n", r, b, handled);

	/* A blocking wait4 behaves the same way. */
	pid_t c = xfork();
	if (c == 0) {
		struct timespec t = { 0, 200 * 1000 * 1000 };
		nanosleep(&t, NULL);
		_exit(4);
	}
	set(quiet, 0);
	handled = 0;
	arm(50);
	int st;
	pid_t w = wait4(c, &st, 0, NULL);
	printf("wait4 without SA_RESTART: %s, handler ran %d\n", w < 0 ? errname(errno) : "returned", handled);
	set(quiet, SA_RESTART);
	handled = 0;
	arm(50);
	w = wait4(c, &st, 0, NULL);
	printf("wait4 with SA_RESTART: %s, %s, handler ran %d\n", w == c ? "the child" : errname(errno), wstatus(st), handled);

	/* A write into a full pipe: interrupted before writing anything -> EINTR;
	 * after writing part of it -> the partial count (with or without restart). */
	int q[2];
	pipe(q);
	fcntl(q[1], F_SETFL, O_NONBLOCK);
	char *buf = malloc(1 << 20);
	memset(buf, 'x', 1 << 20);
	ssize_t filled = 0, n;
	while ((n = write(q[1], buf, 4096)) > 0)
		filled += n;
	fcntl(q[1], F_SETFL, 0);
	set(quiet, 0);
	arm(50);
	r = write(q[1], buf, 100);
	printf("write to a full pipe without SA_RESTART: %s\n", r < 0 ? errname(errno) : "wrote");
	set(quiet, SA_RESTART);
	c = xfork();
	if (c == 0) {
		/* Drain 8 KiB after a while, then stop reading. */
		close(q[1]);
		struct timespec t = { 0, 30 * 1000 * 1000 };
		nanosleep(&t, NULL);
		static char sink[8192];
		ssize_t got = 0;
		while (got < 8192) {
			ssize_t k = read(q[0], sink, 8192 - got);
			if (k <= 0)
				break;
			got += k;
		}
		struct timespec l = { 1, 0 };
		nanosleep(&l, NULL);
		_exit(0);
	}
	arm(300);
	r = write(q[1], buf, 1 << 20);
	printf("1 MiB write to a full pipe, 8 KiB drained, then SIGALRM (SA_RESTART): %s\n",
	       r > 0 && r < (1 << 20) ? "partial count" : r < 0 ? errname(errno) : "all");
	kill(c, SIGKILL);
	xwait(c);
	(void)filled;
	return 0;
}
