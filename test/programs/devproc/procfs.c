/* /proc: the process's own entries checked against what the system calls say
 * (stat's 52 fields, statm, status's field list and values, cmdline,
 * environ, comm, maps and smaps formats, fd, fdinfo, exe, cwd, root, task,
 * limits, mounts and mountinfo formats), a zombie's and a reaped process's
 * entries, the system files' formats (uptime, loadavg, stat, meminfo,
 * version, filesystems, cpuinfo), /proc/sys, /sys/devices/system/cpu, and the
 * errors of writes. Numbers that differ by nature (pids, addresses, memory
 * sizes, times, CPU counts) are compared with their syscall counterparts or
 * reduced to their shape, never printed. */
#include "proc.h"
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <sys/auxv.h>

extern char **environ;

/* Reads a whole file (up to 64 KiB) into a static buffer; returns its length or -errno. */
static char text[65536];
static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) return -errno;
	long n = 0;
	for (;;) {
		ssize_t r = read(fd, text + n, sizeof text - 1 - n);
		if (r < 0) { int e = errno; close(fd); return -e; }
		if (r == 0) break;
		n += r;
	}
	close(fd);
	text[n] = 0;
	return n;
}

static void show_err(const char *what, long r)
{
	if (r < 0) printf("%s: -1 %s\n", what, errname((int)-r));
	else printf("%s: %ld bytes\n", what, r);
}

/* Splits /proc/PID/stat after the comm's closing parenthesis into fields 3..52. */
static int stat_fields(char *s, char **comm, char *f[64])
{
	char *open = strchr(s, '('), *close = strrchr(s, ')');
	if (!open || !close) return -1;
	*close = 0;
	*comm = open + 1;
	int n = 2;
	for (char *p = strtok(close + 2, " \n"); p && n < 63; p = strtok(NULL, " \n")) f[++n] = p;
	return n;
}

static const char *field(const char *body, const char *name)
{
	static char vals[4][256];
	static int next;
	char *val = vals[next++ & 3];
	char key[64];
	snprintf(key, sizeof key, "\n%s:", name);
	const char *p = strstr(body, key);
	if (!p && strncmp(body, key + 1, strlen(key + 1)) == 0) p = body - 1;
	if (!p) return "(missing)";
	p += strlen(key);
	while (*p == '\t' || *p == ' ') p++;
	size_t n = strcspn(p, "\n");
	if (n >= sizeof vals[0]) n = sizeof vals[0] - 1;
	memcpy(val, p, n);
	val[n] = 0;
	return val;
}

static void on_hup(int sig) { (void)sig; }

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;) pause();
	return NULL;
}

static void self_stat(void)
{
	char *comm, *f[64];
	long n = slurp("/proc/self/stat");
	int count = stat_fields(text, &comm, f);
	printf("stat: fields %d, comm %s, state %s\n", count, comm, f[3]);
	fact("stat: pid/ppid/pgrp/session agree", atol(text) == getpid() && atol(f[4]) == getppid() &&
	     atol(f[5]) == getpgrp() && atol(f[6]) == getsid(0));
	printf("stat: tty_nr %s tpgid %s num_threads %s exit_signal %s last %s\n", f[7], f[8], f[20], f[38], f[52]);
	/* (rss may read 0 natively: Linux batches its RSS counters per CPU.) */
	fact("stat: vsize is positive, rss a number", atol(f[23]) > 0 && isdigit((unsigned char)f[24][0]));
	fact("stat: start_code < end_code <= start_data <= end_data", strtoul(f[26], 0, 10) < strtoul(f[27], 0, 10) &&
	     strtoul(f[45], 0, 10) <= strtoul(f[46], 0, 10));
	fact("stat: arg_start < arg_end <= env_start < env_end", strtoul(f[48], 0, 10) < strtoul(f[49], 0, 10) &&
	     strtoul(f[49], 0, 10) <= strtoul(f[50], 0, 10) && strtoul(f[50], 0, 10) < strtoul(f[51], 0, 10));
	(void)n;
}

