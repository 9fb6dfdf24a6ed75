/* vfork: the parent waits until the child execs or exits, and sees the
 * child's writes until then; vfork + execve of this program with an
 * argument; posix_spawn and posix_spawnp with file actions, a signal mask
 * and a bad path. Run again as "vfork_exec child ..." it reports its
 * arguments and exits with a code the parent checks. */
#include "proc.h"
#include <fcntl.h>
#include <spawn.h>

extern char **environ;

static int child_mode(int argc, char **argv)
{
	printf("[child] argc=%d", argc);
	for (int i = 1; i < argc; i++)
		printf(" \"%s\"", argv[i]);
	printf(" env TSV=%s\n", getenv("TSV") ? getenv("TSV") : "(unset)");
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("[child] SIGUSR1 blocked: %s\n", sigismember(&cur, SIGUSR1) ? "yes" : "no");
	printf("[child] fd 5 open: %s\n", fcntl(5, F_GETFD) >= 0 ? "yes" : "no");
	return argc + 10;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_mode(argc, argv);
	char *self = argv[0];

	/* vfork + _exit: the parent resumes after the child is gone, and sees
	 * what the child wrote to the shared memory before that. */
	volatile int shared = 1;
	flush();
	pid_t c = vfork();
	if (c == 0) {
		shared = 2;
		_exit(3);
	}
	printf("vfork + _exit: parent sees the child's write: %d; %s\n", shared, wstatus(xwait(c)));

	/* vfork + execve of ourselves. */
	shared = 1;
	flush();
	c = vfork();
	if (c == 0) {
		shared = 5;
		char *args[] = { self, "child", "from vfork", "", NULL };
		char *env[] = { "TSV=vfork", NULL };
		execve(self, args, env);
		_exit(127);
	}
	printf("vfork + execve: parent saw %d; %s\n", shared, wstatus(xwait(c)));

	/* vfork + a failing execve: the child reports the errno. */
	flush();
	volatile int err = 0;
	c = vfork();
	if (c == 0) {
		char *args[] = { "/nonexistent", NULL };
		execve(args[0], args, environ);
		err = errno;
		_exit(127);
	}
	printf("vfork + execve of a missing file: %s in the child; %s\n", errname(err), wstatus(xwait(c)));

	/* posix_spawn with an environment. */
	char *args[] = { self, "child", "spawned", NULL };
	char *env[] = { "TSV=spawn", "OTHER=1", NULL };
	flush();
	int r = posix_spawn(&c, self, NULL, NULL, args, env);
	printf("posix_spawn: %s\n", errname(r));
	if (r == 0)
		printf("  %s\n", wstatus(xwait(c)));

	/* File actions: the child's stdout is a pipe we read; fd 5 is opened
	 * for it. Attributes: a signal mask with SIGUSR1 blocked. */
	int p[2];
	check("pipe", pipe(p));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	posix_spawn_file_actions_addopen(&fa, 5, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	posix_spawnattr_setsigmask(&at, &mask);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	char *args2[] = { self, "child", "with file actions", NULL };
	flush();
	r = posix_spawn(&c, self, &fa, &at, args2, env);
	close(p[1]);
	printf("posix_spawn with file actions: %s\n", errname(r));
	char buf[512];
	ssize_t n, total = 0;
	while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0)
		total += n;
	buf[total] = 0;
	close(p[0]);
	printf("  its output through the pipe:\n%s", buf);
	if (r == 0)
		printf("  %s\n", wstatus(xwait(c)));
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);

	/* posix_spawnp searches PATH: busybox's echo is /bin/echo in the root. */
	char *echo[] = { "echo", "spawnp", "found", "echo", NULL };
	flush();
	r = posix_spawnp(&c, "echo", NULL, NULL, echo, environ);
	printf("posix_spawnp echo: %s\n", errname(r));
	if (r == 0)
		printf("  %s\n", wstatus(xwait(c)));

	/* A missing program: the error comes back from posix_spawn (both C
	 * libraries report exec failures through a CLONE_VFORK child). */
	char *missing[] = { "/nonexistent/program", NULL };
	r = posix_spawn(&c, missing[0], NULL, NULL, missing, environ);
	printf("posix_spawn of a missing program: %s\n", errname(r));
	char *notexec[] = { "/fixture/passwd", NULL };
	r = posix_spawn(&c, notexec[0], NULL, NULL, notexec, environ);
	printf("posix_spawn of a file without x permission: %s\n", errname(r));
	check("wait: nothing left", wait(NULL));
	return 0;
}
