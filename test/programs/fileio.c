/* read, readv, pread, write, writev, pwrite on files opened read-only. */
#include "common.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	char buf[256];
	int fd = open(path(dir, "passwd"), O_RDONLY);
	check("open passwd", fd);

	ssize_t n = read(fd, buf, 16);
	printf("read 16: %zd \"%.*s\"\n", n, (int)n, buf);

	char a[5], b[7], c[3];
	struct iovec iov[3] = { { a, sizeof a }, { b, sizeof b }, { c, sizeof c } };
	n = readv(fd, iov, 3);
	printf("readv: %zd \"%.5s\" \"%.7s\" \"%.3s\"\n", n, a, b, c);

	n = pread(fd, buf, 10, 5);
	printf("pread 10 at 5: %zd \"%.*s\"\n", n, (int)n, buf);
	n = read(fd, buf, 4);
	printf("read after pread continues at 31: %zd \"%.*s\"\n", n, (int)n, buf);

	n = pread(fd, buf, sizeof buf, 100000);
	printf("pread past end: %zd\n", n);

	size_t total = 0;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		total += (size_t)n;
	printf("read to EOF: total %zu, last %zd\n", total, n);

	checkval("write to read-only fd", write(fd, "x", 1));
	checkval("pwrite to read-only fd", pwrite(fd, "x", 1, 0));
	checkval("read of fd 99", read(99, buf, 1));
	checkval("pread with negative offset", pread(fd, buf, 1, -1));

	int big = open(path(dir, "big"), O_RDONLY);
	check("open big", big);
	static char large[70000];
	n = read(big, large, sizeof large);
	printf("read big: %zd fnv %08x\n", n, fnv1a(large, n > 0 ? (size_t)n : 0));
	n = pread(big, large, 4096, 65530);
	printf("pread big at 65530: %zd fnv %08x\n", n, fnv1a(large, n > 0 ? (size_t)n : 0));

	checkval("read of a directory", read(open(dir, O_RDONLY | O_DIRECTORY), buf, 1));

	fflush(stdout);
	n = write(1, "write to stdout\n", 16);
	struct iovec out[3] = { { "writev ", 7 }, { "to ", 3 }, { "stdout\n", 7 } };
	ssize_t m = writev(1, out, 3);
	printf("write: %zd, writev: %zd\n", n, m);
	checkval("writev with zero iovecs", writev(1, out, 0));
	checkval("pwrite to stdout pipe", pwrite(1, "x", 1, 0));
	checkval("write 0 bytes", write(1, buf, 0));
	close(big);
	close(fd);
	return 0;
}
