/* Hello world on stdout, and one line on stderr. */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	fprintf(stderr, "hello, stderr\n");
	return 0;
}
