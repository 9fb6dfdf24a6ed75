/* futex(2) corners checked against Linux: a private wake needs no mapped
 * page, a shared one does; WAKE with a count of 0 or -1 still wakes one;
 * WAKE_OP with an unknown operation changes nothing (ENOSYS) and with an
 * unknown comparison stores first; a timed wait interrupted by a handler is
 * EINTR even with SA_RESTART, an untimed one is restarted; a timed wait
 * survives a stop and continue (restart_syscall) and times out on time. */
#include "proc.h"
#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_PRIVATE 128

static long futex(void *uaddr, int op, long val, const void *timeout_or_val2, void *uaddr2, long val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static int word;
static volatile int handled;
static void on_alrm(int s) { (void)s; handled++; }

static long waiters(int *f) { return futex(f, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 0, (void *)(long)INT_MAX, f, *f); }

static void until_waiting(int *f)
{
	for (int i = 0; i < 5000 && waiters(f) < 1; i++) {
		struct timespec t = { 0, 1000000 };
		nanosleep(&t, NULL);
	}
}

static void *waiter(void *a)
{
	(void)a;
	return (void *)futex(&word, FUTEX_WAIT | FUTEX_PRIVATE, 0, NULL, NULL, 0);
}

static void arm(int ms)
{
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);
	checkval("WAKE_PRIVATE on an unmapped page", futex(gone, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0));
	checkval("WAKE (shared) on an unmapped page", futex(gone, FUTEX_WAKE, 1, NULL, NULL, 0));
	checkval("WAKE_PRIVATE on a kernel address", futex((void *)0xffff800000000000UL, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0));

	for (int n = 0; n >= -1; n--) {
		pthread_t t;
		word = 0;
		pthread_create(&t, NULL, waiter, NULL);
		until_waiting(&word);
		printf("WAKE with count %d and one waiter: %ld\n", n, futex(&word, FUTEX_WAKE | FUTEX_PRIVATE, n, NULL, NULL, 0));
		pthread_join(t, NULL);
	}

	int w2 = 5;
	long r = futex(&word, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, (void *)1L, &w2, (7 << 28) | (0 << 24) | (1 << 12));
	printf("WAKE_OP with operation 7: %ld %s, uaddr2 still 5: %s\n", r, r < 0 ? errname(errno) : "", w2 == 5 ? "yes" : "no");
	r = futex(&word, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, (void *)1L, &w2, (0 << 28) | (9 << 24) | (7 << 12));
	printf("WAKE_OP SET 7 with comparison 9: %ld %s, uaddr2 now %d\n", r, r < 0 ? errname(errno) : "", w2);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	word = 0;
	struct timespec two = { 2, 0 };
	arm(50);
	long long t0 = now_ms();
	r = futex(&word, FUTEX_WAIT | FUTEX_PRIVATE, 0, &two, NULL, 0);
	printf("timed WAIT interrupted by an SA_RESTART handler: %ld %s, handler %d, before 1 s %s\n", r, errname(errno),
	       handled, now_ms() - t0 < 1000 ? "yes" : "no");

	/* Untimed: restarted after the handler; a thread wakes it later. */
	handled = 0;
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	until_waiting(&word);
	arm(30);
	struct timespec d = { 0, 100 * 1000 * 1000 };
	nanosleep(&d, NULL); /* the alarm interrupts this; it is not restarted (EINTR) */
	until_waiting(&word);
	printf("untimed WAIT in a thread, SIGALRM handled %d: still waiting %s\n", handled, waiters(&word) == 1 ? "yes" : "no");
	long woke = futex(&word, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0);
	void *ret;
	pthread_join(t, &ret);
	printf("  WAKE: %ld; the thread's WAIT returned %ld\n", woke, (long)ret);

	/* A child in a 400 ms timed wait, stopped and continued: it times out on time. */
	int p[2];
	pipe(p);
	pid_t c = xfork();
	if (c == 0) {
		int x = 0;
		struct timespec q = { 0, 400 * 1000 * 1000 };
		long long s0 = now_ms();
		long rr = futex(&x, FUTEX_WAIT | FUTEX_PRIVATE, 0, &q, NULL, 0);
		long long e = now_ms() - s0;
		char out = (char)(rr == -1 && errno == ETIMEDOUT && e >= 390 ? 'y' : 'n');
		write(p[1], &out, 1);
		_exit(0);
	}
	struct timespec ms50 = { 0, 50 * 1000 * 1000 };
	nanosleep(&ms50, NULL);
	kill(c, SIGSTOP);
	int st;
	waitpid(c, &st, WUNTRACED);
	nanosleep(&ms50, NULL);
	kill(c, SIGCONT);
	char got = '?';
	read(p[0], &got, 1);
	printf("a child stopped and continued in a timed WAIT: ETIMEDOUT after its whole timeout %s\n", got == 'y' ? "yes" : "no");
	xwait(c);
	return 0;
}
