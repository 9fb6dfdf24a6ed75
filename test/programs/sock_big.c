/* Large transfers over unix sockets between processes: 64 MiB through a
 * stream pair in big blocking writes read in odd sizes, the same with
 * MSG_WAITALL reads, and 4000 seqpacket messages whose boundaries must hold;
 * the writer blocks on the send buffer many times. Checksums compared. */
#define _GNU_SOURCE
#include "sock.h"
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (64 << 20)
#define CHUNK (1 << 20)

static unsigned char pattern[CHUNK];

static void stream(int waitall)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		static unsigned char in[65536 + 7];
		long n = 0;
		unsigned h = 2166136261u;
		ssize_t r;
		size_t want = waitall ? 65536 + 7 : 12345;
		while ((r = recv(sv[1], in, want, waitall ? MSG_WAITALL : 0)) > 0) {
			for (ssize_t i = 0; i < r; i++) h = (h ^ in[i]) * 16777619u;
			n += r;
		}
		printf("child%s: read %ld bytes, checksum %08x, last %zd\n", waitall ? " (MSG_WAITALL)" : "", n, h, r);
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	long sent = 0;
	for (int i = 0; i < TOTAL / CHUNK; i++) {
		ssize_t w = write(sv[0], pattern, CHUNK);
		if (w != CHUNK) { printf("short write %zd\n", w); break; }
		sent += w;
	}
	printf("parent wrote %ld\n", sent);
	close(sv[0]);
	int st;
	waitpid(c, &st, 0);
	printf("reader exited %d\n", WEXITSTATUS(st));
}

static void packets(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		static unsigned char in[70000];
		long n = 0, bad = 0, msgs = 0;
		ssize_t r;
		while ((r = recv(sv[1], in, sizeof in, 0)) > 0) {
			size_t expect = (size_t)(msgs * 7919 % 60000) + 1;
			if ((size_t)r != expect || in[0] != (unsigned char)msgs) bad++;
			n += r;
			msgs++;
		}
		printf("child: %ld messages, %ld bytes, %ld with a wrong size or content\n", msgs, n, bad);
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	static unsigned char out[60001];
	for (long m = 0; m < 4000; m++) {
		size_t len = (size_t)(m * 7919 % 60000) + 1;
		out[0] = (unsigned char)m;
		if (send(sv[0], out, len, 0) != (ssize_t)len) { printf("send %ld failed\n", m); break; }
	}
	close(sv[0]);
	int st;
	waitpid(c, &st, 0);
	printf("seqpacket reader exited %d\n", WEXITSTATUS(st));
}

/* sendfile from a file into a stream socket (blocking on the send buffer on the way). */
static void sendfile_in(const char *fixture)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int f = open(path(fixture, "big"), O_RDONLY);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		static unsigned char in[80000];
		long n = 0;
		ssize_t r;
		while ((r = read(sv[1], in + n, sizeof in - n)) > 0) n += r;
		printf("child: %ld bytes by sendfile, checksum %08x\n", n, fnv1a(in, n));
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	off_t off = 0;
	sval("sendfile 70000 bytes into a socket", sendfile(sv[0], f, &off, 100000));
	close(sv[0]);
	waitpid(c, NULL, 0);
	static unsigned char want[70000];
	pread(f, want, sizeof want, 0);
	printf("file checksum %08x\n", fnv1a(want, sizeof want));
	close(f);
}

int main(int argc, char **argv)
{
	sendfile_in(fixture_dir(argc, argv));
	for (int i = 0; i < CHUNK; i++) pattern[i] = (unsigned char)(i * 31 + (i >> 10));
	unsigned h = 2166136261u;
	for (int k = 0; k < TOTAL / CHUNK; k++)
		for (int i = 0; i < CHUNK; i++) h = (h ^ pattern[i]) * 16777619u;
	printf("expected checksum %08x\n", h);
	stream(0);
	stream(1);
	packets();
	return 0;
}
