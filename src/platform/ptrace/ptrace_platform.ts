// The ptrace platform (DESIGN.md, trap platforms): every guest address space is a
// stub process; a task runs in its address space's stub thread under
// PTRACE_SYSEMU, so each syscall stops before the host runs it (none ever does)
// and each fault arrives as a signal-delivery stop. Registers move with
// GETREGS/SETREGS, the FPU/SSE/AVX state with GETREGSET/SETREGSET NT_X86_XSTATE
// when the stub thread changes task. Every ptrace call comes from the main thread,
// the tracer; the waits are synchronous.
import { addon } from '../../native';
import {
  EV_FAULT, EV_INTERRUPTED, EV_PANIC, EV_SYSCALL, PF_INSTR, PF_PRESENT, PF_USER, PF_WRITE, PlatformEvent,
  PROT_EXEC, PROT_WRITE, VEC_AC, VEC_BP, VEC_DB, VEC_DE, VEC_GP, VEC_OF, VEC_PF, VEC_SS, VEC_UD, VEC_XM,
  type AddressSpace, type FpuState, type Platform, type RunContext,
} from '../platform';
import { ORIG_RAX, RAX, RCX, RIP, RSP } from '../regs';
import { REQ_CAPACITY, STUB_BASE } from '../stub/layout';
import { OP_WORDS, TrapAddressSpace } from './address_space';
import { PTRACE_SYSEMU, StubError, Stubs, type Stub, type StubThread } from './stubs';
import { fromUserRegs, toUserRegs, UR_ORIG_RAX, USER_REGS_WORDS } from './user_regs';
import { fromHalves } from '../u64';
import { StubFpu, type TrapPlatformOptions } from '../stub/trap_state';

const pt = addon.ptrace;
/** Real-time signal of the preemption tick (KVM uses 40; Node uses none of them). */
export const PTRACE_TICK_SIGNAL = 41;
const SIGTRAP = 5, SIGILL = 4, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11, SIGSYS = 31, SYS_SECCOMP = 1;
const AUDIT_ARCH_I386 = 0x40000003;
/** The host's legacy vsyscall page, 0xffffffffff600000, as a signed Number (src/platform/u64.ts). */
const VSYSCALL_PAGE = -0xa00000;
const SI_KERNEL = 0x80, SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, FPE_INTDIV = 1, FPE_INTOVF = 2, TRAP_TRACE = 2;

const PtraceFpu = StubFpu<StubThread>;
type PtraceFpu = StubFpu<StubThread>;

export type PtraceOptions = TrapPlatformOptions;

export class PtracePlatform implements Platform {
  readonly name = 'ptrace';
  /** The stub's own pages start here (src/platform/stub/layout.ts). */
  readonly userTop = STUB_BASE;
  private readonly stubs: Stubs;
  private readonly event = new PlatformEvent();
  private readonly ur = new Uint32Array(USER_REGS_WORDS);
  private readonly status = new Int32Array(1);
  private readonly siginfo = new Int32Array(32);
  private readonly xsize: number;
  private readonly xcr0Lo: number;
  private readonly xcr0Hi: number;
  private readonly mxcsrMask: number;
  private readonly fpuCheck: Uint8Array;
  private readonly statsOn: boolean;
  private readonly counters = { exits: 0, syscalls: 0, faults: 0, interrupts: 0, fpuSwitches: 0, guestMs: 0 };

  constructor(opts: PtraceOptions) {
    this.statsOn = !!opts.stats;
    // By default this thread and the stubs share the CPU this thread runs on now: every
    // ptrace hand-off sleeps, and across CPUs each one waits for a wake-up IPI (getppid
    // 13 µs on one CPU against about 60 µs across two on the nested host we measured).
    let cpu = opts.cpu ?? pt.getCpu();
    if (cpu >= 0 && pt.setAffinity(0, cpu) < 0) cpu = -1;
    const r = pt.tickInit(PTRACE_TICK_SIGNAL);
    if (r < 0) throw new Error(`preemption timer: errno ${-r}`);
    this.stubs = new Stubs(opts.memory, PTRACE_TICK_SIGNAL, cpu);
    const init = this.stubs.initialXstate;
    this.xsize = init.length;
    const dv = new DataView(init.buffer, init.byteOffset, init.byteLength);
    // The regset's sw_reserved bytes start with XCR0 (Linux's USER_XSTATE_XCR0_WORD).
    this.xcr0Lo = dv.getUint32(464, true) || 3;
    this.xcr0Hi = dv.getUint32(464 + 4, true);
    const mask = dv.getUint32(28, true);
    this.mxcsrMask = mask === 0 ? 0xffbf : mask;
    this.fpuCheck = new Uint8Array(this.xsize);
  }

