// The kernel: tasks, the run loop, syscall dispatch and fault handling.
// Synchronous on the hot path (event -> handler -> result -> resume); returns
// to Node's event loop only when every task is parked (DESIGN.md, run loop).
import { EV_FAULT, EV_INTERRUPTED, EV_PANIC, EV_SYSCALL, PF_INSTR, PF_WRITE, VEC_AC, VEC_BP, VEC_BR, VEC_DB, VEC_DE, VEC_GP, VEC_MF, VEC_NM, VEC_OF, VEC_PF, VEC_SS, VEC_UD, VEC_XM, type Platform } from '../platform/platform';
import { RAX, RIP, ORIG_RAX } from '../platform/regs';
import { ENOSYS, errnoName } from './errno';
import { FAULT_OK, FAULT_OOM, FAULT_SEGV_ACCERR, MM } from './mm/mm';
import type { MemoryFile } from './mm/memory_file';
import { SIGBUS, SIGFPE, SIGILL, SIGKILL, SIGSEGV, SIGTRAP, defaultAction, DefaultAction } from './signals';
import { RET_BLOCK, RET_NO_WRITEBACK, type SyscallEntry } from './syscalls/types';
import { buildTable } from './syscalls/table';
import { Credentials, SignalHandlers, Task, TASK_BLOCKED, TASK_EXITED, TASK_RUNNABLE } from './task';
import { FdTable, release } from './vfs/fd_table';
import type { Vfs } from './vfs/vfs';
import { walk, LOOKUP_DIRECTORY, LOOKUP_FOLLOW } from './vfs/namei';
import { loadProgram, type CpuFacts } from './loader';
import type { Strace } from './strace';
import { Timers } from './timers';
import { FutexTable } from './futex';
import { Limits } from './limits';

export interface KernelOptions {
  platform: Platform;
  mem: MemoryFile;
  vfs: Vfs;
  cpu: CpuFacts;
  hostname: string;
  strace?: Strace;
  /** Messages for --debug (unsupported syscalls, kernel decisions). */
  debug?: (msg: string) => void;
  /** Where the kernel reports fatal problems (a bug in tsvisor, not the guest). */
  fatal: (msg: string) => void;
}

/** Why the sandbox ended: the init process's wait status, or a kernel failure. */
export interface SandboxExit { status: number; signal: number; internalError?: string }

export class Kernel {
  readonly platform: Platform;
  readonly mem: MemoryFile;
  readonly vfs: Vfs;
  readonly cpu: CpuFacts;
  readonly table: SyscallEntry[];
  readonly tasks = new Map<number, Task>();
  readonly timers: Timers;
  readonly futexes = new FutexTable();
  hostname: string;
  domainname = '(none)';
  /** Scratch space for encoding structs before copyOut (never held across a block). */
  readonly scratch = new Uint8Array(64 * 1024);
  readonly sdv = new DataView(this.scratch.buffer);
  readonly bootTime = Date.now();
  private readonly runQueue: Task[] = [];
  private nextTid = 1;
  private exit: SandboxExit | null = null;
  private wake: (() => void) | null = null;
  private readonly unsupported = new Map<number, number>();
  private readonly strace: Strace | undefined;
  readonly debug: ((msg: string) => void) | undefined;
  private readonly fatal: (msg: string) => void;

  constructor(o: KernelOptions) {
    this.platform = o.platform;
    this.mem = o.mem;
    this.vfs = o.vfs;
    this.cpu = o.cpu;
    this.hostname = o.hostname;
    this.strace = o.strace;
    this.debug = o.debug;
    this.fatal = o.fatal;
    this.table = buildTable();
    this.timers = new Timers(() => this.kick());
  }

