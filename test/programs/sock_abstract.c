/* Unix sockets named in the abstract namespace: a stream server and a client
 * in another process (listen, connect, accept4, names, SO_PEERCRED), the
 * backlog (EAGAIN for a non-blocking connect, a blocking one that waits for
 * accept), connections closed before they are accepted, autobind, and
 * datagram servers (sendto/recvfrom with addresses, the queue limit for
 * unconnected senders, EPERM, disconnecting with AF_UNSPEC). */
#define _GNU_SOURCE
#include "sock.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static void show_addr(const char *what, struct sockaddr_un *a, socklen_t l, socklen_t expect)
{
	printf("%s: len %u%s family %d abstract %d\n", what, l, l == expect ? " (the name's)" : "", a->sun_family,
	       l > 2 && a->sun_path[0] == 0);
}

static void stream_server(void)
{
	struct sockaddr_un a, b;
	socklen_t al = abstract_addr(&a, "stream"), bl;
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("bind abstract", bind(srv, (struct sockaddr *)&a, al));
	int dup = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("bind the same name again", bind(dup, (struct sockaddr *)&a, al));
	int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
	sok("bind the same name as a datagram socket", bind(dg, (struct sockaddr *)&a, al));
	sok("connect before listen", connect(dup, (struct sockaddr *)&a, al));
	int v = 0;
	socklen_t vl = sizeof v;
	getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN before listen: %d\n", v);
	sok("listen", listen(srv, 1));
	getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN after listen: %d\n", v);
	sok("listen again (new backlog)", listen(srv, 1));
	bl = sizeof b;
	getsockname(srv, (struct sockaddr *)&b, &bl);
	show_addr("server getsockname", &b, bl, al);
	printf("same name: %d\n", bl == al && memcmp(&a, &b, al) == 0);
	sok("connect a datagram socket to a stream name", connect(dg, (struct sockaddr *)&a, al));

	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		sok("child: connect", connect(s, (struct sockaddr *)&a, al));
		struct sockaddr_un p;
		socklen_t pl = sizeof p;
		getpeername(s, (struct sockaddr *)&p, &pl);
		show_addr("child: getpeername", &p, pl, al);
		pl = sizeof p;
		getsockname(s, (struct sockaddr *)&p, &pl);
		show_addr("child: getsockname (unbound)", &p, pl, al);
		struct ucred u;
		socklen_t ul = sizeof u;
		getsockopt(s, SOL_SOCKET, SO_PEERCRED, &u, &ul);
		printf("child: SO_PEERCRED is the parent %d\n", u.pid == getppid());
		sok("child: connect again", connect(s, (struct sockaddr *)&a, al));
		send(s, "hello from child", 16, 0);
		char buf[32];
		ssize_t r = recv(s, buf, sizeof buf, 0);
		printf("child: got %zd '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
		close(s);
		fflush(stdout);
		_exit(0);
	}
	struct sockaddr_un p;
	socklen_t pl = sizeof p;
	memset(&p, 0x55, sizeof p);
	int s = accept4(srv, (struct sockaddr *)&p, &pl, SOCK_CLOEXEC | SOCK_NONBLOCK);
	sok("accept4", s);
	printf("accepted peer address len %u family %d\n", pl, p.sun_family);
	printf("accepted F_GETFL nonblock %d, FD_CLOEXEC %d\n", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0,
	       fcntl(s, F_GETFD) & FD_CLOEXEC);
	pl = sizeof p;
	getsockname(s, (struct sockaddr *)&p, &pl);
	show_addr("accepted getsockname", &p, pl, al);
	struct ucred u;
	socklen_t ul = sizeof u;
	getsockopt(s, SOL_SOCKET, SO_PEERCRED, &u, &ul);
	printf("accepted SO_PEERCRED is the child %d\n", u.pid == c);
	char buf[32];
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(s, &rs);
	select(s + 1, &rs, NULL, NULL, NULL);
	ssize_t r = recv(s, buf, sizeof buf, 0);
	printf("server got %zd '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
	send(s, "hi child", 8, 0);
	int st;
	waitpid(c, &st, 0);
	FD_ZERO(&rs);
	FD_SET(s, &rs);
	select(s + 1, &rs, NULL, NULL, NULL);
	sval("server reads after the child closed", recv(s, buf, sizeof buf, 0));
	close(s);

	/* The backlog: listen(1) holds two requests; a third non-blocking connect gets EAGAIN. */
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0), c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	int c3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	sok("connect 1", connect(c1, (struct sockaddr *)&a, al));
	sok("connect 2", connect(c2, (struct sockaddr *)&a, al));
	sok("connect 3 nonblocking: backlog full", connect(c3, (struct sockaddr *)&a, al));
	send(c1, "one", 3, 0);
	close(c1);
	/* A blocking connect waits until accept makes room. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		int s4 = socket(AF_UNIX, SOCK_STREAM, 0);
		sok("child: blocking connect with a full backlog", connect(s4, (struct sockaddr *)&a, al));
		send(s4, "four", 4, 0);
		fflush(stdout);
		_exit(0);
	}
	int n1 = accept(srv, NULL, NULL);
	sval("accept 1: read what the closed client sent", recv(n1, buf, sizeof buf, 0));
	sval("accept 1: then EOF", recv(n1, buf, sizeof buf, 0));
	int n2 = accept(srv, NULL, NULL);
	sok("accept 2", n2);
	int n3 = accept(srv, NULL, NULL);
	r = recv(n3, buf, sizeof buf, 0);
	printf("accept 3 (the blocked child): %zd '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
	waitpid(c, &st, 0);
	int nb = fcntl(srv, F_GETFL);
	fcntl(srv, F_SETFL, nb | O_NONBLOCK);
	sok("accept with nothing pending (nonblocking)", accept(srv, NULL, NULL));
	fcntl(srv, F_SETFL, nb);
	close(n1); close(n2); close(n3); close(c2); close(c3);

	/* A listener closed with a request pending: the client reads ECONNRESET, then EOF. */
	c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c1, (struct sockaddr *)&a, al);
	close(srv);
	sval("client of a closed listener: read", recv(c1, buf, sizeof buf, 0));
	sval("client of a closed listener: read again", recv(c1, buf, sizeof buf, 0));
	sval("client of a closed listener: send", send(c1, "x", 1, MSG_NOSIGNAL));
	close(c1);
	c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("connect after the listener closed", connect(c1, (struct sockaddr *)&a, al));
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("the name is free again", bind(srv, (struct sockaddr *)&a, al));
	close(srv); close(c1); close(dup); close(dg);

	/* Errors of listen and accept. */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("listen unbound", listen(s, 5));
	sok("accept on a socket not listening", accept(s, NULL, NULL));
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(s, (struct sockaddr *)&a, al);
	sok("listen on a datagram socket", listen(s, 5));
	sok("accept on a datagram socket", accept(s, NULL, NULL));
	sok("accept4 bad flags", accept4(s, NULL, NULL, 1));
	close(s);
}

