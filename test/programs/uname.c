/* uname: the fields that must match the host (sysname, machine). */
#include "common.h"
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
	struct utsname u;
	check("uname", uname(&u));
	printf("sysname: %s\n", u.sysname);
	printf("machine: %s\n", u.machine);
	fact("release is not empty", u.release[0] != 0);
	fact("release starts with a digit", u.release[0] >= '0' && u.release[0] <= '9');
	fact("nodename is terminated", memchr(u.nodename, 0, sizeof u.nodename) != NULL);
	checkval("uname to a bad pointer", syscall(SYS_uname, 1));
	return 0;
}
