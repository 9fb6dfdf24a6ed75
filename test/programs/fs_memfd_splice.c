/* memfd_create (names in /proc/self/fd, seals, MAP_SHARED seen across fork),
 * a shared mapping of a /dev/shm file, splice, tee, copy_file_range and
 * sendfile between files and pipes. */
#define _GNU_SOURCE
#include "common.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int m = memfd_create("tsvisor-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	check("memfd_create", m);
	char link[128] = {0};
	readlink("/proc/self/fd/3", link, sizeof link - 1);
	printf("link: %s\n", link);
	fact("cloexec", fcntl(m, F_GETFD) == FD_CLOEXEC);
	check("ftruncate 8192", ftruncate(m, 8192));
	char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
	fact("mmap shared", map != MAP_FAILED);
	strcpy(map, "from parent");
	pid_t c = fork();
	if (c == 0) {
		strcpy(map + 100, "from child");
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("child wrote: %s\n", map + 100);
	char buf[64] = {0};
	checkval("pread sees the mapping", pread(m, buf, 11, 0));
	printf("read: %s\n", buf);
	checkval("F_GET_SEALS", fcntl(m, F_GET_SEALS));
	check("F_ADD_SEALS SHRINK|GROW", fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
	check("ftruncate smaller (sealed)", ftruncate(m, 100));
	check("ftruncate same", ftruncate(m, 8192));
	checkval("write past end (sealed)", pwrite(m, "x", 1, 8192));
	checkval("write inside", pwrite(m, "y", 1, 10));
	checkval("F_GET_SEALS", fcntl(m, F_GET_SEALS));
	check("F_ADD_SEALS SEAL", fcntl(m, F_ADD_SEALS, F_SEAL_SEAL));
	check("F_ADD_SEALS after SEAL", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
	int n = memfd_create("nosealing", 0);
	checkval("F_GET_SEALS without sealing", fcntl(n, F_GET_SEALS));
	check("F_ADD_SEALS without sealing", fcntl(n, F_ADD_SEALS, F_SEAL_GROW));
	check("memfd bad flags", memfd_create("x", 0x100));
	munmap(map, 8192);

	/* /dev/shm, as python's multiprocessing uses it */
	int s = open("/dev/shm/tsvisor-test", O_RDWR | O_CREAT | O_EXCL, 0600);
	check("open /dev/shm file", s);
	int seven = 7;
	checkval("write initial value", write(s, &seven, sizeof seven));
	check("ftruncate", ftruncate(s, 4096));
	int *cnt = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
	/* As sem_open does: the name and the fd go before the mapping is first touched. */
	check("unlink /dev/shm file", unlink("/dev/shm/tsvisor-test"));
	close(s);
	printf("initial through the mapping: %d\n", *cnt);
	for (int i = 0; i < 3; i++) {
		if (fork() == 0) { __sync_fetch_and_add(cnt, 10); _exit(0); }
	}
	while (wait(&st) > 0) {}
	printf("counter: %d\n", *cnt);

	/* splice and tee */
	int p1[2], p2[2];
	if (pipe(p1) < 0 || pipe(p2) < 0) return 1;
	pwrite(n, "0123456789abcdef", 16, 0);
	loff_t off = 4;
	checkval("splice file->pipe", splice(n, &off, p1[1], NULL, 8, 0));
	printf("off: %lld\n", (long long)off);
	checkval("tee", tee(p1[0], p2[1], 100, 0));
	memset(buf, 0, sizeof buf);
	checkval("read tee copy", read(p2[0], buf, sizeof buf));
	printf("tee copy: %s\n", buf);
	loff_t o2 = 0;
	checkval("splice pipe->file", splice(p1[0], NULL, m, &o2, 100, 0));
	memset(buf, 0, sizeof buf);
	pread(m, buf, 8, 0);
	printf("spliced: %s\n", buf);
	checkval("splice file->file", splice(n, NULL, m, NULL, 4, 0));
	checkval("splice offset on pipe", splice(p1[0], &off, m, NULL, 4, 0));
	checkval("splice empty nonblock", splice(p1[0], NULL, m, NULL, 4, SPLICE_F_NONBLOCK));
	checkval("tee same pipe", tee(p1[0], p1[1], 4, 0));

	/* copy_file_range and sendfile */
	loff_t i0 = 10, o0 = 0;
	checkval("copy_file_range", copy_file_range(n, &i0, m, &o0, 6, 0));
	memset(buf, 0, sizeof buf);
	pread(m, buf, 6, 0);
	printf("copied: %s (in %lld out %lld)\n", buf, (long long)i0, (long long)o0);
	checkval("copy_file_range flags", copy_file_range(n, NULL, m, NULL, 6, 1));
	checkval("copy_file_range pipe", copy_file_range(p1[0], NULL, m, NULL, 6, 0));
	off_t so = 2;
	checkval("sendfile", sendfile(p2[1], n, &so, 5));
	memset(buf, 0, sizeof buf);
	checkval("read", read(p2[0], buf, sizeof buf));
	printf("sent: %s (off %lld)\n", buf, (long long)so);
	return 0;
}
