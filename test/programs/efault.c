/* Bad user pointers give EFAULT (raw syscalls, so libc cannot crash first). */
#include "common.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BAD ((void *)1)
#define KERNEL ((void *)0xffff800000000000ul)

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	int fd = open(path(dir, "passwd"), O_RDONLY);
	checkval("read into (void *)1", syscall(SYS_read, fd, BAD, 10));
	checkval("read into a kernel address", syscall(SYS_read, fd, KERNEL, 10));
	checkval("file offset unchanged after EFAULT", lseek(fd, 0, SEEK_CUR));
	fflush(stdout);
	checkval("write from (void *)1", syscall(SYS_write, 1, BAD, 10));
	checkval("write from NULL", syscall(SYS_write, 1, NULL, 10));
	checkval("stat(NULL)", syscall(SYS_stat, NULL, BAD));
	checkval("stat((char *)1)", syscall(SYS_stat, BAD, BAD));
	char buf[256];
	checkval("stat into (void *)1", syscall(SYS_stat, path(dir, "passwd"), BAD));
	checkval("open((char *)1)", syscall(SYS_open, BAD, O_RDONLY));
	checkval("openat(AT_FDCWD, NULL)", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY));
	checkval("clock_gettime(MONOTONIC, (void *)1)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD));
	checkval("gettimeofday((void *)1)", syscall(SYS_gettimeofday, BAD, NULL));
	checkval("readv with a bad iovec array", syscall(SYS_readv, fd, BAD, 1));
	checkval("getcwd into (void *)1", syscall(SYS_getcwd, BAD, sizeof buf));
	checkval("uname((void *)1)", syscall(SYS_uname, BAD));
	checkval("fstat into (void *)1", syscall(SYS_fstat, fd, BAD));
	checkval("readlink into (void *)1", syscall(SYS_readlink, path(dir, "dir/link"), BAD, 10));
	checkval("nanosleep((void *)1)", syscall(SYS_nanosleep, BAD, NULL));

	/* A partly bad buffer: the first page is fine, the rest is not. */
	checkval("read of 1 byte into a good buffer still works", syscall(SYS_read, fd, buf, 1));
	return 0;
}
