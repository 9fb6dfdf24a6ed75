// bench/clock: clock_gettime(CLOCK_MONOTONIC) in a tight loop through libc (the vDSO);
// prints nanoseconds per call.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10000000;
  struct timespec a, b, t;
  long sink = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    sink += t.tv_nsec;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
  printf("%.2f\n", ns / n);
  return sink == 42; // keeps the loop
}
