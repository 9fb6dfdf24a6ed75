// strace-format tracing of a sandboxed program's system calls: one line per call,
// written when the call returns (output arguments such as read buffers and
// stat structs are only known then), as `strace -f` prints them:
//
//   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
//   [pid    42] read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1024
//
// The dispatcher calls enter() before the handler and exit() after it. Input
// arguments (paths, write buffers, argv) are rendered at enter(), because a call
// such as execve replaces the memory they live in; the rest at exit(). Nothing
// here runs unless tracing is on (the kernel holds no Strace otherwise).
//
// Every syscall has a signature (SIGNATURES below, or a chooser for calls whose
// arguments depend on a command: fcntl, ioctl, futex, prctl, ...); calls without
// one print their raw arguments, as many as the call takes (SYSCALL_NARGS).
import {
  ACCESS_MODES, ADDRESS_FAMILIES, ARCH_GET_CPUID, ARCH_GET_FS, ARCH_GET_GS, ARCH_PRCTL_CODES,
  AT_FDCWD, AT_FLAGS, AT_STATX_SYNC_TYPE, AT_STATX_SYNC_TYPES, CLOCK_IDS, CLOEXEC_FLAGS,
  CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_FLAGS, CLONE_PARENT_SETTID, CLONE_PIDFD,
  CLONE_SETTLS, CSIGNAL, EFD_FLAGS, EPOLL_CREATE_FLAGS, EPOLL_CTL_OPS, FACCESSAT_FLAGS,
  FCNTL_CMDS, FD_FLAGS, FIOASYNC, FIONBIO, FIONREAD, F_ADD_SEALS, F_DUPFD, F_DUPFD_CLOEXEC,
  F_GETFD, F_GETFL, F_GETLEASE, F_GETLK, F_GETOWN, F_GETPIPE_SZ, F_GETSIG, F_GET_SEALS,
  F_NOTIFY, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_SETFD, F_SETFL, F_SETLEASE, F_SETLK,
  F_SETLKW, F_SETOWN, F_SETPIPE_SZ, F_SETSIG, FUTEX_CLOCK_REALTIME, FUTEX_CMP_REQUEUE,
  FUTEX_CMP_REQUEUE_PI, FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_PRIVATE_FLAG, FUTEX_REQUEUE,
  FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI, FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI,
  FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP, GETRANDOM_FLAGS, IDTYPES, ITIMER_WHICH,
  MADVISE_ADVICE, MFD_FLAGS, MLOCKALL_FLAGS, MREMAP_FLAGS, MSG_FLAGS, MSYNC_FLAGS, O_CREAT,
  O_TMPFILE_BIT, PRCTL_OPTIONS, PRIO_WHICH, PROT_FLAGS, PR_GET_NAME, PR_GET_PDEATHSIG,
  PR_SET_NAME, PR_SET_PDEATHSIG, RENAME_FLAGS, RLIMIT_RESOURCES, RUSAGE_WHO, SCHED_POLICIES,
  SEAL_FLAGS, SHUTDOWN_HOW, SIGPROCMASK_HOW, SOCKET_TYPE_FLAGS, STATX_MASKS, TCGETS, TCSETS,
  TCSETSF, TCSETSW, TFD_FLAGS, TFD_SETTIME_FLAGS, TIMER_FLAGS, TIOCGPGRP, TIOCGPTN, TIOCGSID,
  TIOCGWINSZ, TIOCOUTQ, TIOCSCTTY, TIOCSPGRP, TIOCSPTLCK, TIOCSWINSZ, WAIT_OPTIONS, WHENCE,
  formatFlags, formatFutexOp, formatIoctlRequest, formatMmapFlags, formatMode, formatOpenFlags,
  formatSignal, formatSocketType, formatStatMode, formatXval, type Xlat, SI_CODES, SEGV_CODES,
  BUS_CODES, ILL_CODES, FPE_CODES, TRAP_CODES, CLD_CODES,
} from './abi/flags';

const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11, SIGCHLD = 17;
import { errnoMessage, errnoName } from './errno';
import { RAX, RDI, RDX, R8, R9, R10, RSI, RSP, type Regs } from '../platform/regs';
import { SYSCALL_NAMES, SYSCALL_NARGS, syscallNumber } from './syscalls/names';
import {
  GuestReader, MAX_STRLEN, addrText, decodeArgv, decodeBuffer, decodeCString, decodeCloneArgs,
  decodeCpuMask, decodeDirents, decodeEnvp, decodeFdPair, decodeFlock, decodeIntRef,
  decodeIovec, decodeItimerspec, decodeItimerval, decodeLongRef, decodePath, decodePollfds,
  decodeRlimit, decodeSigaction, decodeSigreturnMask, decodeSigset, decodeStack, decodeStat,
  decodeStatx, decodeStringN, decodeTermios, decodeTimespec, decodeTimeval, decodeULongHexRef,
  decodeUtsname, decodeWaitStatus, decodeWinsize, pollComment, timeComment, type StraceMemory,
} from './strace_decode';
import { hex64, hexNum, ptr64, quoteBytes, sdec64, udec64 } from './strace_format';

export type { StraceMemory } from './strace_decode';

/** What strace needs of a task (Task has all three). */
export interface StraceTask {
  readonly regs: Regs;
  readonly mm: StraceMemory;
  readonly tid: number;
}

export interface StraceOptions {
  /** Prefix lines with `[pid N] `, as strace -f does once a second task exists. */
  showPids?: boolean;
  /** Pad the call to this column before ` = ` (strace's -a; its default is 40).
   *  0, the default here, prints a single space as `strace -a0` does. */
  column?: number;
}

/** syscalls/types.ts RET_NO_WRITEBACK: the handler set the registers itself;
 *  the result is the task's rax. */
