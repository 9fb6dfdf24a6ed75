/* epoll: ctl errors, level- and edge-triggered reports over pipes and
 * eventfds, EPOLLONESHOT and re-arming, hangups, nested epoll instances,
 * items that outlive a closed fd (dup), timeouts, epoll_pwait/pwait2. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int wait_show(const char *what, int ep, int max, int timeout)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, timeout);
	printf("%s: %d", what, n);
	if (n < 0) printf(" %s", errname(errno));
	for (int i = 0; i < n; i++) printf(" [%llu %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
	printf("\n");
	return n;
}

static int add(int ep, int fd, unsigned events, unsigned long long data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int mod(int ep, int fd, unsigned events, unsigned long long data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	printf("sizeof(struct epoll_event): %zu\n", sizeof(struct epoll_event));
	int ep = epoll_create1(0);
	check("epoll_create1", ep);
	checkval("F_GETFD", fcntl(ep, F_GETFD));
	int ep2 = epoll_create1(EPOLL_CLOEXEC);
	checkval("F_GETFD (EPOLL_CLOEXEC)", fcntl(ep2, F_GETFD));
	checkval("epoll_create1 bad flags", epoll_create1(1));
	checkval("epoll_create 0", epoll_create(0));
	int ep3 = epoll_create(1);
	check("epoll_create 1", ep3);

	int p[2];
	pipe2(p, O_NONBLOCK);
	int reg = open(path(dir, "passwd"), O_RDONLY);
	struct epoll_event e = { .events = EPOLLIN };
	checkval("ctl regular file", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &e));
	checkval("ctl bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &e));
	checkval("ctl bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, p[0], &e));
	checkval("ctl epfd not epoll", epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &e));
	checkval("ctl on itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e));
	checkval("ctl bad op", epoll_ctl(ep, 7, p[0], &e));
	checkval("ctl MOD absent", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	checkval("ctl DEL absent", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	checkval("ctl event EFAULT", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], (void *)8));
	checkval("ADD pipe read end", add(ep, p[0], EPOLLIN, 1));
	checkval("ADD again", add(ep, p[0], EPOLLIN, 1));
	checkval("EPOLLEXCLUSIVE with MOD", mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1));
	checkval("EPOLLEXCLUSIVE with EPOLLONESHOT", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 2));
	checkval("ADD write end EPOLLEXCLUSIVE", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 2));
	checkval("MOD an exclusive item", mod(ep, p[1], EPOLLOUT, 2));
	checkval("DEL write end", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	checkval("maxevents 0", epoll_wait(ep, &e, 0, 0));
	checkval("epoll_wait on a pipe", epoll_wait(p[0], &e, 1, 0));
	checkval("epoll_wait EFAULT", epoll_wait(ep, (void *)0xffffffffffff0000ull, 1, 0));

	/* Level-triggered: reported while readable. */
	wait_show("LT empty", ep, 8, 0);
	write(p[1], "ab", 2);
	wait_show("LT data", ep, 8, 0);
	wait_show("LT data again", ep, 8, 0);
	char buf[64];
	read(p[0], buf, sizeof buf);
	wait_show("LT drained", ep, 8, 0);

	/* Edge-triggered: once per change. */
	checkval("MOD to EPOLLET", mod(ep, p[0], EPOLLIN | EPOLLET, 10));
	wait_show("ET empty", ep, 8, 0);
	write(p[1], "c", 1);
	wait_show("ET after a write", ep, 8, 0);
	wait_show("ET no new write", ep, 8, 0);
	write(p[1], "d", 1);
	wait_show("ET another write (still readable)", ep, 8, 0);
	read(p[0], buf, 1);
	wait_show("ET after a partial read", ep, 8, 0);
	read(p[0], buf, sizeof buf);

	/* One-shot: one report, then nothing until MOD. */
	checkval("MOD to EPOLLONESHOT", mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 20));
	write(p[1], "e", 1);
	wait_show("ONESHOT first", ep, 8, 0);
	write(p[1], "f", 1);
	wait_show("ONESHOT disabled", ep, 8, 0);
	checkval("MOD re-arms", mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 21));
	wait_show("ONESHOT re-armed", ep, 8, 0);
	read(p[0], buf, sizeof buf);

	/* eventfds: several items, maxevents, round robin of level-triggered items. */
	int e1 = eventfd(1, EFD_NONBLOCK), e2 = eventfd(0, EFD_NONBLOCK), e3 = eventfd(5, EFD_NONBLOCK);
	add(ep3, e1, EPOLLIN, 101);
	add(ep3, e2, EPOLLIN | EPOLLOUT, 102);
	add(ep3, e3, EPOLLIN, 103);
	wait_show("three eventfds, max 2", ep3, 2, 0);
	wait_show("three eventfds, max 2 again", ep3, 2, 0);
	wait_show("three eventfds, all", ep3, 8, 0);
	eventfd_t v;
	eventfd_read(e1, &v);
	wait_show("e1 drained", ep3, 8, 0);
	checkval("MOD e2 to EPOLLIN|EPOLLET", mod(ep3, e2, EPOLLIN | EPOLLET, 102));
	wait_show("e2 ET not readable", ep3, 8, 0);
	eventfd_write(e2, 1);
	wait_show("e2 ET written", ep3, 8, 0);
	wait_show("e2 ET again", ep3, 8, 0);
	eventfd_write(e2, 0);
	wait_show("e2 ET write of 0 (a wake, still readable)", ep3, 8, 0);

	/* Nested: an epoll fd inside another is readable when its items are. */
	checkval("ADD epoll into epoll", add(ep2, ep3, EPOLLIN, 7));
	wait_show("outer sees inner ready", ep2, 8, 0);
	checkval("loop: inner watches outer", add(ep3, ep2, EPOLLIN, 8));
	checkval("EPOLLEXCLUSIVE on an epoll fd", add(ep, ep3, EPOLLIN | EPOLLEXCLUSIVE, 9));
	epoll_ctl(ep3, EPOLL_CTL_DEL, e3, NULL);
	eventfd_read(e2, &v);
	epoll_ctl(ep3, EPOLL_CTL_DEL, e2, NULL);
	wait_show("inner has nothing", ep3, 8, 0);
	wait_show("outer sees nothing", ep2, 8, 0);
	eventfd_write(e1, 9);
	wait_show("outer after inner's item fired", ep2, 8, 0);

	/* Hangups: EPOLLHUP on the read end, EPOLLERR on the write end, always reported. */
	int q[2];
	pipe(q);
	int epq = epoll_create1(0);
	add(epq, q[0], 0, 30);
	add(epq, q[1], EPOLLOUT, 31);
	wait_show("pipe, both ends", epq, 8, 0);
	close(q[1]);
	wait_show("write end closed", epq, 8, 0);
	pipe(q);
	add(epq, q[1], EPOLLOUT, 32);
	close(q[0]);
	wait_show("read end closed", epq, 8, 0);
	close(q[1]);

	/* An item lives as long as its file: a dup keeps it after close(fd). */
	pipe(q);
	int keep = dup(q[0]);
	add(epq, q[0], EPOLLIN, 40);
	close(q[0]);
	write(q[1], "g", 1);
	wait_show("fd closed but dup'd", epq, 8, 0);
	checkval("DEL by the closed fd", epoll_ctl(epq, EPOLL_CTL_DEL, q[0], NULL));
	close(keep);
	wait_show("last reference closed", epq, 8, 0);

	/* Timeouts. */
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int empty = epoll_create1(0);
	wait_show("timeout 30 ms", empty, 8, 30);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	fact("waited at least 30 ms", ms >= 30);
	sigset_t set;
	sigemptyset(&set);
	checkval("epoll_pwait 10 ms", epoll_pwait(empty, &e, 1, 10, &set));
	checkval("epoll_pwait bad sigsetsize", syscall(SYS_epoll_pwait, empty, &e, 1, 0, &set, 4));
	struct timespec ts = { 0, 10000000 };
	checkval("epoll_pwait2 10 ms", syscall(SYS_epoll_pwait2, empty, &e, 1, &ts, NULL, 8));
	ts.tv_nsec = -1;
	checkval("epoll_pwait2 bad timespec", syscall(SYS_epoll_pwait2, empty, &e, 1, &ts, NULL, 8));
	eventfd_write(e1, 1);
	checkval("epoll_pwait2 ready", syscall(SYS_epoll_pwait2, ep3, &e, 1, NULL, NULL, 8));

	/* Blocking until an item is ready: another item's timer... use an eventfd written before. */
	write(p[1], "h", 1);
	checkval("ADD again with data", mod(ep, p[0], EPOLLIN, 50));
	wait_show("infinite wait with data ready", ep, 8, -1);

	/* An epoll fd in poll/select-like use through /proc: the name. */
	char link[64], name[64];
	snprintf(name, sizeof name, "/proc/self/fd/%d", ep);
	ssize_t l = readlink(name, link, sizeof link - 1);
	if (l > 0) { link[l] = 0; printf("readlink: %s\n", link); }
	snprintf(name, sizeof name, "/proc/self/fd/%d", e1);
	l = readlink(name, link, sizeof link - 1);
	if (l > 0) { link[l] = 0; printf("readlink: %s\n", link); }
	return 0;
}
