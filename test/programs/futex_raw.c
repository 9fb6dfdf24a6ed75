/* Raw futex(2): WAIT (value mismatch EAGAIN, relative timeout ETIMEDOUT),
 * WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET/WAKE_BITSET (absolute
 * deadlines on both clocks, bit masks), the argument errors, and a shared
 * (non-private) futex in MAP_SHARED memory across fork. To know a thread is
 * blocked, waiters() requeues a futex's waiters onto itself without waking
 * any (CMP_REQUEUE with nr_wake 0), which returns how many there are. */
#include "proc.h"
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#define OP_SET 0
#define OP_ADD 1
#define OP_OR 2
#define CMP_EQ 0
#define CMP_NE 1
#define CMP_GT 4

static long futex(void *uaddr, int op, long val, const void *timeout_or_val2, void *uaddr2, long val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static long long now_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct timespec abs_in(clockid_t c, long ms)
{
	long long n = now_ns(c) + ms * 1000000LL;
	struct timespec t = { n / 1000000000LL, n % 1000000000LL };
	return t;
}

/* How many threads wait on `f` (private): requeue them onto `f` itself. */
static long waiters(int *f)
{
	return futex(f, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 0, (void *)(long)INT_MAX, f, *f);
}

static void until_waiting(int *f, long n)
{
	for (int i = 0; i < 10000 && waiters(f) < n; i++) {
		struct timespec t = { 0, 1000000 };
		nanosleep(&t, NULL);
	}
}

static int f1, f2;

static void *wait_f1(void *a)
{
	(void)a;
	while (f1 == 0) {
		long r = futex(&f1, FUTEX_WAIT | FUTEX_PRIVATE, 0, NULL, NULL, 0);
		if (r == 0)
			return (void *)1; /* woken */
	}
	return (void *)2;
}

static void *wait_f2(void *a)
{
	(void)a;
	long r = futex(&f2, FUTEX_WAIT | FUTEX_PRIVATE, f2, NULL, NULL, 0);
	return (void *)(r == 0 ? 1L : 2L);
}

static void *wait_bits(void *a)
{
	long r = futex(&f1, FUTEX_WAIT_BITSET | FUTEX_PRIVATE, 0, NULL, NULL, (long)a);
	return (void *)(r == 0 ? 1L : 2L);
}

static long joined(pthread_t t)
{
	void *r;
	pthread_join(t, &r);
	return (long)r;
}

int main(void)
{
	int w = 5;
	check("WAIT with a value that does not match", futex(&w, FUTEX_WAIT, 4, NULL, NULL, 0));
	check("WAIT_PRIVATE with a value that does not match", futex(&w, FUTEX_WAIT | FUTEX_PRIVATE, 4, NULL, NULL, 0));
	struct timespec rel = { 0, 30 * 1000 * 1000 };
	long long t0 = now_ns(CLOCK_MONOTONIC);
	check("WAIT 30 ms (relative)", futex(&w, FUTEX_WAIT, 5, &rel, NULL, 0));
	fact("  waited at least 25 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 25000000);
	struct timespec dl = abs_in(CLOCK_MONOTONIC, 30);
	t0 = now_ns(CLOCK_MONOTONIC);
	check("WAIT_BITSET until a CLOCK_MONOTONIC deadline", futex(&w, FUTEX_WAIT_BITSET, 5, &dl, NULL, -1));
	fact("  waited at least 25 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 25000000);
	dl = abs_in(CLOCK_REALTIME, 30);
	t0 = now_ns(CLOCK_MONOTONIC);
	check("WAIT_BITSET|CLOCK_REALTIME until a deadline",
	      futex(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &dl, NULL, -1));
	fact("  waited at least 25 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 25000000);
	dl = abs_in(CLOCK_MONOTONIC, -1000);
	check("WAIT_BITSET with a deadline in the past", futex(&w, FUTEX_WAIT_BITSET, 5, &dl, NULL, -1));
	check("WAIT_BITSET with bitset 0", futex(&w, FUTEX_WAIT_BITSET, 5, &dl, NULL, 0));
	check("WAIT|CLOCK_REALTIME (only for the BITSET ops)", futex(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, &rel, NULL, 0));
	struct timespec badts = { 0, 1000000000 };
	check("WAIT with tv_nsec 1e9", futex(&w, FUTEX_WAIT, 5, &badts, NULL, 0));
	struct timespec negts = { -1, 0 };
	check("WAIT with a negative timeout", futex(&w, FUTEX_WAIT, 5, &negts, NULL, 0));
	check("WAIT on an unaligned address", futex((char *)&w + 1, FUTEX_WAIT, 5, &rel, NULL, 0));
	check("WAIT on NULL", futex(NULL, FUTEX_WAIT, 5, &rel, NULL, 0));
	check("WAIT with a bad timeout pointer", futex(&w, FUTEX_WAIT, 5, (void *)1, NULL, 0));
	check("operation 99", futex(&w, 99, 0, NULL, NULL, 0));
	checkval("WAKE with no waiters", futex(&w, FUTEX_WAKE, 1, NULL, NULL, 0));
	checkval("WAKE_BITSET with bitset 0", futex(&w, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
	checkval("CMP_REQUEUE with a value that does not match", futex(&w, FUTEX_CMP_REQUEUE, 1, (void *)1L, &f2, 4));
	checkval("CMP_REQUEUE with a negative count", futex(&w, FUTEX_CMP_REQUEUE, -1, (void *)1L, &f2, 5));

	/* WAKE one waiter. */
	pthread_t t[4];
	pthread_create(&t[0], NULL, wait_f1, NULL);
	until_waiting(&f1, 1);
	checkval("waiters on f1 (self-requeue count)", waiters(&f1));
	checkval("WAKE 1", futex(&f1, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0));
	printf("  the waiter returned from WAIT with 0: %s\n", joined(t[0]) == 1 ? "yes" : "no");

	/* CMP_REQUEUE: wake 1 of 3, move the other 2 to f2. */
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, wait_f1, NULL);
	until_waiting(&f1, 3);
	checkval("CMP_REQUEUE wake 1, requeue 2 (returns woken + requeued)",
		 futex(&f1, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 1, (void *)2L, &f2, 0));
	checkval("  waiters left on f1", waiters(&f1));
	checkval("  waiters now on f2", waiters(&f2));
	checkval("  WAKE all on f2", futex(&f2, FUTEX_WAKE | FUTEX_PRIVATE, INT_MAX, NULL, NULL, 0));
	long woken = 0;
	for (int i = 0; i < 3; i++)
		woken += joined(t[i]) == 1;
	printf("  threads that returned 0 from WAIT: %ld\n", woken);

	/* REQUEUE (no compare): wake 0, move all. */
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, wait_f1, NULL);
	until_waiting(&f1, 3);
	checkval("REQUEUE wake 0, requeue all", futex(&f1, FUTEX_REQUEUE | FUTEX_PRIVATE, 0, (void *)(long)INT_MAX, &f2, 0));
	checkval("  WAKE 2 on f2", futex(&f2, FUTEX_WAKE | FUTEX_PRIVATE, 2, NULL, NULL, 0));
	checkval("  WAKE all on f2", futex(&f2, FUTEX_WAKE | FUTEX_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 3; i++)
		joined(t[i]);

	/* WAKE_OP with nobody waiting: the operation still happens. */
	f2 = 0;
	checkval("WAKE_OP (f2 += 5; wake f2 if it was 0), no waiters",
		 futex(&f1, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, (void *)1L, &f2, FUTEX_OP(OP_ADD, 5, CMP_EQ, 0)));
	printf("  f2 is now %d\n", f2);
	checkval("WAKE_OP (f2 |= 8 with OPARG_SHIFT 1<<3; wake if it was > 100)",
		 futex(&f1, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, (void *)1L, &f2, FUTEX_OP(OP_OR | 8, 3, CMP_GT, 100)));
	printf("  f2 is now %d\n", f2);
	/* With a waiter on each futex. */
	pthread_create(&t[0], NULL, wait_f1, NULL);
	pthread_create(&t[1], NULL, wait_f2, NULL);
	until_waiting(&f1, 1);
	until_waiting(&f2, 1);
	checkval("WAKE_OP (f2 = 1; wake f2 if it was != 0), a waiter on each",
		 futex(&f1, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, (void *)1L, &f2, FUTEX_OP(OP_SET, 1, CMP_NE, 0)));
	printf("  f2 is now %d; both returned 0 from WAIT: %s\n", f2, joined(t[0]) == 1 && joined(t[1]) == 1 ? "yes" : "no");
	checkval("WAKE_OP on a bad uaddr2", futex(&f1, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, (void *)1L, NULL, 0));

	/* Bitsets: a wake reaches only waiters whose mask intersects. */
	pthread_create(&t[0], NULL, wait_bits, (void *)1L);
	pthread_create(&t[1], NULL, wait_bits, (void *)2L);
	pthread_create(&t[2], NULL, wait_bits, (void *)3L);
	until_waiting(&f1, 3);
	checkval("WAKE_BITSET mask 4 (nobody)", futex(&f1, FUTEX_WAKE_BITSET | FUTEX_PRIVATE, INT_MAX, NULL, NULL, 4));
	checkval("WAKE_BITSET mask 2 (waiters 2 and 3)", futex(&f1, FUTEX_WAKE_BITSET | FUTEX_PRIVATE, INT_MAX, NULL, NULL, 2));
	checkval("WAKE (all bits)", futex(&f1, FUTEX_WAKE | FUTEX_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 3; i++)
		joined(t[i]);

	/* A shared futex across fork: the child waits, the parent wakes. */
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t c = xfork();
	if (c == 0) {
		while (__atomic_load_n(shared, __ATOMIC_SEQ_CST) == 0)
			futex(shared, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(*shared);
	}
	long n = 0;
	for (int i = 0; i < 10000 && n < 1; i++) {
		n = futex(shared, FUTEX_CMP_REQUEUE, 0, (void *)(long)INT_MAX, shared, 0);
		struct timespec ms = { 0, 1000000 };
		if (n < 1)
			nanosleep(&ms, NULL);
	}
	printf("shared futex: the child is waiting: %s\n", n == 1 ? "yes" : "no");
	checkval("  a PRIVATE wake does not reach it", futex(shared, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0));
	__atomic_store_n(shared, 9, __ATOMIC_SEQ_CST);
	checkval("  a shared wake does", futex(shared, FUTEX_WAKE, 1, NULL, NULL, 0));
	printf("  child: %s\n", wstatus(xwait(c)));
	return 0;
}
