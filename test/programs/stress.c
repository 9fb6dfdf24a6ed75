/* Stress: 64 threads and 32 processes at once. The threads share a
 * mutex-protected counter and pass a token around a ring of raw futexes;
 * the processes pass a token around a ring of pipes and add to a counter
 * under a process-shared mutex in MAP_SHARED memory, each with a helper
 * thread of its own doing condvar ping-pong. Everything runs concurrently;
 * the totals and checksums are deterministic. */
#include "proc.h"
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define THREADS 64
#define THREAD_ITERS 2000
#define RING_ROUNDS 20
#define PROCS 32
#define PROC_ROUNDS 30
#define PROC_ITERS 1000

/* ---- threads ---- */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int slot[THREADS]; /* thread i waits until slot[i] == its round + 1 */
static uint64_t ring_sum;

static void fwait(int *a, int v) { syscall(SYS_futex, a, 0 | 128, v, NULL, NULL, 0); }
static void fwake(int *a) { syscall(SYS_futex, a, 1 | 128, INT_MAX, NULL, NULL, 0); }

static void *worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < THREAD_ITERS; i++) {
		pthread_mutex_lock(&m);
		counter += id + 1;
		pthread_mutex_unlock(&m);
	}
	for (int r = 0; r < RING_ROUNDS; r++) {
		int v;
		while ((v = __atomic_load_n(&slot[id], __ATOMIC_ACQUIRE)) != r + 1)
			fwait(&slot[id], v);
		ring_sum = ring_sum * 31 + (uint64_t)(id * 1000 + r); /* only the token holder writes */
		int next = (int)((id + 1) % THREADS);
		int nv = next == 0 ? r + 2 : r + 1;
		if (!(id == THREADS - 1 && r == RING_ROUNDS - 1)) {
			__atomic_store_n(&slot[next], nv, __ATOMIC_RELEASE);
			fwake(&slot[next]);
		}
	}
	return NULL;
}

/* ---- processes ---- */
struct shared {
	pthread_mutex_t m;
	long counter;
};

static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static int turn, pings;

static void *pinger(void *a)
{
	long me = (long)a;
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&pm);
		while (turn != me)
			pthread_cond_wait(&pc, &pm);
		pings++;
		turn = !me;
		pthread_cond_broadcast(&pc);
		pthread_mutex_unlock(&pm);
	}
	return NULL;
}

static int child(int idx, int in, int out, struct shared *sh)
{
	pthread_t t;
	pthread_create(&t, NULL, pinger, (void *)1L);
	for (int i = 0; i < PROC_ITERS; i++) {
		pthread_mutex_lock(&sh->m);
		sh->counter += idx + 1;
		pthread_mutex_unlock(&sh->m);
	}
	for (int r = 0; r < PROC_ROUNDS; r++) {
		uint32_t tok;
		if (read(in, &tok, sizeof tok) != sizeof tok)
			return 2;
		tok = tok * 31 + (uint32_t)idx;
		if (write(out, &tok, sizeof tok) != sizeof tok)
			return 3;
	}
	pinger((void *)0L);
	pthread_join(t, NULL);
	return pings == 400 ? 0 : 4;
}

int main(void)
{
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&sh->m, &at);

	/* pipes[i] feeds process i; process PROCS-1 feeds pipes[PROCS] = back to us. */
	int pipes[PROCS + 1][2];
	for (int i = 0; i <= PROCS; i++)
		pipe(pipes[i]);
	pid_t kids[PROCS];
	for (int i = 0; i < PROCS; i++) {
		kids[i] = xfork();
		if (kids[i] == 0) {
			for (int j = 0; j <= PROCS; j++) {
				if (j != i)
					close(pipes[j][0]);
				if (j != i + 1)
					close(pipes[j][1]);
			}
			_exit(child(i, pipes[i][0], pipes[i + 1][1], sh));
		}
	}
	for (int i = 0; i <= PROCS; i++) {
		if (i != PROCS)
			close(pipes[i][0]);
		if (i != 0)
			close(pipes[i][1]);
	}

	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	__atomic_store_n(&slot[0], 1, __ATOMIC_RELEASE);
	fwake(&slot[0]);

	/* Drive the process ring from here while the threads run. */
	uint32_t tok = 1;
	for (int r = 0; r < PROC_ROUNDS; r++) {
		write(pipes[0][1], &tok, sizeof tok);
		read(pipes[PROCS][0], &tok, sizeof tok);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	int ok = 0;
	for (int i = 0; i < PROCS; i++) {
		int st = xwait(kids[i]);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("thread counter: %ld (expected %ld)\n", counter, (long)THREAD_ITERS * THREADS * (THREADS + 1) / 2);
	printf("thread ring checksum: %016llx\n", (unsigned long long)ring_sum);
	printf("process ring token: %08x\n", tok);
	printf("shared counter: %ld (expected %ld)\n", sh->counter, (long)PROC_ITERS * PROCS * (PROCS + 1) / 2);
	printf("processes that finished cleanly: %d of %d\n", ok, PROCS);
	return 0;
}
