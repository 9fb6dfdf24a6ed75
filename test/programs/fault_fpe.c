/* Dies of a signal after printing: integer division by zero. The harness expects status
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
	/* In assembly: C division by zero is undefined, and gcc turns it into a cmov. */
	int q, divisor = *(volatile int *)&zero_int;
	__asm__ volatile("cltd; idivl %1" : "=a"(q) : "r"(divisor), "a"(1) : "edx");
	printf("%d\n", q);
	printf("after the fault\n");
	return 0;
}
