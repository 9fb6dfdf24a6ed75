// The kernel: tasks, the run loop, syscall dispatch and fault handling.
// Synchronous on the hot path (event -> handler -> result -> resume); returns
// to Node's event loop only when every task is parked (DESIGN.md, run loop).
import { EV_FAULT, EV_INTERRUPTED, EV_PANIC, EV_SYSCALL, PF_INSTR, PF_PRESENT, PF_WRITE, VEC_AC, VEC_BP, VEC_BR, VEC_DB, VEC_DE, VEC_GP, VEC_MF, VEC_NM, VEC_OF, VEC_PF, VEC_SS, VEC_UD, VEC_XM, type Platform } from '../platform/platform';
import { RAX, RIP, ORIG_RAX } from '../platform/regs';
import { EAGAIN, EINVAL, ENOENT, ENOSYS, errnoName } from './errno';
import { FAULT_OK, FAULT_OOM, FAULT_SEGV_ACCERR, FAULT_SEGV_MAPERR, FAULT_SIGBUS, MM, setTaskSize } from './mm/mm';
import type { MemoryFile } from './mm/memory_file';
import {
  SIGBUS, SIGFPE, SIGILL, SIGKILL, SIGSEGV, SIGSTOP, SIGTRAP, defaultAction, DefaultAction, SI_KERNEL, BUS_ADRERR,
  SEGV_ACCERR, SEGV_MAPERR, FPE_INTDIV, ILL_ILLOPN, TRAP_BRKPT, BUS_ADRALN,
} from './signals';
import { deliverSignals, hasDeliverable, makeInfo, recordFault, sendToGroup, sendToTask } from './task_signals';
import { sigBit, type SigInfo } from './sigqueue';
import { SIG_DFL, SIG_IGN } from './abi/sigframe';
import type { ThreadGroup } from './thread_group';
import { bindGroup, exitGroup, exitTask, reap } from './task_exit';
import { RLIMIT_CORE, RLIMIT_STACK } from './limits';
import { monotonicNs } from './timers';
import { chargeSys, chargeUser, cpuTimerLeftNs } from './cputime';
import { performance } from 'perf_hooks'; // the module's binding: cheaper than the global getter
import { RET_BLOCK, RET_NO_WRITEBACK, type SyscallEntry } from './syscalls/types';
import { buildTable } from './syscalls/table';
import { attachFilter, seccompEnter } from './syscalls/seccomp';
import { checkProgram, programOf, type BpfInsn } from './seccomp_bpf';
import { capsOnExec } from './syscalls/identity';
import { capMask } from './abi/capability';
import { Credentials, SignalHandlers, Task, TASK_BLOCKED, TASK_EXITED, TASK_RUNNABLE } from './task';
import { FdTable, release } from './vfs/fd_table';
import type { Vfs } from './vfs/vfs';
import { walk, LOOKUP_DIRECTORY, LOOKUP_FOLLOW } from './vfs/namei';
import { loadProgram, type CpuFacts } from './loader';
import type { Strace } from './strace';
import { Timers } from './timers';
import { FutexTable } from './futex';
import { Limits } from './limits';
import { Vdso } from './vdso/vdso';
import { randomFill } from './host_random';

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

/** A process to start in the sandbox (Kernel.spawnProcess). */
export interface SpawnOptions {
  path: string;
  argv: string[];
  envp: string[];
  /** Host fds that become the process's fds 0, 1, 2, ... */
  stdio: number[];
  /** Working directory inside the sandbox (default "/"). */
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Supplementary groups. */
  groups?: number[];
  noNewPrivs?: boolean;
  /** Capability sets the process holds before it runs its program (capability numbers; what
   *  runc sets before execve): the program starts with what execve makes of them. Absent: root
   *  has every capability, other users none. */
  capabilities?: CapabilitySets;
  /** A seccomp filter installed before the program runs (as runc installs config.json's
   *  linux.seccomp just before execve): a classic BPF program and SECCOMP_FILTER_FLAG_* flags. */
  seccomp?: { program: readonly BpfInsn[]; flags: number };
  limits?: Limits;
  /** Called with the wait status when a process other than init exits (it is reaped then). */
  onExit?: (waitStatus: number) => void;
  /** Called once the guest has dropped its last reference to the description made from
   *  stdio[i] (so the caller may close a host fd it handed over). */
  onStdioReleased?: (hostFd: number) => void;
}

