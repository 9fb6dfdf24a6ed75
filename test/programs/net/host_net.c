/* Host networking (tsvisor run --network=host): argv[1] is "tcp:PORT" of a host
 * TCP echo server, argv[2] "udp:PORT" of a host UDP echo server, argv[3] a port
 * nobody listens on; all on 127.0.0.1 (argv[4] "probe": only try the TCP server). Prints only what is the same natively
 * and in the sandbox. test/net_host.test.ts runs it both ways. */
#define _GNU_SOURCE
#include "../sock.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static struct sockaddr_in lo(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return a;
}

static void echo_tcp(int port)
{
	struct sockaddr_in a = lo(port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sok("tcp connect", connect(s, (struct sockaddr *)&a, sizeof a));
	struct sockaddr_in p;
	socklen_t pl = sizeof p;
	sok("getpeername", getpeername(s, (struct sockaddr *)&p, &pl));
	printf("peer port matches: %d, len %u\n", ntohs(p.sin_port) == port, pl);
	int one = 1;
	sok("TCP_NODELAY", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
	int v = 0;
	socklen_t vl = sizeof v;
	sok("get TCP_NODELAY", getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &vl));
	printf("TCP_NODELAY %d len %u\n", v != 0, vl);
	vl = sizeof v;
	getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl);
	printf("SO_TYPE %d\n", v);
	sval("send", send(s, "hello", 5, 0));
	char buf[64];
	long n = recv(s, buf, sizeof buf, 0);
	printf("recv %ld: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	/* readiness: nothing more to read now, writable */
	struct pollfd pf = { s, POLLIN | POLLOUT, 0 };
	sval("poll", poll(&pf, 1, 0));
	printf("revents in %d out %d\n", !!(pf.revents & POLLIN), !!(pf.revents & POLLOUT));
	sok("shutdown", shutdown(s, SHUT_WR));
	n = recv(s, buf, sizeof buf, 0);
	printf("after shutdown: %ld\n", n);
	close(s);
}

static void echo_udp(int port)
{
	struct sockaddr_in a = lo(port), from;
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	sval("udp sendto", sendto(u, "ping", 4, 0, (struct sockaddr *)&a, sizeof a));
	char buf[64];
	socklen_t fl = sizeof from;
	long n = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	printf("udp recvfrom %ld: %.*s from port ok %d len %u\n", n, (int)(n > 0 ? n : 0), buf, ntohs(from.sin_port) == port, fl);
	/* A datagram larger than the buffer: MSG_TRUNC gives its length. */
	sendto(u, "0123456789", 10, 0, (struct sockaddr *)&a, sizeof a);
	n = recv(u, buf, 4, MSG_TRUNC);
	printf("udp MSG_TRUNC: %ld\n", n);
	close(u);
}

static void refused(int port)
{
	struct sockaddr_in a = lo(port);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	sok("connect to a closed port", connect(s, (struct sockaddr *)&a, sizeof a));
	close(s);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	sok("non-blocking connect", connect(s, (struct sockaddr *)&a, sizeof a));
	struct pollfd pf = { s, POLLOUT, 0 };
	poll(&pf, 1, 5000);
	int err = 0;
	socklen_t el = sizeof err;
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("SO_ERROR %s\n", serr(err));
	close(s);
}

/* A server in the program: a child connects to it through the host's loopback. */
static void server(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = lo(0);
	sok("bind 127.0.0.1:0", bind(l, (struct sockaddr *)&a, sizeof a));
	sok("listen", listen(l, 4));
	socklen_t al = sizeof a;
	getsockname(l, (struct sockaddr *)&a, &al);
	printf("bound a port: %d\n", ntohs(a.sin_port) != 0);
	int v = 0;
	socklen_t vl = sizeof v;
	getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN %d\n", v);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) _exit(2);
		char buf[16];
		long n = read(s, buf, sizeof buf);
		if (n != 3 || memcmp(buf, "srv", 3) != 0) _exit(3);
		write(s, "cli", 3);
		_exit(0);
	}
	struct sockaddr_in peer;
	socklen_t pl = sizeof peer;
	int s = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
	sok("accept4", s);
	printf("peer is loopback: %d\n", peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	int q = -1;
	sok("FIONREAD", ioctl(s, FIONREAD, &q));
	write(s, "srv", 3);
	char buf[16];
	long n = read(s, buf, sizeof buf);
	printf("server read %ld: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	int st;
	waitpid(c, &st, 0);
	printf("client exit %d\n", WEXITSTATUS(st));
	n = read(s, buf, sizeof buf);
	printf("read after close: %ld\n", n);
	close(s);
	close(l);
}

static void errors(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = lo(0);
	sok("bind with a short address", bind(s, (struct sockaddr *)&a, 4));
	sok("bind with a bad pointer", bind(s, (struct sockaddr *)8, sizeof a));
	int v;
	socklen_t vl = sizeof v;
	sok("getsockopt unknown", getsockopt(s, SOL_SOCKET, 9999, &v, &vl));
	sok("accept on a socket not listening", accept(s, NULL, NULL));
	close(s);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 4) { printf("usage: host_net tcp:PORT udp:PORT closedport\n"); return 2; }
	if (argc > 4 && strcmp(argv[4], "probe") == 0) {
		/* Only whether the host's TCP server can be reached. */
		struct sockaddr_in a = lo(atoi(argv[1] + 4));
		int s = socket(AF_INET, SOCK_STREAM, 0);
		sok("tcp connect", connect(s, (struct sockaddr *)&a, sizeof a));
		return 0;
	}
	echo_tcp(atoi(argv[1] + 4));
	echo_udp(atoi(argv[2] + 4));
	refused(atoi(argv[3]));
	server();
	errors();
	return 0;
}
