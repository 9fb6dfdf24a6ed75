/* SSE2 and AVX arithmetic with deterministic results. The AVX path runs
 * only when the CPU and OS support it; both paths print the same. */
#include "common.h"
#include <immintrin.h>
#include <sys/syscall.h>

#define N 1024
static float xs[N], ys[N];
static double ds[N];

static void fill(void)
{
	for (int i = 0; i < N; i++) {
		xs[i] = (float)i * 0.5f - 100.0f;
		ys[i] = (float)(i % 17) * 1.25f;
		ds[i] = (double)i / 3.0;
	}
}

/* SSE2: integer and double lanes (SSE2 is always present on x86_64). */
static void sse2(void)
{
	__m128i acc = _mm_setzero_si128();
	for (int i = 0; i < 256; i++) {
		__m128i v = _mm_set_epi32(i, i * 3, i * 5, i * 7);
		acc = _mm_add_epi32(acc, _mm_mullo_epi16(v, _mm_set1_epi32(3)));
		acc = _mm_xor_si128(acc, _mm_slli_epi32(v, 2));
	}
	int out[4];
	_mm_storeu_si128((__m128i *)out, acc);
	printf("sse2 int lanes: %d %d %d %d\n", out[0], out[1], out[2], out[3]);

	__m128d sum = _mm_setzero_pd();
	for (int i = 0; i < N; i += 2)
		sum = _mm_add_pd(sum, _mm_mul_pd(_mm_loadu_pd(ds + i), _mm_set1_pd(1.5)));
	double d[2];
	_mm_storeu_pd(d, _mm_sqrt_pd(sum));
	printf("sse2 double lanes: %.17g %.17g\n", d[0], d[1]);
}

static float dot_scalar(void)
{
	/* Same association as the 8-lane AVX loop below. */
	float lanes[8] = { 0 };
	for (int i = 0; i < N; i += 8)
		for (int j = 0; j < 8; j++)
			lanes[j] += xs[i + j] * ys[i + j];
	float s = 0;
	for (int j = 0; j < 8; j++)
		s += lanes[j];
	return s;
}

__attribute__((target("avx"))) static float dot_avx(void)
{
	__m256 acc = _mm256_setzero_ps();
	for (int i = 0; i < N; i += 8)
		acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(xs + i), _mm256_loadu_ps(ys + i)));
	float lanes[8];
	_mm256_storeu_ps(lanes, acc);
	float s = 0;
	for (int j = 0; j < 8; j++)
		s += lanes[j];
	return s;
}

/* Keep values in YMM registers across a system call made in the same asm
 * statement: the upper halves must survive the kernel's entry and exit. */
__attribute__((target("avx"))) static int avx_survives_syscall(void)
{
	__m256 v = _mm256_set_ps(1, 2, 3, 4, 5, 6, 7, 8);
	__m256 w = _mm256_set1_ps(-0.5f);
	long nr = SYS_getppid;
	__asm__ volatile("syscall" : "+a"(nr), "+x"(v), "+x"(w) : : "rcx", "r11", "memory");
	float f[8], g[8];
	_mm256_storeu_ps(f, v);
	_mm256_storeu_ps(g, w);
	return f[7] == 1 && f[0] == 8 && g[0] == -0.5f && g[7] == -0.5f;
}

/* And for AVX-512: zmm registers and a mask register. */
__attribute__((target("avx512f"))) static int avx512_survives_syscall(void)
{
	__m512i v = _mm512_set1_epi64(0x0123456789abcdefll);
	__mmask16 k = 0xa5a5;
	long nr = SYS_getppid;
	__asm__ volatile("syscall" : "+a"(nr), "+v"(v), "+k"(k) : : "rcx", "r11", "memory");
	long long q[8];
	_mm512_storeu_si512(q, v);
	return q[0] == 0x0123456789abcdefll && q[7] == 0x0123456789abcdefll && k == 0xa5a5;
}

/* The same for the SSE registers and an x87 value. */
static int sse_survives_syscall(void)
{
	__m128d v = _mm_set_pd(1.25, -3.5);
	long double x = 1.0L / 3.0L;
	long nr = SYS_getppid;
	__asm__ volatile("syscall" : "+a"(nr), "+x"(v), "+t"(x) : : "rcx", "r11", "memory");
	double d[2];
	_mm_storeu_pd(d, v);
	return d[0] == -3.5 && d[1] == 1.25 && x == 1.0L / 3.0L;
}

int main(void)
{
	fill();
	sse2();
	__builtin_cpu_init();
	int avx = __builtin_cpu_supports("avx");
	float scalar = dot_scalar();
	float vec = avx ? dot_avx() : scalar;
	printf("dot product: %.9g\n", vec);
	fact("vector and scalar agree", vec == scalar);
	fact("xmm and x87 registers survive a syscall", sse_survives_syscall());
	fact("ymm upper halves survive a syscall", avx ? avx_survives_syscall() : 1);
	int avx512 = __builtin_cpu_supports("avx512f");
	fact("zmm and k registers survive a syscall", avx512 ? avx512_survives_syscall() : 1);
	return 0;
}