  newAddressSpace(): AddressSpace {
    return new TrapAddressSpace(this.stubs.acquire(), (as) => { if (as.opCount >= REQ_CAPACITY) this.flush(as); },
      (as) => this.releaseStub(as.stub));
  }

  private releaseStub(s: Stub): void {
    for (const th of s.threads) {
      const owner = th.fpuOwner as PtraceFpu | null;
      if (owner) this.detachFpu(owner);
    }
    this.stubs.release(s);
  }

  /** The thread of stub s that runs the task owning f: the one already holding f's state, else
   *  a free one (or a new one) that f's state is loaded into. */
  private threadFor(s: Stub, f: PtraceFpu): StubThread {
    const loc = f.loc;
    if (loc !== null && loc.stub === s) return loc;
    let th: StubThread | null = null;
    for (const x of s.threads) if (x.fpuOwner === null) { th = x; break; }
    if (th === null) th = this.stubs.spawnThread(s);
    this.loadFpuInto(th, f);
    return th;
  }

  releaseFpu(fpu: FpuState): void {
    const f = fpu as PtraceFpu;
    if (f.loc !== null) { f.loc.fpuOwner = null; f.loc = null; }
  }

  /** Runs the address space's queued host calls in its stub. */
  private flush(as: TrapAddressSpace): void {
    const n = as.opCount, o = as.ops;
    as.opCount = 0;
    for (let i = 0; i < n; i++) {
      const j = i * OP_WORDS;
      this.stubs.put(i, o[j]!, o[j + 1]!, o[j + 2]!, o[j + 3]!, o[j + 4]!, o[j + 5]!, o[j + 6]!);
    }
    const failed = this.stubs.runBatch(as.stub, n);
    if (failed >= 0) {
      const j = failed * OP_WORDS;
      throw new StubError(`host call ${o[j]} (0x${o[j + 1]!.toString(16)}, 0x${o[j + 2]!.toString(16)}) in the stub failed: ${this.stubs.result(failed)}`);
    }
  }

  newFpuState(): FpuState { return new PtraceFpu(this.xsize); }
  get fpuFrameSize(): number { return this.xsize; }
  get xfeaturesLo(): number { return this.xcr0Lo; }
  get xfeaturesHi(): number { return this.xcr0Hi; }

  /** Copies f's live state out of its stub (it stays live there). */
  private syncFpu(f: PtraceFpu): void {
    if (f.loc === null) return;
    const n = pt.getXstate(f.loc.tid, f.platformState);
    if (n < 0) throw new StubError(`PTRACE_GETREGSET NT_X86_XSTATE: errno ${-n}`);
  }

  private detachFpu(f: PtraceFpu): void {
    if (f.loc === null) return;
    this.syncFpu(f);
    f.loc.fpuOwner = null;
    f.loc = null;
  }

  /** Makes f the state of stub thread s. */
  private loadFpuInto(s: StubThread, f: PtraceFpu): void {
    const owner = s.fpuOwner as PtraceFpu | null;
    if (owner) this.detachFpu(owner);
    if (f.loc !== null) this.detachFpu(f);
    if (!f.initialized) { f.platformState.set(this.stubs.initialXstate); f.initialized = true; }
    if (pt.setXstate(s.tid, f.platformState, this.xsize) < 0) {
      // An image the host refuses (it was checked as Linux checks a signal frame): start clean.
      f.platformState.set(this.stubs.initialXstate);
      pt.setXstate(s.tid, f.platformState, this.xsize);
    }
    f.loc = s;
    s.fpuOwner = f;
    this.counters.fpuSwitches++;
  }

  saveFpu(fpu: FpuState, out: Uint8Array): void {
    const f = fpu as PtraceFpu;
    this.syncFpu(f);
    const src = f.initialized ? f.platformState : this.stubs.initialXstate;
    out.set(src.subarray(0, Math.min(out.length, this.xsize)));
  }

