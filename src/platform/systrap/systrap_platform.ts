// The systrap platform (DESIGN.md, trap platforms): like ptrace, every guest address
// space is a stub process forked from a template, but the stub runs free, under a
// seccomp filter that turns each guest syscall into SIGSYS. Its handler
// (src/platform/stub/systrap.c, on a sigaltstack, every signal masked) copies the
// registers into its thread's comm page (a MemoryFile frame) and hands off through a
// cross-process futex; tsvisor's main thread waits in native code, handles the
// event, writes the reply (registers, FPU image, fs_base, queued mmap requests)
// and wakes the handler, which returns through rt_sigreturn. Faults arrive through
// the same handler with the CPU's vector, error code and address. Stubs are still
// created with ptrace (fork of the template, set-up calls), then detached. Each guest
// thread runs in a thread of its process's stub (started by the stub itself, C_THREAD),
// which keeps the task's FPU state live: a switch between threads moves no FPU image.
import * as fs from 'fs';
import { addon } from '../../native';
import {
  EV_FAULT, EV_INTERRUPTED, EV_PANIC, EV_SYSCALL, PF_INSTR, PF_PRESENT, PF_USER, PlatformEvent, VEC_PF,
  type AddressSpace, type FpuState, type PhysMemory, type Platform, type RunContext,
} from '../platform';
import { FS_BASE, GS_BASE, ORIG_RAX, RIP, RSP } from '../regs';
import {
  ALTSTACK_SIGSTACK_OFF, ALTSTACK_SIZE, ALTSTACK_VA, COMM_VA, FPU_VA, MAX_STUB_THREADS, REQ_ENTRY_BYTES, REQ_VA,
  STUB_BASE, STUB_SYS_RET, STUB_SYSTRAP_ENTRY, STUB_SYSTRAP_IDLE, STUB_SYSTRAP_RESTORER, SYSTRAP_REQ_CAPACITY,
} from '../stub/layout';
import { OP_WORDS, TrapAddressSpace } from '../ptrace/address_space';
import { SIGKILL, StubError, Stubs, STUB_MEMFD, STUB_THREAD_FLAGS, type Stub } from '../ptrace/stubs';
import { fromHalves, lo32, hi32 } from '../u64';
import { StubFpu, type TrapPlatformOptions } from '../stub/trap_state';

const pt = addon.ptrace;
export const SYSTRAP_TICK_SIGNAL = 41;

// Comm page words (systrap.c).
const W_STUB_SEQ = 0, W_KERNEL_SEQ = 1, W_KIND = 2, W_CMD = 3, W_NOPS = 4, W_FLAGS = 5, W_RESULT = 6,
  W_SIG = 7, W_XSIZE = 9, W_ADDR = 10, W_TRAPNO = 12, W_ERR = 14, W_FS = 16, W_GS = 18, W_REGS = 20,
  /** The CPU tsvisor waited on last, and the one the stub posted from (whether to poll: systrap.c). */
  W_KCPU = 100, W_ARG = 102, W_NAP = 103;
const K_SYSCALL = 1, K_FAULT = 2, K_INTERRUPT = 3, K_DONE = 4, K_FAILED = 5;
const C_RESUME = 1, C_SAVE_FPU = 2, C_OPS = 3, C_THREAD = 5;
const F_LOAD_FPU = 1, F_SET_FS = 2, F_SET_GS = 4;
/** A pooled stub keeps its threads for the next address space, up to this many. */
const POOLED_THREADS_MAX = 16;

const SYS_MMAP = 9, SYS_MPROTECT = 10, SYS_MUNMAP = 11, SYS_RT_SIGACTION = 13, SYS_RT_SIGPROCMASK = 14, SYS_RT_SIGRETURN = 15, SYS_CLONE = 56,
  SYS_SIGALTSTACK = 131, SYS_ARCH_PRCTL = 158, SYS_PRCTL = 157, SYS_FUTEX = 202, SYS_EXIT_GROUP = 231, SYS_SECCOMP = 317;
