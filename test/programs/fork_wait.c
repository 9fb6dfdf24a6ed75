/* fork and the wait family: exit codes, wait4/waitpid with WNOHANG,
 * waitid with WEXITED and WNOWAIT, process-group waits, ECHILD. */
#include "proc.h"
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(void)
{
	pid_t self = getpid();

	/* fork returns 0 in the child; the child's parent is us. */
	int p[2];
	check("pipe", pipe(p));
	pid_t c = xfork();
	if (c == 0) {
		char ok = getppid() == self ? 'y' : 'n';
		write(p[1], &ok, 1);
		_exit(0);
	}
	char ok = '?';
	read(p[0], &ok, 1);
	fact("fork returned a positive pid in the parent", c > 0);
	fact("child's getppid() is the parent", ok == 'y');
	fact("child's pid differs from the parent's", c != self);
	printf("child: %s\n", wstatus(xwait(c)));

	/* Exit codes, waited for by pid in the order of creation. */
	pid_t kids[6];
	int codes[6] = { 0, 1, 42, 127, 255, 256 + 5 };
	for (int i = 0; i < 6; i++) {
		kids[i] = xfork();
		if (kids[i] == 0)
			_exit(codes[i]);
	}
	for (int i = 5; i >= 0; i--)
		printf("exit(%d): %s\n", codes[i], wstatus(xwait(kids[i])));
	/* The same with exit() from a child that has buffered output. */
	c = xfork();
	if (c == 0) {
		printf("buffered output of a child, flushed by exit\n");
		exit(9);
	}
	printf("exit(9) after printf: %s\n", wstatus(xwait(c)));

	/* WNOHANG on a live child gives 0; it blocks until the child exits. */
	check("pipe", pipe(p));
	c = xfork();
	if (c == 0) {
		close(p[1]);
		char b;
		ssize_t n = read(p[0], &b, 1);
		_exit(n == 1 ? b : 99);
	}
	close(p[0]);
	int st = 0;
	checkval("waitpid WNOHANG on a running child", waitpid(c, &st, WNOHANG));
	struct rusage ru;
	memset(&ru, 0xff, sizeof ru);
	checkval("wait4 WNOHANG on a running child", wait4(c, &st, WNOHANG, &ru));
	write(p[1], "\x11", 1);
	close(p[1]);
	pid_t r = wait4(c, &st, 0, &ru);
	fact("wait4 returned the child's pid", r == c);
	printf("wait4: %s\n", wstatus(st));
	fact("wait4 filled the rusage (ru_utime.tv_usec in range)", ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);

	/* waitid: WNOWAIT leaves the child waitable. */
	c = xfork();
	if (c == 0)
		_exit(17);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	check("waitid P_PID WEXITED|WNOWAIT", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	printf("  si_signo %s si_code %s si_status %d si_pid matches %s\n", signame(si.si_signo),
	       si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status, si.si_pid == c ? "yes" : "no");
	memset(&si, 0, sizeof si);
	check("waitid again (WNOWAIT kept it)", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	printf("  si_status %d\n", si.si_status);
	memset(&si, 0, sizeof si);
	check("waitid P_ALL WEXITED (reaps)", waitid(P_ALL, 0, &si, WEXITED));
	printf("  si_status %d si_pid matches %s\n", si.si_status, si.si_pid == c ? "yes" : "no");
	checkval("waitpid after waitid reaped it", waitpid(c, &st, 0));

	/* waitid WNOHANG with nothing to report: 0 and si_pid 0. */
	check("pipe", pipe(p));
	c = xfork();
	if (c == 0) {
		close(p[1]);
		char b;
		read(p[0], &b, 1);
		_exit(0);
	}
	close(p[0]);
	memset(&si, 0xff, sizeof si);
	check("waitid WEXITED|WNOHANG on a running child", waitid(P_PID, c, &si, WEXITED | WNOHANG));
	fact("  si_pid is 0", si.si_pid == 0);
	close(p[1]);
	printf("then: %s\n", wstatus(xwait(c)));

	/* waitpid(-1) collects every child; the order of exit is racy, so sort. */
	for (int i = 0; i < 5; i++) {
		if (xfork() == 0)
			_exit(20 + i);
	}
	int seen[5] = { 0 }, n = 0;
	while ((r = waitpid(-1, &st, 0)) > 0)
		if (WIFEXITED(st) && WEXITSTATUS(st) >= 20 && WEXITSTATUS(st) < 25)
			seen[WEXITSTATUS(st) - 20]++, n++;
	printf("waitpid(-1) collected %d children, codes 20..24 once each: %s\n", n,
	       seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1 && seen[4] == 1 ? "yes" : "no");
	printf("waitpid(-1) with no children: -1 %s\n", r < 0 ? errname(errno) : "none");

	/* Process-group waits: waitpid(0) waits for a child in our group;
	 * waitpid(-pgid) for one in that group. */
	c = xfork();
	if (c == 0)
		_exit(5);
	r = waitpid(0, &st, 0);
	printf("waitpid(0): pid matches %s, %s\n", r == c ? "yes" : "no", wstatus(st));
	c = xfork();
	if (c == 0) {
		setpgid(0, 0);
		_exit(6);
	}
	setpgid(c, c); /* either side may win the race; both ask for the same */
	r = waitpid(-c, &st, 0);
	printf("waitpid(-pgid): pid matches %s, %s\n", r == c ? "yes" : "no", wstatus(st));

	/* Errors. */
	check("wait with no children", wait(&st));
	check("waitpid of a pid that is not a child", waitpid(self + 1000, &st, 0));
	check("waitpid of ourselves", waitpid(self, &st, 0));
	check("waitpid unknown option bit", waitpid(-1, &st, 0x100));
	check("waitid no WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG));
	check("waitid bad idtype", waitid((idtype_t)42, 0, &si, WEXITED));
	check("waitid P_ALL no children", waitid(P_ALL, 0, &si, WEXITED));
	c = xfork();
	if (c == 0)
		_exit(0);
	check("wait4 with a bad status pointer", wait4(c, (int *)1, 0, NULL));
	check("waitpid after the EFAULT (the child was reaped anyway)", waitpid(c, &st, 0));
	return 0;
}
