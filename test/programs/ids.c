/* Process and user ids, printed only as relations (no pid values). */
#define _GNU_SOURCE
#include "common.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = getpid(), ppid = getppid();
	long tid = syscall(SYS_gettid);
	fact("getpid > 0", pid > 0);
	fact("getppid >= 0", ppid >= 0);
	fact("gettid > 0", tid > 0);
	fact("gettid == getpid", tid == pid);
	fact("getpid is stable", getpid() == pid);
	/* 0 for a pid namespace's init, whose group and session are outside it. */
	fact("getpgid(0) >= 0", getpgid(0) >= 0);
	fact("getsid(0) >= 0", getsid(0) >= 0);
	fact("getuid == geteuid", getuid() == geteuid());
	fact("getgid == getegid", getgid() == getegid());
	uid_t r, e, s;
	check("getresuid", getresuid(&r, &e, &s));
	fact("resuid agrees", r == getuid() && e == geteuid() && s == geteuid());
	gid_t rg, eg, sg;
	check("getresgid", getresgid(&rg, &eg, &sg));
	fact("resgid agrees", rg == getgid() && eg == getegid() && sg == getegid());
	fact("getgroups(0, NULL) >= 0", getgroups(0, NULL) >= 0);
	return 0;
}
