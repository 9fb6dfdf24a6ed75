/* Signals and blocked socket calls (SIGALRM from setitimer): recv gives EINTR
 * without SA_RESTART and restarts with it, but an SO_RCVTIMEO makes it EINTR
 * either way; a blocked stream write returns what it sent; accept and a
 * connect waiting for backlog room; recvmmsg returns the messages it had. And
 * sendmmsg/recvmmsg themselves. */
#define _GNU_SOURCE
#include "sock.h"
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

static int sv[2];
static volatile int handled;
static struct sockaddr_un la;
static socklen_t lal;

static void handler(int sig) { (void)sig; handled++; send(sv[1], "h", 1, MSG_DONTWAIT); }
static void connector(int sig)
{
	(void)sig;
	handled++;
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&la, lal);
}

static void arm(int ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void set(void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
}

static void drain(int fd)
{
	char b[4096];
	while (recv(fd, b, sizeof b, MSG_DONTWAIT) > 0) {}
}

int main(void)
{
	char b = 0;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);

	set(handler, 0);
	arm(50);
	sval("recv without SA_RESTART", recv(sv[0], &b, 1, 0));
	printf("  handler ran %d\n", handled);
	drain(sv[0]);

	set(handler, SA_RESTART);
	handled = 0;
	arm(50);
	ssize_t r = recv(sv[0], &b, 1, 0);
	printf("recv with SA_RESTART: %zd '%c', handler ran %d\n", r, b, handled);

	struct timeval tv = { 10, 0 };
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	arm(50);
	sval("recv with SO_RCVTIMEO and SA_RESTART", recv(sv[0], &b, 1, 0));
	drain(sv[0]);
	tv.tv_sec = 0;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

	/* A 1 MiB write nobody reads: the signal ends it with what fit. */
	static char big[1 << 20];
	set(handler, SA_RESTART);
	arm(50);
	sval("blocked 1 MiB write interrupted", write(sv[0], big, sizeof big));
	drain(sv[1]);
	set(handler, 0);
	arm(50);
	sval("blocked MSG_WAITALL recv interrupted after a byte", recv(sv[0], big, 100, MSG_WAITALL));

	/* accept restarted (the handler makes the connection it then returns). */
	lal = abstract_addr(&la, "intr");
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(srv, (struct sockaddr *)&la, lal);
	listen(srv, 0);
	set(connector, SA_RESTART);
	handled = 0;
	arm(50);
	int a = accept(srv, NULL, NULL);
	printf("accept with SA_RESTART: %s, handler ran %d\n", a >= 0 ? "ok" : serr(errno), handled);
	/* A connect waiting for room in a full backlog (0 means one pending). */
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("connect 1", connect(c1, (struct sockaddr *)&la, lal));
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	set(handler, 0);
	arm(50);
	sok("connect waiting for backlog room, interrupted", connect(c2, (struct sockaddr *)&la, lal));
	tv.tv_sec = 0; tv.tv_usec = 20000;
	setsockopt(c2, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	sok("connect with SO_SNDTIMEO on a full backlog", connect(c2, (struct sockaddr *)&la, lal));

	/* sendmmsg and recvmmsg. */
	int d[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
	struct mmsghdr mm[4];
	struct iovec iov[4];
	char bufs[4][16];
	const char *words[] = { "one", "two", "three", "four" };
	memset(mm, 0, sizeof mm);
	for (int i = 0; i < 4; i++) {
		iov[i].iov_base = (void *)words[i];
		iov[i].iov_len = strlen(words[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	sval("sendmmsg 3", sendmmsg(d[0], mm, 3, 0));
	printf("msg_len: %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
	for (int i = 0; i < 4; i++) { iov[i].iov_base = bufs[i]; iov[i].iov_len = sizeof bufs[i]; mm[i].msg_len = 99; }
	sval("recvmmsg 4 MSG_DONTWAIT", recvmmsg(d[1], mm, 4, MSG_DONTWAIT, NULL));
	printf("msg_len: %u %u %u %u '%.3s' '%.5s'\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len, mm[3].msg_len, bufs[0], bufs[2]);
	sval("recvmmsg with nothing, MSG_DONTWAIT", recvmmsg(d[1], mm, 4, MSG_DONTWAIT, NULL));
	send(d[0], "a", 1, 0);
	send(d[0], "bb", 2, 0);
	sval("recvmmsg MSG_WAITFORONE", recvmmsg(d[1], mm, 4, MSG_WAITFORONE, NULL));
	struct timespec ts = { 0, -1 };
	sval("recvmmsg bad timeout", recvmmsg(d[1], mm, 4, 0, &ts));
	/* Blocking for the third message: the signal returns the two it has. */
	send(d[0], "a", 1, 0);
	send(d[0], "bb", 2, 0);
	set(handler, 0);
	arm(50);
	sval("recvmmsg 4 interrupted after 2", recvmmsg(d[1], mm, 4, 0, NULL));
	printf("msg_len: %u %u\n", mm[0].msg_len, mm[1].msg_len);
	/* sendmmsg: an error on the first message is the result; a later one ends the count. */
	for (int i = 0; i < 4; i++) { iov[i].iov_base = (void *)words[i]; iov[i].iov_len = strlen(words[i]); }
	struct sockaddr_un nowhere;
	socklen_t nl = abstract_addr(&nowhere, "nowhere");
	int u = socket(AF_UNIX, SOCK_DGRAM, 0);
	mm[0].msg_hdr.msg_name = &nowhere;
	mm[0].msg_hdr.msg_namelen = nl;
	sval("sendmmsg, first to nowhere", sendmmsg(u, mm, 2, 0));
	mm[0].msg_hdr.msg_name = &la;
	mm[0].msg_hdr.msg_namelen = lal;
	mm[1].msg_hdr.msg_name = &nowhere;
	mm[1].msg_hdr.msg_namelen = nl;
	sval("sendmmsg, second to nowhere", sendmmsg(u, mm, 2, 0));
	mm[1].msg_hdr.msg_name = NULL;
	mm[1].msg_hdr.msg_namelen = 0;
	sval("sendmmsg vlen 0", sendmmsg(d[0], mm, 0, 0));
	return 0;
}
