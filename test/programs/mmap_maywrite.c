/* A shared mapping of a file opened read-only can never be made writable
 * (mprotect gives EACCES: Linux's VM_MAYWRITE); a private one can, and its
 * writes stay private while other mappings of the file keep the file's bytes. */
#include "common.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	int fd = open("/etc/passwd", O_RDONLY);
	if (fd < 0) { printf("open: %s\n", errname(errno)); return 1; }
	char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	printf("shared map: %s, starts with %.4s\n", p == MAP_FAILED ? errname(errno) : "ok", p == MAP_FAILED ? "" : p);
	int r = mprotect(p, 4096, PROT_READ | PROT_WRITE);
	printf("mprotect shared rw: %d %s\n", r, r ? errname(errno) : "");
	printf("mmap shared rw of a read-only fd: %s\n",
	       mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? errname(errno) : "ok");
	char *q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	r = mprotect(q, 4096, PROT_READ | PROT_WRITE);
	printf("mprotect private rw: %d\n", r);
	q[0] = 'X';
	char *q2 = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("private copy %c, shared %c, another private %c\n", q[0], p[0], q2[0]);
	return 0;
}
