/* Allocate and touch memory until something stops it, under a memory
 * limit (tsvisor --memory; natively RLIMIT_AS, see test/limits.test.ts).
 * Only run contained: it refuses to start without --contained. The hog is
 * a child: it stops either because malloc fails or because it is killed
 * (SIGKILL, as the OOM killer does); the parent only reports that it
 * stopped, survives, and can still allocate. */
#include "proc.h"

#define CHUNK (1 << 20)
#define SAFETY_MIB 8192

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--contained") != 0) {
		fprintf(stderr, "%s: a memory hog; run it only under a memory limit, with --contained\n", argv[0]);
		return 2;
	}
	pid_t c = xfork();
	if (c == 0) {
		for (int i = 0; i < SAFETY_MIB; i++) {
			char *p = malloc(CHUNK);
			if (!p)
				_exit(0);
			for (int j = 0; j < CHUNK; j += 4096)
				p[j] = (char)i;
		}
		_exit(3);
	}
	int st = xwait(c);
	int stopped = (WIFEXITED(st) && WEXITSTATUS(st) == 0) || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	printf("the hog stopped (malloc failed or it was killed): %s\n", stopped ? "yes" : "no");
	printf("it reached the safety cap: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 3 ? "yes" : "no");
	char *p = malloc(CHUNK);
	if (p)
		memset(p, 1, CHUNK);
	printf("the parent can still allocate and touch 1 MiB: %s\n", p ? "yes" : "no");
	return 0;
}
