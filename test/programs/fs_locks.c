/* File locks with real conflicts: flock between open file descriptions and
 * processes, fcntl record locks (F_SETLK, F_GETLK, F_SETLKW waiting for an
 * unlock) between processes, OFD locks between descriptions, and locks
 * dropped by close. Works in fixture/rw and removes all it made. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
	return fcntl(fd, cmd, &fl);
}

static void getlk(const char *what, int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
	if (fcntl(fd, cmd, &fl) < 0) { printf("%s: -1 %s\n", what, errname(errno)); return; }
	if (fl.l_type == F_UNLCK) printf("%s: unlocked\n", what);
	else printf("%s: type %d start %lld len %lld pid %s\n", what, fl.l_type, (long long)fl.l_start,
		(long long)fl.l_len, fl.l_pid == -1 ? "-1" : fl.l_pid == getppid() || fl.l_pid == 1 ? "parent" : "other");
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	const char *f = path(dir, "rw/fs_locks");
	int a = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int b = open(f, O_RDWR);
	check("open a", a);
	check("open b", b);

	/* flock: between descriptions of one process */
	check("flock a EX", flock(a, LOCK_EX));
	check("flock b EX|NB", flock(b, LOCK_EX | LOCK_NB));
	check("flock b SH|NB", flock(b, LOCK_SH | LOCK_NB));
	check("flock a SH (convert)", flock(a, LOCK_SH));
	check("flock b SH|NB", flock(b, LOCK_SH | LOCK_NB));
	check("flock b EX|NB", flock(b, LOCK_EX | LOCK_NB));
	check("flock a UN", flock(a, LOCK_UN));
	check("flock b UN", flock(b, LOCK_UN));
	check("flock bad op", flock(a, 0));

	/* record locks between processes */
	check("F_SETLK write 0-9", lk(a, F_SETLK, F_WRLCK, 0, 10));
	check("F_SETLK read 20-", lk(a, F_SETLK, F_RDLCK, 20, 0));
	int go[2], back[2];
	if (pipe(go) < 0 || pipe(back) < 0) return 1;
	pid_t c = fork();
	if (c == 0) {
		int fd = open(f, O_RDWR);
		getlk("child F_GETLK 5", fd, F_GETLK, F_RDLCK, 5, 1);
		getlk("child F_GETLK 10-19", fd, F_GETLK, F_WRLCK, 10, 10);
		getlk("child F_GETLK write 25", fd, F_GETLK, F_WRLCK, 25, 1);
		getlk("child F_GETLK read 25", fd, F_GETLK, F_RDLCK, 25, 1);
		check("child F_SETLK write 5", lk(fd, F_SETLK, F_WRLCK, 5, 1));
		check("child F_SETLK read 30", lk(fd, F_SETLK, F_RDLCK, 30, 5));
		check("child F_SETLK write 10-19", lk(fd, F_SETLK, F_WRLCK, 10, 10));
		fflush(stdout);
		if (write(back[1], "r", 1) != 1) _exit(1);
		/* waits until the parent unlocks 0-9 */
		check("child F_SETLKW write 0-4", lk(fd, F_SETLKW, F_WRLCK, 0, 5));
		fflush(stdout);
		char x;
		if (read(go[0], &x, 1) != 1) _exit(1);
		_exit(0);
	}
	char x;
	if (read(back[0], &x, 1) != 1) return 1;
	getlk("parent F_GETLK 12 (child's)", a, F_GETLK, F_WRLCK, 12, 1);
	check("parent F_SETLK 15 (conflict)", lk(a, F_SETLK, F_WRLCK, 15, 1));
	check("parent unlock 0-9", lk(a, F_SETLK, F_UNLCK, 0, 10));
	/* the child now holds 0-4: wait until it does */
	for (int i = 0; i < 1000; i++) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
		fcntl(a, F_GETLK, &fl);
		if (fl.l_type != F_UNLCK) break;
		usleep(1000);
	}
	getlk("parent F_GETLK 0", a, F_GETLK, F_WRLCK, 0, 1);
	if (write(go[1], "g", 1) != 1) return 1;
	int st;
	waitpid(c, &st, 0);
	printf("child exit: %d\n", WEXITSTATUS(st));
	getlk("after child exit", a, F_GETLK, F_WRLCK, 0, 100);

	/* closing any fd of the file drops the process's POSIX locks */
	check("F_SETLK write 0-", lk(a, F_SETLK, F_WRLCK, 0, 0));
	int d = open(f, O_RDONLY);
	close(d);
	c = fork();
	if (c == 0) {
		int fd = open(f, O_RDWR);
		check("child lock after parent's close", lk(fd, F_SETLK, F_WRLCK, 0, 0));
		_exit(0);
	}
	waitpid(c, &st, 0);

	/* OFD locks: per open file description */
	check("OFD a write 0-9", lk(a, F_OFD_SETLK, F_WRLCK, 0, 10));
	check("OFD b write 5", lk(b, F_OFD_SETLK, F_WRLCK, 5, 1));
	getlk("OFD b GETLK 5", b, F_OFD_GETLK, F_WRLCK, 5, 1);
	check("OFD a write 5 (own)", lk(a, F_OFD_SETLK, F_WRLCK, 5, 1));
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 7 };
	check("OFD with l_pid", fcntl(a, F_OFD_SETLK, &fl));
	close(a);
	check("OFD b write 5 after close", lk(b, F_OFD_SETLK, F_WRLCK, 5, 1));
	check("F_SETLK read on write-only", lk(open(f, O_WRONLY), F_SETLK, F_RDLCK, 0, 1));
	check("F_SETLK bad type", lk(b, F_SETLK, 7, 0, 1));
	close(b);
	check("unlink", unlink(f));
	return 0;
}
