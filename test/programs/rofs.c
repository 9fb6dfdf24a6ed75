/* Writes below the root: they succeed natively and in the sandbox (whose
 * root is an in-memory overlay over the same directory). Cleans up after
 * itself. */
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	int fd = open(path(dir, "rw/new"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	check("open O_WRONLY|O_CREAT", fd);
	checkval("write", write(fd, "data\n", 5));
	close(fd);
	check("open existing O_RDWR", open(path(dir, "passwd"), O_RDWR));
	check("access W_OK", access(path(dir, "rw"), W_OK));
	check("mkdir", mkdir(path(dir, "rw/d"), 0755));
	check("rmdir", rmdir(path(dir, "rw/d")));
	check("symlink", symlink("new", path(dir, "rw/sym")));
	check("unlink symlink", unlink(path(dir, "rw/sym")));
	check("truncate", truncate(path(dir, "rw/new"), 0));
	check("unlink", unlink(path(dir, "rw/new")));
	return 0;
}
