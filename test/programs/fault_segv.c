/* Dies of a signal after printing: NULL dereference. The harness expects status
 * 128+signal and the shell's message for it on stderr. */
#include "common.h"
#include <sys/resource.h>

static int *volatile zero_ptr;
static int zero_int;

int main(void)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	printf("before the fault\n");
	fflush(stdout);
	fprintf(stderr, "stderr before the fault\n");
	(void)zero_ptr;
	(void)zero_int;
	*(volatile int *)zero_ptr = 1;
	printf("after the fault\n");
	return 0;
}
