/* Joining and detaching: return values through pthread_join and
 * pthread_exit, joining a thread that has already ended, detached threads
 * (attribute or pthread_detach) that finish on their own, pthread_self,
 * pthread_equal (joining oneself is left out: musl blocks forever). */
#include "proc.h"
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

static sem_t done;
static pthread_t from_thread;

static void *ret_value(void *a) { return (void *)((long)a * 3); }
static void *exit_value(void *a)
{
	pthread_exit((void *)((long)a + 1000));
	return NULL;
}
static void *detached(void *a)
{
	(void)a;
	sem_post(&done);
	return NULL;
}
static void *self_check(void *a)
{
	(void)a;
	from_thread = pthread_self();
	return NULL;
}
static void *nested_create(void *a)
{
	long depth = (long)a;
	if (depth == 0)
		return (void *)1;
	pthread_t t;
	pthread_create(&t, NULL, nested_create, (void *)(depth - 1));
	void *r;
	pthread_join(t, &r);
	return (void *)((long)r + 1);
}

int main(void)
{
	pthread_t t[20];
	for (long i = 0; i < 20; i++)
		pthread_create(&t[i], NULL, i % 2 ? ret_value : exit_value, (void *)i);
	long sum = 0;
	for (int i = 19; i >= 0; i--) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("20 threads joined in reverse order, sum of results %ld\n", sum);

	/* Joining a thread that ended long ago. */
	pthread_t late;
	pthread_create(&late, NULL, ret_value, (void *)7);
	struct timespec d = { 0, 30 * 1000 * 1000 };
	nanosleep(&d, NULL);
	void *r;
	int jr = pthread_join(late, &r);
	printf("join of an already ended thread: %s, value %ld\n", errname(jr), (long)r);

	/* Detached threads. */
	sem_init(&done, 0, 0);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	int st = -1;
	pthread_attr_getdetachstate(&at, &st);
	printf("attr detachstate: %s\n", st == PTHREAD_CREATE_DETACHED ? "DETACHED" : "JOINABLE");
	for (int i = 0; i < 10; i++) {
		pthread_t x;
		pthread_create(&x, &at, detached, NULL);
	}
	for (int i = 0; i < 10; i++) {
		pthread_t x;
		pthread_create(&x, NULL, detached, NULL);
		pthread_detach(x);
	}
	for (int i = 0; i < 20; i++)
		sem_wait(&done);
	printf("20 detached threads ran\n");

	/* Small stacks and many threads one after another. */
	pthread_attr_t small;
	pthread_attr_init(&small);
	pthread_attr_setstacksize(&small, 64 * 1024);
	long ok = 0;
	for (long i = 0; i < 200; i++) {
		pthread_t x;
		if (pthread_create(&x, &small, ret_value, (void *)i) == 0 && pthread_join(x, &r) == 0 && (long)r == i * 3)
			ok++;
	}
	printf("200 threads with 64 KiB stacks created and joined: %ld\n", ok);

	/* A chain of threads, each creating and joining the next. */
	pthread_t x;
	pthread_create(&x, NULL, nested_create, (void *)20);
	pthread_join(x, &r);
	printf("a chain of 20 nested threads: %ld\n", (long)r);

	/* pthread_self, pthread_equal, joining oneself. */
	pthread_create(&x, NULL, self_check, NULL);
	pthread_join(x, &r);
	printf("pthread_self matches the creator's id: %s\n", pthread_equal(x, from_thread) ? "yes" : "no");
	printf("main's pthread_self differs: %s\n", !pthread_equal(pthread_self(), x) ? "yes" : "no");
	return 0;
}
