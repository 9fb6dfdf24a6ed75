/* seccomp: seccomp(2) and prctl(PR_SET_SECCOMP/PR_GET_SECCOMP) with Linux's
 * rules: the operations and their errors, EACCES without no_new_privs for a
 * user without CAP_SYS_ADMIN, program validation (EINVAL), the instruction
 * budget over a filter chain (ENOMEM); every action (ERRNO with its cap,
 * TRAP's SIGSYS and siginfo, KILL_PROCESS, KILL_THREAD of one thread among
 * several, an unknown action, TRACE and USER_NOTIF with no tracer or
 * listener, LOG); the precedence between stacked filters; the classic-BPF
 * instructions over struct seccomp_data; inheritance by fork and execve of
 * itself; TSYNC; strict mode; and /proc/self/status. Each case runs in a
 * child so that its filters end with it. The structs and constants are
 * spelled out here (musl's headers have no <linux/...>). */
#include "proc.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>

struct sf { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sfprog { unsigned short len; struct sf *filter; };

/* Classic BPF opcodes. */
#define LD_W_ABS 0x20
#define LD_B_ABS 0x30
#define LD_W_LEN 0x80
#define LDX_W_LEN 0x81
#define LD_IMM 0x00
#define LDX_IMM 0x01
#define LD_MEM 0x60
#define LDX_MEM 0x61
#define ST 0x02
#define STX 0x03
#define ALU_ADD_K 0x04
#define ALU_ADD_X 0x0c
#define ALU_SUB_K 0x14
#define ALU_SUB_X 0x1c
#define ALU_MUL_K 0x24
#define ALU_MUL_X 0x2c
#define ALU_DIV_K 0x34
#define ALU_DIV_X 0x3c
#define ALU_OR_K 0x44
#define ALU_AND_K 0x54
#define ALU_AND_X 0x5c
#define ALU_LSH_K 0x64
#define ALU_LSH_X 0x6c
#define ALU_RSH_K 0x74
#define ALU_RSH_X 0x7c
#define ALU_NEG 0x84
#define ALU_MOD_K 0x94
#define ALU_XOR_K 0xa4
#define ALU_XOR_X 0xac
#define JA 0x05
#define JEQ_K 0x15
#define JEQ_X 0x1d
#define JGT_K 0x25
#define JGE_K 0x35
#define JGE_X 0x3d
#define JSET_K 0x45
#define RET_K 0x06
#define RET_A 0x16
#define TAX 0x07
#define TXA 0x87

#define S(c, k) { (c), 0, 0, (uint32_t)(k) }
#define J(c, k, t, f) { (c), (t), (f), (uint32_t)(k) }

#define OP_STRICT 0
#define OP_FILTER 1
#define OP_ACTION_AVAIL 2
#define OP_NOTIF_SIZES 3
#define FLAG_TSYNC 1
#define FLAG_LOG 2
#define FLAG_SPEC_ALLOW 4
#define FLAG_NEW_LISTENER 8
#define FLAG_TSYNC_ESRCH 16
#define FLAG_WAIT_KILLABLE_RECV 32

#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD 0x00000000u
#define RET_TRAP 0x00030000u
#define RET_ERRNO 0x00050000u
#define RET_USER_NOTIF 0x7fc00000u
#define RET_TRACE 0x7ff00000u
#define RET_LOG 0x7ffc0000u
#define RET_ALLOW 0x7fff0000u
#define ARCH_X86_64 0xc000003eu
#define SYS_SECCOMP_CODE 1
#define FUTEX_WAIT 0

/* struct seccomp_data offsets. */
#define SD_NR 0
#define SD_ARCH 4
#define SD_IP 8
#define SD_ARG0 16

static char *self;

static long sc(unsigned op, unsigned flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

static long install(struct sf *f, unsigned short n, unsigned flags)
{
	struct sfprog p = { n, f };
	return sc(OP_FILTER, flags, &p);
}

/* A filter giving action `act` to syscall `nr` and ALLOW to the rest (after the arch check). */
static long deny(long nr, uint32_t act, unsigned flags)
{
	struct sf f[] = {
		S(LD_W_ABS, SD_ARCH),
		J(JEQ_K, ARCH_X86_64, 1, 0),
		S(RET_K, RET_KILL_PROCESS),
		S(LD_W_ABS, SD_NR),
		J(JEQ_K, nr, 0, 1),
		S(RET_K, act),
		S(RET_K, RET_ALLOW),
	};
	return install(f, sizeof f / sizeof f[0], flags);
}

static void status_lines(const char *who)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	if (!f) {
		printf("%s: /proc/self/status: %s\n", who, errname(errno));
		return;
	}
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "Seccomp:", 8) || !strncmp(line, "Seccomp_filters:", 16) || !strncmp(line, "NoNewPrivs:", 11))
			printf("%s: %s", who, line);
	fclose(f);
}

