/* ioctl: TCGETS on files and pipes that are not terminals. */
#include "common.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	struct termios t;
	int fd = open(path(dir, "passwd"), O_RDONLY);
	check("TCGETS on a regular file", ioctl(fd, TCGETS, &t));
	check("TCGETS on stdout (a pipe)", ioctl(1, TCGETS, &t));
	check("TCGETS on a directory", ioctl(open(dir, O_RDONLY), TCGETS, &t));
	check("TCGETS on a bad fd", ioctl(99, TCGETS, &t));
	fact("isatty(regular file)", isatty(fd));
	printf("errno after isatty: %s\n", errname(errno));
	check("TIOCGWINSZ on a regular file", ioctl(fd, TIOCGWINSZ, &t));
	int n = -1;
	check("FIONREAD on a regular file", ioctl(fd, FIONREAD, &n));
	printf("FIONREAD value: %d\n", n);
	int on = 1;
	check("FIOCLEX", ioctl(fd, FIOCLEX, &on));
	checkval("F_GETFD after FIOCLEX", fcntl(fd, F_GETFD));
	return 0;
}