  loadFpu(fpu: FpuState, image: Uint8Array): boolean {
    const f = fpu as PtraceFpu;
    const img = this.fpuCheck;
    img.set(this.stubs.initialXstate);
    img.set(image.subarray(0, Math.min(this.xsize, image.length)));
    const dv = new DataView(img.buffer);
    // As Linux: MXCSR reserved bits make the image invalid; XSTATE_BV keeps enabled features
    // only; the compaction and reserved header words are cleared.
    if (dv.getUint32(24, true) & ~this.mxcsrMask) return false;
    dv.setUint32(512, dv.getUint32(512, true) & this.xcr0Lo, true);
    dv.setUint32(516, dv.getUint32(516, true) & this.xcr0Hi, true);
    for (let o = 520; o < 576; o += 4) dv.setUint32(o, 0, true);
    if (f.loc !== null && pt.setXstate(f.loc.tid, img, this.xsize) < 0) return false;
    f.platformState.set(img);
    f.initialized = true;
    return true;
  }

  resetFpuForHandler(fpu: FpuState): void {
    const f = fpu as PtraceFpu;
    f.platformState.set(this.stubs.initialXstate);
    f.initialized = true;
    if (f.loc !== null) pt.setXstate(f.loc.tid, f.platformState, this.xsize);
  }

  copyFpu(from: FpuState, to: FpuState): void {
    const a = from as PtraceFpu, b = to as PtraceFpu;
    this.syncFpu(a);
    b.platformState.set(a.initialized ? a.platformState : this.stubs.initialXstate);
    b.initialized = true;
    if (b.loc !== null) pt.setXstate(b.loc.tid, b.platformState, this.xsize);
  }

  armTick(ns: number): void { pt.tickArm(ns); }

  run(ctx: RunContext): PlatformEvent {
    const ev = this.event;
    try {
      return this.runOnce(ctx);
    } catch (e) {
      if (!(e instanceof StubError)) throw e;
      ev.kind = EV_PANIC;
      ev.message = e.message;
      return ev;
    }
  }

  private runOnce(ctx: RunContext): PlatformEvent {
    const ev = this.event, as = ctx.as as TrapAddressSpace, ur = this.ur;
    if (as.opCount > 0) this.flush(as);
    if (this.stubs.tickSwallowed) {
      // The tick landed while a host call ran in a stub: it still preempts this task.
      this.stubs.tickSwallowed = false;
      this.counters.interrupts++;
      ev.kind = EV_INTERRUPTED;
      return ev;
    }
    const th = this.threadFor(as.stub, ctx.fpu as PtraceFpu), pid = th.tid;
    toUserRegs(ctx.regs.u32, ur);
    if (pt.setRegs(pid, ur) < 0) {
      // The host refuses the register set (an fs_base beyond user space): a #GP, as the
      // CPU would raise returning to such a state.
      ev.kind = EV_FAULT; ev.vector = VEC_GP; ev.errorCode = 0; ev.faultAddr = 0;
      return ev;
    }
    const t0 = this.statsOn ? performance.now() : 0;
    let r = pt.resume(PTRACE_SYSEMU, pid, 0);
    if (r < 0) throw new StubError(`PTRACE_SYSEMU on stub ${pid}: errno ${-r}`);
    r = pt.wait(pid, this.status);
    if (this.statsOn) this.counters.guestMs += performance.now() - t0;
    if (r !== pid) throw new StubError(`waitpid on stub ${pid}: errno ${-r}`);
    this.counters.exits++;
    const st = this.status[0]!;
    if ((st & 0xff) !== 0x7f) {
      const why = (st & 0x7f) === 0 ? `exited with status ${(st >> 8) & 0xff}` : `was killed by signal ${st & 0x7f}`;
      throw new StubError(`stub process ${pid} ${why}`);
    }
    r = pt.getRegs(pid, ur);
    if (r < 0) throw new StubError(`PTRACE_GETREGS on stub ${pid}: errno ${-r}`);
    fromUserRegs(ur, ctx.regs.u32);
    const sig = (st >> 8) & 0xff;
    if (sig === (SIGTRAP | 0x80)) {
      // A syscall-entry stop: RAX holds -ENOSYS, orig_rax the number (the kernel reads
      // ORIG_RAX and, as on KVM, finds the number in RAX too, for restarts).
      const regs = ctx.regs.u32;
      // `syscall` leaves RCX = RIP. Otherwise it may be `int $0x80`, the i386 entry, which
      // tsvisor does not offer: a #GP (Linux without IA32 emulation; KVM here too).
      if ((regs[2 * RCX] !== regs[2 * RIP] || regs[2 * RCX + 1] !== regs[2 * RIP + 1]) &&
          pt.syscallArch(pid) === AUDIT_ARCH_I386) {
        ctx.regs.set(RIP, ctx.regs.get(RIP) - 2);
        ev.kind = EV_FAULT; ev.vector = VEC_GP; ev.errorCode = 0x80 * 8 + 2; ev.faultAddr = 0;
        this.counters.faults++;
        return ev;
      }
      regs[2 * RAX] = ur[2 * UR_ORIG_RAX]!; regs[2 * RAX + 1] = ur[2 * UR_ORIG_RAX + 1]!;
      regs[2 * ORIG_RAX] = ur[2 * UR_ORIG_RAX]!; regs[2 * ORIG_RAX + 1] = ur[2 * UR_ORIG_RAX + 1]!;
      this.counters.syscalls++;
      ev.kind = EV_SYSCALL;
      return ev;
    }
    if (st >>> 16 === 0 && (sig === SIGSEGV || sig === SIGBUS || sig === SIGILL || sig === SIGFPE || sig === SIGTRAP || sig === SIGSYS)) {
      if (this.decodeFault(ctx, as, pid, sig)) { this.counters.faults++; return ev; }
    }
    // The tick, or a stop the guest did not cause (another host process's signal): the
    // signal is suppressed (the next resume passes none) and the kernel gets control.
    this.counters.interrupts++;
    ev.kind = EV_INTERRUPTED;
    return ev;
  }

