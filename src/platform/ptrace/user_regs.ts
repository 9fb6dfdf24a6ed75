// struct user_regs_struct (x86_64, <sys/user.h>): 27 u64, held as uint32 halves like
// Regs. PTRACE_GETREGS/SETREGS move it in one call (measured cheaper here than
// GETREGSET NT_PRSTATUS).
import {
  FS_BASE, GS_BASE, ORIG_RAX, R10, R11, R12, R13, R14, R15, R8, R9, RAX, RBP, RBX, RCX, RDI, RDX, RFLAGS, RIP, RSI, RSP,
} from '../regs';

export const USER_REGS_WORDS = 27 * 2;
export const UR_R15 = 0, UR_R14 = 1, UR_R13 = 2, UR_R12 = 3, UR_RBP = 4, UR_RBX = 5, UR_R11 = 6, UR_R10 = 7,
  UR_R9 = 8, UR_R8 = 9, UR_RAX = 10, UR_RCX = 11, UR_RDX = 12, UR_RSI = 13, UR_RDI = 14, UR_ORIG_RAX = 15,
  UR_RIP = 16, UR_CS = 17, UR_EFLAGS = 18, UR_RSP = 19, UR_SS = 20, UR_FS_BASE = 21, UR_GS_BASE = 22,
  UR_DS = 23, UR_ES = 24, UR_FS = 25, UR_GS = 26;

/** User-mode selectors of a 64-bit process (Linux's __USER_CS and __USER_DS). */
export const USER_CS = 0x33, USER_DS = 0x2b;

/** user_regs_struct slot of each Regs index (RAX..RFLAGS, ORIG_RAX, FS_BASE, GS_BASE). */
const SLOT = new Uint8Array(21);
{
  const pairs: [number, number][] = [
    [RAX, UR_RAX], [RBX, UR_RBX], [RCX, UR_RCX], [RDX, UR_RDX], [RSI, UR_RSI], [RDI, UR_RDI], [RSP, UR_RSP],
    [RBP, UR_RBP], [R8, UR_R8], [R9, UR_R9], [R10, UR_R10], [R11, UR_R11], [R12, UR_R12], [R13, UR_R13],
    [R14, UR_R14], [R15, UR_R15], [RIP, UR_RIP], [RFLAGS, UR_EFLAGS], [ORIG_RAX, UR_ORIG_RAX],
    [FS_BASE, UR_FS_BASE], [GS_BASE, UR_GS_BASE],
  ];
  for (const [r, s] of pairs) SLOT[r] = s;
}

/** Task registers -> user_regs_struct. orig_rax is -1 so the host never applies its own
 *  syscall-restart rules to a stopped stub; selectors are the user ones, always. */
export function toUserRegs(regs: Uint32Array, ur: Uint32Array): void {
  for (let r = 0; r < 21; r++) {
    const s = SLOT[r]!;
    ur[2 * s] = regs[2 * r]!;
    ur[2 * s + 1] = regs[2 * r + 1]!;
  }
  ur[2 * UR_ORIG_RAX] = 0xffffffff; ur[2 * UR_ORIG_RAX + 1] = 0xffffffff;
  ur[2 * UR_CS] = USER_CS; ur[2 * UR_CS + 1] = 0;
  ur[2 * UR_SS] = USER_DS; ur[2 * UR_SS + 1] = 0;
  ur.fill(0, 2 * UR_DS, 2 * UR_GS + 2);
}

/** user_regs_struct -> task registers (orig_rax included). */
export function fromUserRegs(ur: Uint32Array, regs: Uint32Array): void {
  for (let r = 0; r < 21; r++) {
    const s = SLOT[r]!;
    regs[2 * r] = ur[2 * s]!;
    regs[2 * r + 1] = ur[2 * s + 1]!;
  }
}