static void self_status(void)
{
	slurp("/proc/self/status");
	/* The field names, in order. */
	printf("status fields:");
	for (char *p = text; *p;) {
		char *colon = strchr(p, ':');
		if (!colon) break;
		printf(" %.*s", (int)(colon - p), p);
		p = strchr(colon, '\n');
		if (!p) break;
		p++;
	}
	printf("\n");
	printf("status: Name %s, Umask %s, State %s, Threads %s\n", field(text, "Name"), field(text, "Umask"),
	       field(text, "State"), field(text, "Threads"));
	char want[64];
	snprintf(want, sizeof want, "%d", getpid());
	fact("status: Tgid and Pid are getpid()", strcmp(field(text, "Tgid"), want) == 0 && strcmp(field(text, "Pid"), want) == 0);
	snprintf(want, sizeof want, "%d\t%d\t%d\t%d", getuid(), geteuid(), getuid(), getuid());
	fact("status: Uid", strcmp(field(text, "Uid"), want) == 0);
	printf("status: SigBlk %s SigIgn %s SigCgt %s\n", field(text, "SigBlk"), field(text, "SigIgn"), field(text, "SigCgt"));
	printf("status: NoNewPrivs %s Seccomp %s\n", field(text, "NoNewPrivs"), field(text, "Seccomp"));
	const char *rss = strstr(text, "\nVmRSS:\t");
	/* "\nVmRSS:\t", the value right-aligned in 8 columns, " kB". */
	fact("status: VmRSS is \"%8lu kB\"", rss && isdigit((unsigned char)rss[15]) && strncmp(rss + 16, " kB\n", 4) == 0);
}

static void self_statm(void)
{
	slurp("/proc/self/statm");
	long v[8];
	int n = sscanf(text, "%ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
	printf("statm: %d fields, resident <= size %d, lib %ld, dt %ld\n", n, v[1] <= v[0], v[4], v[6]);
}

static void maps(void)
{
	slurp("/proc/self/maps");
	int lines = 0, good = 0, heap = 0, stack = 0, vdso = 0, vvar = 0, exe = 0, vsyscall = 0;
	char self[256];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	self[sl > 0 ? sl : 0] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		lines++;
		unsigned long a, b, off, ino;
		unsigned maj, min;
		char perms[8];
		int pos = 0;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &a, &b, perms, &off, &maj, &min, &ino, &pos) >= 7 &&
		    a < b && (perms[3] == 'p' || perms[3] == 's')) {
			size_t len = strlen(line);
			/* A name starts at column 73 (or right after the prefix when it is longer). */
			if (len == (size_t)pos || (len > 73 && (pos <= 73 ? line[72] == ' ' && line[73] != ' ' : 1)))
				good++;
		}
		const char *name = strchr(line, '/') ? strchr(line, '/') : strchr(line, '[');
		if (!name) continue;
		heap += strcmp(name, "[heap]") == 0;
		stack += strcmp(name, "[stack]") == 0;
		vdso += strcmp(name, "[vdso]") == 0;
		vvar += strcmp(name, "[vvar]") == 0;
		vsyscall += strcmp(name, "[vsyscall]") == 0;
		exe += strcmp(name, self) == 0;
	}
	fact("maps: every line well-formed", lines > 0 && good == lines);
	printf("maps: [heap] %d [stack] %d [vdso] %d [vvar] %d [vsyscall] %d, the program mapped %d\n", heap, stack, vdso,
	       vvar, vsyscall, exe > 0);
}

