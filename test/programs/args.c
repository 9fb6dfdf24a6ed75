/* Echo argv and envp, in order. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=\"%s\"\n", i, argv[i]);
	printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
	int n = 0;
	for (char **e = environ; *e; e++, n++)
		printf("env[%d]=\"%s\"\n", n, *e);
	printf("envc=%d\n", n);
	return 0;
}
