/* Control messages on unix sockets: SCM_RIGHTS passing a pipe, a file and a
 * socket to another process (the copies work, close-on-exec with
 * MSG_CMSG_CLOEXEC, MSG_CTRUNC when the buffer is short and the extra
 * descriptors are closed, peeking duplicates them, descriptors dropped by a
 * plain read), SCM_CREDENTIALS with SO_PASSCRED (implicit and explicit, the
 * checks on what may be claimed), and SO_PEERCRED. */
#define _GNU_SOURCE
#include "sock.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_fds(int s, const int *fds, int n, const char *data)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	memset(ctl, 0, sizeof ctl);
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (n > 0) {
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	return raw_sendmsg(s, &mh, 0);
}

/* Receives a message; prints what came with it; returns the first descriptor received or -1. */
static int recv_fds(int s, size_t ctllen, int flags, const char *what)
{
	char data[64];
	union { char b[512]; struct cmsghdr align; } ctl;
	memset(&ctl, 0, sizeof ctl);
	struct iovec iov = { data, sizeof data - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctllen ? ctl.b : NULL,
			     .msg_controllen = ctllen };
	ssize_t r = raw_recvmsg(s, &mh, flags);
	if (r < 0) { printf("%s: -1 %s\n", what, serr(errno)); return -1; }
	data[r] = 0;
	printf("%s: %zd '%s' flags %#x controllen %zu\n", what, r, data, mh.msg_flags, (size_t)mh.msg_controllen);
	int first = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			printf("  SCM_RIGHTS len %zu: %d fds", (size_t)c->cmsg_len, n);
			for (int i = 0; i < n; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
				printf(" [valid %d cloexec %d]", fcntl(fd, F_GETFD) >= 0, (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
				if (first < 0) first = fd;
			}
			printf("\n");
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred u;
			memcpy(&u, CMSG_DATA(c), sizeof u);
			printf("  SCM_CREDENTIALS len %zu: pid is mine %d, is parent %d, pid %d uid %d gid %d\n",
			       (size_t)c->cmsg_len, u.pid == getpid(), u.pid == getppid(), u.pid > 1 ? 2 : u.pid,
			       (int)u.uid, (int)u.gid);
		} else {
			printf("  cmsg level %d type %d len %zu\n", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len);
		}
	}
	return first;
}

static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++) if (fcntl(fd, F_GETFD) >= 0) n++;
	return n;
}

static void rights(const char *fixture)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	int file = open(path(fixture, "dir/a"), O_RDONLY);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		int before = count_fds();
		int got = recv_fds(sv[1], 512, MSG_CMSG_CLOEXEC, "child: receive 3 fds (cloexec)");
		printf("child: fds gained %d\n", count_fds() - before);
		if (got >= 0) {
			/* got is the pipe's write end: a write through it reaches the parent. */
			printf("child: write through the received pipe: %zd\n", write(got, "via pipe", 8));
		}
		int more = recv_fds(sv[1], 512, 0, "child: receive the file");
		if (more >= 0) {
			char b[16] = {0};
			ssize_t r = pread(more, b, sizeof b - 1, 0);
			printf("child: pread on the received file: %zd '%s'", r, r > 0 ? b : "");
		}
		/* A socket passed over itself's pair: write on it goes to the parent. */
		int s2 = recv_fds(sv[1], 512, 0, "child: receive a socket");
		if (s2 >= 0) printf("child: send on the received socket: %zd\n", send(s2, "sock!", 5, 0));
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	int three[3] = { p[1], p[1], file };
	/* The parent's lines wait until the child has printed its own (the order would be a race). */
	long r3 = send_fds(sv[0], three, 3, "three"), e3 = errno;
	long rf = send_fds(sv[0], &file, 1, "file"), ef = errno;
	int sp[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sp);
	long rs = send_fds(sv[0], &sp[1], 1, "sock"), es = errno;
	close(sp[1]);
	close(p[1]);
	close(file);
	char b[16] = {0}, b2[16] = {0};
	ssize_t r = read(p[0], b, sizeof b - 1);
	ssize_t r2 = recv(sp[0], b2, sizeof b2 - 1, 0);
	int st;
	waitpid(c, &st, 0);
	errno = e3; sval("parent: sendmsg with 3 fds", r3);
	errno = ef; sval("parent: sendmsg with the file", rf);
	errno = es; sval("parent: sendmsg with a socket", rs);
	printf("parent: read from the pipe: %zd '%s'\n", r, r > 0 ? b : "");
	printf("parent: recv on the kept socket: %zd '%.5s'\n", r2, b2);
	printf("child exited %d\n", WEXITSTATUS(st));
	close(p[0]);
	close(sv[0]);
	close(sp[0]);
}

