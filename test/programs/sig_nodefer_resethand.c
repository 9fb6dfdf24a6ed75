/* SA_NODEFER: the signal is not blocked in its own handler, so raising it
 * there nests (depth counted); without it the second one waits until the
 * handler returns. SA_RESETHAND: the disposition is SIG_DFL after the
 * first delivery (a second raise of SIGUSR2 then kills a child); Linux still
 * blocks the signal in that handler and leaves SA_RESETHAND in sa_flags. */
#include "proc.h"

static volatile int depth, maxdepth, calls;
static char trace[128];

static void nested(int sig)
{
	(void)sig;
	calls++;
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	strcat(trace, "(");
	if (calls < 3)
		raise(SIGUSR1); /* nests with SA_NODEFER, waits without */
	strcat(trace, ")");
	depth--;
}

static volatile int reset_blocked = -1;
static void once(int sig)
{
	sigset_t m;
	sigprocmask(SIG_BLOCK, NULL, &m);
	reset_blocked = sigismember(&m, sig);
	calls++;
}

static void set(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

int main(void)
{
	set(SIGUSR1, nested, SA_NODEFER);
	calls = depth = maxdepth = 0;
	trace[0] = 0;
	raise(SIGUSR1);
	printf("SA_NODEFER: %d calls, max depth %d, trace %s\n", calls, maxdepth, trace);

	set(SIGUSR1, nested, 0);
	calls = depth = maxdepth = 0;
	trace[0] = 0;
	raise(SIGUSR1);
	printf("without SA_NODEFER: %d calls, max depth %d, trace %s\n", calls, maxdepth, trace);

	set(SIGUSR2, once, SA_RESETHAND);
	calls = 0;
	raise(SIGUSR2);
	struct sigaction now;
	sigaction(SIGUSR2, NULL, &now);
	printf("SA_RESETHAND: handler ran %d, disposition now %s, SIGUSR2 blocked in the handler %s\n", calls,
	       now.sa_handler == SIG_DFL ? "SIG_DFL" : "still the handler", reset_blocked == 1 ? "yes" : "no");
	printf("  SA_RESETHAND still in sa_flags: %s\n", now.sa_flags & SA_RESETHAND ? "yes" : "no");

	/* The second delivery takes the default action. */
	pid_t c = xfork();
	if (c == 0) {
		set(SIGUSR2, once, SA_RESETHAND);
		raise(SIGUSR2);
		printf("child: first SIGUSR2 handled\n");
		flush();
		raise(SIGUSR2);
		printf("child: still alive\n");
		flush();
		_exit(0);
	}
	printf("child after two SIGUSR2: %s\n", wstatus(xwait(c)));

	/* SA_RESETHAND with SA_SIGINFO, and on a signal whose default is to ignore. */
	set(SIGCHLD, once, SA_RESETHAND);
	calls = 0;
	raise(SIGCHLD);
	raise(SIGCHLD);
	printf("SIGCHLD with SA_RESETHAND raised twice: handler ran %d\n", calls);
	return 0;
}
