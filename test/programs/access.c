/* access and faccessat (read and execute checks; W_OK is in rofs.c). */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	check("access passwd F_OK", access(path(dir, "passwd"), F_OK));
	check("access passwd R_OK", access(path(dir, "passwd"), R_OK));
	check("access passwd X_OK (mode 0644)", access(path(dir, "passwd"), X_OK));
	check("access own binary X_OK", access(argv[0], X_OK));
	check("access dir X_OK", access(dir, X_OK));
	check("access missing", access(path(dir, "missing"), F_OK));
	check("access passwd/x", access(path(dir, "passwd/x"), F_OK));
	check("access dangling symlink", access(path(dir, "dir/dangling"), F_OK));
	check("access bad mode", access(path(dir, "passwd"), 0x40));
	check("access empty path", access("", F_OK));

	int d = open(path(dir, "dir"), O_RDONLY | O_DIRECTORY);
	check("faccessat dir, a R_OK", faccessat(d, "a", R_OK, 0));
	check("faccessat dir, link R_OK", faccessat(d, "link", R_OK, 0));
	check("faccessat dir, dangling F_OK", faccessat(d, "dangling", F_OK, 0));
	check("faccessat AT_FDCWD absolute", faccessat(AT_FDCWD, path(dir, "empty"), R_OK, 0));
	check("faccessat bad dirfd relative", faccessat(99, "a", F_OK, 0));
	check("faccessat bad dirfd absolute", faccessat(99, path(dir, "empty"), F_OK, 0));
	return 0;
}
