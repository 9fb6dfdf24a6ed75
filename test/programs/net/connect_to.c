/* Tries to reach a host socket from inside the sandbox: argv[1] is a path, an
 * abstract name ("@name"), "tcp:PORT" or "udp:PORT" on 127.0.0.1. Prints the result of
 * connect (and, for the paths, of a datagram send). test/net_isolation.test.ts
 * runs it with sockets the host listens on: the sandbox must never reach them. */
#define _GNU_SOURCE
#include "../sock.h"
#include <arpa/inet.h>
#include <netinet/in.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *t = argv[i];
		if (strncmp(t, "udp:", 4) == 0) {
			struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(t + 4)),
						 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			int s = socket(AF_INET, SOCK_DGRAM, 0);
			sval("udp sendto (dropped: nobody in the sandbox has the port)",
			     sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof a));
			continue;
		}
		if (strncmp(t, "tcp:", 4) == 0) {
			struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(t + 4)),
						 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			int s = socket(AF_INET, SOCK_STREAM, 0);
			sok("tcp connect", connect(s, (struct sockaddr *)&a, sizeof a));
			continue;
		}
		struct sockaddr_un a;
		memset(&a, 0, sizeof a);
		a.sun_family = AF_UNIX;
		socklen_t l;
		if (t[0] == '@') {
			memcpy(a.sun_path + 1, t + 1, strlen(t + 1));
			l = offsetof(struct sockaddr_un, sun_path) + strlen(t);
		} else {
			l = path_addr(&a, t);
		}
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		sok(t[0] == '@' ? "abstract stream connect" : "path stream connect", connect(s, (struct sockaddr *)&a, l));
		int d = socket(AF_UNIX, SOCK_DGRAM, 0);
		sval(t[0] == '@' ? "abstract datagram send" : "path datagram send",
		     sendto(d, "x", 1, 0, (struct sockaddr *)&a, l));
	}
	return 0;
}
