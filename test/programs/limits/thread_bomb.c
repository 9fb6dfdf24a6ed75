/* Create threads until it fails, under a task limit (tsvisor --max-tasks;
 * natively a pids cgroup, see test/limits.test.ts). Only run contained:
 * it refuses to start without --contained. pthread_create must fail with
 * EAGAIN; every thread then finishes and is joined, and creating a thread
 * works again. */
#include "proc.h"
#include <pthread.h>

#define SAFETY 20000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int released;

static void *waiter(void *a)
{
	pthread_mutex_lock(&m);
	while (!released)
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	return a;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--contained") != 0) {
		fprintf(stderr, "%s: a thread bomb; run it only under a task limit, with --contained\n", argv[0]);
		return 2;
	}
	static pthread_t t[SAFETY];
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 * 1024);
	int n = 0, err = 0;
	while (n < SAFETY) {
		err = pthread_create(&t[n], &at, waiter, (void *)(long)n);
		if (err)
			break;
		n++;
	}
	if (err)
		printf("hit limit: pthread_create failed with %s\n", errname(err));
	else
		printf("no limit hit after %d threads\n", n);
	printf("created more than 10: %s\n", n > 10 ? "yes" : "no");
	pthread_mutex_lock(&m);
	released = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	long sum = 0, want = 0;
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
		want += i;
	}
	printf("all threads joined: %s\n", sum == want ? "yes" : "no");
	pthread_t again;
	err = pthread_create(&again, NULL, waiter, NULL);
	printf("pthread_create works again: %s\n", errname(err));
	if (!err)
		pthread_join(again, NULL);
	return 0;
}
