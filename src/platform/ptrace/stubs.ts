// Stub processes under ptrace (DESIGN.md, trap platforms): one template stub is
// spawned from Node once; every address space is a stub forked from it by an
// injected fork(2), never from Node. Host syscalls run in a stopped stub by
// pointing RIP at the stub's `syscall; int3` or at its batch loop, whose requests
// sit in pages of the MemoryFile that every stub maps at REQ_VA (shared by all
// stubs: only one runs at a time, from this one thread).
import * as fs from 'fs';
import { addon } from '../../native';
import type { PhysMemory } from '../platform';
import {
  REQ_CAPACITY, REQ_ENTRY_BYTES, REQ_PAGES, REQ_PER_PAGE, REQ_VA, STUB_BASE, STUB_BATCH, STUB_END, STUB_SYSCALL_ONE,
  stubPath,
} from '../stub/layout';
import { UR_EFLAGS, UR_ORIG_RAX, UR_R10, UR_R12, UR_R13, UR_R8, UR_R9, UR_RAX, UR_RDI, UR_RDX, UR_RIP, UR_RSI, USER_REGS_WORDS } from './user_regs';
import { lo32, hi32, fromHalves } from '../u64';

const pt = addon.ptrace;

export const PTRACE_CONT = 7, PTRACE_SYSEMU = 31, PTRACE_DETACH = 17;
const PTRACE_O_TRACESYSGOOD = 1, PTRACE_O_TRACEFORK = 2, PTRACE_O_TRACECLONE = 8, PTRACE_O_EXITKILL = 0x100000;
const PTRACE_EVENT_FORK = 1, PTRACE_EVENT_CLONE = 3;
export const SIGKILL = 9, SIGTRAP = 5, SIGSTOP = 19;
const SYS_MMAP = 9, SYS_MUNMAP = 11, SYS_CLONE = 56, SYS_FORK = 57, SYS_RT_SIGACTION = 13, SYS_PRCTL = 157;
const SIGCHLD = 17, SIG_IGN = 1, PR_SET_PDEATHSIG = 1;
const PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_FIXED = 0x10;
/** The MemoryFile's fd in every stub (spawnStub puts it there). */
export const STUB_MEMFD = 3;

const SYS_SECCOMP = 317, SECCOMP_SET_MODE_FILTER = 1, PR_SET_NO_NEW_PRIVS = 38;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const RET_KILL_PROCESS = 0x80000000, RET_TRAP = 0x00030000, RET_ALLOW = 0x7fff0000;
/** The host calls the tracer injects after set-up: the only ones the stub may make. */
const INJECTED = [SYS_MMAP, 10 /* mprotect */, SYS_MUNMAP, SYS_CLONE, SYS_FORK, SYS_PRCTL];
/** A stub thread: a host thread in the stub's address space, sharing everything with it. */
export const STUB_THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; // VM FS FILES SIGHAND THREAD SYSVSEM
/** A pooled stub keeps its threads for the next address space, up to this many. */
const POOLED_THREADS_MAX = 16;

/** The stub's classic BPF program: wrong arch -> kill; a call from the host's vsyscall page
 *  (0xffffffffff600000, emulated by the host kernel) -> SIGSYS, which the platform turns into
 *  the page fault the guest gets on KVM; an injected call -> allow; anything else -> kill. */
export function seccompFilter(): Uint32Array {
  const n = INJECTED.length, kill = 7 + n, trap = kill + 1, allow = kill + 2;
  const ins: [number, number, number, number][] = [
    [0x20, 0, 0, 4],                                  // ld arch
    [0x15, 0, kill - 2, AUDIT_ARCH_X86_64],           // jeq x86_64
    [0x20, 0, 0, 12],                                 // ld instruction_pointer (high half)
    [0x15, 0, 2, 0xffffffff],                         // upper half of the address space?
    [0x20, 0, 0, 8],                                  // ld instruction_pointer (low half)
    [0x35, trap - 6, 0, 0xff600000],                  // jge the vsyscall page
    [0x20, 0, 0, 0],                                  // ld nr
    ...INJECTED.map((nr, i): [number, number, number, number] => [0x15, allow - (7 + i + 1), 0, nr]),
    [0x06, 0, 0, RET_KILL_PROCESS],
    [0x06, 0, 0, RET_TRAP],
    [0x06, 0, 0, RET_ALLOW],
  ];
  const out = new Uint32Array(ins.length * 2);
  ins.forEach(([code, jt, jf, k], i) => { out[2 * i] = code | (jt << 16) | (jf << 24); out[2 * i + 1] = k >>> 0; });
  return out;
}

