// seccomp (include/uapi/linux/seccomp.h, audit.h) and classic BPF
// (include/uapi/linux/filter.h, bpf_common.h): modes, operations, filter
// flags, return actions, struct seccomp_data and the cBPF opcodes.

/** Modes (task->seccomp.mode, /proc/PID/status "Seccomp:", PR_GET_SECCOMP). */
export const SECCOMP_MODE_DISABLED = 0, SECCOMP_MODE_STRICT = 1, SECCOMP_MODE_FILTER = 2;

/** seccomp(2) operations. */
export const SECCOMP_SET_MODE_STRICT = 0, SECCOMP_SET_MODE_FILTER = 1, SECCOMP_GET_ACTION_AVAIL = 2,
  SECCOMP_GET_NOTIF_SIZES = 3;

/** SECCOMP_SET_MODE_FILTER flags. */
export const SECCOMP_FILTER_FLAG_TSYNC = 1, SECCOMP_FILTER_FLAG_LOG = 2, SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4,
  SECCOMP_FILTER_FLAG_NEW_LISTENER = 8, SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 32;

/** Filter return values: the action in the upper 16 bits, data in the lower 16. Compared as
 *  signed 32-bit numbers, the lowest action wins (KILL_PROCESS is negative). */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000, SECCOMP_RET_KILL_THREAD = 0, SECCOMP_RET_TRAP = 0x00030000,
  SECCOMP_RET_ERRNO = 0x00050000, SECCOMP_RET_USER_NOTIF = 0x7fc00000, SECCOMP_RET_TRACE = 0x7ff00000,
  SECCOMP_RET_LOG = 0x7ffc0000, SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000, SECCOMP_RET_DATA = 0x0000ffff;

/** si_code of the SIGSYS a TRAP (or a kill) raises. */
export const SYS_SECCOMP = 1;

/** AUDIT_ARCH_X86_64: EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
/** x32 system calls have this bit set in their number (arch is still AUDIT_ARCH_X86_64). */
export const X32_SYSCALL_BIT = 0x40000000;

/** struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]. */
export const SECCOMP_DATA_SIZE = 64;
export const SD_NR = 0, SD_ARCH = 4, SD_IP = 8, SD_ARGS = 16;
/** struct seccomp_notif (80), seccomp_notif_resp (24): what SECCOMP_GET_NOTIF_SIZES reports. */
export const SECCOMP_NOTIF_SIZE = 80, SECCOMP_NOTIF_RESP_SIZE = 24;

/** struct sock_fprog { unsigned short len; struct sock_filter *filter; } (16 bytes on x86_64). */
export const SOCK_FPROG_SIZE = 16;
/** struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } */
export const SOCK_FILTER_SIZE = 8;
/** BPF_MAXINSNS: the longest program one filter may have. */
export const BPF_MAXINSNS = 4096;
/** BPF_MEMWORDS: the scratch memory M[0..15]. */
export const BPF_MEMWORDS = 16;
/** seccomp's MAX_INSNS_PER_PATH: 256 KiB of instructions over a task's whole filter chain. */
export const MAX_INSNS_PER_PATH = (1 << 18) / SOCK_FILTER_SIZE;

// Classic BPF instruction classes and fields (bpf_common.h, filter.h).
export const BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03, BPF_ALU = 0x04, BPF_JMP = 0x05,
  BPF_RET = 0x06, BPF_MISC = 0x07;
export const BPF_W = 0x00, BPF_H = 0x08, BPF_B = 0x10;
export const BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_IND = 0x40, BPF_MEM = 0x60, BPF_LEN = 0x80, BPF_MSH = 0xa0;
export const BPF_ADD = 0x00, BPF_SUB = 0x10, BPF_MUL = 0x20, BPF_DIV = 0x30, BPF_OR = 0x40, BPF_AND = 0x50,
  BPF_LSH = 0x60, BPF_RSH = 0x70, BPF_NEG = 0x80, BPF_MOD = 0x90, BPF_XOR = 0xa0;
export const BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_JSET = 0x40;
export const BPF_K = 0x00, BPF_X = 0x08, BPF_A = 0x10;
export const BPF_TAX = 0x00, BPF_TXA = 0x80;