const PR_SET_NO_NEW_PRIVS = 38, SECCOMP_SET_MODE_FILTER = 1;
const PROT_RW = 3, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
const SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTORER = 0x04000000;
const HANDLED_SIGNALS = [31 /* SYS */, 11 /* SEGV */, 7 /* BUS */, 4 /* ILL */, 8 /* FPE */, 5 /* TRAP */, SYSTRAP_TICK_SIGNAL];
const AUDIT_ARCH_X86_64 = 0xc000003e, ENOSYS = 38, SIGSEGV = 11, SIGBUS = 7;
/** The host's legacy vsyscall page, 0xffffffffff600000, as a signed Number (src/platform/u64.ts). */
const VSYSCALL_PAGE = -0xa00000;
const RET_KILL_PROCESS = 0x80000000, RET_TRAP = 0x00030000, RET_ALLOW = 0x7fff0000, RET_ERRNO = 0x00050000;

/** The guest's filter: another arch (`int $0x80`) -> SIGSYS, which the handler reports as the #GP
 *  Linux without IA32 emulation gives; x32 -> ENOSYS; a syscall is let through only from the
 *  stub's own instruction and only for what the handler needs (futex, rt_sigreturn, arch_prctl,
 *  munmap, mprotect, exit_group, mmap of the memory file but never of anonymous memory, and for a
 *  new stub thread clone with exactly STUB_THREAD_FLAGS, sigaltstack and rt_sigprocmask); every
 *  other syscall -> SIGSYS. The guest can jump to that instruction too: what it reaches there
 *  touches only its own stub and the sandbox's memory file. */
export function systrapFilter(): Uint32Array {
  const allowNrs = [SYS_FUTEX, SYS_RT_SIGRETURN, SYS_ARCH_PRCTL, SYS_MUNMAP, SYS_MPROTECT, SYS_EXIT_GROUP,
    SYS_SIGALTSTACK, SYS_RT_SIGPROCMASK];
  const n = allowNrs.length;
  // Indices of the return instructions.
  const cloneAt = 9 + n, mmapAt = cloneAt + 5, kill = mmapAt + 6, trap = kill + 1, allow = kill + 2, x32 = kill + 3;
  const J = (i: number, to: number) => to - (i + 1);
  const ins: [number, number, number, number][] = [];
  ins.push([0x20, 0, 0, 4]);                                          // 0 ld arch
  ins.push([0x15, 0, J(1, trap), AUDIT_ARCH_X86_64]);                 // 1 i386 (`int $0x80`): the handler's #GP
  ins.push([0x20, 0, 0, 0]);                                          // 2 ld nr
  ins.push([0x35, J(3, x32), 0, 0x40000000]);                         // 3 x32 bit
  ins.push([0x20, 0, 0, 12]);                                         // 4 ld ip (high)
  ins.push([0x15, 0, J(5, trap), hi32(STUB_SYS_RET)]);                // 5
  ins.push([0x20, 0, 0, 8]);                                          // 6 ld ip (low)
  ins.push([0x15, 0, J(7, trap), lo32(STUB_SYS_RET)]);                // 7
  ins.push([0x20, 0, 0, 0]);                                          // 8 ld nr
  allowNrs.forEach((nr, k) => ins.push([0x15, J(9 + k, allow), 0, nr]));
  ins.push([0x15, 0, J(cloneAt, mmapAt), SYS_CLONE]);                  // clone?
  ins.push([0x20, 0, 0, 20]);                                         // ld args[0] (flags, high)
  ins.push([0x15, 0, J(cloneAt + 2, trap), 0]);
  ins.push([0x20, 0, 0, 16]);                                         // ld args[0] (flags, low)
  ins.push([0x15, J(cloneAt + 4, allow), J(cloneAt + 4, trap), STUB_THREAD_FLAGS]);
  ins.push([0x15, 0, J(mmapAt, trap), SYS_MMAP]);                     // mmap?
  ins.push([0x20, 0, 0, 48]);                                         // ld args[4] (fd, low)
  ins.push([0x15, 0, J(mmapAt + 2, trap), STUB_MEMFD]);
  ins.push([0x20, 0, 0, 40]);                                         // ld args[3] (flags, low)
  ins.push([0x54, 0, 0, MAP_ANONYMOUS]);                              // and
  ins.push([0x15, J(mmapAt + 5, allow), J(mmapAt + 5, trap), 0]);
  ins.push([0x06, 0, 0, RET_KILL_PROCESS]);
  ins.push([0x06, 0, 0, RET_TRAP]);
  ins.push([0x06, 0, 0, RET_ALLOW]);
  ins.push([0x06, 0, 0, RET_ERRNO | ENOSYS]);
  const out = new Uint32Array(ins.length * 2);
  ins.forEach(([code, jt, jf, k], i) => { out[2 * i] = (code | (jt << 16) | (jf << 24)) >>> 0; out[2 * i + 1] = k >>> 0; });
  return out;
}

