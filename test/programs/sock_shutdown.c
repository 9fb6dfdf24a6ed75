/* shutdown(2) and close on unix sockets: EOF after SHUT_WR, EPIPE with
 * SIGPIPE (or without it under MSG_NOSIGNAL), ECONNRESET when a peer closes
 * with data unread, datagram peers that vanish (ECONNREFUSED, then
 * ENOTCONN), seqpacket EOF, and the error codes of unconnected sockets. */
#define _GNU_SOURCE
#include "sock.h"
#include <signal.h>
#include <unistd.h>

static volatile int sigpipes;
static void on_pipe(int s) { (void)s; sigpipes++; }

static void stream_shutdown(int type, const char *n)
{
	int sv[2];
	char buf[16];
	socketpair(AF_UNIX, type, 0, sv);
	printf("%s: shutdown SHUT_WR: %d\n", n, shutdown(sv[0], SHUT_WR));
	sval("read on the peer: EOF", read(sv[1], buf, sizeof buf));
	sigpipes = 0;
	sval("write after SHUT_WR", write(sv[0], "x", 1));
	printf("%s: SIGPIPEs %d\n", n, sigpipes);
	sval("send MSG_NOSIGNAL after SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL));
	printf("%s: SIGPIPEs %d\n", n, sigpipes);
	/* The other way still works. */
	sval("peer writes back", write(sv[1], "back", 4));
	sval("reads it", read(sv[0], buf, sizeof buf));
	printf("%s: SHUT_RD: %d\n", n, shutdown(sv[0], SHUT_RD));
	sval("read after own SHUT_RD: EOF", read(sv[0], buf, sizeof buf));
	sval("peer write after our SHUT_RD", send(sv[1], "y", 1, MSG_NOSIGNAL));
	sok("shutdown how 3", shutdown(sv[0], 3));
	sok("shutdown how -1", shutdown(sv[0], -1));
	close(sv[0]);
	close(sv[1]);

	/* Close with unread data: the peer reads what it has, then ECONNRESET once, then EOF. */
	socketpair(AF_UNIX, type, 0, sv);
	write(sv[0], "data", 4);
	write(sv[1], "unread", 6);
	close(sv[1]);
	sval("read queued data after the peer closed", read(sv[0], buf, sizeof buf));
	sval("then", read(sv[0], buf, sizeof buf));
	sval("then", read(sv[0], buf, sizeof buf));
	sigpipes = 0;
	sval("write to a closed peer", write(sv[0], "z", 1));
	printf("%s: SIGPIPEs %d\n", n, sigpipes);
	int e = -1;
	socklen_t el = sizeof e;
	getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &e, &el);
	printf("%s: SO_ERROR after all that: %d\n", n, e);
	close(sv[0]);

	/* Close without unread data: plain EOF, and SO_ERROR shows ECONNRESET when it was pending. */
	socketpair(AF_UNIX, type, 0, sv);
	write(sv[1], "q", 1);
	close(sv[1]);
	getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &e, &el);
	printf("%s: SO_ERROR when the peer closed with our byte unread: %s\n", n, e ? serr(e) : "0");
	sval("read", read(sv[0], buf, sizeof buf));
	close(sv[0]);
}

static void dgram_close(void)
{
	int sv[2];
	char buf[16];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[1], "from1", 5, 0);
	close(sv[1]);
	sval("dgram: read what the closed peer sent", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
	sval("dgram: read again", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
	sval("dgram: send to the closed peer", send(sv[0], "x", 1, 0));
	sval("dgram: send again", send(sv[0], "x", 1, 0));
	struct sockaddr_un a;
	socklen_t al = sizeof a;
	sok("dgram: getpeername after", getpeername(sv[0], (struct sockaddr *)&a, &al));
	close(sv[0]);

	/* Unread messages from a peer that closed are dropped when a send notices. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[1], "lost", 4, 0);
	close(sv[1]);
	sval("dgram: send notices", send(sv[0], "x", 1, 0));
	sval("dgram: the message from before is gone", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
	close(sv[0]);

	/* shutdown on a datagram socket affects only itself. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	shutdown(sv[0], SHUT_WR);
	sval("dgram: send after SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL));
	sval("dgram: peer can still send", send(sv[1], "y", 1, 0));
	shutdown(sv[0], SHUT_RD);
	sval("dgram: read queued after SHUT_RD", recv(sv[0], buf, sizeof buf, 0));
	sval("dgram: blocking read after SHUT_RD: EOF", recv(sv[0], buf, sizeof buf, 0));
	sval("dgram: nonblocking read after SHUT_RD", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
	sval("dgram: peer sends to a SHUT_RD socket", send(sv[1], "y", 1, 0));
	close(sv[0]);
	close(sv[1]);
}

static void seqpacket_close(void)
{
	int sv[2];
	char buf[16];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	close(sv[1]);
	sval("seqpacket: blocking read after the peer closed", recv(sv[0], buf, sizeof buf, 0));
	sval("seqpacket: nonblocking read", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
	sigpipes = 0;
	sval("seqpacket: send", send(sv[0], "x", 1, 0));
	printf("seqpacket: SIGPIPEs %d\n", sigpipes);
	close(sv[0]);
}

static void unconnected(void)
{
	char buf[4];
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	sval("unconnected stream: write", write(s, "x", 1));
	sval("unconnected stream: read", read(s, buf, 1));
	sval("unconnected stream: recv", recv(s, buf, 1, MSG_DONTWAIT));
	sok("unconnected stream: shutdown", shutdown(s, SHUT_RDWR));
	struct sockaddr_un a;
	socklen_t al = sizeof a;
	sok("unconnected stream: getpeername", getpeername(s, (struct sockaddr *)&a, &al));
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	sval("unconnected dgram: send", send(s, "x", 1, 0));
	sval("unconnected dgram: recv nonblocking", recv(s, buf, 1, MSG_DONTWAIT));
	socklen_t l = abstract_addr(&a, "nobody-here");
	sval("unconnected dgram: sendto nobody", sendto(s, "x", 1, 0, (struct sockaddr *)&a, l));
	close(s);
	s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	sval("unconnected seqpacket: send", send(s, "x", 1, 0));
	sval("unconnected seqpacket: recv", recv(s, buf, 1, 0));
	close(s);
}

int main(void)
{
	signal(SIGPIPE, on_pipe);
	stream_shutdown(SOCK_STREAM, "stream");
	stream_shutdown(SOCK_SEQPACKET, "seqpacket");
	dgram_close();
	seqpacket_close();
	unconnected();
	return 0;
}