/** One host thread of a stub: a guest thread runs in it, with its FPU state kept live there. */
export class StubThread {
  /** The FPU state live in this thread (the task it serves; see StubFpu), or null: free. */
  fpuOwner: unknown = null;
  constructor(readonly stub: Stub, readonly tid: number) {}
}

/** One stub process (one guest address space); each guest thread gets a thread of it. */
export class Stub {
  /** threads[0] is the process's own first thread (tid = pid); host calls run there. */
  readonly threads: StubThread[] = [];
  constructor(readonly pid: number) { this.threads.push(new StubThread(this, pid)); }
}

function describeStatus(st: number): string {
  if ((st & 0x7f) === 0) return `exited with status ${(st >> 8) & 0xff}`;
  if ((st & 0xff) === 0x7f) return `stopped by signal ${(st >> 8) & 0xff} (event ${st >>> 16})`;
  return `killed by signal ${st & 0x7f}`;
}

export class StubError extends Error {}

const PTRACE_OPTIONS = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE;

export class Stubs {
  private readonly template: Stub;
  private readonly reqWords: Uint32Array[] = [];
  private readonly reqBase: number[] = [];
  private readonly reqFrames: number[] = [];
  /** Registers for injected calls: the template's at exec, with RIP and arguments edited. */
  private readonly inj = new Uint32Array(USER_REGS_WORDS);
  private readonly status = new Int32Array(1);
  /** The new pid or tid of the last fork or clone event during an injected call. */
  private eventMsg = -1;
  /** A tick that arrived during an injected call: the next run must return "interrupted". */
  tickSwallowed = false;
  /** Initial FPU image (the template's at exec) and its size. */
  readonly initialXstate: Uint8Array;
  readonly pool: Stub[] = [];
  readonly live = new Set<Stub>();
  forks = 0;
  threadsMade = 0;
  batches = 0;
  batchedOps = 0;

  constructor(private readonly mem: PhysMemory, readonly tickSignal: number, cpu: number, ptraceFilter = true) {
    const path = stubPath();
    if (!fs.existsSync(path)) throw new StubError(`stub executable ${path} is missing (run the native build)`);
    const pid = pt.spawnStub(path, mem.memfd.fd);
    if (pid < 0) throw new StubError(`cannot start the stub process (errno ${-pid})`);
    this.template = new Stub(pid);
    // The exec stop (PTRACE_TRACEME + execve).
    const st = this.status;
    if (pt.wait(pid, st) !== pid || (st[0]! & 0xff) !== 0x7f || ((st[0]! >> 8) & 0xff) !== SIGTRAP) {
      pt.kill(pid, SIGKILL); pt.wait(pid, st);
      throw new StubError(`stub did not stop after exec: ${describeStatus(st[0]!)}`);
    }
    this.check(pt.setOptions(pid, PTRACE_OPTIONS), 'PTRACE_SETOPTIONS');
    this.check(pt.getRegs(pid, this.inj), 'PTRACE_GETREGS');
    const x = new Uint8Array(16384);
    const n = pt.getXstate(pid, x);
    this.check(n, 'PTRACE_GETREGSET NT_X86_XSTATE');
    this.initialXstate = x.slice(0, n);
    if (cpu >= 0) pt.setAffinity(pid, cpu);
    // The request pages: frames of the MemoryFile, mapped at REQ_VA in the template.
    for (let i = 0; i < REQ_PAGES; i++) {
      const pa = mem.allocTableFrame();
      this.reqFrames.push(pa);
      this.reqWords.push(mem.words(pa));
      this.reqBase.push((pa % 2 ** 30) / 4);
      const r = this.syscall(pid, SYS_MMAP, REQ_VA + i * 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, STUB_MEMFD, pa);
      if (r !== REQ_VA + i * 4096) throw new StubError(`stub: mmap of the request page failed (${r})`);
    }
    // Everything else the host put there goes: the exec stack, vDSO, vvar. The stub's own
    // pages stay; so does [vsyscall], which lies above user space and cannot be unmapped.
    let count = 0;
    for (const line of fs.readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
      if (!m) continue;
      const start = parseInt(m[1]!, 16), end = parseInt(m[2]!, 16);
      if (end > 2 ** 47 || (start >= STUB_BASE && end <= STUB_END)) continue;
      this.put(count++, SYS_MUNMAP, start, end - start, 0, 0, 0, 0);
    }
    // Forked stubs are reaped by the host as soon as this tracer has seen them exit.
    const sa = REQ_CAPACITY - 1;
    this.put(count++, SYS_RT_SIGACTION, SIGCHLD, REQ_VA + sa * REQ_ENTRY_BYTES, 0, 8, 0, 0);
    this.writeSigaction(sa);
    let failed = this.runBatch(this.template, count);
    if (failed >= 0) throw new StubError(`stub set-up call ${failed} failed (${this.result(failed)})`);
    if (!ptraceFilter) return;
    // Last, the seccomp filter (inherited by every stub): only the calls the tracer injects
    // may run (guest syscalls never reach seccomp: PTRACE_SYSEMU stops them first); the
    // host's vsyscall emulation, which would bypass the tracer, traps instead.
    const prog = seccompFilter();
    const fslot = REQ_CAPACITY - 4, pslot = REQ_CAPACITY - 2;
    this.writeBytes(fslot, new Uint8Array(prog.buffer));
    const fprog = new Uint8Array(16);
    const dv = new DataView(fprog.buffer);
    dv.setUint16(0, prog.byteLength / 8, true);
    const fva = REQ_VA + fslot * REQ_ENTRY_BYTES;
    dv.setUint32(8, lo32(fva), true); dv.setUint32(12, hi32(fva), true);
    this.writeBytes(pslot, fprog);
    this.put(0, SYS_PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
    this.put(1, SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, 0, REQ_VA + pslot * REQ_ENTRY_BYTES, 0, 0, 0);
    failed = this.runBatch(this.template, 2);
    if (failed >= 0) throw new StubError(`installing the stub's seccomp filter failed (${this.result(failed)})`);
  }

  /** Raw bytes into request slots from slot i on (filter programs and structs). */
  writeBytes(i: number, bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length; off += 4) {
      const slot = i + Math.floor(off / REQ_ENTRY_BYTES), within = off % REQ_ENTRY_BYTES;
      const w = this.reqWords[Math.floor(slot / REQ_PER_PAGE)]!;
      const b = this.reqBase[Math.floor(slot / REQ_PER_PAGE)]! + (slot % REQ_PER_PAGE) * (REQ_ENTRY_BYTES / 4) + within / 4;
      w[b] = (bytes[off]! | (bytes[off + 1]! << 8) | (bytes[off + 2]! << 16) | (bytes[off + 3]! << 24)) >>> 0;
    }
  }

