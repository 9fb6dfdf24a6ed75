/* pthread mutexes: 16 threads x 10000 increments under a mutex give the
 * exact total; trylock, error-checking and recursive mutexes, timed lock. */
#include "proc.h"
#include <pthread.h>
#include <time.h>

#define THREADS 16
#define ITERS 10000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static long per_thread[THREADS];

static void *work(void *a)
{
	long id = (long)a;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&m);
		long v = counter;
		if ((i & 255) == 0)
			sched_yield(); /* invite a switch while the lock is held */
		counter = v + 1;
		per_thread[id]++;
		pthread_mutex_unlock(&m);
	}
	return (void *)(id * 2);
}

static void *try_other(void *a)
{
	return (void *)(long)pthread_mutex_trylock((pthread_mutex_t *)a);
}

int main(void)
{
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++) {
		int r = pthread_create(&t[i], NULL, work, (void *)i);
		if (r) {
			printf("pthread_create: %s\n", errname(r));
			return 1;
		}
	}
	long rets = 0;
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		rets += (long)ret;
	}
	printf("counter: %ld (expected %d)\n", counter, THREADS * ITERS);
	int all = 1;
	for (int i = 0; i < THREADS; i++)
		all &= per_thread[i] == ITERS;
	fact("each thread did its share", all);
	printf("sum of the values the threads returned: %ld\n", rets);

	/* trylock: EBUSY from another thread while we hold it. */
	pthread_mutex_lock(&m);
	pthread_t o;
	void *r;
	pthread_create(&o, NULL, try_other, &m);
	pthread_join(o, &r);
	printf("trylock of a held mutex from another thread: %s\n", errname((int)(long)r));
	pthread_mutex_unlock(&m);
	pthread_create(&o, NULL, try_other, &m);
	pthread_join(o, &r);
	printf("trylock of a free mutex: %s\n", errname((int)(long)r));
	pthread_mutex_unlock(&m); /* the thread took it and ended; a normal mutex does not care who unlocks */

	/* Error-checking mutex. */
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_t em;
	pthread_mutex_init(&em, &at);
	int e1 = pthread_mutex_lock(&em), e2 = pthread_mutex_lock(&em);
	int e3 = pthread_mutex_unlock(&em), e4 = pthread_mutex_unlock(&em);
	printf("errorcheck: lock %s, ", errname(e1));
	printf("lock again %s, ", errname(e2));
	printf("unlock %s, ", errname(e3));
	printf("unlock again %s\n", errname(e4));

	/* Recursive mutex. */
	pthread_mutexattr_settype(&at, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_t rm;
	pthread_mutex_init(&rm, &at);
	int a1 = pthread_mutex_lock(&rm), a2 = pthread_mutex_lock(&rm), a3 = pthread_mutex_trylock(&rm);
	pthread_create(&o, NULL, try_other, &rm);
	pthread_join(o, &r);
	printf("recursive: lock %s ", errname(a1));
	printf("%s, trylock %s, ", errname(a2), errname(a3));
	printf("from another thread %s\n", errname((int)(long)r));
	int u[4];
	for (int i = 0; i < 4; i++)
		u[i] = pthread_mutex_unlock(&rm);
	printf("recursive: unlock x3 %s ", errname(u[0]));
	printf("%s ", errname(u[1]));
	printf("%s, fourth ", errname(u[2]));
	printf("%s\n", errname(u[3]));

	/* Timed lock of a held mutex times out (absolute CLOCK_REALTIME deadline). */
	pthread_mutex_lock(&m);
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 50 * 1000 * 1000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	printf("timedlock of a mutex we hold (normal type, 50 ms): %s\n", errname(pthread_mutex_timedlock(&m, &dl)));
	pthread_mutex_unlock(&m);
	return 0;
}
