/* readlink of a symlink and of /proc/self/exe. */
#include "common.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	char buf[4096];
	ssize_t n = readlink(path(dir, "dir/link"), buf, sizeof buf);
	printf("readlink dir/link: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
	n = readlink(path(dir, "dir/dangling"), buf, sizeof buf);
	printf("readlink dir/dangling: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
	memset(buf, '#', sizeof buf);
	n = readlink(path(dir, "dir/dangling"), buf, 3);
	printf("readlink truncated to 3: %zd \"%.5s\"\n", n, buf);
	checkval("readlink of a regular file", readlink(path(dir, "passwd"), buf, sizeof buf));
	checkval("readlink of a missing file", readlink(path(dir, "missing"), buf, sizeof buf));
	checkval("readlink with size 0", syscall(SYS_readlink, path(dir, "dir/link"), buf, 0));

	int d = open(path(dir, "dir"), O_RDONLY | O_DIRECTORY);
	n = readlinkat(d, "link", buf, sizeof buf);
	printf("readlinkat dir, link: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);

	n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n < 0) {
		printf("readlink /proc/self/exe: -1 %s\n", errname(errno));
	} else {
		buf[n] = 0;
		const char *name = strrchr(argv[0], '/');
		name = name ? name : argv[0];
		size_t len = strlen(name), blen = (size_t)n;
		fact("/proc/self/exe is absolute", buf[0] == '/');
		fact("/proc/self/exe ends with the program name",
		     blen >= len && strcmp(buf + blen - len, name) == 0);
	}
	return 0;
}
