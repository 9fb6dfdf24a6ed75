/* Pseudo-terminals: /dev/ptmx, grantpt/unlockpt/ptsname, the slave's node,
 * the default termios, a child that makes the slave its controlling terminal
 * (setsid + open), the line discipline seen from the master (echo with
 * \r\n, erase, kill, EOF, ^C sending SIGINT to the foreground group, echo
 * off, raw mode), window size changes with SIGWINCH, job control (a
 * background reader stopped by SIGTTIN), /dev/tty, and the hangup when the
 * master closes. The child reports only through the terminal; the parent
 * prints what the master reads, escaped. */
#include "proc.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

static int master;

/* Reads from the master until the text read ends with `until` (or 5 s pass), prints it. */
static void expect(const char *label, const char *until)
{
	char buf[4096];
	size_t n = 0, want = strlen(until);
	while (n < sizeof buf - 1) {
		struct pollfd p = { master, POLLIN, 0 };
		if (poll(&p, 1, 5000) <= 0) {
			printf("%s: timed out\n", label);
			break;
		}
		ssize_t r = read(master, buf + n, sizeof buf - 1 - n);
		if (r <= 0) {
			printf("%s: read %zd %s\n", label, r, r < 0 ? errname(errno) : "");
			break;
		}
		n += r;
		if (n >= want && memcmp(buf + n - want, until, want) == 0)
			break;
	}
	printf("%s: \"", label);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = buf[i];
		if (c == '\r') printf("\\r");
		else if (c == '\n') printf("\\n");
		else if (c == '\b') printf("\\b");
		else if (c < 32 || c >= 127) printf("\\x%02x", c);
		else putchar(c);
	}
	printf("\"\n");
	flush();
}

static void put(const char *s) { write(master, s, strlen(s)); }

static int slave;
static void say(const char *s) { write(slave, s, strlen(s)); }

static void on_int(int sig) { (void)sig; say("got SIGINT\n"); }
static void on_winch(int sig)
{
	(void)sig;
	struct winsize ws;
	char b[64];
	ioctl(slave, TIOCGWINSZ, &ws);
	snprintf(b, sizeof b, "SIGWINCH %dx%d\n", ws.ws_row, ws.ws_col);
	say(b);
}

/* Reads one line from the slave, retrying after signals; reports it. */
static void read_line(void)
{
	char b[256], out[300];
	ssize_t r;
	do
		r = read(slave, b, sizeof b - 1);
	while (r < 0 && errno == EINTR);
	if (r < 0) snprintf(out, sizeof out, "read: -1 %s\n", errname(errno));
	else if (r == 0) snprintf(out, sizeof out, "read: eof\n");
	else {
		b[r] = 0;
		if (r > 0 && b[r - 1] == '\n') b[--r] = 0;
		snprintf(out, sizeof out, "line %zd [%s]\n", r, b);
	}
	say(out);
}

