/* eventfd and eventfd2: counter semantics, EFD_SEMAPHORE, EFD_NONBLOCK,
 * EFD_CLOEXEC, short buffers, the ULLONG_MAX limits, buffers that straddle a
 * page, fstat of an anonymous inode. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void rd(const char *what, int fd)
{
	uint64_t v = 0;
	ssize_t r = read(fd, &v, 8);
	if (r < 0) printf("%s: -1 %s\n", what, errname(errno));
	else printf("%s: %zd value %llu\n", what, r, (unsigned long long)v);
}

static void wr(const char *what, int fd, uint64_t v)
{
	checkval(what, write(fd, &v, 8));
}

int main(void)
{
	int fd = eventfd(3, EFD_NONBLOCK);
	check("eventfd2 EFD_NONBLOCK", fd);
	checkval("F_GETFL", fcntl(fd, F_GETFL));
	checkval("F_GETFD", fcntl(fd, F_GETFD));
	rd("read", fd);
	rd("read empty", fd);
	wr("write 5", fd, 5);
	wr("write 7", fd, 7);
	rd("read sum", fd);
	uint64_t v = 1;
	checkval("read 4 bytes", read(fd, &v, 4));
	checkval("write 4 bytes", write(fd, &v, 4));
	char big[16] = { 0 };
	wr("write 1", fd, 1);
	checkval("read 16 bytes", read(fd, big, 16));
	wr("write ULLONG_MAX", fd, UINT64_MAX);
	wr("write ULLONG_MAX-1", fd, UINT64_MAX - 1);
	wr("write 1 more (would reach ULLONG_MAX)", fd, 1);
	rd("read the maximum", fd);
	wr("write 0", fd, 0);
	rd("read after writing 0", fd);
	checkval("pread", pread(fd, &v, 8, 0));
	checkval("lseek", lseek(fd, 0, SEEK_SET));
	checkval("read EFAULT (nothing to read)", syscall(SYS_read, fd, (void *)8, 8));
	wr("write 1", fd, 1);
	checkval("read EFAULT", syscall(SYS_read, fd, (void *)8, 8));
	rd("the value was consumed", fd);
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	checkval("F_GETFD (EFD_CLOEXEC)", fcntl(fd, F_GETFD));
	rd("semaphore read 1", fd);
	rd("semaphore read 2", fd);
	rd("semaphore read 3", fd);
	close(fd);

	checkval("eventfd2 bad flags", syscall(SYS_eventfd2, 0, 4));
	checkval("eventfd (old call)", syscall(SYS_eventfd, 9) >= 0 ? 0 : -1);

	/* A value straddling a page boundary. */
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = eventfd(0, 0);
	uint64_t x = 0x1122334455667788ull;
	memcpy(m + 4092, &x, 8);
	checkval("write across a page", write(fd, m + 4092, 8));
	memset(m, 0, 8192);
	checkval("read across a page", read(fd, m + 4094, 8));
	memcpy(&x, m + 4094, 8);
	printf("value: %llx\n", (unsigned long long)x);
	munmap(m + 4096, 4096);
	wr("write 1", fd, 1);
	checkval("read into a half-unmapped buffer", read(fd, m + 4092, 8));

	struct stat st;
	check("fstat", fstat(fd, &st));
	printf("st_mode: %o\n", st.st_mode);
	printf("st_size: %ld\n", (long)st.st_size);
	int fd2 = eventfd(0, 0);
	struct stat st2;
	fstat(fd2, &st2);
	fact("eventfds share one inode", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
	return 0;
}
