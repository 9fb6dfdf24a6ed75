/* execve: argv and envp passing, close-on-exec fds, signal dispositions
 * and the mask across exec, E2BIG, execveat (AT_EMPTY_PATH, a directory
 * fd, AT_SYMLINK_NOFOLLOW), #! scripts (the root has busybox as /bin/sh and
 * the scripts in /exec, see test/support/exec_scripts.ts) and the errors.
 * Run as "exec_args MODE ..." it is the program being exec'd. */
#include "proc.h"
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

extern char **environ;
static char *self;

static int show_args(int argc, char **argv)
{
	printf("  argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("  argv[%d]=\"%s\"\n", i, argv[i]);
	printf("  argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
	int n = 0;
	for (char **e = environ; *e; e++, n++)
		printf("  env \"%s\"\n", *e);
	printf("  %d environment strings\n", n);
	char name[17] = { 0 };
	prctl(PR_GET_NAME, name);
	printf("  comm \"%s\"\n", name);
	return 0;
}

static int show_fds(char **argv)
{
	static const char *what[] = { "O_CLOEXEC", "plain", "F_DUPFD_CLOEXEC", "dup3 O_CLOEXEC", "pipe2 O_CLOEXEC",
				      "FD_CLOEXEC set then cleared", "FD_CLOEXEC via fcntl" };
	for (int fd = 5; fd <= 11; fd++)
		printf("  fd %d (%s): %s\n", fd, what[fd - 5], fcntl(fd, F_GETFD) >= 0 ? "open" : errname(errno));
	printf("  fd 6 offset kept: %ld\n", (long)lseek(6, 0, SEEK_CUR));
	printf("  same pid after exec: %s\n", atoi(argv[2]) == getpid() ? "yes" : "no");
	return 0;
}

static int show_signals(void)
{
	struct sigaction sa;
	sigaction(SIGUSR1, NULL, &sa);
	printf("  SIGUSR1 (had a handler): %s\n", sa.sa_handler == SIG_DFL ? "SIG_DFL" : "not default");
	sigaction(SIGUSR2, NULL, &sa);
	printf("  SIGUSR2 (was ignored): %s\n", sa.sa_handler == SIG_IGN ? "SIG_IGN" : "not ignored");
	sigset_t m;
	sigprocmask(SIG_BLOCK, NULL, &m);
	printf("  SIGINT still blocked: %s\n", sigismember(&m, SIGINT) ? "yes" : "no");
	sigset_t pend;
	sigpending(&pend);
	printf("  SIGINT still pending: %s\n", sigismember(&pend, SIGINT) ? "yes" : "no");
	return 0;
}

/* Forks, runs `fn` in the child (which execs), and prints the outcome. */
#define IN_CHILD(label, body)                                                   \
	do {                                                                    \
		printf("%s:\n", label);                                         \
		pid_t c_ = xfork();                                             \
		if (c_ == 0) {                                                  \
			body;                                                   \
			printf("  exec failed: %s\n", errname(errno));         \
			flush();                                                \
			_exit(127);                                             \
		}                                                               \
		printf("  -> %s\n", wstatus(xwait(c_)));                        \
	} while (0)

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "args") == 0)
		return show_args(argc, argv);
	if (argc > 2 && strcmp(argv[1], "fds") == 0)
		return show_fds(argv);
	if (argc > 1 && strcmp(argv[1], "signals") == 0)
		return show_signals();
	if (argc > 1 && strcmp(argv[1], "count") == 0) {
		printf("  argc=%d\n", argc);
		return 0;
	}
	self = argv[0];
	const char *fix = fixture_dir(argc, argv);

	char *env[] = { "A=1", "EMPTY=", "WITH=equals=sign", "NOEQUALS", "UTF=ünï", NULL };
	IN_CHILD("argv and envp", ({
		char *args[] = { self, "args", "two words", "", "ünïcode ✓", "-x", NULL };
		execve(self, args, env);
	}));
	IN_CHILD("argv[0] other than the path, empty environment", ({
		char *args[] = { "renamed", "args", NULL };
		char *none[] = { NULL };
		execve(self, args, none);
	}));

	IN_CHILD("close-on-exec", ({
		int a = open(path(fix, "passwd"), O_RDONLY | O_CLOEXEC);
		int b = open(path(fix, "passwd"), O_RDONLY);
		char buf[5];
		read(b, buf, 5);
		dup2(a, 5);
		dup2(b, 6);
		fcntl(b, F_DUPFD_CLOEXEC, 7);
		dup3(b, 8, O_CLOEXEC);
		int p[2];
		pipe2(p, O_CLOEXEC);
		dup3(p[0], 9, O_CLOEXEC);
		dup2(b, 10);
		fcntl(10, F_SETFD, FD_CLOEXEC);
		fcntl(10, F_SETFD, 0);
		dup2(b, 11);
		fcntl(11, F_SETFD, FD_CLOEXEC);
		char pid[16];
		snprintf(pid, sizeof pid, "%d", getpid());
		char *args[] = { self, "fds", pid, NULL };
		execve(self, args, env);
	}));

	IN_CHILD("signal dispositions and mask", ({
		signal(SIGUSR1, on_usr1);
		signal(SIGUSR2, SIG_IGN);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGINT);
		sigprocmask(SIG_BLOCK, &m, NULL);
		signal(SIGINT, on_usr1); /* a handler, so pid 1 keeps the signal */
		raise(SIGINT);
		char *args[] = { self, "signals", NULL };
		execve(self, args, env);
	}));

	/* E2BIG: one string over MAX_ARG_STRLEN (32 pages), and a total over a
	 * quarter of an 8 MiB stack limit; just under both works. */
	struct rlimit rl = { 8 << 20, RLIM_INFINITY };
	getrlimit(RLIMIT_STACK, &rl);
	rl.rlim_cur = 8 << 20;
	check("setrlimit STACK 8 MiB", setrlimit(RLIMIT_STACK, &rl));
	char *huge = malloc(200000);
	memset(huge, 'x', 199999);
	huge[199999] = 0;
	char *hargs[] = { self, "count", huge, NULL };
	check("execve with a 200000-byte argument", execve(self, hargs, env));
	char *henv[] = { huge, NULL };
	char *cargs[] = { self, "count", NULL };
	check("execve with a 200000-byte environment string", execve(self, cargs, henv));
	static char *many[64];
	char *chunk = malloc(100000);
	memset(chunk, 'y', 99999);
	chunk[99999] = 0;
	many[0] = self;
	many[1] = "count";
	for (int i = 2; i < 32; i++)
		many[i] = chunk; /* 3 MB in all */
	check("execve with 3 MB of arguments", execve(self, many, env));
	many[12] = NULL; /* 1 MB */
	IN_CHILD("execve with 1 MB of arguments", execve(self, many, env));
	static char *lots[100003];
	lots[0] = self;
	lots[1] = "count";
	for (int i = 2; i < 100002; i++)
		lots[i] = "";
	IN_CHILD("execve with 100000 empty arguments", execve(self, lots, env));

	/* execveat. */
	char *eargs[] = { self, "count", "execveat", NULL };
	IN_CHILD("execveat AT_EMPTY_PATH on an O_RDONLY fd", ({
		int fd = open(self, O_RDONLY);
		syscall(SYS_execveat, fd, "", eargs, env, AT_EMPTY_PATH);
	}));
	IN_CHILD("execveat AT_EMPTY_PATH on an O_PATH fd", ({
		int fd = open(self, O_PATH);
		syscall(SYS_execveat, fd, "", eargs, env, AT_EMPTY_PATH);
	}));
	IN_CHILD("execveat relative to a directory fd", ({
		char dir[256];
		strcpy(dir, self);
		*strrchr(dir, '/') = 0;
		int fd = open(dir, O_RDONLY | O_DIRECTORY);
		syscall(SYS_execveat, fd, strrchr(self, '/') + 1, eargs, env, 0);
	}));
	IN_CHILD("execveat AT_FDCWD with an absolute path", syscall(SYS_execveat, AT_FDCWD, self, eargs, env, 0));
	int fd = open(self, O_RDONLY);
	check("execveat \"\" without AT_EMPTY_PATH", syscall(SYS_execveat, fd, "", eargs, env, 0));
	check("execveat with unknown flags", syscall(SYS_execveat, fd, "", eargs, env, AT_EMPTY_PATH | 0x4));
	check("execveat AT_SYMLINK_NOFOLLOW on a symlink",
	      syscall(SYS_execveat, AT_FDCWD, "/fixture/dir/link", eargs, env, AT_SYMLINK_NOFOLLOW));
	check("execveat on a bad fd", syscall(SYS_execveat, 99, "x", eargs, env, 0));
	close(fd);

	/* #! scripts. */
	IN_CHILD("script with #!/bin/sh", ({
		char *args[] = { "/exec/hello.sh", "a", "b c", NULL };
		execve(args[0], args, env);
	}));
	IN_CHILD("interpreter with an argument (#!/bin/busybox echo)", ({
		char *args[] = { "ignored-argv0", "x", "y", NULL };
		execve("/exec/interp_arg", args, env);
	}));
	IN_CHILD("spaces around the interpreter", ({
		char *args[] = { "/exec/spaces", "s", NULL };
		execve(args[0], args, env);
	}));
	IN_CHILD("a script whose interpreter is a script", ({
		char *args[] = { "/exec/nested", "n", NULL };
		execve(args[0], args, env);
	}));
	IN_CHILD("execvp through PATH (busybox applet link)", ({
		char *args[] = { "echo", "from", "execvp", NULL };
		execvp("echo", args);
	}));

	/* Errors; the process is still there after each. */
	char *none[] = { "x", NULL };
	check("execve an executable text file without #!", execve("/exec/text", none, env));
	check("execve a script without x permission", execve("/exec/noexec.sh", none, env));
	check("execve a script with a missing interpreter", execve("/exec/bad_interp", none, env));
	check("execve a directory", execve("/exec", none, env));
	check("execve a regular file without x", execve(path(fix, "passwd"), none, env));
	check("execve a missing file", execve("/nonexistent", none, env));
	check("execve through a file as a directory", execve(path(fix, "passwd/x"), none, env));
	check("execve with a bad path pointer", syscall(SYS_execve, 1L, none, env));
	check("execve with a bad argv pointer", syscall(SYS_execve, self, 1L, env));
	check("execve with a bad envp pointer", syscall(SYS_execve, self, none, 1L));
	printf("still here\n");
	return 0;
}
