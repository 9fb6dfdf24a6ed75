// bench/memtouch: malloc N MiB and write one byte in every 4 KiB page; prints milliseconds.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 256;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  volatile char *p = malloc(mib << 20);
  if (!p) { perror("malloc"); return 1; }
  for (long off = 0; off < (mib << 20); off += 4096) p[off] = (char)off;
  clock_gettime(CLOCK_MONOTONIC, &b);
  long sum = 0;
  for (long off = 0; off < (mib << 20); off += 4096) sum += p[off];
  printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e6);
  return sum == 42 ? 2 : 0;
}
