/* The systrap stub's signal handler (DESIGN.md, trap platforms). The guest runs in
 * this process under a seccomp filter: each of its syscalls raises SIGSYS, each of
 * its faults SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP, the preemption tick its own
 * signal. Each guest thread runs in its own thread of the stub. The handler (on
 * that thread's sigaltstack, every signal masked) writes the registers into the
 * thread's shared page, hands off to tsvisor with a cross-process futex and waits
 * for the command: resume (with the registers, FPU image and fs_base tsvisor
 * wrote), save the FPU image, run a batch of mmap/munmap/mprotect requests, or
 * start another stub thread. Layout constants: src/platform/stub/layout.ts.
 * Built -nostdlib -ffreestanding -fno-stack-protector (%fs is the guest's). */
#include <stdint.h>

#define STUB_BASE 0x7ff000000000UL
#define REQ_VA (STUB_BASE + 0x100000UL)
#define COMM_VA (STUB_BASE + 0x400000UL)
#define FPU_VA (REQ_VA + 12 * 4096UL)
/* Thread k: comm page COMM_VA + k * 4096; stack area ALTSTACK_VA + k * ALTSTACK_SIZE, whose first
 * page holds the thread's private words (at its start) and the stack it starts on (below
 * SIGSTACK_OFF), and whose rest is its signal stack. */
#define MAX_THREADS 1024UL
#define ALTSTACK_VA (STUB_BASE + 0x1000000UL)
#define ALTSTACK_SIZE 0x10000UL
#define SIGSTACK_OFF 0x1000UL

/* Comm page words (u32); see systrap_platform.ts. */
enum { W_STUB_SEQ = 0, W_KERNEL_SEQ = 1, W_KIND = 2, W_CMD = 3, W_NOPS = 4, W_FLAGS = 5, W_RESULT = 6,
       W_SIG = 7, W_CODE = 8, W_XSIZE = 9, W_ADDR = 10, W_TRAPNO = 12, W_ERR = 14, W_FS = 16, W_GS = 18,
       W_REGS = 20, W_KCPU = 100, W_SCPU = 101, W_ARG = 102, W_NAP = 103 };
enum { K_SYSCALL = 1, K_FAULT = 2, K_INTERRUPT = 3, K_DONE = 4, K_FAILED = 5 };
enum { C_RESUME = 1, C_SAVE_FPU = 2, C_OPS = 3, C_EXIT = 4, C_THREAD = 5 };
enum { F_LOAD_FPU = 1, F_SET_FS = 2, F_SET_GS = 4 };

/* ucontext_t offsets (x86_64): uc_mcontext.gregs at 40, fpregs pointer at 40 + 23 * 8. */
enum { G_R8 = 0, G_R9, G_R10, G_R11, G_R12, G_R13, G_R14, G_R15, G_RDI, G_RSI, G_RBP, G_RBX, G_RDX, G_RAX,
       G_RCX, G_RSP, G_RIP, G_EFL, G_CSGSFS, G_ERR, G_TRAPNO, G_OLDMASK, G_CR2 };
/* Our register order (src/platform/regs.ts) -> gregs index. */
static const unsigned char GREG[18] = { G_RAX, G_RBX, G_RCX, G_RDX, G_RSI, G_RDI, G_RSP, G_RBP, G_R8, G_R9,
                                        G_R10, G_R11, G_R12, G_R13, G_R14, G_R15, G_RIP, G_EFL };
enum { R_ORIG_RAX = 18, R_FS_BASE = 19 };

long stub_sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
void systrap_idle(void);

#define SYS_FUTEX 202
#define SYS_CLONE 56
#define SYS_SIGALTSTACK 131
#define SYS_RT_SIGPROCMASK 14
#define SIG_SETMASK 2
/* A stub thread: shares everything with the stub (STUB_THREAD_FLAGS in ptrace/stubs.ts). */
#define THREAD_FLAGS (0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000)
#define SYS_ARCH_PRCTL 158
#define SYS_EXIT_GROUP 231
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define AUDIT_ARCH_X86_64 0xc000003eU
#define ARCH_GET_FS 0x1003
#define SIGSYS 31
#define SIGSEGV 11
#define SIGBUS 7
#define SIGILL 4
#define SIGFPE 8
#define SIGTRAP 5
#define SYS_SECCOMP 1

typedef volatile uint32_t comm_t;
/* The last command sequence this thread has seen: the first word of its stack area. */
#define SEEN(k) (*(uint32_t *)(ALTSTACK_VA + (k) * ALTSTACK_SIZE))

static inline void put64(comm_t *comm, int w, uint64_t v) { comm[w] = (uint32_t)v; comm[w + 1] = (uint32_t)(v >> 32); }
static inline uint64_t get64(comm_t *comm, int w) { return comm[w] | ((uint64_t)comm[w + 1] << 32); }

