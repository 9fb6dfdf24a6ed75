/* prctl: PR_SET_NAME/PR_GET_NAME (truncation to 15 bytes, per thread,
 * inherited by fork, reset by exec), PR_SET_PDEATHSIG (kept, cleared in a
 * forked child, and delivered when the parent dies), PR_SET_NO_NEW_PRIVS
 * (sticky), PR_SET_DUMPABLE, and unknown options. */
#include "proc.h"
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

static char *self;

static const char *getname(void)
{
	static char name[32];
	memset(name, 0, sizeof name);
	if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0)
		snprintf(name, sizeof name, "-1 %s", errname(errno));
	return name;
}

static void *thread_name(void *a)
{
	(void)a;
	printf("thread: inherits the name: \"%s\"\n", getname());
	prctl(PR_SET_NAME, "worker", 0, 0, 0);
	printf("thread: own name: \"%s\"\n", getname());
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		int sig = -1, nnp = -1;
		prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
		nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
		printf("after exec: name \"%s\", pdeathsig %s, no_new_privs %d\n", getname(), signame(sig), nnp);
		return 0;
	}
	self = argv[0];

	printf("initial name: \"%s\"\n", getname());
	check("PR_SET_NAME \"tsvisor-test\"", prctl(PR_SET_NAME, "tsvisor-test", 0, 0, 0));
	printf("PR_GET_NAME: \"%s\"\n", getname());
	check("PR_SET_NAME of 30 bytes", prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz0123", 0, 0, 0));
	printf("truncated to 15: \"%s\"\n", getname());
	check("PR_SET_NAME \"\"", prctl(PR_SET_NAME, "", 0, 0, 0));
	printf("empty: \"%s\"\n", getname());
	check("PR_SET_NAME with a bad pointer", prctl(PR_SET_NAME, (char *)1, 0, 0, 0));
	check("PR_GET_NAME with a bad pointer", prctl(PR_GET_NAME, (char *)1, 0, 0, 0));
	prctl(PR_SET_NAME, "main-name", 0, 0, 0);

	pthread_t t;
	pthread_create(&t, NULL, thread_name, NULL);
	pthread_join(t, NULL);
	printf("main keeps its name: \"%s\"\n", getname());

	/* PR_SET_PDEATHSIG: kept by us, not inherited across fork. */
	int sig = -1;
	check("PR_SET_PDEATHSIG SIGUSR1", prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0));
	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	printf("PR_GET_PDEATHSIG: %s\n", signame(sig));
	check("PR_SET_PDEATHSIG 65 (not a signal)", prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0));
	pid_t c = xfork();
	if (c == 0) {
		int s = -1;
		prctl(PR_GET_PDEATHSIG, &s, 0, 0, 0);
		printf("forked child: name \"%s\", pdeathsig %s\n", getname(), signame(s));
		flush();
		_exit(0);
	}
	xwait(c);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);

	/* The death signal arrives when the parent dies: A forks B, B asks for
	 * SIGTERM on A's death, A exits; B (reparented to us) dies of it. */
	int p[2];
	pipe(p);
	pid_t a = xfork();
	if (a == 0) {
		pid_t b = xfork();
		if (b == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
			write(p[1], &b, sizeof b); /* ready */
			for (;;)
				pause();
		}
		pid_t dummy;
		read(p[0], &dummy, sizeof dummy);
		write(p[1], &b, sizeof b);
		_exit(0);
	}
	xwait(a);
	pid_t b = -1;
	read(p[0], &b, sizeof b);
	printf("child with PR_SET_PDEATHSIG SIGTERM after its parent exited: %s\n", wstatus(xwait(b)));

	/* PR_SET_NO_NEW_PRIVS is sticky. */
	printf("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	check("PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	printf("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	check("PR_SET_NO_NEW_PRIVS 0 (cannot be unset)", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
	check("PR_SET_NO_NEW_PRIVS with extra arguments", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));

	/* PR_SET_DUMPABLE. */
	printf("PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	check("PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
	printf("PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	check("PR_SET_DUMPABLE 5", prctl(PR_SET_DUMPABLE, 5, 0, 0, 0));
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);

	check("prctl(12345) (unknown option)", prctl(12345, 0, 0, 0, 0));

	/* exec: the name becomes the program's file name; no_new_privs stays;
	 * the death signal stays (the credentials did not change). */
	prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
	c = xfork();
	if (c == 0) {
		prctl(PR_SET_NAME, "before-exec", 0, 0, 0);
		prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
		char *args[] = { self, "exec", NULL };
		execve(self, args, (char *[]){ NULL });
		_exit(127);
	}
	xwait(c);
	return 0;
}
