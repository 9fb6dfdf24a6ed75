// bench/fs: in DIR, creates N small files (open O_CREAT, a 16-byte write, close), stats each
// and deletes each; prints microseconds per file for the three steps together.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  const char *dir = argv[1];
  long n = atol(argv[2]);
  char p[4096];
  struct stat st;
  struct timespec a, b;
  snprintf(p, sizeof p, "%s/fsmeta.%d", dir, getpid());
  if (mkdir(p, 0755) < 0) { perror("mkdir"); return 1; }
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) {
    snprintf(p, sizeof p, "%s/fsmeta.%d/f%ld", dir, getpid(), i);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0 || write(fd, "0123456789abcdef", 16) != 16) { perror("create"); return 1; }
    close(fd);
  }
  for (long i = 0; i < n; i++) {
    snprintf(p, sizeof p, "%s/fsmeta.%d/f%ld", dir, getpid(), i);
    if (stat(p, &st) < 0 || st.st_size != 16) { perror("stat"); return 1; }
  }
  for (long i = 0; i < n; i++) {
    snprintf(p, sizeof p, "%s/fsmeta.%d/f%ld", dir, getpid(), i);
    if (unlink(p) < 0) { perror("unlink"); return 1; }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  snprintf(p, sizeof p, "%s/fsmeta.%d", dir, getpid());
  rmdir(p);
  double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3;
  printf("%.2f\n", us / n);
  return 0;
}