static void truncation(void)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	pipe(p);
	int four[4] = { p[0], p[1], p[0], p[1] };
	int before = count_fds();
	send_fds(sv[0], four, 4, "four");
	recv_fds(sv[1], CMSG_SPACE(sizeof(int) * 2), 0, "room for 2 of 4");
	printf("fds gained: %d\n", count_fds() - before);
	before = count_fds();
	send_fds(sv[0], four, 4, "four");
	recv_fds(sv[1], 0, 0, "no control buffer");
	printf("fds gained: %d\n", count_fds() - before);
	send_fds(sv[0], four, 4, "four");
	recv_fds(sv[1], sizeof(struct cmsghdr), 0, "only a cmsghdr of room");
	printf("fds gained: %d\n", count_fds() - before);
	send_fds(sv[0], four, 1, "one");
	before = count_fds();
	recv_fds(sv[1], 512, MSG_PEEK, "peek");
	recv_fds(sv[1], 512, 0, "then read");
	printf("fds gained by peek and read: %d\n", count_fds() - before);
	/* read(2) drops descriptors. */
	send_fds(sv[0], four, 2, "two");
	before = count_fds();
	char b[8];
	printf("read: %zd, fds gained %d\n", read(sv[1], b, sizeof b), count_fds() - before);
	/* Errors: a bad descriptor, too many, a bad cmsg_len. */
	int bad = 999;
	sval("send a bad fd", send_fds(sv[0], &bad, 1, "bad"));
	int many[254];
	for (int i = 0; i < 254; i++) many[i] = p[0];
	char big[CMSG_SPACE(sizeof many)];
	memset(big, 0, sizeof big); /* musl's cmsghdr has padding the kernel reads as part of cmsg_len */
	struct iovec iov = { "x", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = big, .msg_controllen = sizeof big };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof many);
	memcpy(CMSG_DATA(c), many, sizeof many);
	sval("send 254 fds", raw_sendmsg(sv[0], &mh, 0));
	c->cmsg_len = CMSG_LEN(sizeof(int) * 253);
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * 253);
	sval("send 253 fds", raw_sendmsg(sv[0], &mh, 0));
	before = count_fds();
	char ctl2[CMSG_SPACE(sizeof(int) * 253)];
	struct msghdr rm = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl2, .msg_controllen = sizeof ctl2 };
	char one;
	iov.iov_base = &one;
	sval("receive 253 fds", raw_recvmsg(sv[1], &rm, 0));
	printf("fds gained: %d\n", count_fds() - before);
	for (int fd = 3; fd < 1024; fd++) if (fd != sv[0] && fd != sv[1] && fd != p[0] && fd != p[1]) close(fd);
	c->cmsg_len = 8;
	sval("cmsg_len too small", raw_sendmsg(sv[0], &mh, 0));
	c->cmsg_len = sizeof big + 8;
	mh.msg_controllen = sizeof big;
	sval("cmsg_len past the buffer", raw_sendmsg(sv[0], &mh, 0));
	c->cmsg_len = CMSG_LEN(4);
	c->cmsg_type = 77;
	sval("unknown SOL_SOCKET type", raw_sendmsg(sv[0], &mh, 0));
	c->cmsg_level = 6;
	sval("other level: ignored", raw_sendmsg(sv[0], &mh, 0));
	recv(sv[1], b, sizeof b, MSG_DONTWAIT);
	mh.msg_controllen = 8;
	sval("control shorter than a cmsghdr: ignored", raw_sendmsg(sv[0], &mh, 0));
	close(sv[0]); close(sv[1]); close(p[0]); close(p[1]);
}

