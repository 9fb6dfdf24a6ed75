/* Default actions, seen from the parent's wait status: children killed by
 * SIGTERM, SIGKILL, SIGINT, SIGHUP, SIGUSR1, SIGPIPE, SIGALRM (terminate),
 * SIGSEGV, SIGABRT, SIGQUIT, SIGFPE (terminate with core, none here:
 * RLIMIT_CORE 0), signals whose default is to ignore (SIGCHLD, SIGURG,
 * SIGWINCH, SIGCONT); stop and continue (SIGSTOP, SIGTSTP, SIGCONT) seen
 * with WUNTRACED and WCONTINUED and waitid; a signal sent to a stopped
 * child waits until SIGCONT, SIGKILL does not; SIGCHLD ignored or
 * SA_NOCLDWAIT reaps children automatically (wait gives ECHILD);
 * SA_NOCLDSTOP. */
#include "proc.h"
#include <time.h>

/* A child that waits in pause(). It leads a process group of its own: its
 * parent (us) is in another group of the same session, so the group is not
 * orphaned and SIGTSTP stops it (in an orphaned group the kernel discards
 * SIGTSTP, SIGTTIN and SIGTTOU, and whether the group we start in is
 * orphaned depends on who launched the test). */
static pid_t pauser(void)
{
	int p[2];
	pipe(p);
	pid_t c = xfork();
	if (c == 0) {
		setpgid(0, 0);
		close(p[0]);
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	close(p[1]);
	char b;
	read(p[0], &b, 1);
	close(p[0]);
	return c;
}

static void ms(int n)
{
	struct timespec t = { 0, n * 1000000L };
	nanosleep(&t, NULL);
}

static volatile int chld;
static void on_chld(int sig) { (void)sig; chld++; }

int main(void)
{
	no_core();
	static const int term[] = { SIGTERM, SIGKILL, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM,
				    SIGSEGV, SIGABRT, SIGQUIT, SIGFPE, SIGILL, SIGBUS, SIGTRAP, SIGSYS, SIGXCPU };
	for (size_t i = 0; i < sizeof term / sizeof term[0]; i++) {
		pid_t c = pauser();
		kill(c, term[i]);
		printf("%s: %s\n", signame(term[i]), wstatus(xwait(c)));
	}
	pid_t c = xfork();
	if (c == 0)
		abort();
	printf("abort(): %s\n", wstatus(xwait(c)));
	c = pauser();
	union sigval v = { 0 };
	sigqueue(c, SIGRTMIN + 3, v);
	printf("SIGRTMIN+3: killed %s\n", WIFSIGNALED(xwait(c)) ? "yes" : "no");

	/* Default "ignore": the child lives on. */
	static const int ign[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
	c = pauser();
	for (size_t i = 0; i < sizeof ign / sizeof ign[0]; i++)
		kill(c, ign[i]);
	ms(50);
	int st;
	printf("SIGCHLD, SIGURG, SIGWINCH, SIGCONT: still running %s\n", waitpid(c, &st, WNOHANG) == 0 ? "yes" : "no");
	kill(c, SIGKILL);
	xwait(c);

	/* Stop and continue. */
	c = pauser();
	kill(c, SIGSTOP);
	pid_t r = waitpid(c, &st, WUNTRACED);
	printf("SIGSTOP with WUNTRACED: %s (pid matches %s)\n", wstatus(st), r == c ? "yes" : "no");
	printf("  waitpid WUNTRACED again: %ld\n", (long)waitpid(c, &st, WUNTRACED | WNOHANG));
	kill(c, SIGTERM); /* pending while stopped */
	ms(50);
	printf("  SIGTERM to the stopped child: still there %s\n", waitpid(c, &st, WNOHANG) == 0 ? "yes" : "no");
	kill(c, SIGCONT);
	printf("  after SIGCONT the pending SIGTERM acts: %s\n", wstatus(xwait(c)));

	c = pauser();
	kill(c, SIGTSTP);
	waitpid(c, &st, WUNTRACED);
	printf("SIGTSTP: %s\n", wstatus(st));
	siginfo_t si;
	memset(&si, 0, sizeof si);
	kill(c, SIGCONT);
	waitid(P_PID, c, &si, WCONTINUED);
	printf("  waitid WCONTINUED: si_code %s, si_status %s\n", si.si_code == CLD_CONTINUED ? "CLD_CONTINUED" : "other",
	       signame(si.si_status));
	kill(c, SIGSTOP);
	memset(&si, 0, sizeof si);
	waitid(P_PID, c, &si, WSTOPPED);
	printf("  waitid WSTOPPED: si_code %s, si_status %s\n", si.si_code == CLD_STOPPED ? "CLD_STOPPED" : "other",
	       signame(si.si_status));
	kill(c, SIGKILL);
	memset(&si, 0, sizeof si);
	waitid(P_PID, c, &si, WEXITED);
	printf("  SIGKILL while stopped: waitid si_code %s, si_status %s\n", si.si_code == CLD_KILLED ? "CLD_KILLED" : "other",
	       signame(si.si_status));

	/* SA_NOCLDSTOP: no SIGCHLD for stops; one for the exit. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	chld = 0;
	c = pauser();
	kill(c, SIGSTOP);
	waitpid(c, &st, WUNTRACED);
	kill(c, SIGCONT);
	waitpid(c, &st, WCONTINUED);
	ms(20);
	printf("SA_NOCLDSTOP: SIGCHLD after stop and continue: %d\n", chld);
	kill(c, SIGKILL);
	xwait(c);
	printf("  after the exit: %d\n", chld);

	/* SIGCHLD ignored: children are reaped by the kernel. */
	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < 3; i++)
		if (xfork() == 0)
			_exit(1);
	ms(50);
	r = wait(&st);
	printf("SIGCHLD ignored: wait after the children exited: %s\n", r < 0 ? errname(errno) : "a child");
	c = xfork();
	if (c == 0) {
		ms(50);
		_exit(2);
	}
	r = waitpid(c, &st, 0); /* blocks until it exits, then ECHILD */
	printf("  waitpid on a running child: %s\n", r < 0 ? errname(errno) : "a status");

	/* SA_NOCLDWAIT with a handler: auto-reaped, and the handler still runs. */
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	chld = 0;
	c = xfork();
	if (c == 0)
		_exit(3);
	ms(50);
	r = waitpid(c, &st, 0);
	printf("SA_NOCLDWAIT: waitpid %s, handler ran %s\n", r < 0 ? errname(errno) : "a status", chld ? "yes" : "no");
	signal(SIGCHLD, SIG_DFL);
	return 0;
}