const RET_NO_WRITEBACK = -0x100000;
/** syscalls/types.ts RET_BLOCK: the task blocked; the call has not returned yet. */
const RET_BLOCK = -0x100001;

const ARG_REGS = [RDI, RSI, RDX, R10, R8, R9] as const;
const TWO32 = 4294967296;
const ERESTART: Record<number, string> = {
  512: 'ERESTARTSYS (To be restarted if SA_RESTART is set)',
  513: 'ERESTARTNOINTR (To be restarted)',
  514: 'ERESTARTNOHAND (To be restarted if no handler)',
  516: 'ERESTART_RESTARTBLOCK (Interrupted by signal)',
};

// ---- signatures --------------------------------------------------------------
//
// A signature lists the printed arguments: `[label=]kind[:param][@arg]`. The
// argument index is the position unless @arg says otherwise; param is another
// argument's index (a length, a count, a set size). Kinds starting with `o` are
// outputs, rendered at exit (as an address when the call failed).

interface ArgSpec {
  readonly label: string;
  readonly kind: Kind;
  readonly arg: number;
  readonly param: number;
}
interface Sig {
  readonly args: readonly ArgSpec[];
  readonly ret: RetKind;
}
type RetKind = 'd' | 'x' | 'o' | '?' | 'getfl' | 'getfd' | 'seals' | 'time' | 'poll';

