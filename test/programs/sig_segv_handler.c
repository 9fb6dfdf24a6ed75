/* Synchronous signals caught by handlers: SIGSEGV (SEGV_MAPERR and
 * SEGV_ACCERR with the exact si_addr, instruction fetch from a
 * non-executable page), SIGBUS past the end of a mapped file, SIGFPE
 * (FPE_INTDIV), SIGILL (ud2), SIGTRAP (int3). The handler leaves with
 * siglongjmp (the mask comes back), or fixes the page and returns so the
 * access runs again. A fault while its signal is blocked or ignored, or a
 * second fault inside the handler, kills the process. */
#include "proc.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf jb;
static volatile void *addr;
static volatile int code, signo, fix_and_return;
static volatile uintptr_t rip;
static char *page;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	signo = sig;
	code = si->si_code;
	addr = si->si_addr;
	rip = uc->uc_mcontext.gregs[REG_RIP];
	if (fix_and_return) {
		mprotect(page, 4096, PROT_READ | PROT_WRITE);
		return;
	}
	siglongjmp(jb, 1);
}

static const char *codename(int sig, int c)
{
	if (sig == SIGSEGV && c == SEGV_MAPERR) return "SEGV_MAPERR";
	if (sig == SIGSEGV && c == SEGV_ACCERR) return "SEGV_ACCERR";
	if (sig == SIGBUS && c == BUS_ADRERR) return "BUS_ADRERR";
	if (sig == SIGFPE && c == FPE_INTDIV) return "FPE_INTDIV";
	if (sig == SIGILL && c == ILL_ILLOPN) return "ILL_ILLOPN";
	if (c == SI_KERNEL) return "SI_KERNEL";
	static char b[16];
	snprintf(b, sizeof b, "code %d", c);
	return b;
}

#define TRY(what, expect_addr, body)                                                            \
	do {                                                                                    \
		signo = 0;                                                                      \
		if (sigsetjmp(jb, 1) == 0) {                                                    \
			body;                                                                   \
			printf("%s: no signal\n", what);                                        \
		} else {                                                                        \
			printf("%s: %s %s, si_addr %s\n", what, signame(signo), codename(signo, code), \
			       addr == (void *)(expect_addr) ? "exact" : "other");               \
		}                                                                               \
	} while (0)

static volatile int zero = 0;

__attribute__((noinline)) static void ud2_here(void) { __asm__ volatile("ud2"); }

static int divide(int a, int b)
{
	int q;
	__asm__ volatile("cltd; idivl %2" : "=a"(q) : "a"(a), "r"(b) : "rdx", "cc");
	return q;
}

int main(int argc, char **argv)
{
	const char *fix = fixture_dir(argc, argv);
	no_core();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	for (int s = 1; s < 32; s++)
		if (s == SIGSEGV || s == SIGBUS || s == SIGFPE || s == SIGILL || s == SIGTRAP)
			sigaction(s, &sa, NULL);

	TRY("read from 0x10", 0x10, (void)*(volatile int *)0x10);
	TRY("write to 0x1000", 0x1000, *(volatile int *)0x1000 = 1);
	TRY("read from a kernel address", 0xffff800000000000ul, (void)*(volatile int *)0xffff800000000000ul);
	page = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TRY("write to a read-only page", page + 100, page[100] = 1);
	mprotect(page + 4096, 4096, PROT_NONE);
	TRY("read from a PROT_NONE page", page + 4096 + 8, (void)*(volatile char *)(page + 4096 + 8));
	munmap(page + 4096, 4096);
	TRY("read from an unmapped page", page + 4096, (void)*(volatile char *)(page + 4096));
	char *data = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	data[0] = (char)0xc3; /* ret */
	TRY("call into a page without PROT_EXEC", data, ((void (*)(void))data)());

	int fd = open(path(fix, "dir/a"), O_RDONLY);
	char *file = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	TRY("read a mapped file's page past its end", file + 4096, (void)*(volatile char *)(file + 4096));
	printf("  the file's first page reads fine: %c\n", file[0]);

	TRY("integer division by zero", 0, divide(1, zero));
	printf("  si_addr is the faulting instruction (saved rip): %s\n", (uintptr_t)addr == rip ? "yes" : "no");
	TRY("ud2", (void *)ud2_here, ud2_here());
	printf("  saved rip is the ud2: %s\n", rip == (uintptr_t)ud2_here ? "yes" : "no");
	TRY("int3", 0, __asm__ volatile("int3"));
	printf("  saved rip is just after the int3: %s\n", *(unsigned char *)(rip - 1) == 0xcc ? "yes" : "no");

	/* The mask after siglongjmp(…, savemask=1): nothing blocked. */
	sigset_t m;
	sigprocmask(SIG_BLOCK, NULL, &m);
	fact("after siglongjmp SIGSEGV is not blocked", !sigismember(&m, SIGSEGV));

	/* Fix the page and return: the write runs again and succeeds. */
	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fix_and_return = 1;
	signo = 0;
	page[7] = 42;
	printf("handler made the page writable and returned: %s, value %d\n", signame(signo), page[7]);
	fix_and_return = 0;

	/* Faults that kill: SIGSEGV blocked, ignored, or raised again in the handler. */
	pid_t c = xfork();
	if (c == 0) {
		sigset_t b;
		sigemptyset(&b);
		sigaddset(&b, SIGSEGV);
		sigprocmask(SIG_BLOCK, &b, NULL);
		*(volatile int *)0x10 = 1;
		_exit(0);
	}
	printf("fault with SIGSEGV blocked: %s\n", wstatus(xwait(c)));
	c = xfork();
	if (c == 0) {
		signal(SIGSEGV, SIG_IGN);
		*(volatile int *)0x10 = 1;
		_exit(0);
	}
	printf("fault with SIGSEGV ignored: %s\n", wstatus(xwait(c)));
	c = xfork();
	if (c == 0) {
		struct sigaction bad;
		memset(&bad, 0, sizeof bad);
		bad.sa_handler = (void (*)(int))0x10; /* the handler itself faults */
		sigaction(SIGSEGV, &bad, NULL);
		*(volatile int *)0x10 = 1;
		_exit(0);
	}
	printf("fault in the SIGSEGV handler: %s\n", wstatus(xwait(c)));
	c = xfork();
	if (c == 0) {
		sigset_t b;
		sigemptyset(&b);
		sigaddset(&b, SIGFPE);
		sigprocmask(SIG_BLOCK, &b, NULL);
		divide(1, zero);
		_exit(0);
	}
	printf("division by zero with SIGFPE blocked: %s\n", wstatus(xwait(c)));
	return 0;
}