static void smaps(void)
{
	slurp("/proc/self/smaps");
	/* The keys of the first area, in order. */
	char *p = strchr(text, '\n');
	printf("smaps keys:");
	/* Up to the next area's line (hex digits then '-'). */
	while (p && p[1] && p[1 + strspn(p + 1, "0123456789abcdef")] != '-') {
		char *colon = strchr(p + 1, ':');
		if (!colon) break;
		printf(" %.*s", (int)(colon - p - 1), p + 1);
		p = strchr(colon, '\n');
	}
	printf("\n");
	fact("smaps: Size line format", strstr(text, "\nSize:           ") != NULL && strstr(text, " kB\nKernelPageSize:        4 kB\n") != NULL);
}

static void cmdline_environ(int argc, char **argv)
{
	long n = slurp("/proc/self/cmdline");
	long want = 0;
	for (int i = 0; i < argc; i++) want += strlen(argv[i]) + 1;
	fact("cmdline: argv with NULs", n == want && memcmp(text, argv[0], strlen(argv[0]) + 1) == 0);
	n = slurp("/proc/self/environ");
	want = 0;
	for (char **e = environ; *e; e++) want += strlen(*e) + 1;
	fact("environ: the environment with NULs", n == want && strcmp(text, environ[0]) == 0);
	/* Read into a buffer that straddles a page boundary: the process reads its own memory
	 * while its read lands in it. */
	char *pages = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *dst = pages + 4096 - 10;
	int fd = open("/proc/self/environ", O_RDONLY);
	long got = read(fd, dst, 8000);
	close(fd);
	fact("environ read across a page boundary", got == n && memcmp(dst, text, n) == 0);
	munmap(pages, 3 * 4096);
}

static void auxv(void)
{
	long n = slurp("/proc/self/auxv");
	unsigned long *v = (unsigned long *)text;
	long pairs = n / 16, pagesz = -1, entry = 0, random = 0;
	for (long i = 0; i < pairs; i++) {
		if (v[2 * i] == AT_PAGESZ) pagesz = v[2 * i + 1];
		if (v[2 * i] == AT_ENTRY) entry = v[2 * i + 1] == getauxval(AT_ENTRY);
		if (v[2 * i] == AT_RANDOM) random = v[2 * i + 1] == getauxval(AT_RANDOM);
	}
	printf("auxv: whole pairs %d, ends with AT_NULL %d, AT_PAGESZ %ld, AT_ENTRY %ld, AT_RANDOM %ld\n", n % 16 == 0,
	       pairs > 0 && v[2 * pairs - 2] == AT_NULL, pagesz, entry, random);
}

static void comm(void)
{
	slurp("/proc/self/comm");
	printf("comm: %s", text);
	int fd = open("/proc/self/comm", O_WRONLY);
	write(fd, "renamed-process-long", 20);
	close(fd);
	slurp("/proc/self/comm");
	char name[32] = { 0 };
	prctl(PR_GET_NAME, name);
	printf("comm after write: %s", text);
	printf("PR_GET_NAME: %s\n", name);
	prctl(PR_SET_NAME, "procfs");
}