const SIGNATURES: Record<string, string> = {
  read: 'fd, obuf, lu', write: 'fd, ibuf:2, lu', open: '*', close: 'fd',
  stat: 'path, ostat', fstat: 'fd, ostat', lstat: 'path, ostat',
  poll: 'pollin:1, u, d -> poll', lseek: 'fd, ld, whence',
  mmap: 'p, lu, prot, mapflags, fd, x -> x', mprotect: 'p, lu, prot', munmap: 'p, lu',
  brk: 'p -> x', rt_sigaction: 'sig, sigactin, osigact, lu',
  rt_sigprocmask: 'sighow, sigsetin:3, osigset:3, lu', rt_sigreturn: 'sigreturn', ioctl: '*',
  pread64: 'fd, obuf, lu, ld', pwrite64: 'fd, ibuf:2, lu, ld', readv: 'fd, oiov:2, d',
  writev: 'fd, iovin:2, d', access: 'path, accmode', pipe: 'opipe',
  select: 'd, p, p, p, tvin', sched_yield: '', mremap: '*', msync: 'p, lu, msync',
  mincore: 'p, lu, p', madvise: 'p, lu, madv', dup: 'fd', dup2: 'fd, fd', pause: '',
  nanosleep: 'tsin, p', getitimer: 'itimer, oitv', alarm: 'u',
  setitimer: 'itimer, itvin, oitv', getpid: '', sendfile: 'fd, fd, p, lu',
  socket: 'af, socktype, d', connect: 'fd, p, d', accept: 'fd, p, p',
  sendto: 'fd, ibuf:2, lu, msgflags, p, d', recvfrom: 'fd, obuf, lu, msgflags, p, p',
  sendmsg: 'fd, p, msgflags', recvmsg: 'fd, p, msgflags', shutdown: 'fd, shuthow',
  bind: 'fd, p, d', listen: 'fd, d', getsockname: 'fd, p, p', getpeername: 'fd, p, p',
  socketpair: 'af, socktype, d, opipe', setsockopt: 'fd, d, d, p, d', getsockopt: 'fd, d, d, p, p',
  clone: '*', fork: '', vfork: '', execve: 'path, argv, envp', exit: 'd -> ?',
  wait4: 'd, ostatus, waitopt, p', kill: 'd, sig', uname: 'outs', fcntl: '*',
  flock: 'fd, flockop', fsync: 'fd', fdatasync: 'fd', truncate: 'path, ld', ftruncate: 'fd, ld',
  getdents: 'fd, odents, u', getcwd: 'ocwd, lu', chdir: 'path', fchdir: 'fd',
  rename: 'path, path', mkdir: 'path, mode', rmdir: 'path', creat: 'path, mode',
  link: 'path, path', unlink: 'path', symlink: 'path, path', readlink: 'path, olink, lu',
  chmod: 'path, mode', fchmod: 'fd, mode', chown: 'path, d, d', fchown: 'fd, d, d',
  lchown: 'path, d, d', umask: 'mode -> o', gettimeofday: 'otv, p', getrlimit: 'rlim, orlim',
  getrusage: 'rusagewho, p', sysinfo: 'p', times: 'p', getuid: '', getgid: '', setuid: 'd',
  setgid: 'd', geteuid: '', getegid: '', setpgid: 'd, d', getppid: '', getpgrp: '', setsid: '',
  setreuid: 'd, d', setregid: 'd, d', getgroups: 'd, p', setgroups: 'lu, p',
  setresuid: 'd, d, d', getresuid: 'oint, oint, oint', setresgid: 'd, d, d',
  getresgid: 'oint, oint, oint', getpgid: 'd', setfsuid: 'd', setfsgid: 'd', getsid: 'd',
  rt_sigpending: 'osigset:1, lu', rt_sigtimedwait: 'sigsetin:3, p, tsin, lu',
  rt_sigqueueinfo: 'd, sig, p', rt_sigsuspend: 'sigsetin:1, lu', sigaltstack: 'ssin, oss',
  utime: 'path, p', mknod: 'path, smode, x', personality: 'x', statfs: 'path, p',
  fstatfs: 'fd, p', getpriority: 'priowhich, d', setpriority: 'priowhich, d, d',
  sched_setparam: 'd, p', sched_getparam: 'd, p', sched_setscheduler: 'd, schedpolicy, p',
  sched_getscheduler: 'd', sched_get_priority_max: 'schedpolicy',
  sched_get_priority_min: 'schedpolicy', sched_rr_get_interval: 'd, ots', mlock: 'p, lu',
  munlock: 'p, lu', mlockall: 'mlockall', munlockall: '', vhangup: '', pivot_root: 'path, path',
  prctl: '*', arch_prctl: '*', setrlimit: 'rlim, rlimin', chroot: 'path', sync: '',
  acct: 'path', settimeofday: 'tvin, p', mount: 'path, path, str, x, p', umount2: 'path, x',
  sethostname: 'ibuf:1, lu', setdomainname: 'ibuf:1, lu', gettid: '', readahead: 'fd, ld, lu',
  setxattr: 'path, str, ibuf:3, lu, x', lsetxattr: 'path, str, ibuf:3, lu, x',
  fsetxattr: 'fd, str, ibuf:3, lu, x', getxattr: 'path, str, obuf, lu',
  lgetxattr: 'path, str, obuf, lu', fgetxattr: 'fd, str, obuf, lu', listxattr: 'path, p, lu',
  llistxattr: 'path, p, lu', flistxattr: 'fd, p, lu', removexattr: 'path, str',
  lremovexattr: 'path, str', fremovexattr: 'fd, str', tkill: 'd, sig', time: 'otime -> time',
  futex: '*', sched_setaffinity: 'd, u, affin:1', sched_getaffinity: 'd, u, oaff',
  epoll_create: 'd', getdents64: 'fd, odents, u', set_tid_address: 'p', restart_syscall: '',
  fadvise64: 'fd, ld, lu, fadv', timer_create: 'clock, p, p',
  timer_settime: 'd, timerflags, itsin, oits', timer_gettime: 'd, oits', timer_getoverrun: 'd',
  timer_delete: 'd', clock_settime: 'clock, tsin', clock_gettime: 'clock, ots',
  clock_getres: 'clock, ots', clock_nanosleep: 'clock, timerflags, tsin, p',
  exit_group: 'd -> ?', epoll_wait: 'fd, p, d, d', epoll_ctl: 'fd, epollop, fd, p',
  tgkill: 'd, d, sig', utimes: 'path, p', waitid: 'idtype, d, p, waitopt, p',
  inotify_init: '', inotify_add_watch: 'fd, path, x', inotify_rm_watch: 'fd, d', openat: '*',
  mkdirat: 'dirfd, path, mode', mknodat: 'dirfd, path, smode, x',
  fchownat: 'dirfd, path, d, d, atflags', futimesat: 'dirfd, path, p',
  newfstatat: 'dirfd, path, ostat, atflags', unlinkat: 'dirfd, path, atflags',
  renameat: 'dirfd, path, dirfd, path', linkat: 'dirfd, path, dirfd, path, atflags',
  symlinkat: 'path, dirfd, path', readlinkat: 'dirfd, path, olink, lu',
  fchmodat: 'dirfd, path, mode', faccessat: 'dirfd, path, accmode',
  pselect6: 'd, p, p, p, tsin, p', ppoll: 'pollin:1, u, tsin, sigsetin:4, lu -> poll',
  unshare: 'cloneflags', set_robust_list: 'p, lu', get_robust_list: 'd, p, p',
  splice: 'fd, p, fd, p, lu, x', tee: 'fd, fd, lu, x', sync_file_range: 'fd, ld, ld, x',
  vmsplice: 'fd, p, lu, x', utimensat: 'dirfd, path, p, atflags',
  epoll_pwait: 'fd, p, d, d, sigsetin:5, lu', signalfd: 'fd, sigsetin:2, lu',
  timerfd_create: 'clock, tfd', eventfd: 'u', fallocate: 'fd, x, ld, ld',
  timerfd_settime: 'fd, tfdsettime, itsin, oits', timerfd_gettime: 'fd, oits',
  accept4: 'fd, p, p, sockflags', signalfd4: 'fd, sigsetin:2, lu, cloexec', eventfd2: 'u, efd',
  epoll_create1: 'epollflags', dup3: 'fd, fd, cloexec', pipe2: 'opipe, cloexec',
  inotify_init1: 'cloexec', preadv: 'fd, oiov:2, d, ld', pwritev: 'fd, iovin:2, d, ld',
  rt_tgsigqueueinfo: 'd, d, sig, p', prlimit64: 'd, rlim, rlimin, orlim', syncfs: 'fd',
  sendmmsg: 'fd, p, u, msgflags', recvmmsg: 'fd, p, u, msgflags, p', setns: 'fd, cloneflags',
  getcpu: 'ouint, ouint, p', renameat2: 'dirfd, path, dirfd, path, renameflags',
  getrandom: 'ohbuf, lu, grnd', memfd_create: 'str, mfd',
  execveat: 'dirfd, path, argv, envp, atflags', mlock2: 'p, lu, x',
  copy_file_range: 'fd, p, fd, p, lu, u', preadv2: 'fd, oiov:2, d, ld, x',
  pwritev2: 'fd, iovin:2, d, ld, x', statx: 'dirfd, path, statxflags, statxmask, ostatx',
  rseq: 'p, x, x, x', pidfd_open: 'd, x', clone3: 'clone3args:1, lu', close_range: 'u, u, x',
  openat2: 'dirfd, path, p, lu', pidfd_getfd: 'fd, fd, x',
  faccessat2: 'dirfd, path, accmode, faccessflags',
  epoll_pwait2: 'fd, p, d, tsin, sigsetin:5, lu', fchmodat2: 'dirfd, path, mode, atflags',
  pidfd_send_signal: 'fd, sig, p, x', memfd_secret: 'x', process_mrelease: 'fd, x',
};

// ---- argument kinds ------------------------------------------------------------

