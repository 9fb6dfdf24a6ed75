// bench/process: fork + execve(/bin/true-like: this program with "x") + wait, N times; prints µs per round.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
  if (argc > 1 && argv[1][0] == 'x') return 0;
  long n = argc > 1 ? atol(argv[1]) : 200;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) { execl(argv[0], argv[0], "x", (char *)0); _exit(127); }
    int st;
    waitpid(p, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "child failed\n"); return 1; }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / n);
  return 0;
}