/** The five capability sets of a process, as lists of capability numbers (abi/capability.ts). */
export interface CapabilitySets {
  bounding: number[]; effective: number[]; permitted: number[]; inheritable: number[]; ambient: number[];
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
  /** Mapped into every process by loadProgram (null: no image was built; programs take the syscalls). */
  readonly vdso: Vdso | null;
  /** Thread groups by tgid (live and zombie). */
  readonly groups = new Map<number, ThreadGroup>();
  /** The XSAVE image of a signal frame is assembled here. */
  readonly fpuScratch = new Uint8Array(8192);
  /** Task cap (--max-tasks): clone/fork beyond it gives EAGAIN. */
  maxTasks = 4096;
  /** The host's network (--network=host, or an OCI config without a network namespace):
   *  AF_INET and AF_INET6 sockets are host sockets (net/hostinet.ts); otherwise the sandbox's
   *  own loopback-only network. */
  hostNetwork = false;
  /** Address-space randomisation on execve (Linux's randomize_va_space=2); --no-aslr turns it off. */
  aslr = true;
  /** Preemption slice while other tasks are runnable or host work is pending. */
  readonly sliceNs = 10_000_000;
  private tickArmedUntil = 0;
  hostname: string;
  domainname = '(none)';
  /** Scratch space for encoding structs before copyOut (never held across a block). */
  readonly scratch = new Uint8Array(64 * 1024);
  readonly sdv = new DataView(this.scratch.buffer);
  readonly bootTime = Date.now();
  private readonly runQueue: Task[] = [];
  /** CPU accounting: the task whose run last returned, and when (performance.now() ms). */
  private acctTask: Task | null = null;
  private acctStamp = 0;
  private nextTid = 1;
  private exit: SandboxExit | null = null;
  private wake: (() => void) | null = null;
  private readonly unsupported = new Map<number, number>();
  /** Parentless processes (spawnProcess with onExit) by pid: told of their exit, then reaped. */
  private readonly exitWatchers = new Map<number, (waitStatus: number) => void>();
  private frozen = false;
  readonly strace: Strace | undefined;
  readonly debug: ((msg: string) => void) | undefined;
  private readonly fatal: (msg: string) => void;

  constructor(o: KernelOptions) {
    this.platform = o.platform;
    setTaskSize(o.platform.userTop); // the user address space ends where the platform's does
    this.mem = o.mem;
    this.vfs = o.vfs;
    this.cpu = o.cpu;
    this.hostname = o.hostname;
    this.strace = o.strace;
    this.debug = o.debug;
    this.fatal = o.fatal;
    this.table = buildTable();
    this.timers = new Timers(() => this.kick());
    this.vdso = Vdso.create(o.mem, o.platform, o.debug);
  }

  /** Creates the init process (pid 1) running path with argv/envp, in working directory cwd
   *  (a path inside the sandbox); returns -errno on failure. */
  spawnInit(path: string, argv: string[], envp: string[], stdio: number[], cwd = '/'): number {
    return this.spawnProcess({ path, argv, envp, stdio, cwd });
  }