/** The state of one call between enter and exit. */
class Slot {
  nr = -1;
  active = false;
  readonly lo = new Uint32Array(6);
  readonly hi = new Uint32Array(6);
  rsp = 0;
  sig: Sig | null = null;
  name = '';
  parts: (string | null)[] = [];

  u(i: number): number { return this.lo[i]! + this.hi[i]! * TWO32; }
  int(i: number): number { return this.lo[i]! | 0; }
  uint(i: number): number { return this.lo[i]!; }
  /** An address argument as a Number (beyond 2^53: -1, which reads as a fault). */
  addr(i: number): number { return this.hi[i]! >= 0x200000 ? -1 : this.u(i); }
  hex(i: number): string { return hex64(this.lo[i]!, this.hi[i]!); }
  ptr(i: number): string { return ptr64(this.lo[i]!, this.hi[i]!); }
}

type Render = (r: GuestReader, s: Slot, a: number, p: number, result: number) => string;

const flags = (t: Xlat, unknown: string | null): Render => (_r, s, a) => formatFlags(s.uint(a), t, unknown);
const xval = (t: Xlat, unknown: string | null): Render => (_r, s, a) => formatXval(s.uint(a), t, unknown);
const FLOCK_OPS: Xlat = [[1, 'LOCK_SH'], [2, 'LOCK_EX'], [4, 'LOCK_NB'], [8, 'LOCK_UN']];
const FADVISE: Xlat = [
  [0, 'POSIX_FADV_NORMAL'], [1, 'POSIX_FADV_RANDOM'], [2, 'POSIX_FADV_SEQUENTIAL'],
  [3, 'POSIX_FADV_WILLNEED'], [4, 'POSIX_FADV_DONTNEED'], [5, 'POSIX_FADV_NOREUSE'],
];
const LEASE_TYPES: Xlat = [[0, 'F_RDLCK'], [1, 'F_WRLCK'], [2, 'F_UNLCK']];

function raw(s: Slot, a: number): string {
  const lo = s.lo[a]!, hi = s.hi[a]!;
  if (hi === 0 && lo < 0x10000) return String(lo);
  if (hi === 0xffffffff && lo >= 0xffff0000) return String(lo | 0);
  return hex64(lo, hi);
}

function cloneFlags(lo: number, hi: number): string {
  const sig = lo & CSIGNAL;
  const rest = (lo & ~CSIGNAL) >>> 0;
  let out = rest ? formatFlags(rest, CLONE_FLAGS, 'CLONE_???') : '';
  if (hi) out += (out ? '|' : '') + hex64(0, hi);
  if (sig || !out) out += (out ? '|' : '') + formatSignal(sig);
  return out;
}

/** Wraps a decoder of the memory an argument points to: an address beyond 2^53
 *  (never a user address) is printed exactly, without reading. */
const mem = (f: Render): Render => (r, s, a, p, res) => (s.hi[a]! >= 0x200000 ? s.ptr(a) : f(r, s, a, p, res));

