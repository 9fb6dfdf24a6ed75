/* getcwd, chdir and fchdir (printing only path suffixes). */
#include "common.h"
#include <fcntl.h>
#include <unistd.h>

static void where(const char *what, const char *suffix)
{
	char buf[4096];
	if (!getcwd(buf, sizeof buf)) {
		printf("%s: getcwd -1 %s\n", what, errname(errno));
		return;
	}
	size_t n = strlen(buf), s = strlen(suffix);
	printf("%s: absolute %s, ends with \"%s\" %s\n", what, buf[0] == '/' ? "yes" : "no",
	       suffix, n >= s && strcmp(buf + n - s, suffix) == 0 ? "yes" : "no");
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	check("chdir fixture/dir", chdir(path(dir, "dir")));
	where("cwd", "/dir");
	check("chdir sub (relative)", chdir("sub"));
	where("cwd", "/dir/sub");
	check("open ../a relative to cwd", open("../a", O_RDONLY));
	check("chdir ..", chdir(".."));
	where("cwd", "/dir");
	int sub = open("sub", O_RDONLY | O_DIRECTORY);
	check("fchdir sub", fchdir(sub));
	where("cwd", "/dir/sub");
	check("chdir missing", chdir("missing"));
	check("chdir to a file", chdir("x"));
	check("fchdir to a file fd", fchdir(open("x", O_RDONLY)));
	check("fchdir bad fd", fchdir(99));
	where("cwd unchanged", "/dir/sub");
	check("chdir through symlink", chdir(path(dir, "dir/link/..")));

	char small[2];
	printf("getcwd into 2 bytes: %s\n", getcwd(small, sizeof small) ? "ok" : errname(errno));
	check("chdir /", chdir("/"));
	char root[8];
	printf("getcwd at /: \"%s\"\n", getcwd(root, sizeof root) ? root : errname(errno));
	return 0;
}
