/* Attributes: chmod family (fchmodat2 AT_SYMLINK_NOFOLLOW), chown family,
 * utimensat (UTIME_NOW, UTIME_OMIT), utimes, utime, futimesat, truncate,
 * ftruncate, fallocate, fsync, write/pwrite/writev, O_APPEND, O_TRUNC; then
 * xattrs (user.*). Works in fixture/rw and removes all it made. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

static const char *W;
static const char *p(const char *n) { return path(W, n); }

static void show(const char *what, const char *f)
{
	struct stat st;
	if (lstat(f, &st) < 0) { printf("%s: -1 %s\n", what, errname(errno)); return; }
	printf("%s: mode %o uid %d gid %d size %lld\n", what, st.st_mode, (int)st.st_uid, (int)st.st_gid,
		(long long)st.st_size);
}

static void times_of(const char *what, const char *f)
{
	struct stat st;
	if (stat(f, &st) < 0) { printf("%s: -1 %s\n", what, errname(errno)); return; }
	printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", what, (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
		(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	static char wbuf[4096];
	snprintf(wbuf, sizeof wbuf, "%s/rw/fs_attrs", dir);
	W = wbuf;
	umask(022);
	check("mkdir work", mkdir(W, 0755));
	int fd = open(p("f"), O_RDWR | O_CREAT | O_EXCL, 0666);
	check("create", fd);
	show("new", p("f"));
	check("chmod 600", chmod(p("f"), 0600));
	check("fchmod 4755", fchmod(fd, 04755));
	show("after chmods", p("f"));
	check("fchmodat 640", fchmodat(AT_FDCWD, p("f"), 0640, 0));
	check("symlink", symlink("f", p("s")));
	check("fchmodat2 NOFOLLOW on symlink", syscall(452, AT_FDCWD, p("s"), 0600, AT_SYMLINK_NOFOLLOW));
	check("fchmodat2 bad flag", syscall(452, AT_FDCWD, p("f"), 0600, 0x4000));
	check("chown 1:2", chown(p("f"), 1, 2));
	show("chowned", p("f"));
	check("fchmod 6755", fchmod(fd, 06755));
	check("fchown -1:-1", fchown(fd, -1, -1));
	show("suid kept by no-op chown", p("f"));
	check("fchown 0:-1", fchown(fd, 0, -1));
	show("suid gone by chown", p("f"));
	check("lchown symlink", lchown(p("s"), 3, 4));
	show("symlink owner", p("s"));
	show("target owner", p("f"));
	check("fchownat bad flags", fchownat(AT_FDCWD, p("f"), 0, 0, 0x1));

	/* times */
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1100000000, 987654321 } };
	check("utimensat", utimensat(AT_FDCWD, p("f"), ts, 0));
	times_of("set", p("f"));
	struct timespec om[2] = { { 5, UTIME_OMIT }, { 1200000000, 5 } };
	check("utimensat OMIT atime", utimensat(AT_FDCWD, p("f"), om, 0));
	times_of("omit", p("f"));
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	check("utimensat bad nsec", utimensat(AT_FDCWD, p("f"), bad, 0));
	struct timespec nw[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	check("futimens NOW", futimens(fd, nw));
	struct stat st;
	fstat(fd, &st);
	fact("mtime is now", st.st_mtim.tv_sec > 1600000000);
	struct timeval tv[2] = { { 1300000000, 1 }, { 1300000001, 2 } };
	check("utimes", utimes(p("f"), tv));
	times_of("utimes", p("f"));
	struct utimbuf ub = { 1400000000, 1400000001 };
	check("utime", utime(p("f"), &ub));
	times_of("utime", p("f"));
	check("futimesat", syscall(SYS_futimesat, AT_FDCWD, p("f"), tv));
	times_of("futimesat", p("f"));
	check("utimensat NOFOLLOW symlink", utimensat(AT_FDCWD, p("s"), ts, AT_SYMLINK_NOFOLLOW));

	/* size and data */
	checkval("write", write(fd, "hello world", 11));
	checkval("pwrite", pwrite(fd, "HELLO", 5, 0));
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	checkval("writev", writev(fd, iov, 2));
	check("ftruncate 4", ftruncate(fd, 4));
	show("truncated", p("f"));
	check("truncate 100", truncate(p("f"), 100));
	show("grown", p("f"));
	char buf[128];
	checkval("pread tail (zeros)", pread(fd, buf, 10, 90));
	fact("zeros", buf[0] == 0 && buf[9] == 0);
	check("truncate dir", truncate(W, 0));
	check("truncate negative", truncate(p("f"), -1));
	int ro = open(p("f"), O_RDONLY);
	check("ftruncate read-only fd", ftruncate(ro, 0));
	close(ro);
	check("fallocate", fallocate(fd, 0, 0, 8192));
	show("allocated", p("f"));
	check("fallocate KEEP_SIZE", fallocate(fd, 1, 0, 16384));
	show("keep size", p("f"));
	check("fsync", fsync(fd));
	check("fdatasync", fdatasync(fd));
	close(fd);
	fd = open(p("f"), O_WRONLY | O_APPEND);
	checkval("append write", write(fd, "END", 3));
	checkval("append pwrite (still appends)", pwrite(fd, "X", 1, 0));
	close(fd);
	show("appended", p("f"));
	fd = open(p("f"), O_RDONLY);
	checkval("lseek end", lseek(fd, 0, SEEK_END));
	close(fd);
	fd = open(p("f"), O_WRONLY | O_TRUNC);
	show("O_TRUNC", p("f"));
	close(fd);

	/* xattrs */
	check("setxattr user.a", setxattr(p("f"), "user.a", "va", 2, 0));
	check("setxattr CREATE existing", setxattr(p("f"), "user.a", "vb", 2, XATTR_CREATE));
	check("setxattr REPLACE missing", setxattr(p("f"), "user.b", "vb", 2, XATTR_REPLACE));
	check("setxattr user.b", setxattr(p("f"), "user.b", "value-b", 7, 0));
	checkval("getxattr size", getxattr(p("f"), "user.b", NULL, 0));
	char v[32] = {0};
	checkval("getxattr", getxattr(p("f"), "user.b", v, sizeof v));
	printf("value: %s\n", v);
	checkval("getxattr small", getxattr(p("f"), "user.b", v, 2));
	checkval("getxattr missing", getxattr(p("f"), "user.zz", v, sizeof v));
	check("setxattr bad namespace", setxattr(p("f"), "bogus.x", "v", 1, 0));
	check("setxattr empty name", setxattr(p("f"), "", "v", 1, 0));
	check("lsetxattr user on symlink", lsetxattr(p("s"), "user.x", "v", 1, 0));
	check("removexattr", removexattr(p("f"), "user.a"));
	check("removexattr again", removexattr(p("f"), "user.a"));
	char list[256];
	ssize_t n = listxattr(p("f"), list, sizeof list);
	checkval("listxattr", n);
	for (ssize_t i = 0; i < n; i += strlen(list + i) + 1)
		if (!strncmp(list + i, "user.", 5)) printf("name: %s\n", list + i);

	unlink(p("s"));
	unlink(p("f"));
	check("rmdir work", rmdir(W));
	return 0;
}
