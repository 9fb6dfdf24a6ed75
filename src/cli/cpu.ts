// What the guest's auxv says about the CPU (ring 3 sees the real CPU on every platform).
import { host } from '../native';
import type { CpuFacts } from '../kernel/loader';

/** Signal frame space beyond the XSAVE area: rt_sigframe (ucontext + siginfo) plus alignment. */
const SIGFRAME_OVERHEAD = 440 + 64 + 4;

export function cpuFacts(): CpuFacts {
  const r = new Uint32Array(4);
  host.cpuid(1, 0, r);
  const hwcap = r[3]!;
  host.cpuid(7, 0, r);
  const hwcap2 = (r[1]! & 1) ? 2 : 0; // HWCAP2_FSGSBASE when the CPU has it (CR4.FSGSBASE is set)
  host.cpuid(0xd, 0, r);
  const xsave = r[1]! || 512;
  return { hwcap, hwcap2, minSigStkSz: xsave + SIGFRAME_OVERHEAD };
}