static void credentials(void)
{
	int sv[2], on = 1;
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "before", 6, 0);
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	recv_fds(sv[1], 512, 0, "sent before SO_PASSCRED");
	send(sv[0], "after", 5, 0);
	recv_fds(sv[1], 512, 0, "sent after SO_PASSCRED");
	recv_fds(sv[1], 0, MSG_DONTWAIT, "nothing, no control");
	send(sv[0], "noctl", 5, 0);
	recv_fds(sv[1], 0, 0, "SO_PASSCRED without a control buffer");
	send(sv[0], "short", 5, 0);
	recv_fds(sv[1], CMSG_LEN(4), 0, "SO_PASSCRED with a short buffer");

	/* Explicit credentials: one's own are fine, another pid must exist. */
	struct ucred u = { getpid(), getuid(), getgid() };
	char ctl[CMSG_SPACE(sizeof u)];
	memset(ctl, 0, sizeof ctl);
	struct iovec iov = { "explicit", 8 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_CREDENTIALS; c->cmsg_len = CMSG_LEN(sizeof u);
	memcpy(CMSG_DATA(c), &u, sizeof u);
	sval("send own credentials", raw_sendmsg(sv[0], &mh, 0));
	recv_fds(sv[1], 512, MSG_DONTWAIT, "explicit credentials");
	u.pid = 0x3ffffff0;
	memcpy(CMSG_DATA(c), &u, sizeof u);
	sval("send a pid that does not exist (root)", raw_sendmsg(sv[0], &mh, 0));
	u.pid = getpid();
	u.uid = (uid_t)-1;
	memcpy(CMSG_DATA(c), &u, sizeof u);
	sval("send uid -1", raw_sendmsg(sv[0], &mh, 0));
	c->cmsg_len = CMSG_LEN(8);
	sval("short SCM_CREDENTIALS", raw_sendmsg(sv[0], &mh, 0));
	close(sv[0]);
	close(sv[1]);

	/* Stream: reads do not glue messages with different credentials when SO_PASSCRED is on. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	send(sv[0], "parent", 6, 0);
	fflush(stdout);
	pid_t ch = fork();
	if (ch == 0) { send(sv[0], "child", 5, 0); _exit(0); }
	waitpid(ch, NULL, 0);
	send(sv[0], "again", 5, 0);
	recv_fds(sv[1], 512, 0, "stream read 1");
	recv_fds(sv[1], 512, 0, "stream read 2");
	recv_fds(sv[1], 512, 0, "stream read 3");
	shutdown(sv[0], SHUT_WR);
	recv_fds(sv[1], 512, 0, "stream read at EOF");
	close(sv[0]);
	close(sv[1]);
}

static void peercred(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct ucred u;
	socklen_t l = sizeof u;
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &u, &l);
	printf("SO_PEERCRED of a pair: mine %d uid %d gid %d len %u\n", u.pid == getpid(), (int)u.uid, (int)u.gid, l);
	l = 4;
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &u, &l);
	printf("SO_PEERCRED with len 4: len %u\n", l);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	l = sizeof u;
	getsockopt(s, SOL_SOCKET, SO_PEERCRED, &u, &l);
	printf("SO_PEERCRED unconnected: pid %d uid %d gid %d\n", u.pid, (int)u.uid, (int)u.gid);
	close(s);
	close(sv[0]);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	const char *fixture = fixture_dir(argc, argv);
	rights(fixture);
	truncation();
	credentials();
	peercred();
	return 0;
}