static void fds(void)
{
	char buf[256];
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ssize_t n = readlink("/proc/self/fd/3", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("fd 3 -> %s\n", buf);
	int p[2];
	pipe(p);
	snprintf(buf, sizeof buf, "/proc/self/fd/%d", p[0]);
	char target[64];
	n = readlink(buf, target, sizeof target - 1);
	target[n > 0 ? n : 0] = 0;
	printf("pipe fd -> %.6s...]\n", target);
	struct stat st;
	lstat(buf, &st);
	printf("pipe fd link mode %o\n", st.st_mode & 0777);
	snprintf(buf, sizeof buf, "/proc/self/fd/%d", p[1]);
	lstat(buf, &st);
	printf("pipe write fd link mode %o\n", st.st_mode & 0777);
	int f = open("/proc/self/stat", O_RDONLY);
	lseek(f, 5, SEEK_SET);
	snprintf(buf, sizeof buf, "/proc/self/fdinfo/%d", f);
	slurp(buf);
	printf("fdinfo: pos %s flags %s", field(text, "pos"), field(text, "flags"));
	printf(" keys %s\n", strstr(text, "mnt_id:\t") && strstr(text, "\nino:\t") ? "pos flags mnt_id ino" : "?");
	slurp("/proc/self/fdinfo/3");
	printf("fdinfo of /dev/null (O_RDWR|O_CLOEXEC): flags %s\n", field(text, "flags"));
	/* The listing names every open fd (natively more may be inherited: only ours are checked). */
	DIR *d = opendir("/proc/self/fd");
	int seen = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		int n = atoi(e->d_name);
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && (n == fd || n == p[0] || n == p[1] || n == f || n == dirfd(d)))
			seen++;
	}
	closedir(d);
	printf("fd dir lists our fds and the listing's own: %d of 5\n", seen);
	close(f);
	close(p[0]);
	close(p[1]);
	close(fd);
	check("readlink of a closed fd", readlink("/proc/self/fd/9", buf, sizeof buf));
	check("open /proc/self/fd/9", open("/proc/self/fd/9", O_RDONLY));
}

static void links(void)
{
	char buf[256], want[64];
	ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof want, "%d", getpid());
	fact("/proc/self is our pid", strcmp(buf, want) == 0);
	n = readlink("/proc/thread-self", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof want, "%d/task/%d", getpid(), getpid());
	fact("/proc/thread-self is pid/task/tid", strcmp(buf, want) == 0);
	chdir("/tmp");
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("cwd -> %s\n", buf);
	chdir("/");
	n = readlink("/proc/self/root", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("root -> %s\n", buf);
	struct stat a, b;
	stat("/proc/self/exe", &a);
	stat("/proc/self/exe", &b);
	fact("exe opens the program", S_ISREG(a.st_mode));
}

static void tasks(void)
{
	pthread_t th;
	pthread_create(&th, NULL, idle_thread, NULL);
	usleep(20000);
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) if (e->d_name[0] != '.') n++;
	closedir(d);
	printf("task entries with a second thread: %d\n", n);
	char *comm, *f[64];
	slurp("/proc/self/stat");
	stat_fields(text, &comm, f);
	printf("num_threads %s\n", f[20]);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", getpid());
	fact("task/<tid>/stat readable", slurp(path) > 0);
	slurp("/proc/self/status");
	printf("status Threads %s\n", field(text, "Threads"));
}

static void dead_and_zombie(void)
{
	pid_t c = xfork();
	if (c == 0) _exit(7);
	char path[64], buf[64];
	siginfo_t si;
	waitid(P_PID, c, &si, WEXITED | WNOWAIT); /* a zombie now, not reaped */
	snprintf(path, sizeof path, "/proc/%d/stat", c);
	char *comm, *f[64];
	slurp(path);
	stat_fields(text, &comm, f);
	printf("zombie: comm %s state %s exit_code %s\n", comm, f[3], f[52]);
	snprintf(path, sizeof path, "/proc/%d/cmdline", c);
	show_err("zombie cmdline", slurp(path));
	snprintf(path, sizeof path, "/proc/%d/maps", c);
	show_err("zombie maps", slurp(path));
	snprintf(path, sizeof path, "/proc/%d/status", c);
	slurp(path);
	printf("zombie status: State %s, VmRSS %s\n", field(text, "State"), field(text, "VmRSS"));
	snprintf(path, sizeof path, "/proc/%d/exe", c);
	check("zombie exe readlink", readlink(path, buf, sizeof buf));
	snprintf(path, sizeof path, "/proc/%d/stat", c);
	int fd = open(path, O_RDONLY);
	xwait(c);
	ssize_t r = read(fd, buf, sizeof buf);
	printf("read after reaping: %zd %s\n", r, r < 0 ? errname(errno) : "");
	close(fd);
	show_err("open after reaping", slurp(path));
	snprintf(path, sizeof path, "/proc/%d", c);
	struct stat st;
	check("stat /proc/<reaped>", stat(path, &st));
}