  /** Creates the init process (pid 1) running path with argv/envp, in working directory cwd
   *  (a path inside the sandbox); returns -errno on failure. */
  spawnInit(path: string, argv: string[], envp: string[], stdio: number[], cwd = '/'): number {
    const fs = this.vfs.newFsContext();
    if (cwd !== '/') {
      const d = walk(fs.ctx(null), fs.root, cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
      if (typeof d === 'number') { fs.release(); return d; }
      fs.setCwd(d);
      d.put();
    }
    const exe = this.vfs.openExec(fs, path);
    if (typeof exe === 'number') return exe;
    const files = new FdTable();
    stdio.forEach((hostFd, i) => files.installAt(i, this.vfs.stdioFile(hostFd), false));
    const as = this.platform.newAddressSpace();
    const mm = new MM(this.mem, as);
    const tid = this.nextTid++;
    const t = new Task(this, tid, tid, 0, mm, files, fs, new SignalHandlers(), new Credentials(), this.platform.newFpuState(), new Limits());
    t.comm = (path.split('/').pop() ?? path).slice(0, 15);
    const r = loadProgram(t, mm, exe, {
      argv: argv.map((s) => Buffer.from(s)), envp: envp.map((s) => Buffer.from(s)), cpu: this.cpu,
      uid: 0, euid: 0, gid: 0, egid: 0, random: (b) => require('crypto').randomFillSync(b),
      openInterp: (p) => this.vfs.openExec(fs, p), vdsoBase: 0,
    });
    release(exe.file);
    if (typeof r === 'number') { mm.destroy(); files.release(); fs.release(); return r; }
    t.regs.set(RIP, r.entry);
    t.regs.set(6 /* RSP */, r.sp);
    this.tasks.set(tid, t);
    this.runQueue.push(t);
    return tid;
  }

  /** Runs until the init process exits. */
  async run(): Promise<SandboxExit> {
    for (;;) {
      this.runReady();
      if (this.exit) break;
      if (this.runQueue.length === 0) {
        if (!this.timers.pending() && !this.hasBlockedOnHost()) {
          this.exit = { status: 0, signal: 0, internalError: 'every task is blocked forever (deadlock)' };
          break;
        }
        await new Promise<void>((resolve) => { this.wake = resolve; });
      }
    }
    this.reportUnsupported();
    return this.exit!;
  }

  private hasBlockedOnHost(): boolean {
    for (const t of this.tasks.values()) if (t.state === TASK_BLOCKED && t.hostWait) return true;
    return false;
  }

  /** Wakes the run loop from the event loop (timers, host I/O). */
  kick(): void {
    const w = this.wake;
    this.wake = null;
    if (w) w();
  }

  /** Makes a parked task runnable again; it resumes its syscall from its wait record. */
  wakeTask(t: Task): void {
    if (t.state !== TASK_BLOCKED) return;
    t.leaveQueues();
    t.state = TASK_RUNNABLE;
    t.hostWait = false;
    this.runQueue.push(t);
    this.kick();
  }

  /** The synchronous loop: run tasks until none is runnable. */
  private runReady(): void {
    while (this.runQueue.length > 0 && !this.exit) {
      const t = this.runQueue[0]!;
      if (t.state !== TASK_RUNNABLE) { this.runQueue.shift(); continue; }
      if (t.resumeSyscall) {
        // Woken from a wait: run the handler again from its wait record, unless a signal
        // interrupted it (then the call ends with its progress or its interrupt result).
        t.resumeSyscall = false;
        if (t.interrupted) this.finishInterrupted(t);
        else this.dispatch(t);
        if (t.state !== TASK_RUNNABLE) { this.runQueue.shift(); continue; }
      }
      try {
        const ev = this.platform.run(t);
        switch (ev.kind) {
          case EV_SYSCALL: this.dispatch(t); break;
          case EV_FAULT: this.handleFault(t, ev.vector, ev.errorCode, ev.faultAddr); break;
          case EV_INTERRUPTED: break;
          case EV_PANIC: this.internalError(`platform: ${ev.message}`); return;
          default: this.internalError(`unknown platform event ${ev.kind}`); return;
        }
      } catch (e) {
        this.internalError(e instanceof Error ? e.stack ?? e.message : String(e));
        return;
      }
      if (t.state !== TASK_RUNNABLE) this.runQueue.shift();
    }
  }

  private dispatch(t: Task): void {
    const regs = t.regs;
    const nr = regs.hi(ORIG_RAX) === 0 ? regs.lo(ORIG_RAX) : -1;
    const entry = nr >= 0 ? this.table[nr] : undefined;
    const strace = this.strace;
    if (strace) strace.enter(t, nr);
    let res: number;
    if (entry?.handler) {
      try {
        res = entry.handler(t);
      } catch (e) {
        this.internalError(`syscall ${entry.name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        return;
      }
    } else {
      res = entry?.errno !== undefined ? -entry.errno : -ENOSYS;
      if (res === -ENOSYS) this.unsupported.set(nr, (this.unsupported.get(nr) ?? 0) + 1);
    }
    if (res === RET_BLOCK) {
      t.state = TASK_BLOCKED;
      t.resumeSyscall = true;
      return;
    }
    if (res !== RET_NO_WRITEBACK) regs.set(RAX, res);
    if (strace) strace.exit(t, nr, res);
  }

  private finishInterrupted(t: Task): void {
    const res = t.waitProgress > 0 ? t.waitProgress : t.waitInterruptResult;
    t.endWait();
    t.regs.set(RAX, res);
    if (this.strace) {
      const nr = t.regs.lo(ORIG_RAX);
      this.strace.exit(t, nr, res);
    }
  }

  private handleFault(t: Task, vector: number, errorCode: number, addr: number): void {
    if (vector === VEC_PF) {
      const r = t.mm.fault(addr, (errorCode & PF_WRITE) !== 0, (errorCode & PF_INSTR) !== 0);
      if (r === FAULT_OK) return;
      if (r === FAULT_OOM) { this.debug?.(`out of memory faulting 0x${addr.toString(16)}`); this.killProcess(t, SIGKILL); return; }
      this.forceSignal(t, r === FAULT_SEGV_ACCERR || r === FAULT_OK ? SIGSEGV : r === 4 ? SIGBUS : SIGSEGV);
      return;
    }
    let sig = SIGSEGV;
    switch (vector) {
      case VEC_DE: case VEC_MF: case VEC_XM: sig = SIGFPE; break;
      case VEC_UD: case VEC_NM: sig = SIGILL; break;
      case VEC_BP: case VEC_DB: sig = SIGTRAP; break;
      case VEC_AC: case VEC_SS: sig = SIGBUS; break;
      case VEC_GP: case VEC_OF: case VEC_BR: sig = SIGSEGV; break;
    }
    this.forceSignal(t, sig);
  }

  /** A synchronous signal from a fault. Handlers are delivered by the signals work (issue 3);
   *  until then the default action applies, which for faults ends the process. */
  forceSignal(t: Task, sig: number): void {
    const act = defaultAction(sig);
    if (act === DefaultAction.Terminate || act === DefaultAction.Core) this.killProcess(t, sig);
  }

  /** Ends every thread of t's process with a signal. */
  killProcess(t: Task, sig: number): void {
    this.exitGroup(t, sig & 0x7f, true);
  }

  /** Ends t's whole thread group with an exit code or a terminating signal. */
  exitGroup(t: Task, code: number, bySignal: boolean): void {
    const status = bySignal ? code & 0x7f : (code & 0xff) << 8;
    for (const o of [...this.tasks.values()]) {
      if (o.tgid !== t.tgid) continue;
      this.exitTask(o, status);
    }
    if (t.tgid === 1) this.exit = { status: bySignal ? 128 + code : code & 0xff, signal: bySignal ? code : 0 };
  }

  /** Ends one task (exit(2) of a thread); the last one releases the process's resources. */
  exitTask(t: Task, status: number): void {
    if (t.state === TASK_EXITED) return;
    t.state = TASK_EXITED;
    t.exitStatus = status;
    this.tasks.delete(t.tid);
    let last = true;
    for (const o of this.tasks.values()) if (o.tgid === t.tgid) { last = false; break; }
    if (last) {
      t.files.release();
      t.fs.release();
      t.mm.destroy();
    }
  }

  /** A bug in tsvisor: end this sandbox with a clear message and a non-zero status. */
  internalError(msg: string): void {
    this.fatal(`tsvisor: internal error: ${msg}`);
    this.exit = { status: 125, signal: 0, internalError: msg };
  }

  private reportUnsupported(): void {
    if (!this.debug) return;
    for (const [nr, count] of this.unsupported) {
      const name = nr >= 0 ? this.table[nr]?.name || `syscall_${nr}` : 'syscall(out of range)';
      this.debug(`unsupported syscall ${nr} (${name}) called ${count} time${count === 1 ? '' : 's'}: returned ${errnoName(ENOSYS)}`);
    }
  }

  allocTid(): number { return this.nextTid++; }
}
