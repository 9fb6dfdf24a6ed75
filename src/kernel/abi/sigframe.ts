// The x86_64 rt_sigframe (arch/x86/include/asm/sigframe.h, uapi sigcontext.h,
// ucontext.h, siginfo.h): byte offsets within the frame.
//   rt_sigframe { char *pretcode; struct ucontext uc; struct siginfo info; }
//   ucontext    { u64 uc_flags; ucontext *uc_link; stack_t uc_stack (24); sigcontext (256); sigset_t (8) }
export const FRAME_PRETCODE = 0;
export const FRAME_UC = 8;
export const UC_FLAGS = FRAME_UC + 0;
export const UC_LINK = FRAME_UC + 8;
export const UC_STACK = FRAME_UC + 16;        // ss_sp, ss_flags (int + pad), ss_size
export const UC_MCONTEXT = FRAME_UC + 40;     // struct sigcontext
export const UC_SIGMASK = FRAME_UC + 296;
export const FRAME_INFO = FRAME_UC + 304;     // struct siginfo, 128 bytes
export const FRAME_SIZE = FRAME_INFO + 128;   // 440

/** struct sigcontext field offsets (relative to UC_MCONTEXT), in order r8 .. reserved1. */
export const SC_R8 = 0, SC_R9 = 8, SC_R10 = 16, SC_R11 = 24, SC_R12 = 32, SC_R13 = 40, SC_R14 = 48, SC_R15 = 56,
  SC_RDI = 64, SC_RSI = 72, SC_RBP = 80, SC_RBX = 88, SC_RDX = 96, SC_RAX = 104, SC_RCX = 112, SC_RSP = 120,
  SC_RIP = 128, SC_EFLAGS = 136, SC_CS = 144, SC_GS = 146, SC_FS = 148, SC_SS = 150, SC_ERR = 152,
  SC_TRAPNO = 160, SC_OLDMASK = 168, SC_CR2 = 176, SC_FPSTATE = 184;

export const UC_FP_XSTATE = 1, UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;

/** fpstate software bytes (struct _fpx_sw_bytes at offset 464 of the FXSAVE area). */
export const FP_SW_BYTES = 464;
export const FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2 = 0x46505845;
export const FP_XSTATE_MAGIC2_SIZE = 4;

/** siginfo field offsets (the _sifields union starts at 16). */
export const SI_SIGNO = 0, SI_ERRNO = 4, SI_CODE = 8, SI_PID = 16, SI_UID = 20, SI_STATUS = 24,
  SI_UTIME = 32, SI_STIME = 40, SI_VALUE = 24, SI_ADDR = 16, SI_TIMERID = 16, SI_OVERRUN = 20;
/** _sigsys (SIGSYS from seccomp): si_call_addr, si_syscall, si_arch. */
export const SI_CALL_ADDR = 16, SI_SYSCALL = 24, SI_ARCH = 28;
export const SIGINFO_SIZE = 128;

/** Signal action flags. */
export const SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_ONSTACK = 0x08000000,
  SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000, SA_RESTORER = 0x04000000;
export const SIG_DFL = 0, SIG_IGN = 1;

/** CLD_* codes for SIGCHLD. */
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5, CLD_CONTINUED = 6;
