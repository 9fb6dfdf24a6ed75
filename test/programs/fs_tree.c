/* Changing the tree: mkdir, rmdir, unlink, rename (renameat2 NOREPLACE,
 * EXCHANGE, WHITEOUT), link, linkat (AT_EMPTY_PATH, AT_SYMLINK_FOLLOW),
 * symlink, mknod, O_TMPFILE, O_CREAT|O_EXCL, and Linux's errnos for them
 * (ENOTEMPTY, EISDIR, ENOTDIR, EXDEV, EBUSY, EINVAL, ELOOP, ENAMETOOLONG,
 * trailing slashes). Works in fixture/rw and removes all it made. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *W;
static const char *p(const char *n) { return path(W, n); }

static int renameat2_(int od, const char *o, int nd, const char *n, unsigned f)
{
	return syscall(SYS_renameat2, od, o, nd, n, f);
}

static void cat(const char *what, const char *file)
{
	char buf[64] = {0};
	int fd = open(file, O_RDONLY);
	if (fd < 0) { printf("%s: -1 %s\n", what, errname(errno)); return; }
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	printf("%s: %zd '%s'\n", what, n, buf);
}

static void put(const char *file, const char *s)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) { printf("put %s: -1 %s\n", file, errname(errno)); return; }
	if (write(fd, s, strlen(s)) < 0) printf("write: %s\n", errname(errno));
	close(fd);
}

static long nlink(const char *f)
{
	struct stat st;
	if (lstat(f, &st) < 0) return -errno;
	return (long)st.st_nlink;
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	static char wbuf[4096];
	snprintf(wbuf, sizeof wbuf, "%s/rw/fs_tree", dir);
	W = wbuf;
	check("mkdir work", mkdir(W, 0755));

	/* directories */
	check("mkdir a", mkdir(p("a"), 0755));
	check("mkdir a again", mkdir(p("a"), 0755));
	check("mkdir a/b/c (no b)", mkdir(p("a/b/c"), 0755));
	check("mkdir a/b", mkdir(p("a/b"), 0755));
	put(p("a/b/f"), "file");
	check("rmdir a (not empty)", rmdir(p("a")));
	check("rmdir a/b/f (file)", rmdir(p("a/b/f")));
	check("unlink a/b (dir)", unlink(p("a/b")));
	check("unlink a/b/f/ (slash)", unlink(p("a/b/f/")));
	check("rmdir a/b/.", rmdir(p("a/b/.")));
	check("rmdir a/b/..", rmdir(p("a/b/..")));
	check("mkdir file/x", mkdir(p("a/b/f/x"), 0755));
	check("open file/ O_CREAT", open(p("a/b/f/"), O_CREAT | O_WRONLY, 0644));
	check("open newfile/ O_CREAT", open(p("a/b/g/"), O_CREAT | O_WRONLY, 0644));
	check("mkdir slash/", mkdir(p("a/d/"), 0755));
	check("rmdir slash/", rmdir(p("a/d/")));
	check("open O_CREAT|O_EXCL existing", open(p("a/b/f"), O_CREAT | O_EXCL | O_WRONLY, 0644));
	check("open O_CREAT dir", open(p("a"), O_CREAT | O_WRONLY, 0644));
	check("rmdir /proc (mount point)", rmdir("/proc"));
	check("rename to /dev (other mount)", rename(p("a/b/f"), "/dev/f"));
	check("unlink a/b/f", unlink(p("a/b/f")));
	check("rmdir a/b", rmdir(p("a/b")));
	check("unlink a/missing", unlink(p("a/missing")));

	/* rename */
	put(p("a/x"), "xx");
	put(p("a/y"), "yy");
	check("rename x y", rename(p("a/x"), p("a/y")));
	cat("y", p("a/y"));
	cat("x", p("a/x"));
	put(p("a/x"), "x2");
	check("renameat2 NOREPLACE", renameat2_(AT_FDCWD, p("a/x"), AT_FDCWD, p("a/y"), 1));
	check("renameat2 EXCHANGE", renameat2_(AT_FDCWD, p("a/x"), AT_FDCWD, p("a/y"), 2));
	cat("x after exchange", p("a/x"));
	cat("y after exchange", p("a/y"));
	check("renameat2 EXCHANGE|NOREPLACE", renameat2_(AT_FDCWD, p("a/x"), AT_FDCWD, p("a/y"), 3));
	check("renameat2 EXCHANGE missing", renameat2_(AT_FDCWD, p("a/x"), AT_FDCWD, p("a/zz"), 2));
	check("mkdir a/d1", mkdir(p("a/d1"), 0755));
	check("mkdir a/d2", mkdir(p("a/d2"), 0755));
	put(p("a/d2/in"), "in");
	check("rename dir over file", rename(p("a/d1"), p("a/x")));
	check("rename file over dir", rename(p("a/x"), p("a/d1")));
	check("rename dir over non-empty dir", rename(p("a/d1"), p("a/d2")));
	check("rename dir into itself", rename(p("a/d2"), p("a/d2/sub")));
	check("rename dir over empty dir", rename(p("a/d2"), p("a/d1")));
	cat("d1/in", p("a/d1/in"));
	check("rename . ", rename(p("a/."), p("a/e")));
	check("rename file/ slash", rename(p("a/x/"), p("a/x2")));
	check("rename same file", rename(p("a/x"), p("a/x")));

	/* links */
	check("link x l1", link(p("a/x"), p("a/l1")));
	checkval("nlink x", nlink(p("a/x")));
	check("link over existing", link(p("a/x"), p("a/y")));
	check("link dir", link(p("a/d1"), p("a/dl")));
	check("symlink s -> x", symlink("x", p("a/s")));
	check("link s (no follow)", linkat(AT_FDCWD, p("a/s"), AT_FDCWD, p("a/ls"), 0));
	fact("ls is a symlink", nlink(p("a/ls")) == 2);
	check("linkat AT_SYMLINK_FOLLOW", linkat(AT_FDCWD, p("a/s"), AT_FDCWD, p("a/lf"), AT_SYMLINK_FOLLOW));
	checkval("nlink x", nlink(p("a/x")));
	int fd = open(p("a/x"), O_RDONLY);
	check("linkat AT_EMPTY_PATH", linkat(fd, "", AT_FDCWD, p("a/le"), AT_EMPTY_PATH));
	close(fd);
	checkval("nlink x", nlink(p("a/x")));
	check("unlink l1", unlink(p("a/l1")));
	checkval("nlink x", nlink(p("a/x")));
	check("symlink loop 1", symlink("loop2", p("a/loop1")));
	check("symlink loop 2", symlink("loop1", p("a/loop2")));
	check("open loop", open(p("a/loop1"), O_RDONLY));
	check("open O_NOFOLLOW symlink", open(p("a/s"), O_RDONLY | O_NOFOLLOW));
	check("symlink empty target", symlink("", p("a/e")));
	char longname[300];
	memset(longname, 'n', 299); longname[299] = 0;
	check("mkdir long name", mkdir(p(longname), 0755));
	check("mknod fifo", mknod(p("a/fifo"), S_IFIFO | 0644, 0));
	struct stat st;
	check("stat fifo", stat(p("a/fifo"), &st));
	fact("is fifo", S_ISFIFO(st.st_mode));
	check("mknod socket", mknod(p("a/sock"), S_IFSOCK | 0644, 0));
	check("open socket", open(p("a/sock"), O_RDONLY));
	check("mknod dir", mknod(p("a/nd"), S_IFDIR | 0755, 0));
	check("mknod bad type", mknod(p("a/nb"), 0170000 | 0644, 0));

	/* O_TMPFILE */
	fd = open(p("a"), O_TMPFILE | O_RDWR, 0600);
	check("O_TMPFILE", fd);
	if (fd >= 0) {
		checkval("write tmpfile", write(fd, "tmp", 3));
		check("linkat tmpfile", linkat(fd, "", AT_FDCWD, p("a/named"), AT_EMPTY_PATH));
		close(fd);
		cat("named", p("a/named"));
	}
	check("O_TMPFILE read-only", open(p("a"), O_TMPFILE | O_RDONLY, 0600));

	/* a deleted file stays readable */
	fd = open(p("a/y"), O_RDONLY);
	check("unlink open file", unlink(p("a/y")));
	char b[8] = {0};
	checkval("read after unlink", read(fd, b, 7));
	printf("content: %s\n", b);
	close(fd);

	/* clean up: remove everything made */
	const char *files[] = { "a/x", "a/s", "a/ls", "a/lf", "a/le", "a/loop1", "a/loop2", "a/fifo", "a/sock", "a/named",
		"a/d1/in", NULL };
	for (int i = 0; files[i]; i++) unlink(p(files[i]));
	rmdir(p("a/d1"));
	check("rmdir a", rmdir(p("a")));
	check("rmdir work", rmdir(W));
	return 0;
}
