/* dup, dup2, dup3. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	int fd = open(path(dir, "passwd"), O_RDONLY);
	int low = dup(fd);
	printf("dup takes the lowest free fd: %s\n", low == fd + 1 ? "yes" : "no");
	close(fd);
	int again = dup(low);
	printf("dup reuses a closed fd: %s\n", again == fd ? "yes" : "no");

	checkval("dup2 to 10", dup2(low, 10));
	checkval("F_GETFD of dup2 target", fcntl(10, F_GETFD));
	checkval("dup2 same fd", dup2(10, 10));
	checkval("dup2 bad oldfd", dup2(99, 11));
	checkval("dup2 same bad fd", dup2(99, 99));
	checkval("dup2 newfd negative", syscall(SYS_dup2, 10, -1));
	checkval("dup3 to 12 O_CLOEXEC", dup3(10, 12, O_CLOEXEC));
	checkval("F_GETFD of dup3 target", fcntl(12, F_GETFD));
	checkval("dup3 same fd", syscall(SYS_dup3, 10, 10, 0));
	checkval("dup3 bad flags", syscall(SYS_dup3, 10, 13, 1));
	checkval("dup onto an open fd replaces it", dup2(fd, 12));
	checkval("F_GETFD after replace", fcntl(12, F_GETFD));
	checkval("dup of bad fd", dup(99));

	/* The dups share one file description: one offset. */
	char c;
	lseek(10, 7, SEEK_SET);
	read(12, &c, 1);
	checkval("shared offset", lseek(low, 0, SEEK_CUR));

	fflush(stdout);
	close(1);
	int out = dup(2);
	fprintf(stderr, "dup of stderr took fd 1: %s\n", out == 1 ? "yes" : "no");
	return 0;
}
