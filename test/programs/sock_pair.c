/* socketpair(2) for stream, datagram and seqpacket unix sockets: data both
 * ways, message boundaries, MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT, MSG_WAITALL,
 * SIOCINQ/SIOCOUTQ, what fstat, fcntl and /proc/self/fd show, the names of an
 * unnamed pair, and the basic socket options (SO_SNDBUF doubling, timeouts). */
#define _GNU_SOURCE
#include "sock.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const char *tname(int type)
{
	return type == SOCK_STREAM ? "stream" : type == SOCK_DGRAM ? "dgram" : "seqpacket";
}

static void basics(int type)
{
	int sv[2];
	char buf[64], what[96];
	const char *n = tname(type);
	snprintf(what, sizeof what, "%s socketpair", n);
	if (sok(what, socketpair(AF_UNIX, type, 0, sv)) < 0) return;

	printf("%s: write 5: %zd\n", n, write(sv[0], "hello", 5));
	printf("%s: write 6: %zd\n", n, write(sv[0], "world!", 6));
	int inq = -1;
	ioctl(sv[1], SIOCINQ, &inq);
	printf("%s: SIOCINQ %d\n", n, inq);
	int outq = -1;
	ioctl(sv[0], SIOCOUTQ, &outq);
	printf("%s: SIOCOUTQ %d\n", n, outq);
	/* A peek leaves the data; a short read of a message truncates it (datagrams). */
	ssize_t r = recv(sv[1], buf, 3, MSG_PEEK);
	printf("%s: peek 3: %zd '%.*s'\n", n, r, (int)(r > 0 ? r : 0), buf);
	r = recv(sv[1], buf, sizeof buf, 0);
	printf("%s: read: %zd '%.*s'\n", n, r, (int)(r > 0 ? r : 0), buf);
	r = recv(sv[1], buf, 2, MSG_DONTWAIT);
	printf("%s: read 2: %zd '%.*s'\n", n, r, (int)(r > 0 ? r : 0), buf);
	snprintf(what, sizeof what, "%s: read empty", n);
	sval(what, recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
	/* The other direction, and MSG_TRUNC's real length. */
	send(sv[1], "0123456789", 10, 0);
	struct msghdr mh = {0};
	struct iovec iov = { buf, 4 };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	r = recvmsg(sv[0], &mh, MSG_TRUNC);
	printf("%s: recvmsg 4 with MSG_TRUNC: %zd flags %#x '%.4s'\n", n, r, mh.msg_flags, buf);
	r = recv(sv[0], buf, sizeof buf, MSG_DONTWAIT);
	printf("%s: rest: %zd\n", n, r);
	/* Empty messages. */
	printf("%s: send 0: %zd\n", n, send(sv[0], "", 0, 0));
	r = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
	printf("%s: recv after send 0: %zd %s\n", n, r, r < 0 ? serr(errno) : "");
	/* MSG_WAITALL on a stream waits for all of it; on messages it does nothing. */
	send(sv[0], "ab", 2, 0);
	send(sv[0], "cd", 2, 0);
	r = recv(sv[1], buf, 4, MSG_WAITALL);
	printf("%s: MSG_WAITALL 4: %zd\n", n, r);
	recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);

	struct stat st;
	fstat(sv[0], &st);
	printf("%s: S_ISSOCK %d mode %o size %lld nlink %ld\n", n, S_ISSOCK(st.st_mode), st.st_mode & 07777,
	       (long long)st.st_size, (long)st.st_nlink);
	printf("%s: F_GETFL %#x\n", n, fcntl(sv[0], F_GETFL));
	char link[64], p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", sv[0]);
	ssize_t l = readlink(p, link, sizeof link - 1);
	link[l > 0 ? l : 0] = 0;
	printf("%s: fd link starts with socket:[ %d\n", n, strncmp(link, "socket:[", 8) == 0);
	int o = open(p, O_RDWR);
	sval("open of /proc/self/fd/N of a socket", o);
	printf("%s: lseek: %s\n", n, lseek(sv[0], 0, SEEK_SET) < 0 ? serr(errno) : "ok");

	struct sockaddr_un a;
	socklen_t al = sizeof a;
	memset(&a, 0x55, sizeof a);
	getsockname(sv[0], (struct sockaddr *)&a, &al);
	printf("%s: getsockname len %u family %d\n", n, al, a.sun_family);
	al = sizeof a;
	getpeername(sv[0], (struct sockaddr *)&a, &al);
	printf("%s: getpeername len %u family %d\n", n, al, a.sun_family);

	int v = -1;
	socklen_t vl = sizeof v;
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl);
	printf("%s: SO_TYPE %d len %u\n", n, v, vl);
	getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &vl);
	printf("%s: SO_DOMAIN %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &v, &vl);
	printf("%s: SO_PROTOCOL %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("%s: SO_ACCEPTCONN %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &vl);
	printf("%s: SO_ERROR %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &vl);
	printf("%s: SO_SNDBUF %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &vl);
	printf("%s: SO_RCVBUF %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &v, &vl);
	printf("%s: SO_PASSCRED %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_RCVLOWAT, &v, &vl);
	printf("%s: SO_RCVLOWAT %d\n", n, v);
	getsockopt(sv[0], SOL_SOCKET, SO_PEEK_OFF, &v, &vl);
	printf("%s: SO_PEEK_OFF %d\n", n, v);
	close(sv[0]);
	close(sv[1]);
}

static void options(void)
{
	int sv[2], v;
	socklen_t vl = sizeof v;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int vals[] = { 0, 1, 2304, 2305, 10000, 100000, 212992, 300000, -1 };
	for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		v = vals[i];
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
		vl = sizeof v;
		getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &vl);
		int got = v;
		v = vals[i];
		setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
		getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &vl);
		/* Above net.core.wmem_max the host's sysctl decides: only say it is capped. */
		if (vals[i] < 0 || vals[i] > 212992)
			printf("SO_SNDBUF %d -> capped %d, SO_RCVBUF capped %d\n", vals[i], got >= 425984, v >= 425984);
		else
			printf("SO_SNDBUF %d -> %d, SO_RCVBUF -> %d\n", vals[i], got, v);
	}
	struct timeval tv = { 1, 500000 };
	sok("SO_RCVTIMEO 1.5s", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	memset(&tv, 0, sizeof tv);
	vl = sizeof tv;
	getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &vl);
	printf("SO_RCVTIMEO: %ld.%06ld len %u\n", (long)tv.tv_sec, (long)tv.tv_usec, vl);
	tv.tv_sec = 0; tv.tv_usec = 20000;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	getsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, &vl);
	printf("SO_SNDTIMEO: %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
	tv.tv_sec = 0; tv.tv_usec = 1000000;
	sok("SO_RCVTIMEO usec 1000000", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	sok("SO_RCVTIMEO short optlen", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 8));
	/* A timeout that expires: EAGAIN. */
	tv.tv_sec = 0; tv.tv_usec = 20000;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char c;
	sval("recv with an expiring SO_RCVTIMEO", recv(sv[0], &c, 1, 0));
	v = 1;
	sok("SO_PASSCRED on", setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &v, sizeof v));
	vl = sizeof v;
	getsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &v, &vl);
	printf("SO_PASSCRED: %d\n", v);
	v = 1;
	sok("SO_REUSEADDR", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
	getsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, &vl);
	printf("SO_REUSEADDR: %d\n", v);
	v = 1;
	sok("setsockopt SO_TYPE", setsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, sizeof v));
	sok("setsockopt short", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, 2));
	sok("setsockopt level 0", setsockopt(sv[0], 0, 1, &v, sizeof v));
	sok("getsockopt unknown", getsockopt(sv[0], SOL_SOCKET, 9999, &v, &vl));
	sok("getsockopt level IPPROTO_TCP", getsockopt(sv[0], 6, 1, &v, &vl));
	vl = 2;
	v = 0;
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl);
	printf("SO_TYPE with len 2: %d len %u\n", v, vl);
	struct linger lg = { 1, 7 };
	setsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	memset(&lg, 0, sizeof lg);
	vl = sizeof lg;
	getsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, &vl);
	printf("SO_LINGER: %d %d len %u\n", lg.l_onoff, lg.l_linger, vl);
	close(sv[0]);
	close(sv[1]);
}

