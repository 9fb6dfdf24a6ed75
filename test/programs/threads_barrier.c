/* pthread barriers: 8 threads through 200 phases; every phase sees all
 * the previous phase's writes, and exactly one thread per phase gets
 * PTHREAD_BARRIER_SERIAL_THREAD. */
#include "proc.h"
#include <pthread.h>

#define THREADS 8
#define PHASES 200

static pthread_barrier_t b;
static long cells[THREADS];
static int serial_count[PHASES];
static int bad;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *a)
{
	long id = (long)a;
	for (int ph = 0; ph < PHASES; ph++) {
		cells[id] = ph * 1000 + id;
		int r = pthread_barrier_wait(&b);
		if (r == PTHREAD_BARRIER_SERIAL_THREAD) {
			pthread_mutex_lock(&m);
			serial_count[ph]++;
			pthread_mutex_unlock(&m);
		} else if (r != 0) {
			bad++;
		}
		/* Everyone wrote this phase's value before anyone passed. */
		for (int i = 0; i < THREADS; i++)
			if (cells[i] != ph * 1000 + i) {
				pthread_mutex_lock(&m);
				bad++;
				pthread_mutex_unlock(&m);
			}
		pthread_barrier_wait(&b); /* nobody writes the next phase before all have checked */
	}
	return NULL;
}

int main(void)
{
	printf("barrier_init count 0: %s\n", errname(pthread_barrier_init(&b, NULL, 0)));
	printf("barrier_init: %s\n", errname(pthread_barrier_init(&b, NULL, THREADS)));
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	int one_each = 1;
	for (int ph = 0; ph < PHASES; ph++)
		one_each &= serial_count[ph] == 1;
	printf("phases: %d, mismatches seen: %d\n", PHASES, bad);
	fact("exactly one PTHREAD_BARRIER_SERIAL_THREAD per phase", one_each);
	printf("barrier_destroy: %s\n", errname(pthread_barrier_destroy(&b)));

	/* A barrier of one never blocks and is always serial. */
	pthread_barrier_init(&b, NULL, 1);
	fact("barrier of 1: serial", pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD);
	pthread_barrier_destroy(&b);
	return 0;
}
