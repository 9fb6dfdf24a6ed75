// Where the stub process keeps its own pages (stub.S, built by binding.gyp with its
// text at STUB_CODE). The range [STUB_BASE, STUB_END) is above the guest's reach:
// the trap platforms report userTop = STUB_BASE, so the kernel never maps there.
// 64 GiB below the top of the host's user space: above any stack or mmap placement
// a static executable gets at exec, so the stub's fixed mapping never collides.
import * as path from 'path';

export const STUB_BASE = 0x7ff000000000;
export const STUB_END = 0x7ff000000000 + 0x1000000;
/** The stub's text (stub.S): fixed entry offsets. */
export const STUB_CODE = STUB_BASE + 0x1000;
/** `syscall; int3`: one host syscall from the registers the tracer set. */
export const STUB_SYSCALL_ONE = STUB_CODE + 0x10;
/** The batch loop: r12 = first request, r13 = count; `int3` after the last or the first failure. */
export const STUB_BATCH = STUB_CODE + 0x20;
/** Request entries: nr, six arguments, result (u64 each). */
export const REQ_ENTRY_BYTES = 64;
export const REQ_VA = STUB_BASE + 0x100000;
export const REQ_PAGES = 16;
export const REQ_PER_PAGE = 4096 / REQ_ENTRY_BYTES;
export const REQ_CAPACITY = REQ_PAGES * REQ_PER_PAGE;

/** The stub executable built next to the addon. */
export function stubPath(): string {
  return path.join(__dirname, '..', '..', '..', '..', 'build', 'Release', 'stub');
}

// ---- systrap (systrap.c and the entries at the end of stub.S)
/** The signal handler, its restorer, the idle loop and the one allowed syscall instruction. */
export const STUB_SYSTRAP_ENTRY = STUB_CODE + 0x80;
export const STUB_SYSTRAP_RESTORER = STUB_CODE + 0x90;
export const STUB_SYSTRAP_IDLE = STUB_CODE + 0xa0;
/** RIP after stub_sys_insn's `syscall` (what seccomp sees as instruction_pointer). */
export const STUB_SYS_RET = STUB_CODE + 0xca;
/** Per-stub shared page (comm words: systrap_platform.ts). */
export const COMM_VA = STUB_BASE + 0x200000;
/** The FPU image crosses here (inside the shared request pages, after 12 pages of requests). */
export const FPU_VA = REQ_VA + 12 * 4096;
/** Offset in that area of the second image slot: the outgoing thread's, on a switch (systrap.c). */
export const FPU_SAVE_OFF = 6144;
export const SYSTRAP_REQ_CAPACITY = 12 * REQ_PER_PAGE;
/** The handler's stack (anonymous, private to each stub). */
export const ALTSTACK_VA = STUB_BASE + 0x300000;
export const ALTSTACK_SIZE = 0x10000;
