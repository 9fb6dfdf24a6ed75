/* Controlling terminals, sessions and job control on a pseudo-terminal:
 * O_NOCTTY, TIOCSCTTY's rules, tcgetpgrp/tcgetsid on a terminal that is not
 * ours, TIOCSPGRP's errors, a background writer under TOSTOP stopped by
 * SIGTTOU and continued in the foreground, tcsetpgrp from the background
 * with SIGTTOU blocked, an orphaned group's read (EIO), TIOCNOTTY by the
 * session leader (SIGHUP to the foreground group, the terminal gone);
 * TIOCGPTPEER; master reads once the slaves are closed (EIO, POLLHUP); the
 * slave after the master closes (end of file, EIO, hung-up poll, the node
 * gone). */
#include "proc.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

static volatile sig_atomic_t hups, conts;
static void on_hup(int s) { (void)s; hups++; }
static void on_cont(int s) { (void)s; conts++; }

static void session_leader(const char *name)
{
	setsid();
	int s = open(name, O_RDWR | O_NOCTTY);
	check("leader: open slave O_NOCTTY", s);
	check("leader: tcgetpgrp (not our terminal)", tcgetpgrp(s));
	check("leader: TIOCGSID (not our terminal)", tcgetsid(s));
	check("leader: open /dev/tty", open("/dev/tty", O_RDWR));
	check("leader: TIOCSCTTY", ioctl(s, TIOCSCTTY, 0));
	fact("leader: now the foreground group", tcgetpgrp(s) == getpgrp());
	fact("leader: tcgetsid is our session", tcgetsid(s) == getsid(0));
	check("leader: TIOCSCTTY again", ioctl(s, TIOCSCTTY, 0));
	int fd = open("/dev/tty", O_RDWR);
	check("leader: open /dev/tty", fd);
	close(fd);
	check("leader: TIOCSPGRP to a missing group", tcsetpgrp(s, 99999));
	check("leader: TIOCSPGRP to a group of another session", tcsetpgrp(s, getppid()));
	int bad = -1;
	check("leader: TIOCSPGRP -1", ioctl(s, TIOCSPGRP, &bad));
	flush();

	/* A non-leader of the session cannot take a terminal. */
	pid_t c = xfork();
	if (c == 0) {
		check("member: TIOCSCTTY", ioctl(s, TIOCSCTTY, 0));
		flush();
		_exit(0);
	}
	xwait(c);

	/* TOSTOP: a background writer is stopped by SIGTTOU. */
	struct termios t;
	tcgetattr(s, &t);
	t.c_lflag |= TOSTOP;
	tcsetattr(s, TCSANOW, &t);
	c = xfork();
	if (c == 0) {
		setpgid(0, 0);
		ssize_t w = write(s, "bg\n", 3);
		_exit(w == 3 ? 0 : 1);
	}
	setpgid(c, c);
	int st;
	waitpid(c, &st, WUNTRACED);
	printf("background writer: %s\n", wstatus(st));
	sigset_t ttou;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	check("leader: tcsetpgrp to the writer", tcsetpgrp(s, c));
	kill(c, SIGCONT);
	st = xwait(c);
	printf("writer in the foreground: %s\n", wstatus(st));
	/* We are in the background now: changing the terminal needs SIGTTOU blocked. */
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	check("leader (background, SIGTTOU blocked): tcsetpgrp back", tcsetpgrp(s, getpgrp()));
	sigprocmask(SIG_UNBLOCK, &ttou, NULL);
	fact("leader: foreground again", tcgetpgrp(s) == getpgrp());
	flush();

	/* An orphaned background group reading its terminal gets EIO. */
	int p[2];
	pipe(p);
	c = xfork();
	if (c == 0) {
		setpgid(0, 0);
		pid_t parent = getpid();
		pid_t g = fork();
		if (g == 0) {
			while (getppid() == parent) usleep(10000); /* until our parent is gone: orphaned */
			char b;
			ssize_t r = read(s, &b, 1);
			char out[64];
			int n = snprintf(out, sizeof out, "orphaned reader: %zd %s\n", r, r < 0 ? errname(errno) : "");
			write(p[1], out, n);
			_exit(0);
		}
		_exit(0);
	}
	xwait(c);
	char buf[128];
	ssize_t n = read(p[0], buf, sizeof buf);
	printf("%.*s", (int)(n > 0 ? n : 0), buf);

	/* TIOCNOTTY by the session leader: SIGHUP and SIGCONT to the foreground group (ours). */
	struct sigaction sa = { 0 };
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
	check("leader: TIOCNOTTY", ioctl(s, TIOCNOTTY));
	printf("leader: SIGHUP %d, SIGCONT %d\n", (int)hups, (int)conts);
	check("leader: tcgetpgrp after TIOCNOTTY", tcgetpgrp(s));
	check("leader: open /dev/tty after TIOCNOTTY", open("/dev/tty", O_RDWR));
	check("leader: TIOCNOTTY again", ioctl(s, TIOCNOTTY));
	flush();
	_exit(0);
}