static void autobind(void)
{
	struct sockaddr_un a;
	socklen_t al;
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	sok("bind with only the family (autobind)", bind(s, (struct sockaddr *)&(sa_family_t){ AF_UNIX }, 2));
	al = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &al);
	int hex = 1;
	for (int i = 1; i < 6; i++) hex &= (a.sun_path[i] >= '0' && a.sun_path[i] <= '9') || (a.sun_path[i] >= 'a' && a.sun_path[i] <= 'f');
	printf("autobound: len %u abstract %d five hex digits %d\n", al, a.sun_path[0] == 0, hex);
	sok("autobind again", bind(s, (struct sockaddr *)&(sa_family_t){ AF_UNIX }, 2));
	struct sockaddr_un b;
	socklen_t bl = abstract_addr(&b, "other");
	sok("bind a bound socket", bind(s, (struct sockaddr *)&b, bl));
	close(s);
	/* SO_PASSCRED autobinds on connect and send. */
	int on = 1;
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	bl = abstract_addr(&b, "passcred");
	bind(srv, (struct sockaddr *)&b, bl);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	setsockopt(s, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	sendto(s, "x", 1, 0, (struct sockaddr *)&b, bl);
	al = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &al);
	printf("after a send with SO_PASSCRED: len %u\n", al);
	char c;
	struct sockaddr_un from;
	socklen_t fl = sizeof from;
	recvfrom(srv, &c, 1, 0, (struct sockaddr *)&from, &fl);
	printf("recvfrom shows the autobound name: %d\n", fl == al && memcmp(&from, &a, al) == 0);
	close(s);
	close(srv);
}

