/* getrandom fills the buffer. */
#include "common.h"
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	unsigned char a[256], b[256];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	checkval("getrandom 256", getrandom(a, sizeof a, 0));
	checkval("getrandom 256 GRND_NONBLOCK", getrandom(b, sizeof b, GRND_NONBLOCK));
	fact("two draws differ", memcmp(a, b, sizeof a) != 0);
	int zeros = 0;
	for (int i = 0; i < 256; i++)
		zeros += a[i] == 0;
	fact("not mostly zero", zeros < 32);
	checkval("getrandom 0 bytes", getrandom(a, 0, 0));
	checkval("getrandom bad flags", getrandom(a, 1, 0x100));
	checkval("getrandom bad pointer", syscall(SYS_getrandom, 1, 16, 0));
	static unsigned char big[1 << 20];
	long n = getrandom(big, sizeof big, 0);
	fact("getrandom 1 MiB returns > 0", n > 0);
	return 0;
}
