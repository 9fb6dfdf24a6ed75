/* Identity changes: setuid/setgid family, setgroups, setfsuid, and the
 * capability fix-ups Linux makes when the ids leave or reach 0 (capget).
 * Capability masks are printed for the bits both kernels have (CAP_CHOWN,
 * CAP_DAC_OVERRIDE, CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_NET_BIND_SERVICE). */
#include "proc.h"
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* linux/capability.h's ABI, spelled out (musl has no kernel headers). */
struct __user_cap_header_struct { unsigned version; int pid; };
struct __user_cap_data_struct { unsigned effective, permitted, inheritable; };
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
enum { CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_KILL = 5, CAP_SETGID = 6, CAP_SETUID = 7, CAP_NET_BIND_SERVICE = 10 };

#define SHOWN ((1u << CAP_CHOWN) | (1u << CAP_DAC_OVERRIDE) | (1u << CAP_KILL) | (1u << CAP_SETGID) | \
	       (1u << CAP_SETUID) | (1u << CAP_NET_BIND_SERVICE))

static void caps(const char *what)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) < 0) { printf("%s: capget %s\n", what, errname(errno)); return; }
	printf("%s: eff %#x prm %#x inh %#x\n", what, d[0].effective & SHOWN, d[0].permitted & SHOWN,
	       d[0].inheritable & SHOWN);
}

static void ids(const char *what)
{
	uid_t r, e, s; gid_t gr, ge, gs;
	getresuid(&r, &e, &s); getresgid(&gr, &ge, &gs);
	printf("%s: uid %u/%u/%u gid %u/%u/%u fsuid %d\n", what, r, e, s, gr, ge, gs, setfsuid(-1));
}

#define TRY(x) do { errno = 0; long _r = (x); printf("%-40s = %ld %s\n", #x, _r, _r < 0 ? errname(errno) : ""); } while (0)

int main(int argc, char **argv)
{
	struct __user_cap_header_struct h = { 0x12345678, 0 };
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		ids("after exec");
		caps("after exec");
		return 0;
	}
	ids("start");
	caps("start");
	TRY(syscall(SYS_capget, &h, NULL));
	printf("header version after bad capget: %#x\n", h.version);
	h.version = 0x12345678;
	struct __user_cap_data_struct d[2];
	TRY(syscall(SYS_capget, &h, d));
	h.version = _LINUX_CAPABILITY_VERSION_3; h.pid = -5;
	TRY(syscall(SYS_capget, &h, d));
	h.pid = 0;
	TRY(syscall(SYS_capget, &h, (void *)8));

	gid_t gl[] = { 30, 10, 20 };
	TRY(setgroups(3, gl));
	gid_t got[8];
	int n = getgroups(8, got);
	printf("groups (%d):", n);
	for (int i = 0; i < n; i++) printf(" %u", got[i]);
	printf("\n");
	TRY(setgroups(-1, gl));
	TRY(setgroups(70000, gl));
	TRY(syscall(SYS_setgroups, 2, (gid_t *)8));

	/* capset: drop CAP_KILL from effective only, then raise it again (it is still permitted). */
	h.version = _LINUX_CAPABILITY_VERSION_3; h.pid = 0;
	memset(d, 0, sizeof d);
	syscall(SYS_capget, &h, d);
	d[0].effective &= ~(1u << CAP_KILL);
	TRY(syscall(SYS_capset, &h, d));
	caps("effective without CAP_KILL");
	d[0].effective |= 1u << CAP_KILL;
	TRY(syscall(SYS_capset, &h, d));
	h.pid = 999;
	TRY(syscall(SYS_capset, &h, d));
	h.pid = 0;

	pid_t p = fork();
	if (p == 0) {
		/* A permitted set without CAP_KILL cannot get it back. */
		struct __user_cap_data_struct e[2];
		memset(e, 0, sizeof e);
		syscall(SYS_capget, &h, e);
		e[0].effective &= ~(1u << CAP_KILL);
		e[0].permitted &= ~(1u << CAP_KILL);
		TRY(syscall(SYS_capset, &h, e));
		e[0].permitted |= 1u << CAP_KILL;
		TRY(syscall(SYS_capset, &h, e));
		caps("permitted without CAP_KILL");
		_exit(0);
	}
	waitpid(p, NULL, 0);

	p = fork();
	if (p == 0) {
		TRY(setresuid(1000, 1000, 0));
		ids("setresuid(1000,1000,0)");
		caps("euid 1000, suid 0");
		TRY(seteuid(0));
		caps("euid 0 again");
		TRY(setuid(1000));
		ids("setuid(1000)");
		caps("after setuid(1000)");
		TRY(setuid(0));
		TRY(setgid(5));
		TRY(setgroups(0, NULL));
		TRY(setreuid(-1, 0));
		TRY(setfsuid(0));
		ids("after failures");
		_exit(0);
	}
	waitpid(p, NULL, 0);

	p = fork();
	if (p == 0) {
		TRY(setfsuid(1234));
		caps("fsuid 1234");
		TRY(setfsuid(0));
		caps("fsuid 0");
		TRY(setreuid(1000, 2000));
		ids("setreuid(1000,2000)");
		TRY(setreuid(2000, -1));
		ids("setreuid(2000,-1)");
		TRY(setregid(7, 8));
		TRY(setresgid(1, 2, 3));
		ids("end");
		_exit(0);
	}
	waitpid(p, NULL, 0);

	/* execve recomputes the sets: root gets them all back, others keep none. */
	p = fork();
	if (p == 0) {
		struct __user_cap_data_struct e[2];
		memset(e, 0, sizeof e);
		syscall(SYS_capget, &h, e);
		e[0].effective &= ~(1u << CAP_KILL);
		syscall(SYS_capset, &h, e);
		caps("root before exec");
		execl(argv[0], argv[0], "exec", (char *)NULL);
		_exit(99);
	}
	waitpid(p, NULL, 0);
	p = fork();
	if (p == 0) {
		TRY(setresuid(1000, 1000, 0));
		execl(argv[0], argv[0], "exec", (char *)NULL);
		_exit(99);
	}
	waitpid(p, NULL, 0);
	TRY(syscall(SYS_setuid, -1));
	TRY(syscall(SYS_setgid, -1));
	return 0;
}
