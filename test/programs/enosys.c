/* Syscall numbers Linux does not have give ENOSYS. (Not 335: that is
 * uretprobe since Linux 6.11, which raises SIGILL outside a uprobe.) */
#include "common.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	checkval("syscall(1000)", syscall(1000));
	checkval("syscall(511)", syscall(511));
	checkval("syscall(-1)", syscall(-1));
	checkval("syscall(100000)", syscall(100000));
	checkval("getpid still works", syscall(SYS_getpid) > 0 ? 1 : -1);
	return 0;
}
