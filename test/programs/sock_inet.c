/* AF_INET on the loopback network: TCP between processes over 127.0.0.1
 * (ephemeral ports, names, connect/accept, EOF, ECONNRESET, refused connects
 * blocking and not, EINPROGRESS, TCP_NODELAY, a 8 MiB transfer) and UDP
 * (addresses both ways, connected sockets, EDESTADDRREQ, ECONNREFUSED after a
 * send to a closed port, message boundaries). Ports are never printed. */
#define _GNU_SOURCE
#include "sock.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/wait.h>

static struct sockaddr_in loop(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return a;
}

static void show(const char *what, const struct sockaddr_in *a, socklen_t l)
{
	printf("%s: len %u family %d addr %s port %s\n", what, l, a->sin_family, inet_ntoa(a->sin_addr),
	       ntohs(a->sin_port) == 0 ? "0" : ntohs(a->sin_port) >= 1024 ? "ephemeral-or-set" : "low");
}

static int revents(int fd, int ev, int ms)
{
	struct pollfd p = { fd, (short)ev, 0 };
	poll(&p, 1, ms);
	return p.revents;
}

static void basics(void)
{
	int v;
	socklen_t vl = sizeof v;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl); printf("tcp SO_TYPE %d\n", v);
	getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl); printf("tcp SO_PROTOCOL %d\n", v);
	getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &vl); printf("tcp SO_DOMAIN %d\n", v);
	printf("fresh tcp poll %#x\n", revents(s, POLLIN | POLLOUT | POLLRDHUP, 0));
	char b[8];
	sval("recv on an unconnected tcp socket", recv(s, b, 1, MSG_DONTWAIT));
	sval("send on an unconnected tcp socket", send(s, "x", 1, MSG_NOSIGNAL));
	sok("shutdown an unconnected tcp socket", shutdown(s, SHUT_RDWR));
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	sok("getpeername unconnected", getpeername(s, (struct sockaddr *)&a, &al));
	al = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &al);
	show("getsockname unbound", &a, al);
	getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &vl); printf("TCP_NODELAY %d\n", v);
	v = 1;
	sok("set TCP_NODELAY", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v));
	getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &vl); printf("TCP_NODELAY %d\n", v);
	a = loop(0);
	a.sin_family = AF_UNIX;
	sok("bind family AF_UNIX", bind(s, (struct sockaddr *)&a, sizeof a));
	a = loop(0);
	sok("bind short", bind(s, (struct sockaddr *)&a, 8));
	close(s);
	sok("socket tcp protocol udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	sok("socket seqpacket", socket(AF_INET, SOCK_SEQPACKET, 0));
	sok("socket protocol -1", socket(AF_INET, SOCK_STREAM, -1));
	int sv[2];
	sok("socketpair AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, sv));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl); printf("udp SO_PROTOCOL %d\n", v);
	sok("listen on udp", listen(s, 1));
	sok("send on an unconnected udp socket", send(s, "x", 1, 0));
	close(s);
}

static void tcp(void)
{
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loop(0), b;
	socklen_t al = sizeof a, bl;
	sok("bind 127.0.0.1:0", bind(srv, (struct sockaddr *)&a, sizeof a));
	sok("bind again", bind(srv, (struct sockaddr *)&a, sizeof a));
	getsockname(srv, (struct sockaddr *)&a, &al);
	show("server name", &a, al);
	sok("listen", listen(srv, 4));
	int dup = socket(AF_INET, SOCK_STREAM, 0);
	int on = 1;
	setsockopt(dup, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	sok("bind the listening port again (SO_REUSEADDR)", bind(dup, (struct sockaddr *)&a, sizeof a));
	close(dup);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		sok("child: connect", connect(s, (struct sockaddr *)&a, sizeof a));
		struct sockaddr_in me, peer;
		socklen_t ml = sizeof me, pl = sizeof peer;
		getsockname(s, (struct sockaddr *)&me, &ml);
		show("child: own name", &me, ml);
		getpeername(s, (struct sockaddr *)&peer, &pl);
		printf("child: peer is the server %d\n", pl == sizeof a && memcmp(&peer, &a, sizeof a) == 0);
		send(s, &me, sizeof me, 0);
		char buf[32];
		ssize_t r = recv(s, buf, sizeof buf, 0);
		printf("child: got %zd '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
		shutdown(s, SHUT_WR);
		r = recv(s, buf, sizeof buf, 0);
		printf("child: then %zd\n", r);
		close(s);
		fflush(stdout);
		_exit(0);
	}
	bl = sizeof b;
	int s = accept(srv, (struct sockaddr *)&b, &bl);
	sok("accept", s);
	struct sockaddr_in childname;
	recv(s, &childname, sizeof childname, MSG_WAITALL);
	printf("accept's address is the child's name %d\n", bl == sizeof b && memcmp(&b, &childname, sizeof b) == 0);
	struct sockaddr_in mine;
	socklen_t ml = sizeof mine;
	getsockname(s, (struct sockaddr *)&mine, &ml);
	printf("accepted socket's name is the server's %d\n", memcmp(&mine, &a, sizeof a) == 0);
	send(s, "hello", 5, 0);
	char buf[16];
	sval("server reads the child's EOF", recv(s, buf, sizeof buf, 0));
	close(s);
	waitpid(c, NULL, 0);

	/* Non-blocking connect: EINPROGRESS, then writable with SO_ERROR 0. */
	int n = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	sok("non-blocking connect", connect(n, (struct sockaddr *)&a, sizeof a));
	printf("  then writable %d\n", (revents(n, POLLOUT, 1000) & POLLOUT) != 0);
	int e = -1;
	socklen_t el = sizeof e;
	getsockopt(n, SOL_SOCKET, SO_ERROR, &e, &el);
	printf("  SO_ERROR %d\n", e);
	s = accept(srv, NULL, NULL);
	/* Close with data unread: the other side reads what it had, then ECONNRESET. */
	send(s, "zz", 2, 0);
	send(n, "unread", 6, 0);
	revents(s, POLLIN, 1000);
	close(s);
	revents(n, POLLIN, 1000);
	fcntl(n, F_SETFL, 0);
	sval("read what came before the reset", recv(n, buf, sizeof buf, 0));
	sval("then", recv(n, buf, sizeof buf, 0));
	sval("then", recv(n, buf, sizeof buf, 0));
	close(n);
	close(srv);

	/* Refused: blocking gives ECONNREFUSED; non-blocking EINPROGRESS and SO_ERROR. */
	int r = socket(AF_INET, SOCK_STREAM, 0);
	sok("connect to the closed port", connect(r, (struct sockaddr *)&a, sizeof a));
	close(r);
	r = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	sok("non-blocking connect to the closed port", connect(r, (struct sockaddr *)&a, sizeof a));
	printf("  poll %#x\n", revents(r, POLLIN | POLLOUT | POLLRDHUP, 1000));
	getsockopt(r, SOL_SOCKET, SO_ERROR, &e, &el);
	printf("  SO_ERROR %s\n", serr(e));
	close(r);
}

static void transfer(void)
{
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loop(0);
	socklen_t al = sizeof a;
	bind(srv, (struct sockaddr *)&a, sizeof a);
	getsockname(srv, (struct sockaddr *)&a, &al);
	listen(srv, 1);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		connect(s, (struct sockaddr *)&a, sizeof a);
		static unsigned char out[1 << 20];
		for (int i = 0; i < (int)sizeof out; i++) out[i] = (unsigned char)(i * 7 + (i >> 9));
		for (int k = 0; k < 8; k++) send(s, out, sizeof out, 0);
		close(s);
		_exit(0);
	}
	int s = accept(srv, NULL, NULL);
	static unsigned char in[50000];
	unsigned h = 2166136261u;
	long n = 0;
	ssize_t r;
	while ((r = recv(s, in, sizeof in, 0)) > 0) {
		for (ssize_t i = 0; i < r; i++) h = (h ^ in[i]) * 16777619u;
		n += r;
	}
	printf("tcp transfer: %ld bytes checksum %08x\n", n, h);
	waitpid(c, NULL, 0);
	close(s);
	close(srv);
}

static void udp(void)
{
	int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a1 = loop(0), a2 = loop(0), from;
	socklen_t l = sizeof a1, fl;
	bind(u1, (struct sockaddr *)&a1, sizeof a1);
	getsockname(u1, (struct sockaddr *)&a1, &l);
	sval("udp sendto", sendto(u2, "one", 3, 0, (struct sockaddr *)&a1, sizeof a1));
	sval("udp sendto", sendto(u2, "two!", 4, 0, (struct sockaddr *)&a1, sizeof a1));
	l = sizeof a2;
	getsockname(u2, (struct sockaddr *)&a2, &l);
	show("the sender was bound by its send", &a2, l);
	char buf[16];
	fl = sizeof from;
	ssize_t r = recvfrom(u1, buf, 2, 0, (struct sockaddr *)&from, &fl);
	printf("recvfrom 2 of 'one': %zd, from the sender %d\n", r, fl == sizeof from && memcmp(&from, &a2, sizeof a2) == 0);
	struct iovec iov = { buf, sizeof buf };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	r = recvmsg(u1, &mh, 0);
	printf("recvmsg: %zd '%.4s' flags %#x\n", r, buf, mh.msg_flags);
	/* Connected: only the peer's datagrams arrive. */
	sok("connect u1 to u2", connect(u1, (struct sockaddr *)&a2, sizeof a2));
	int u3 = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(u3, "stranger", 8, 0, (struct sockaddr *)&a1, sizeof a1);
	send(u2, "x", 0, 0);
	sendto(u2, "peer", 4, 0, (struct sockaddr *)&a1, sizeof a1);
	r = recv(u1, buf, sizeof buf, 0);
	printf("connected u1 reads: %zd\n", r);
	r = recv(u1, buf, sizeof buf, MSG_DONTWAIT);
	printf("then: %zd '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
	sval("then", recv(u1, buf, sizeof buf, MSG_DONTWAIT));
	struct sockaddr_in p;
	l = sizeof p;
	getpeername(u1, (struct sockaddr *)&p, &l);
	printf("getpeername is u2 %d\n", memcmp(&p, &a2, sizeof p) == 0);
	/* A send to a port nobody has: a connected socket learns ECONNREFUSED. */
	close(u3);
	u3 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in gone = loop(0);
	int tmp = socket(AF_INET, SOCK_DGRAM, 0);
	bind(tmp, (struct sockaddr *)&gone, sizeof gone);
	l = sizeof gone;
	getsockname(tmp, (struct sockaddr *)&gone, &l);
	close(tmp);
	sval("unconnected sendto a closed port", sendto(u3, "x", 1, 0, (struct sockaddr *)&gone, sizeof gone));
	connect(u3, (struct sockaddr *)&gone, sizeof gone);
	sval("connected send to a closed port", send(u3, "x", 1, 0));
	printf("  poll shows an error %d\n", (revents(u3, POLLIN, 1000) & POLLERR) != 0);
	sval("next send", send(u3, "x", 1, 0));
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	sok("disconnect", connect(u3, &unspec, sizeof unspec));
	sval("send after disconnecting", send(u3, "x", 1, 0));
	close(u1); close(u2); close(u3);
}

int main(void)
{
	basics();
	tcp();
	transfer();
	udp();
	return 0;
}
