/* The errors of the socket calls: bad descriptors and non-sockets, unknown
 * families, types, protocols and flags, bad address lengths and pointers,
 * sendto/connect on the wrong kind of socket, and the msghdr checks. */
#define _GNU_SOURCE
#include "sock.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *fixture = fixture_dir(argc, argv);
	int file = open(path(fixture, "dir/a"), O_RDONLY);
	struct sockaddr_un a;
	socklen_t al = abstract_addr(&a, "errno");
	char buf[16];
	int v = 0;
	socklen_t vl = sizeof v;

	/* Not a socket, not a descriptor. */
	sok("bind on a file", bind(file, (struct sockaddr *)&a, al));
	sok("listen on a file", listen(file, 1));
	sok("connect on a file", connect(file, (struct sockaddr *)&a, al));
	sok("accept on a file", accept(file, NULL, NULL));
	sok("getsockname on a file", getsockname(file, (struct sockaddr *)&a, &al));
	sok("getsockopt on a file", getsockopt(file, SOL_SOCKET, SO_TYPE, &v, &vl));
	sok("setsockopt on a file", setsockopt(file, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
	sok("shutdown on a file", shutdown(file, SHUT_RD));
	sok("send on a file", send(file, "x", 1, 0));
	sok("recv on a file", recv(file, buf, 1, 0));
	sok("sendmsg on a file", raw_sendmsg(file, &(struct msghdr){0}, 0));
	sok("bind on fd 999", bind(999, (struct sockaddr *)&a, al));
	sok("send on fd -1", send(-1, "x", 1, 0));
	int opath = open(path(fixture, "dir/a"), O_PATH);
	sok("listen on an O_PATH fd", listen(opath, 1));

	/* socket() and socketpair() arguments. */
	sok("socket family -1", socket(-1, SOCK_STREAM, 0));
	sok("socket family 46 (AF_MAX)", socket(46, SOCK_STREAM, 0));
	sok("socket family 1000", socket(1000, SOCK_STREAM, 0));
	sok("socket unix type 0", socket(AF_UNIX, 0, 0));
	sok("socket unix SOCK_RDM", socket(AF_UNIX, SOCK_RDM, 0));
	sok("socket unix type 11", socket(AF_UNIX, 11, 0));
	sok("socket unix type 15", socket(AF_UNIX, 15, 0));
	sok("socket unix bad flag", socket(AF_UNIX, SOCK_STREAM | 0x100, 0));
	sok("socket unix protocol 1 (PF_UNIX)", socket(AF_UNIX, SOCK_STREAM, 1));
	sok("socket unix protocol 2", socket(AF_UNIX, SOCK_STREAM, 2));
	int raw = socket(AF_UNIX, SOCK_RAW, 0);
	sok("socket unix SOCK_RAW", raw);
	getsockopt(raw, SOL_SOCKET, SO_TYPE, &v, &vl);
	printf("SOCK_RAW's SO_TYPE: %d\n", v);
	close(raw);
	int sv[2];
	int *volatile badp = (int *)8;
	sok("socketpair bad pointer", socketpair(AF_UNIX, SOCK_STREAM, 0, badp));
	sok("socketpair bad flag", socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv));
	sok("socketpair family 1000", socketpair(1000, SOCK_STREAM, 0, sv));
	sok("socketpair unix SOCK_RDM", socketpair(AF_UNIX, SOCK_RDM, 0, sv));
	sok("socketpair cloexec", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	printf("FD_CLOEXEC on both: %d %d\n", fcntl(sv[0], F_GETFD), fcntl(sv[1], F_GETFD));

	/* Addresses. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("bind addrlen 0", bind(s, (struct sockaddr *)&a, 0));
	sok("bind addrlen 1", bind(s, (struct sockaddr *)&a, 1));
	sok("bind addrlen -1", bind(s, (struct sockaddr *)&a, -1));
	sok("bind addrlen 111", bind(s, (struct sockaddr *)&a, 111));
	sok("bind addrlen 129", bind(s, (struct sockaddr *)&a, 129));
	sok("bind bad pointer", bind(s, (struct sockaddr *)8, al));
	struct sockaddr_un w = a;
	w.sun_family = AF_INET;
	sok("bind family AF_INET", bind(s, (struct sockaddr *)&w, al));
	sok("connect addrlen 2", connect(s, (struct sockaddr *)&a, 2));
	sok("connect family AF_INET", connect(s, (struct sockaddr *)&w, al));
	sok("connect to nobody", connect(s, (struct sockaddr *)&a, al));
	al = sizeof a;
	sok("getsockname bad length pointer", getsockname(s, (struct sockaddr *)&a, (socklen_t *)8));
	al = (socklen_t)-1;
	sok("getsockname negative length", getsockname(s, (struct sockaddr *)&a, &al));
	al = 0;
	sok("getsockname length 0", getsockname(s, (struct sockaddr *)&a, &al));
	printf("length back: %u\n", al);
	al = abstract_addr(&a, "errno");

	/* sendto and friends on the wrong kind of socket. */
	sok("sendto with an address on an unconnected stream", sendto(s, "x", 1, 0, (struct sockaddr *)&a, al));
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	sok("sendto with an address on a connected stream", sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, al));
	sok("sendto with a NULL address and a length", sendto(sv[0], "x", 1, 0, NULL, 50));
	sok("send bad buffer", send(sv[0], (void *)8, 1, 0));
	write(sv[1], "abc", 3);
	sok("recv into a bad buffer", recv(sv[0], (void *)8, 3, 0));
	/* Linux clamps the length to MAX_RW_COUNT (2 GiB) and checks that range: from a static
	 * buffer it is mapped-or-not but below the top of user space, so the call reads the data.
	 * (From the stack, the answer would depend on how close ASLR put it to the top.) */
	static char sbuf[16];
	sok("recv from a huge range", recv(sv[0], sbuf, (size_t)-1, MSG_DONTWAIT));
	sok("connect a connected stream", connect(sv[0], (struct sockaddr *)&a, al));
	sok("listen on a connected stream", listen(sv[0], 1));
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	sok("send MSG_OOB on a datagram socket", send(d, "x", 1, MSG_OOB));
	sok("sendto addrlen 1", sendto(d, "x", 1, 0, (struct sockaddr *)&a, 1));
	sok("sendto addrlen 200", sendto(d, "x", 1, 0, (struct sockaddr *)&a, 200));

	/* msghdr checks. */
	struct iovec iov = { buf, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	mh.msg_iovlen = 1025;
	sok("sendmsg iovlen 1025", raw_sendmsg(sv[0], &mh, 0));
	mh.msg_iovlen = 1;
	mh.msg_name = &a;
	mh.msg_namelen = (socklen_t)-1;
	sok("sendmsg negative namelen", raw_sendmsg(d, &mh, 0));
	mh.msg_namelen = 0;
	mh.msg_name = NULL;
	iov.iov_len = (size_t)-1;
	sok("sendmsg iov_len -1", raw_sendmsg(sv[0], &mh, 0));
	iov.iov_len = 1;
	mh.msg_iov = (struct iovec *)8;
	sok("sendmsg bad iov pointer", raw_sendmsg(sv[0], &mh, 0));
	mh.msg_iov = &iov;
	/* Raw calls: libc wrappers may read the msghdr themselves. */
	sok("sendmsg bad msghdr", raw_sendmsg(sv[0], (struct msghdr *)8, 0));
	mh.msg_control = buf;
	mh.msg_controllen = (size_t)INT_MAX + 1;
	sok("sendmsg controllen above INT_MAX", raw_sendmsg(sv[0], &mh, 0));
	mh.msg_controllen = 200000;
	sok("sendmsg controllen 200000", raw_sendmsg(sv[0], &mh, 0));
	mh.msg_control = (void *)8;
	mh.msg_controllen = 32;
	sok("sendmsg bad control pointer", raw_sendmsg(sv[0], &mh, 0));
	mh.msg_control = NULL;
	mh.msg_controllen = 0;
	sok("sendmsg MSG_CMSG_COMPAT", raw_sendmsg(sv[0], &mh, 0x80000000));
	sok("recvmsg MSG_CMSG_COMPAT", raw_recvmsg(sv[0], &mh, 0x80000000));
	sok("recvmsg bad msghdr", raw_recvmsg(sv[0], (struct msghdr *)8, 0));
	return 0;
}
