/* Condition variables: a bounded buffer with 4 producers and 4 consumers
 * moving 20000 items (sum and count exact), broadcast to many waiters,
 * timed waits that time out (CLOCK_REALTIME and CLOCK_MONOTONIC). */
#include "proc.h"
#include <pthread.h>
#include <time.h>

#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS 5000 /* per producer */
#define SLOTS 8

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long buf[SLOTS];
static int head, count, producers_left = PRODUCERS;

static void *producer(void *a)
{
	long id = (long)a;
	for (long i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&m);
		while (count == SLOTS)
			pthread_cond_wait(&not_full, &m);
		buf[(head + count) % SLOTS] = id * ITEMS + i + 1;
		count++;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&m);
	}
	pthread_mutex_lock(&m);
	producers_left--;
	pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&m);
	return NULL;
}

struct tally { long n, sum; };

static void *consumer(void *a)
{
	struct tally *t = a;
	for (;;) {
		pthread_mutex_lock(&m);
		while (count == 0 && producers_left > 0)
			pthread_cond_wait(&not_empty, &m);
		if (count == 0) {
			pthread_mutex_unlock(&m);
			return NULL;
		}
		long v = buf[head];
		head = (head + 1) % SLOTS;
		count--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&m);
		t->n++;
		t->sum += v;
	}
}

static pthread_mutex_t gm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static int open_gate, waiting, passed;

static void *waiter(void *a)
{
	(void)a;
	pthread_mutex_lock(&gm);
	waiting++;
	while (!open_gate)
		pthread_cond_wait(&gate, &gm);
	passed++;
	pthread_mutex_unlock(&gm);
	return NULL;
}

static struct timespec in_ms(clockid_t clk, int ms)
{
	struct timespec t;
	clock_gettime(clk, &t);
	t.tv_nsec += ms * 1000000L;
	t.tv_sec += t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void)
{
	pthread_t p[PRODUCERS], c[CONSUMERS];
	struct tally t[CONSUMERS] = { { 0, 0 } };
	for (long i = 0; i < CONSUMERS; i++)
		pthread_create(&c[i], NULL, consumer, &t[i]);
	for (long i = 0; i < PRODUCERS; i++)
		pthread_create(&p[i], NULL, producer, (void *)i);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(p[i], NULL);
	long n = 0, sum = 0;
	for (int i = 0; i < CONSUMERS; i++) {
		pthread_join(c[i], NULL);
		n += t[i].n;
		sum += t[i].sum;
	}
	long total = (long)PRODUCERS * ITEMS;
	printf("items consumed: %ld (expected %ld)\n", n, total);
	printf("sum: %ld (expected %ld)\n", sum, total * (total + 1) / 2);
	fact("buffer empty at the end", count == 0);

	/* Broadcast wakes every waiter. */
	pthread_t w[10];
	for (int i = 0; i < 10; i++)
		pthread_create(&w[i], NULL, waiter, NULL);
	for (;;) {
		pthread_mutex_lock(&gm);
		int all = waiting == 10;
		pthread_mutex_unlock(&gm);
		if (all)
			break;
		sched_yield();
	}
	pthread_mutex_lock(&gm);
	open_gate = 1;
	pthread_cond_broadcast(&gate);
	pthread_mutex_unlock(&gm);
	for (int i = 0; i < 10; i++)
		pthread_join(w[i], NULL);
	printf("broadcast released %d of 10 waiters\n", passed);

	/* Timed waits. */
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	pthread_mutex_lock(&gm);
	long long t0 = now_ms();
	struct timespec dl = in_ms(CLOCK_REALTIME, 50);
	int r = pthread_cond_timedwait(&cv, &gm, &dl);
	long long el = now_ms() - t0;
	printf("timedwait 50 ms (CLOCK_REALTIME): %s, waited >= 40 ms %s\n", errname(r), el >= 40 ? "yes" : "no");
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_t mcv;
	pthread_cond_init(&mcv, &ca);
	t0 = now_ms();
	dl = in_ms(CLOCK_MONOTONIC, 50);
	r = pthread_cond_timedwait(&mcv, &gm, &dl);
	el = now_ms() - t0;
	printf("timedwait 50 ms (CLOCK_MONOTONIC): %s, waited >= 40 ms %s\n", errname(r), el >= 40 ? "yes" : "no");
	dl = in_ms(CLOCK_MONOTONIC, 0);
	dl.tv_sec -= 1;
	printf("timedwait with a deadline in the past: %s\n", errname(pthread_cond_timedwait(&mcv, &gm, &dl)));
	pthread_mutex_unlock(&gm);
	return 0;
}
