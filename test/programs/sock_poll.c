/* Readiness of unix sockets through poll(2) and epoll(7): a fresh stream
 * socket, a pair, data, shutdowns both ways, a closed peer, a listener with a
 * pending connection, a full send buffer, a datagram socket whose server's
 * queue is full, edge-triggered epoll, and readers blocked in epoll_wait and
 * poll woken by another process. */
#define _GNU_SOURCE
#include "sock.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0 };
	int r = poll(&p, 1, 0);
	printf("%-44s %d:", what, r);
	if (p.revents & POLLIN) printf(" IN");
	if (p.revents & POLLPRI) printf(" PRI");
	if (p.revents & POLLOUT) printf(" OUT");
	if (p.revents & POLLERR) printf(" ERR");
	if (p.revents & POLLHUP) printf(" HUP");
	if (p.revents & POLLRDHUP) printf(" RDHUP");
	if (p.revents & POLLNVAL) printf(" NVAL");
	printf("\n");
}

static void states(int type, const char *n)
{
	char what[64], buf[64];
	int sv[2];
	int s = socket(AF_UNIX, type, 0);
	snprintf(what, sizeof what, "%s: fresh socket", n);
	show(what, s);
	close(s);
	socketpair(AF_UNIX, type, 0, sv);
	snprintf(what, sizeof what, "%s: pair", n);
	show(what, sv[0]);
	write(sv[1], "x", 1);
	snprintf(what, sizeof what, "%s: data waiting", n);
	show(what, sv[0]);
	read(sv[0], buf, sizeof buf);
	shutdown(sv[1], SHUT_WR);
	snprintf(what, sizeof what, "%s: peer SHUT_WR", n);
	show(what, sv[0]);
	shutdown(sv[0], SHUT_WR);
	snprintf(what, sizeof what, "%s: both SHUT_WR", n);
	show(what, sv[0]);
	close(sv[0]); close(sv[1]);
	socketpair(AF_UNIX, type, 0, sv);
	shutdown(sv[0], SHUT_RD);
	snprintf(what, sizeof what, "%s: own SHUT_RD", n);
	show(what, sv[0]);
	snprintf(what, sizeof what, "%s: the peer of a SHUT_RD", n);
	show(what, sv[1]);
	close(sv[0]); close(sv[1]);
	socketpair(AF_UNIX, type, 0, sv);
	write(sv[0], "unread", 6);
	close(sv[1]);
	snprintf(what, sizeof what, "%s: peer closed with data unread", n);
	show(what, sv[0]);
	close(sv[0]);
	socketpair(AF_UNIX, type, 0, sv);
	close(sv[1]);
	snprintf(what, sizeof what, "%s: peer closed", n);
	show(what, sv[0]);
	close(sv[0]);
	/* A full send buffer. */
	socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
	static char big[65536];
	while (send(sv[0], big, type == SOCK_STREAM ? sizeof big : 1000, 0) > 0) {}
	snprintf(what, sizeof what, "%s: send buffer full", n);
	show(what, sv[0]);
	/* Writable again once three quarters of it are read. */
	int drained = 0;
	struct pollfd p = { sv[0], POLLOUT, 0 };
	while (poll(&p, 1, 0) == 0) { ssize_t r = recv(sv[1], big, type == SOCK_STREAM ? 4096 : 1000, 0); if (r <= 0) break; drained += r; }
	printf("%s: writable after reading %d bytes\n", n, drained);
	close(sv[0]); close(sv[1]);
}

static void listener(void)
{
	struct sockaddr_un a;
	socklen_t al = abstract_addr(&a, "poll");
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(srv, (struct sockaddr *)&a, al);
	listen(srv, 4);
	show("listener: nothing pending", srv);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&a, al);
	show("listener: a connection pending", srv);
	show("client: connected", c);
	int s = accept(srv, NULL, NULL);
	show("listener: after accept", srv);
	close(s);
	show("client: the accepted end closed", c);
	close(c);
	close(srv);
	srv = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	bind(srv, (struct sockaddr *)&a, al);
	listen(srv, 4);
	show("seqpacket listener", srv);
	close(srv);
}

static void dgram_full(void)
{
	struct sockaddr_un a;
	socklen_t al = abstract_addr(&a, "poll-dgram");
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(srv, (struct sockaddr *)&a, al);
	int c = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	connect(c, (struct sockaddr *)&a, al);
	show("dgram: connected to a server", c);
	while (send(c, "q", 1, 0) == 1) {}
	show("dgram: the server's queue is full", c);
	show("dgram: the server", srv);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = 7 };
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	struct epoll_event out;
	printf("epoll for OUT while full: %d\n", epoll_wait(ep, &out, 1, 0));
	char b;
	recv(srv, &b, 1, 0);
	int r = epoll_wait(ep, &out, 1, 0);
	printf("epoll for OUT after the server read one: %d data %u\n", r, r > 0 ? out.data.u32 : 0);
	close(ep); close(c); close(srv);
}

static void epoll_edges(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET | EPOLLRDHUP, .data.u32 = 1 };
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
	struct epoll_event out[4];
	printf("ET: nothing: %d\n", epoll_wait(ep, out, 4, 0));
	write(sv[1], "a", 1);
	int r = epoll_wait(ep, out, 4, 0);
	printf("ET: after a write: %d events %#x\n", r, r > 0 ? out[0].events : 0);
	printf("ET: again without change: %d\n", epoll_wait(ep, out, 4, 0));
	write(sv[1], "b", 1);
	r = epoll_wait(ep, out, 4, 0);
	printf("ET: another write: %d events %#x\n", r, r > 0 ? out[0].events : 0);
	shutdown(sv[1], SHUT_WR);
	r = epoll_wait(ep, out, 4, 0);
	printf("ET: peer SHUT_WR: %d events %#x\n", r, r > 0 ? out[0].events : 0);
	close(sv[1]);
	r = epoll_wait(ep, out, 4, 0);
	printf("ET: peer closed: %d events %#x\n", r, r > 0 ? out[0].events : 0);
	close(ep);
	close(sv[0]);
}

static void woken(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int ep = epoll_create1(0);
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 5 }, out;
		epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
		int r = epoll_wait(ep, &out, 1, -1);
		printf("child: epoll_wait woke: %d data %u\n", r, out.data.u32);
		char b[8];
		printf("child: read %zd\n", read(sv[1], b, sizeof b));
		struct pollfd p = { sv[1], POLLIN, 0 };
		r = poll(&p, 1, -1);
		printf("child: poll woke: %d revents %#x\n", r, p.revents);
		printf("child: read %zd\n", read(sv[1], b, sizeof b));
		fflush(stdout);
		_exit(0);
	}
	write(sv[0], "wake", 4);
	/* The child reads and polls again; the close ends its second wait (EOF). */
	char b;
	read(sv[0], &b, 0);
	shutdown(sv[0], SHUT_WR);
	int st;
	waitpid(c, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	close(sv[0]); close(sv[1]);
}

int main(void)
{
	states(SOCK_STREAM, "stream");
	states(SOCK_DGRAM, "dgram");
	states(SOCK_SEQPACKET, "seqpacket");
	listener();
	dgram_full();
	epoll_edges();
	woken();
	return 0;
}