  private check(r: number, what: string): void {
    if (r < 0) throw new StubError(`${what} on the stub failed (errno ${-r})`);
  }

  /** struct sigaction { SIG_IGN, flags 0, restorer 0, mask 0 } in request slot i. */
  private writeSigaction(i: number): void {
    const w = this.reqWords[Math.floor(i / REQ_PER_PAGE)]!, b = this.reqBase[Math.floor(i / REQ_PER_PAGE)]! + (i % REQ_PER_PAGE) * 16;
    w.fill(0, b, b + 8);
    w[b] = SIG_IGN;
  }

  /** Writes request i: nr and six arguments; clears its result. */
  put(i: number, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): void {
    const w = this.reqWords[Math.floor(i / REQ_PER_PAGE)]!;
    const b = this.reqBase[Math.floor(i / REQ_PER_PAGE)]! + (i % REQ_PER_PAGE) * (REQ_ENTRY_BYTES / 4);
    w[b] = nr; w[b + 1] = 0;
    w[b + 2] = lo32(a0); w[b + 3] = hi32(a0);
    w[b + 4] = lo32(a1); w[b + 5] = hi32(a1);
    w[b + 6] = lo32(a2); w[b + 7] = hi32(a2);
    w[b + 8] = lo32(a3); w[b + 9] = hi32(a3);
    w[b + 10] = lo32(a4); w[b + 11] = hi32(a4);
    w[b + 12] = lo32(a5); w[b + 13] = hi32(a5);
    w[b + 14] = 0; w[b + 15] = 0;
  }

  /** Result of request i (signed). */
  result(i: number): number {
    const w = this.reqWords[Math.floor(i / REQ_PER_PAGE)]!;
    const b = this.reqBase[Math.floor(i / REQ_PER_PAGE)]! + (i % REQ_PER_PAGE) * (REQ_ENTRY_BYTES / 4);
    return fromHalves(w[b + 14]!, w[b + 15]!);
  }

