/* lseek: SEEK_SET/CUR/END, past the end, negative offsets, pipes. */
#include "common.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	char c;
	int fd = open(path(dir, "big"), O_RDONLY);
	check("open big", fd);
	checkval("SEEK_END 0 (size)", lseek(fd, 0, SEEK_END));
	checkval("SEEK_SET 100", lseek(fd, 100, SEEK_SET));
	checkval("SEEK_CUR 0", lseek(fd, 0, SEEK_CUR));
	checkval("SEEK_CUR +50", lseek(fd, 50, SEEK_CUR));
	checkval("SEEK_CUR -150", lseek(fd, -150, SEEK_CUR));
	checkval("SEEK_CUR -1 (negative result)", lseek(fd, -1, SEEK_CUR));
	checkval("position unchanged after error", lseek(fd, 0, SEEK_CUR));
	checkval("SEEK_END -10", lseek(fd, -10, SEEK_END));
	checkval("read 1 there", read(fd, &c, 1));
	checkval("SEEK_SET 1000000 (past end)", lseek(fd, 1000000, SEEK_SET));
	checkval("read past end", read(fd, &c, 1));
	checkval("SEEK_SET -1", lseek(fd, -1, SEEK_SET));
	checkval("whence 42", lseek(fd, 0, 42));
	checkval("lseek on stdout pipe", lseek(1, 0, SEEK_CUR));
	checkval("lseek on bad fd", lseek(99, 0, SEEK_SET));
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	checkval("lseek directory to 0", lseek(d, 0, SEEK_SET));
	int e = open(path(dir, "empty"), O_RDONLY);
	checkval("SEEK_END on empty file", lseek(e, 0, SEEK_END));
	return 0;
}
