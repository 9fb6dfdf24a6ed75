// The round trip of one trapped syscall on a platform, measured through the
// Platform interface itself (what the kernel pays per syscall, minus the
// handler): a two-instruction guest loop `mov eax, 110; syscall; jmp` (getppid)
// run for a fixed count. Used by `tsvisor doctor` and --platform=auto.
import { PROT_EXEC, PROT_READ, PROT_WRITE, EV_SYSCALL, type PhysMemory, type Platform } from './platform';
import { RAX, RIP, RSP, Regs } from './regs';

export interface FrameSource extends PhysMemory { alloc4K(): number }

/** Median nanoseconds per round trip over `rounds` rounds of `count` syscalls each. */
export function measureRoundTrip(p: Platform, mem: FrameSource, count = 500, rounds = 3): number {
  const as = p.newAddressSpace();
  const code = mem.alloc4K(), stack = mem.alloc4K();
  if (code < 0 || stack < 0) throw new Error('no memory for the measurement');
  // mov eax, 110 ; syscall ; jmp -9
  mem.bytes(code).set([0xb8, 110, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7], code % 2 ** 30);
  as.map(0x400000, code, 4096, PROT_READ | PROT_EXEC, false);
  as.map(0x7fff0000, stack, 4096, PROT_READ | PROT_WRITE, false);
  const regs = new Regs();
  regs.set(RIP, 0x400000);
  regs.set(RSP, 0x7fff0ff0);
  const ctx = { regs, fpu: p.newFpuState(), as };
  const one = (): void => {
    for (;;) {
      const ev = p.run(ctx);
      if (ev.kind === EV_SYSCALL) { regs.set(RAX, 1); return; }
      if (ev.kind !== 3 /* EV_INTERRUPTED */) throw new Error(`measurement: unexpected event ${ev.kind} ${ev.message}`);
    }
  };
  for (let i = 0; i < 20; i++) one(); // warm up
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) one();
    per.push(Number(process.hrtime.bigint() - t0) / count);
  }
  as.destroy();
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)]!;
}
