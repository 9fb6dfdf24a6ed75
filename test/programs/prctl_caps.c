/* prctl's capability options: the bounding set (PR_CAPBSET_READ/DROP), the
 * ambient set (PR_CAP_AMBIENT), keep-caps and the security bits, and what they
 * do to setuid and execve. Each change runs in a child so that the parent keeps
 * root's full sets. Only CAP_NET_BIND_SERVICE, CAP_NET_RAW, CAP_SETUID,
 * CAP_SETPCAP and CAP_KILL bits are printed (both kernels have them). */
#define _GNU_SOURCE
#include "common.h"
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct cap_header { unsigned version; int pid; };
struct cap_data { unsigned effective, permitted, inheritable; };
enum { CAP_KILL = 5, CAP_SETUID = 7, CAP_SETPCAP = 8, CAP_NET_BIND_SERVICE = 10, CAP_NET_RAW = 13 };
#define SHOWN ((1u << CAP_KILL) | (1u << CAP_SETUID) | (1u << CAP_SETPCAP) | (1u << CAP_NET_BIND_SERVICE) | \
	       (1u << CAP_NET_RAW))
/* Spelled out: musl's and older glibc's headers lack some. */
#define CAPBSET_READ 23
#define CAPBSET_DROP 24
#define GET_SECUREBITS 27
#define SET_SECUREBITS 28
#define CAP_AMBIENT 47
#define AMB_IS_SET 1
#define AMB_RAISE 2
#define AMB_LOWER 3
#define AMB_CLEAR_ALL 4
#define SECBIT_NOROOT 0x1
#define SECBIT_NO_SETUID_FIXUP 0x4
#define SECBIT_KEEP_CAPS 0x10
#define SECBIT_KEEP_CAPS_LOCKED 0x20
#define SECBIT_NO_CAP_AMBIENT_RAISE 0x40

#define TRY(x) do { errno = 0; long _r = (x); printf("%-58s = %ld %s\n", #x, _r, _r < 0 ? errname(errno) : ""); } while (0)

static void caps(const char *what)
{
	struct cap_header h = { 0x20080522, 0 };
	struct cap_data d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) < 0) { printf("%s: capget %s\n", what, errname(errno)); return; }
	printf("%s: eff %#x prm %#x inh %#x amb-bind %ld bnd-raw %ld\n", what, d[0].effective & SHOWN,
	       d[0].permitted & SHOWN, d[0].inheritable & SHOWN,
	       (long)prctl(CAP_AMBIENT, AMB_IS_SET, CAP_NET_BIND_SERVICE, 0, 0),
	       (long)prctl(CAPBSET_READ, CAP_NET_RAW, 0, 0, 0));
}

/* Sets the inheritable set to inh (low word), keeping the rest. */
static void set_inheritable(unsigned inh)
{
	struct cap_header h = { 0x20080522, 0 };
	struct cap_data d[2];
	syscall(SYS_capget, &h, d);
	d[0].inheritable = inh;
	TRY(syscall(SYS_capset, &h, d));
}

static void drop_effective(unsigned bits)
{
	struct cap_header h = { 0x20080522, 0 };
	struct cap_data d[2];
	syscall(SYS_capget, &h, d);
	d[0].effective &= ~bits;
	TRY(syscall(SYS_capset, &h, d));
}

static char *self;

static void reexec(void)
{
	execl(self, self, "show", (char *)NULL);
	printf("execl: %s\n", errname(errno));
	_exit(1);
}

/* Runs f in a child and waits for it. */
static void in_child(const char *name, void (*f)(void))
{
	printf("-- %s\n", name);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) { f(); fflush(stdout); _exit(0); }
	int st;
	waitpid(p, &st, 0);
}

