// Where the stub process keeps its own pages (stub.S, built by binding.gyp with its
// text at STUB_CODE). The range [STUB_BASE, STUB_END) is above the guest's reach:
// the trap platforms report userTop = STUB_BASE, so the kernel never maps there.
// 64 GiB below the top of the host's user space: above any stack or mmap placement
// a static executable gets at exec, so the stub's fixed mapping never collides.
import * as path from 'path';

export const STUB_BASE = 0x7ff000000000;
export const STUB_END = 0x7ff000000000 + 0x5000000;
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
/** Stub threads per stub process (systrap: one comm page and one stack area each). */
export const MAX_STUB_THREADS = 1024;
/** Stub thread k's shared page (comm words: systrap_platform.ts) is at COMM_VA + k * 4096. */
export const COMM_VA = STUB_BASE + 0x400000;
/** The FPU image crosses here (inside the shared request pages, after 12 pages of requests). */
export const FPU_VA = REQ_VA + 12 * 4096;
export const SYSTRAP_REQ_CAPACITY = 12 * REQ_PER_PAGE;
/** Stub thread k's stack area, ALTSTACK_VA + k * ALTSTACK_SIZE (anonymous, private to each stub,
 *  reserved for every thread up front, touched only as used): a first page holding the thread's
 *  private words and the short stack it starts on, then its signal stack (ALTSTACK_SIGSTACK_OFF). */
export const ALTSTACK_VA = STUB_BASE + 0x1000000;
export const ALTSTACK_SIZE = 0x10000;
export const ALTSTACK_SIGSTACK_OFF = 0x1000;