/** A detached stub process (one guest address space) and its threads. */
class SysStub {
  readonly threads: SysThread[] = [];
  constructor(readonly traced: Stub, readonly pid: number) {}
}

/** One thread of a stub, its comm page, and the task whose FPU state is live in it. */
class SysThread {
  fpuOwner: SysFpu | null = null;
  stubSeq = 0;
  kernelSeq = 0;
  /** fs_base and gs_base as the thread has them (a resume sets them only on change). */
  fsLo = 0; fsHi = 0; gsLo = 0; gsHi = 0;
  constructor(readonly stub: SysStub, readonly tid: number, readonly commPa: number,
              readonly w: Uint32Array, readonly base: number) {
    w[base + W_NAP] = 1; // not run yet: no poll for a command
  }
}

const SysFpu = StubFpu<SysThread>;
type SysFpu = StubFpu<SysThread>;

export type SystrapOptions = TrapPlatformOptions;

export class SystrapPlatform implements Platform {
  readonly name = 'systrap';
  readonly userTop = STUB_BASE;
  private readonly mem: PhysMemory;
  private readonly stubs: Stubs;
  private readonly pool: SysStub[] = [];
  private readonly live = new Set<SysStub>();
  private readonly event = new PlatformEvent();
  private readonly fpuW: Uint32Array[] = [];
  private readonly fpuBase: number[] = [];
  private readonly xsize: number;
  private readonly xcr0Lo: number;
  private readonly xcr0Hi: number;
  private readonly mxcsrMask: number;
  private readonly fpuCheck: Uint8Array;
  private readonly counters = { exits: 0, syscalls: 0, faults: 0, interrupts: 0, fpuSaves: 0, fpuLoads: 0, handoffs: 0, batches: 0, batchedOps: 0, stubThreads: 0 };
  /** The FPU state that must be loaded into its thread with that thread's next resume. */
  private fpuPending: SysFpu | null = null;
  /** The thread resumed last: the one whose handler polls for a command when it posts. */
  private lastRun: SysThread | null = null;

