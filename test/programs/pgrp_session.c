/* Process groups and sessions: setpgid/getpgid/getpgrp/setsid/getsid rules
 * and errors, kill() of a process group. Everything happens in a child
 * that first makes its own session, so nothing depends on the session pid 1
 * started in (natively it belongs to the host; in the sandbox it is 1). */
#include "proc.h"
#include <fcntl.h>
#include <termios.h>

static char *self;

static int wait_mode(int fd)
{
	/* Exec'd: tell the parent, then wait for its word (EOF) and exit. */
	char b = 1;
	write(fd, &b, 1);
	read(0, &b, 1);
	return 0;
}

static int session_child(void)
{
	pid_t me = getpid();
	fact("child: in its parent's process group", getpgrp() == getpgid(getppid()));
	fact("child: getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
	pid_t s = setsid();
	fact("setsid returns the new session id, our pid", s == me);
	fact("getsid(0) is our pid", getsid(0) == me);
	fact("getpgrp() is our pid", getpgrp() == me);
	check("setsid again (already a group leader)", setsid());
	check("setpgid(0, 0) of a session leader", setpgid(0, 0));
	check("getpgid of a missing pid", getpgid(99999));
	check("getsid of a missing pid", getsid(99999));
	check("setpgid of a missing pid", setpgid(99999, 0));
	check("setpgid with a negative pgid", setpgid(0, -1));
	check("setpgid of our parent (not our child)", setpgid(getppid(), 0));
	check("tcgetpgrp on a pipe", tcgetpgrp(1));

	int p[2], q[2];
	pipe(p);
	pipe(q);
	pid_t g = xfork();
	if (g == 0) {
		pid_t gm = getpid();
		fact("grandchild: in the session", getsid(0) == me);
		fact("grandchild: in the leader's group", getpgrp() == me);
		check("grandchild: setpgid(0, 0)", setpgid(0, 0));
		fact("grandchild: now leads its own group", getpgrp() == gm);
		check("grandchild: setpgid back into the leader's group", setpgid(0, me));
		fact("grandchild: back in the leader's group", getpgrp() == me);
		check("grandchild: setpgid into a group that does not exist", setpgid(0, 99999));
		fact("grandchild: setsid (not a group leader) makes a session", setsid() == gm);
		check("grandchild: setpgid into a group of another session", setpgid(0, me));
		flush();
		char b = 1;
		write(p[1], &b, 1);
		read(q[0], &b, 1); /* wait until the parent has tried */
		_exit(0);
	}
	char b;
	read(p[0], &b, 1);
	fact("getsid of a child in another session is its pid", getsid(g) == g);
	check("setpgid of a child in another session", setpgid(g, g));
	flush();
	write(q[1], &b, 1);
	printf("grandchild: %s\n", wstatus(xwait(g)));

	/* A child that has exec'd cannot be moved: EACCES. */
	int ready[2], hold[2];
	pipe(ready);
	pipe(hold);
	g = xfork();
	if (g == 0) {
		dup2(hold[0], 0);
		close(hold[1]);
		char fd[8];
		snprintf(fd, sizeof fd, "%d", ready[1]);
		char *args[] = { self, "wait", fd, NULL };
		execve(self, args, (char *[]){ NULL });
		_exit(127);
	}
	close(hold[0]);
	close(ready[1]);
	read(ready[0], &b, 1);
	check("setpgid of a child after its execve", setpgid(g, g));
	close(hold[1]);
	printf("exec'd child: %s\n", wstatus(xwait(g)));

	/* kill(-pgid) reaches every member of the group. */
	pid_t k1 = xfork();
	if (k1 == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(k1, k1);
	pid_t k2 = xfork();
	if (k2 == 0) {
		setpgid(0, k1);
		pause();
		_exit(0);
	}
	setpgid(k2, k1);
	check("kill(-pgid, SIGTERM)", kill(-k1, SIGTERM));
	printf("group member 1: %s\n", wstatus(xwait(k1)));
	printf("group member 2: %s\n", wstatus(xwait(k2)));
	check("kill of a group that no longer exists", kill(-k1, SIGTERM));
	check("kill(0, 0) (our own group)", kill(0, 0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "wait") == 0)
		return wait_mode(atoi(argv[2]));
	self = argv[0];
	fact("pid 1: getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
	fact("pid 1: getsid(0) == getsid(getpid())", getsid(0) == getsid(getpid()));
	pid_t c = xfork();
	if (c == 0) {
		int r = session_child();
		flush();
		_exit(r);
	}
	printf("session child: %s\n", wstatus(xwait(c)));
	return 0;
}
