/* Thread-local storage across threads: __thread variables start from
 * their initialisers in every thread, each thread sees only its own
 * writes, errno is per thread, and pthread_key destructors run at thread
 * exit with the thread's value. */
#include "proc.h"
#include <pthread.h>

#define THREADS 8

static __thread int tval = 7;
static __thread char tname[16] = "init";
static __thread long big[512];
static pthread_barrier_t b;
static pthread_key_t key;
static int destructed[THREADS];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void destructor(void *v)
{
	pthread_mutex_lock(&m);
	destructed[(long)v - 100]++;
	pthread_mutex_unlock(&m);
}

struct result { int start, after, own; char name[16]; int errno_own, big_ok; };

static void *work(void *a)
{
	long id = (long)a;
	struct result *r = calloc(1, sizeof *r);
	r->start = tval;
	tval = (int)id * 10;
	snprintf(tname, sizeof tname, "thread%ld", id);
	for (int i = 0; i < 512; i++)
		big[i] = id + i;
	errno = (int)id + 1;
	pthread_setspecific(key, (void *)(id + 100));
	pthread_barrier_wait(&b); /* every thread has written */
	sched_yield();
	pthread_barrier_wait(&b);
	r->after = tval;
	r->own = tval == (int)id * 10;
	memcpy(r->name, tname, sizeof tname);
	r->errno_own = errno == (int)id + 1;
	r->big_ok = 1;
	for (int i = 0; i < 512; i++)
		r->big_ok &= big[i] == id + i;
	return r;
}

int main(void)
{
	tval = 99;
	strcpy(tname, "main");
	pthread_key_create(&key, destructor);
	pthread_barrier_init(&b, NULL, THREADS);
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < THREADS; i++) {
		struct result *r;
		pthread_join(t[i], (void **)&r);
		printf("thread %d: started with %d, ended with %d (own %s), name \"%s\", errno own %s, 4 KiB block own %s\n",
		       i, r->start, r->after, r->own ? "yes" : "no", r->name, r->errno_own ? "yes" : "no",
		       r->big_ok ? "yes" : "no");
		free(r);
	}
	printf("main: tval %d, name \"%s\"\n", tval, tname);
	int once = 1;
	for (int i = 0; i < THREADS; i++)
		once &= destructed[i] == 1;
	fact("each thread's key destructor ran once with its value", once);
	fact("main's key value is unset", pthread_getspecific(key) == NULL);
	return 0;
}
