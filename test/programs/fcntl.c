/* fcntl: F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD, F_DUPFD_CLOEXEC. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <unistd.h>

static void flags(const char *what, int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0) {
		printf("%s: -1 %s\n", what, errname(errno));
		return;
	}
	int acc = fl & O_ACCMODE;
	printf("%s: %s%s%s\n", what,
	       acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY" : "O_RDWR",
	       fl & O_APPEND ? " O_APPEND" : "", fl & O_NONBLOCK ? " O_NONBLOCK" : "");
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	int fd = open(path(dir, "passwd"), O_RDONLY);
	checkval("F_GETFD after open", fcntl(fd, F_GETFD));
	check("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
	checkval("F_GETFD", fcntl(fd, F_GETFD));
	check("F_SETFD 0", fcntl(fd, F_SETFD, 0));
	checkval("F_GETFD", fcntl(fd, F_GETFD));
	int ce = open(path(dir, "passwd"), O_RDONLY | O_CLOEXEC);
	checkval("F_GETFD of O_CLOEXEC open", fcntl(ce, F_GETFD));

	flags("F_GETFL passwd", fd);
	check("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK));
	flags("F_GETFL passwd", fd);
	check("F_SETFL 0", fcntl(fd, F_SETFL, 0));
	flags("F_GETFL passwd", fd);
	flags("F_GETFL O_RDONLY|O_APPEND", open(path(dir, "passwd"), O_RDONLY | O_APPEND));

	int d1 = fcntl(fd, F_DUPFD, 20);
	printf("F_DUPFD 20: fd %s 20, F_GETFD %d\n", d1 == 20 ? "==" : "!=", fcntl(d1, F_GETFD));
	int d2 = fcntl(fd, F_DUPFD, 20);
	printf("F_DUPFD 20 again: fd %s 21\n", d2 == 21 ? "==" : "!=");
	int d3 = fcntl(fd, F_DUPFD_CLOEXEC, 30);
	printf("F_DUPFD_CLOEXEC 30: fd %s 30, F_GETFD %d\n", d3 == 30 ? "==" : "!=", fcntl(d3, F_GETFD));
	flags("F_GETFL of the dup", d3);

	char c;
	lseek(fd, 3, SEEK_SET);
	read(d1, &c, 1);
	checkval("dups share the offset", lseek(fd, 0, SEEK_CUR));

	checkval("F_DUPFD negative", fcntl(fd, F_DUPFD, -1));
	checkval("F_DUPFD above RLIMIT_NOFILE", fcntl(fd, F_DUPFD, 1 << 30));
	checkval("F_GETFD bad fd", fcntl(99, F_GETFD));
	checkval("unknown command", fcntl(fd, 12345));
	return 0;
}
