// What the two trap platforms (ptrace, systrap) share about their tasks: the
// per-task FPU holder and the options they are built with.
import type { FpuState, PhysMemory } from '../platform';

/** Per-task FPU state: the XSAVE image, live in at most one stub thread (loc). */
export class StubFpu<Loc> implements FpuState {
  readonly platformState: Uint8Array;
  initialized = false;
  loc: Loc | null = null;
  constructor(size: number) { this.platformState = new Uint8Array(size); }
}

export interface TrapPlatformOptions {
  memory: PhysMemory;
  stats?: boolean;
  /** Pin the stubs and this thread to this CPU (-1: leave placement to the host).
   *  Default: ptrace, the CPU this thread runs on; systrap, the host's placement (its
   *  hand-offs poll across CPUs, which beats sharing one). */
  cpu?: number;
}
