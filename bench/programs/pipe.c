// bench/process: N MiB through a pipe from a child to its parent; prints MiB/s.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static char buf[1 << 16];

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 1024;
  int fd[2];
  if (pipe(fd) < 0) return 1;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t p = fork();
  if (p == 0) {
    close(fd[0]);
    memset(buf, 'x', sizeof buf);
    for (long left = mib << 20; left > 0;) {
      ssize_t w = write(fd[1], buf, left < (long)sizeof buf ? left : (long)sizeof buf);
      if (w <= 0) _exit(1);
      left -= w;
    }
    _exit(0);
  }
  close(fd[1]);
  long total = 0;
  for (;;) {
    ssize_t r = read(fd[0], buf, sizeof buf);
    if (r <= 0) break;
    total += r;
  }
  waitpid(p, 0, 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  if (total != mib << 20) { fprintf(stderr, "short: %ld\n", total); return 1; }
  printf("%.1f\n", mib / s);
  return 0;
}
