// bench/process: futex ping-pong between two threads, N round trips; prints µs per round trip.
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_int turn;
static long n;

static void wait_for(int v) {
  while (atomic_load(&turn) != v) syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, !v, 0, 0, 0);
}
static void give(int v) {
  atomic_store(&turn, v);
  syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}
static void *other(void *a) {
  (void)a;
  for (long i = 0; i < n; i++) { wait_for(1); give(0); }
  return 0;
}

int main(int argc, char **argv) {
  n = argc > 1 ? atol(argv[1]) : 10000;
  pthread_t t;
  pthread_create(&t, 0, other, 0);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) { give(1); wait_for(0); }
  clock_gettime(CLOCK_MONOTONIC, &b);
  pthread_join(t, 0);
  printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / n);
  return 0;
}
