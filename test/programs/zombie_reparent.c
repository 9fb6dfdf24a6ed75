/* Orphans and zombies. The program runs as pid 1 (natively in a new pid
 * namespace, like the sandbox's first process): orphaned grandchildren are
 * reparented to it and it reaps them. A child-subreaper (PR_SET_CHILD_SUBREAPER)
 * gets its orphaned descendants instead. A zombie stays signalable until
 * it is reaped. */
#include "proc.h"
#include <sys/prctl.h>
#include <time.h>

static void sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* Waits up to 10 s for getppid() to stop being `old`. */
static pid_t new_parent(pid_t old)
{
	for (int i = 0; i < 2000 && getppid() == old; i++)
		sleep_ms(5);
	return getppid();
}

static void send_pid(int fd, pid_t pid) { write(fd, &pid, sizeof pid); }
static pid_t recv_pid(int fd)
{
	pid_t pid = -1;
	read(fd, &pid, sizeof pid);
	return pid;
}

int main(void)
{
	printf("we are pid 1: %s\n", getpid() == 1 ? "yes" : "no");
	printf("our parent is outside our pid namespace (getppid 0): %s\n", getppid() == 0 ? "yes" : "no");

	/* A grandchild whose parent exits is reparented to us. */
	int p[2];
	pipe(p);
	pid_t a = xfork();
	if (a == 0) {
		pid_t b = xfork();
		if (b == 0) {
			pid_t np = new_parent(getppid() == 1 ? 0 : getppid());
			printf("grandchild: reparented to pid 1: %s\n", np == 1 ? "yes" : "no");
			flush();
			_exit(33);
		}
		send_pid(p[1], b);
		_exit(0);
	}
	pid_t b = recv_pid(p[0]);
	printf("child: %s\n", wstatus(xwait(a)));
	printf("reaped the reparented grandchild: %s\n", wstatus(xwait(b)));

	/* A zombie orphan: B has already exited when A exits without waiting. */
	a = xfork();
	if (a == 0) {
		pid_t b = xfork();
		if (b == 0)
			_exit(44);
		sleep_ms(50);
		printf("zombie child: kill(pid, 0) %s\n", kill(b, 0) == 0 ? "ok" : errname(errno));
		flush();
		send_pid(p[1], b);
		_exit(0);
	}
	b = recv_pid(p[0]);
	xwait(a);
	printf("reaped the orphaned zombie: %s\n", wstatus(xwait(b)));
	printf("after reaping: kill(pid, 0) %s\n", kill(b, 0) == 0 ? "ok" : errname(errno));

	/* A zombie child of ours. */
	a = xfork();
	if (a == 0)
		_exit(1);
	siginfo_t si;
	waitid(P_PID, a, &si, WEXITED | WNOWAIT);
	printf("our zombie child: kill(pid, 0) %s, getpgid %s\n", kill(a, 0) == 0 ? "ok" : errname(errno),
	       getpgid(a) >= 0 ? "ok" : errname(errno));
	xwait(a);
	printf("reaped: kill(pid, 0) %s, getpgid %s\n", kill(a, 0) == 0 ? "ok" : errname(errno),
	       getpgid(a) >= 0 ? "ok" : errname(errno));

	/* A subreaper collects its orphaned descendants. */
	a = xfork();
	if (a == 0) {
		int on = -1;
		prctl(PR_GET_CHILD_SUBREAPER, &on);
		printf("subreaper: PR_GET_CHILD_SUBREAPER before %d\n", on);
		printf("subreaper: PR_SET_CHILD_SUBREAPER %s\n",
		       prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? "ok" : errname(errno));
		prctl(PR_GET_CHILD_SUBREAPER, &on);
		printf("subreaper: PR_GET_CHILD_SUBREAPER after %d\n", on);
		pid_t sub = getpid();
		int q[2];
		pipe(q);
		pid_t b = xfork();
		if (b == 0) {
			pid_t c = xfork();
			if (c == 0) {
				pid_t np = new_parent(getppid());
				printf("great-grandchild: reparented to the subreaper: %s\n", np == sub ? "yes" : "no");
				flush();
				_exit(55);
			}
			send_pid(q[1], c);
			_exit(0);
		}
		pid_t c = recv_pid(q[0]);
		printf("subreaper: its child %s\n", wstatus(xwait(b)));
		printf("subreaper: reaped the orphan: %s\n", wstatus(xwait(c)));
		flush();
		_exit(0);
	}
	printf("subreaper child: %s\n", wstatus(xwait(a)));
	check("nothing left to wait for", wait(NULL));
	return 0;
}
