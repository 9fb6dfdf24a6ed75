/* Scheduling attributes and priorities: sched_{get,set}scheduler/param,
 * priority ranges, sched_getattr, getpriority/setpriority (inherited by fork),
 * ioprio_get/set, personality, sethostname/setdomainname and errnos. */
#include "proc.h"
#include <sched.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif

#define TRY(x) do { errno = 0; long _r = (x); printf("%-60s = %ld %s\n", #x, _r, _r < 0 ? errname(errno) : ""); } while (0)

struct attr { unsigned size, policy; unsigned long long flags; int nice; unsigned prio;
	      unsigned long long rt, dl, per; unsigned umin, umax; };

int main(void)
{
	struct sched_param sp = { 0 };
	setvbuf(stdout, NULL, _IONBF, 0);
	TRY(sched_getscheduler(0));
	TRY(sched_getscheduler(-1));
	TRY(sched_getscheduler(99999));
	TRY(sched_get_priority_max(SCHED_FIFO));
	TRY(sched_get_priority_min(SCHED_RR));
	TRY(sched_get_priority_max(SCHED_OTHER));
	TRY(sched_get_priority_max(42));
	sp.sched_priority = 5;
	TRY(sched_setscheduler(0, SCHED_OTHER, &sp));
	TRY(sched_setscheduler(0, 42, &sp));
	TRY(sched_setscheduler(0, SCHED_FIFO, &sp));
	TRY(sched_getscheduler(0));
	sp.sched_priority = 0;
	TRY(sched_getparam(0, &sp));
	printf("priority %d\n", sp.sched_priority);
	sp.sched_priority = 100;
	TRY(sched_setparam(0, &sp));
	TRY(syscall(SYS_sched_setparam, 0, NULL));
	sp.sched_priority = 0;
	TRY(sched_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &sp));
	TRY(sched_getscheduler(0));
	pid_t p = fork();
	if (p == 0) { printf("child policy %d\n", sched_getscheduler(0)); _exit(0); }
	waitpid(p, NULL, 0);
	TRY(sched_setscheduler(0, SCHED_OTHER, &sp));

	struct attr a;
	memset(&a, 0, sizeof a);
	TRY(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0));
	printf("attr size %u policy %u flags %llu nice %d prio %u umax %u\n", a.size, a.policy, a.flags, a.nice, a.prio, a.umax);
	TRY(syscall(SYS_sched_getattr, 0, &a, 20, 0));
	TRY(syscall(SYS_sched_getattr, 0, &a, sizeof a, 1));

	TRY(getpriority(PRIO_PROCESS, 0));
	TRY(setpriority(PRIO_PROCESS, 0, 5));
	TRY(getpriority(PRIO_PROCESS, 0));
	TRY(setpriority(PRIO_PROCESS, 0, 100));
	TRY(getpriority(PRIO_PROCESS, 0));
	TRY(setpriority(PRIO_PROCESS, 0, -3));
	TRY(getpriority(PRIO_PGRP, 0));
	TRY(getpriority(PRIO_USER, 0));
	TRY(getpriority(7, 0));
	TRY(getpriority(PRIO_PROCESS, 99999));
	TRY(setpriority(PRIO_PROCESS, 99999, 1));
	p = fork();
	if (p == 0) { printf("child nice %d\n", getpriority(PRIO_PROCESS, 0)); _exit(0); }
	waitpid(p, NULL, 0);
	TRY(setpriority(PRIO_PROCESS, 0, 0));

	TRY(syscall(SYS_ioprio_get, 1, 0));
	TRY(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 3));
	TRY(syscall(SYS_ioprio_get, 1, 0));
	TRY(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 9));
	TRY(syscall(SYS_ioprio_set, 1, 0, (6 << 13)));
	TRY(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | (9 << 3)));
	TRY(syscall(SYS_ioprio_set, 1, 0, (3 << 13)));
	TRY(syscall(SYS_ioprio_get, 1, 0));
	TRY(syscall(SYS_ioprio_set, 9, 0, (2 << 13)));
	TRY(syscall(SYS_ioprio_get, 9, 0));

	TRY(personality(0xffffffff));
	TRY(personality(ADDR_NO_RANDOMIZE));
	TRY(personality(0xffffffff));
	TRY(personality(0));

	TRY(sethostname("sandbox-test", 12));
	TRY(setdomainname("example", 7));
	struct utsname u;
	uname(&u);
	printf("nodename %s domain %s\n", u.nodename, u.domainname);
	char big[100];
	memset(big, 'x', sizeof big);
	TRY(sethostname(big, 65));
	TRY(syscall(SYS_sethostname, (char *)8, 5));
	TRY(syscall(SYS_sethostname, big, -1));
	return 0;
}
