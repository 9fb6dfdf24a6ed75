/* Signal masks: a blocked signal stays pending (sigpending shows it) and is
 * delivered when unblocked, once for a standard signal however often it
 * was sent, in order for real-time signals; SIG_BLOCK/SIG_UNBLOCK/SIG_SETMASK
 * semantics; SIGKILL and SIGSTOP cannot be blocked; the handler's sa_mask
 * and the signal itself are blocked while it runs; ignoring a pending
 * signal discards it. */
#include "proc.h"
#include <sys/syscall.h>

static int order[16], norder;
static volatile int in_handler_blocked;

static void handler(int sig)
{
	if (norder < 16)
		order[norder++] = sig;
	if (sig == SIGUSR2) {
		sigset_t cur;
		sigprocmask(SIG_BLOCK, NULL, &cur);
		in_handler_blocked = (sigismember(&cur, SIGUSR2) ? 1 : 0) | (sigismember(&cur, SIGHUP) ? 2 : 0) |
				     (sigismember(&cur, SIGINT) ? 4 : 0);
	}
}

static void show_order(const char *what)
{
	printf("%s:", what);
	for (int i = 0; i < norder; i++) {
		if (order[i] >= SIGRTMIN)
			printf(" SIGRTMIN+%d", order[i] - SIGRTMIN);
		else
			printf(" %s", signame(order[i]));
	}
	printf("%s\n", norder ? "" : " (none)");
	norder = 0;
}

static void show_pending(const char *what)
{
	sigset_t p;
	sigpending(&p);
	printf("%s: pending", what);
	int any = 0;
	for (int s = 1; s < 32; s++)
		if (sigismember(&p, s))
			printf(" %s", signame(s)), any = 1;
	printf("%s\n", any ? "" : " nothing");
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGILL && s != SIGFPE)
			sigaction(s, &sa, NULL);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 3; s++)
		sigaction(s, &sa, NULL);

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	check("block USR1 and TERM", sigprocmask(SIG_BLOCK, &set, &old));
	fact("  the old mask was empty", sigisemptyset(&old));
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGTERM);
	raise(SIGUSR1);
	show_order("delivered while blocked");
	show_pending("after sending USR1 x3 and TERM");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	check("unblock USR1", sigprocmask(SIG_UNBLOCK, &set, NULL));
	show_order("delivered on unblock (pending once per queue: the process's from kill, the thread's from raise)");
	show_pending("now");
	sigemptyset(&set);
	check("SIG_SETMASK empty", sigprocmask(SIG_SETMASK, &set, &old));
	printf("  the old mask had TERM %s, USR1 %s\n", sigismember(&old, SIGTERM) ? "yes" : "no",
	       sigismember(&old, SIGUSR1) ? "yes" : "no");
	show_order("delivered");

	/* Several pending at once: the kernel delivers lower numbers first,
	 * standard before real-time. Handlers block everything here, so each
	 * runs before the next is delivered (otherwise the frames nest and the
	 * handlers run in the reverse order). */
	sigfillset(&sa.sa_mask);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGILL && s != SIGFPE)
			sigaction(s, &sa, NULL);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 3; s++)
		sigaction(s, &sa, NULL);
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGTERM);
	kill(getpid(), SIGHUP);
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGINT);
	union sigval v = { 0 };
	sigqueue(getpid(), SIGRTMIN + 1, v);
	sigqueue(getpid(), SIGRTMIN, v);
	sigqueue(getpid(), SIGRTMIN + 1, v);
	sigqueue(getpid(), SIGRTMIN + 1, v);
	show_pending("four standard and four real-time signals blocked");
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	show_order("unblocked all (standard ones by number, then real-time ones, each one queued)");

	/* SIGKILL and SIGSTOP are silently left out of the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	sigaddset(&set, SIGHUP);
	check("block KILL, STOP and HUP", sigprocmask(SIG_BLOCK, &set, NULL));
	sigprocmask(SIG_BLOCK, NULL, &old);
	printf("  mask has KILL %s, STOP %s, HUP %s\n", sigismember(&old, SIGKILL) ? "yes" : "no",
	       sigismember(&old, SIGSTOP) ? "yes" : "no", sigismember(&old, SIGHUP) ? "yes" : "no");
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* While a handler runs: its signal and sa_mask are blocked. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("in the USR2 handler: USR2 blocked %s, HUP (sa_mask) blocked %s, INT blocked %s\n",
	       in_handler_blocked & 1 ? "yes" : "no", in_handler_blocked & 2 ? "yes" : "no", in_handler_blocked & 4 ? "yes" : "no");
	sigprocmask(SIG_BLOCK, NULL, &old);
	fact("after the handler the mask is empty again", !sigismember(&old, SIGUSR2) && !sigismember(&old, SIGHUP));
	norder = 0;

	/* Ignoring a pending signal discards it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	show_pending("USR1 blocked and sent");
	signal(SIGUSR1, SIG_IGN);
	show_pending("after SIG_IGN");
	sigaction(SIGUSR1, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	show_order("after a handler again and unblocking");

	/* Errors. */
	check("sigprocmask how=7", sigprocmask(7, &set, NULL));
	check("rt_sigprocmask sigsetsize 4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
	check("rt_sigprocmask bad set pointer", syscall(SYS_rt_sigprocmask, SIG_BLOCK, 1L, NULL, 8));
	check("rt_sigpending sigsetsize 16", syscall(SYS_rt_sigpending, &set, 16));
	return 0;
}
