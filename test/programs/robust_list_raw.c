/* The robust futex list (set_robust_list) built by hand and walked when its
 * thread dies, as Linux's exit_robust_list: a word the dead thread owns gets
 * FUTEX_OWNER_DIED (its FUTEX_WAITERS bit kept, the tid cleared) and a waiter
 * is woken; a word another tid owns is left alone; an entry whose pointer has
 * the PI bit is marked too; list_op_pending is handled once, last, and a
 * released word there (owner 0) is not marked; at most 2048 entries are
 * walked; a process killed by SIGKILL is walked as well. get_robust_list and
 * the argument errors. */
#include "proc.h"
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* From linux/futex.h (not every C library ships the kernel headers). */
struct robust_list {
	struct robust_list *next;
};
struct robust_list_head {
	struct robust_list list;
	long futex_offset;
	struct robust_list *list_op_pending;
};
#define FUTEX_WAIT 0
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAITERS 0x80000000
#define FUTEX_OWNER_DIED 0x40000000
#define FUTEX_TID_MASK 0x3fffffff

struct lock {
	struct robust_list list;
	int word;
};

#define N 2100
static struct lock *locks;
static struct robust_list_head *head;
static int mode;
static int tids[4];

static long futex(void *uaddr, int op, long val, const void *t, void *uaddr2, long val3)
{
	return syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
}

static long waiters(int *f) { return futex(f, FUTEX_CMP_REQUEUE, 0, (void *)(long)INT_MAX, f, *f); }

static void until_waiting(int *f)
{
	for (int i = 0; i < 5000 && waiters(f) < 1; i++) {
		struct timespec t = { 0, 1000000 };
		nanosleep(&t, NULL);
	}
}

/* Links locks[0..n) into h, each word owned by tid. */
static void build(struct robust_list_head *h, struct lock *l, int n, int tid)
{
	h->futex_offset = offsetof(struct lock, word) - offsetof(struct lock, list);
	h->list_op_pending = NULL;
	struct robust_list *prev = &h->list;
	for (int i = 0; i < n; i++) {
		l[i].word = tid;
		prev->next = &l[i].list;
		prev = &l[i].list;
	}
	prev->next = &h->list;
}

static void *dying(void *a)
{
	(void)a;
	int tid = (int)syscall(SYS_gettid);
	tids[mode] = tid;
	if (mode == 0) {
		build(head, locks, 5, tid);
		locks[1].word = tid + 1;               /* another thread's */
		locks[2].word = tid | FUTEX_WAITERS;   /* ours, a waiter: the main thread */
		head->list_op_pending = &locks[3].list; /* ours, also on the list */
		/* locks[4] is reached through a pointer with the PI bit */
		locks[3].list.next = (struct robust_list *)((uintptr_t)&locks[4].list | 1);
		syscall(SYS_set_robust_list, head, sizeof *head);
		until_waiting(&locks[2].word);
	} else if (mode == 1) {
		build(head, locks, N, tid);
		syscall(SYS_set_robust_list, head, sizeof *head);
	} else {
		build(head, locks, 1, tid);
		locks[1].word = 0;
		head->list_op_pending = &locks[1].list; /* being released: owner 0 */
		syscall(SYS_set_robust_list, head, sizeof *head);
	}
	return NULL;
}

static const char *state(int w, int tid)
{
	static char b[4][64];
	static int k;
	char *s = b[k++ & 3];
	int owner = w & FUTEX_TID_MASK;
	snprintf(s, 64, "%s%s%s", (w & FUTEX_OWNER_DIED) ? "OWNER_DIED " : "", (w & FUTEX_WAITERS) ? "WAITERS " : "",
		 owner == 0 ? "no owner" : owner == tid ? "owner the dead thread" : "another owner");
	return s;
}

int main(void)
{
	locks = mmap(NULL, sizeof(struct lock) * (N + 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	head = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	struct robust_list_head *cur = NULL;
	size_t len = 0;
	check("get_robust_list(0)", syscall(SYS_get_robust_list, 0, &cur, &len));
	printf("  len %zu, a head set by the C library %s\n", len, cur != NULL ? "yes" : "no");
	check("set_robust_list with len 23", syscall(SYS_set_robust_list, head, 23));
	check("get_robust_list of pid 999999", syscall(SYS_get_robust_list, 999999, &cur, &len));

	pthread_t t;
	mode = 0;
	locks[2].word = 1; /* not yet the thread's: wait until it is */
	pthread_create(&t, NULL, dying, NULL);
	while (__atomic_load_n(&locks[2].word, __ATOMIC_SEQ_CST) == 1)
		sched_yield();
	struct timespec five = { 5, 0 };
	int v = locks[2].word;
	long r = futex(&locks[2].word, FUTEX_WAIT, v, &five, NULL, 0);
	printf("waiter on a word the thread owned when it died: %ld %s\n", r, r < 0 ? errname(errno) : "(woken)");
	pthread_join(t, NULL);
	int tid = tids[0];
	printf("  entry 0, ours: %s\n", state(locks[0].word, tid));
	printf("  entry 1, another tid's: %s\n", state(locks[1].word, tid));
	printf("  entry 2, ours with a waiter: %s\n", state(locks[2].word, tid));
	printf("  entry 3, ours and list_op_pending: %s\n", state(locks[3].word, tid));
	printf("  entry 4, ours through a PI pointer: %s\n", state(locks[4].word, tid));

	mode = 1;
	pthread_create(&t, NULL, dying, NULL);
	pthread_join(t, NULL);
	int marked = 0, last = -1;
	for (int i = 0; i < N; i++)
		if (locks[i].word & FUTEX_OWNER_DIED) {
			marked++;
			last = i;
		}
	printf("2100 entries: %d marked, the last one #%d\n", marked, last);

	mode = 2;
	pthread_create(&t, NULL, dying, NULL);
	pthread_join(t, NULL);
	printf("list_op_pending naming a released word: %s\n", state(locks[1].word, tids[2]));

	/* A process killed by SIGKILL owning a word in shared memory; the parent waits on it. */
	struct lock *sl = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sl[0].word = 1;
	pid_t c = xfork();
	if (c == 0) {
		static struct robust_list_head h2;
		int me = (int)syscall(SYS_gettid);
		build(&h2, sl, 1, me);
		sl[0].word = me | FUTEX_WAITERS;
		syscall(SYS_set_robust_list, &h2, sizeof h2);
		until_waiting(&sl[0].word);
		pause();
		_exit(0);
	}
	while (__atomic_load_n(&sl[0].word, __ATOMIC_SEQ_CST) == 1)
		sched_yield();
	pid_t killer = xfork();
	if (killer == 0) {
		until_waiting(&sl[0].word);
		kill(c, SIGKILL);
		_exit(0);
	}
	v = sl[0].word;
	r = futex(&sl[0].word, FUTEX_WAIT, v, &five, NULL, 0);
	printf("waiter on a word a SIGKILLed process owned: %ld %s, word %s\n", r, r < 0 ? errname(errno) : "(woken)",
	       state(sl[0].word, c));
	printf("  child: %s\n", wstatus(xwait(c)));
	xwait(killer);
	return 0;
}
