/* Helpers for the process, thread and signal test programs: signal names,
 * wait statuses in words, fork with flushed stdio. Like common.h, nothing
 * printed through these depends on pids, times or the C library. */
#ifndef TSVISOR_TEST_PROC_H
#define TSVISOR_TEST_PROC_H

/* Include this first: it asks for the GNU interfaces (pipe2, dup3, O_PATH...). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "common.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static inline const char *signame(int sig)
{
	static const char *names[] = {
		"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
		"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
		"SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
		"SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
	};
	static char buf[16];
	if (sig >= 0 && sig < 32)
		return names[sig];
	snprintf(buf, sizeof buf, "SIG%d", sig);
	return buf;
}

/* "exited 3", "killed by SIGTERM", "stopped by SIGSTOP", "continued". */
static inline const char *wstatus(int st)
{
	static char bufs[4][64];
	static int next;
	char *b = bufs[next++ & 3];
	if (WIFEXITED(st))
		snprintf(b, sizeof bufs[0], "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, sizeof bufs[0], "killed by %s%s", signame(WTERMSIG(st)), WCOREDUMP(st) ? " (core)" : "");
	else if (WIFSTOPPED(st))
		snprintf(b, sizeof bufs[0], "stopped by %s", signame(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		snprintf(b, sizeof bufs[0], "continued");
	else
		snprintf(b, sizeof bufs[0], "status %#x", st);
	return b;
}

/* fork() with stdio flushed first (so buffered output is not printed twice). */
static inline pid_t xfork(void)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		printf("fork: -1 %s\n", errname(errno));
		exit(1);
	}
	return pid;
}

/* waitpid(pid) that retries EINTR; returns the status, or -1 and prints why. */
static inline int xwait(pid_t pid)
{
	int st;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		printf("waitpid: -1 %s\n", errname(errno));
		return -1;
	}
	return st;
}

/* No core files and no WCOREDUMP from children that die of SIGSEGV or SIGABRT. */
static inline void no_core(void)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
}

/* Everything printed so far reaches the pipe before the next step. */
static inline void flush(void)
{
	fflush(stdout);
	fflush(stderr);
}

#endif