const INPUT: Record<string, Render> = {
  d: (_r, s, a) => String(s.int(a)),
  fd: (_r, s, a) => String(s.int(a)),
  u: (_r, s, a) => String(s.uint(a)),
  ld: (_r, s, a) => sdec64(s.lo[a]!, s.hi[a]!),
  lu: (_r, s, a) => udec64(s.lo[a]!, s.hi[a]!),
  x: (_r, s, a) => s.hex(a),
  p: (_r, s, a) => s.ptr(a),
  raw: (_r, s, a) => raw(s, a),
  rawx: (_r, s, a) => s.hex(a),
  dirfd: (_r, s, a) => (s.int(a) === AT_FDCWD ? 'AT_FDCWD' : String(s.int(a))),
  path: mem((r, s, a) => decodePath(r, s.addr(a))),
  str: mem((r, s, a) => decodeCString(r, s.addr(a))),
  ibuf: mem((r, s, a, p) => decodeBuffer(r, s.addr(a), s.u(p))),
  mode: (_r, s, a) => formatMode(s.uint(a)),
  smode: (_r, s, a) => formatStatMode(s.uint(a)),
  oflags: (_r, s, a) => formatOpenFlags(s.uint(a)),
  prot: flags(PROT_FLAGS, 'PROT_???'),
  mapflags: (_r, s, a) => formatMmapFlags(s.uint(a)),
  atflags: flags(AT_FLAGS, 'AT_???'),
  faccessflags: flags(FACCESSAT_FLAGS, 'AT_???'),
  accmode: flags(ACCESS_MODES, '?_OK'),
  whence: xval(WHENCE, 'SEEK_???'),
  clock: xval(CLOCK_IDS, 'CLOCK_???'),
  sig: (_r, s, a) => formatSignal(s.int(a)),
  rlim: xval(RLIMIT_RESOURCES, 'RLIMIT_???'),
  madv: xval(MADVISE_ADVICE, 'MADV_???'),
  sighow: xval(SIGPROCMASK_HOW, 'SIG_???'),
  mremap: flags(MREMAP_FLAGS, 'MREMAP_???'),
  msync: flags(MSYNC_FLAGS, 'MS_???'),
  grnd: flags(GETRANDOM_FLAGS, 'GRND_???'),
  waitopt: flags(WAIT_OPTIONS, 'W???'),
  cloexec: flags(CLOEXEC_FLAGS, 'O_???'),
  af: xval(ADDRESS_FAMILIES, 'AF_???'),
  socktype: (_r, s, a) => formatSocketType(s.uint(a)),
  sockflags: flags(SOCKET_TYPE_FLAGS, 'SOCK_???'),
  msgflags: flags(MSG_FLAGS, 'MSG_???'),
  shuthow: xval(SHUTDOWN_HOW, 'SHUT_???'),
  renameflags: flags(RENAME_FLAGS, 'RENAME_???'),
  efd: flags(EFD_FLAGS, 'EFD_???'),
  epollflags: flags(EPOLL_CREATE_FLAGS, 'EPOLL_???'),
  epollop: xval(EPOLL_CTL_OPS, 'EPOLL_CTL_???'),
  mfd: flags(MFD_FLAGS, 'MFD_???'),
  tfd: flags(TFD_FLAGS, 'TFD_???'),
  tfdsettime: flags(TFD_SETTIME_FLAGS, 'TFD_TIMER_???'),
  timerflags: flags(TIMER_FLAGS, 'TIMER_???'),
  itimer: xval(ITIMER_WHICH, 'ITIMER_???'),
  rusagewho: xval(RUSAGE_WHO, 'RUSAGE_???'),
  priowhich: xval(PRIO_WHICH, 'PRIO_???'),
  schedpolicy: xval(SCHED_POLICIES, 'SCHED_???'),
  mlockall: flags(MLOCKALL_FLAGS, 'MCL_???'),
  statxmask: flags(STATX_MASKS, 'STATX_???'),
  statxflags: (_r, s, a) => {
    const v = s.uint(a);
    const rest = (v & ~AT_STATX_SYNC_TYPE) >>> 0;
    const sync = formatXval(v & AT_STATX_SYNC_TYPE, AT_STATX_SYNC_TYPES, null);
    return rest ? `${sync}|${formatFlags(rest, AT_FLAGS, null)}` : sync;
  },
  idtype: xval(IDTYPES, 'P_???'),
  flockop: flags(FLOCK_OPS, 'LOCK_???'),
  fadv: xval(FADVISE, 'POSIX_FADV_???'),
  fcntlcmd: xval(FCNTL_CMDS, 'F_???'),
  fdflags: flags(FD_FLAGS, null),
  seals: flags(SEAL_FLAGS, null),
  leasetype: xval(LEASE_TYPES, 'F_???'),
  ioreq: (_r, s, a) => formatIoctlRequest(s.uint(a)),
  futexop: (_r, s, a) => formatFutexOp(s.uint(a)),
  bitset: (_r, s, a) => (s.uint(a) === 0xffffffff ? 'FUTEX_BITSET_MATCH_ANY' : hexNum(s.uint(a))),
  prctlopt: xval(PRCTL_OPTIONS, 'PR_???'),
  archcode: xval(ARCH_PRCTL_CODES, 'ARCH_???'),
  cloneflags: (_r, s, a) => cloneFlags(s.lo[a]!, s.hi[a]!),
  clone3args: mem((r, s, a, p) => decodeCloneArgs(r, s.addr(a), s.u(p), cloneFlags)),
  sigsetin: mem((r, s, a, p) => decodeSigset(r, s.addr(a), s.u(p))),
  sigactin: mem((r, s, a) => decodeSigaction(r, s.addr(a))),
  tsin: mem((r, s, a) => decodeTimespec(r, s.addr(a))),
  tvin: mem((r, s, a) => decodeTimeval(r, s.addr(a))),
  itsin: mem((r, s, a) => decodeItimerspec(r, s.addr(a))),
  itvin: mem((r, s, a) => decodeItimerval(r, s.addr(a))),
  rlimin: mem((r, s, a) => decodeRlimit(r, s.addr(a))),
  iovin: mem((r, s, a, p) => decodeIovec(r, s.addr(a), s.u(p), Infinity)),
  argv: mem((r, s, a) => decodeArgv(r, s.addr(a))),
  envp: mem((r, s, a) => decodeEnvp(r, s.addr(a))),
  ssin: mem((r, s, a) => decodeStack(r, s.addr(a))),
  pollin: mem((r, s, a, p) => decodePollfds(r, s.addr(a), s.uint(p))),
  affin: mem((r, s, a, p) => decodeCpuMask(r, s.addr(a), Math.min(s.u(p), 4096))),
  intin: mem((r, s, a) => decodeIntRef(r, s.addr(a))),
  termiosin: mem((r, s, a) => decodeTermios(r, s.addr(a))),
  wsin: mem((r, s, a) => decodeWinsize(r, s.addr(a))),
  flockin: mem((r, s, a) => decodeFlock(r, s.addr(a), false)),
  sigreturn: (r, s) => decodeSigreturnMask(r, s.rsp),
};

/** Outputs: rendered at exit with the result; as an address when the call failed. */
const OUTPUT: Record<string, Render> = {
  obuf: mem((r, s, a, _p, res) => decodeBuffer(r, s.addr(a), res)),
  ohbuf: mem((r, s, a, _p, res) => decodeBuffer(r, s.addr(a), res, true)),
  olink: mem((r, s, a, _p, res) => decodeStringN(r, s.addr(a), res, true)),
  ocwd: mem((r, s, a, _p, res) => decodeStringN(r, s.addr(a), res, false)),
  ostat: mem((r, s, a) => decodeStat(r, s.addr(a))),
  ostatx: mem((r, s, a) => decodeStatx(r, s.addr(a))),
  ots: mem((r, s, a) => decodeTimespec(r, s.addr(a))),
  otv: mem((r, s, a) => decodeTimeval(r, s.addr(a))),
  oits: mem((r, s, a) => decodeItimerspec(r, s.addr(a))),
  oitv: mem((r, s, a) => decodeItimerval(r, s.addr(a))),
  outs: mem((r, s, a) => decodeUtsname(r, s.addr(a))),
  orlim: mem((r, s, a) => decodeRlimit(r, s.addr(a))),
  osigset: mem((r, s, a, p) => decodeSigset(r, s.addr(a), s.u(p))),
  osigact: mem((r, s, a) => decodeSigaction(r, s.addr(a))),
  opipe: mem((r, s, a) => decodeFdPair(r, s.addr(a))),
  odents: mem((r, s, a, _p, res) => decodeDirents(r, s.addr(a), res)),
  ostatus: mem((r, s, a) => decodeWaitStatus(r, s.addr(a))),
  oiov: mem((r, s, a, p, res) => decodeIovec(r, s.addr(a), s.u(p), res)),
  oaff: mem((r, s, a, _p, res) => decodeCpuMask(r, s.addr(a), Math.min(res, 4096))),
  oint: mem((r, s, a) => decodeIntRef(r, s.addr(a))),
  ouint: mem((r, s, a) => decodeIntRef(r, s.addr(a), true)),
  oulx: mem((r, s, a) => decodeULongHexRef(r, s.addr(a))),
  otime: mem((r, s, a) => decodeLongRef(r, s.addr(a))),
  oss: mem((r, s, a) => decodeStack(r, s.addr(a))),
  ows: mem((r, s, a) => decodeWinsize(r, s.addr(a))),
  otermios: mem((r, s, a) => decodeTermios(r, s.addr(a))),
  oflock: mem((r, s, a) => decodeFlock(r, s.addr(a), true)),
  oname: mem((r, s, a) => decodeStringN(r, s.addr(a), 16, false)),
  optid: mem((r, s, a) => decodeIntRef(r, s.addr(a))),
};