  /** Runs requests [0, count) in stub s; returns the index of the first that failed, or -1. */
  runBatch(s: Stub, count: number): number {
    const r = this.inj;
    r[2 * UR_RIP] = lo32(STUB_BATCH); r[2 * UR_RIP + 1] = hi32(STUB_BATCH);
    r[2 * UR_R12] = lo32(REQ_VA); r[2 * UR_R12 + 1] = hi32(REQ_VA);
    r[2 * UR_R13] = count; r[2 * UR_R13 + 1] = 0;
    this.inject(s);
    this.batches++;
    this.batchedOps += count;
    for (let i = 0; i < count; i++) {
      const v = this.result(i);
      if (v < 0 && v >= -4095) return i;
    }
    return -1;
  }

  /** One host syscall in stub pid (stopped); returns its result. */
  syscall(pid: number, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): number {
    const r = this.inj;
    r[2 * UR_RIP] = lo32(STUB_SYSCALL_ONE); r[2 * UR_RIP + 1] = hi32(STUB_SYSCALL_ONE);
    r[2 * UR_RAX] = nr; r[2 * UR_RAX + 1] = 0;
    const args = [UR_RDI, UR_RSI, UR_RDX, UR_R10, UR_R8, UR_R9], vals = [a0, a1, a2, a3, a4, a5];
    for (let i = 0; i < 6; i++) { r[2 * args[i]!] = lo32(vals[i]!); r[2 * args[i]! + 1] = hi32(vals[i]!); }
    this.inject(new Stub(pid));
    this.check(pt.getRegs(pid, r), 'PTRACE_GETREGS');
    return fromHalves(r[2 * UR_RAX]!, r[2 * UR_RAX + 1]!);
  }

  /** Resumes s at the injected registers until its `int3`. A tick that lands meanwhile is
   *  suppressed and remembered (tickSwallowed). */
  private inject(s: Stub): void {
    const r = this.inj, st = this.status;
    r[2 * UR_ORIG_RAX] = 0xffffffff; r[2 * UR_ORIG_RAX + 1] = 0xffffffff;
    r[2 * UR_EFLAGS] = 0x202; r[2 * UR_EFLAGS + 1] = 0;
    this.check(pt.setRegs(s.pid, r), 'PTRACE_SETREGS');
    let sig = 0;
    for (;;) {
      this.check(pt.resume(PTRACE_CONT, s.pid, sig), 'PTRACE_CONT');
      sig = 0;
      if (pt.wait(s.pid, st) !== s.pid) throw new StubError(`waitpid on stub ${s.pid} failed`);
      const v = st[0]!;
      if ((v & 0xff) !== 0x7f) throw new StubError(`stub ${s.pid} ${describeStatus(v)}`);
      const stopSig = (v >> 8) & 0xff;
      if (stopSig === SIGTRAP && v >>> 16 === 0) return;
      if (stopSig === this.tickSignal) { this.tickSwallowed = true; continue; }
      if (stopSig === SIGTRAP && (v >>> 16 === PTRACE_EVENT_FORK || v >>> 16 === PTRACE_EVENT_CLONE)) {
        this.eventMsg = pt.getEventMsg(s.pid); // the new process or thread; then int3
        continue;
      }
      if (stopSig === SIGSTOP) continue;
      throw new StubError(`stub ${s.pid} ${describeStatus(v)} while running a host call`);
    }
  }

  /** A new stub: one from the pool (already emptied), or a fork of the template. */
  acquire(): Stub {
    const p = this.pool.pop();
    if (p) { this.live.add(p); return p; }
    const s = this.forkChild();
    this.live.add(s);
    return s;
  }

