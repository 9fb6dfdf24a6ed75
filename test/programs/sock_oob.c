/* Out-of-band data on unix stream sockets (Linux's CONFIG_AF_UNIX_OOB): the
 * last byte of a MSG_OOB send is urgent; reads stop at the mark, recv with
 * MSG_OOB takes the byte, a normal read past the mark drops it (unless
 * SO_OOBINLINE), poll shows POLLPRI, SIOCATMARK says where the mark is. */
#define _GNU_SOURCE
#include "sock.h"
#include <poll.h>
#include <sys/ioctl.h>

static void pr(const char *what, ssize_t r, const char *b)
{
	if (r < 0) printf("%s: -1 %s\n", what, serr(errno));
	else printf("%s: %zd '%.*s'\n", what, r, (int)r, b);
}

static int pri(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLPRI, 0 };
	poll(&p, 1, 0);
	return p.revents;
}

static int atmark(int fd)
{
	int m = -1;
	if (ioctl(fd, SIOCATMARK, &m) < 0) return -errno;
	return m;
}

int main(void)
{
	int sv[2];
	char b[16];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	sval("send 'abc' MSG_OOB", send(sv[0], "abc", 3, MSG_OOB));
	printf("poll %#x, at mark %d, SIOCINQ ", pri(sv[1]), atmark(sv[1]));
	int inq = -1;
	ioctl(sv[1], SIOCINQ, &inq);
	printf("%d\n", inq);
	pr("read", recv(sv[1], b, sizeof b, 0), b);
	printf("poll %#x, at mark %d\n", pri(sv[1]), atmark(sv[1]));
	pr("peek MSG_OOB", recv(sv[1], b, sizeof b, MSG_OOB | MSG_PEEK), b);
	pr("recv MSG_OOB", recv(sv[1], b, sizeof b, MSG_OOB), b);
	pr("recv MSG_OOB again", recv(sv[1], b, sizeof b, MSG_OOB), b);
	printf("poll %#x, at mark %d\n", pri(sv[1]), atmark(sv[1]));
	pr("read (nothing)", recv(sv[1], b, sizeof b, MSG_DONTWAIT), b);

	/* A read past the mark drops the urgent byte. */
	send(sv[0], "12", 2, MSG_OOB);
	send(sv[0], "34", 2, 0);
	pr("read", recv(sv[1], b, sizeof b, 0), b);
	pr("read", recv(sv[1], b, sizeof b, 0), b);
	pr("recv MSG_OOB after it went", recv(sv[1], b, sizeof b, MSG_OOB | MSG_DONTWAIT), b);

	/* A second urgent byte replaces the first as the mark. */
	send(sv[0], "x", 1, MSG_OOB);
	send(sv[0], "y", 1, MSG_OOB);
	pr("read", recv(sv[1], b, sizeof b, MSG_DONTWAIT), b);
	pr("recv MSG_OOB", recv(sv[1], b, sizeof b, MSG_OOB), b);
	pr("read", recv(sv[1], b, sizeof b, MSG_DONTWAIT), b);

	/* SO_OOBINLINE: the byte stays in the stream. */
	int on = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
	send(sv[0], "pq", 2, MSG_OOB);
	send(sv[0], "r", 1, 0);
	pr("inline: recv MSG_OOB", recv(sv[1], b, sizeof b, MSG_OOB), b);
	pr("inline: read", recv(sv[1], b, sizeof b, 0), b);
	pr("inline: read", recv(sv[1], b, sizeof b, MSG_DONTWAIT), b);
	pr("send 0 bytes MSG_OOB", send(sv[0], "", 0, MSG_OOB), b);
	int d[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
	printf("SIOCATMARK on a datagram socket: %d\n", atmark(d[0]));
	return 0;
}
