/* poll and ppoll over pipes, eventfds and regular files: readiness bits,
 * POLLNVAL, POLLHUP/POLLERR after the other end closes, negative fds,
 * timeouts, nfds limits, and ppoll's time write-back and mask checks. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, struct pollfd *f, int n, int r)
{
	printf("%s: %d", what, r);
	if (r < 0) printf(" %s", errname(errno));
	for (int i = 0; i < n; i++) printf(" [%#x]", f[i].revents);
	printf("\n");
}

static long ms_since(struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	int p[2];
	pipe(p);
	struct pollfd f[4] = {
		{ p[0], POLLIN | POLLOUT, 0 }, { p[1], POLLIN | POLLOUT, 0 }, { -1, POLLIN, 0x55 }, { 99, POLLIN, 0 },
	};
	show("empty pipe", f, 4, poll(f, 4, 0));
	write(p[1], "x", 1);
	show("one byte in", f, 4, poll(f, 4, 0));
	f[0].events = 0;
	show("no events asked", f, 4, poll(f, 4, 0));
	f[0].events = POLLIN | POLLRDNORM | POLLPRI;
	show("POLLRDNORM asked", f, 2, poll(f, 2, 0));

	/* The write end closed: the read end gets POLLHUP (with the data still there). */
	close(p[1]);
	f[1].fd = -1;
	show("writer closed, data left", f, 2, poll(f, 2, 0));
	char c;
	read(p[0], &c, 1);
	show("writer closed, empty", f, 2, poll(f, 2, 0));
	close(p[0]);

	/* The read end closed: the write end gets POLLERR (and POLLOUT). */
	pipe(p);
	close(p[0]);
	struct pollfd w = { p[1], POLLOUT, 0 };
	show("reader closed", &w, 1, poll(&w, 1, 0));
	w.events = 0;
	show("reader closed, no events asked", &w, 1, poll(&w, 1, 0));
	close(p[1]);

	/* A full pipe is not writable. */
	pipe2(p, O_NONBLOCK);
	static char big[65536];
	write(p[1], big, sizeof big);
	w.fd = p[1];
	w.events = POLLOUT;
	show("full pipe", &w, 1, poll(&w, 1, 0));
	read(p[0], big, 10);
	show("full less 10 bytes (page still used)", &w, 1, poll(&w, 1, 0));
	read(p[0], big, 4086);
	show("a page free", &w, 1, poll(&w, 1, 0));
	close(p[0]);
	close(p[1]);

	/* Regular files and eventfds. */
	int reg = open(path(dir, "passwd"), O_RDONLY);
	int ev = eventfd(0, 0);
	struct pollfd g[2] = { { reg, POLLIN | POLLOUT | POLLPRI, 0 }, { ev, POLLIN | POLLOUT, 0 } };
	show("file, eventfd 0", g, 2, poll(g, 2, 0));
	eventfd_write(ev, 3);
	show("eventfd 3", g, 2, poll(g, 2, 0));

	/* Timeouts: nothing ready. */
	pipe(p);
	struct pollfd r = { p[0], POLLIN, 0 };
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("timeout 30 ms", &r, 1, poll(&r, 1, 30));
	long el = ms_since(&t0);
	fact("waited at least 30 ms", el >= 30);
	fact("waited less than 2 s", el < 2000);
	show("no fds, 10 ms", NULL, 0, poll(NULL, 0, 10));

	/* ppoll: timespec, the time left is written back; invalid timespecs. */
	struct timespec ts = { 0, 20 * 1000000 };
	show("ppoll 20 ms", &r, 1, syscall(SYS_ppoll, &r, 1, &ts, NULL, 8));
	fact("ppoll left time 0", ts.tv_sec == 0 && ts.tv_nsec == 0);
	write(p[1], "y", 1);
	ts.tv_sec = 5;
	ts.tv_nsec = 0;
	show("ppoll ready at once", &r, 1, syscall(SYS_ppoll, &r, 1, &ts, NULL, 8));
	fact("ppoll left most of 5 s", ts.tv_sec >= 3 && ts.tv_sec <= 5);
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	show("ppoll nsec too big", &r, 1, ppoll(&r, 1, &ts, NULL));
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	show("ppoll negative", &r, 1, ppoll(&r, 1, &ts, NULL));
	sigset_t set;
	sigemptyset(&set);
	ts.tv_sec = 0;
	show("ppoll bad sigsetsize", &r, 1, syscall(SYS_ppoll, &r, 1, &ts, &set, 4));
	show("ppoll with a mask", &r, 1, ppoll(&r, 1, &ts, &set));
	show("ppoll EFAULT timespec", &r, 1, syscall(SYS_ppoll, &r, 1, (void *)8, NULL, 8));
	show("poll EFAULT fds", NULL, 0, syscall(SYS_poll, (void *)8, 1, 0));

	/* nfds above RLIMIT_NOFILE is EINVAL. */
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	show("nfds > RLIMIT_NOFILE", NULL, 0, poll(&r, rl.rlim_cur + 1, 0));
	return 0;
}