type Kind = string;

function parseSig(text: string): Sig {
  let ret: RetKind = 'd';
  const arrow = text.indexOf('->');
  if (arrow >= 0) {
    ret = text.slice(arrow + 2).trim() as RetKind;
    text = text.slice(0, arrow);
  }
  const args: ArgSpec[] = [];
  const items = text.trim() ? text.split(',') : [];
  items.forEach((item, pos) => {
    const m = /^\s*(?:(\w+)=)?(\w+)(?::(\d))?(?:@(\d))?\s*$/.exec(item);
    if (!m) throw new Error(`strace: bad signature item '${item}'`);
    const kind = m[2]!;
    if (!INPUT[kind] && !OUTPUT[kind]) throw new Error(`strace: unknown kind '${kind}'`);
    args.push({ label: m[1] ? m[1] + '=' : '', kind, arg: m[4] ? Number(m[4]) : pos, param: m[3] ? Number(m[3]) : -1 });
  });
  return { args, ret };
}

const sigCache = new Map<string, Sig>();
function sig(text: string): Sig {
  let s = sigCache.get(text);
  if (!s) { s = parseSig(text); sigCache.set(text, s); }
  return s;
}

// ---- calls whose arguments depend on other arguments ----------------------------

function openSig(s: Slot, flagsArg: number, prefix: string): Sig {
  const withMode = (s.uint(flagsArg) & (O_CREAT | O_TMPFILE_BIT)) !== 0;
  return sig(prefix + 'path, oflags' + (withMode ? ', mode' : ''));
}

function fcntlSig(s: Slot): Sig {
  switch (s.int(1)) {
    case F_GETFL: return sig('fd, fcntlcmd -> getfl');
    case F_GETFD: return sig('fd, fcntlcmd -> getfd');
    case F_GET_SEALS: return sig('fd, fcntlcmd -> seals');
    case F_GETOWN: case F_GETSIG: case F_GETLEASE: case F_GETPIPE_SZ: return sig('fd, fcntlcmd');
    case F_SETFD: return sig('fd, fcntlcmd, fdflags');
    case F_SETFL: return sig('fd, fcntlcmd, oflags');
    case F_DUPFD: case F_DUPFD_CLOEXEC: case F_SETOWN: case F_SETPIPE_SZ: return sig('fd, fcntlcmd, d');
    case F_SETSIG: return sig('fd, fcntlcmd, sig');
    case F_ADD_SEALS: return sig('fd, fcntlcmd, seals');
    case F_SETLEASE: return sig('fd, fcntlcmd, leasetype');
    case F_NOTIFY: return sig('fd, fcntlcmd, x');
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: return sig('fd, fcntlcmd, flockin');
    case F_GETLK: case F_OFD_GETLK: return sig('fd, fcntlcmd, oflock');
    default: return sig('fd, fcntlcmd, x');
  }
}

function ioctlSig(s: Slot): Sig {
  switch (s.uint(1)) {
    case TCGETS: return sig('fd, ioreq, otermios');
    case TCSETS: case TCSETSW: case TCSETSF: return sig('fd, ioreq, termiosin');
    case TIOCGWINSZ: return sig('fd, ioreq, ows');
    case TIOCSWINSZ: return sig('fd, ioreq, wsin');
    case FIONBIO: case FIOASYNC: case TIOCSPGRP: case TIOCSPTLCK: return sig('fd, ioreq, intin');
    case FIONREAD: case TIOCGPGRP: case TIOCGSID: case TIOCOUTQ: case TIOCGPTN: return sig('fd, ioreq, oint');
    case TIOCSCTTY: return sig('fd, ioreq, d');
    case 0x5450: case 0x5451: case 0x5422: case 0x540c: case 0x540d: return sig('fd, ioreq');
    default: return sig('fd, ioreq, x');
  }
}