static void limits(void)
{
	slurp("/proc/self/limits");
	char *nl = strchr(text, '\n');
	printf("limits header: [%.*s]\n", (int)(nl - text), text);
	char *p = strstr(text, "Max open files");
	nl = strchr(p, '\n');
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	char want[128];
	snprintf(want, sizeof want, "Max open files            %-21lu%-21lu%-10s", rl.rlim_cur, rl.rlim_max, "files");
	fact("limits: Max open files matches getrlimit", strncmp(p, want, nl - p) == 0 && (size_t)(nl - p) == strlen(want));
	int lines = 0;
	for (char *q = text; (q = strchr(q, '\n')); q++) lines++;
	printf("limits lines: %d\n", lines);
}

static void mounts(void)
{
	slurp("/proc/self/mounts");
	int lines = 0, good = 0, proc = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char a[256], b[256], c[64], d[256];
		int x, y;
		lines++;
		if (sscanf(line, "%255s %255s %63s %255s %d %d", a, b, c, d, &x, &y) == 6 && x == 0 && y == 0) good++;
		if (strcmp(b, "/proc") == 0 && strcmp(c, "proc") == 0) proc++;
	}
	fact("mounts: six fields a line", lines > 0 && good == lines);
	fact("mounts: /proc is proc", proc == 1);
	slurp("/proc/self/mountinfo");
	lines = good = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int id, parent, maj, min;
		char root[256], mp[256];
		lines++;
		if (sscanf(line, "%d %d %d:%d %255s %255s", &id, &parent, &maj, &min, root, mp) == 6 && strstr(line, " - "))
			good++;
	}
	fact("mountinfo: well-formed", lines > 0 && good == lines);
	show_err("/proc/mounts", slurp("/proc/mounts") > 0 ? 1 : -EIO);
}

static void system_files(void)
{
	double a, b;
	char x[8];
	slurp("/proc/uptime");
	fact("uptime: two numbers", sscanf(text, "%lf %lf%1s", &a, &b, x) == 2 && strchr(text, '.')[3] == ' ');
	slurp("/proc/loadavg");
	int r, t, last;
	double l1, l2, l3;
	fact("loadavg: format", sscanf(text, "%lf %lf %lf %d/%d %d", &l1, &l2, &l3, &r, &t, &last) == 6 && r >= 1 && t >= r);
	slurp("/proc/stat");
	printf("stat lines:");
	int cpus = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char key[32];
		sscanf(line, "%31s", key);
		if (strncmp(key, "cpu", 3) == 0 && key[3]) { cpus++; continue; }
		printf(" %s", key);
	}
	printf("; per-cpu lines: %s\n", cpus > 0 ? "some" : "none");
	slurp("/proc/meminfo");
	printf("meminfo keys:");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) printf(" %.*s", (int)(strchr(line, ':') - line), line);
	printf("\n");
	slurp("/proc/version");
	fact("version: \"Linux version <release> \"", strncmp(text, "Linux version ", 14) == 0);
	struct utsname u;
	uname(&u);
	fact("version names uname's release", strncmp(text + 14, u.release, strlen(u.release)) == 0);
	slurp("/proc/filesystems");
	fact("filesystems: nodev proc, tmpfs, devpts, sysfs", strstr(text, "nodev\tproc\n") && strstr(text, "nodev\ttmpfs\n") &&
	     strstr(text, "nodev\tdevpts\n") && strstr(text, "nodev\tsysfs\n"));
	slurp("/proc/cpuinfo");
	fact("cpuinfo: processor 0 first", strncmp(text, "processor\t: 0\n", 14) == 0);
	fact("cpuinfo: has flags and model name", strstr(text, "\nflags\t\t: ") && strstr(text, "\nmodel name\t: "));
}

