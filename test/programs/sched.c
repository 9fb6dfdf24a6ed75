/* sched_getaffinity, sched_yield, sysinfo and umask. */
#define _GNU_SOURCE
#include "common.h"
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

int main(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	check("sched_getaffinity", sched_getaffinity(0, sizeof set, &set));
	fact("at least one CPU", CPU_COUNT(&set) >= 1);
	long raw = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
	fact("raw call returns a size that is a multiple of 8", raw > 0 && raw % 8 == 0);
	checkval("sched_getaffinity with a 1-byte mask", syscall(SYS_sched_getaffinity, 0, 1, &set));
	check("sched_yield", sched_yield());
	fact("sysconf(_SC_NPROCESSORS_ONLN) >= 1", sysconf(_SC_NPROCESSORS_ONLN) >= 1);

	struct sysinfo si;
	check("sysinfo", sysinfo(&si));
	fact("totalram > 0", si.totalram > 0);
	fact("freeram <= totalram", si.freeram <= si.totalram);
	fact("mem_unit >= 1", si.mem_unit >= 1);
	fact("procs >= 1", si.procs >= 1);
	fact("uptime >= 0", si.uptime >= 0);
	checkval("sysinfo to a bad pointer", syscall(SYS_sysinfo, 1));

	mode_t first = umask(077);
	mode_t second = umask(first);
	printf("umask returns the previous mask: %04o\n", second);
	fact("umask restored", umask(first) == first);
	fact("umask only keeps 0777", (umask(0xffff) & ~0777) == 0);
	return 0;
}
