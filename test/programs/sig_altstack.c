/* sigaltstack: an SA_ONSTACK handler runs on the alternate stack (its
 * locals lie inside it, ss_flags reads SS_ONSTACK there), a handler without
 * SA_ONSTACK does not; a stack overflow from runaway recursion is caught on
 * the alternate stack; the errors (too small, changing it while on it,
 * bad flags); SS_DISABLE. */
#include "proc.h"
#include <setjmp.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define ALT_SIZE (256 * 1024)

static char *alt;
static volatile int on_alt, flags_onstack, change_err;
static sigjmp_buf jb;

static int within(void *p) { return (char *)p >= alt && (char *)p < alt + ALT_SIZE; }

static void handler(int sig)
{
	(void)sig;
	volatile int local;
	on_alt = within((void *)&local);
	stack_t cur;
	sigaltstack(NULL, &cur);
	flags_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
	/* Changing the alternate stack while running on it fails. */
	stack_t other = { .ss_sp = malloc(ALT_SIZE), .ss_size = ALT_SIZE, .ss_flags = 0 };
	change_err = sigaltstack(&other, NULL) < 0 ? errno : 0;
}

static volatile unsigned long depth;
static void segv_handler(int sig)
{
	(void)sig;
	volatile int local;
	on_alt = within((void *)&local);
	siglongjmp(jb, 1);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static unsigned long recurse(unsigned long n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	depth = n;
	return recurse(n + 1) + pad[0];
}

int main(void)
{
	alt = malloc(ALT_SIZE);
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 }, old;
	check("sigaltstack query", sigaltstack(NULL, &old));
	printf("  initially disabled: %s\n", old.ss_flags & SS_DISABLE ? "yes" : "no");
	check("sigaltstack set", sigaltstack(&ss, NULL));
	sigaltstack(NULL, &old);
	printf("  query: sp ours %s, size %zu, flags %d\n", old.ss_sp == alt ? "yes" : "no", (size_t)old.ss_size, old.ss_flags);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler: on the alternate stack %s, SS_ONSTACK %s, changing it there: %s\n",
	       on_alt ? "yes" : "no", flags_onstack ? "yes" : "no", errname(change_err));
	raise(SIGUSR2);
	printf("handler without SA_ONSTACK: on the alternate stack %s, SS_ONSTACK %s\n", on_alt ? "yes" : "no",
	       flags_onstack ? "yes" : "no");

	/* Stack overflow: the SIGSEGV handler can only run on the alternate stack. */
	struct rlimit rl = { 8 << 20, 8 << 20 };
	getrlimit(RLIMIT_STACK, &rl);
	rl.rlim_cur = 8 << 20;
	setrlimit(RLIMIT_STACK, &rl);
	sa.sa_handler = segv_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(jb, 1) == 0) {
		recurse(0);
		printf("no overflow\n");
	} else {
		printf("stack overflow caught: on the alternate stack %s, recursion went past 1000 frames %s\n",
		       on_alt ? "yes" : "no", depth > 1000 ? "yes" : "no");
	}
	/* And again: the alternate stack is reusable after siglongjmp. */
	if (sigsetjmp(jb, 1) == 0)
		recurse(0);
	else
		printf("second overflow caught too: %s\n", on_alt ? "yes" : "no");

	/* Overflow with the default action kills the process. */
	pid_t c = xfork();
	if (c == 0) {
		no_core();
		signal(SIGSEGV, SIG_DFL);
		recurse(0);
		_exit(0);
	}
	printf("overflow with SIGSEGV at SIG_DFL: %s\n", wstatus(xwait(c)));

	/* Errors and SS_DISABLE. */
	stack_t small = { .ss_sp = alt, .ss_size = 1024, .ss_flags = 0 };
	check("sigaltstack of 1024 bytes", sigaltstack(&small, NULL));
	stack_t badf = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0x10 };
	check("sigaltstack with unknown flags", sigaltstack(&badf, NULL));
	signal(SIGSEGV, SIG_DFL); /* no more siglongjmp to a stale point */
	check("sigaltstack with a bad pointer", syscall(SYS_sigaltstack, 1L, NULL));
	stack_t off = { .ss_flags = SS_DISABLE };
	check("SS_DISABLE", sigaltstack(&off, NULL));
	sigaltstack(NULL, &old);
	printf("  disabled: %s\n", old.ss_flags & SS_DISABLE ? "yes" : "no");
	raise(SIGUSR1);
	printf("SA_ONSTACK handler with it disabled: on the old alternate stack %s\n", on_alt ? "yes" : "no");
	return 0;
}
