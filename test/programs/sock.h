/* Helpers for the socket test programs: errno names common.h does not know,
 * and small wrappers that print a call's result the same way it does. */
#ifndef TSVISOR_TEST_SOCK_H
#define TSVISOR_TEST_SOCK_H

#include "common.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* SIOCINQ and SIOCOUTQ are FIONREAD and TIOCOUTQ (musl has no linux/sockios.h). */
#ifndef SIOCINQ
#define SIOCINQ FIONREAD
#endif
#ifndef SIOCOUTQ
#define SIOCOUTQ TIOCOUTQ
#endif

static inline const char *serr(int e)
{
	switch (e) {
	case ENOTSOCK: return "ENOTSOCK";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case EMSGSIZE: return "EMSGSIZE";
	case EPROTOTYPE: return "EPROTOTYPE";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ECONNABORTED: return "ECONNABORTED";
	case ECONNRESET: return "ECONNRESET";
	case ENOBUFS: return "ENOBUFS";
	case EISCONN: return "EISCONN";
	case ENOTCONN: return "ENOTCONN";
	case ESHUTDOWN: return "ESHUTDOWN";
	case ETOOMANYREFS: return "ETOOMANYREFS";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EINPROGRESS: return "EINPROGRESS";
	case EALREADY: return "EALREADY";
	case ENETUNREACH: return "ENETUNREACH";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	default: return errname(e);
	}
}

/* sendmsg(2)/recvmsg(2) without the libc wrapper (musl copies the msghdr and its control data
 * itself: a bad pointer faults in the program and big control buffers give ENOMEM). The msghdr
 * must have its padding zeroed (an initializer does that). */
static inline long raw_sendmsg(int fd, const struct msghdr *m, int flags) { return syscall(SYS_sendmsg, fd, m, flags); }
static inline long raw_recvmsg(int fd, struct msghdr *m, int flags) { return syscall(SYS_recvmsg, fd, m, flags); }

/* "what: N" or "what: -1 ENAME". */
static inline long sval(const char *what, long ret)
{
	if (ret < 0) printf("%s: -1 %s\n", what, serr(errno));
	else printf("%s: %ld\n", what, ret);
	return ret;
}

/* "what: ok" or "what: -1 ENAME". */
static inline long sok(const char *what, long ret)
{
	if (ret < 0) printf("%s: -1 %s\n", what, serr(errno));
	else printf("%s: ok\n", what);
	return ret;
}

/* An abstract address "\0tsvisor-test-<name>" and its length. Natively the
 * abstract namespace is the host's network namespace: a tag from the caller
 * keeps concurrent runs apart without showing in the output. */
static inline socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	static char tag[24];
	if (!tag[0]) {
		FILE *f = fopen("/dev/urandom", "r");
		unsigned v = 0;
		if (f) { if (fread(&v, sizeof v, 1, f) != 1) v = 0; fclose(f); }
		snprintf(tag, sizeof tag, "%08x", v);
	}
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "tsvisor-test-%s-%s", tag, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* A filesystem address. */
static inline socklen_t path_addr(struct sockaddr_un *a, const char *p)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strncpy(a->sun_path, p, sizeof a->sun_path - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1);
}

#endif
