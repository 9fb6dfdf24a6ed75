/* Waiting for signals without handlers: sigtimedwait with a timeout gives
 * EAGAIN; a queued signal (sigqueue) is received with its value and
 * SI_QUEUE; several real-time signals queue and arrive in order (lowest
 * number first, FIFO within one); a standard signal sent twice arrives
 * once; sigwaitinfo and sigwait; a zero timeout polls; a signal from a
 * child carries its pid. */
#include "proc.h"
#include <time.h>

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 4; s++)
		sigaddset(&set, s);
	sigprocmask(SIG_BLOCK, &set, NULL);

	struct timespec t50 = { 0, 50 * 1000 * 1000 }, zero = { 0, 0 };
	siginfo_t si;
	long long t0 = now_ms();
	int r = sigtimedwait(&set, &si, &t50);
	long long el = now_ms() - t0;
	printf("sigtimedwait 50 ms with nothing pending: %d %s, waited >= 40 ms %s\n", r, errname(errno), el >= 40 ? "yes" : "no");
	r = sigtimedwait(&set, &si, &zero);
	printf("sigtimedwait with a zero timeout: %d %s\n", r, errname(errno));
	struct timespec bad = { 0, 1000000000 };
	r = sigtimedwait(&set, &si, &bad);
	printf("sigtimedwait with tv_nsec 1e9: %d %s\n", r, errname(errno));

	union sigval v = { .sival_int = 42 };
	sigqueue(getpid(), SIGUSR1, v);
	memset(&si, 0, sizeof si);
	r = sigtimedwait(&set, &si, &t50);
	printf("sigqueue USR1 42: got %s, si_code %s, si_value %d, si_pid ours %s\n", signame(r),
	       si.si_code == SI_QUEUE ? "SI_QUEUE" : "other", si.si_value.sival_int, si.si_pid == getpid() ? "yes" : "no");

	/* Real-time signals queue: three values on RTMIN+2, one on RTMIN+1. */
	for (int i = 1; i <= 3; i++) {
		v.sival_int = i * 100;
		sigqueue(getpid(), SIGRTMIN + 2, v);
	}
	v.sival_int = 7;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	printf("real-time signals in the order received:");
	for (int i = 0; i < 4; i++) {
		r = sigwaitinfo(&set, &si);
		printf(" RTMIN+%d(%d)", r - SIGRTMIN, si.si_value.sival_int);
	}
	printf("\n");
	r = sigtimedwait(&set, &si, &zero);
	printf("  then: %s\n", r < 0 ? errname(errno) : "more");

	/* A standard signal does not queue. */
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR2);
	int n = 0;
	while (sigtimedwait(&set, &si, &zero) == SIGUSR2)
		n++;
	printf("USR2 sent twice, received %d time(s)\n", n);

	/* sigwait. */
	raise(SIGUSR1);
	int sig = 0;
	r = sigwait(&set, &sig);
	printf("sigwait: %d, %s\n", r, signame(sig));

	/* From a child: si_pid is the child's, si_code SI_USER. */
	pid_t parent = getpid();
	pid_t c = xfork();
	if (c == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	r = sigwaitinfo(&set, &si);
	printf("from a child: %s, si_code %s, si_pid is the child %s\n", signame(r), si.si_code == SI_USER ? "SI_USER" : "other",
	       si.si_pid == c ? "yes" : "no");
	xwait(c);

	/* Waiting on a signal that is not blocked still works; SIGKILL in the set is ignored. */
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, SIGKILL);
	r = sigtimedwait(&only, &si, &zero);
	printf("sigtimedwait for SIGKILL only: %d %s\n", r, errname(errno));
	return 0;
}
