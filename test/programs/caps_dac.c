/* Capabilities in file permission checks: root whose effective set lacks
 * CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER or CAP_FSETID is held to
 * the mode bits as another user would be (generic_permission, chmod and
 * utimes ownership, the sticky bit, S_ISGID on chmod); access(2) checks with
 * the permitted set, faccessat(AT_EACCESS) with the effective one. */
#include "common.h"
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

struct cap_header { unsigned version; int pid; };
struct cap_data { unsigned effective, permitted, inheritable; };
enum { CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_FOWNER = 3, CAP_FSETID = 4 };

static const char *W;
static const char *p(const char *n) { return path(W, n); }
static unsigned full_lo, full_hi;

/* Effective set: everything permitted but the capabilities in drop (low word). */
static void effective_without(unsigned drop)
{
	struct cap_header h = { 0x20080522, 0 };
	struct cap_data d[2];
	if (syscall(SYS_capget, &h, d) < 0) { printf("capget: -1 %s\n", errname(errno)); return; }
	d[0].effective = full_lo & ~drop;
	d[1].effective = full_hi;
	check("capset", syscall(SYS_capset, &h, d));
}

static void try_open(const char *what, const char *f, int flags)
{
	int fd = open(f, flags);
	check(what, fd);
	if (fd >= 0) close(fd);
}

static void show_mode(const char *what, const char *f)
{
	struct stat st;
	if (stat(f, &st) < 0) { printf("%s: -1 %s\n", what, errname(errno)); return; }
	printf("%s: mode %o\n", what, st.st_mode & 07777);
}

int main(int argc, char **argv)
{
	const char *dir = fixture_dir(argc, argv);
	static char wbuf[4096];
	snprintf(wbuf, sizeof wbuf, "%s/rw/caps_dac", dir);
	W = wbuf;
	umask(022);
	struct cap_header h = { 0x20080522, 0 };
	struct cap_data d[2];
	if (syscall(SYS_capget, &h, d) < 0) { printf("capget: -1 %s\n", errname(errno)); return 1; }
	full_lo = d[0].permitted;
	full_hi = d[1].permitted;
	fact("starts with DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID", (d[0].effective & 0x1e) == 0x1e);
	check("setgroups", setgroups(0, NULL));

	check("mkdir work", mkdir(W, 0755));
	int fd = open(p("secret"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	check("create secret", fd);
	if (fd >= 0) { check("write", write(fd, "s\n", 2)); close(fd); }
	check("chown secret", chown(p("secret"), 1234, 1234));
	check("mkdir private", mkdir(p("private"), 0700));
	fd = open(p("private/x"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	check("create private/x", fd);
	if (fd >= 0) close(fd);
	check("chown private", chown(p("private"), 1234, 1234));
	check("mkdir sticky", mkdir(p("sticky"), 0777));
	check("chmod sticky", chmod(p("sticky"), 01777));
	check("chown sticky", chown(p("sticky"), 1234, 1234));
	fd = open(p("sticky/f"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	check("create sticky/f", fd);
	if (fd >= 0) close(fd);
	check("chown sticky/f", chown(p("sticky/f"), 1235, 1235));
	fd = open(p("sgid"), O_WRONLY | O_CREAT | O_EXCL, 0755);
	check("create sgid", fd);
	if (fd >= 0) close(fd);
	check("chgrp sgid", chown(p("sgid"), 0, 1234));

	printf("-- every capability\n");
	try_open("read secret", p("secret"), O_RDONLY);
	try_open("write secret", p("secret"), O_WRONLY);
	try_open("read private/x", p("private/x"), O_RDONLY);

	printf("-- without CAP_DAC_OVERRIDE\n");
	effective_without(1u << CAP_DAC_OVERRIDE);
	try_open("read secret", p("secret"), O_RDONLY);
	try_open("write secret", p("secret"), O_WRONLY);
	try_open("read private/x", p("private/x"), O_RDONLY);
	try_open("create in private", p("private/y"), O_WRONLY | O_CREAT);
	check("access W_OK (permitted set)", access(p("secret"), W_OK));
	check("faccessat W_OK AT_EACCESS (effective set)", faccessat(AT_FDCWD, p("secret"), W_OK, AT_EACCESS));

	printf("-- without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH\n");
	effective_without(1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH);
	try_open("read secret", p("secret"), O_RDONLY);
	struct stat st;
	check("stat private/x", stat(p("private/x"), &st));
	check("access R_OK (permitted set)", access(p("secret"), R_OK));
	check("faccessat R_OK AT_EACCESS (effective set)", faccessat(AT_FDCWD, p("secret"), R_OK, AT_EACCESS));
	effective_without(0);

	printf("-- CAP_FOWNER\n");
	check("chmod another's file", chmod(p("secret"), 0640));
	struct timeval tv[2] = { { 1000, 0 }, { 2000, 0 } };
	check("utimes another's file", utimes(p("secret"), tv));
	effective_without(1u << CAP_FOWNER);
	check("chmod another's file without", chmod(p("secret"), 0600));
	check("utimes another's file without", utimes(p("secret"), tv));
	check("utimes now without (DAC_OVERRIDE grants write)", utimes(p("secret"), NULL));
	check("unlink another's file in a sticky dir without", unlink(p("sticky/f")));
	effective_without(0);
	show_mode("secret", p("secret"));

	printf("-- CAP_FSETID\n");
	effective_without(1u << CAP_FSETID);
	check("chmod g+s, not in the group, without", chmod(p("sgid"), 02755));
	show_mode("sgid", p("sgid"));
	effective_without(0);
	check("chmod g+s, not in the group", chmod(p("sgid"), 02755));
	show_mode("sgid", p("sgid"));

	check("unlink sticky/f", unlink(p("sticky/f")));
	check("rmdir sticky", rmdir(p("sticky")));
	check("unlink private/x", unlink(p("private/x")));
	check("rmdir private", rmdir(p("private")));
	check("unlink secret", unlink(p("secret")));
	check("unlink sgid", unlink(p("sgid")));
	check("rmdir work", rmdir(W));
	return 0;
}
