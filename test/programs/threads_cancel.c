/* pthread_cancel: deferred cancellation at a cancellation point (a blocked
 * read, nanosleep, pthread_cond_wait, pthread_testcancel), cleanup
 * handlers in LIFO order, cancellation disabled then enabled, asynchronous
 * cancellation of a busy loop, and PTHREAD_CANCELED from pthread_join.
 * Both C libraries cancel with a signal (SIGCANCEL, SIGRTMIN-ish). */
#include "proc.h"
#include <pthread.h>
#include <time.h>

static char log_[256];
static pthread_mutex_t lm = PTHREAD_MUTEX_INITIALIZER;
static void note(const char *s)
{
	pthread_mutex_lock(&lm);
	strcat(log_, s);
	pthread_mutex_unlock(&lm);
}
static void cleanup(void *a) { note((const char *)a); }

static int p[2];
static pthread_barrier_t ready;

static void *blocked_read(void *a)
{
	(void)a;
	pthread_cleanup_push(cleanup, "[outer]");
	pthread_cleanup_push(cleanup, "[inner]");
	pthread_barrier_wait(&ready);
	char b;
	read(p[0], &b, 1);
	note("[read returned]");
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *sleeper(void *a)
{
	(void)a;
	pthread_cleanup_push(cleanup, "[sleeper]");
	pthread_barrier_wait(&ready);
	struct timespec t = { 100, 0 };
	nanosleep(&t, NULL);
	pthread_cleanup_pop(0);
	return NULL;
}

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static void unlock(void *a) { pthread_mutex_unlock(a); note("[unlocked]"); }
static void *cond_waiter(void *a)
{
	(void)a;
	pthread_mutex_lock(&cm);
	pthread_cleanup_push(unlock, &cm);
	pthread_barrier_wait(&ready);
	for (;;)
		pthread_cond_wait(&cv, &cm);
	pthread_cleanup_pop(0);
	return NULL;
}

static volatile int go;
static void *disabled(void *a)
{
	(void)a;
	int old;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	pthread_barrier_wait(&ready);
	while (!go) {
		struct timespec t = { 0, 1000000 };
		nanosleep(&t, NULL); /* a cancellation point, but disabled */
	}
	note("[survived while disabled]");
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel();
	note("[not reached]");
	return NULL;
}

static void *async(void *a)
{
	(void)a;
	int old;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	pthread_barrier_wait(&ready);
	volatile unsigned long x = 0;
	for (;;)
		x++;
	return NULL;
}

static void *finishes(void *a)
{
	(void)a;
	return (void *)42;
}

static void run(const char *what, void *(*fn)(void *), int before_cancel)
{
	pthread_t t;
	log_[0] = 0;
	pthread_barrier_init(&ready, NULL, 2);
	pthread_create(&t, NULL, fn, NULL);
	pthread_barrier_wait(&ready);
	struct timespec d = { 0, 20 * 1000 * 1000 };
	nanosleep(&d, NULL); /* let it block */
	int r = pthread_cancel(t);
	if (before_cancel) {
		nanosleep(&d, NULL);
		go = 1;
	}
	void *ret;
	pthread_join(t, &ret);
	printf("%s: cancel %s, joined %s, log %s\n", what, errname(r), ret == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "a value",
	       log_);
	pthread_barrier_destroy(&ready);
}

int main(void)
{
	pipe(p);
	run("blocked in read", blocked_read, 0);
	run("in nanosleep", sleeper, 0);
	run("in pthread_cond_wait", cond_waiter, 0);
	fact("the condvar's mutex was reacquired then released by the handler", pthread_mutex_trylock(&cm) == 0);
	pthread_mutex_unlock(&cm);
	run("disabled, then enabled and testcancel", disabled, 1);
	run("asynchronous, in a busy loop", async, 0);

	pthread_t t;
	pthread_create(&t, NULL, finishes, NULL);
	void *ret;
	pthread_join(t, &ret);
	printf("a finished thread returned %ld\n", (long)ret);
	return 0;
}