/* With O_NONBLOCK (SOCK_NONBLOCK) read and write give EAGAIN; the send buffer's accounting decides
 * how much fits. */
static void fill(int type)
{
	int sv[2];
	static char big[1 << 20];
	socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
	printf("%s nonblock F_GETFL %#x\n", tname(type), fcntl(sv[0], F_GETFL));
	char c;
	sval("read empty nonblocking", read(sv[1], &c, 1));
	if (type == SOCK_STREAM) {
		sval("stream write 1 MiB nonblocking", write(sv[0], big, sizeof big));
		int outq = -1;
		ioctl(sv[0], SIOCOUTQ, &outq);
		printf("stream SIOCOUTQ after: %d\n", outq);
		sval("stream write 1 more", write(sv[0], big, 1));
	}
	socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
	int count = 0;
	while (write(sv[0], big, 1) == 1) count++;
	printf("%s 1-byte writes until EAGAIN: %d (%s)\n", tname(type), count, serr(errno));
	if (type != SOCK_STREAM) {
		socketpair(AF_UNIX, type, 0, sv);
		sval("largest datagram (sndbuf - 32)", send(sv[0], big, 212992 - 32, MSG_DONTWAIT));
		sval("one byte more: EMSGSIZE", send(sv[0], big, 212992 - 31, MSG_DONTWAIT));
		int outq = -1;
		ioctl(sv[0], SIOCOUTQ, &outq);
		printf("%s SIOCOUTQ of a big datagram: %d\n", tname(type), outq);
		int sizes[] = { 0, 1, 200, 1000, 3777, 20000, 40000, 100000 };
		for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			int p[2];
			socketpair(AF_UNIX, type, 0, p);
			send(p[0], big, sizes[i], 0);
			ioctl(p[0], SIOCOUTQ, &outq);
			printf("%s SIOCOUTQ of %d bytes: %d\n", tname(type), sizes[i], outq);
			close(p[0]);
			close(p[1]);
		}
	}
}

int main(void)
{
	basics(SOCK_STREAM);
	basics(SOCK_DGRAM);
	basics(SOCK_SEQPACKET);
	options();
	fill(SOCK_STREAM);
	fill(SOCK_DGRAM);
	fill(SOCK_SEQPACKET);
	return 0;
}