  /** Creates a process with no parent inside the sandbox: init (the first one) or one an OCI
   *  `exec` starts, with the given host fds as its fds 0.., credentials, limits and cwd; returns
   *  its pid or -errno. A name without '/' is searched in the PATH of envp (as runc does). */
  spawnProcess(o: SpawnOptions): number {
    if (this.tasks.size >= this.maxTasks) return -EAGAIN;
    const creds = new Credentials();
    if (o.uid !== undefined || o.gid !== undefined) {
      creds.uid = creds.euid = creds.suid = creds.fsuid = o.uid ?? 0;
      creds.gid = creds.egid = creds.sgid = creds.fsgid = o.gid ?? 0;
      creds.groups = [...(o.groups ?? [])];
      // A non-root user starts without capabilities (execve as a non-root uid, no file caps).
      if (creds.uid !== 0) { creds.capEffLo = creds.capEffHi = creds.capPrmLo = creds.capPrmHi = 0; }
    }
    if (o.capabilities) {
      const c = o.capabilities;
      [creds.capBndLo, creds.capBndHi] = capMask(c.bounding);
      [creds.capEffLo, creds.capEffHi] = capMask(c.effective);
      [creds.capPrmLo, creds.capPrmHi] = capMask(c.permitted);
      [creds.capInhLo, creds.capInhHi] = capMask(c.inheritable);
      // An ambient capability must be permitted and inheritable (PR_CAP_AMBIENT_RAISE's rule).
      const [aLo, aHi] = capMask(c.ambient);
      creds.capAmbLo = (aLo & creds.capPrmLo & creds.capInhLo) >>> 0;
      creds.capAmbHi = (aHi & creds.capPrmHi & creds.capInhHi) >>> 0;
      // Then the execve of the program: root gets the bounding set, others their ambient set.
      capsOnExec(creds, o.noNewPrivs ?? false);
    }
    if (o.seccomp && !checkProgram(programOf(o.seccomp.program))) return -EINVAL;
    const fs = this.vfs.newFsContext();
    const ctx = fs.ctx(null, creds);
    if (o.cwd && o.cwd !== '/') {
      const d = walk(ctx, fs.root, o.cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
      if (typeof d === 'number') { fs.release(); return d; }
      fs.setCwd(d);
      d.put();
    }
    let exe: ReturnType<Vfs['openExec']> = -ENOENT;
    if (o.path.includes('/')) exe = this.vfs.openExec(fs, o.path, ctx);
    else {
      const pathVar = o.envp.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
      for (const dir of pathVar.split(':')) {
        const r = this.vfs.openExec(fs, `${dir || '.'}/${o.path}`, ctx);
        if (typeof r !== 'number') { exe = r; break; }
        if (exe === -ENOENT) exe = r;
      }
    }
    if (typeof exe === 'number') { fs.release(); return exe; }
    const files = new FdTable();
    o.stdio.forEach((hostFd, i) => {
      const f = this.vfs.stdioFile(hostFd);
      const cb = o.onStdioReleased;
      if (cb) (f.watches ??= []).push({ fileReleased: () => cb(hostFd) });
      files.installAt(i, f, false);
    });
    const as = this.platform.newAddressSpace();
    const mm = new MM(this.mem, as);
    const tid = this.nextTid++;
    const t = new Task(this, tid, tid, 0, mm, files, fs, new SignalHandlers(), creds, this.platform.newFpuState(), o.limits ?? new Limits());
    t.noNewPrivs = o.noNewPrivs ?? false;
    if (o.seccomp) {
      const e = attachFilter(t, programOf(o.seccomp.program), o.seccomp.flags);
      if (e !== 0) { release(exe.file); mm.destroy(); files.release(); fs.release(); return e < 0 ? e : -EINVAL; }
    }
    t.comm = (o.path.split('/').pop() ?? o.path).slice(0, 15);
    const r = loadProgram(t, mm, exe, {
      argv: o.argv.map((s) => Buffer.from(s)), envp: o.envp.map((s) => Buffer.from(s)), cpu: this.cpu,
      uid: creds.uid, euid: creds.euid, gid: creds.gid, egid: creds.egid, random: (b) => randomFill(b),
      openInterp: (p) => this.vfs.openExec(fs, p, ctx), vdsoBase: 0,
    });
    release(exe.file);
    if (typeof r === 'number') { mm.destroy(); files.release(); fs.release(); return r; }
    t.regs.set(RIP, r.entry);
    t.regs.set(6 /* RSP */, r.sp);
    this.tasks.set(tid, t);
    this.groups.set(tid, t.group);
    bindGroup(t.group, this);
    if (o.onExit) this.exitWatchers.set(tid, o.onExit);
    this.runQueue.push(t);
    this.kick();
    return tid;
  }

  /** Stops running guest tasks until thaw() (an OCI pause: a freeze as the cgroup freezer's,
   *  no signal and nothing the guest's parents can see). Timers and host I/O still wake tasks;
   *  they run after the thaw. */
  freeze(): void { this.frozen = true; }
  thaw(): void { this.frozen = false; this.kick(); }
  get isFrozen(): boolean { return this.frozen; }

  /** A signal from outside the sandbox (an OCI `kill`) to init, or to every process: as from an
   *  ancestor pid namespace, init gets only SIGKILL, SIGSTOP and signals it has a handler for. */
  signalFromHost(sig: number, all: boolean): void {
    for (const g of this.groups.values()) {
      if (g.state !== 0 || (!all && g.tgid !== 1)) continue;
      sendToGroup(g, makeInfo(sig, 0 /* SI_USER */), sig === SIGKILL || sig === SIGSTOP);
    }
    this.kick();
  }

  /** A signal from outside the sandbox to one process (an OCI exec's, forwarded by its proxy). */
  signalProcess(pid: number, sig: number): void {
    const g = this.groups.get(pid);
    if (!g || g.state !== 0) return;
    sendToGroup(g, makeInfo(sig, 0 /* SI_USER */), sig === SIGKILL || sig === SIGSTOP);
    this.kick();
  }

  /** Adds a new task (clone) to the scheduler. */
  addTask(t: Task): void {
    this.tasks.set(t.tid, t);
    if (this.strace && this.tasks.size > 1) this.strace.showPids = true;
    if (t.group.leader === t) { this.groups.set(t.tgid, t.group); bindGroup(t.group, this); }
    this.runQueue.push(t);
  }

  /** A stopped task continues (SIGCONT). */
  makeRunnable(t: Task): void {
    if (!this.runQueue.includes(t)) this.runQueue.push(t);
    this.kick();
  }

  /** Sends sig to task t's process as the kernel would (SIGPIPE, SIGXFSZ, timers). */
  sendSignal(t: Task, sig: number, code = SI_KERNEL): void {
    sendToTask(t, makeInfo(sig, code), true);
  }

  /** A host signal forwarded to the sandbox's init process: it acts even without a handler (like
   *  a kill from outside a pid namespace), so Ctrl-C ends `tsvisor run`. */
  signalInit(sig: number): void {
    const g = this.groups.get(1);
    if (!g || g.state !== 0) return;
    sendToGroup(g, makeInfo(sig, SI_KERNEL), true);
    this.kick();
  }

  /** Ends t's process because of a signal (default action), with a core dump flag where Linux dumps. */
  exitGroupBySignal(t: Task, sig: number): void {
    // The core flag only when a core would be written: RLIMIT_CORE above zero (Linux).
    const core = defaultAction(sig) === DefaultAction.Core && (t.limits.soft[RLIMIT_CORE] ?? 0) > 0;
    this.strace?.killed(t, sig, core);
    exitGroup(t, sig | (core ? 0x80 : 0));
  }

  /** Runs until the init process exits. */
  async run(): Promise<SandboxExit> {
    for (;;) {
      if (this.frozen && !this.exit) { await new Promise<void>((resolve) => { this.wake = resolve; }); continue; }
      this.runReady();
      if (this.exit) break;
      if (this.runQueue.length === 0) {
        if (!this.timers.pending() && !this.hasBlockedOnHost()) {
          // Every task waits for what only the outside can bring now (a signal sent to tsvisor, an
          // OCI kill): the sandbox waits as Linux would, with a timer keeping Node's event loop alive.
          this.debug?.(`every task is blocked: ${this.describeBlocked()}`);
          await new Promise<void>((resolve) => {
            const keepAlive = setInterval(() => {}, 2 ** 30);
            this.wake = () => { clearInterval(keepAlive); resolve(); };
          });
          continue;
        }
        await new Promise<void>((resolve) => { this.wake = resolve; });
      } else {
        // Preempted by the tick: let the event loop run timers and host I/O, then go on.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.reportUnsupported();
    return this.exit!;
  }

  /** For --debug: which task waits in which syscall. */
  private describeBlocked(): string {
    const parts: string[] = [];
    for (const t of this.tasks.values()) {
      const nr = t.regs.lo(ORIG_RAX);
      parts.push(`${t.tid} (${t.comm}) ${t.state === TASK_BLOCKED ? `in ${this.table[nr]?.name ?? nr}` : `state ${t.state}`}`);
    }
    return parts.join(', ');
  }

  /** Tasks parked on host readiness (parkOnHost); asked on every exit, so the common case (none)
   *  is a size check with no iteration. */
  private readonly hostWaiters = new Set<Task>();

  /** Marks t, about to park, as waiting for the host (keeps the sandbox from waiting for a signal
   *  only, and keeps the preemption tick so the event loop gets its turn). */
  parkOnHost(t: Task): void {
    t.hostWait = true;
    this.hostWaiters.add(t);
  }

  private hasBlockedOnHost(): boolean {
    if (this.hostWaiters.size === 0) return false;
    for (const t of this.hostWaiters) {
      if (t.state === TASK_BLOCKED && t.hostWait) return true;
      this.hostWaiters.delete(t); // woken or gone
    }
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
    this.hostWaiters.delete(t);
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
      if (t.inSyscall || hasDeliverable(t) || t.hasSavedMask) {
        const inSys = t.inSyscall;
        t.inSyscall = false;
        if (!deliverSignals(t, inSys) || t.state !== TASK_RUNNABLE) { this.runQueue.shift(); continue; }
      }
      this.armTickIfNeeded(t);
      this.vdso?.onExit();
      try {
        // CPU time (cputime.ts): inside run is user time, from its exit to the next run system time.
        const t0 = performance.now();
        if (this.acctTask === t) chargeSys(t, (t0 - this.acctStamp) * 1e6);
        const ev = this.platform.run(t);
        const t1 = performance.now();
        chargeUser(t, (t1 - t0) * 1e6);
        this.acctTask = t; this.acctStamp = t1;
        switch (ev.kind) {
          case EV_SYSCALL:
            // seccomp: one check of a number when the task has no mode (the common case).
            if (t.seccompMode === 0 || seccompEnter(t)) this.dispatch(t);
            break;
          case EV_FAULT: this.handleFault(t, ev.vector, ev.errorCode, ev.faultAddr); break;
          case EV_INTERRUPTED:
            // The tick: let the others run and the event loop breathe.
            this.tickArmedUntil = 0;
            this.acctTask = null;
            if (this.runQueue[0] === t && this.runQueue.length > 1) { this.runQueue.shift(); this.runQueue.push(t); }
            return;
          case EV_PANIC: this.internalError(`platform: ${ev.message}`); return;
          default: this.internalError(`unknown platform event ${ev.kind}`); return;
        }
      } catch (e) {
        this.internalError(e instanceof Error ? e.stack ?? e.message : String(e));
        return;
      }
      if (t.state !== TASK_RUNNABLE) {
        if (t.state !== TASK_EXITED) chargeSys(t, (performance.now() - this.acctStamp) * 1e6);
        this.acctTask = null;
        this.runQueue.shift();
      }
    }
    if (this.runQueue.length === 0) this.platform.idle?.();
  }

  /** Arms the preemption tick when another task is runnable or host work is pending (each tick costs). */
  private armTickIfNeeded(t: Task): void {
    // A CPU itimer (ITIMER_VIRTUAL/PROF) needs the tick too, no later than it is due.
    const cpuLeft = cpuTimerLeftNs(t.group);
    if (cpuLeft === 0 && this.runQueue.length <= 1 && !this.timers.pending() && !this.hasBlockedOnHost()) return;
    const now = monotonicNs();
    if (this.tickArmedUntil > now) return;
    const slice = cpuLeft > 0 ? Math.min(this.sliceNs, Math.max(cpuLeft, 1_000_000)) : this.sliceNs;
    this.tickArmedUntil = now + slice;
    this.platform.armTick(slice);
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
      // As Linux checks signal_pending before it sleeps: a signal the task can take now (one that
      // came while it was runnable with its wait record) interrupts the wait at once.
      if (t.vforkChild === null && hasDeliverable(t)) { t.interrupted = true; this.wakeTask(t); }
      return;
    }
    if (res !== RET_NO_WRITEBACK) { regs.set(RAX, res); t.inSyscall = true; }
    if (strace) strace.exit(t, nr, res);
  }

  private finishInterrupted(t: Task): void {
    const hook = t.waitInterruptHook;
    const res = t.waitProgress > 0 ? t.waitProgress : hook !== null ? hook(t) : t.waitInterruptResult;
    t.endWait();
    t.regs.set(RAX, res);
    t.inSyscall = true;
    if (this.strace) {
      const nr = t.regs.lo(ORIG_RAX);
      this.strace.exit(t, nr, res);
    }
  }

  private handleFault(t: Task, vector: number, errorCode: number, addr: number): void {
    let sig = SIGSEGV, code = SI_KERNEL, siAddr = 0;
    if (vector === VEC_PF) {
      const r = t.mm.fault(addr, (errorCode & PF_WRITE) !== 0, (errorCode & PF_INSTR) !== 0, (errorCode & PF_PRESENT) !== 0,
        t.group.limits.soft[RLIMIT_STACK]!);
      if (r === FAULT_OK) return;
      if (r === FAULT_SEGV_MAPERR && this.platform.faultAddrUnreliable) {
        // Resume once: a genuine fault repeats at the same instruction and address (a faulting
        // instruction has done nothing), and is then delivered.
        const rip = t.regs.get(RIP);
        if (t.retriedFaultRip !== rip || t.retriedFaultAddr !== addr) {
          t.retriedFaultRip = rip; t.retriedFaultAddr = addr;
          this.debug?.(`pid ${t.tgid} tid ${t.tid}: page fault at 0x${addr.toString(16)} (rip 0x${rip.toString(16)}) outside every mapping: resuming once`);
          return;
        }
        t.retriedFaultRip = -1;
      }
      if (r === FAULT_OOM) {
        // As Linux's OOM killer: the process that cannot get memory is killed.
        this.debug?.(`out of memory (sandbox cap ${this.mem.size} bytes) faulting 0x${addr.toString(16)}: killing pid ${t.tgid}`);
        this.exitGroupBySignal(t, SIGKILL);
        return;
      }
      sig = r === FAULT_SIGBUS ? SIGBUS : SIGSEGV;
      code = r === FAULT_SIGBUS ? BUS_ADRERR : r === FAULT_SEGV_ACCERR ? SEGV_ACCERR : SEGV_MAPERR;
      siAddr = addr;
    } else {
      const rip = t.regs.get(RIP);
      switch (vector) {
        case VEC_DE: sig = SIGFPE; code = FPE_INTDIV; siAddr = rip; break;
        case VEC_MF: case VEC_XM: sig = SIGFPE; code = 0; siAddr = rip; break;
        case VEC_UD: case VEC_NM: sig = SIGILL; code = ILL_ILLOPN; siAddr = rip; break;
        case VEC_BP: sig = SIGTRAP; code = SI_KERNEL; break;
        case VEC_DB: sig = SIGTRAP; code = TRAP_BRKPT; siAddr = rip; break;
        case VEC_AC: sig = SIGBUS; code = BUS_ADRALN; break;
        case VEC_SS: sig = SIGBUS; code = SI_KERNEL; break;
        default: sig = SIGSEGV; code = SI_KERNEL; break;
      }
    }
    this.debug?.(`pid ${t.tgid} tid ${t.tid}: exception ${vector} (error ${errorCode}) at rip 0x${t.regs.hi(RIP).toString(16)}${t.regs.lo(RIP).toString(16).padStart(8, "0")} rcx 0x${t.regs.get(2).toString(16)} addr 0x${addr.toString(16)}: signal ${sig}`);
    recordFault(t, vector, errorCode, vector === VEC_PF ? addr : 0);
    this.forceSignal(t, sig, code, siAddr);
  }

  /** A synchronous signal from a fault: if it is blocked or ignored the process dies, as Linux's force_sig. */
  forceSignal(t: Task, sig: number, code: number, addr: number): void {
    const info = makeInfo(sig, code);
    info.addr = addr;
    this.forceSignalInfo(t, info);
  }

  /** forceSignal with a siginfo made by the caller (seccomp's SIGSYS). */
  forceSignalInfo(t: Task, info: SigInfo): void {
    const sig = info.signo;
    const act = t.sighand.actions[sig]!;
    const [lo, hi] = sigBit(sig);
    if (act.handler === SIG_IGN || ((t.sigMaskLo & lo) | (t.sigMaskHi & hi)) !== 0) {
      act.handler = SIG_DFL;
      t.sigMaskLo = (t.sigMaskLo & ~lo) >>> 0; t.sigMaskHi = (t.sigMaskHi & ~hi) >>> 0;
    }
    sendToTask(t, info, true);
  }

  /** A process has exited: the sandbox ends when init does. */
  groupExited(g: ThreadGroup): void {
    const watcher = this.exitWatchers.get(g.tgid);
    if (watcher && g.tgid !== 1) {
      this.exitWatchers.delete(g.tgid);
      if (!g.parent) reap(g);
      watcher(g.exitStatus);
    }
    if (g.tgid !== 1 || this.exit) return;
    const st = g.exitStatus;
    const sig = st & 0x7f;
    this.exit = sig ? { status: 128 + sig, signal: sig } : { status: (st >> 8) & 0xff, signal: 0 };
    // Everything else in the sandbox dies with init (as in a pid namespace).
    for (const o of [...this.tasks.values()]) exitTask(o, 9);
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
