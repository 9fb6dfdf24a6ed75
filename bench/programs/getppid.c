// bench/syscall: getppid in a tight loop; prints nanoseconds per call.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline long raw_getppid(void) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
  return r;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) raw_getppid();
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
  printf("%.1f\n", ns / n);
  return 0;
}
