// The typed surface of the native addon (native/). One method per host call or
// ioctl; failing host calls return -errno unless noted ("throws").
export type Bytes = ArrayBuffer | ArrayBufferView;
/** A host path: a string (sent as UTF-8) or its exact bytes (for names that are not UTF-8). */
export type PathArg = string | Uint8Array;

export interface KvmConstants { readonly [name: string]: number }

export interface KvmSystem {
  readonly fd: number;
  apiVersion(): number;                         // throws
  checkExtension(cap: number): number;
  vcpuMmapSize(): number;                       // throws
  getSupportedCpuid(buf: Bytes): number;        // fills struct kvm_cpuid2; returns nent; throws
  getMsrIndexList(): number[];
  close(): void;
}
export interface KvmVm {
  readonly fd: number;
  setUserMemoryRegion(slot: number, flags: number, guestPhys: number, mem: MemFd, memOffset: number, size: number): void; // throws
  setTssAddr(addr: number): void;               // throws
  setIdentityMapAddr(addr: number): void;       // throws
  checkExtension(cap: number): number;
  close(): void;
}
export interface KvmVcpu {
  readonly fd: number;
  runArea(): ArrayBuffer;                       // kvm_run, shared with KVM
  run(): number;                                // 0 or -errno (-EINTR: host signal)
  getRegs(buf: Bytes): void;                    // throws
  setRegs(buf: Bytes): void;
  getSregs(buf: Bytes): void;
  setSregs(buf: Bytes): void;
  setMsr(index: number, lo: number, hi: number): number;  // count accepted, or -errno
  getMsr(index: number, out: Uint32Array): number;
  setCpuid2(buf: Bytes): void;
  getXsave(buf: Bytes): void;
  setXsave(buf: Bytes): void;
  setXcr(index: number, lo: number, hi: number): void;
  getFpu(buf: Bytes): void;
  setFpu(buf: Bytes): void;
  armTick(ns: number): number;                  // one-shot preemption timer; 0 disarms
  close(): void;
}

export interface MemFd {
  readonly fd: number;
  readonly size: number;
  view(offset: number, length: number): ArrayBuffer;  // throws
  fallocate(offset: number, length: number): number;
  punchHole(offset: number, length: number): number;
  /** MADV_POPULATE_WRITE over this process's mapping (backs and maps the range); 0 or -errno. */
  populate(offset: number, length: number): number;
  close(): void;
}

export interface FdWatch {
  start(events: number): number;               // UV_READABLE 1, UV_WRITABLE 2; a started watch takes the new set
  stop(): void;                                 // closes the handle for good (start gives -EBADF after it)
  pause(): void;                                // stops watching; start() watches again
}