static void child(const char *name)
{
	char b[256];
	close(master); /* the parent's: the master must go away when the parent closes it */
	setsid();
	slave = open(name, O_RDWR); /* a session leader without a terminal: it becomes ours */
	if (slave < 0) _exit(10);
	snprintf(b, sizeof b, "ctty: pgrp is ours %d, sid is ours %d\n", tcgetpgrp(slave) == getpgrp(),
		 tcgetsid(slave) == getsid(0));
	say(b);
	int tty = open("/dev/tty", O_RDWR);
	snprintf(b, sizeof b, "/dev/tty: %s\n", tty >= 0 ? "opened" : errname(errno));
	say(b);
	/* ttyname() reads /proc/self/fd and checks the node's device and inode. */
	char tn[64] = "(none)", tt[64] = "(none)";
	ttyname_r(slave, tn, sizeof tn);
	if (tty >= 0) ttyname_r(tty, tt, sizeof tt);
	snprintf(b, sizeof b, "ttyname: %s, /dev/tty's: %s, isatty %d\n", tn, tt, isatty(slave));
	say(b);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_int; /* no SA_RESTART: a blocked read gives EINTR */
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	say("ready\n");
	read_line(); /* hello */
	read_line(); /* erase */
	read_line(); /* kill */
	read_line(); /* werase */
	read_line(); /* eof */
	read_line(); /* after ^C */
	read_line(); /* after SIGWINCH */

	struct termios t;
	tcgetattr(slave, &t);
	t.c_lflag &= ~ECHO;
	tcsetattr(slave, TCSANOW, &t);
	say("echo off\n");
	read_line();

	t.c_lflag &= ~ICANON;
	t.c_cc[VMIN] = 3;
	t.c_cc[VTIME] = 0;
	tcsetattr(slave, TCSANOW, &t);
	say("raw\n");
	ssize_t r = read(slave, b, 3);
	char out[64];
	snprintf(out, sizeof out, "raw read %zd [%.*s]\n", r, (int)(r > 0 ? r : 0), b);
	say(out);
	t.c_oflag &= ~OPOST;
	tcsetattr(slave, TCSANOW, &t);
	say("no opost\n");

	/* A background process group reading its terminal is stopped by SIGTTIN. */
	pid_t bg = fork();
	if (bg == 0) {
		setpgid(0, 0);
		read(slave, b, 1);
		_exit(0);
	}
	setpgid(bg, bg);
	int st;
	waitpid(bg, &st, WUNTRACED);
	snprintf(out, sizeof out, "background reader: %s\n", wstatus(st));
	say(out);
	kill(bg, SIGKILL);
	waitpid(bg, &st, 0);
	say("waiting for hangup\n");
	for (;;)
		pause();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* what was printed survives a hang */
	alarm(60);
	/* Natively pid 1 belongs to the session it was started in (maybe with a terminal); a new
	 * session has none. In the sandbox pid 1 already leads a session without a terminal. */
	setsid();
	int fd = open("/dev/tty", O_RDWR);
	printf("/dev/tty without a controlling terminal: %d %s\n", fd, fd < 0 ? errname(errno) : "");

	struct stat st;
	check("stat /dev/ptmx", stat("/dev/ptmx", &st));
	printf("/dev/ptmx: chr %d, %u:%u, mode %o\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev),
	       st.st_mode & 07777);

	master = posix_openpt(O_RDWR | O_NOCTTY);
	check("posix_openpt", master);
	fstat(master, &st);
	printf("master fstat: %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
	int n = -1, lock = -1;
	checkval("TIOCGPTN", ioctl(master, TIOCGPTN, &n) < 0 ? -1 : n);
	checkval("TIOCGPTLCK", ioctl(master, TIOCGPTLCK, &lock) < 0 ? -1 : lock);
	const char *name = ptsname(master);
	printf("ptsname: %s\n", name ? name : "(null)");
	check("open slave while locked", open(name, O_RDWR | O_NOCTTY));
	check("grantpt", grantpt(master));
	check("unlockpt", unlockpt(master));
	checkval("TIOCGPTLCK", ioctl(master, TIOCGPTLCK, &lock) < 0 ? -1 : lock);
	check("stat slave", stat(name, &st));
	printf("slave: chr %d, %u:%u, mode %o, gid %d\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev),
	       st.st_mode & 07777, (int)st.st_gid);
	check("TIOCGPTN on a pipe", ioctl(0, TIOCGPTN, &n));

	struct termios t;
	check("tcgetattr master", tcgetattr(master, &t));
	printf("termios: iflag %o oflag %o cflag %o lflag %o\n", t.c_iflag, t.c_oflag, t.c_cflag & ~CBAUD, t.c_lflag);
	printf("cc: intr %d quit %d erase %d kill %d eof %d time %d min %d susp %d\n", t.c_cc[VINTR], t.c_cc[VQUIT],
	       t.c_cc[VERASE], t.c_cc[VKILL], t.c_cc[VEOF], t.c_cc[VTIME], t.c_cc[VMIN], t.c_cc[VSUSP]);
	struct winsize ws = { 0 };
	check("TIOCGWINSZ", ioctl(master, TIOCGWINSZ, &ws));
	printf("winsize %dx%d\n", ws.ws_row, ws.ws_col);
	check("TIOCGPGRP on the master (no session yet)", ioctl(master, TIOCGPGRP, &n));
	printf("pgrp %d\n", n);
	check("TIOCGSID on the master (no session yet)", ioctl(master, TIOCGSID, &n));
	flush();

	pid_t pid = xfork();
	if (pid == 0)
		child(name);
	expect("child", "ready\r\n");
	pid_t fg = -1;
	ioctl(master, TIOCGPGRP, &fg);
	fact("foreground group is the child's", fg == pid);

	put("hello\n");
	expect("hello", "]\r\n");
	put("abx\x7f" "c\n");
	expect("erase", "]\r\n");
	put("junk\x15ok\n");
	expect("kill", "]\r\n");
	put("one two\x17three\n");
	expect("werase", "]\r\n");
	put("\x04");
	expect("eof", "eof\r\n");
	put("\x03");
	expect("^C", "got SIGINT\r\n");
	put("after\n");
	expect("after ^C", "]\r\n");
	ws.ws_row = 24;
	ws.ws_col = 80;
	check("TIOCSWINSZ", ioctl(master, TIOCSWINSZ, &ws));
	expect("winch", "80\r\n");
	put("x\n");
	expect("after winch, echo off", "echo off\r\n");
	put("secret\n");
	expect("no echo, then raw mode", "raw\r\n");
	put("xy");
	usleep(100000);
	put("z");
	expect("raw read, OPOST off, job control", "hangup\n");
	close(master);
	int s = xwait(pid);
	printf("child: %s\n", wstatus(s));
	return 0;
}
