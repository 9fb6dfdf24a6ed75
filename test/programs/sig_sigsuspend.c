/* sigsuspend: with the signal blocked, sigsuspend(empty mask) returns
 * EINTR after the handler runs, and the old mask is back afterwards; a
 * signal that was already pending is delivered at once; a signal left
 * blocked by the temporary mask stays pending; the signal can come from a
 * child, from a timer, or from another thread. pause() likewise. */
#include "proc.h"
#include <pthread.h>
#include <sys/time.h>
#include <time.h>

static volatile int got[65];
static void handler(int sig) { got[sig]++; }

static void *thread_kill(void *a)
{
	struct timespec t = { 0, 30 * 1000 * 1000 };
	nanosleep(&t, NULL);
	kill(getpid(), (int)(long)a);
	return NULL;
}

static int blocked(int sig)
{
	sigset_t m;
	sigprocmask(SIG_BLOCK, NULL, &m);
	return sigismember(&m, sig);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigset_t block, empty;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);

	/* Already pending: delivered as soon as sigsuspend unblocks it. */
	raise(SIGUSR1);
	int r = sigsuspend(&empty);
	printf("pending USR1: sigsuspend %d %s, handler ran %d, USR1 blocked again %s\n", r, errname(errno), got[SIGUSR1],
	       blocked(SIGUSR1) ? "yes" : "no");

	/* From a child. */
	pid_t parent = getpid();
	pid_t c = xfork();
	if (c == 0) {
		struct timespec t = { 0, 30 * 1000 * 1000 };
		nanosleep(&t, NULL);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	r = sigsuspend(&empty);
	printf("USR2 from a child: sigsuspend %s, handler ran %d\n", errname(errno), got[SIGUSR2]);
	xwait(c);

	/* From a timer. */
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	r = sigsuspend(&empty);
	printf("ALRM from setitimer: sigsuspend %s, handler ran %d\n", errname(errno), got[SIGALRM]);

	/* From another thread. */
	pthread_t t;
	pthread_create(&t, NULL, thread_kill, (void *)(long)SIGUSR1);
	r = sigsuspend(&empty);
	printf("USR1 from another thread: sigsuspend %s, handler ran %d\n", errname(errno), got[SIGUSR1]);
	pthread_join(t, NULL);

	/* The temporary mask keeps USR2 blocked: USR2 stays pending, USR1 wakes it. */
	sigset_t only2;
	sigemptyset(&only2);
	sigaddset(&only2, SIGUSR2);
	raise(SIGUSR2);
	pthread_create(&t, NULL, thread_kill, (void *)(long)SIGUSR1);
	r = sigsuspend(&only2);
	sigset_t pend;
	sigpending(&pend);
	printf("USR2 blocked in the temporary mask: woken by USR1 (%d), USR2 handled %d times, still pending %s\n",
	       got[SIGUSR1], got[SIGUSR2], sigismember(&pend, SIGUSR2) ? "yes" : "no");
	pthread_join(t, NULL);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("after unblocking: USR2 handled %d times\n", got[SIGUSR2]);

	/* pause(). */
	pthread_create(&t, NULL, thread_kill, (void *)(long)SIGUSR2);
	r = pause();
	printf("pause: %d %s, USR2 handled %d times\n", r, errname(errno), got[SIGUSR2]);
	pthread_join(t, NULL);
	return 0;
}
