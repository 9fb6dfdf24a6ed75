/* signalfd: reading blocked signals as struct signalfd_siginfo (signo, code,
 * pid, value; several per read), SFD_NONBLOCK and SFD_CLOEXEC, EAGAIN,
 * changing the mask of an existing fd, poll and epoll readiness, a blocking
 * read woken by a signal from another process or interrupted by a handler,
 * SIGCHLD's status, the fd across fork (each process reads its own pending
 * signals), and the argument errors. Nothing printed depends on pids. */
#include "proc.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static void on_alrm(int s) { (void)s; }

static sigset_t set_of(int a, int b)
{
	sigset_t m;
	sigemptyset(&m);
	if (a)
		sigaddset(&m, a);
	if (b)
		sigaddset(&m, b);
	return m;
}

static int readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r = poll(&p, 1, 0);
	return r == 1 && (p.revents & POLLIN);
}

static const char *code_name(int c)
{
	switch (c) {
	case SI_USER: return "SI_USER";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	case CLD_EXITED: return "CLD_EXITED";
	default: return "other";
	}
}

int main(void)
{
	sigset_t all = set_of(SIGUSR1, SIGUSR2);
	sigaddset(&all, SIGCHLD);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 2; s++)
		sigaddset(&all, s);
	sigprocmask(SIG_BLOCK, &all, NULL);

	sigset_t m1 = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m1, SFD_NONBLOCK | SFD_CLOEXEC);
	printf("signalfd(-1, {USR1}, NONBLOCK|CLOEXEC): %s\n", fd >= 0 ? "an fd" : errname(errno));
	printf("  F_GETFL O_RDWR|O_NONBLOCK: %s, FD_CLOEXEC: %s\n",
	       fcntl(fd, F_GETFL) == (O_RDWR | O_NONBLOCK) ? "yes" : "no", fcntl(fd, F_GETFD) == FD_CLOEXEC ? "yes" : "no");
	char link[64] = "";
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	ssize_t ln = readlink(p, link, sizeof link - 1);
	printf("  /proc/self/fd: %s\n", ln > 0 ? link : errname(errno));

	struct signalfd_siginfo si[4];
	check("read with nothing pending", read(fd, si, sizeof si));
	fact("not readable", !readable(fd));

	raise(SIGUSR1);
	fact("after raise(USR1): readable", readable(fd));
	check("read of 100 bytes (less than one record)", read(fd, si, 100));
	memset(si, 0, sizeof si);
	ssize_t n = read(fd, si, sizeof si);
	printf("read: %zd bytes, signo %s, code %s, pid ours %s\n", n, signame((int)si[0].ssi_signo),
	       code_name(si[0].ssi_code), si[0].ssi_pid == (uint32_t)getpid() ? "yes" : "no");
	fact("  then not readable", !readable(fd));

	union sigval v = { .sival_int = 42 };
	sigqueue(getpid(), SIGUSR1, v);
	memset(si, 0, sizeof si);
	n = read(fd, si, sizeof si);
	printf("sigqueue USR1 42: %zd bytes, code %s, ssi_int %d, ssi_ptr %llu\n", n, code_name(si[0].ssi_code),
	       si[0].ssi_int, (unsigned long long)si[0].ssi_ptr);

	/* Several real-time signals in one read, lowest first, FIFO within one. */
	sigset_t rt = set_of(SIGRTMIN, SIGRTMIN + 2);
	check("change the mask of the fd to RTMIN, RTMIN+2 (returns the fd)", signalfd(fd, &rt, 0) == fd ? 0 : -1);
	for (int i = 1; i <= 2; i++) {
		v.sival_int = i;
		sigqueue(getpid(), SIGRTMIN + 2, v);
	}
	v.sival_int = 9;
	sigqueue(getpid(), SIGRTMIN, v);
	sigqueue(getpid(), SIGUSR1, v); /* not in the new mask */
	memset(si, 0, sizeof si);
	n = read(fd, si, sizeof si);
	printf("three queued RT signals, one read: %zd bytes:", n);
	for (int i = 0; i < n / (ssize_t)sizeof si[0]; i++)
		printf(" RTMIN+%d(%d)", (int)si[i].ssi_signo - SIGRTMIN, si[i].ssi_int);
	printf("\n");
	check("  USR1 (no longer in the mask) is not read", read(fd, si, sizeof si));
	sigset_t pend;
	sigpending(&pend);
	fact("  USR1 is still pending", sigismember(&pend, SIGUSR1));
	sigset_t m12 = set_of(SIGUSR1, SIGUSR2);
	signalfd(fd, &m12, 0);
	n = read(fd, si, sizeof si);
	printf("mask back to USR1|USR2: read %zd bytes, %s\n", n, signame((int)si[0].ssi_signo));

	/* epoll. */
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 }, out[2];
	check("epoll_ctl ADD of the signalfd", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	checkval("epoll_wait with nothing pending", epoll_wait(ep, out, 2, 0));
	kill(getpid(), SIGUSR2);
	int ne = epoll_wait(ep, out, 2, 1000);
	printf("after kill(USR2): epoll_wait %d, EPOLLIN %s, data %u\n", ne, ne == 1 && (out[0].events & EPOLLIN) ? "yes" : "no",
	       ne == 1 ? out[0].data.u32 : 0);
	n = read(fd, si, sizeof si);
	printf("  read %zd bytes, %s, code %s\n", n, signame((int)si[0].ssi_signo), code_name(si[0].ssi_code));
	checkval("  epoll_wait after the read", epoll_wait(ep, out, 2, 0));
	close(ep);

	/* SIGCHLD: the child's pid and exit status. */
	sigset_t mc = set_of(SIGCHLD, 0);
	int cfd = signalfd(-1, &mc, 0);
	pid_t c = xfork();
	if (c == 0)
		_exit(3);
	memset(si, 0, sizeof si);
	n = read(cfd, si, sizeof si); /* blocks until the child exits */
	printf("SIGCHLD: %zd bytes, code %s, status %d, pid is the child %s\n", n, code_name(si[0].ssi_code), si[0].ssi_status,
	       si[0].ssi_pid == (uint32_t)c ? "yes" : "no");
	xwait(c);
	close(cfd);

	/* Across fork: the child reads its own signals; the parent's pending USR2 is not its. */
	int bfd = signalfd(-1, &m12, 0); /* blocking */
	kill(getpid(), SIGUSR2);
	int pp[2];
	pipe(pp);
	pid_t parent = getpid();
	c = xfork();
	if (c == 0) {
		char r = readable(bfd) ? 'y' : 'n';
		write(pp[1], &r, 1);
		struct signalfd_siginfo s;
		ssize_t k = read(bfd, &s, sizeof s); /* blocks until the parent's kill */
		char res = (char)(k == sizeof s && s.ssi_signo == SIGUSR1 && s.ssi_pid == (uint32_t)parent ? 'y' : 'n');
		write(pp[1], &res, 1);
		_exit(0);
	}
	char r1 = '?', r2 = '?';
	read(pp[0], &r1, 1);
	printf("fork: the child sees the parent's pending USR2 through the fd: %s\n", r1 == 'y' ? "yes" : "no");
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };
	nanosleep(&ms20, NULL);
	kill(c, SIGUSR1);
	read(pp[0], &r2, 1);
	printf("  the child's blocking read got USR1 from the parent: %s\n", r2 == 'y' ? "yes" : "no");
	printf("  child: %s\n", wstatus(xwait(c)));
	n = read(bfd, si, sizeof si);
	printf("  the parent still reads its USR2: %s\n", n == sizeof si[0] && si[0].ssi_signo == SIGUSR2 ? "yes" : "no");

	/* A blocking read interrupted by a handled signal (no SA_RESTART): EINTR. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	check("blocking read interrupted by SIGALRM's handler", read(bfd, si, sizeof si));
	close(bfd);

	/* Errors. */
	check("write to a signalfd", write(fd, si, sizeof si[0]));
	check("signalfd with sizemask 4", syscall(SYS_signalfd4, -1, &m1, 4, 0));
	check("signalfd4 with unknown flags", syscall(SYS_signalfd4, -1, &m1, 8, 1));
	check("signalfd4 with a bad mask pointer", syscall(SYS_signalfd4, -1, (void *)1, 8, 0));
	check("signalfd on fd 999", signalfd(999, &m1, 0));
	check("signalfd on a pipe", signalfd(pp[0], &m1, 0));
	sigset_t mk = set_of(SIGKILL, SIGSTOP);
	int kfd = signalfd(-1, &mk, SFD_NONBLOCK);
	printf("signalfd for SIGKILL|SIGSTOP: %s, reads %s\n", kfd >= 0 ? "an fd" : errname(errno),
	       read(kfd, si, sizeof si) < 0 ? errname(errno) : "something");
	return 0;
}
