/* select and pselect6 over pipes and files: result sets, counts (one per
 * ready bit), EBADF for a closed fd in a set, timeouts and the time left
 * written back, invalid timeouts, the sigmask argument. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

static void sets(const char *what, int r, fd_set *in, fd_set *out, int n)
{
	printf("%s: %d", what, r);
	if (r < 0) printf(" %s", errname(errno));
	printf(" in:");
	for (int i = 0; i < n; i++) if (in && FD_ISSET(i, in)) printf(" %d", i);
	printf(" out:");
	for (int i = 0; i < n; i++) if (out && FD_ISSET(i, out)) printf(" %d", i);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	int p[2];
	pipe(p);
	/* Work with fds 10.. so the numbers are the same everywhere. */
	dup2(p[0], 10);
	dup2(p[1], 11);
	close(p[0]);
	close(p[1]);
	int reg = open(path(dir, "passwd"), O_RDONLY);
	dup2(reg, 12);
	close(reg);

	fd_set in, out;
	struct timeval tv = { 0, 0 };
	FD_ZERO(&in); FD_ZERO(&out);
	FD_SET(10, &in); FD_SET(11, &in); FD_SET(12, &in);
	FD_SET(10, &out); FD_SET(11, &out); FD_SET(12, &out);
	sets("empty pipe and a file", select(13, &in, &out, NULL, &tv), &in, &out, 13);

	write(11, "x", 1);
	FD_ZERO(&in); FD_ZERO(&out);
	FD_SET(10, &in); FD_SET(11, &out);
	sets("one byte", select(12, &in, &out, NULL, &tv), &in, &out, 12);

	/* nfds cuts the sets: fd 12 is not looked at. */
	FD_ZERO(&in);
	FD_SET(12, &in);
	sets("nfds below the fd", select(12, &in, NULL, NULL, &tv), &in, NULL, 13);

	/* A closed fd in a set: EBADF. */
	FD_ZERO(&in);
	FD_SET(10, &in); FD_SET(20, &in);
	sets("closed fd", select(21, &in, NULL, NULL, &tv), NULL, NULL, 0);
	sets("negative nfds", select(-1, NULL, NULL, NULL, &tv), NULL, NULL, 0);

	/* Exceptional conditions: none for pipes. */
	fd_set ex;
	FD_ZERO(&ex);
	FD_SET(10, &ex);
	sets("except set", select(11, NULL, NULL, &ex, &tv), &ex, NULL, 11);

	/* Timeout with nothing ready; the time left is written back (0). */
	char c;
	read(10, &c, 1);
	FD_ZERO(&in);
	FD_SET(10, &in);
	tv.tv_sec = 0;
	tv.tv_usec = 30000;
	sets("timeout 30 ms", select(11, &in, NULL, NULL, &tv), &in, NULL, 11);
	fact("time left is 0", tv.tv_sec == 0 && tv.tv_usec == 0);

	/* Ready at once: most of the time is left. */
	write(11, "y", 1);
	FD_ZERO(&in);
	FD_SET(10, &in);
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	sets("ready with 5 s", select(11, &in, NULL, NULL, &tv), &in, NULL, 11);
	fact("time left between 3 and 5 s", tv.tv_sec >= 3 && tv.tv_sec <= 5);

	/* Microseconds beyond a second are folded in; negative ones are invalid. */
	tv.tv_sec = 0;
	tv.tv_usec = 1500000;
	sets("usec 1500000", syscall(SYS_select, 11, &in, NULL, NULL, &tv), &in, NULL, 11);
	tv.tv_usec = -1;
	sets("usec -1", syscall(SYS_select, 11, &in, NULL, NULL, &tv), NULL, NULL, 0);
	tv.tv_sec = -1;
	tv.tv_usec = 0;
	sets("sec -1", syscall(SYS_select, 11, &in, NULL, NULL, &tv), NULL, NULL, 0);
	sets("timeval EFAULT", syscall(SYS_select, 11, &in, NULL, NULL, (void *)8), NULL, NULL, 0);

	/* The write end closed: the read end is readable (EOF). */
	read(10, &c, 1);
	close(11);
	FD_ZERO(&in);
	FD_SET(10, &in);
	sets("writer closed", select(11, &in, NULL, NULL, NULL), &in, NULL, 11);

	/* pselect6: timespec, and a mask (struct of pointer and size). */
	pipe(p);
	dup2(p[0], 13);
	dup2(p[1], 14);
	close(p[0]);
	close(p[1]);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	struct timespec ts = { 0, 10000000 };
	FD_ZERO(&in);
	FD_SET(13, &in);
	sets("pselect 10 ms", pselect(14, &in, NULL, NULL, &ts, &mask), &in, NULL, 14);
	struct { const sigset_t *ss; size_t len; } pack = { &mask, 4 };
	FD_SET(13, &in);
	ts.tv_nsec = 0;
	sets("pselect6 bad sigset size", syscall(SYS_pselect6, 14, &in, NULL, NULL, &ts, &pack), NULL, NULL, 0);
	pack.len = 8;
	ts.tv_nsec = 2000000000;
	sets("pselect6 bad timespec", syscall(SYS_pselect6, 14, &in, NULL, NULL, &ts, &pack), NULL, NULL, 0);
	ts.tv_nsec = 5000000;
	sets("pselect6 raw 5 ms", syscall(SYS_pselect6, 14, &in, NULL, NULL, &ts, &pack), &in, NULL, 14);
	fact("pselect6 time left is 0", ts.tv_sec == 0 && ts.tv_nsec == 0);
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	fact("mask restored after pselect", !sigismember(&now, SIGUSR1));
	sets("pselect6 pack EFAULT", syscall(SYS_pselect6, 14, &in, NULL, NULL, &ts, (void *)8), NULL, NULL, 0);

	/* fds above the table size are ignored, not EBADF. */
	static fd_set bigset[2];
	FD_SET(13, &bigset[0]);
	write(14, "z", 1);
	sets("huge nfds, bits only on open fds", select(1000, &bigset[0], NULL, NULL, NULL), &bigset[0], NULL, 20);
	return 0;
}