export interface Host {
  openat2(dirfd: number, path: PathArg, flags: number, mode: number, resolve: number): number;
  openat(dirfd: number, path: PathArg, flags: number, mode: number): number;
  close(fd: number): number;
  read(fd: number, buf: Bytes, off: number, len: number): number;
  write(fd: number, buf: Bytes, off: number, len: number): number;
  pread(fd: number, buf: Bytes, off: number, len: number, pos: number): number;
  pwrite(fd: number, buf: Bytes, off: number, len: number, pos: number): number;
  /** recv(2)/send(2) on a socket with the call's own flags (MSG_DONTWAIT, MSG_NOSIGNAL). */
  recv(fd: number, buf: Bytes, off: number, len: number, flags: number): number;
  send(fd: number, buf: Bytes, off: number, len: number, flags: number): number;
  lseek(fd: number, offset: number, whence: number): number;
  fstat(fd: number, buf: Bytes, off: number): number;              // raw struct stat
  fstatfs(fd: number, buf: Bytes, off: number): number;            // raw struct statfs (120 bytes)
  fstatat(dirfd: number, path: PathArg, buf: Bytes, off: number, flags: number): number;
  statx(dirfd: number, path: PathArg, flags: number, mask: number, buf: Bytes, off: number): number;
  getdents64(fd: number, buf: Bytes, off: number, len: number): number;
  readlinkat(dirfd: number, path: PathArg, buf: Bytes, off: number, len: number): number;
  faccessat(dirfd: number, path: PathArg, mode: number, flags: number): number;
  ioctlTcgets(fd: number, buf: Bytes, off: number): number;
  ioctlWinsize(fd: number, buf: Bytes, off: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  clockGettime(clock: number, out: Float64Array): number;
  clockGetres(clock: number, out: Float64Array): number;
  gettid(): number;
  rdtsc(): number;
  cpuid(leaf: number, subleaf: number, out: Uint32Array): void;
  timerfdCreate(clock: number): number;
  timerfdSetAbs(fd: number, sec: number, nsec: number): number;
  pollOne(fd: number, events: number, timeoutMs: number): number;
  signalDefault(sig: number, ignore: boolean): number;
  // unix_fds.cc: control sockets with fd passing (SCM_RIGHTS)
  unixListen(path: string, backlog: number): number;     // non-blocking, close-on-exec listener
  unixConnect(path: string): number;                     // blocking, close-on-exec
  unixAccept(fd: number, nonblock: boolean): number;
  sendFds(fd: number, buf: Bytes, off: number, len: number, fds: number[]): number;
  recvFds(fd: number, buf: Bytes, off: number, len: number, fdsOut: Int32Array): number;  // unused slots -1
  // pty.cc: host pseudo-terminals (--console-socket)
  posixOpenpt(flags: number): number;
  grantpt(fd: number): number;
  unlockpt(fd: number): number;
  ptsname(fd: number): string | number;
  setWinsize(fd: number, rows: number, cols: number): number;
  MemFd: new (name: string, size: number) => MemFd;
  FdWatch: new (fd: number, cb: (status: number, events: number) => void) => FdWatch;
}

/** ptrace and the stub process (native/host/ptrace.cc); calls return -errno on failure.
 *  Every call must come from the thread that spawned the stub (the main thread). */
export interface Ptrace {
  /** fork + execve(path) as a traced stub: fds none but memfd (as fd 3), default signals,
   *  empty mask, own process group, SIGKILL when this thread dies. Returns the pid. */
  spawnStub(path: string, memfd: number): number;
  setOptions(pid: number, options: number): number;
  /** struct user_regs_struct (27 u64). */
  getRegs(pid: number, buf: Bytes): number;
  setRegs(pid: number, buf: Bytes): number;
  /** NT_X86_XSTATE; get returns the size written, set needs the full size. */
  getXstate(pid: number, buf: Bytes): number;
  setXstate(pid: number, buf: Bytes, len: number): number;
  getSiginfo(pid: number, buf: Bytes): number;
  getEventMsg(pid: number): number;
  /** AUDIT_ARCH_* of the syscall the tracee is stopped in (PTRACE_GET_SYSCALL_INFO). */
  syscallArch(pid: number): number;
  /** PTRACE_CONT, PTRACE_SYSEMU, ...; the preemption tick aims at the stub resumed last. */
  resume(request: number, pid: number, sig: number): number;
  /** waitpid(pid, __WALL | flags), restarted after EINTR; status in status[0]. */
  wait(pid: number, status: Int32Array, flags?: number): number;
  kill(pid: number, sig: number): number;
  /** FUTEX_WAIT (shared) on words[index] while it equals expected; 0, or -ETIMEDOUT. */
  futexWait(words: Uint32Array, index: number, expected: number, timeoutMs: number, cpuIndex?: number): number;
  futexWake(words: Uint32Array, index: number, n: number): number;
  /** The process the preemption tick signals (when resumed other than by ptrace). */
  tickTarget(pid: number): number;
  setAffinity(tid: number, cpu: number): number;
  getCpu(): number;
  /** A timer on this thread whose signal handler sends sig to the stub resumed last. */
  tickInit(sig: number): number;
  tickArm(ns: number): number;
}

/** Changes for writable hostfs (native/host/hostfs_write.cc): one component relative to a
 *  directory fd, or an O_PATH fd's own inode (AT_EMPTY_PATH); -errno on failure. */
export interface HostWrite {
  mkdirat(dirfd: number, name: PathArg, mode: number): number;
  /** FIFOs, sockets, regular files; device nodes give -EPERM. */
  mknodat(dirfd: number, name: PathArg, mode: number): number;
  symlinkat(target: PathArg, dirfd: number, name: PathArg): number;
  linkat(olddirfd: number, oldname: PathArg, newdirfd: number, newname: PathArg): number;
  unlinkat(dirfd: number, name: PathArg, flags: number): number;
  renameat2(olddirfd: number, oldname: PathArg, newdirfd: number, newname: PathArg, flags: number): number;
  fchmodPath(fd: number, mode: number): number;
  fchownPath(fd: number, uid: number, gid: number): number;
  utimensPath(fd: number, asec: number, ansec: number, msec: number, mnsec: number): number;
  ftruncate(fd: number, size: number): number;
  fallocate(fd: number, mode: number, offset: number, len: number): number;
  fsync(fd: number): number;
}

/** Host sockets of a sandbox on the host's network (native/host/hostnet.cc); -errno on failure.
 *  Sockets are always non-blocking and close-on-exec on the host. */
export interface HostNet {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array, len: number): number;
  connect(fd: number, addr: Uint8Array, len: number): number;
  listen(fd: number, backlog: number): number;
  /** out[0]: the peer address's length. */
  accept(fd: number, addr: Uint8Array, out: Uint32Array): number;
  /** The address's full length. */
  getname(fd: number, peer: boolean, buf: Uint8Array): number;
  shutdown(fd: number, how: number): number;
  setsockopt(fd: number, level: number, name: number, buf: Uint8Array, off: number, len: number): number;
  /** The value's length. */
  getsockopt(fd: number, level: number, name: number, buf: Uint8Array, off: number, len: number): number;
  sendto(fd: number, buf: Uint8Array, off: number, len: number, flags: number, addr: Uint8Array | null, addrLen: number): number;
  /** out[0]: the source address's length, out[1]: msg_flags. */
  recvfrom(fd: number, buf: Uint8Array, off: number, len: number, flags: number, addr: Uint8Array, out: Uint32Array): number;
  ioctlInt(fd: number, request: number): number;
  joinNetns(path: string): number;
}

export interface Addon {
  hostWrite: HostWrite;
  hostnet: HostNet;
  ptrace: Ptrace;
  kvm: {
    Kvm: new (path?: string) => KvmSystem;
    Vm: new (kvm: KvmSystem) => KvmVm;
    Vcpu: new (vm: KvmVm, id: number, tickSignal: number) => KvmVcpu;
    constants: KvmConstants;
  };
  host: Host;
  /** Benchmark-only: the KVM syscall round trip driven from C (bench/syscall's floor). */
  bench: {
    floorSyscallLoop(vcpuFd: number, runArea: ArrayBuffer, stackWords: Uint32Array, frameWord: number, iretRip: number, count: number, result: number, frameVa: number): number;
  };
}
