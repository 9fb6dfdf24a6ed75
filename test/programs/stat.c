/* fstat, stat, lstat, newfstatat and statx: the stable fields only. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
	if (S_ISREG(m)) return "regular";
	if (S_ISDIR(m)) return "directory";
	if (S_ISLNK(m)) return "symlink";
	if (S_ISCHR(m)) return "char";
	if (S_ISBLK(m)) return "block";
	if (S_ISFIFO(m)) return "fifo";
	if (S_ISSOCK(m)) return "socket";
	return "?";
}

static void show(const char *what, int ret, const struct stat *st)
{
	if (ret < 0) {
		printf("%s: -1 %s\n", what, errname(errno));
		return;
	}
	printf("%s: %s mode %04o", what, kind(st->st_mode), st->st_mode & 07777);
	if (S_ISREG(st->st_mode))
		printf(" size %lld nlink %lu blocks-cover-size %s",
		       (long long)st->st_size, (unsigned long)st->st_nlink,
		       st->st_blocks * 512 >= st->st_size ? "yes" : "no");
	if (S_ISLNK(st->st_mode))
		printf(" size %lld", (long long)st->st_size);
	printf(" uid==getuid %s\n", st->st_uid == getuid() ? "yes" : "no");
}

/* statx through the raw syscall: musl's statx wrapper is recent. */
struct kstatx {
	unsigned mask, blksize;
	unsigned long long attributes;
	unsigned nlink, uid, gid;
	unsigned short mode, pad0;
	unsigned long long ino, size, blocks, attributes_mask;
	unsigned long long rest[20];
};

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	struct stat st, st2;

	show("stat passwd", stat(path(dir, "passwd"), &st), &st);
	show("stat dir", stat(dir, &st), &st);
	show("stat dir/a (hard linked)", stat(path(dir, "dir/a"), &st), &st);
	show("stat dir/link (follows)", stat(path(dir, "dir/link"), &st), &st);
	show("lstat dir/link", lstat(path(dir, "dir/link"), &st), &st);
	show("lstat dir/a", lstat(path(dir, "dir/a"), &st), &st);
	show("stat dir/dangling", stat(path(dir, "dir/dangling"), &st), &st);
	show("lstat dir/dangling", lstat(path(dir, "dir/dangling"), &st), &st);
	show("stat missing", stat(path(dir, "missing"), &st), &st);
	show("stat passwd/x (ENOTDIR)", stat(path(dir, "passwd/x"), &st), &st);
	show("stat empty", stat(path(dir, "empty"), &st), &st);

	int fd = open(path(dir, "big"), O_RDONLY);
	show("fstat big", fstat(fd, &st), &st);
	stat(path(dir, "big"), &st2);
	fact("fstat and stat agree on dev/ino", st.st_dev == st2.st_dev && st.st_ino == st2.st_ino);
	show("fstat bad fd", fstat(99, &st), &st);

	int d = open(dir, O_RDONLY | O_DIRECTORY);
	show("fstatat dir, dir/b", fstatat(d, "dir/b", &st, 0), &st);
	show("fstatat dir/link NOFOLLOW", fstatat(d, "dir/link", &st, AT_SYMLINK_NOFOLLOW), &st);
	show("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH), &st);
	show("fstatat empty path without flag", fstatat(fd, "", &st, 0), &st);
	show("fstatat bad flags", fstatat(d, "passwd", &st, 0x40000000), &st);
	show("fstatat relative to non-dir", fstatat(fd, "x", &st, 0), &st);

	struct kstatx sx;
	memset(&sx, 0, sizeof sx);
	long r = syscall(SYS_statx, d, "dir/a", 0, 0x7ff /* STATX_BASIC_STATS */, &sx);
	if (r < 0) {
		printf("statx dir/a: -1 %s\n", errname(errno));
	} else {
		printf("statx dir/a: basic stats in mask %s, %s mode %04o size %llu nlink %u\n",
		       (sx.mask & 0x7ff) == 0x7ff ? "yes" : "no", kind(sx.mode), sx.mode & 07777,
		       sx.size, sx.nlink);
		fstatat(d, "dir/a", &st, 0);
		fact("statx ino matches stat", sx.ino == st.st_ino);
	}
	r = syscall(SYS_statx, d, "dir/link", 0x100 /* AT_SYMLINK_NOFOLLOW */, 0x7ff, &sx);
	printf("statx dir/link nofollow: %s\n", r < 0 ? errname(errno) : kind(sx.mode));
	r = syscall(SYS_statx, d, "passwd", 0, 0x80000000u /* STATX__RESERVED */, &sx);
	checkval("statx reserved mask bit", r);
	return 0;
}
