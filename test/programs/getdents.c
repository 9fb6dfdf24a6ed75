/* getdents64: list a directory, sorted, with d_type. */
#define _GNU_SOURCE
#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct entry { char name[256]; unsigned char type; };

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static const char *tname(unsigned char t)
{
	switch (t) {
	case DT_REG: return "reg";
	case DT_DIR: return "dir";
	case DT_LNK: return "lnk";
	case DT_UNKNOWN: return "unknown";
	default: return "other";
	}
}

/* Read the whole directory with a small buffer (several calls). */
static int list(int fd, struct entry *out, int max, int bufsize, int *calls)
{
	char buf[4096];
	int n = 0;
	*calls = 0;
	for (;;) {
		long got = syscall(SYS_getdents64, fd, buf, bufsize);
		if (got < 0) {
			printf("getdents64: -1 %s\n", errname(errno));
			return n;
		}
		if (got == 0)
			return n;
		(*calls)++;
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (n < max) {
				snprintf(out[n].name, sizeof out[n].name, "%s", d->d_name);
				out[n].type = d->d_type;
				n++;
			}
			off += d->d_reclen;
		}
	}
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	struct entry e[64];
	int calls;
	int fd = open(path(dir, "dir"), O_RDONLY | O_DIRECTORY);
	check("open dir", fd);
	int n = list(fd, e, 64, 64, &calls);
	qsort(e, n, sizeof e[0], cmp);
	printf("entries: %d, more than one call with a small buffer: %s\n", n, calls > 1 ? "yes" : "no");
	for (int i = 0; i < n; i++)
		printf("  %s %s\n", e[i].name, tname(e[i].type));

	int again = list(fd, e, 64, 4096, &calls);
	printf("at end: %d entries\n", again);
	lseek(fd, 0, SEEK_SET);
	printf("after rewind: %d entries\n", list(fd, e, 64, 4096, &calls));

	char tiny[8];
	lseek(fd, 0, SEEK_SET);
	checkval("buffer of 0 bytes", syscall(SYS_getdents64, fd, tiny, 0));
	checkval("buffer of 8 bytes", syscall(SYS_getdents64, fd, tiny, sizeof tiny));
	int file = open(path(dir, "passwd"), O_RDONLY);
	checkval("getdents64 on a file", syscall(SYS_getdents64, file, tiny, sizeof tiny));
	checkval("getdents64 on bad fd", syscall(SYS_getdents64, 99, tiny, sizeof tiny));

	/* opendir/readdir through libc, too. */
	DIR *dp = opendir(path(dir, "dir/sub"));
	int count = 0;
	struct dirent *de;
	while (dp && (de = readdir(dp)))
		count++;
	printf("readdir dir/sub: %d entries (with . and ..)\n", count);
	return 0;
}
