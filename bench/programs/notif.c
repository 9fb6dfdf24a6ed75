// bench/syscall's reference for seccomp user notification: a child whose getppid is
// answered by its parent through SECCOMP_RET_USER_NOTIF (with
// SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP where the kernel has it); prints ns per call.
// It cannot change registers, so it cannot deliver signals, sigreturn, execve or
// clone by itself: measured to see whether a hybrid would pay.
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1
#endif

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  int sv[2];
  if (pipe(sv) < 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {4, f};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    int fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (fd < 0) { perror("seccomp"); _exit(1); }
    write(sv[1], &fd, sizeof fd);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
    fflush(stdout);
    _exit(0);
  }
  int cfd;
  if (read(sv[0], &cfd, sizeof cfd) != sizeof cfd) return 1;
  int pidfd = syscall(SYS_pidfd_open, child, 0);
  int fd = syscall(SYS_pidfd_getfd, pidfd, cfd, 0);
  if (fd < 0) { perror("pidfd_getfd"); return 1; }
  ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0);
  struct seccomp_notif req;
  struct seccomp_notif_resp resp;
  for (long i = 0; i < n; i++) {
    memset(&req, 0, sizeof req);
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) { perror("recv"); return 1; }
    memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    resp.val = 1;
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) { perror("send"); return 1; }
  }
  int st;
  waitpid(child, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