function futexSig(s: Slot): Sig {
  const op = s.uint(1);
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  switch (cmd) {
    case FUTEX_WAIT: return sig('p, futexop, u, tsin');
    case FUTEX_WAIT_BITSET: return sig('p, futexop, u, tsin, bitset@5');
    case FUTEX_WAKE: return sig('p, futexop, u');
    case FUTEX_WAKE_BITSET: return sig('p, futexop, u, bitset@5');
    case FUTEX_REQUEUE: return sig('p, futexop, u, u, p');
    case FUTEX_CMP_REQUEUE: case FUTEX_CMP_REQUEUE_PI: return sig('p, futexop, u, u, p, u');
    case FUTEX_WAKE_OP: return sig('p, futexop, u, u, p, x');
    case FUTEX_LOCK_PI: case FUTEX_LOCK_PI2: return sig('p, futexop, tsin@3');
    case FUTEX_UNLOCK_PI: case FUTEX_TRYLOCK_PI: return sig('p, futexop');
    case FUTEX_WAIT_REQUEUE_PI: return sig('p, futexop, u, tsin, p');
    default: return sig('p, futexop, x, x, x, x');
  }
}

const PRCTL_NO_ARGS = new Set([3, 7, 13, 21, 27, 30, 31, 32, 39, 42, 46, 58, 68]);
const PRCTL_ONE_ARG = new Set([4, 8, 14, 23, 24, 29, 36, 41, 45, 57, 67]);
function prctlSig(s: Slot): Sig {
  const opt = s.int(0);
  if (opt === PR_SET_NAME) return sig('prctlopt, str');
  if (opt === PR_GET_NAME) return sig('prctlopt, oname');
  if (opt === PR_SET_PDEATHSIG) return sig('prctlopt, sig');
  if (opt === PR_GET_PDEATHSIG) return sig('prctlopt, oint');
  if (PRCTL_NO_ARGS.has(opt)) return sig('prctlopt');
  if (PRCTL_ONE_ARG.has(opt)) return sig('prctlopt, lu');
  if (opt === 38) return sig('prctlopt, lu, lu, lu, lu');
  return sig('prctlopt, x, x, x, x');
}

function archPrctlSig(s: Slot): Sig {
  const code = s.int(0);
  if (code === ARCH_GET_FS || code === ARCH_GET_GS) return sig('archcode, oulx');
  if (code === ARCH_GET_CPUID) return sig('archcode');
  return sig('archcode, x');
}

function cloneSig(s: Slot): Sig {
  const f = s.uint(0);
  let t = 'child_stack=p@1, flags=cloneflags@0';
  if (f & CLONE_PARENT_SETTID) t += ', parent_tid=optid@2';
  else if (f & CLONE_PIDFD) t += ', parent_tid=oint@2';
  if (f & CLONE_SETTLS) t += ', tls=p@4';
  if (f & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) t += ', child_tidptr=p@3';
  return sig(t);
}

const CHOOSERS: Record<string, (s: Slot) => Sig> = {
  open: (s) => openSig(s, 1, ''),
  openat: (s) => openSig(s, 2, 'dirfd, '),
  fcntl: fcntlSig,
  ioctl: ioctlSig,
  futex: futexSig,
  prctl: prctlSig,
  arch_prctl: archPrctlSig,
  clone: cloneSig,
  mremap: (s) => sig((s.uint(3) & 2) ? 'p, lu, lu, mremap, p -> x' : 'p, lu, lu, mremap -> x'),
};

/** Per-number signatures (null: raw arguments), built by the first tracer (not at load:
 *  every sandbox loads this module, few trace). */
let TABLE: (Sig | null)[] = [];
let UNKNOWN: Sig;
function buildTable(): void {
  if (TABLE.length) return;
  TABLE = SYSCALL_NAMES.map((name, nr) => {
    const text = SIGNATURES[name];
    if (text !== undefined && text !== '*') return sig(text);
    if (text === '*') return null;
    const n = SYSCALL_NARGS[nr]!;
    return name ? sig(Array.from({ length: Math.max(n, 0) }, () => 'raw').join(', ')) : null;
  });
  UNKNOWN = sig('rawx, rawx, rawx, rawx, rawx, rawx');
}
const NR_EXIT = syscallNumber('exit'), NR_EXIT_GROUP = syscallNumber('exit_group');

/** Names of the syscalls printed with decoded arguments (the rest print raw). */
export function decodedSyscalls(): string[] {
  return Object.keys(SIGNATURES).filter((n) => syscallNumber(n) >= 0);
}

// ---- the tracer -------------------------------------------------------------

export class Strace {
  showPids: boolean;
  column: number;
  private readonly slots = new WeakMap<object, Slot>();
  private readonly reader = new GuestReader();

  constructor(private readonly write: (line: string) => void, opts: StraceOptions = {}) {
    buildTable();
    this.showPids = opts.showPids ?? false;
    this.column = opts.column ?? 0;
  }

  /** Called before the handler runs: captures the arguments and renders the inputs. */
  enter(t: StraceTask, nr: number): void {
    let s = this.slots.get(t);
    if (!s) { s = new Slot(); this.slots.set(t, s); }
    s.nr = nr;
    s.active = true;
    for (let i = 0; i < 6; i++) {
      s.lo[i] = t.regs.lo(ARG_REGS[i]!);
      s.hi[i] = t.regs.hi(ARG_REGS[i]!);
    }
    s.rsp = t.regs.get(RSP);
    const name = SYSCALL_NAMES[nr];
    const chooser = name ? CHOOSERS[name] : undefined;
    s.name = name || `syscall_${hexNum(nr >>> 0)}`;
    s.sig = chooser ? chooser(s) : (name ? TABLE[nr]! : UNKNOWN) ?? UNKNOWN;
    s.parts.length = 0;
    this.reader.mm = t.mm;
    for (const a of s.sig.args) {
      const input = INPUT[a.kind];
      s.parts.push(input ? a.label + safe(() => input(this.reader, s, a.arg, a.param, 0)) : null);
    }
    this.reader.mm = null;
    if (nr === NR_EXIT || nr === NR_EXIT_GROUP) {
      // These never return; print them now, as strace does (`= ?`).
      this.finish(t, s, 0);
    }
  }