  constructor(opts: SystrapOptions) {
    this.mem = opts.memory;
    const r = pt.tickInit(SYSTRAP_TICK_SIGNAL);
    if (r < 0) throw new Error(`preemption timer: errno ${-r}`);
    const cpu = opts.cpu ?? -1;
    if (cpu >= 0) pt.setAffinity(0, cpu);
    this.stubs = new Stubs(opts.memory, SYSTRAP_TICK_SIGNAL, cpu, false);
    const init = this.stubs.initialXstate;
    this.xsize = init.length;
    if (this.xsize > 3 * 4096) throw new StubError(`XSAVE area of ${this.xsize} bytes is larger than the stub's transfer area`);
    const dv = new DataView(init.buffer, init.byteOffset, init.byteLength);
    this.xcr0Lo = dv.getUint32(464, true) || 3;
    this.xcr0Hi = dv.getUint32(468, true);
    const mask = dv.getUint32(28, true);
    this.mxcsrMask = mask === 0 ? 0xffbf : mask;
    this.fpuCheck = new Uint8Array(this.xsize);
    // The FPU transfer pages are request pages the template maps (REQ_VA + 12 pages).
    const reqPages = (this.stubs as unknown as { reqFrames: number[] }).reqFrames;
    for (let i = 12; i < 15; i++) {
      const pa = reqPages[i]!;
      this.fpuW.push(this.mem.words(pa));
      this.fpuBase.push((pa % 2 ** 30) / 4);
    }
    // Every stub thread's stack area: private anonymous memory, reserved for all threads up
    // front (the filter lets no stub map anonymous memory later), inherited by each fork.
    this.stubs.put(0, SYS_MMAP, ALTSTACK_VA, MAX_STUB_THREADS * ALTSTACK_SIZE, PROT_RW,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    if (this.stubs.runBatch(this.stubs.templateStub, 1) >= 0) throw new StubError('mapping the stub\'s signal stacks failed');
  }

  /** A new detached stub, stopped in its handler at the idle loop's trap. */
  private createStub(): SysStub {
    const st = this.stubs, s = st.forkChild(), pid = s.pid;
    const commPa = this.mem.allocTableFrame();
    let i = 0;
    st.put(i++, SYS_MMAP, COMM_VA, 4096, PROT_RW, MAP_SHARED | MAP_FIXED, STUB_MEMFD, commPa);
    // Data for the set-up calls sits in the last request slots.
    const ssSlot = SYSTRAP_REQ_CAPACITY - 8, saSlot = SYSTRAP_REQ_CAPACITY - 7, fSlot = SYSTRAP_REQ_CAPACITY - 6, pSlot = SYSTRAP_REQ_CAPACITY - 1;
    const ss = new DataView(new ArrayBuffer(24));
    const sigStack = ALTSTACK_VA + ALTSTACK_SIGSTACK_OFF;
    ss.setUint32(0, lo32(sigStack), true); ss.setUint32(4, hi32(sigStack), true);
    ss.setUint32(16, ALTSTACK_SIZE - ALTSTACK_SIGSTACK_OFF, true);
    st.writeBytes(ssSlot, new Uint8Array(ss.buffer));
    const sa = new DataView(new ArrayBuffer(32));
    sa.setUint32(0, lo32(STUB_SYSTRAP_ENTRY), true); sa.setUint32(4, hi32(STUB_SYSTRAP_ENTRY), true);
    sa.setUint32(8, SA_SIGINFO | SA_ONSTACK | SA_RESTORER, true);
    sa.setUint32(16, lo32(STUB_SYSTRAP_RESTORER), true); sa.setUint32(20, hi32(STUB_SYSTRAP_RESTORER), true);
    sa.setUint32(24, 0xffffffff, true); sa.setUint32(28, 0xffffffff, true);
    st.writeBytes(saSlot, new Uint8Array(sa.buffer));
    const prog = systrapFilter();
    st.writeBytes(fSlot, new Uint8Array(prog.buffer));
    const fp = new DataView(new ArrayBuffer(16));
    fp.setUint16(0, prog.length / 2, true);
    const fva = REQ_VA + fSlot * REQ_ENTRY_BYTES;
    fp.setUint32(8, lo32(fva), true); fp.setUint32(12, hi32(fva), true);
    st.writeBytes(pSlot, new Uint8Array(fp.buffer));
    st.put(i++, SYS_SIGALTSTACK, REQ_VA + ssSlot * REQ_ENTRY_BYTES, 0, 0, 0, 0, 0);
    for (const sig of HANDLED_SIGNALS) st.put(i++, SYS_RT_SIGACTION, sig, REQ_VA + saSlot * REQ_ENTRY_BYTES, 0, 8, 0, 0);
    st.put(i++, SYS_PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
    st.put(i++, SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, 0, REQ_VA + pSlot * REQ_ENTRY_BYTES, 0, 0, 0);
    const failed = st.runBatch(s, i);
    if (failed >= 0) { pt.kill(pid, SIGKILL); throw new StubError(`systrap stub set-up call ${failed} failed (${st.result(failed)})`); }
    const sys = new SysStub(s, pid);
    const th = new SysThread(sys, pid, commPa, this.mem.words(commPa), (commPa % 2 ** 30) / 4);
    sys.threads.push(th);
    st.detach(s, STUB_SYSTRAP_IDLE);
    // The idle loop's first syscall traps: the handler posts, then waits for commands.
    this.waitReady(th);
    return sys;
  }

  /** A new stub thread's first event: its idle loop's syscall, or the tick (aimed at the stub
   *  resumed last, which may be the one that started it). */
  private waitReady(th: SysThread): void {
    const k = this.waitEvent(th);
    if (k !== K_SYSCALL && k !== K_INTERRUPT) throw new StubError(`new systrap stub thread ${th.tid} reported event ${k}`);
    th.fsLo = th.fsHi = th.gsLo = th.gsHi = 0xffffffff; // not known: the first resume sets both
  }

  /** Another thread of stub s, started by its first thread (C_THREAD), waiting in its handler. */
  private spawnThread(s: SysStub): SysThread {
    const k = s.threads.length;
    if (k >= MAX_STUB_THREADS) throw new StubError(`systrap stub ${s.pid}: more than ${MAX_STUB_THREADS} threads`);
    const commPa = this.mem.allocTableFrame();
    this.stubs.put(0, SYS_MMAP, COMM_VA + k * 4096, 4096, PROT_RW, MAP_SHARED | MAP_FIXED, STUB_MEMFD, commPa);
    const via = s.threads[0]!;
    via.w[via.base + W_ARG] = k;
    if (this.command(via, C_THREAD, 1, 0) !== K_DONE) {
      this.mem.freeTableFrame(commPa);
      throw new StubError(`systrap stub ${s.pid}: starting thread ${k} failed (${via.w[via.base + W_RESULT]! | 0})`);
    }
    // The stub reports the thread's id in its own pid namespace; the host id is the one
    // entry of /proc/<pid>/task that no known thread holds.
    const known = new Set(s.threads.map((x) => x.tid));
    const fresh = fs.readdirSync(`/proc/${s.pid}/task`).map(Number).filter((t) => !known.has(t));
    if (fresh.length !== 1) throw new StubError(`systrap stub ${s.pid}: thread ${k} not found among its tasks`);
    const th = new SysThread(s, fresh[0]!, commPa, this.mem.words(commPa), (commPa % 2 ** 30) / 4);
    s.threads.push(th);
    this.waitReady(th);
    this.counters.stubThreads++;
    return th;
  }

  /** The thread of stub s that runs the task owning f: the one holding f's state, else a free
   *  one (or a new one); f's image goes there with the resume (F_LOAD_FPU). */
  private threadFor(s: SysStub, f: SysFpu): SysThread {
    const loc = f.loc;
    if (loc !== null && loc.stub === s) return loc;
    if (loc !== null) this.detachFpu(f);
    let th: SysThread | null = null;
    for (const x of s.threads) if (x.fpuOwner === null) { th = x; break; }
    if (th === null) th = this.spawnThread(s);
    f.loc = th; th.fpuOwner = f;
    this.fpuPending = f;
    return th;
  }

  releaseFpu(fpu: FpuState): void { this.dropLive(fpu as SysFpu); }

  newAddressSpace(): AddressSpace {
    const s = this.pool.pop() ?? this.createStub();
    this.live.add(s);
    return new TrapAddressSpace(s as unknown as Stub,
      (as) => { if (as.opCount >= SYSTRAP_REQ_CAPACITY - 8) this.runOps(as); },
      (as) => this.releaseStub(as.stub as unknown as SysStub));
  }

  private releaseStub(s: SysStub): void {
    this.live.delete(s);
    if (this.lastRun !== null && this.lastRun.stub === s) this.lastRun = null;
    for (const th of s.threads) if (th.fpuOwner) this.detachFpu(th.fpuOwner);
    if (this.pool.length < 8 && s.threads.length <= POOLED_THREADS_MAX) {
      this.stubs.put(0, SYS_MUNMAP, 0, STUB_BASE, 0, 0, 0, 0);
      if (this.command(s.threads[0]!, C_OPS, 1, 0) === K_DONE) { this.pool.push(s); return; }
    }
    pt.kill(s.pid, SIGKILL);
    for (const th of s.threads) this.mem.freeTableFrame(th.commPa);
  }

  /** Writes as's queued requests into the request pages; returns their count. */
  private stageOps(as: TrapAddressSpace): number {
    const n = as.opCount, o = as.ops;
    as.opCount = 0;
    this.counters.batches++;
    this.counters.batchedOps += n;
    for (let i = 0; i < n; i++) {
      const j = i * OP_WORDS;
      this.stubs.put(i, o[j]!, o[j + 1]!, o[j + 2]!, o[j + 3]!, o[j + 4]!, o[j + 5]!, o[j + 6]!);
    }
    return n;
  }

  private runOps(as: TrapAddressSpace): void {
    const s = (as.stub as unknown as SysStub).threads[0]!;
    const n = this.stageOps(as);
    if (this.command(s, C_OPS, n, 0) !== K_DONE) this.opsFailed(s);
  }

  private opsFailed(s: SysThread): never {
    const i = s.w[s.base + W_RESULT]!;
    throw new StubError(`host call ${i} in systrap stub ${s.stub.pid} failed: ${this.stubs.result(i)}`);
  }

  /** Posts a command to s (waiting in its handler) and waits for its next event; returns the kind. */
  private command(s: SysThread, cmd: number, nops: number, flags: number): number {
    const w = s.w, b = s.base;
    w[b + W_CMD] = cmd; w[b + W_NOPS] = nops; w[b + W_FLAGS] = flags; w[b + W_XSIZE] = this.xsize;
    s.kernelSeq = (s.kernelSeq + 1) >>> 0;
    w[b + W_KERNEL_SEQ] = s.kernelSeq;
    pt.futexWake(w, b + W_KERNEL_SEQ, 1);
    this.counters.handoffs++;
    return this.waitEvent(s);
  }

  /** Waits until s posts (its sequence moves); returns the event's kind. */
  private waitEvent(s: SysThread): number {
    const w = s.w, i = s.base + W_STUB_SEQ;
    for (;;) {
      const r = pt.futexWait(w, i, s.stubSeq, 1000, s.base + W_KCPU);
      if (w[i] !== s.stubSeq) break;
      if (r < 0 && pt.kill(s.tid, 0) < 0) throw new StubError(`systrap stub thread ${s.tid} is gone`);
    }
    // Read once: the guest can write this page while it runs (DESIGN.md); anything else than
    // the next sequence number is not the handler's.
    const seq = w[i]!;
    if (seq !== ((s.stubSeq + 1) >>> 0)) throw new StubError(`systrap stub thread ${s.tid}: sequence ${seq} after ${s.stubSeq}`);
    s.stubSeq = seq;
    return w[s.base + W_KIND]!;
  }

  newFpuState(): FpuState { return new SysFpu(this.xsize); }
  get fpuFrameSize(): number { return this.xsize; }
  get xfeaturesLo(): number { return this.xcr0Lo; }
  get xfeaturesHi(): number { return this.xcr0Hi; }

  /** Copies f's live state out of its stub's signal frame (it stays live there). */
  private syncFpu(f: SysFpu): void {
    const s = f.loc;
    if (s === null) return;
    if (this.command(s, C_SAVE_FPU, 0, 0) !== K_DONE) throw new StubError(`systrap stub thread ${s.tid}: saving the FPU failed`);
    this.counters.fpuSaves++;
    this.copyFromArea(f.platformState);
  }

  private copyFromArea(out: Uint8Array): void {
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let off = 0; off < this.xsize; off += 4) {
      const page = Math.floor(off / 4096);
      dv.setUint32(off, this.fpuW[page]![this.fpuBase[page]! + (off % 4096) / 4]!, true);
    }
  }

  private copyToArea(img: Uint8Array): void {
    const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
    for (let off = 0; off < this.xsize; off += 4) {
      const page = Math.floor(off / 4096);
      this.fpuW[page]![this.fpuBase[page]! + (off % 4096) / 4] = dv.getUint32(off, true);
    }
  }

  private detachFpu(f: SysFpu): void {
    if (f.loc === null) return;
    this.syncFpu(f);
    f.loc.fpuOwner = null;
    f.loc = null;
  }

  /** Forgets where f is live: its buffer is the truth now (the stub reloads it on its next run). */
  private dropLive(f: SysFpu): void {
    if (f.loc !== null) { f.loc.fpuOwner = null; f.loc = null; }
  }

  saveFpu(fpu: FpuState, out: Uint8Array): void {
    const f = fpu as SysFpu;
    this.syncFpu(f);
    out.set((f.initialized ? f.platformState : this.stubs.initialXstate).subarray(0, Math.min(out.length, this.xsize)));
  }

  loadFpu(fpu: FpuState, image: Uint8Array): boolean {
    const f = fpu as SysFpu, img = this.fpuCheck;
    img.set(this.stubs.initialXstate);
    img.set(image.subarray(0, Math.min(this.xsize, image.length)));
    const dv = new DataView(img.buffer);
    if (dv.getUint32(24, true) & ~this.mxcsrMask) return false;
    dv.setUint32(512, dv.getUint32(512, true) & this.xcr0Lo, true);
    dv.setUint32(516, dv.getUint32(516, true) & this.xcr0Hi, true);
    for (let o = 520; o < 576; o += 4) dv.setUint32(o, 0, true);
    f.platformState.set(img);
    f.initialized = true;
    this.dropLive(f);
    return true;
  }

  resetFpuForHandler(fpu: FpuState): void {
    const f = fpu as SysFpu;
    f.platformState.set(this.stubs.initialXstate);
    f.initialized = true;
    this.dropLive(f);
  }

  copyFpu(from: FpuState, to: FpuState): void {
    const a = from as SysFpu, b = to as SysFpu;
    this.syncFpu(a);
    b.platformState.set(a.initialized ? a.platformState : this.stubs.initialXstate);
    b.initialized = true;
    this.dropLive(b);
  }

  armTick(ns: number): void { pt.tickArm(ns); }

  /** The sandbox waits for the host: the thread that ran last stops polling (W_NAP). Not set
   *  when another thread runs: in a futex ping-pong the one switched away from is resumed
   *  within microseconds (measured 30-36 us a round trip polling, 70-93 us napping). */
  idle(): void {
    const p = this.lastRun;
    if (p !== null) p.w[p.base + W_NAP] = 1;
  }

  run(ctx: RunContext): PlatformEvent {
    try {
      return this.runOnce(ctx);
    } catch (e) {
      if (!(e instanceof StubError)) throw e;
      this.event.kind = EV_PANIC;
      this.event.message = e.message;
      return this.event;
    }
  }

  private runOnce(ctx: RunContext): PlatformEvent {
    const ev = this.event, as = ctx.as as TrapAddressSpace;
    if (this.stubs.tickSwallowed) {
      this.stubs.tickSwallowed = false;
      this.counters.interrupts++;
      ev.kind = EV_INTERRUPTED;
      return ev;
    }
    let flags = 0;
    const f = ctx.fpu as SysFpu;
    const s = this.threadFor(as.stub as unknown as SysStub, f);
    if (this.fpuPending === f) {
      // f's image is not live in its thread yet (new there, or set by the kernel): it goes with this resume.
      this.fpuPending = null;
      if (!f.initialized) { f.platformState.set(this.stubs.initialXstate); f.initialized = true; }
      this.copyToArea(f.platformState);
      flags |= F_LOAD_FPU;
      this.counters.fpuLoads++;
    }
    const nops = as.opCount > 0 ? this.stageOps(as) : 0;
    const regs = ctx.regs.u32, w = s.w, b = s.base;
    for (let i = 0; i < 36; i++) w[b + W_REGS + i] = regs[i]!;
    if (regs[2 * FS_BASE] !== s.fsLo || regs[2 * FS_BASE + 1] !== s.fsHi) {
      w[b + W_FS] = regs[2 * FS_BASE]!; w[b + W_FS + 1] = regs[2 * FS_BASE + 1]!;
      flags |= F_SET_FS;
    }
    if (regs[2 * GS_BASE] !== s.gsLo || regs[2 * GS_BASE + 1] !== s.gsHi) {
      w[b + W_GS] = regs[2 * GS_BASE]!; w[b + W_GS + 1] = regs[2 * GS_BASE + 1]!;
      s.gsLo = regs[2 * GS_BASE]!; s.gsHi = regs[2 * GS_BASE + 1]!;
      flags |= F_SET_GS;
    }
    this.lastRun = s;
    w[b + W_NAP] = 0;
    pt.tickTarget(s.tid);
    const kind = this.command(s, C_RESUME, nops, flags);
    this.counters.exits++;
    if (kind === K_FAILED) this.opsFailed(s);
    for (let i = 0; i < 36; i++) regs[i] = w[b + W_REGS + i]!;
    regs[2 * ORIG_RAX] = w[b + W_REGS + 36]!; regs[2 * ORIG_RAX + 1] = w[b + W_REGS + 37]!;
    regs[2 * FS_BASE] = s.fsLo = w[b + W_FS]!; regs[2 * FS_BASE + 1] = s.fsHi = w[b + W_FS + 1]!;
    const addr = fromHalves(w[b + W_ADDR]!, w[b + W_ADDR + 1]!);
    if (kind === K_SYSCALL && addr >= VSYSCALL_PAGE && addr < VSYSCALL_PAGE + 4096) {
      // The host's vsyscall emulation, trapped by the filter after it emulated the `ret`:
      // report the fetch fault the guest gets on KVM, at the call's address.
      ctx.regs.set(RIP, addr);
      ctx.regs.set(RSP, ctx.regs.get(RSP) - 8);
      ev.kind = EV_FAULT; ev.vector = VEC_PF; ev.faultAddr = addr; ev.errorCode = PF_USER | PF_INSTR;
      return ev;
    }
    if (kind === K_SYSCALL) {
      this.counters.syscalls++;
      ev.kind = EV_SYSCALL;
      return ev;
    }
    if (kind === K_FAULT) {
      this.counters.faults++;
      ev.kind = EV_FAULT;
      ev.vector = w[b + W_TRAPNO]!;
      // The host's error code describes the stub's page tables, which fill lazily: whether the
      // page is present is ours to say (what the stub has mapped); write and fetch are the CPU's.
      ev.errorCode = w[b + W_ERR]!;
      if (ev.vector === VEC_PF) ev.errorCode = (ev.errorCode & ~PF_PRESENT) | (as.mappedProt(addr) !== 0 ? PF_PRESENT : 0);
      ev.faultAddr = w[b + W_SIG] === SIGSEGV || w[b + W_SIG] === SIGBUS ? addr : 0;
      return ev;
    }
    this.counters.interrupts++;
    ev.kind = EV_INTERRUPTED;
    return ev;
  }

  stats(): Record<string, number> {
    return { ...this.counters, stubForks: this.stubs.forks };
  }

  close(): void {
    pt.tickArm(0);
    for (const s of [...this.live, ...this.pool]) pt.kill(s.pid, SIGKILL);
    this.live.clear();
    this.pool.length = 0;
    this.stubs.close();
  }
}

