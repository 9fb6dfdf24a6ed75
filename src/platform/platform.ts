// The platform boundary (DESIGN.md): the kernel runs tasks through a Platform and
// edits their address spaces through AddressSpace. Nothing here knows about KVM,
// ptrace or systrap; nothing in a platform knows about syscalls or files.
import type { MemFd } from '../native';
import type { Regs } from './regs';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

/** Physical memory as the platform sees it: frames of the sandbox's MemoryFile. */
export interface PhysMemory {
  readonly memfd: MemFd;
  readonly size: number;
  /** A zeroed 4 KiB frame for a page table that no guest has ever walked; returns its address. */
  allocTableFrame(): number;
  /** Returns a page-table frame; it will not be handed out as a table again. */
  freeTableFrame(pa: number): void;
  /** The 1 GiB window holding pa, as 32-bit words; index with wordIndex(pa). */
  words(pa: number): Uint32Array;
  bytes(pa: number): Uint8Array;
}
export const WINDOW_SHIFT = 30;
export const WINDOW_SIZE = 2 ** WINDOW_SHIFT;
export function wordIndex(pa: number): number { return (pa % WINDOW_SIZE) / 4; }
export function byteIndex(pa: number): number { return pa % WINDOW_SIZE; }

/** One process's address space on the platform. Ranges are page aligned. */
export interface AddressSpace {
  /** Maps [va, va+len) to MemoryFile [pa, pa+len) with prot; huge: len and both addresses 2 MiB aligned. */
  map(va: number, pa: number, len: number, prot: number, huge: boolean): void;
  unmap(va: number, len: number): void;
  /** Changes protection of mapped pages in the range (unmapped pages stay unmapped). */
  protect(va: number, len: number, prot: number): void;
  /** Frees the platform's resources for this address space. */
  destroy(): void;
}

/** Per-task FPU/SSE/AVX state, opaque to the kernel. */
export interface FpuState { readonly platformState: unknown }

/** What the kernel hands Platform.run: the task's registers, FPU state and address space. */
export interface RunContext {
  regs: Regs;
  fpu: FpuState;
  as: AddressSpace;
}

export const EV_SYSCALL = 1, EV_FAULT = 2, EV_INTERRUPTED = 3, EV_PANIC = 4;

/** CPU exception vectors as events report them. */
export const VEC_DE = 0, VEC_DB = 1, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5, VEC_UD = 6, VEC_NM = 7,
  VEC_DF = 8, VEC_TS = 10, VEC_NP = 11, VEC_SS = 12, VEC_GP = 13, VEC_PF = 14, VEC_MF = 16,
  VEC_AC = 17, VEC_MC = 18, VEC_XM = 19;

/** Page-fault error code bits. */
export const PF_PRESENT = 1, PF_WRITE = 2, PF_USER = 4, PF_INSTR = 16;

/** The event Platform.run returns; preallocated and reused (no allocation per exit). */
export class PlatformEvent {
  kind = 0;
  vector = 0;
  errorCode = 0;
  faultAddr = 0;
  /** For EV_PANIC: what went wrong (a platform or kernel bug, never guest behaviour). */
  message = '';
}

export interface Platform {
  readonly name: string;
  /** A page fault may now and then report an address the guest never touched (measured on PVM
   *  hosts, see kvm_platform.ts): the kernel retries a fault with no mapping once, at the same
   *  instruction, before it raises SIGSEGV. */
  readonly faultAddrUnreliable?: boolean;
  /** Highest user address + 1 (the top of the user half). */
  readonly userTop: number;
  newAddressSpace(): AddressSpace;
  newFpuState(): FpuState;
  /** Runs ctx until it makes a syscall, faults, or is interrupted; regs are updated in place. */
  run(ctx: RunContext): PlatformEvent;
  /** Arms a one-shot preemption tick (ns; 0 disarms) that interrupts run(). */
  armTick(ns: number): void;
  /** No task is runnable: the kernel waits for the host. Optional: systrap's stub stops
   *  polling for a command. */
  idle?(): void;
  /** Bytes of the XSAVE image a signal frame holds (ring-3 CPUID 0xD.0 EBX), and XCR0's halves. */
  readonly fpuFrameSize: number;
  readonly xfeaturesLo: number;
  readonly xfeaturesHi: number;
  /** Writes fpu's state (XSAVE standard format) into out. */
  saveFpu(fpu: FpuState, out: Uint8Array): void;
  /** Loads fpu's state from an XSAVE image (sigreturn); false when the image is invalid. */
  loadFpu(fpu: FpuState, image: Uint8Array): boolean;
  /** A handler starts with a clean FPU state (Linux's fpu__clear_user_states). */
  resetFpuForHandler(fpu: FpuState): void;
  /** Copies from's state into to (fork/clone). */
  copyFpu(from: FpuState, to: FpuState): void;
  /** The task owning fpu has exited: what the platform holds for it (a trap platform's stub
   *  thread) is free for another task. Optional: KVM holds nothing per task. */
  releaseFpu?(fpu: FpuState): void;
  /** Counters for --stats: exits and host time outside the guest. */
  stats(): Record<string, number>;
  /** Guest TSC minus host TSC: what ring-3 rdtsc reads in the guest, against the host's
   *  (the vDSO's time page is in guest TSC). Absent: the guest reads the host's TSC. */
  tscOffset?(): number;
  close(): void;
}