  /** Called when the call returns with its result (a value or -errno). A result of
   *  RET_NO_WRITEBACK reads the task's rax; RET_BLOCK means it has not returned yet. */
  exit(t: StraceTask, nr: number, result: number): void {
    if (result === RET_BLOCK) return;
    let s = this.slots.get(t);
    if (s && !s.active && s.nr === nr) return; // printed already (exit, exit_group)
    if (!s || !s.active || s.nr !== nr) {
      this.enter(t, nr);
      s = this.slots.get(t)!;
      if (!s.active) return;
    }
    if (result === RET_NO_WRITEBACK) result = t.regs.getSigned(RAX);
    this.finish(t, s, result);
  }

  /** A signal's delivery: `--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---`.
   *  Which of `info`'s fields print depends on the code, as in strace. */
  signal(t: StraceTask, signo: number, code: number, info: SignalInfo = {}): void {
    this.write(`${this.prefix(t)}--- ${formatSignal(signo)} ${formatSiginfo(signo, code, info)} ---`);
  }

  /** `+++ exited with 0 +++`. */
  exited(t: StraceTask, code: number): void {
    this.write(`${this.prefix(t)}+++ exited with ${code} +++`);
  }

  /** `+++ killed by SIGKILL +++`, with ` (core dumped)` when it dumped core. */
  killed(t: StraceTask, signo: number, core = false): void {
    this.write(`${this.prefix(t)}+++ killed by ${formatSignal(signo)}${core ? ' (core dumped)' : ''} +++`);
  }

  private prefix(t: StraceTask): string {
    return this.showPids ? `[pid ${String(t.tid).padStart(5)}] ` : '';
  }

  private finish(t: StraceTask, s: Slot, result: number): void {
    s.active = false;
    const sg = s.sig!;
    const failed = isError(result);
    this.reader.mm = t.mm;
    let args = '';
    sg.args.forEach((a, i) => {
      let text = s.parts[i];
      if (text === null || text === undefined) {
        const out = OUTPUT[a.kind]!;
        text = a.label + (failed || sg.ret === '?'
          ? s.ptr(a.arg)
          : safe(() => out(this.reader, s, a.arg, a.param, result)));
      }
      if (i > 0) args += ', ';
      args += text;
    });
    let ret = this.formatResult(s, sg.ret, result);
    this.reader.mm = null;
    let line = `${this.prefix(t)}${s.name}(${args})`;
    line += ' ';
    if (line.length < this.column) line = line.padEnd(this.column);
    ret = line + '= ' + ret;
    this.write(ret);
  }

  private formatResult(s: Slot, kind: RetKind, r: number): string {
    if (kind === '?') return '?';
    if (r < 0 && ERESTART[-r]) return '? ' + ERESTART[-r];
    if (isError(r)) return `-1 ${errnoName(-r)} (${errnoMessage(-r)})`;
    switch (kind) {
      case 'x': return r >= 0 ? hexNum(r) : String(r);
      case 'o': return formatMode(r);
      case 'getfl': return `${hexNum(r)} (flags ${formatOpenFlags(r)})`;
      case 'getfd': return r === 0 ? '0' : `${hexNum(r)} (flags ${formatFlags(r, FD_FLAGS, null)})`;
      case 'seals': return r === 0 ? '0' : `${hexNum(r)} (seals ${formatFlags(r, SEAL_FLAGS, null)})`;
      case 'time': return String(r) + timeComment(r);
      case 'poll': {
        const c = safe(() => pollComment(this.reader, s.addr(0), s.uint(1), r));
        return String(r) + c;
      }
      default: return String(r);
    }
  }
}

/** The siginfo fields a signal line shows (si_signo and si_code are arguments). */
export interface SignalInfo {
  /** Faulting address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP with a positive code). */
  addr?: number;
  /** Sender (SI_USER, SI_TKILL, SI_QUEUE) or child (SIGCHLD). */
  pid?: number;
  uid?: number;
  /** SIGCHLD: exit code (CLD_EXITED) or signal number. */
  status?: number;
}

const FAULT_CODES: Record<number, Xlat> = {
  [SIGSEGV]: SEGV_CODES, [SIGBUS]: BUS_CODES, [SIGILL]: ILL_CODES, [SIGFPE]: FPE_CODES,
  [SIGTRAP]: TRAP_CODES,
};
const CLD_EXITED = 1;

/** `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=7, si_uid=0, si_status=0, si_utime=0, si_stime=0}`. */
export function formatSiginfo(signo: number, code: number, info: SignalInfo): string {
  let s = `{si_signo=${formatSignal(signo)}, si_code=`;
  const fault = FAULT_CODES[signo];
  if (code > 0 && fault) {
    s += formatXval(code, fault, null) + `, si_addr=${addrText(info.addr ?? 0)}`;
  } else if (code > 0 && signo === SIGCHLD) {
    const status = info.status ?? 0;
    s += formatXval(code, CLD_CODES, null) + `, si_pid=${info.pid ?? 0}, si_uid=${info.uid ?? 0}, ` +
      `si_status=${code === CLD_EXITED ? status : formatSignal(status)}, si_utime=0, si_stime=0`;
  } else {
    s += formatXval(code, SI_CODES, null);
    if (code <= 0) s += `, si_pid=${info.pid ?? 0}, si_uid=${info.uid ?? 0}`;
  }
  return s + '}';
}

function isError(r: number): boolean {
  return r < 0 && r >= -4095;
}

/** Tracing must never take the kernel down: a decoder that throws prints `?`. */
function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return '?';
  }
}

/** Quotes a byte buffer as strace does (exported for other tracers, e.g. debug logs). */
export function straceQuote(b: Uint8Array, max = MAX_STRLEN): string {
  const n = Math.min(b.length, max);
  return quoteBytes(b, n, b.length > max);
}