  /** A fork of the template: traced, stopped, dying with the template. */
  forkChild(): Stub {
    const t = this.template, r = this.inj, st = this.status;
    r[2 * UR_RIP] = lo32(STUB_SYSCALL_ONE); r[2 * UR_RIP + 1] = hi32(STUB_SYSCALL_ONE);
    r[2 * UR_RAX] = SYS_FORK; r[2 * UR_RAX + 1] = 0;
    r[2 * UR_ORIG_RAX] = 0xffffffff; r[2 * UR_ORIG_RAX + 1] = 0xffffffff;
    this.check(pt.setRegs(t.pid, r), 'PTRACE_SETREGS');
    this.check(pt.resume(PTRACE_CONT, t.pid, 0), 'PTRACE_CONT');
    let child = -1;
    for (;;) {
      if (pt.wait(t.pid, st) !== t.pid) throw new StubError('waitpid on the template stub failed');
      const v = st[0]!;
      if ((v & 0xff) !== 0x7f) throw new StubError(`template stub ${describeStatus(v)}`);
      const stopSig = (v >> 8) & 0xff;
      if (stopSig === SIGTRAP && v >>> 16 === PTRACE_EVENT_FORK) {
        child = pt.getEventMsg(t.pid);
      } else if (stopSig === SIGTRAP && v >>> 16 === 0) {
        break;
      } else if (stopSig === this.tickSignal) {
        this.tickSwallowed = true;
      } else if (stopSig !== SIGSTOP) {
        throw new StubError(`template stub ${describeStatus(v)} during fork`);
      }
      this.check(pt.resume(PTRACE_CONT, t.pid, 0), 'PTRACE_CONT');
    }
    if (child <= 0) {
      this.check(pt.getRegs(t.pid, r), 'PTRACE_GETREGS');
      throw new StubError(`fork in the template stub failed (${fromHalves(r[2 * UR_RAX]!, r[2 * UR_RAX + 1]!)})`);
    }
    // The child starts traced (PTRACE_O_TRACEFORK), with our options, stopped by SIGSTOP.
    for (;;) {
      if (pt.wait(child, st) !== child) throw new StubError(`waitpid on new stub ${child} failed`);
      const v = st[0]!;
      if ((v & 0xff) !== 0x7f) throw new StubError(`new stub ${describeStatus(v)}`);
      if (((v >> 8) & 0xff) === SIGSTOP) break;
      this.check(pt.resume(PTRACE_CONT, child, 0), 'PTRACE_CONT');
    }
    this.forks++;
    const s = new Stub(child);
    // PR_SET_PDEATHSIG is not inherited: the stub also dies with the template.
    this.syscall(child, SYS_PRCTL, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0, 0);
    return s;
  }

  /** A new thread of stub s (a clone injected in its first thread): traced, stopped. Its
   *  registers are the tracer's to set before it first runs guest code; it never runs
   *  stub code, so it needs no stack. */
  spawnThread(s: Stub): StubThread {
    this.eventMsg = -1;
    const r = this.syscall(s.pid, SYS_CLONE, STUB_THREAD_FLAGS, 0, 0, 0, 0, 0);
    const tid = this.eventMsg;
    // r is the tid in the stubs' pid namespace; the event's is the host's, which ptrace takes.
    if (r <= 0 || tid <= 0) throw new StubError(`clone in stub ${s.pid} failed (${r})`);
    // The new thread starts traced (PTRACE_O_TRACECLONE), stopped by SIGSTOP.
    const st = this.status;
    for (;;) {
      if (pt.wait(tid, st) !== tid) throw new StubError(`waitpid on new stub thread ${tid} failed`);
      const v = st[0]!;
      if ((v & 0xff) !== 0x7f) throw new StubError(`new stub thread ${describeStatus(v)}`);
      if (((v >> 8) & 0xff) === SIGSTOP) break;
      this.check(pt.resume(PTRACE_CONT, tid, 0), 'PTRACE_CONT');
    }
    const th = new StubThread(s, tid);
    s.threads.push(th);
    this.threadsMade++;
    return th;
  }

  /** The template (set-up calls that every later stub inherits). */
  get templateStub(): Stub { return this.template; }

  /** Lets stub s run free from rip (PTRACE_DETACH): it is no longer traced. */
  detach(s: Stub, rip: number): void {
    const r = this.inj;
    r[2 * UR_RIP] = lo32(rip); r[2 * UR_RIP + 1] = hi32(rip);
    r[2 * UR_ORIG_RAX] = 0xffffffff; r[2 * UR_ORIG_RAX + 1] = 0xffffffff;
    this.check(pt.setRegs(s.pid, r), 'PTRACE_SETREGS');
    this.check(pt.resume(PTRACE_DETACH, s.pid, 0), 'PTRACE_DETACH');
  }

  /** An address space is gone: its stub is emptied (munmap below STUB_BASE) and pooled, or killed. */
  release(s: Stub): void {
    this.live.delete(s);
    if (this.pool.length < 8 && s.threads.length <= POOLED_THREADS_MAX) {
      this.put(0, SYS_MUNMAP, 0, STUB_BASE, 0, 0, 0, 0);
      if (this.runBatch(s, 1) < 0) { this.pool.push(s); return; }
    }
    this.kill(s);
  }

  /** Kills stub s and reaps each of its threads (a traced thread's exit waits for its tracer). */
  kill(s: Stub): void {
    pt.kill(s.pid, SIGKILL);
    for (let i = s.threads.length - 1; i >= 0; i--) pt.wait(s.threads[i]!.tid, this.status);
  }

  /** Kills every stub (the platform closes). */
  close(): void {
    for (const s of [...this.live, ...this.pool, this.template]) this.kill(s);
    this.live.clear();
    this.pool.length = 0;
    for (const pa of this.reqFrames) this.mem.freeTableFrame(pa);
  }
}