static void bounding(void)
{
	TRY(prctl(CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0));
	TRY(prctl(CAPBSET_READ, CAP_NET_RAW, 0, 0, 0));
	TRY(prctl(CAPBSET_DROP, 64, 0, 0, 0));
	caps("after drop");
	/* Without CAP_SETPCAP the drop fails before the number is looked at. */
	drop_effective(1u << CAP_SETPCAP);
	TRY(prctl(CAPBSET_DROP, CAP_KILL, 0, 0, 0));
	TRY(prctl(CAPBSET_DROP, 64, 0, 0, 0));
	TRY(prctl(SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0));
	/* A bit dropped from the bounding set is not regained at execve. */
	reexec();
}

static void keepcaps(void)
{
	TRY(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
	TRY(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	TRY(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	TRY(prctl(GET_SECUREBITS, 0, 0, 0, 0));
	TRY(setresuid(1000, 1000, 1000));
	caps("keepcaps, after setresuid 1000");
	TRY(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	/* execve clears keep-caps; a non-root program keeps only ambient capabilities. */
	reexec();
}

static void no_keepcaps(void)
{
	TRY(setresuid(1000, 1000, 1000));
	caps("no keepcaps, after setresuid 1000");
}

static void ambient(void)
{
	TRY(prctl(CAP_AMBIENT, AMB_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	set_inheritable(1u << CAP_NET_BIND_SERVICE);
	TRY(prctl(CAP_AMBIENT, AMB_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_IS_SET, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_IS_SET, 64, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_IS_SET, CAP_NET_BIND_SERVICE, 1, 0));
	TRY(prctl(CAP_AMBIENT, 9, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_CLEAR_ALL, 1, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_LOWER, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_IS_SET, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_CLEAR_ALL, 0, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_IS_SET, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(CAP_AMBIENT, AMB_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	/* Keep-caps, setuid away from root (clears ambient), raise again, execve: the
	 * ambient capability is all the non-root program keeps. */
	TRY(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	TRY(setresuid(1000, 1000, 1000));
	caps("ambient, after setresuid 1000");
	TRY(prctl(CAP_AMBIENT, AMB_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	reexec();
}

static void securebits(void)
{
	TRY(prctl(SET_SECUREBITS, 0x1000, 0, 0, 0));
	TRY(prctl(SET_SECUREBITS, SECBIT_NO_CAP_AMBIENT_RAISE, 0, 0, 0));
	set_inheritable(1u << CAP_NET_BIND_SERVICE);
	TRY(prctl(CAP_AMBIENT, AMB_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	TRY(prctl(SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0));
	TRY(prctl(GET_SECUREBITS, 0, 0, 0, 0));
	TRY(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
	TRY(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	TRY(prctl(SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0));
	TRY(prctl(SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0));
}

static void no_setuid_fixup(void)
{
	TRY(prctl(SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0));
	TRY(setresuid(1000, 1000, 1000));
	caps("no-setuid-fixup, after setresuid 1000");
}

static void noroot(void)
{
	TRY(prctl(SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0));
	/* Root's execve grants nothing under SECBIT_NOROOT. */
	reexec();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "show") == 0) {
		caps("after execve");
		TRY(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
		TRY(prctl(GET_SECUREBITS, 0, 0, 0, 0));
		return 0;
	}
	caps("start");
	TRY(prctl(CAPBSET_READ, 0, 0, 0, 0));
	TRY(prctl(CAPBSET_READ, 40, 0, 0, 0));
	TRY(prctl(CAPBSET_READ, 64, 0, 0, 0));
	TRY(prctl(CAPBSET_READ, -1L, 0, 0, 0));
	TRY(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	TRY(prctl(GET_SECUREBITS, 0, 0, 0, 0));
	in_child("bounding set", bounding);
	in_child("keep-caps", keepcaps);
	in_child("no keep-caps", no_keepcaps);
	in_child("ambient", ambient);
	in_child("security bits", securebits);
	in_child("no setuid fix-up", no_setuid_fixup);
	in_child("noroot", noroot);
	return 0;
}