/* Waits for the master to be readable, reads, and prints the bytes' values. */
static void packet_read(int m, const char *what)
{
	struct pollfd p = { m, POLLIN | POLLPRI, 0 };
	int ready = poll(&p, 1, 2000);
	unsigned char b[16];
	ssize_t n = ready > 0 ? read(m, b, sizeof b) : -1;
	printf("%s: poll %#x, read %zd:", what, ready > 0 ? p.revents : 0, n);
	for (ssize_t i = 0; i < n; i++) printf(" %d", b[i]);
	printf("\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(60);
	setsid();
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	char name[64];
	snprintf(name, sizeof name, "%s", ptsname(m));

	pid_t c = xfork();
	if (c == 0) {
		close(m);
		session_leader(name);
	}
	int st = xwait(c);
	printf("leader: %s\n", wstatus(st));
	/* Drain what the children wrote. */
	char buf[256];
	int fl = fcntl(m, F_GETFL);
	fcntl(m, F_SETFL, fl | O_NONBLOCK);
	ssize_t n = read(m, buf, sizeof buf);
	printf("master read: %zd [%.*s]\n", n, (int)(n > 0 ? n - 2 : 0), buf);
	fcntl(m, F_SETFL, fl);

	/* TIOCGPTPEER opens the slave from the master. */
	int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	check("TIOCGPTPEER", peer);
	char link[64], path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", peer);
	ssize_t l = readlink(path, link, sizeof link - 1);
	link[l > 0 ? l : 0] = 0;
	fact("TIOCGPTPEER's fd is the slave", strcmp(link, name) == 0);
	check("TIOCGPTPEER on the slave", ioctl(peer, TIOCGPTPEER, O_RDWR));
	/* The master's fdinfo ends with its index. */
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", m);
	int fi = open(path, O_RDONLY);
	char info[256];
	ssize_t il = read(fi, info, sizeof info - 1);
	close(fi);
	info[il > 0 ? il : 0] = 0;
	char *ti = strstr(info, "tty-index:");
	printf("master fdinfo: %s", ti ? ti : "no tty-index\n");
	write(peer, "x\n", 2);
	n = read(m, buf, sizeof buf);
	printf("master read: %zd\n", n);
	int avail = -1;
	ioctl(m, FIONREAD, &avail);
	printf("FIONREAD on the master: %d\n", avail);
	write(m, "in\n", 3);
	usleep(100000); /* natively the input reaches the line discipline from a work queue */
	ioctl(peer, FIONREAD, &avail);
	printf("FIONREAD on the slave: %d\n", avail);
	close(peer);
	/* Every slave closed: the master reads EIO (once drained) and polls POLLHUP. */
	read(m, buf, sizeof buf);
	n = read(m, buf, sizeof buf);
	printf("master read with no slave: %zd %s\n", n, n < 0 ? errname(errno) : "");
	struct pollfd pf = { m, POLLIN | POLLOUT, 0 };
	poll(&pf, 1, 0);
	printf("master poll with no slave: %#x\n", pf.revents);

	int s = open(name, O_RDWR | O_NOCTTY);
	check("reopen slave", s);
	fcntl(m, F_SETFL, fl | O_NONBLOCK);
	n = read(m, buf, sizeof buf);
	printf("master read, slave open, nothing written: %zd %s\n", n, n < 0 ? errname(errno) : "");
	/* TIOCSTI: input faked into the slave (root may, without it being our terminal). */
	for (const char *p = "hi\n"; *p; p++) check("TIOCSTI", ioctl(s, TIOCSTI, p));
	n = read(s, buf, sizeof buf);
	printf("slave read after TIOCSTI: %zd\n", n);
	usleep(100000); /* natively the echo reaches the master from a work queue, a byte at a time */
	n = read(m, buf, sizeof buf);
	printf("master read (the echo): %zd\n", n);

	/* Packet mode: reads start with a status byte; events are read alone. */
	int on = 1, pk = -1;
	check("TIOCPKT", ioctl(m, TIOCPKT, &on));
	ioctl(m, TIOCGPKT, &pk);
	printf("TIOCGPKT: %d\n", pk);
	check("TIOCPKT on the slave", ioctl(s, TIOCPKT, &on));
	write(s, "ab", 2);
	packet_read(m, "data");
	tcflush(s, TCIFLUSH);
	packet_read(m, "TCIFLUSH");
	tcflow(s, TCOOFF);
	packet_read(m, "TCOOFF");
	tcflow(s, TCOON);
	packet_read(m, "TCOON");
	struct termios tt;
	tcgetattr(s, &tt);
	tt.c_iflag &= ~IXON;
	tcsetattr(s, TCSANOW, &tt);
	packet_read(m, "IXON off");
	on = 0;
	ioctl(m, TIOCPKT, &on);
	write(s, "c", 1);
	packet_read(m, "packet mode off");
	close(m);
	n = read(s, buf, sizeof buf);
	printf("slave read after the master closed: %zd %s\n", n, n < 0 ? errname(errno) : "");
	check("slave write after the master closed", write(s, "x", 1));
	pf.fd = s;
	pf.events = POLLIN | POLLOUT;
	poll(&pf, 1, 0);
	printf("slave poll after hangup: %#x\n", pf.revents);
	struct stat sb;
	check("stat slave node after the master closed", stat(name, &sb));
	check("tcgetattr after hangup", tcgetattr(s, &(struct termios){ 0 }));
	return 0;
}
