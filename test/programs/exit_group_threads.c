/* Ending a multi-threaded process: exit() from a thread while others are
 * blocked (pipe read, futex, nanosleep, spinning) ends all of them; SYS_exit
 * ends only one thread (and pthread_join still sees it go, through
 * CLONE_CHILD_CLEARTID); the main thread's pthread_exit or SYS_exit leaves
 * the others running; execve from a thread replaces the whole process. The
 * program itself ends with status 3 from main while its threads block. */
#include "proc.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

static int blockpipe[2];
static atomic_int futex_word;
static atomic_int started;
static char *self;

static void *reader(void *a) { (void)a; char b; started++; read(blockpipe[0], &b, 1); return NULL; }
static void *sleeper(void *a) { (void)a; started++; struct timespec t = { 100, 0 }; nanosleep(&t, NULL); return NULL; }
static void *spinner(void *a) { (void)a; started++; for (;;) __asm__ volatile("pause"); return NULL; }
static void *futexer(void *a)
{
	(void)a;
	started++;
	syscall(SYS_futex, &futex_word, 0 /* FUTEX_WAIT */, 0, NULL, NULL, 0);
	return NULL;
}

static void start_blockers(void)
{
	pthread_t t;
	pipe(blockpipe);
	pthread_create(&t, NULL, reader, NULL);
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, spinner, NULL);
	pthread_create(&t, NULL, futexer, NULL);
	while (started < 4)
		sched_yield();
}

static void *exit5(void *a)
{
	(void)a;
	struct timespec t = { 0, 20 * 1000 * 1000 };
	nanosleep(&t, NULL);
	printf("  thread calls exit(5)\n");
	exit(5);
}

/* A bare clone thread (no C library thread state) that ends with SYS_exit. */
static int raw_exit_fn(void *a)
{
	(void)a;
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(SYS_exit), "D"(7) : "rcx", "r11", "memory");
	return 0;
}

static void *outlive_main(void *a)
{
	(void)a;
	struct timespec t = { 0, 30 * 1000 * 1000 };
	nanosleep(&t, NULL);
	printf("  a thread outlived the main thread's %s\n", (const char *)a);
	flush();
	return NULL; /* the last thread: the process exits with 0 */
}

static void *outlive_then_exit(void *a)
{
	(void)a;
	struct timespec t = { 0, 30 * 1000 * 1000 };
	nanosleep(&t, NULL);
	printf("  thread calls exit(4) after the main thread's SYS_exit\n");
	flush();
	exit(4);
}

static void *exec_from_thread(void *a)
{
	char pid[16];
	snprintf(pid, sizeof pid, "%d", *(int *)a);
	char *args[] = { self, "after-exec", pid, NULL };
	char *env[] = { NULL };
	execve(self, args, env);
	printf("execve from a thread failed: %s\n", errname(errno));
	flush();
	_exit(127);
}

/* Runs this program again with MODE in a child and prints how it ended (a
 * fresh exec, not a fork: musl's fork leaves the main thread without
 * CLONE_CHILD_CLEARTID, so pthread_exit of a forked main thread hangs). */
static void run_mode(const char *label, const char *mode)
{
	printf("%s:\n", label);
	pid_t c = xfork();
	if (c == 0) {
		char *args[] = { self, (char *)mode, NULL };
		char *env[] = { NULL };
		execve(self, args, env);
		_exit(127);
	}
	printf("  -> %s\n", wstatus(xwait(c)));
}

int main(int argc, char **argv)
{
	self = argv[0];
	const char *mode = argc > 1 ? argv[1] : "";
	if (argc > 2 && strcmp(mode, "after-exec") == 0) {
		printf("  exec'd from a thread: same pid %s, main thread's tid is the pid %s\n",
		       atoi(argv[2]) == getpid() ? "yes" : "no", syscall(SYS_gettid) == getpid() ? "yes" : "no");
		return 6;
	}
	if (strcmp(mode, "exit-from-thread") == 0) {
		start_blockers();
		pthread_t t;
		pthread_create(&t, NULL, exit5, NULL);
		pthread_join(t, NULL); /* never returns */
		printf("join returned\n");
		return 99;
	}
	if (strcmp(mode, "thread-sys-exit") == 0) {
		/* A clone thread with CLONE_CHILD_CLEARTID: the kernel clears the
		 * tid word and wakes its futex when the thread exits. */
		static volatile int ctid = -1, ptid;
		char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
			    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
		int tid = clone(raw_exit_fn, stack + 65536, flags, NULL, &ptid, NULL, &ctid);
		printf("  clone: %s, parent tid written %s\n", tid > 0 ? "ok" : errname(errno), tid == ptid ? "yes" : "no");
		int v;
		while ((v = ctid) != 0)
			syscall(SYS_futex, &ctid, 0 /* FUTEX_WAIT */, v, NULL, NULL, 0);
		printf("  the tid word was cleared at its exit; the process goes on\n");
		return 0;
	}
	if (strcmp(mode, "main-pthread-exit") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, outlive_main, "pthread_exit");
		pthread_exit(NULL);
	}
	if (strcmp(mode, "main-sys-exit") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, outlive_then_exit, NULL);
		syscall(SYS_exit, 0);
	}
	if (strcmp(mode, "exec-from-thread") == 0) {
		start_blockers();
		int me = getpid();
		pthread_t t;
		pthread_create(&t, NULL, exec_from_thread, &me);
		pthread_join(t, NULL);
		return 98;
	}

	run_mode("exit() from a thread while four block", "exit-from-thread");
	run_mode("SYS_exit in a clone thread", "thread-sys-exit");
	run_mode("pthread_exit in the main thread", "main-pthread-exit");
	run_mode("SYS_exit in the main thread, exit(4) in the other", "main-sys-exit");
	run_mode("execve in a thread while four block", "exec-from-thread");

	/* The program's own end: main returns 3 while its threads block. */
	start_blockers();
	printf("main returns 3 with four threads blocked\n");
	return 3;
}
