/* SIGCHLD: an SA_SIGINFO handler learns of a child's exit (CLD_EXITED,
 * si_status = exit code, si_pid = the child), death by signal (CLD_KILLED,
 * si_status = the signal), stop and continue (CLD_STOPPED, CLD_CONTINUED).
 * Two children exiting while SIGCHLD is blocked leave one pending signal,
 * but both are waitable. */
#include "proc.h"
#include <time.h>

static volatile int n, code, status, pid_ok;
static volatile pid_t expect;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	n++;
	code = si->si_code;
	status = si->si_status;
	pid_ok = si->si_pid == expect;
}

static const char *cld(int c)
{
	switch (c) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	default: return "other";
	}
}

static void wait_for_signal(void)
{
	sigset_t none;
	sigemptyset(&none);
	while (!n)
		sigsuspend(&none);
}

int main(void)
{
	no_core();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	n = 0;
	pid_t c = xfork();
	if (c == 0)
		_exit(7);
	expect = c;
	wait_for_signal();
	printf("exit(7): %d signal, %s, si_status %d, si_pid is the child %s\n", n, cld(code), status, pid_ok ? "yes" : "no");
	printf("  then waitpid: %s\n", wstatus(xwait(c)));

	n = 0;
	int p[2];
	pipe(p);
	c = xfork();
	if (c == 0) {
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	expect = c;
	char b;
	read(p[0], &b, 1);
	kill(c, SIGSTOP);
	wait_for_signal();
	printf("SIGSTOP: %s, si_status %s\n", cld(code), signame(status));
	n = 0;
	kill(c, SIGCONT);
	wait_for_signal();
	printf("SIGCONT: %s, si_status %s\n", cld(code), signame(status));
	n = 0;
	kill(c, SIGTERM);
	wait_for_signal();
	printf("SIGTERM: %s, si_status %s\n", cld(code), signame(status));
	int st;
	waitpid(c, &st, WUNTRACED | WCONTINUED);
	if (!WIFSIGNALED(st))
		waitpid(c, &st, 0);
	printf("  then waitpid: %s\n", wstatus(st));

	n = 0;
	c = xfork();
	if (c == 0) {
		*(volatile int *)0 = 1;
		_exit(0);
	}
	expect = c;
	wait_for_signal();
	printf("SIGSEGV (no core: RLIMIT_CORE 0): %s, si_status %s\n", cld(code), signame(status));
	xwait(c);

	/* Two exits while blocked: one pending SIGCHLD, two waitable children. */
	n = 0;
	pid_t a = xfork();
	if (a == 0)
		_exit(1);
	pid_t d = xfork();
	if (d == 0)
		_exit(2);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	waitid(P_PID, a, &si, WEXITED | WNOWAIT);
	waitid(P_PID, d, &si, WEXITED | WNOWAIT);
	sigset_t pend;
	sigpending(&pend);
	printf("two children exited while SIGCHLD was blocked: pending %s\n", sigismember(&pend, SIGCHLD) ? "yes" : "no");
	expect = 0;
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
	printf("  handler ran %d time(s) on unblocking\n", n);
	int got = 0;
	while (waitpid(-1, &st, 0) > 0)
		got++;
	printf("  waitable children: %d\n", got);
	return 0;
}
