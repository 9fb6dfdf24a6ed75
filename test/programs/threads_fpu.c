/* FPU state across thread switches: two threads of one process take turns
 * through a futex, each holding its own values in every SSE register (the
 * full AVX registers where the CPU has AVX) and in MXCSR across the blocking
 * wait, which the kernel must not let the other thread's values leak into.
 * The load, the hand-off and the check are one asm block, so the compiler
 * never spills the registers in between. */
#include "proc.h"
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#define ROUNDS 500

static int has_avx;
static volatile int turn;
static int mismatches[2];

/* Loads pat into xmm/ymm 0-15 and MXCSR, hands the turn to the other thread,
 * waits until it comes back, then stores the registers into out. */
static void round_trip(const uint8_t *pat, uint8_t *out, unsigned mx, unsigned *mx_out, int me)
{
	int other = !me;
	if (has_avx) {
		__asm__ volatile(
			"vmovdqu 0(%[p]), %%ymm0\n vmovdqu 32(%[p]), %%ymm1\n vmovdqu 64(%[p]), %%ymm2\n vmovdqu 96(%[p]), %%ymm3\n"
			"vmovdqu 128(%[p]), %%ymm4\n vmovdqu 160(%[p]), %%ymm5\n vmovdqu 192(%[p]), %%ymm6\n vmovdqu 224(%[p]), %%ymm7\n"
			"vmovdqu 256(%[p]), %%ymm8\n vmovdqu 288(%[p]), %%ymm9\n vmovdqu 320(%[p]), %%ymm10\n vmovdqu 352(%[p]), %%ymm11\n"
			"vmovdqu 384(%[p]), %%ymm12\n vmovdqu 416(%[p]), %%ymm13\n vmovdqu 448(%[p]), %%ymm14\n vmovdqu 480(%[p]), %%ymm15\n"
			"ldmxcsr %[mx]\n"
			"movl %k[other], (%[t])\n"
			"mov $202, %%eax\n mov %[t], %%rdi\n mov $129, %%esi\n mov $1, %%edx\n xor %%r10, %%r10\n syscall\n"
			"1: cmpl %k[me], (%[t])\n je 2f\n"
			"mov $202, %%eax\n mov %[t], %%rdi\n mov $128, %%esi\n mov %k[other], %%edx\n xor %%r10, %%r10\n syscall\n jmp 1b\n"
			"2: stmxcsr (%[mo])\n"
			"vmovdqu %%ymm0, 0(%[o])\n vmovdqu %%ymm1, 32(%[o])\n vmovdqu %%ymm2, 64(%[o])\n vmovdqu %%ymm3, 96(%[o])\n"
			"vmovdqu %%ymm4, 128(%[o])\n vmovdqu %%ymm5, 160(%[o])\n vmovdqu %%ymm6, 192(%[o])\n vmovdqu %%ymm7, 224(%[o])\n"
			"vmovdqu %%ymm8, 256(%[o])\n vmovdqu %%ymm9, 288(%[o])\n vmovdqu %%ymm10, 320(%[o])\n vmovdqu %%ymm11, 352(%[o])\n"
			"vmovdqu %%ymm12, 384(%[o])\n vmovdqu %%ymm13, 416(%[o])\n vmovdqu %%ymm14, 448(%[o])\n vmovdqu %%ymm15, 480(%[o])\n"
			"vzeroupper\n"
			:
			: [p] "r"(pat), [o] "r"(out), [t] "r"(&turn), [me] "r"(me), [other] "r"(other), [mx] "m"(mx), [mo] "r"(mx_out)
			: "rax", "rdi", "rsi", "rdx", "r10", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	} else {
		__asm__ volatile(
			"movdqu 0(%[p]), %%xmm0\n movdqu 32(%[p]), %%xmm1\n movdqu 64(%[p]), %%xmm2\n movdqu 96(%[p]), %%xmm3\n"
			"movdqu 128(%[p]), %%xmm4\n movdqu 160(%[p]), %%xmm5\n movdqu 192(%[p]), %%xmm6\n movdqu 224(%[p]), %%xmm7\n"
			"movdqu 256(%[p]), %%xmm8\n movdqu 288(%[p]), %%xmm9\n movdqu 320(%[p]), %%xmm10\n movdqu 352(%[p]), %%xmm11\n"
			"movdqu 384(%[p]), %%xmm12\n movdqu 416(%[p]), %%xmm13\n movdqu 448(%[p]), %%xmm14\n movdqu 480(%[p]), %%xmm15\n"
			"ldmxcsr %[mx]\n"
			"movl %k[other], (%[t])\n"
			"mov $202, %%eax\n mov %[t], %%rdi\n mov $129, %%esi\n mov $1, %%edx\n xor %%r10, %%r10\n syscall\n"
			"1: cmpl %k[me], (%[t])\n je 2f\n"
			"mov $202, %%eax\n mov %[t], %%rdi\n mov $128, %%esi\n mov %k[other], %%edx\n xor %%r10, %%r10\n syscall\n jmp 1b\n"
			"2: stmxcsr (%[mo])\n"
			"movdqu %%xmm0, 0(%[o])\n movdqu %%xmm1, 32(%[o])\n movdqu %%xmm2, 64(%[o])\n movdqu %%xmm3, 96(%[o])\n"
			"movdqu %%xmm4, 128(%[o])\n movdqu %%xmm5, 160(%[o])\n movdqu %%xmm6, 192(%[o])\n movdqu %%xmm7, 224(%[o])\n"
			"movdqu %%xmm8, 256(%[o])\n movdqu %%xmm9, 288(%[o])\n movdqu %%xmm10, 320(%[o])\n movdqu %%xmm11, 352(%[o])\n"
			"movdqu %%xmm12, 384(%[o])\n movdqu %%xmm13, 416(%[o])\n movdqu %%xmm14, 448(%[o])\n movdqu %%xmm15, 480(%[o])\n"
			:
			: [p] "r"(pat), [o] "r"(out), [t] "r"(&turn), [me] "r"(me), [other] "r"(other), [mx] "m"(mx), [mo] "r"(mx_out)
			: "rax", "rdi", "rsi", "rdx", "r10", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	}
}

static void *player(void *a)
{
	int me = (int)(long)a;
	uint8_t pat[512], out[512];
	int width = has_avx ? 32 : 16;
	/* Rounding modes differ: thread 0 rounds down, thread 1 towards zero; both mask all exceptions. */
	unsigned mx = me ? 0x7f80 : 0x3f80, mx_out;
	for (int r = 0; r < ROUNDS; r++) {
		/* Wait for this thread's first turn outside the asm (thread 1 starts second). */
		while (turn != me)
			syscall(SYS_futex, &turn, 128, !me, 0, 0, 0);
		for (int i = 0; i < 512; i++) pat[i] = (uint8_t)(me * 101 + r * 7 + i);
		memset(out, 0, sizeof out);
		round_trip(pat, out, mx, &mx_out, me);
		for (int reg = 0; reg < 16; reg++)
			if (memcmp(pat + reg * 32, out + reg * 32, width) != 0) mismatches[me]++;
		if (mx_out != mx) mismatches[me]++;
	}
	/* Let the other thread finish its last round. */
	turn = !me;
	syscall(SYS_futex, &turn, 129, 1, 0, 0, 0);
	return NULL;
}

int main(void)
{
	unsigned a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (((c >> 27) & 1) && ((c >> 28) & 1)) {
		unsigned lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		has_avx = (lo & 6) == 6;
	}
	pthread_t t[2];
	turn = 0;
	for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, player, (void *)i);
	for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
	printf("thread 0: %d mismatches\nthread 1: %d mismatches\n", mismatches[0], mismatches[1]);
	return 0;
}
