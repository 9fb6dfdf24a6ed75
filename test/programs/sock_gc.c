/* Unix sockets kept open only by SCM_RIGHTS messages queued on each other are
 * collected once nothing else holds them (Linux's unix_gc): a socket sent into
 * its own queue, two sockets sent to each other, a listener sent over a
 * connection it has not accepted. A "passenger" socket carried along shows it:
 * its peer sees the hangup when the cycle goes. A cycle still held through
 * one descriptor stays. Collection runs when a unix socket is released. */
#define _GNU_SOURCE
#include "sock.h"
#include <poll.h>

static int send_fd(int s, int fd)
{
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } c;
	memset(&c, 0, sizeof c);
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof c.b };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof fd);
	return raw_sendmsg(s, &m, 0);
}

static int recv_fd(int s)
{
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } c;
	char d;
	struct iovec iov = { &d, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof c.b };
	if (raw_recvmsg(s, &m, 0) < 0) return -1;
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	int fd = -1;
	if (h) memcpy(&fd, CMSG_DATA(h), sizeof fd);
	return fd;
}

/* Does the passenger's peer see a hangup within ms? */
static void hangup(const char *what, int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r = poll(&p, 1, ms);
	printf("%s: %s\n", what, r > 0 && (p.revents & POLLHUP) ? "hangup" : "still open");
}

int main(void)
{
	int sv[2], p[2];
	/* A socket in its own queue. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	socketpair(AF_UNIX, SOCK_STREAM, 0, p);
	send_fd(sv[1], sv[0]);
	send_fd(sv[1], p[1]);
	close(p[1]);
	close(sv[0]);
	/* (Natively any unix socket released anywhere on the host may collect it already: no check here.) */
	close(sv[1]);
	hangup("self cycle, all closed", p[0], 2000);
	close(p[0]);

	/* Two datagram sockets sent to each other. */
	int a[2], b[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, a);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, b);
	socketpair(AF_UNIX, SOCK_STREAM, 0, p);
	send_fd(a[1], b[0]);
	send_fd(b[1], a[0]);
	send_fd(a[1], p[1]);
	close(p[1]);
	close(a[0]); close(b[0]); close(a[1]);
	/* b[1] does not hold b[0]: both are only in each other's queue; closing a[1] released a socket. */
	hangup("pair cycle, b[1] still open", p[0], 2000);
	close(b[1]);
	hangup("pair cycle, all closed", p[0], 2000);
	close(p[0]);

	/* A cycle still held by a descriptor stays, and its messages can be read. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	socketpair(AF_UNIX, SOCK_STREAM, 0, p);
	send_fd(sv[1], sv[0]);
	send_fd(sv[1], p[1]);
	close(p[1]);
	int kept = dup(sv[0]);
	close(sv[0]);
	close(sv[1]);
	int trigger[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, trigger);
	close(trigger[0]);
	close(trigger[1]);
	hangup("cycle held through a dup", p[0], 100);
	int self = recv_fd(kept);
	int pass = recv_fd(kept);
	printf("received: self %d passenger %d\n", self >= 0, pass >= 0);
	printf("write through the passenger: %zd\n", write(pass, "ok", 2));
	char buf[4];
	printf("its peer reads: %zd\n", read(p[0], buf, sizeof buf));
	close(pass);
	close(self);
	close(kept);
	hangup("after closing everything", p[0], 2000);
	close(p[0]);

	/* A listener carried by a connection it never accepted. */
	struct sockaddr_un addr;
	socklen_t al = abstract_addr(&addr, "gc");
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(l, (struct sockaddr *)&addr, al);
	listen(l, 4);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&addr, al);
	socketpair(AF_UNIX, SOCK_STREAM, 0, p);
	send_fd(c, l);
	send_fd(c, p[1]);
	close(p[1]);
	close(c);
	close(l);
	/* Collection runs when a unix socket is released: close another one. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, trigger);
	close(trigger[0]);
	close(trigger[1]);
	hangup("listener in its own backlog", p[0], 2000);
	return 0;
}
