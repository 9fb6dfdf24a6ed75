/* FPU state across signal handlers: a handler that overwrites every SSE
 * register (and every AVX register where the CPU has AVX), changes MXCSR
 * and the x87 control word and computes with them leaves the interrupted
 * code's values intact: the kernel saves them in the signal frame and
 * sigreturn restores them. The signal is raised from inside an asm block
 * that holds known values in the registers. Also: the handler starts with
 * a clean MXCSR (default rounding), and a handler can change the
 * interrupted code's xmm0 through the frame's fpregs. */
#include "proc.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <ucontext.h>

static int has_avx;
static volatile unsigned handler_mxcsr;

static void clobber(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	(void)ucv;
	unsigned m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	handler_mxcsr = m;
	static const uint64_t junk[4] = { 0xdeaddeaddeaddeadull, 0xbeefbeefbeefbeefull, 0x1111111111111111ull, 0x2222222222222222ull };
	__asm__ volatile("movdqu %0, %%xmm0\n movdqu %0, %%xmm1\n movdqu %0, %%xmm2\n movdqu %0, %%xmm3\n"
			 "movdqu %0, %%xmm4\n movdqu %0, %%xmm5\n movdqu %0, %%xmm6\n movdqu %0, %%xmm7\n"
			 "movdqu %0, %%xmm8\n movdqu %0, %%xmm9\n movdqu %0, %%xmm10\n movdqu %0, %%xmm11\n"
			 "movdqu %0, %%xmm12\n movdqu %0, %%xmm13\n movdqu %0, %%xmm14\n movdqu %0, %%xmm15\n"
			 :
			 : "m"(junk)
			 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
			   "xmm12", "xmm13", "xmm14", "xmm15");
	if (has_avx)
		__asm__ volatile("vmovdqu %0, %%ymm0\n vmovdqu %0, %%ymm7\n vmovdqu %0, %%ymm8\n vmovdqu %0, %%ymm15\n"
				 :
				 : "m"(junk)
				 : "xmm0", "xmm7", "xmm8", "xmm15");
	unsigned mx = 0x7f80; /* round toward zero, all exceptions masked */
	__asm__ volatile("ldmxcsr %0" : : "m"(mx));
	unsigned short cw = 0x0c7f; /* x87: round toward zero */
	__asm__ volatile("fldcw %0" : : "m"(cw));
	volatile double d = 1.0;
	for (int i = 0; i < 10; i++)
		d = d * 3.7 + 0.1;
	volatile long double ld = 2.5L;
	ld = ld * ld;
}

static void poke_xmm0(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	/* fpregs->_xmm[0] is the interrupted code's xmm0. */
	uc->uc_mcontext.fpregs->_xmm[0].element[0] = 0x600d600d;
}

static long tid(void) { return syscall(SYS_gettid); }

