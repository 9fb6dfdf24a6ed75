/* Memory after fork: copy-on-write for globals, stack, heap, brk, private
 * anonymous and private file mappings (parent and child each see only
 * their own writes, also when both write), MAP_SHARED anonymous memory
 * shared between them, large buffers, and a fork of a fork. */
#include "proc.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define BIG (64u << 20) /* 64 MiB */

static int global = 1;
static char bss[1 << 16];

static unsigned fill_sum(unsigned char *p, size_t n, unsigned seed)
{
	/* Touch every page; a checksum over one byte a page plus the ends. */
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (unsigned char)(seed + i / 4096);
	p[n - 1] = (unsigned char)seed;
	unsigned h = 0;
	for (size_t i = 0; i < n; i += 4096)
		h = h * 31 + p[i];
	return h * 31 + p[n - 1];
}

static unsigned sum(const unsigned char *p, size_t n)
{
	unsigned h = 0;
	for (size_t i = 0; i < n; i += 4096)
		h = h * 31 + p[i];
	return h * 31 + p[n - 1];
}

/* Parent and child exchange one byte at a time over two pipes. */
static int to_child[2], to_parent[2];
static void tell(int fd) { char b = 1; if (write(fd, &b, 1) != 1) _exit(90); }
static void hear(int fd) { char b; if (read(fd, &b, 1) != 1) _exit(91); }

int main(int argc, char **argv)
{
	const char *fix = fixture_dir(argc, argv);
	int stackvar = 10;
	char *heap = malloc(1000);
	strcpy(heap, "parent heap");
	/* musl's sbrk refuses to grow: move the break with the raw call. */
	char *brkp = (char *)syscall(SYS_brk, 0);
	if ((char *)syscall(SYS_brk, brkp + 8192) != brkp + 8192)
		brkp = (void *)-1;
	else
		strcpy(brkp, "parent brk");
	unsigned char *anon = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	anon[0] = 'P';
	anon[(1 << 20) - 1] = 'p';
	int *shared = mmap(NULL, 4096 * 4, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared[0] = 100;
	shared[3 * 1024] = 300;
	int fd = open(path(fix, "passwd"), O_RDONLY);
	char *file = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	strcpy(bss, "parent bss");
	/* Untouched memory (not faulted in before the fork). */
	unsigned char *lazy = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (anon == MAP_FAILED || shared == MAP_FAILED || file == MAP_FAILED || lazy == MAP_FAILED || brkp == (void *)-1) {
		printf("setup failed\n");
		return 1;
	}
	check("pipe", pipe(to_child));
	check("pipe", pipe(to_parent));

	pid_t c = xfork();
	if (c == 0) {
		/* The child writes everything, then lets the parent check. */
		global = 2;
		stackvar = 20;
		strcpy(heap, "child heap");
		strcpy(brkp, "child brk");
		anon[0] = 'C';
		strcpy(bss, "child bss");
		file[0] = 'C';
		lazy[12345] = 7;
		shared[0] = 200;
		shared[3 * 1024] = 600;
		tell(to_parent[1]);
		hear(to_child[0]);
		/* The parent has written too: we still see our own values. */
		printf("child sees: global %d stack %d heap \"%s\" brk \"%s\" anon %c%c bss \"%s\" file %c lazy %d\n",
		       global, stackvar, heap, brkp, anon[0], anon[(1 << 20) - 1], bss, file[0], lazy[12345]);
		printf("child sees the parent's shared write: %d %d\n", shared[0], shared[3 * 1024]);
		flush();
		_exit(0);
	}
	hear(to_parent[0]);
	printf("parent sees: global %d stack %d heap \"%s\" brk \"%s\" anon %c%c bss \"%s\" file %c lazy %d\n",
	       global, stackvar, heap, brkp, anon[0], anon[(1 << 20) - 1], bss, file[0], lazy[12345]);
	printf("parent sees the child's shared write: %d %d\n", shared[0], shared[3 * 1024]);
	global = 3;
	stackvar = 30;
	strcpy(heap, "parent heap 2");
	anon[0] = 'Q';
	file[0] = 'Q';
	lazy[12345] = 9;
	shared[0] = 400;
	flush();
	tell(to_child[1]);
	printf("child: %s\n", wstatus(xwait(c)));
	printf("parent after the child: global %d stack %d heap \"%s\" anon %c file %c lazy %d\n", global, stackvar,
	       heap, anon[0], file[0], lazy[12345]);

	/* A large buffer: both sides rewrite every page and check their own. */
	unsigned char *big = malloc(BIG);
	unsigned before = fill_sum(big, BIG, 1);
	printf("64 MiB buffer filled: %08x\n", before);
	c = xfork();
	if (c == 0) {
		unsigned mine = fill_sum(big, BIG, 2);
		hear(to_child[0]);
		_exit(sum(big, BIG) == mine ? 0 : 1);
	}
	unsigned mine = fill_sum(big, BIG, 3);
	tell(to_child[1]);
	printf("child checked its 64 MiB: %s\n", wstatus(xwait(c)));
	fact("parent's 64 MiB are its own", sum(big, BIG) == mine);
	fact("and differ from before the fork", mine != before);

	/* A child that only reads shares the data; a fork of a fork still
	 * sees the values of the moment it was forked. */
	c = xfork();
	if (c == 0) {
		global = 50;
		pid_t g = xfork();
		if (g == 0) {
			printf("grandchild sees global %d, first big byte %d, heap \"%s\"\n", global, big[0], heap);
			global = 60;
			flush();
			_exit(0);
		}
		int st = xwait(g);
		printf("grandchild: %s; child still sees global %d, big sum ok %s\n", wstatus(st), global,
		       sum(big, BIG) == mine ? "yes" : "no");
		flush();
		_exit(0);
	}
	printf("child: %s\n", wstatus(xwait(c)));
	printf("parent still sees global %d\n", global);

	/* Many short-lived children touching the big buffer. */
	int bad = 0;
	for (int i = 0; i < 20; i++) {
		c = xfork();
		if (c == 0) {
			big[i * 4096 * 100] = 0xee;
			_exit(big[i * 4096 * 100] == 0xee ? 0 : 1);
		}
		int st = xwait(c);
		bad += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	printf("20 children wrote to the buffer: %d failed; parent's sum unchanged %s\n", bad,
	       sum(big, BIG) == mine ? "yes" : "no");

	/* munmap in the child does not unmap the parent's memory. */
	c = xfork();
	if (c == 0) {
		munmap(anon, 1 << 20);
		_exit(0);
	}
	xwait(c);
	printf("parent's anon after the child unmapped it: %c\n", anon[0]);
	return 0;
}
