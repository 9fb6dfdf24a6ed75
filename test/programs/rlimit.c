/* getrlimit, setrlimit and prlimit for RLIMIT_NOFILE and RLIMIT_STACK. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void limit(const char *name, int res)
{
	struct rlimit a, b;
	int r1 = getrlimit(res, &a);
	int r2 = prlimit(0, res, NULL, &b);
	printf("%s: getrlimit %s, prlimit %s, agree %s, soft <= hard %s, soft > 0 %s\n", name,
	       r1 ? errname(errno) : "ok", r2 ? errname(errno) : "ok",
	       a.rlim_cur == b.rlim_cur && a.rlim_max == b.rlim_max ? "yes" : "no",
	       a.rlim_cur <= a.rlim_max ? "yes" : "no", a.rlim_cur > 0 ? "yes" : "no");
}

int main(void)
{
	limit("RLIMIT_NOFILE", RLIMIT_NOFILE);
	limit("RLIMIT_STACK", RLIMIT_STACK);

	struct rlimit old, lim = { 64, 0 }, now;
	getrlimit(RLIMIT_NOFILE, &old);
	lim.rlim_max = old.rlim_max;
	check("setrlimit NOFILE soft 64", setrlimit(RLIMIT_NOFILE, &lim));
	getrlimit(RLIMIT_NOFILE, &now);
	fact("soft limit now 64", now.rlim_cur == 64);
	checkval("dup to fd 64 (at the limit)", fcntl(0, F_DUPFD, 64));
	checkval("dup to fd 63", fcntl(0, F_DUPFD, 63));
	struct rlimit inv = { 100, 50 };
	check("soft > hard", setrlimit(RLIMIT_NOFILE, &inv));
	check("prlimit new+old", prlimit(0, RLIMIT_NOFILE, &old, &now));
	fact("prlimit returned the previous (64)", now.rlim_cur == 64);
	check("getrlimit bad resource", getrlimit(1000, &now));
	checkval("getrlimit to a bad pointer", syscall(SYS_getrlimit, RLIMIT_NOFILE, 1));
	return 0;
}
