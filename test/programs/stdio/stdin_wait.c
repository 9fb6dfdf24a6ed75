/* Waits for its stdin with poll, ppoll, select, pselect6 or epoll (argv[1]:
 * poll, ppoll, select, pselect, epoll, epoll_et) while a child spins without
 * a system call, and prints what each wait saw. Driven by
 * test/stdin_wait.test.ts, which writes to the program's stdin only when told
 * (a pipe or a socket, natively and in the sandbox; the outputs must match):
 *
 *   T ...    a wait of 300 ms before any input: nothing ready
 *   W1       then the test writes "hello\n"; a wait without timeout: R1, D1
 *   D1 ...   then the test writes "more\n": R2, D2
 *   D2 ...   then the test ends the input: R3 (the hangup), and E (the end)
 *
 * The spinner (a busy loop until the end, shared memory, no system call) keeps
 * a task runnable all along: under tsvisor the wait must still wake. epoll_et
 * reads with O_NONBLOCK until EAGAIN and must be woken again by new input. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *mode;
static int ep = -1;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char b[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (write(1, b, n) != n) _exit(3);
}

/* One wait for stdin to be readable; ms < 0: no timeout. Prints "TAG n=N ev=0xE". */
static void wait_in(const char *tag, int ms)
{
	int n;
	unsigned ev = 0;
	if (!strcmp(mode, "poll") || !strcmp(mode, "ppoll")) {
		struct pollfd p = { 0, POLLIN, 0 };
		if (!strcmp(mode, "poll")) {
			n = poll(&p, 1, ms);
		} else {
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			n = ppoll(&p, 1, ms < 0 ? NULL : &ts, NULL);
		}
		ev = p.revents;
	} else if (!strcmp(mode, "select") || !strcmp(mode, "pselect")) {
		fd_set r, x;
		FD_ZERO(&r); FD_SET(0, &r);
		FD_ZERO(&x); FD_SET(0, &x);
		if (!strcmp(mode, "select")) {
			struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
			n = select(1, &r, NULL, &x, ms < 0 ? NULL : &tv);
		} else {
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			n = pselect(1, &r, NULL, &x, ms < 0 ? NULL : &ts, NULL);
		}
		ev = (n > 0 && FD_ISSET(0, &r) ? 1 : 0) | (n > 0 && FD_ISSET(0, &x) ? 2 : 0);
	} else {
		struct epoll_event e = { 0, { 0 } };
		n = epoll_wait(ep, &e, 1, ms);
		ev = n > 0 ? e.events : 0;
		if (n > 0 && e.data.u64 != 0x1234567890ULL) say("bad data %llx\n", (unsigned long long)e.data.u64);
	}
	if (n < 0) say("%s error %s\n", tag, strerror(errno));
	else say("%s n=%d ev=0x%x\n", tag, n, ev);
}

/* Reads what is there (epoll_et: until EAGAIN); prints "TAG <bytes>" or "TAG end". */
static void read_in(const char *tag)
{
	char b[128];
	size_t got = 0;
	for (;;) {
		ssize_t r = read(0, b + got, sizeof b - 1 - got);
		if (r < 0 && errno == EAGAIN) {
			if (got == 0) say("%s EAGAIN first\n", tag);
			break;
		}
		if (r < 0) { say("%s error %s\n", tag, strerror(errno)); return; }
		if (r == 0) break;
		got += r;
		if (strcmp(mode, "epoll_et") || got == sizeof b - 1) break;
	}
	b[got] = 0;
	if (got > 0 && b[got - 1] == '\n') b[got - 1] = 0;
	say("%s %s\n", tag, got ? b : "end");
}

int main(int argc, char **argv)
{
	if (argc != 2) { fprintf(stderr, "usage: stdin_wait poll|ppoll|select|pselect|epoll|epoll_et\n"); return 2; }
	mode = argv[1];
	if (!strncmp(mode, "epoll", 5)) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		struct epoll_event e = { EPOLLIN, { .u64 = 0x1234567890ULL } };
		if (!strcmp(mode, "epoll_et")) {
			e.events |= EPOLLET;
			if (fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK) < 0) { perror("F_SETFL"); return 1; }
		}
		if (epoll_ctl(ep, EPOLL_CTL_ADD, 0, &e) < 0) { perror("epoll_ctl"); return 1; }
	}
	volatile int *stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED) { perror("mmap"); return 1; }
	pid_t spinner = fork();
	if (spinner == 0) {
		while (!*stop) __asm__ volatile("" ::: "memory");
		_exit(0);
	}
	wait_in("T", 300);
	say("W1\n");
	wait_in("R1", -1);
	read_in("D1");
	wait_in("R2", -1);
	read_in("D2");
	wait_in("R3", -1);
	read_in("E");
	*stop = 1;
	int st;
	if (waitpid(spinner, &st, 0) != spinner || st != 0) say("spinner status %d\n", st);
	return 0;
}