int main(void)
{
	unsigned a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
	if (osxsave && avx) {
		unsigned lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		has_avx = (lo & 6) == 6;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = clobber;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);

	/* Known values in xmm0-15 (and the upper halves of ymm), a non-default
	 * MXCSR and x87 control word; raise; read everything back. */
	uint64_t in[16][4], out[16][4];
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 4; j++)
			in[i][j] = 0x0101010101010101ull * (uint64_t)(i + 1) + (uint64_t)j;
	unsigned mx_in = 0x3f80 | 0x6000, mx_out = 0; /* round toward zero */
	unsigned short cw_in = 0x047f, cw_out = 0;    /* x87: round down */
	long pid = getpid(), t = tid();
	__asm__ volatile("ldmxcsr %[mxi]\n fldcw %[cwi]\n"
			 "movdqu 0(%[in]), %%xmm0\n movdqu 32(%[in]), %%xmm1\n movdqu 64(%[in]), %%xmm2\n"
			 "movdqu 96(%[in]), %%xmm3\n movdqu 128(%[in]), %%xmm4\n movdqu 160(%[in]), %%xmm5\n"
			 "movdqu 192(%[in]), %%xmm6\n movdqu 224(%[in]), %%xmm7\n movdqu 256(%[in]), %%xmm8\n"
			 "movdqu 288(%[in]), %%xmm9\n movdqu 320(%[in]), %%xmm10\n movdqu 352(%[in]), %%xmm11\n"
			 "movdqu 384(%[in]), %%xmm12\n movdqu 416(%[in]), %%xmm13\n movdqu 448(%[in]), %%xmm14\n"
			 "movdqu 480(%[in]), %%xmm15\n"
			 "mov %[pid], %%rdi\n mov %[tid], %%rsi\n mov %[sig], %%rdx\n mov %[nr], %%eax\n syscall\n"
			 "movdqu %%xmm0, 0(%[out])\n movdqu %%xmm1, 32(%[out])\n movdqu %%xmm2, 64(%[out])\n"
			 "movdqu %%xmm3, 96(%[out])\n movdqu %%xmm4, 128(%[out])\n movdqu %%xmm5, 160(%[out])\n"
			 "movdqu %%xmm6, 192(%[out])\n movdqu %%xmm7, 224(%[out])\n movdqu %%xmm8, 256(%[out])\n"
			 "movdqu %%xmm9, 288(%[out])\n movdqu %%xmm10, 320(%[out])\n movdqu %%xmm11, 352(%[out])\n"
			 "movdqu %%xmm12, 384(%[out])\n movdqu %%xmm13, 416(%[out])\n movdqu %%xmm14, 448(%[out])\n"
			 "movdqu %%xmm15, 480(%[out])\n"
			 "stmxcsr %[mxo]\n fnstcw %[cwo]\n"
			 : [mxo] "=m"(mx_out), [cwo] "=m"(cw_out)
			 : [in] "r"(in), [out] "r"(out), [mxi] "m"(mx_in), [cwi] "m"(cw_in), [pid] "r"(pid), [tid] "r"(t),
			   [sig] "i"((long)SIGUSR1), [nr] "i"(SYS_tgkill)
			 : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			   "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	unsigned mx_default = 0x1f80;
	unsigned short cw_default = 0x037f;
	__asm__ volatile("ldmxcsr %0\n fldcw %1" : : "m"(mx_default), "m"(cw_default));
	int same = 1;
	for (int i = 0; i < 16; i++)
		same &= in[i][0] == out[i][0] && in[i][1] == out[i][1];
	fact("xmm0-15 preserved across the handler", same);
	fact("MXCSR preserved", mx_out == mx_in);
	fact("x87 control word preserved", cw_out == cw_in);
	printf("the handler started with MXCSR %#x\n", handler_mxcsr & 0xffc0);

	if (has_avx) {
		__asm__ volatile("vmovdqu 0(%[in]), %%ymm0\n vmovdqu 224(%[in]), %%ymm7\n vmovdqu 256(%[in]), %%ymm8\n"
				 "vmovdqu 480(%[in]), %%ymm15\n"
				 "mov %[pid], %%rdi\n mov %[tid], %%rsi\n mov %[sig], %%rdx\n mov %[nr], %%eax\n syscall\n"
				 "vmovdqu %%ymm0, 0(%[out])\n vmovdqu %%ymm7, 224(%[out])\n vmovdqu %%ymm8, 256(%[out])\n"
				 "vmovdqu %%ymm15, 480(%[out])\n vzeroupper\n"
				 :
				 : [in] "r"(in), [out] "r"(out), [pid] "r"(pid), [tid] "r"(t), [sig] "i"((long)SIGUSR1),
				   [nr] "i"(SYS_tgkill)
				 : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "memory", "xmm0", "xmm7", "xmm8", "xmm15");
		same = 1;
		static const int regs[] = { 0, 7, 8, 15 };
		for (int k = 0; k < 4; k++)
			for (int j = 0; j < 4; j++)
				same &= in[regs[k]][j] == out[regs[k]][j];
		fact("ymm registers (all 256 bits) preserved across the handler", same);
	} else {
		fact("ymm registers (all 256 bits) preserved across the handler", 1);
	}

	/* Floating point in normal code gives the same results after many signals. */
	double x = 0.1;
	for (int i = 0; i < 1000; i++) {
		if (i % 100 == 0)
			raise(SIGUSR1);
		x = x * 1.0001 + 0.5 / (i + 1);
	}
	printf("a computation interrupted by 10 handlers: %.12f\n", x);

	/* The frame's fpregs are what sigreturn restores. */
	sa.sa_sigaction = poke_xmm0;
	sigaction(SIGUSR2, &sa, NULL);
	uint64_t x0[2] = { 1, 2 };
	__asm__ volatile("movdqu (%[p]), %%xmm0\n"
			 "mov %[pid], %%rdi\n mov %[tid], %%rsi\n mov %[sig], %%rdx\n mov %[nr], %%eax\n syscall\n"
			 "movdqu %%xmm0, (%[p])\n"
			 :
			 : [p] "r"(x0), [pid] "r"(pid), [tid] "r"(t), [sig] "i"((long)SIGUSR2), [nr] "i"(SYS_tgkill)
			 : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "memory", "xmm0");
	printf("xmm0 after a handler wrote the frame: low dword %#lx\n", (unsigned long)(x0[0] & 0xffffffff));
	return 0;
}
