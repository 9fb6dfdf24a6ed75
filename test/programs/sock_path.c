/* Unix sockets bound to paths in the sandbox's /tmp: bind makes a socket
 * inode (mode from the umask), an existing name gives EADDRINUSE, a client in
 * another process connects by absolute and relative path, the inode cannot
 * be opened (ENXIO), a removed name refuses (ENOENT), a regular file or a
 * socket of another type refuses (ECONNREFUSED, EPROTOTYPE), and datagrams
 * to a path. Everything it makes it removes. */
#define _GNU_SOURCE
#include "sock.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR "/tmp/tsvisor-sock-path"

int main(void)
{
	struct sockaddr_un a, b;
	socklen_t al, bl;
	mkdir(DIR, 0755);
	unlink(DIR "/s");
	unlink(DIR "/d");
	unlink(DIR "/file");
	umask(022);
	al = path_addr(&a, DIR "/s");
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("bind to a path", bind(srv, (struct sockaddr *)&a, al));
	struct stat st;
	if (stat(DIR "/s", &st) == 0)
		printf("the path is a socket %d mode %o nlink %ld size %lld\n", S_ISSOCK(st.st_mode), st.st_mode & 07777,
		       (long)st.st_nlink, (long long)st.st_size);
	else
		printf("stat: %s\n", serr(errno));
	int other = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("bind the same path again", bind(other, (struct sockaddr *)&a, al));
	bl = path_addr(&b, DIR "/nodir/s");
	sok("bind in a missing directory", bind(other, (struct sockaddr *)&b, bl));
	struct sockaddr_un n;
	socklen_t nl = sizeof n;
	getsockname(srv, (struct sockaddr *)&n, &nl);
	printf("getsockname: len %u path %s\n", nl, n.sun_path);
	/* The address is cut at the first NUL within the given length; without one, at the length. */
	struct sockaddr_un odd;
	memset(&odd, 'x', sizeof odd);
	odd.sun_family = AF_UNIX;
	memcpy(odd.sun_path, DIR "/t", strlen(DIR "/t"));
	int t = socket(AF_UNIX, SOCK_DGRAM, 0);
	sok("bind with no NUL in the address", bind(t, (struct sockaddr *)&odd, offsetof(struct sockaddr_un, sun_path) + strlen(DIR "/t")));
	nl = sizeof n;
	getsockname(t, (struct sockaddr *)&n, &nl);
	printf("its name: len %u path %s\n", nl, n.sun_path);
	close(t);
	unlink(DIR "/t");
	sval("open the socket path", open(DIR "/s", O_RDWR));
	sok("listen", listen(srv, 4));

	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		sok("child: connect by absolute path", connect(s, (struct sockaddr *)&a, al));
		struct sockaddr_un p;
		socklen_t pl = sizeof p;
		getpeername(s, (struct sockaddr *)&p, &pl);
		printf("child: getpeername len %u path %s\n", pl, p.sun_path);
		send(s, "abs", 3, 0);
		close(s);
		if (chdir(DIR) == 0) {
			struct sockaddr_un r;
			socklen_t rl = path_addr(&r, "s");
			s = socket(AF_UNIX, SOCK_STREAM, 0);
			sok("child: connect by relative path", connect(s, (struct sockaddr *)&r, rl));
			send(s, "rel", 3, 0);
			close(s);
		}
		fflush(stdout);
		_exit(0);
	}
	char buf[8];
	for (int i = 0; i < 2; i++) {
		struct sockaddr_un p;
		socklen_t pl = sizeof p;
		int s = accept(srv, (struct sockaddr *)&p, &pl);
		ssize_t r = recv(s, buf, sizeof buf, 0);
		printf("accepted (peer len %u): %zd '%.*s'\n", pl, r, (int)(r > 0 ? r : 0), buf);
		close(s);
	}
	int st2;
	waitpid(c, &st2, 0);

	/* A datagram socket on a path; a stream client gets EPROTOTYPE. */
	bl = path_addr(&b, DIR "/d");
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	sok("bind a datagram socket", bind(d, (struct sockaddr *)&b, bl));
	int cl = socket(AF_UNIX, SOCK_DGRAM, 0);
	sval("sendto the path", sendto(cl, "dg", 2, 0, (struct sockaddr *)&b, bl));
	sval("recv", recv(d, buf, sizeof buf, 0));
	int sc = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("stream connect to a datagram path", connect(sc, (struct sockaddr *)&b, bl));
	sok("datagram connect to a stream path", connect(cl, (struct sockaddr *)&a, al));
	close(sc);

	/* A regular file, a missing name, and a socket inode whose socket closed. */
	close(open(DIR "/file", O_CREAT | O_WRONLY, 0644));
	bl = path_addr(&b, DIR "/file");
	sc = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("connect to a regular file", connect(sc, (struct sockaddr *)&b, bl));
	bl = path_addr(&b, DIR "/missing");
	sok("connect to a missing path", connect(sc, (struct sockaddr *)&b, bl));
	bl = path_addr(&b, DIR "/file/x");
	sok("connect through a file", connect(sc, (struct sockaddr *)&b, bl));
	close(srv);
	sok("connect to the path of a closed socket", connect(sc, (struct sockaddr *)&a, al));
	printf("the inode stays: %d\n", access(DIR "/s", F_OK) == 0);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("bind a new socket to the old path", bind(srv, (struct sockaddr *)&a, al));
	unlink(DIR "/s");
	sok("bind after unlink", bind(srv, (struct sockaddr *)&a, al));
	listen(srv, 1);
	sok("connect to the new one", connect(sc, (struct sockaddr *)&a, al));
	unlink(DIR "/s");
	int sc2 = socket(AF_UNIX, SOCK_STREAM, 0);
	sok("connect after unlink", connect(sc2, (struct sockaddr *)&a, al));
	umask(077);
	bl = path_addr(&b, DIR "/m");
	int m = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(m, (struct sockaddr *)&b, bl);
	if (stat(DIR "/m", &st) == 0) printf("mode under umask 077: %o\n", st.st_mode & 07777);
	unlink(DIR "/m");
	close(m); close(sc); close(sc2); close(srv); close(d); close(cl);
	unlink(DIR "/d");
	unlink(DIR "/file");
	sok("rmdir", rmdir(DIR));
	return 0;
}
