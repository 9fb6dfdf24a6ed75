/* pipe, pipe2: flags, capacity (F_GETPIPE_SZ/F_SETPIPE_SZ), FIONREAD,
 * non-blocking EAGAIN, EOF after the last writer, EPIPE after the last
 * reader (SIGPIPE ignored), PIPE_BUF atomicity, O_DIRECT packets, fstat. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static char buf[70000];

int main(void)
{
	int p[2];
	signal(SIGPIPE, SIG_IGN);

	check("pipe", pipe(p));
	checkval("F_GETFL read end", fcntl(p[0], F_GETFL));
	checkval("F_GETFL write end", fcntl(p[1], F_GETFL));
	checkval("F_GETFD", fcntl(p[0], F_GETFD));
	checkval("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	checkval("write 5", write(p[1], "hello", 5));
	int n = -1;
	check("FIONREAD", ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD bytes: %d\n", n);
	checkval("read 100", read(p[0], buf, 100));
	printf("data: %.5s\n", buf);
	checkval("read from write end", read(p[1], buf, 1));
	checkval("write to read end", write(p[0], "x", 1));
	checkval("lseek", lseek(p[0], 0, SEEK_SET));
	checkval("pread", pread(p[0], buf, 1, 0));

	struct stat st;
	check("fstat", fstat(p[0], &st));
	fact("S_ISFIFO", S_ISFIFO(st.st_mode));
	printf("mode: %o\n", st.st_mode & 07777);
	printf("size: %ld\n", (long)st.st_size);
	struct stat st2;
	fstat(p[1], &st2);
	fact("both ends share an inode", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);

	/* Non-blocking: fill to capacity, then EAGAIN. */
	check("F_SETFL O_NONBLOCK", fcntl(p[1], F_SETFL, O_NONBLOCK));
	checkval("F_GETFL after", fcntl(p[1], F_GETFL));
	long total = 0;
	for (;;) {
		ssize_t w = write(p[1], buf, 1000);
		if (w < 0) {
			printf("write until full: %s\n", errname(errno));
			break;
		}
		total += w;
	}
	printf("bytes in a full pipe by 1000-byte writes: %ld\n", total);
	check("FIONREAD full", ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD full: %d\n", n);
	checkval("write 1 byte into full", write(p[1], "x", 1));
	checkval("read 4096", read(p[0], buf, 4096));
	checkval("write 5000 (partial)", write(p[1], buf, 5000));
	checkval("F_SETPIPE_SZ smaller than contents", fcntl(p[1], F_SETPIPE_SZ, 4096));
	check("close write end", close(p[1]));
	total = 0;
	for (;;) {
		ssize_t r = read(p[0], buf, sizeof buf);
		if (r <= 0) {
			printf("drain ends with: %zd\n", r);
			break;
		}
		total += r;
	}
	printf("drained: %ld\n", total);
	checkval("read at EOF", read(p[0], buf, 10));
	close(p[0]);

	/* pipe2 flags. */
	check("pipe2 O_CLOEXEC|O_NONBLOCK", pipe2(p, O_CLOEXEC | O_NONBLOCK));
	checkval("F_GETFD", fcntl(p[0], F_GETFD));
	checkval("F_GETFL read end", fcntl(p[0], F_GETFL));
	checkval("F_GETFL write end", fcntl(p[1], F_GETFL));
	checkval("read empty nonblocking", read(p[0], buf, 1));
	checkval("zero-length read", read(p[0], buf, 0));
	close(p[0]);
	checkval("write with no reader", write(p[1], "x", 1));
	checkval("zero-length write with no reader", write(p[1], "x", 0));
	close(p[1]);
	checkval("pipe2 bad flags", syscall(SYS_pipe2, p, O_APPEND));
	checkval("pipe2 EFAULT", syscall(SYS_pipe2, (void *)8, 0));

	/* F_SETPIPE_SZ rounding and limits. */
	pipe(p);
	checkval("F_SETPIPE_SZ 1", fcntl(p[0], F_SETPIPE_SZ, 1));
	checkval("F_SETPIPE_SZ 5000", fcntl(p[0], F_SETPIPE_SZ, 5000));
	checkval("F_SETPIPE_SZ 0", fcntl(p[0], F_SETPIPE_SZ, 0));
	checkval("F_SETPIPE_SZ 1 MiB", fcntl(p[0], F_SETPIPE_SZ, 1 << 20));
	checkval("F_GETPIPE_SZ", fcntl(p[1], F_GETPIPE_SZ));
	checkval("F_SETPIPE_SZ 65536", fcntl(p[0], F_SETPIPE_SZ, 65536));
	int nul = open("/dev/null", O_RDONLY);
	checkval("F_GETPIPE_SZ on a non-pipe", fcntl(nul, F_GETPIPE_SZ));
	checkval("F_SETPIPE_SZ on a non-pipe", fcntl(nul, F_SETPIPE_SZ, 4096));
	close(nul);

	/* Small writes merge into one page; a 4096-byte write takes a page of its own. */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETPIPE_SZ, 8192);
	checkval("write 100", write(p[1], buf, 100));
	checkval("write 4096 (new page)", write(p[1], buf, 4096));
	checkval("write 100 (no page left)", write(p[1], buf, 100));
	checkval("read 200", read(p[0], buf, 200));
	checkval("write 4000 (page freed)", write(p[1], buf, 4000));

	/* writev is one request: iovecs of one write land together. */
	char a[3] = "abc", b[4] = "defg";
	struct iovec iov[2] = { { a, 3 }, { b, 4 } };
	int q[2];
	pipe(q);
	checkval("writev", writev(q[1], iov, 2));
	char r[16] = { 0 };
	struct iovec riov[2] = { { r, 2 }, { r + 2, 10 } };
	checkval("readv", readv(q[0], riov, 2));
	printf("readv data: %s\n", r);
	close(q[0]);
	close(q[1]);
	close(p[0]);
	close(p[1]);

	/* O_DIRECT: packet mode, one write per read. */
	if (pipe2(p, O_DIRECT | O_NONBLOCK) == 0) {
		write(p[1], "one", 3);
		write(p[1], "twotwo", 6);
		memset(r, 0, sizeof r);
		checkval("packet read 1", read(p[0], r, sizeof r));
		printf("packet 1: %s\n", r);
		memset(r, 0, sizeof r);
		checkval("packet read 2 (short buffer)", read(p[0], r, 3));
		printf("packet 2: %s\n", r);
		checkval("rest of packet 2 dropped", read(p[0], r, sizeof r));
		close(p[0]);
		close(p[1]);
	}

	/* A blocking write of 1 byte past EOF... a read end closed while data remains. */
	pipe(p);
	write(p[1], "zz", 2);
	close(p[0]);
	checkval("write after reader closed (data pending)", write(p[1], "y", 1));
	close(p[1]);

	/* /proc/self/fd names a pipe as pipe:[ino]. */
	pipe(p);
	char link[64], want[64];
	snprintf(want, sizeof want, "/proc/self/fd/%d", p[0]);
	ssize_t l = readlink(want, link, sizeof link - 1);
	if (l > 0) {
		link[l] = 0;
		fstat(p[0], &st);
		snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
		fact("readlink /proc/self/fd shows pipe:[ino]", strcmp(link, want) == 0);
	}
	/* Reopening it gives another end of the same pipe. */
	snprintf(want, sizeof want, "/proc/self/fd/%d", p[1]);
	int w2 = open(want, O_WRONLY);
	check("reopen the write end through /proc", w2);
	write(w2, "via proc", 8);
	memset(r, 0, sizeof r);
	checkval("read what the reopened end wrote", read(p[0], r, sizeof r));
	printf("data: %s\n", r);
	return 0;
}
