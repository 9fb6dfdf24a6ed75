/* execve releases the robust futexes of the thread that execs (Linux's
 * exec_mm_release): a process-shared robust mutex held by a child that then
 * execs is seen by the parent as EOWNERDEAD, and can be made consistent. */
#include "common.h"
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[2], "exec") == 0) return 0;
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	pid_t p = fork();
	if (p == 0) {
		pthread_mutex_lock(m);
		execl(argv[0], argv[0], argv[1], "exec", (char *)NULL);
		_exit(1);
	}
	int st;
	waitpid(p, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	int r = pthread_mutex_lock(m);
	printf("lock after the owner exec'd: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : errname(r));
	printf("consistent: %d\n", pthread_mutex_consistent(m));
	int u = pthread_mutex_unlock(m);
	int l = pthread_mutex_lock(m);
	printf("unlock: %d, lock again: %d\n", u, l);
	return 0;
}
