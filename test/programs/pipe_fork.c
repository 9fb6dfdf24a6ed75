/* Pipes between processes: a blocking 1 MiB write into a 64 KiB pipe that a
 * child drains, EOF when the last writer (in both processes) closes, a child
 * killed by SIGPIPE, and a reader blocked until a writer shows up. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (1 << 20)
static unsigned char buf[TOTAL];

static void status(const char *what, int st)
{
	if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st)) printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else printf("%s: status %#x\n", what, st);
}

int main(void)
{
	int p[2];
	for (int i = 0; i < TOTAL; i++) buf[i] = (unsigned char)(i * 13 + (i >> 12));
	unsigned want = fnv1a(buf, TOTAL);

	/* The child reads everything; the parent's single write blocks many times. */
	pipe(p);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		close(p[1]);
		static unsigned char in[TOTAL];
		long n = 0;
		ssize_t r;
		while ((r = read(p[0], in + n, 3000)) > 0) n += r;
		printf("child read %ld bytes, checksum ok: %s, last read: %zd\n", n,
		       fnv1a(in, n) == want ? "yes" : "no", r);
		fflush(stdout);
		_exit(0);
	}
	close(p[0]);
	checkval("parent blocking write of 1 MiB", write(p[1], buf, TOTAL));
	close(p[1]);
	int st;
	waitpid(c, &st, 0);
	status("reader", st);

	/* A child writing into a pipe nobody reads dies of SIGPIPE (default action). */
	pipe(p);
	close(p[0]);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	close(p[1]);
	waitpid(c, &st, 0);
	status("writer without readers", st);

	/* With SIGPIPE ignored the child sees EPIPE instead. */
	pipe(p);
	close(p[0]);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		signal(SIGPIPE, SIG_IGN);
		ssize_t w = write(p[1], "x", 1);
		printf("child write: %zd %s\n", w, errname(errno));
		fflush(stdout);
		_exit(3);
	}
	close(p[1]);
	waitpid(c, &st, 0);
	status("writer ignoring SIGPIPE", st);

	/* A parent reading blocks until the child writes, then sees EOF when it exits. */
	pipe(p);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		close(p[0]);
		usleep(20000);
		write(p[1], "late", 4);
		_exit(0);
	}
	close(p[1]);
	char r[8] = { 0 };
	checkval("blocking read", read(p[0], r, sizeof r));
	printf("got: %s\n", r);
	checkval("read after the child exits", read(p[0], r, sizeof r));
	waitpid(c, &st, 0);
	status("late writer", st);
	return 0;
}
