/* A large malloc (128 MiB) touched fully, then freed. */
#include "common.h"
#include <stdint.h>

int main(void)
{
	size_t len = 128u << 20;
	uint64_t *p = malloc(len);
	fact("malloc 128 MiB", p != NULL);
	if (!p)
		return 1;
	size_t n = len / sizeof *p;
	for (size_t i = 0; i < n; i++)
		p[i] = i * 0x9e3779b97f4a7c15ull;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++)
		x ^= p[i] + i;
	printf("xor: %016llx\n", (unsigned long long)x);
	free(p);

	/* Many small allocations, freed in a shuffled order. */
	enum { N = 10000 };
	static void *ptrs[N];
	for (int i = 0; i < N; i++) {
		ptrs[i] = malloc((size_t)(i % 97) * 16 + 1);
		memset(ptrs[i], i & 0xff, (size_t)(i % 97) * 16 + 1);
	}
	int bad = 0;
	for (int i = 0; i < N; i++)
		bad += ((unsigned char *)ptrs[i])[0] != (i & 0xff);
	for (int i = 0; i < N; i++)
		free(ptrs[(i * 7919) % N]);
	printf("small allocations intact: %s\n", bad ? "no" : "yes");
	return 0;
}
