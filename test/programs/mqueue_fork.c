/* POSIX message queues between two processes: a receiver blocked in
 * mq_receive is woken by the other's mq_send; a sender blocked on a full
 * queue is woken by the other's mq_receive; poll(-1) wakes on a send; a
 * notification registered by the child is delivered to the child, shows its
 * pid in the status line, and goes when the child closes its descriptor.
 * Only the parent prints, after each step it waited for. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char a[64], b[64];

static pid_t child;

/* The status line with NOTIFY_PID shown as "child" (pids differ natively and in the sandbox). */
static void status(const char *what, int q)
{
	char buf[128];
	ssize_t n = pread(q, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	char *p = strstr(buf, "NOTIFY_PID:");
	if (p == NULL) { printf("%s: [%s]", what, buf); return; }
	long v = strtol(p + 11, NULL, 10);
	p[11] = 0;
	printf("%s: [%s%s]\n", what, buf, v == 0 ? "0" : v == child ? "child" : "other");
}

static void nap(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

static volatile sig_atomic_t got;
static void on_usr2(int sig) { got = sig; }

int main(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(a, sizeof a, "/tsvmqf%lx%lx", (long)now.tv_nsec, (long)now.tv_sec);
	snprintf(b, sizeof b, "/tsvmqg%lx%lx", (long)now.tv_nsec, (long)now.tv_sec);
	struct mq_attr at = { .mq_maxmsg = 1, .mq_msgsize = 32 };
	mqd_t q = mq_open(a, O_CREAT | O_EXCL | O_RDWR, 0600, &at);   /* parent -> child */
	mqd_t r = mq_open(b, O_CREAT | O_EXCL | O_RDWR, 0600, &at);   /* child -> parent */
	check("open a", q);
	check("open b", r);
	fflush(stdout);
	signal(SIGUSR2, on_usr2);
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);

	pid_t pid = fork();
	child = pid;
	if (pid == 0) {
		char buf[32];
		char reply[64];
		/* 1: blocking receive, woken by the parent's send. */
		ssize_t n = mq_receive(q, buf, sizeof buf, NULL);
		snprintf(reply, sizeof reply, "child got %zd [%.*s]", n, n > 0 ? (int)n : 0, buf);
		mq_send(r, reply, strlen(reply) > 31 ? 31 : strlen(reply), 0);
		/* 2: the parent fills q and blocks sending a second message; take both. */
		nap();
		n = mq_receive(q, buf, sizeof buf, NULL);
		nap();
		char buf2[32];
		ssize_t m = mq_receive(q, buf2, sizeof buf2, NULL);
		snprintf(reply, sizeof reply, "took %zd then %zd", n, m);
		mq_send(r, reply, strlen(reply), 0);
		/* 3: register for notification on q, tell the parent, wait for the signal. */
		struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
		sigprocmask(SIG_BLOCK, &usr2, NULL);
		int e = mq_notify(q, &sev);
		snprintf(reply, sizeof reply, "registered %d", e);
		mq_send(r, reply, strlen(reply), 0);
		int sig = 0;
		sigwait(&usr2, &sig);
		snprintf(reply, sizeof reply, "notified by %d", sig);
		n = mq_receive(q, buf, sizeof buf, NULL);
		mq_send(r, reply, strlen(reply), 0);
		/* 4: register again, then close: the registration goes with the descriptor. */
		e = mq_notify(q, &sev);
		mq_close(q);
		snprintf(reply, sizeof reply, "registered %d and closed", e);
		mq_send(r, reply, strlen(reply), 0);
		_exit(0);
	}
	char buf[32];
	ssize_t n;
	nap();
	check("send ping (the child waits in receive)", mq_send(q, "ping", 4, 0));
	n = mq_receive(r, buf, sizeof buf, NULL);
	printf("reply: [%.*s]\n", n > 0 ? (int)n : 0, buf);

	check("send first (fills the queue)", mq_send(q, "first", 5, 0));
	check("send second (blocks until the child receives)", mq_send(q, "second", 6, 0));
	n = mq_receive(r, buf, sizeof buf, NULL);
	printf("reply: [%.*s]\n", n > 0 ? (int)n : 0, buf);

	n = mq_receive(r, buf, sizeof buf, NULL);
	printf("reply: [%.*s]\n", n > 0 ? (int)n : 0, buf);
	status("child registered", q);
	struct sigevent mine = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	int e = mq_notify(q, &mine);
	printf("parent registers: %d %s\n", e, e < 0 ? errname(errno) : "0");
	check("send notify", mq_send(q, "n", 1, 0));
	n = mq_receive(r, buf, sizeof buf, NULL);
	printf("reply: [%.*s]\n", n > 0 ? (int)n : 0, buf);
	n = mq_receive(r, buf, sizeof buf, NULL);
	printf("reply: [%.*s]\n", n > 0 ? (int)n : 0, buf);
	status("after the child closed", q);

	/* poll(-1) woken by the other process's send. */
	int ws;
	waitpid(pid, &ws, 0);
	printf("child exit %d\n", WEXITSTATUS(ws));
	pid = fork();
	if (pid == 0) {
		nap();
		mq_send(r, "late", 4, 0);
		_exit(0);
	}
	struct pollfd p = { .fd = r, .events = POLLIN };
	int k = poll(&p, 1, -1);
	printf("poll: %d revents %#x\n", k, (unsigned)p.revents);
	n = mq_receive(r, buf, sizeof buf, NULL);
	printf("received: [%.*s]\n", n > 0 ? (int)n : 0, buf);
	waitpid(pid, &ws, 0);
	printf("parent signal %d\n", (int)got);
	check("unlink a", mq_unlink(a));
	check("unlink b", mq_unlink(b));
	return 0;
}
