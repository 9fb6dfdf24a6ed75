/* POSIX message queues (mq_open, mq_unlink, mq_timedsend, mq_timedreceive,
 * mq_notify, mq_getsetattr): creation and its limits, priorities, EMSGSIZE,
 * O_NONBLOCK, timeouts, poll/epoll readiness, the status line read() shows,
 * notification by signal, SIGEV_THREAD without a netlink socket, permissions
 * of another user, and a queue unlinked while open. Natively the queues live
 * in the host's IPC namespace: names are made unique per run and removed. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	if (e == EMSGSIZE) return "EMSGSIZE";
	if (e == ENOTSOCK) return "ENOTSOCK";
	return errname(e);
}

static void say(const char *what, long r)
{
	if (r < 0) printf("%s: -1 %s\n", what, ename(errno));
	else printf("%s: %ld\n", what, r);
}

static char name[64], other[80];

static long mqopen_raw(const char *n, int flags, int mode, struct mq_attr *a)
{
	return syscall(SYS_mq_open, n, flags, mode, a);
}

static void status(const char *what, int q)
{
	char buf[128];
	ssize_t n = pread(q, buf, sizeof buf - 1, 0);
	if (n < 0) { printf("%s: read -1 %s\n", what, ename(errno)); return; }
	buf[n] = 0;
	printf("%s: [%s]", what, buf);
}

static void attrs(const char *what, mqd_t q)
{
	struct mq_attr a;
	memset(&a, 0x55, sizeof a);
	if (mq_getattr(q, &a) < 0) { printf("%s: -1 %s\n", what, ename(errno)); return; }
	printf("%s: flags %#lx maxmsg %ld msgsize %ld curmsgs %ld\n", what, a.mq_flags, a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
}

static void deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += (ms % 1000) * 1000000;
	ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000;
	ts->tv_nsec %= 1000000000;
}

static void pollq(const char *what, int q)
{
	struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM };
	int n = poll(&p, 1, 0);
	printf("%s: %d revents %#x\n", what, n, (unsigned)p.revents);
}

static volatile sig_atomic_t got, code, value, from;
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got = sig; code = si->si_code; value = si->si_value.sival_int; from = si->si_pid;
}

int main(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(name, sizeof name, "/tsvmq%lx%lx", (long)now.tv_nsec, (long)now.tv_sec);
	snprintf(other, sizeof other, "%s-b", name);
	umask(022);

	/* The limits, as /proc/sys/fs/mqueue shows them. */
	static const char *const knobs[] = { "msg_max", "msgsize_max", "msg_default", "msgsize_default", "queues_max" };
	for (unsigned i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
		char p[80], v[32] = "";
		snprintf(p, sizeof p, "/proc/sys/fs/mqueue/%s", knobs[i]);
		FILE *f = fopen(p, "r");
		if (f == NULL || fgets(v, sizeof v, f) == NULL) printf("%s: -1 %s\n", knobs[i], ename(errno));
		else printf("%s: %s", knobs[i], v);
		if (f != NULL) fclose(f);
	}

	/* Creation and its errors. */
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0640, &a);
	say("create", q < 0 ? -1 : 0);
	say("create again O_EXCL", mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0640, &a) < 0 ? -1 : 0);
	say("open missing", mq_open(other, O_RDONLY) < 0 ? -1 : 0);
	say("raw name with a slash", mqopen_raw("a/b", O_CREAT | O_RDWR, 0600, NULL));
	say("raw empty name", mqopen_raw("", O_CREAT | O_RDWR, 0600, NULL));
	say("raw name ..", mqopen_raw("..", O_CREAT | O_RDWR, 0600, NULL));
	say("raw bad name pointer", mqopen_raw((const char *)8, O_RDWR, 0, NULL));
	say("raw bad attr pointer", mqopen_raw(name + 1, O_RDWR, 0, (struct mq_attr *)8));
	say("existing O_RDWR|O_WRONLY", mqopen_raw(name + 1, O_RDWR | O_WRONLY, 0, NULL));
	struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 16 };
	say("maxmsg 0", mq_open(other, O_CREAT | O_RDWR, 0600, &bad) < 0 ? -1 : 0);
	bad.mq_maxmsg = 4; bad.mq_msgsize = -1;
	say("msgsize -1", mq_open(other, O_CREAT | O_RDWR, 0600, &bad) < 0 ? -1 : 0);
	bad.mq_maxmsg = 65537; bad.mq_msgsize = 16;
	say("maxmsg 65537 (CAP_SYS_RESOURCE)", mq_open(other, O_CREAT | O_RDWR, 0600, &bad) < 0 ? -1 : 0);
	bad.mq_maxmsg = 1; bad.mq_msgsize = 16 * 1024 * 1024 + 1;
	say("msgsize 16M+1 (CAP_SYS_RESOURCE)", mq_open(other, O_CREAT | O_RDWR, 0600, &bad) < 0 ? -1 : 0);
	attrs("attrs", q);

	struct stat st;
	say("fstat", fstat(q, &st));
	printf("fstat: regular %d mode %o size %ld nlink %ld\n", S_ISREG(st.st_mode), st.st_mode & 07777, (long)st.st_size, (long)st.st_nlink);
	printf("FD_CLOEXEC without O_CLOEXEC: %d\n", fcntl(q, F_GETFD) & FD_CLOEXEC);
	printf("F_GETFL: %#x\n", fcntl(q, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	status("empty", q);
	pollq("poll empty", q);

	/* Priorities: highest first, FIFO within one. */
	say("send low 1", mq_send(q, "low", 3, 1));
	say("send high 10", mq_send(q, "high", 4, 10));
	say("send mid 5", mq_send(q, "mid", 3, 5));
	say("send high2 10", mq_send(q, "high2", 5, 10));
	status("four queued", q);
	pollq("poll full", q);
	say("send 17 bytes", mq_send(q, "0123456789abcdef!", 17, 0));
	say("send prio 32768", mq_send(q, "x", 1, 32768));
	char buf[64];
	unsigned prio = 99;
	say("receive into 15 bytes", mq_receive(q, buf, 15, &prio));
	for (int i = 0; i < 2; i++) {
		ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
		if (n < 0) say("receive", -1);
		else printf("receive: %zd [%.*s] prio %u\n", n, (int)n, buf, prio);
	}
	pollq("poll two left", q);
	status("two left", q);

	/* O_NONBLOCK through mq_setattr; timeouts. */
	say("send 0 bytes", mq_send(q, "", 0, 0));
	say("send fourth", mq_send(q, "4", 1, 0));
	struct mq_attr nb = { .mq_flags = O_NONBLOCK }, old;
	say("setattr O_NONBLOCK", mq_setattr(q, &nb, &old));
	printf("old flags %#lx curmsgs %ld\n", old.mq_flags, old.mq_curmsgs);
	attrs("attrs nonblock", q);
	say("send full nonblock", mq_send(q, "x", 1, 0));
	struct mq_attr badf = { .mq_flags = O_RDWR };
	say("setattr O_RDWR flag", mq_setattr(q, &badf, NULL));
	nb.mq_flags = 0;
	say("setattr blocking", mq_setattr(q, &nb, NULL));
	struct timespec ts;
	deadline(&ts, 30);
	say("timedsend full", mq_timedsend(q, "x", 1, 0, &ts));
	ts.tv_sec = 0; ts.tv_nsec = 0;
	say("timedsend full, deadline passed", mq_timedsend(q, "x", 1, 0, &ts));
	ts.tv_nsec = 1000000000;
	say("timedsend bad timespec", syscall(SYS_mq_timedsend, q, "x", 1, 0, &ts));
	say("timedsend bad timeout pointer", syscall(SYS_mq_timedsend, q, "x", 1, 0, (void *)8));
	say("send bad message pointer", syscall(SYS_mq_timedsend, q, (void *)8, 1, 0, NULL));
	for (int i = 0; i < 4; i++) {
		ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
		if (n < 0) say("drain", -1);
		else printf("drain: %zd [%.*s] prio %u\n", n, (int)n, buf, prio);
	}
	deadline(&ts, 30);
	say("timedreceive empty", mq_timedreceive(q, buf, sizeof buf, NULL, &ts));
	ts.tv_nsec = -1;
	say("timedreceive bad timespec", mq_timedreceive(q, buf, sizeof buf, NULL, &ts));
	say("send bad fd", mq_send(999, "x", 1, 0));
	int pfd[2];
	say("pipe", pipe(pfd));
	say("send to a pipe", mq_send(pfd[1], "x", 1, 0));
	say("getattr of a pipe", mq_getattr(pfd[0], &old));
	say("write(2) to a queue", write(q, "x", 1));

	/* epoll readiness. */
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT }, out[2];
	say("epoll_ctl add queue", epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev));
	int n = epoll_wait(ep, out, 2, 0);
	printf("epoll empty: %d events %#x\n", n, n > 0 ? out[0].events : 0);
	say("send for epoll", mq_send(q, "e", 1, 3));
	n = epoll_wait(ep, out, 2, 0);
	printf("epoll one: %d events %#x\n", n, n > 0 ? out[0].events : 0);
	say("receive epoll", mq_receive(q, buf, sizeof buf, NULL));

	/* Notification by signal. */
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &sa, NULL);
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	sev.sigev_value.sival_int = 42;
	say("notify SIGUSR1", mq_notify(q, &sev));
	status("registered", q);
	say("notify again", mq_notify(q, &sev));
	say("send notifies", mq_send(q, "n", 1, 0));
	printf("signal %d code %d value %d from pid %d\n", (int)got, (int)code, (int)value, (int)from);
	status("after notification", q);
	got = 0;
	say("notify on a non-empty queue", mq_notify(q, &sev));
	say("send to a non-empty queue", mq_send(q, "m", 1, 0));
	printf("signal %d\n", (int)got);
	say("notify NULL", mq_notify(q, NULL));
	status("unregistered", q);
	struct sigevent none = { .sigev_notify = SIGEV_NONE };
	say("notify SIGEV_NONE", mq_notify(q, &none));
	status("SIGEV_NONE", q);
	say("notify NULL", mq_notify(q, NULL));
	struct sigevent weird = { .sigev_notify = 7 };
	say("notify kind 7", syscall(SYS_mq_notify, q, &weird));
	struct sigevent badsig = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 65 };
	say("notify signal 65", syscall(SYS_mq_notify, q, &badsig));
	say("notify bad pointer", syscall(SYS_mq_notify, q, (void *)8));
	/* SIGEV_THREAD as the kernel sees it: sigev_signo names a netlink socket. */
	char cookie[32] = { 0 };
	struct sigevent th = { .sigev_notify = SIGEV_THREAD };
	th.sigev_value.sival_ptr = cookie;
	th.sigev_signo = 999;
	say("SIGEV_THREAD bad fd", syscall(SYS_mq_notify, q, &th));
	th.sigev_signo = pfd[0];
	say("SIGEV_THREAD a pipe", syscall(SYS_mq_notify, q, &th));
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	th.sigev_signo = sv[0];
	say("SIGEV_THREAD a unix socket", syscall(SYS_mq_notify, q, &th));
	th.sigev_value.sival_ptr = (void *)8;
	say("SIGEV_THREAD bad cookie", syscall(SYS_mq_notify, q, &th));
	for (int i = 0; i < 2; i++) say("drain", mq_receive(q, buf, sizeof buf, NULL));

	/* Another user: permissions, the sticky directory, the limits without CAP_SYS_RESOURCE. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (setgid(1000) < 0 || setuid(1000) < 0) _exit(3);
		say("user: open 0640 O_WRONLY", mq_open(name, O_WRONLY) < 0 ? -1 : 0);
		say("user: open 0640 O_RDONLY", mq_open(name, O_RDONLY) < 0 ? -1 : 0);
		say("user: unlink root's queue", mq_unlink(name));
		struct mq_attr l = { .mq_maxmsg = 11, .mq_msgsize = 16 };
		say("user: maxmsg 11", mq_open(other, O_CREAT | O_RDWR, 0600, &l) < 0 ? -1 : 0);
		l.mq_maxmsg = 10; l.mq_msgsize = 8193;
		say("user: msgsize 8193", mq_open(other, O_CREAT | O_RDWR, 0600, &l) < 0 ? -1 : 0);
		l.mq_maxmsg = 2; l.mq_msgsize = 8;
		mqd_t u = mq_open(other, O_CREAT | O_RDWR, 0600, &l);
		say("user: own queue", u < 0 ? -1 : 0);
		struct stat us;
		fstat(u, &us);
		printf("user: owner %u:%u\n", us.st_uid, us.st_gid);
		say("user: unlink own queue", mq_unlink(other));
		fflush(stdout);
		_exit(0);
	}
	int ws;
	waitpid(pid, &ws, 0);
	printf("child exit %d\n", WEXITSTATUS(ws));

	/* Unlinked while open. */
	say("send before unlink", mq_send(q, "kept", 4, 2));
	say("unlink", mq_unlink(name));
	say("unlink again", mq_unlink(name));
	say("open after unlink", mq_open(name, O_RDWR) < 0 ? -1 : 0);
	say("fstat after unlink", fstat(q, &st));
	printf("nlink %ld\n", (long)st.st_nlink);
	ssize_t r = mq_receive(q, buf, sizeof buf, &prio);
	printf("receive after unlink: %zd [%.*s] prio %u\n", r, r > 0 ? (int)r : 0, buf, prio);
	mqd_t q2 = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	say("create the name again", q2 < 0 ? -1 : 0);
	attrs("new queue, default attrs", q2);
	say("send on old", mq_send(q, "old", 3, 0));
	attrs("new queue untouched", q2);
	say("unlink new", mq_unlink(name));
	say("close", close(q));
	say("close new", close(q2));
	return 0;
}