/* Runs fn in a child and prints how the child ended. */
static void in_child(const char *what, void (*fn)(void))
{
	printf("-- %s\n", what);
	pid_t pid = xfork();
	if (pid == 0) {
		no_core();
		fn();
		flush();
		_exit(0);
	}
	int st = xwait(pid);
	printf("%s: child %s\n", what, wstatus(st));
}

static void nnp(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		printf("PR_SET_NO_NEW_PRIVS: -1 %s\n", errname(errno));
}

static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, errname(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* ---- the operations ------------------------------------------------------ */

static void api(void)
{
	static const uint32_t actions[] = { RET_KILL_PROCESS, RET_KILL_THREAD, RET_TRAP, RET_ERRNO, RET_TRACE, RET_LOG, RET_ALLOW, 0x12340000u, 0x7fff0001u };
	for (unsigned i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		uint32_t a = actions[i];
		char what[64];
		snprintf(what, sizeof what, "ACTION_AVAIL %#x", a);
		result(what, sc(OP_ACTION_AVAIL, 0, &a));
	}
	uint32_t a = RET_ALLOW;
	result("ACTION_AVAIL with flags", sc(OP_ACTION_AVAIL, 1, &a));
	result("ACTION_AVAIL of NULL", sc(OP_ACTION_AVAIL, 0, NULL));
	uint16_t sizes[3] = { 0, 0, 0 };
	result("NOTIF_SIZES", sc(OP_NOTIF_SIZES, 0, sizes));
	printf("sizes: notif %u resp %u data %u\n", sizes[0], sizes[1], sizes[2]);
	result("NOTIF_SIZES with flags", sc(OP_NOTIF_SIZES, 1, sizes));
	result("NOTIF_SIZES to NULL", sc(OP_NOTIF_SIZES, 0, NULL));
	result("unknown operation", sc(99, 0, NULL));
	result("STRICT with flags", sc(OP_STRICT, 1, NULL));
	result("STRICT with args", sc(OP_STRICT, 0, &a));
	result("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	result("PR_SET_SECCOMP mode 3", prctl(PR_SET_SECCOMP, 3, 0, 0, 0));
	status_lines("start");
}

/* ---- permission and validation ------------------------------------------ */

static struct sf allow_all[] = { S(RET_K, RET_ALLOW) };

static void unprivileged(void)
{
	if (setuid(65534) != 0)
		printf("setuid: -1 %s\n", errname(errno));
	result("FILTER without no_new_privs", install(allow_all, 1, 0));
	struct sfprog p = { 1, allow_all };
	result("PR_SET_SECCOMP without no_new_privs", prctl(PR_SET_SECCOMP, 2, &p, 0, 0));
	result("bad length without no_new_privs", install(allow_all, 0, 0));
	nnp();
	result("FILTER with no_new_privs", install(allow_all, 1, 0));
	status_lines("unprivileged");
}

static void root_without_nnp(void)
{
	result("FILTER as root without no_new_privs", install(allow_all, 1, 0));
	result("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	status_lines("root");
}

static void invalid(void)
{
	nnp();
	static struct sf big[4097];
	for (int i = 0; i < 4097; i++)
		big[i] = (struct sf)S(RET_K, RET_ALLOW);
	result("length 0", install(allow_all, 0, 0));
	result("length 4097", install(big, 4097, 0));
	struct sfprog nullprog = { 1, NULL };
	result("NULL program", sc(OP_FILTER, 0, &nullprog));
	result("NULL sock_fprog", sc(OP_FILTER, 0, NULL));
	struct sfprog badprog = { 1, (struct sf *)8 };
	result("unmapped program", sc(OP_FILTER, 0, &badprog));
	struct sf byte_load[] = { S(LD_B_ABS, 0), S(RET_K, RET_ALLOW) };
	result("byte load", install(byte_load, 2, 0));
	struct sf unaligned[] = { S(LD_W_ABS, 2), S(RET_K, RET_ALLOW) };
	result("unaligned load", install(unaligned, 2, 0));
	struct sf beyond[] = { S(LD_W_ABS, 64), S(RET_K, RET_ALLOW) };
	result("load beyond seccomp_data", install(beyond, 2, 0));
	struct sf last_arg[] = { S(LD_W_ABS, 60), S(RET_K, RET_ALLOW) };
	result("load of args[5] high word", install(last_arg, 2, 0));
	struct sf jump_out[] = { J(JEQ_K, 0, 1, 0), S(RET_K, RET_ALLOW) };
	result("conditional jump out", install(jump_out, 2, 0));
	struct sf ja_out[] = { S(JA, 1), S(RET_K, RET_ALLOW) };
	result("ja out", install(ja_out, 2, 0));
	struct sf no_ret[] = { S(RET_K, RET_ALLOW), S(LD_IMM, 0) };
	result("no ret last", install(no_ret, 2, 0));
	struct sf unstored[] = { S(LD_MEM, 3), S(RET_K, RET_ALLOW) };
	result("load of a cell never stored", install(unstored, 2, 0));
	struct sf one_path[] = { S(LD_W_ABS, SD_NR), J(JEQ_K, 1, 0, 1), S(ST, 3), S(LD_MEM, 3), S(RET_K, RET_ALLOW) };
	result("load of a cell stored on one path", install(one_path, 5, 0));
	struct sf cell[] = { S(ST, 16), S(RET_K, RET_ALLOW) };
	result("store to cell 16", install(cell, 2, 0));
	struct sf div0[] = { S(ALU_DIV_K, 0), S(RET_K, RET_ALLOW) };
	result("division by constant 0", install(div0, 2, 0));
	struct sf shift[] = { S(ALU_LSH_K, 32), S(RET_K, RET_ALLOW) };
	result("shift by 32", install(shift, 2, 0));
	struct sf mod[] = { S(ALU_MOD_K, 3), S(RET_K, RET_ALLOW) };
	result("mod (not for seccomp)", install(mod, 2, 0));
	struct sf bogus[] = { S(0xff, 0), S(RET_K, RET_ALLOW) };
	result("unknown opcode", install(bogus, 2, 0));
	result("unknown flag", install(allow_all, 1, 1u << 10));
	result("TSYNC|NEW_LISTENER", install(allow_all, 1, FLAG_TSYNC | FLAG_NEW_LISTENER));
	result("WAIT_KILLABLE_RECV alone", install(allow_all, 1, FLAG_WAIT_KILLABLE_RECV));
	result("PR_GET_SECCOMP after failures", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	struct sf stored[] = { S(LD_IMM, 7), S(ST, 15), S(LDX_MEM, 15), S(RET_K, RET_ALLOW) };
	result("valid program with scratch memory", install(stored, 4, FLAG_LOG | FLAG_SPEC_ALLOW));
	result("4096 instructions", install(big, 4096, 0));
	/* 256 KiB of instructions per path, with a 4-instruction penalty per filter. */
	int n = 2;
	long r;
	big[0] = (struct sf)S(JA, 4094);
	while ((r = install(big, 4096, 0)) == 0)
		n++;
	printf("filters before the path limit: %d, then %s\n", n, r < 0 ? errname(errno) : "?");
	status_lines("invalid");
}

/* ---- actions --------------------------------------------------------------- */

static void errno_action(void)
{
	nnp();
	struct sf f[] = {
		S(LD_W_ABS, SD_ARCH),
		J(JEQ_K, ARCH_X86_64, 1, 0),
		S(RET_K, RET_KILL_PROCESS),
		S(LD_W_ABS, SD_NR),
		J(JEQ_K, SYS_getppid, 0, 1),
		S(RET_K, RET_ERRNO | ENOTTY),
		J(JEQ_K, SYS_umask, 0, 1),
		S(RET_K, RET_ERRNO | 0xffff),
		J(JEQ_K, SYS_getpid, 0, 1),
		S(RET_K, RET_ERRNO | 0),
		J(JEQ_K, SYS_getpgid, 0, 6),
		/* args[0] == 777 (both halves) */
		S(LD_W_ABS, SD_ARG0 + 4),
		J(JEQ_K, 0, 0, 4),
		S(LD_W_ABS, SD_ARG0),
		J(JEQ_K, 777, 0, 2),
		S(RET_K, RET_ERRNO | EMLINK),
		S(RET_K, RET_ERRNO | ERANGE),
		S(RET_K, RET_ALLOW),
	};
	result("install", install(f, sizeof f / sizeof f[0], 0));
	result("getppid", syscall(SYS_getppid));
	result("umask (errno capped at 4095)", syscall(SYS_umask, 022));
	result("getpid (ERRNO 0 returns 0)", syscall(SYS_getpid));
	result("getpgid(777)", syscall(SYS_getpgid, 777L));
	result("getpgid(777 + 2^32)", syscall(SYS_getpgid, 777L + (1L << 32)));
	result("gettid still runs", syscall(SYS_gettid) > 0 ? 1 : -1);
	result("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	status_lines("errno");
	result("STRICT after FILTER", sc(OP_STRICT, 0, NULL));
	result("PR_SET_SECCOMP strict after FILTER", prctl(PR_SET_SECCOMP, 1, 0, 0, 0));

	/* Inherited by fork. */
	pid_t pid = xfork();
	if (pid == 0) {
		result("forked child: getppid", syscall(SYS_getppid));
		status_lines("forked child");
		flush();
		_exit(0);
	}
	xwait(pid);

	/* Kept across execve. */
	pid = xfork();
	if (pid == 0) {
		char *argv[] = { self, "exec-check", NULL };
		char *envp[] = { NULL };
		execve(self, argv, envp);
		printf("execve: -1 %s\n", errname(errno));
		_exit(1);
	}
	printf("exec'd child %s\n", wstatus(xwait(pid)));
}

static volatile sig_atomic_t trap_seen;

static void on_sigsys(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	trap_seen = 1;
	printf("SIGSYS handler: sig %s code %d errno %#x syscall %d arch %#x\n", signame(sig), si->si_code,
		si->si_errno, si->si_syscall, si->si_arch);
	printf("SIGSYS handler: call_addr is the return address: %s\n",
		(uintptr_t)si->si_call_addr == (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] ? "yes" : "no");
	printf("SIGSYS handler: rax holds the number: %s\n", uc->uc_mcontext.gregs[REG_RAX] == si->si_syscall ? "yes" : "no");
}

static void trap_action(void)
{
	nnp();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	result("install", deny(SYS_getsid, RET_TRAP | 0x42, 0));
	long r = syscall(SYS_getsid, 0);
	printf("getsid returned %ld (the number: %s), handler ran: %s\n", r, r == SYS_getsid ? "yes" : "no", trap_seen ? "yes" : "no");

	/* TRAP with SIGSYS blocked, or ignored: the process dies of SIGSYS. */
	for (int how = 0; how < 2; how++) {
		pid_t pid = xfork();
		if (pid == 0) {
			if (how == 0) {
				sigset_t s;
				sigemptyset(&s);
				sigaddset(&s, SIGSYS);
				sigprocmask(SIG_BLOCK, &s, NULL);
			} else {
				signal(SIGSYS, SIG_IGN);
			}
			syscall(SYS_getsid, 0);
			printf("survived a TRAP with SIGSYS %s\n", how == 0 ? "blocked" : "ignored");
			flush();
			_exit(0);
		}
		printf("TRAP with SIGSYS %s: child %s\n", how == 0 ? "blocked" : "ignored", wstatus(xwait(pid)));
	}
}

static void kill_process(void)
{
	nnp();
	result("install", deny(SYS_getsid, RET_KILL_PROCESS, 0));
	flush();
	syscall(SYS_getsid, 0);
	printf("survived KILL_PROCESS\n");
}

static void kill_thread_alone(void)
{
	nnp();
	result("install", deny(SYS_getsid, RET_KILL_THREAD | 7, 0));
	flush();
	syscall(SYS_getsid, 0);
	printf("survived KILL_THREAD\n");
}

/* The thread is a bare clone (not a pthread): a C library's thread list does not expect a
 * thread to vanish without pthread_exit. */
static volatile int thread_alive;
static char thread_stack[65536] __attribute__((aligned(16)));

static int killed_thread(void *a)
{
	(void)a;
	syscall(SYS_getsid, 0);
	static const char msg[] = "thread survived KILL_THREAD\n";
	syscall(SYS_write, 1, msg, sizeof msg - 1);
	return 0;
}

static void kill_thread_of_many(void)
{
	nnp();
	result("install", deny(SYS_getsid, RET_KILL_THREAD, 0));
	flush();
	thread_alive = 1;
	long tid = clone(killed_thread, thread_stack + sizeof thread_stack,
		CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID,
		NULL, NULL, NULL, &thread_alive);
	if (tid < 0) {
		printf("clone: -1 %s\n", errname(errno));
		return;
	}
	/* CLONE_CHILD_CLEARTID: the kernel zeroes the word and wakes it when the thread is gone. */
	while (thread_alive)
		syscall(SYS_futex, &thread_alive, FUTEX_WAIT, 1, NULL, NULL, 0);
	printf("main thread lives on after its thread was killed\n");
}

static void unknown_action(void)
{
	nnp();
	result("install", deny(SYS_getsid, 0x00010000u, 0));
	flush();
	syscall(SYS_getsid, 0);
	printf("survived an unknown action\n");
}

static void other_actions(void)
{
	nnp();
	result("install TRACE", deny(SYS_getsid, RET_TRACE | 5, 0));
	result("getsid with TRACE and no tracer", syscall(SYS_getsid, 0));
	result("install USER_NOTIF", deny(SYS_getpgid, RET_USER_NOTIF, 0));
	result("getpgid with USER_NOTIF and no listener", syscall(SYS_getpgid, 0) >= 0 ? 0 : -1);
	result("install LOG", deny(SYS_getppid, RET_LOG, FLAG_LOG));
	result("getppid with LOG runs", syscall(SYS_getppid) >= 0 ? 0 : -1);
	status_lines("actions");
}

/* Stacked filters: the lowest action wins, whatever the order; among equal actions the newest
 * filter's data. */
static void precedence(void)
{
	nnp();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	result("ERRNO(EIO) for getppid", deny(SYS_getppid, RET_ERRNO | EIO, 0));
	result("then TRAP for getppid", deny(SYS_getppid, RET_TRAP | 9, 0));
	trap_seen = 0;
	long r = syscall(SYS_getppid);
	printf("getppid: %ld, trapped: %s\n", r, trap_seen ? "yes" : "no");
	result("TRAP for getsid", deny(SYS_getsid, RET_TRAP | 1, 0));
	result("then ERRNO(EIO) for getsid", deny(SYS_getsid, RET_ERRNO | EIO, 0));
	trap_seen = 0;
	r = syscall(SYS_getsid, 0);
	printf("getsid: %ld, trapped: %s\n", r, trap_seen ? "yes" : "no");
	result("ERRNO(ENXIO) for getpgid", deny(SYS_getpgid, RET_ERRNO | ENXIO, 0));
	result("then ERRNO(E2BIG) for getpgid", deny(SYS_getpgid, RET_ERRNO | E2BIG, 0));
	result("then LOG for getpgid", deny(SYS_getpgid, RET_LOG, 0));
	result("getpgid (the newest ERRNO)", syscall(SYS_getpgid, 0));
	result("ALLOW with data, for getpgrp", deny(SYS_getpgrp, RET_ALLOW | 3, 0));
	result("getpgrp runs", syscall(SYS_getpgrp) >= 0 ? 0 : -1);
	status_lines("stacked");
}

/* ---- the instructions ----------------------------------------------------------- */

/* For getppid(args[0]): computes a value with every kind of instruction and returns it as
 * ERRNO; other calls are allowed. */
static void instructions(void)
{
	nnp();
	struct sf f[] = {
		S(LD_W_ABS, SD_NR),
		J(JEQ_K, SYS_getppid, 1, 0),
		S(RET_K, RET_ALLOW),
		S(LD_W_ABS, SD_ARG0),     /* A = arg0 */
		S(ST, 0),                 /* M[0] = arg0 */
		S(ALU_ADD_K, 3),          /* A = arg0 + 3 */
		S(ALU_MUL_K, 5),
		S(ALU_SUB_K, 1),
		S(TAX, 0),                /* X = A */
		S(LD_W_LEN, 0),           /* A = 64 */
		S(ALU_ADD_X, 0),          /* A = 64 + X */
		S(STX, 1),
		S(LDX_W_LEN, 0),          /* X = 64 */
		S(ALU_DIV_X, 0),          /* A /= 64 */
		S(ALU_LSH_K, 4),
		S(ALU_OR_K, 1),
		S(ALU_XOR_K, 0x30),
		S(LDX_IMM, 2),
		S(ALU_RSH_X, 0),          /* A >>= 2 */
		S(ALU_LSH_X, 0),          /* A <<= 2 */
		S(LDX_MEM, 1),
		S(ALU_AND_X, 0),
		S(ALU_SUB_X, 0),
		S(ALU_NEG, 0),            /* A = -(A - X) */
		S(ALU_MUL_X, 0),
		S(ALU_XOR_X, 0),
		S(ALU_RSH_K, 3),
		S(ALU_AND_K, 0x7ff),
		J(JSET_K, 0x400, 0, 1),
		S(ALU_SUB_K, 0x400),
		J(JGT_K, 2000, 0, 1),
		S(ALU_DIV_K, 2),
		S(LDX_MEM, 0),
		J(JGE_X, 0, 0, 1),        /* A >= arg0 ? */
		S(ALU_ADD_K, 1),
		J(JEQ_X, 0, 1, 0),
		S(TXA, 0),
		S(ALU_OR_K, RET_ERRNO),
		S(RET_A, 0),
	};
	result("install", install(f, sizeof f / sizeof f[0], 0));
	for (long x = 0; x < 2000; x += 347)
		printf("computed errno for %ld: %ld\n", x, syscall(SYS_getppid, x) < 0 ? (long)errno : -1L);

	/* The instruction pointer and the arguments' high words reach the filter. */
	struct sf ip[] = {
		S(LD_W_ABS, SD_NR),
		J(JEQ_K, SYS_getpgid, 1, 0),
		S(RET_K, RET_ALLOW),
		S(LD_W_ABS, SD_ARG0 + 4),
		J(JEQ_K, 0x1234, 0, 2),
		S(LD_W_ABS, SD_IP),
		S(ALU_AND_K, 0xfff),
		S(ALU_OR_K, RET_ERRNO),
		S(RET_A, 0),
	};
	result("install ip filter", install(ip, sizeof ip / sizeof ip[0], 0));
	long r = syscall(SYS_getpgid, 0x123400000000L);
	printf("ip & 0xfff through ERRNO: %ld\n", r < 0 ? (long)errno : -1L);

	/* A division by X = 0 ends the program with 0: KILL_THREAD. */
	pid_t pid = xfork();
	if (pid == 0) {
		struct sf div[] = {
			S(LD_W_ABS, SD_NR),
			J(JEQ_K, SYS_getsid, 1, 0),
			S(RET_K, RET_ALLOW),
			S(LDX_IMM, 0),
			S(ALU_DIV_X, 0),
			S(RET_K, RET_ALLOW),
		};
		result("install division by X", install(div, sizeof div / sizeof div[0], 0));
		flush();
		syscall(SYS_getsid, 0);
		printf("survived a division by zero\n");
		flush();
		_exit(0);
	}
	printf("division by X = 0: child %s\n", wstatus(xwait(pid)));
}

/* ---- threads ----------------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int step;
static long thread_tid;

static void wait_step(int s)
{
	pthread_mutex_lock(&mu);
	while (step < s)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void set_step(int s)
{
	pthread_mutex_lock(&mu);
	step = s;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void *tsync_thread(void *a)
{
	int own = *(int *)a;
	thread_tid = syscall(SYS_gettid);
	if (own)
		result("thread: its own filter", deny(SYS_getpgrp, RET_ERRNO | EIO, 0));
	set_step(1);
	wait_step(2);
	long r = syscall(SYS_getppid);
	printf("thread: getppid after the main thread's filter: %s\n", r < 0 ? errname(errno) : "runs");
	printf("thread: PR_GET_SECCOMP %d, NoNewPrivs %d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	set_step(3);
	return NULL;
}

static void tsync_case(int own, unsigned flags)
{
	pthread_t th;
	step = 0;
	pthread_create(&th, NULL, tsync_thread, &own);
	wait_step(1);
	long r = deny(SYS_getppid, RET_ERRNO | ENOTTY, flags);
	if (r > 0)
		printf("main: TSYNC returned the thread's id: %s\n", r == thread_tid ? "yes" : "no");
	else
		result("main: install", r);
	set_step(2);
	wait_step(3);
	pthread_join(th, NULL);
}

static void tsync(void)
{
	nnp();
	printf("without TSYNC:\n");
	tsync_case(0, 0);
}

static void tsync_ok(void)
{
	nnp();
	printf("with TSYNC:\n");
	tsync_case(0, FLAG_TSYNC);
}

static void tsync_conflict(void)
{
	nnp();
	printf("with TSYNC, the thread has a filter of its own:\n");
	tsync_case(1, FLAG_TSYNC);
}

static void tsync_esrch(void)
{
	nnp();
	printf("with TSYNC|TSYNC_ESRCH, the thread has a filter of its own:\n");
	tsync_case(1, FLAG_TSYNC | FLAG_TSYNC_ESRCH);
}

/* no_new_privs reaches the other threads with TSYNC: the thread here has not set it. */
static void tsync_root(void)
{
	printf("with TSYNC as root, no no_new_privs:\n");
	tsync_case(0, FLAG_TSYNC);
}

/* ---- strict mode ------------------------------------------------------------------- */

static void strict_kill(void)
{
	flush();
	long r = syscall(SYS_seccomp, OP_STRICT, 0, NULL);
	static const char msg[] = "strict: write works\n";
	if (r == 0)
		syscall(SYS_write, 1, msg, sizeof msg - 1);
	syscall(SYS_getpid);
	static const char after[] = "strict: survived getpid\n";
	syscall(SYS_write, 1, after, sizeof after - 1);
	syscall(SYS_exit, 0);
}

static void strict_exit(void)
{
	flush();
	long r = prctl(PR_SET_SECCOMP, 1, 0, 0, 0);
	char buf[1];
	static const char msg[] = "strict: read of a bad fd: ";
	syscall(SYS_write, 1, msg, sizeof msg - 1);
	long n = syscall(SYS_read, -1, buf, 1);
	static const char ebadf[] = "EBADF\n", other[] = "other\n";
	if (n < 0 && errno == EBADF)
		syscall(SYS_write, 1, ebadf, sizeof ebadf - 1);
	else
		syscall(SYS_write, 1, other, sizeof other - 1);
	syscall(SYS_exit, r == 0 ? 3 : 4);
}

static void strict_exit_group(void)
{
	flush();
	syscall(SYS_seccomp, OP_STRICT, 0, NULL);
	syscall(SYS_exit_group, 5);
}

/* ---- after execve ---------------------------------------------------------------- */

static int exec_check(void)
{
	result("exec'd: PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	result("exec'd: getppid", syscall(SYS_getppid));
	status_lines("exec'd");
	return 0;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "exec-check") == 0)
		return exec_check();
	setvbuf(stdout, NULL, _IOLBF, 0);
	in_child("operations", api);
	in_child("unprivileged", unprivileged);
	in_child("root without no_new_privs", root_without_nnp);
	in_child("invalid programs", invalid);
	in_child("ERRNO", errno_action);
	in_child("TRAP", trap_action);
	in_child("KILL_PROCESS", kill_process);
	in_child("KILL_THREAD of the only thread", kill_thread_alone);
	in_child("KILL_THREAD of one thread of two", kill_thread_of_many);
	in_child("unknown action", unknown_action);
	in_child("TRACE, USER_NOTIF, LOG", other_actions);
	in_child("precedence", precedence);
	in_child("instructions", instructions);
	in_child("no TSYNC", tsync);
	in_child("TSYNC", tsync_ok);
	in_child("TSYNC conflict", tsync_conflict);
	in_child("TSYNC_ESRCH", tsync_esrch);
	in_child("TSYNC as root", tsync_root);
	in_child("strict mode kills", strict_kill);
	in_child("strict mode: read, write, exit", strict_exit);
	in_child("strict mode: exit_group kills", strict_exit_group);
	status_lines("end");
	return 0;
}
