/* Fork until it fails, under a task limit (tsvisor --max-tasks natively: a
 * pids cgroup; see test/limits.test.ts). Only run contained: it refuses
 * to start without --contained. A linear bomb (one process forks children
 * that wait) expects EAGAIN, then every child exits; an exponential bomb
 * (every process forks until it fails) is killed as a process group and
 * every member reaped; afterwards fork works again. */
#include "proc.h"
#include <sys/prctl.h>
#include <time.h>

#define SAFETY 20000

static void ms(int n)
{
	struct timespec t = { n / 1000, (n % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

static int linear(void)
{
	int hold[2];
	pipe(hold);
	int n = 0, err = 0;
	while (n < SAFETY) {
		pid_t c = fork();
		if (c == 0) {
			close(hold[1]);
			char b;
			read(hold[0], &b, 1);
			_exit(0);
		}
		if (c < 0) {
			err = errno;
			break;
		}
		n++;
	}
	if (err)
		printf("linear: hit limit: fork failed with %s\n", errname(err));
	else
		printf("linear: no limit hit after %d forks\n", n);
	printf("linear: forked more than 10: %s\n", n > 10 ? "yes" : "no");
	close(hold[1]);
	int reaped = 0, st, clean = 0;
	while (wait(&st) > 0) {
		reaped++;
		clean += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("linear: all children exited cleanly: %s\n", reaped == n && clean == n ? "yes" : "no");
	return 0;
}

static int exponential(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* orphans come back to us */
	int ready[2];
	pipe(ready);
	pid_t b = fork();
	if (b == 0) {
		setpgid(0, 0);
		close(ready[0]);
		int forks = 0;
		for (;;) {
			pid_t c = forks < 64 ? fork() : -1;
			if (c < 0)
				break;
			if (c == 0) {
				forks = 0; /* the child goes on forking too */
				continue;
			}
			forks++;
		}
		write(ready[1], "x", 1); /* this one is full */
		for (;;)
			pause();
	}
	setpgid(b, b);
	close(ready[1]);
	char x;
	read(ready[0], &x, 1); /* at least one process has hit the limit */
	ms(200);
	int rounds = 0;
	while (kill(-b, SIGKILL) == 0 && rounds < 1000) {
		int st;
		while (waitpid(-1, &st, WNOHANG) > 0)
			;
		ms(10);
		rounds++;
	}
	int st, left = 0;
	while (waitpid(-1, &st, 0) > 0)
		left += !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	printf("exponential: killed as a group and every member reaped: %s\n", left == 0 && errno == ECHILD ? "yes" : "no");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--contained") != 0) {
		fprintf(stderr, "%s: a fork bomb; run it only under a task limit, with --contained\n", argv[0]);
		return 2;
	}
	pid_t c = xfork();
	if (c == 0) {
		int r = linear();
		flush();
		_exit(r);
	}
	printf("linear bomb: %s\n", wstatus(xwait(c)));
	c = xfork();
	if (c == 0) {
		int r = exponential();
		flush();
		_exit(r);
	}
	printf("exponential bomb: %s\n", wstatus(xwait(c)));
	c = fork();
	if (c == 0)
		_exit(0);
	printf("fork works again: %s\n", c > 0 ? "yes" : errname(errno));
	if (c > 0)
		xwait(c);
	return 0;
}