static void sys(void)
{
	struct utsname u;
	uname(&u);
	slurp("/proc/sys/kernel/ostype");
	printf("ostype: %s", text);
	slurp("/proc/sys/kernel/osrelease");
	fact("osrelease is uname's release", strncmp(text, u.release, strlen(u.release)) == 0 && text[strlen(u.release)] == '\n');
	slurp("/proc/sys/kernel/hostname");
	fact("hostname is uname's nodename", strncmp(text, u.nodename, strlen(u.nodename)) == 0);
	slurp("/proc/sys/kernel/ngroups_max");
	printf("ngroups_max: %s", text);
	slurp("/proc/sys/fs/nr_open");
	printf("nr_open: %s", text);
	slurp("/proc/sys/kernel/pid_max");
	fact("pid_max: a number", atol(text) >= 32768);
	slurp("/proc/sys/fs/file-max");
	fact("file-max: a number", atol(text) > 0);
	slurp("/proc/sys/vm/overcommit_memory");
	fact("overcommit_memory: 0, 1 or 2", text[0] >= '0' && text[0] <= '2' && text[1] == '\n');
	char one[64], two[64];
	slurp("/proc/sys/kernel/random/boot_id");
	strcpy(one, text);
	slurp("/proc/sys/kernel/random/boot_id");
	strcpy(two, text);
	fact("boot_id: a UUID, the same twice", strlen(one) == 37 && one[8] == '-' && one[14] == '4' && strcmp(one, two) == 0);
	slurp("/proc/sys/kernel/random/uuid");
	strcpy(one, text);
	slurp("/proc/sys/kernel/random/uuid");
	fact("uuid: a new UUID each read", strlen(one) == 37 && one[14] == '4' && strcmp(one, text) != 0);
	slurp("/sys/devices/system/cpu/online");
	fact("/sys/devices/system/cpu/online: a CPU list", text[0] == '0' && (text[1] == '\n' || text[1] == '-'));
	slurp("/sys/devices/system/cpu/possible");
	fact("possible: a CPU list", text[0] == '0');
	struct stat st;
	stat("/sys/devices/system/cpu/online", &st);
	printf("sysfs attribute: size %ld mode %o\n", (long)st.st_size, st.st_mode & 07777);
}

static void write_errors(void)
{
	int fd = open("/proc/sys/kernel/ostype", O_WRONLY);
	printf("open /proc/sys/kernel/ostype for writing: %d %s\n", fd < 0 ? -1 : 0, fd < 0 ? errname(errno) : "");
	fd = open("/proc/version", O_WRONLY);
	printf("open /proc/version for writing: %s\n", fd < 0 ? errname(errno) : "ok");
	if (fd >= 0) check("write /proc/version", write(fd, "x", 1));
	close(fd);
	fd = open("/proc/self/stat", O_WRONLY);
	if (fd >= 0) check("write /proc/self/stat", write(fd, "x", 1));
	close(fd);
	check("chmod /proc/self/stat", chmod("/proc/self/stat", 0600));
	check("mkdir in /proc", mkdir("/proc/newdir", 0755));
	check("unlink /proc/version", unlink("/proc/version"));
	check("open /proc/99999/stat", open("/proc/99999/stat", O_RDONLY));
	check("open /proc/self/nonexistent", open("/proc/self/nonexistent", O_RDONLY));
}

int main(int argc, char **argv)
{
	setsid(); /* natively pid 1 may belong to a session with a terminal; this one has none */
	umask(027);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGHUP, on_hup);
	void *heap = malloc(100);
	(void)heap;
	self_stat();
	self_statm();
	self_status();
	cmdline_environ(argc, argv);
	auxv();
	comm();
	maps();
	smaps();
	fds();
	links();
	limits();
	mounts();
	system_files();
	sys();
	write_errors();
	dead_and_zombie();
	tasks();
	flush();
	return 0;
}
