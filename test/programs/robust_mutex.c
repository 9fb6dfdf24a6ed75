/* Robust mutexes: when the owner dies holding the lock (a thread that
 * exits, a process that exits, with the mutex in MAP_SHARED memory), the
 * next locker gets EOWNERDEAD, can make it consistent, and without
 * pthread_mutex_consistent the mutex becomes ENOTRECOVERABLE. The kernel
 * does this from the robust list (set_robust_list) at the owner's exit. */
#include "proc.h"
#include <pthread.h>
#include <sys/mman.h>

static pthread_mutex_t *make(void *where, int pshared)
{
	pthread_mutex_t *m = where;
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	if (pshared)
		pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(m, &at);
	return m;
}

static void *lock_and_exit(void *a)
{
	pthread_mutex_lock(a);
	return NULL; /* ends holding it */
}

int main(void)
{
	static pthread_mutex_t storage;
	pthread_mutex_t *m = make(&storage, 0);
	pthread_t t;
	pthread_create(&t, NULL, lock_and_exit, m);
	pthread_join(t, NULL);
	int r = pthread_mutex_lock(m);
	printf("lock after the owner thread exited: %s\n", errname(r));
	printf("pthread_mutex_consistent: %s\n", errname(pthread_mutex_consistent(m)));
	printf("unlock: %s\n", errname(pthread_mutex_unlock(m)));
	printf("lock again: %s\n", errname(pthread_mutex_lock(m)));
	pthread_mutex_unlock(m);

	/* Not made consistent: unusable afterwards. */
	pthread_create(&t, NULL, lock_and_exit, m);
	pthread_join(t, NULL);
	printf("lock after another owner died: %s\n", errname(pthread_mutex_lock(m)));
	printf("unlock without consistent: %s\n", errname(pthread_mutex_unlock(m)));
	printf("lock: %s\n", errname(pthread_mutex_lock(m)));
	printf("trylock: %s\n", errname(pthread_mutex_trylock(m)));

	/* Across processes: the child dies holding a shared robust mutex. */
	void *mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutex_t *sm = make(mem, 1);
	pid_t c = xfork();
	if (c == 0) {
		pthread_mutex_lock(sm);
		_exit(3);
	}
	printf("child holding the shared mutex: %s\n", wstatus(xwait(c)));
	printf("lock after the owner process exited: %s\n", errname(pthread_mutex_lock(sm)));
	printf("consistent: %s\n", errname(pthread_mutex_consistent(sm)));
	pthread_mutex_unlock(sm);

	/* A child killed by a signal while holding it, a waiter blocked on it. */
	int p[2];
	pipe(p);
	c = xfork();
	if (c == 0) {
		pthread_mutex_lock(sm);
		write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	char b;
	read(p[0], &b, 1);
	kill(c, SIGKILL);
	r = pthread_mutex_lock(sm); /* blocks until the kernel releases it */
	printf("waiter when the owner was SIGKILLed: %s\n", errname(r));
	printf("child: %s\n", wstatus(xwait(c)));
	pthread_mutex_consistent(sm);
	pthread_mutex_unlock(sm);
	return 0;
}