static void dgram_server(void)
{
	struct sockaddr_un a, b, from;
	socklen_t al = abstract_addr(&a, "dgram"), bl = abstract_addr(&b, "dgram-client"), fl;
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(srv, (struct sockaddr *)&a, al);
	int cl = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[32];
	sval("unbound client sendto", sendto(cl, "anon", 4, 0, (struct sockaddr *)&a, al));
	fl = sizeof from;
	memset(&from, 0x55, sizeof from);
	ssize_t r = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	printf("recvfrom an unbound sender: %zd addrlen %u\n", r, fl);
	bind(cl, (struct sockaddr *)&b, bl);
	sendto(cl, "named", 5, 0, (struct sockaddr *)&a, al);
	fl = sizeof from;
	r = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	printf("recvfrom a bound sender: %zd addr is its name %d\n", r, fl == bl && memcmp(&from, &b, bl) == 0);
	fl = 4;
	sendto(cl, "short", 5, 0, (struct sockaddr *)&a, al);
	r = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	printf("recvfrom with addrlen 4: %zd addrlen now %u\n", r, fl);
	/* The reply goes back by name. */
	sendto(srv, "reply", 5, 0, (struct sockaddr *)&b, bl);
	r = recv(cl, buf, sizeof buf, 0);
	printf("client got the reply: %zd\n", r);

	/* An unconnected sender may queue max_dgram_qlen + 1 messages, then EAGAIN (non-blocking). */
	int n = 0;
	while (sendto(cl, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, al) == 1 && n < 1000) n++;
	printf("queued before %s: %d\n", serr(errno), n);
	/* A socket connected to the server gets the same limit. */
	int cc = socket(AF_UNIX, SOCK_DGRAM, 0);
	connect(cc, (struct sockaddr *)&a, al);
	sval("connected sender to a full server", send(cc, "q", 1, MSG_DONTWAIT));
	for (int i = 0; i < n; i++) recv(srv, buf, sizeof buf, 0);
	sval("after the server read them", send(cc, "q", 1, MSG_DONTWAIT));
	recv(srv, buf, sizeof buf, 0);

	/* The server connects to the client: others may no longer send to the client. */
	sok("server connects to the client", connect(srv, (struct sockaddr *)&b, bl));
	sok("client connects to the server", connect(cl, (struct sockaddr *)&a, al));
	int third = socket(AF_UNIX, SOCK_DGRAM, 0);
	sval("a third socket sends to the client (connected elsewhere)", sendto(third, "x", 1, 0, (struct sockaddr *)&b, bl));
	sok("a third socket connects to the client", connect(third, (struct sockaddr *)&b, bl));
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	sok("client disconnects (AF_UNSPEC)", connect(cl, &unspec, sizeof unspec));
	sval("client send without an address", send(cl, "x", 1, 0));
	sok("connect with addrlen 1", connect(cl, (struct sockaddr *)&a, 1));
	close(third); close(cc); close(cl); close(srv);
}

int main(void)
{
	stream_server();
	autobind();
	dgram_server();
	return 0;
}