/* Which stub thread runs this: told by the stack it runs on (its own signal stack). */
static inline uint64_t thread_index(void) {
  return ((uint64_t)__builtin_frame_address(0) - ALTSTACK_VA) / ALTSTACK_SIZE;
}

static inline uint32_t this_cpu(void)
{
  uint32_t lo, hi, aux;
  __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
  return aux & 0xfff; /* Linux keeps the CPU number in TSC_AUX's low 12 bits */
}

static void post(comm_t *comm, uint32_t kind) {
  comm[W_KIND] = kind;
  comm[W_SCPU] = this_cpu();
  __atomic_store_n(&comm[W_STUB_SEQ], comm[W_STUB_SEQ] + 1, __ATOMIC_RELEASE);
  stub_sys(SYS_FUTEX, (long)&comm[W_STUB_SEQ], FUTEX_WAKE, 1, 0, 0, 0);
}

/* Waits for the next command; returns it. A command counts once its sequence differs
 * from the last one seen (the page is the guest's to scribble on while it runs, so
 * nothing in it is trusted beyond what the handler validates). */
/* When tsvisor last ran on another CPU, a command is polled for up to this many rounds (about
 * 200 us at 25 ns a `pause`) before the futex sleep: across CPUs a sleeping hand-off waits for a
 * wake-up IPI, tens of microseconds on nested hosts, and a syscall that moves a MiB takes about
 * 100 us in tsvisor. tsvisor sets W_NAP when the sandbox goes idle (no task can run): the poll
 * stops at once. Never on tsvisor's own CPU, where polling would only keep it from running. */
#ifndef STUB_SPIN
#define STUB_SPIN 8000
#endif
static uint32_t next_command(comm_t *comm, uint32_t *seen) {
  if (comm[W_KCPU] != this_cpu()) {
    for (int k = 0; k < STUB_SPIN; k++) {
      uint32_t cur = __atomic_load_n(&comm[W_KERNEL_SEQ], __ATOMIC_ACQUIRE);
      if (cur != *seen) { *seen = cur; return comm[W_CMD]; }
      if (__atomic_load_n(&comm[W_NAP], __ATOMIC_RELAXED)) break;
      __builtin_ia32_pause();
    }
  }
  for (;;) {
    uint32_t cur = __atomic_load_n(&comm[W_KERNEL_SEQ], __ATOMIC_ACQUIRE);
    if (cur != *seen) { *seen = cur; return comm[W_CMD]; }
    stub_sys(SYS_FUTEX, (long)&comm[W_KERNEL_SEQ], FUTEX_WAIT, cur, 0, 0, 0);
  }
}

/* Runs the batched requests (nr, six arguments, result: 64 bytes each) from REQ_VA; returns
 * the index of the first failure or -1. Only mmap/munmap/mprotect pass the seccomp filter. */
static long run_ops(uint32_t n) {
  volatile uint64_t *r = (volatile uint64_t *)REQ_VA;
  if (n > 12 * 4096 / 64) return 0;
  for (uint32_t i = 0; i < n; i++, r += 8) {
    long v = stub_sys((long)r[0], (long)r[1], (long)r[2], (long)r[3], (long)r[4], (long)r[5], (long)r[6]);
    r[7] = (uint64_t)v;
    if ((unsigned long)v >= (unsigned long)-4095) return i;
  }
  return -1;
}

static void copy_fpu(volatile uint8_t *dst, const volatile uint8_t *src, uint32_t n, int skip_sw) {
  for (uint32_t i = 0; i < n; i++) {
    if (skip_sw && i >= 464 && i < 512) continue; /* the frame's fx_sw_bytes stay */
    dst[i] = src[i];
  }
}

/* Where a new stub thread starts (C_THREAD: clone returns into it on the first page of its
 * stack area): its own signal stack and an open signal mask (the clone inherited the handler's
 * stack setting cleared and its mask full), then the idle loop, whose trapped syscall reports
 * the thread ready. */
void systrap_thread_start(void) {
  uint64_t base = ALTSTACK_VA + thread_index() * ALTSTACK_SIZE;
  uint64_t ss[3] = { base + SIGSTACK_OFF, 0, ALTSTACK_SIZE - SIGSTACK_OFF };
  uint64_t none = 0;
  if (stub_sys(SYS_SIGALTSTACK, (long)ss, 0, 0, 0, 0, 0) != 0) stub_sys(SYS_EXIT_GROUP, 0, 0, 0, 0, 0, 0);
  stub_sys(SYS_RT_SIGPROCMASK, SIG_SETMASK, (long)&none, 0, 8, 0, 0);
  systrap_idle();
}

