/* A fault in one thread kills the whole process: a thread dereferences NULL
 * while the main thread and others are blocked; the process dies of
 * SIGSEGV (status 139) and nothing after the fault runs. First the same
 * in a child, whose wait status the parent prints. */
#include "proc.h"
#include <pthread.h>
#include <time.h>

static int *volatile nowhere;
static int p[2];

static void *blocker(void *a)
{
	(void)a;
	char b;
	read(p[0], &b, 1);
	printf("blocker returned\n");
	return NULL;
}

static void *faulter(void *a)
{
	(void)a;
	struct timespec t = { 0, 20 * 1000 * 1000 };
	nanosleep(&t, NULL);
	*nowhere = 1;
	printf("after the fault\n");
	return NULL;
}

static void scenario(void)
{
	pipe(p);
	pthread_t t;
	for (int i = 0; i < 3; i++)
		pthread_create(&t, NULL, blocker, NULL);
	pthread_create(&t, NULL, faulter, NULL);
	pthread_join(t, NULL);
	printf("join returned\n");
}

int main(void)
{
	no_core();
	pid_t c = xfork();
	if (c == 0) {
		scenario();
		_exit(0);
	}
	printf("child whose thread faulted: %s\n", wstatus(xwait(c)));
	printf("now in this process\n");
	flush();
	scenario();
	return 0;
}
