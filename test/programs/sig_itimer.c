/* Interval timers: ITIMER_REAL fires SIGALRM once or periodically;
 * getitimer shows the time left (never more than was set); setitimer
 * returns the old value; a zero value disarms; alarm() returns the seconds
 * left of the previous alarm (rounded); ITIMER_VIRTUAL and ITIMER_PROF
 * fire while the process computes. Only coarse facts are printed. */
#include "proc.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static volatile int alrm, vtalrm, prof;
static void on_alrm(int s) { (void)s; alrm++; }
static void on_vt(int s) { (void)s; vtalrm++; }
static void on_prof(int s) { (void)s; prof++; }

static long long tv_us(struct timeval t) { return t.tv_sec * 1000000LL + t.tv_usec; }

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void)
{
	signal(SIGALRM, on_alrm);
	signal(SIGVTALRM, on_vt);
	signal(SIGPROF, on_prof);

	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, cur, old;
	check("setitimer REAL 50 ms", setitimer(ITIMER_REAL, &it, NULL));
	getitimer(ITIMER_REAL, &cur);
	fact("  getitimer: 0 < left <= 50 ms", tv_us(cur.it_value) > 0 && tv_us(cur.it_value) <= 50000);
	fact("  interval 0", tv_us(cur.it_interval) == 0);
	long long t0 = now_ms();
	while (!alrm)
		pause();
	long long el = now_ms() - t0;
	printf("  fired once: %d, after >= 40 ms %s\n", alrm, el >= 40 ? "yes" : "no");
	getitimer(ITIMER_REAL, &cur);
	fact("  disarmed after firing", tv_us(cur.it_value) == 0);

	/* Periodic: 20 ms interval, count at least 5 in about 150 ms. */
	alrm = 0;
	struct itimerval per = { { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &per, NULL);
	while (alrm < 5)
		pause();
	check("setitimer 0 (disarm), old value returned", setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, &old));
	printf("  periodic: at least 5 firings %s, old interval 20 ms %s\n", alrm >= 5 ? "yes" : "no",
	       tv_us(old.it_interval) == 20000 ? "yes" : "no");
	int before = alrm;
	struct timespec w = { 0, 60 * 1000 * 1000 };
	nanosleep(&w, NULL);
	fact("  no more after disarming", alrm == before);

	/* alarm(). */
	printf("alarm(5) with none pending: %u\n", alarm(5));
	unsigned left = alarm(0);
	printf("alarm(0) after alarm(5): 4 or 5 left %s\n", left == 5 || left == 4 ? "yes" : "no");
	alarm(3);
	getitimer(ITIMER_REAL, &cur);
	fact("getitimer sees alarm(3): 2 s < left <= 3 s", tv_us(cur.it_value) > 2000000 && tv_us(cur.it_value) <= 3000000);
	alarm(0);

	/* CPU-time timers fire while we compute. */
	struct itimerval cpu = { { 0, 0 }, { 0, 20000 } };
	check("setitimer VIRTUAL 20 ms", setitimer(ITIMER_VIRTUAL, &cpu, NULL));
	check("setitimer PROF 20 ms", setitimer(ITIMER_PROF, &cpu, NULL));
	volatile unsigned long x = 0;
	t0 = now_ms();
	while ((!vtalrm || !prof) && now_ms() - t0 < 20000)
		x++;
	printf("ITIMER_VIRTUAL fired %s, ITIMER_PROF fired %s\n", vtalrm ? "yes" : "no", prof ? "yes" : "no");

	/* Errors. */
	check("setitimer which=5", setitimer(5, &it, NULL));
	struct itimerval badv = { { 0, 0 }, { 0, 1000000 } };
	check("setitimer tv_usec 1e6", setitimer(ITIMER_REAL, &badv, NULL));
	check("getitimer with a bad pointer", syscall(SYS_getitimer, ITIMER_REAL, 1L));
	return 0;
}