  /** A synchronous signal in the stub -> the CPU exception the kernel expects. Linux's
   *  page-fault error code is not reported by ptrace: it is rebuilt from si_code and what
   *  the stub has mapped (SEGV_ACCERR: the page is present; the access was a fetch when
   *  the page lacks PROT_EXEC and the address is the instruction's, else a write, since a
   *  present page denies reads only when it has no access at all). */
  private decodeFault(ctx: RunContext, as: TrapAddressSpace, tid: number, sig: number): boolean {
    const ev = this.event, si = this.siginfo;
    if (pt.getSiginfo(tid, si) < 0) return false;
    const code = si[2]!;
    if (code <= 0) return false; // sent by a process (SI_USER, SI_TKILL, SI_QUEUE): not a fault
    const addr = fromHalves(si[4]! >>> 0, si[5]! >>> 0);
    ev.kind = EV_FAULT; ev.errorCode = 0; ev.faultAddr = 0;
    switch (sig) {
      case SIGSEGV:
        if (code === SEGV_MAPERR || code === SEGV_ACCERR) {
          ev.vector = VEC_PF;
          ev.faultAddr = addr;
          ev.errorCode = PF_USER;
          if (code === SEGV_ACCERR) {
            const prot = as.mappedProt(addr) - 1;
            const rip = ctx.regs.get(RIP);
            ev.errorCode |= PF_PRESENT;
            if (prot >= 0 && !(prot & PROT_EXEC) && addr >= rip && addr < rip + 16) ev.errorCode |= PF_INSTR;
            else if (prot > 0 && !(prot & PROT_WRITE)) ev.errorCode |= PF_WRITE;
          }
        } else ev.vector = VEC_GP; // SI_KERNEL: #GP (privileged instruction, bad address)
        return true;
      case SIGBUS: ev.vector = code === BUS_ADRALN ? VEC_AC : VEC_SS; return true;
      case SIGILL: ev.vector = VEC_UD; return true;
      case SIGFPE: ev.vector = code === FPE_INTDIV ? VEC_DE : code === FPE_INTOVF ? VEC_OF : VEC_XM; return true;
      case SIGTRAP: ev.vector = code === SI_KERNEL ? VEC_BP : code === TRAP_TRACE ? VEC_DB : VEC_DB; return true;
      case SIGSYS: {
        // The stub's filter trapped the host's vsyscall emulation (a call into the legacy
        // vsyscall page). The host already emulated the `ret`: undo it and report what the
        // guest gets on KVM, a fetch fault at the call's address.
        if (code !== SYS_SECCOMP || addr < VSYSCALL_PAGE || addr >= VSYSCALL_PAGE + 4096) return false;
        ctx.regs.set(RIP, addr);
        ctx.regs.set(RSP, ctx.regs.get(RSP) - 8);
        ev.vector = VEC_PF; ev.faultAddr = addr; ev.errorCode = PF_USER | PF_INSTR;
        return true;
      }
    }
    return false;
  }

  stats(): Record<string, number> {
    return { ...this.counters, stubForks: this.stubs.forks, stubThreads: this.stubs.threadsMade, batches: this.stubs.batches, batchedOps: this.stubs.batchedOps };
  }

  close(): void {
    pt.tickArm(0);
    this.stubs.close();
  }
}
