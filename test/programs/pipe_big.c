/* 1 MiB through a 64 KiB pipe in one process: non-blocking writes of mixed
 * sizes, reads of mixed sizes whenever the pipe is full; the bytes must come
 * out in order. Also a writev/readv pass and a resized pipe. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define TOTAL (1 << 20)

static unsigned char src[TOTAL], dst[TOTAL];

static void run(const char *name, int pipesz)
{
	int p[2];
	if (pipe2(p, O_NONBLOCK) < 0) { perror("pipe2"); exit(1); }
	if (pipesz) printf("%s: F_SETPIPE_SZ %d: %d\n", name, pipesz, fcntl(p[0], F_SETPIPE_SZ, pipesz));
	static const int wsizes[] = { 3000, 70000, 1, 4096, 12345, 4095, 8192, 100 };
	static const int rsizes[] = { 5000, 1, 65536, 4096, 777, 20000 };
	long written = 0, readn = 0;
	int writes = 0, shorts = 0, eagains = 0, reads = 0, wi = 0, ri = 0;
	while (readn < TOTAL) {
		if (written < TOTAL) {
			long want = wsizes[wi++ % 8];
			if (want > TOTAL - written) want = TOTAL - written;
			ssize_t w = write(p[1], src + written, want);
			writes++;
			if (w > 0) {
				if (w < want) shorts++;
				written += w;
				if (written == TOTAL) close(p[1]);
				continue;
			}
			if (errno != EAGAIN) { printf("write: %s\n", errname(errno)); exit(1); }
			eagains++;
		}
		long want = rsizes[ri++ % 6];
		ssize_t r = read(p[0], dst + readn, want);
		reads++;
		if (r < 0) { printf("read: %s\n", errname(errno)); exit(1); }
		if (r == 0) break;
		readn += r;
	}
	printf("%s: written %ld, read %ld, same bytes: %s\n", name, written, readn,
	       memcmp(src, dst, TOTAL) == 0 ? "yes" : "no");
	printf("%s: writes %d, short %d, EAGAIN %d, reads %d\n", name, writes, shorts, eagains, reads);
	printf("%s: checksum %08x\n", name, fnv1a(dst, TOTAL));
	char c;
	printf("%s: read at EOF: %zd\n", name, read(p[0], &c, 1));
	close(p[0]);
}

int main(void)
{
	for (int i = 0; i < TOTAL; i++) src[i] = (unsigned char)(i * 7 + (i >> 10));
	run("64K", 0);
	run("4K", 4096);
	run("1M", 1 << 20);

	/* writev with many small iovecs is one request. */
	int p[2];
	pipe(p);
	struct iovec iov[64];
	for (int i = 0; i < 64; i++) { iov[i].iov_base = src + i * 100; iov[i].iov_len = 100; }
	checkval("writev 64 x 100", writev(p[1], iov, 64));
	int n;
	ioctl(p[0], FIONREAD, &n);
	printf("FIONREAD: %d\n", n);
	struct iovec riov[3] = { { dst, 10 }, { dst + 10, 0 }, { dst + 10, 7000 } };
	checkval("readv", readv(p[0], riov, 3));
	printf("readv bytes match: %s\n", memcmp(src, dst, 6400) == 0 ? "yes" : "no");
	return 0;
}
