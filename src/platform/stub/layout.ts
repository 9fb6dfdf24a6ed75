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