/* C_THREAD: thread k (its comm page mapped by the batch just run) starts; returns its tid. */
static long start_thread(uint64_t k) {
  if (k == 0 || k >= MAX_THREADS) return -22;
  uint64_t *sp = (uint64_t *)(ALTSTACK_VA + k * ALTSTACK_SIZE + SIGSTACK_OFF - 64);
  sp[0] = (uint64_t)systrap_thread_start; /* stub_sys's `ret` in the new thread goes there */
  SEEN(k) = 0;
  return stub_sys(SYS_CLONE, THREAD_FLAGS, (long)sp, 0, 0, 0, 0);
}

void systrap_handler(int sig, void *siv, void *ucv) {
  uint64_t k = thread_index();
  if (k >= MAX_THREADS) stub_sys(SYS_EXIT_GROUP, 0, 0, 0, 0, 0, 0); /* not on a stub thread's stack */
  comm_t *comm = (comm_t *)(COMM_VA + k * 4096);
  uint32_t *seen = &SEEN(k);
  uint8_t *si = siv, *uc = ucv;
  uint64_t *g = (uint64_t *)(uc + 40);
  uint8_t *fp = *(uint8_t **)(uc + 40 + 23 * 8);
  int code = *(int *)(si + 8);
  uint32_t kind;
  uint64_t trapno = g[G_TRAPNO], err = g[G_ERR];
  if (sig == SIGSYS && code == SYS_SECCOMP && *(uint32_t *)(si + 28) != AUDIT_ARCH_X86_64) {
    /* `int $0x80` (the i386 entry, which tsvisor does not offer): a #GP at the instruction,
     * as Linux without IA32 emulation gives. */
    kind = K_FAULT; trapno = 13; err = 0x80 * 8 + 2; g[G_RIP] -= 2;
  } else if (sig == SIGSYS && code == SYS_SECCOMP) kind = K_SYSCALL;
  else if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) && code > 0) kind = K_FAULT;
  else kind = K_INTERRUPT; /* the tick, or a signal from another process */
  for (int i = 0; i < 18; i++) put64(comm, W_REGS + 2 * i, g[GREG[i]]);
  put64(comm, W_REGS + 2 * R_ORIG_RAX, kind == K_SYSCALL ? g[G_RAX] : (uint64_t)-1);
  uint64_t fs = 0;
  stub_sys(SYS_ARCH_PRCTL, ARCH_GET_FS, (long)&fs, 0, 0, 0, 0);
  put64(comm, W_FS, fs);
  comm[W_SIG] = sig;
  comm[W_CODE] = code;
  put64(comm, W_ADDR, *(uint64_t *)(si + 16));
  put64(comm, W_TRAPNO, trapno);
  put64(comm, W_ERR, err);
  post(comm, kind);
  for (;;) {
    uint32_t cmd = next_command(comm, seen);
    uint32_t xsize = comm[W_XSIZE];
    if (xsize > 3 * 4096) xsize = 0;
    if (cmd == C_RESUME) {
      uint32_t flags = comm[W_FLAGS];
      long bad = run_ops(comm[W_NOPS]);
      if (bad >= 0) { comm[W_RESULT] = (uint32_t)bad; post(comm, K_FAILED); continue; }
      for (int i = 0; i < 18; i++) g[GREG[i]] = get64(comm, W_REGS + 2 * i);
      if ((flags & F_LOAD_FPU) && fp) copy_fpu(fp, (volatile uint8_t *)FPU_VA, xsize, 1);
      if (flags & F_SET_FS) stub_sys(SYS_ARCH_PRCTL, ARCH_SET_FS, (long)get64(comm, W_FS), 0, 0, 0, 0);
      if (flags & F_SET_GS) stub_sys(SYS_ARCH_PRCTL, ARCH_SET_GS, (long)get64(comm, W_GS), 0, 0, 0, 0);
      return; /* rt_sigreturn loads the registers and the FPU image from the frame */
    } else if (cmd == C_SAVE_FPU) {
      if (fp) copy_fpu((volatile uint8_t *)FPU_VA, fp, xsize, 0);
      post(comm, K_DONE);
    } else if (cmd == C_OPS) {
      long bad = run_ops(comm[W_NOPS]);
      comm[W_RESULT] = (uint32_t)bad;
      post(comm, bad >= 0 ? K_FAILED : K_DONE);
    } else if (cmd == C_THREAD) {
      long bad = run_ops(comm[W_NOPS]);
      long tid = bad >= 0 ? -12 : start_thread(comm[W_ARG]);
      comm[W_RESULT] = (uint32_t)tid;
      post(comm, tid > 0 ? K_DONE : K_FAILED);
    } else if (cmd == C_EXIT) {
      stub_sys(SYS_EXIT_GROUP, 0, 0, 0, 0, 0, 0);
    } else {
      post(comm, K_FAILED);
    }
  }
}
