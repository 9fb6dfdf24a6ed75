/* Shared helpers for the differential test programs.
 *
 * Every program prints only facts that are identical natively and in the
 * sandbox: no pids, addresses, times or inode numbers. Errors are printed
 * as errno names, never strerror() text (glibc and musl word them
 * differently). Build: gcc -static -O1 -I test/programs (and musl-gcc).
 */
#ifndef TSVISOR_TEST_COMMON_H
#define TSVISOR_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EMLINK: return "EMLINK";
	case EPIPE: return "EPIPE";
	case EDOM: return "EDOM";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case EOVERFLOW: return "EOVERFLOW";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ETXTBSY: return "ETXTBSY";
	case EDEADLK: return "EDEADLK";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EOWNERDEAD: return "EOWNERDEAD";
	case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
	case ECANCELED: return "ECANCELED";
	default: {
		static char buf[32];
		snprintf(buf, sizeof buf, "errno%d", e);
		return buf;
	}
	}
}

/* Print "what: ok" or "what: -1 ENAME" for a call returning < 0 on error. */
static inline void check(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 %s\n", what, errname(errno));
	else
		printf("%s: ok\n", what);
}

/* Print "what: <value>" or "what: -1 ENAME". */
static inline void checkval(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 %s\n", what, errname(errno));
	else
		printf("%s: %ld\n", what, ret);
}

/* Print "what: yes" or "what: no". */
static inline void fact(const char *what, int cond)
{
	printf("%s: %s\n", what, cond ? "yes" : "no");
}

/* Join a directory given on the command line with a name. */
static inline const char *path(const char *dir, const char *name)
{
	static char bufs[4][4096];
	static int next;
	char *b = bufs[next++ & 3];
	snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
	return b;
}

/* The fixture directory (argv[1]); see test/support/fixture.ts. */
static inline const char *fixture_dir(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		exit(2);
	}
	return argv[1];
}

/* A small FNV-1a checksum for printing the content of buffers. */
static inline unsigned fnv1a(const void *p, size_t n)
{
	const unsigned char *c = p;
	unsigned h = 2166136261u;
	while (n--)
		h = (h ^ *c++) * 16777619u;
	return h;
}

#endif
