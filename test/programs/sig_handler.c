/* sigaction with SA_SIGINFO: the handler gets si_signo, si_code and si_pid
 * for kill(getpid()), raise, tgkill, sigqueue; a plain handler gets the
 * signal number; the ucontext argument is there; the old action comes back
 * from sigaction; errors for bad signals. */
#include "proc.h"
#include <sys/syscall.h>
#include <ucontext.h>

static volatile int got_sig, got_code, got_pid_ok, got_uid_ok, got_value, ctx_ok, plain_sig;

static const char *code_name(int c)
{
	switch (c) {
	case SI_USER: return "SI_USER";
	case SI_TKILL: return "SI_TKILL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_KERNEL: return "SI_KERNEL";
	default: {
		static char b[16];
		snprintf(b, sizeof b, "code %d", c);
		return b;
	}
	}
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	got_sig = si->si_signo == sig ? sig : -1;
	got_code = si->si_code;
	got_pid_ok = si->si_pid == getpid();
	got_uid_ok = si->si_uid == getuid();
	got_value = si->si_value.sival_int;
	ucontext_t *u = uc;
	ctx_ok = u != NULL && u->uc_mcontext.gregs[REG_RSP] != 0;
}

static void plain_handler(int sig) { plain_sig = sig; }

static void report(const char *what)
{
	printf("%s: signo %s, %s, si_pid is ours %s, si_uid is ours %s, ucontext %s\n", what, signame(got_sig),
	       code_name(got_code), got_pid_ok ? "yes" : "no", got_uid_ok ? "yes" : "no", ctx_ok ? "yes" : "no");
	got_sig = got_code = got_pid_ok = got_uid_ok = ctx_ok = 0;
}

int main(void)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	check("sigaction SIGUSR1", sigaction(SIGUSR1, &sa, &old));
	printf("previous action was SIG_DFL: %s\n", old.sa_handler == SIG_DFL ? "yes" : "no");

	check("kill(getpid(), SIGUSR1)", kill(getpid(), SIGUSR1));
	report("  after kill");
	check("raise(SIGUSR1)", raise(SIGUSR1));
	report("  after raise");
	check("tgkill(getpid(), gettid(), SIGUSR1)", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1));
	report("  after tgkill");
	check("tkill(gettid(), SIGUSR1)", syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR1));
	report("  after tkill");
	union sigval v = { .sival_int = 1234 };
	check("sigqueue(getpid(), SIGUSR1, 1234)", sigqueue(getpid(), SIGUSR1, v));
	printf("  si_value %d\n", got_value);
	report("  after sigqueue");
	sigaction(SIGRTMIN + 2, &sa, NULL);
	check("sigqueue of a real-time signal", sigqueue(getpid(), SIGRTMIN + 2, v));
	printf("  signo is SIGRTMIN+2: %s\n", got_sig == SIGRTMIN + 2 ? "yes" : "no");
	got_sig = 0;

	/* The old action comes back; a plain handler. */
	struct sigaction plain;
	memset(&plain, 0, sizeof plain);
	plain.sa_handler = plain_handler;
	check("sigaction SIGUSR1 -> plain handler", sigaction(SIGUSR1, &plain, &old));
	printf("old action: SA_SIGINFO %s, handler is ours %s\n", old.sa_flags & SA_SIGINFO ? "yes" : "no",
	       old.sa_sigaction == info_handler ? "yes" : "no");
	raise(SIGUSR1);
	printf("plain handler got %s\n", signame(plain_sig));
	struct sigaction q;
	sigaction(SIGUSR1, NULL, &q);
	printf("query: handler is the plain one %s, SA_SIGINFO %s\n", q.sa_handler == plain_handler ? "yes" : "no",
	       q.sa_flags & SA_SIGINFO ? "yes" : "no");

	/* SIG_IGN: nothing happens. */
	signal(SIGUSR2, SIG_IGN);
	check("raise an ignored SIGUSR2", raise(SIGUSR2));

	/* Errors. */
	check("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
	check("sigaction SIGSTOP", sigaction(SIGSTOP, &sa, NULL));
	check("sigaction 0", sigaction(0, &sa, NULL));
	check("sigaction 65", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
	check("rt_sigaction with sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &q, 4));
	check("query SIGKILL's action", sigaction(SIGKILL, NULL, &q));
	check("kill with signal 65", kill(getpid(), 65));
	check("kill(getpid(), 0)", kill(getpid(), 0));
	check("kill of a missing pid", kill(99999, SIGUSR1));
	check("tgkill with the wrong tgid", syscall(SYS_tgkill, 99999, syscall(SYS_gettid), SIGUSR1));
	check("tgkill with tid 0", syscall(SYS_tgkill, getpid(), 0, SIGUSR1));
	check("rt_sigqueueinfo with si_code SI_USER to ourselves (allowed)", ({
		siginfo_t si;
		memset(&si, 0, sizeof si);
		si.si_signo = SIGUSR1;
		si.si_code = SI_USER;
		syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
	}));
	return 0;
}
