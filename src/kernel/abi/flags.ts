// Names of Linux x86_64 constants, for printing (strace): flag sets and
// enumerations as [value, name] tables in the order strace prints them, and the
// two printers that go with them. Values are the x86_64 ones.

/** [value, name] pairs; for flag tables, in printing order. */
export type Xlat = readonly (readonly [number, string])[];

const hex = (v: number): string => (v === 0 ? '0' : '0x' + v.toString(16));

/** Name of v in an enumeration, or strace's `0x63 /* CLOCK_??? *\/` when it has none.
 *  v is taken as unsigned 32-bit. `unknown` null prints just the number. */
export function formatXval(v: number, table: Xlat, unknown: string | null): string {
  v >>>= 0;
  for (const [val, name] of table) if (val === v) return name;
  return unknown === null ? hex(v) : `${hex(v)} /* ${unknown} */`;
}

/** A flag set as strace prints it: the names of the bits that are set, in table
 *  order, then any unknown bits in hex (`PROT_READ|0x10`); a table entry of value 0
 *  names the empty set; with no known bit at all, `0x10 /* PROT_??? *\/`. */
export function formatFlags(v: number, table: Xlat, unknown: string | null): string {
  v >>>= 0;
  if (v === 0) {
    for (const [val, name] of table) if (val === 0) return name;
    return '0';
  }
  let out = '';
  let rest = v;
  for (const [val, name] of table) {
    if (val !== 0 && ((rest & val) >>> 0) === val) {
      out += (out ? '|' : '') + name;
      rest = (rest & ~val) >>> 0;
    }
  }
  if (rest !== 0) {
    if (out) out += '|' + hex(rest);
    else out = unknown === null ? hex(rest) : `${hex(rest)} /* ${unknown} */`;
  }
  return out;
}

// ---- open(2), fcntl(2) ----------------------------------------------------

export const OPEN_ACCESS: Xlat = [[0, 'O_RDONLY'], [1, 'O_WRONLY'], [2, 'O_RDWR'], [3, 'O_ACCMODE']];

export const OPEN_FLAGS: Xlat = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'], [0o4010000, 'O_SYNC'], [0o4000000, '__O_SYNC'],
  [0o10000, 'O_DSYNC'], [0o40000, 'O_DIRECT'], [0o100000, 'O_LARGEFILE'], [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
  [0o20200000, 'O_TMPFILE'], [0o20000000, '__O_TMPFILE'], [0o200000, 'O_DIRECTORY'],
  [0o20000, 'FASYNC'],
];
export const O_CREAT = 0o100, O_TMPFILE_BIT = 0o20000000;

/** open flags: the access mode, then the other flags (`O_RDONLY|O_CLOEXEC`). */
export function formatOpenFlags(v: number): string {
  v >>>= 0;
  const acc = OPEN_ACCESS[v & 3]![1];
  const rest = (v & ~3) >>> 0;
  return rest ? `${acc}|${formatFlags(rest, OPEN_FLAGS, null)}` : acc;
}

/** Only O_CLOEXEC (dup3), or O_CLOEXEC|O_NONBLOCK|O_DIRECT (pipe2), and similar. */
export const CLOEXEC_FLAGS: Xlat = [[0o4000, 'O_NONBLOCK'], [0o40000, 'O_DIRECT'], [0o2000000, 'O_CLOEXEC']];

export const FCNTL_CMDS: Xlat = [
  [0, 'F_DUPFD'], [1, 'F_GETFD'], [2, 'F_SETFD'], [3, 'F_GETFL'], [4, 'F_SETFL'], [5, 'F_GETLK'],
  [6, 'F_SETLK'], [7, 'F_SETLKW'], [8, 'F_SETOWN'], [9, 'F_GETOWN'], [10, 'F_SETSIG'],
  [11, 'F_GETSIG'], [15, 'F_SETOWN_EX'], [16, 'F_GETOWN_EX'], [17, 'F_GETOWNER_UIDS'],
  [36, 'F_OFD_GETLK'], [37, 'F_OFD_SETLK'], [38, 'F_OFD_SETLKW'], [1024, 'F_SETLEASE'],
  [1025, 'F_GETLEASE'], [1026, 'F_NOTIFY'], [1027, 'F_DUPFD_QUERY'], [1028, 'F_CREATED_QUERY'],
  [1029, 'F_CANCELLK'], [1030, 'F_DUPFD_CLOEXEC'], [1031, 'F_SETPIPE_SZ'], [1032, 'F_GETPIPE_SZ'],
  [1033, 'F_ADD_SEALS'], [1034, 'F_GET_SEALS'], [1035, 'F_GET_RW_HINT'], [1036, 'F_SET_RW_HINT'],
  [1037, 'F_GET_FILE_RW_HINT'], [1038, 'F_SET_FILE_RW_HINT'],
];
export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5,
  F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11,
  F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_SETLEASE = 1024, F_GETLEASE = 1025,
  F_NOTIFY = 1026, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032,
  F_ADD_SEALS = 1033, F_GET_SEALS = 1034;

export const FD_FLAGS: Xlat = [[1, 'FD_CLOEXEC']];

export const SEAL_FLAGS: Xlat = [
  [1, 'F_SEAL_SEAL'], [2, 'F_SEAL_SHRINK'], [4, 'F_SEAL_GROW'], [8, 'F_SEAL_WRITE'],
  [16, 'F_SEAL_FUTURE_WRITE'], [32, 'F_SEAL_EXEC'],
];

// ---- *at(2) ------------------------------------------------------------------

export const AT_FDCWD = -100;

export const AT_FLAGS: Xlat = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH'], [0x8000, 'AT_RECURSIVE'],
];
/** faccessat2: AT_EACCESS shares AT_REMOVEDIR's bit. */
export const FACCESSAT_FLAGS: Xlat = [
  [0x200, 'AT_EACCESS'], [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x1000, 'AT_EMPTY_PATH'],
];
export const AT_STATX_SYNC_TYPES: Xlat = [
  [0, 'AT_STATX_SYNC_AS_STAT'], [0x2000, 'AT_STATX_FORCE_SYNC'], [0x4000, 'AT_STATX_DONT_SYNC'],
  [0x6000, 'AT_STATX_SYNC_TYPE'],
];
export const AT_STATX_SYNC_TYPE = 0x6000;

export const ACCESS_MODES: Xlat = [[0, 'F_OK'], [4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']];

export const WHENCE: Xlat = [[0, 'SEEK_SET'], [1, 'SEEK_CUR'], [2, 'SEEK_END'], [3, 'SEEK_DATA'], [4, 'SEEK_HOLE']];

export const RENAME_FLAGS: Xlat = [[1, 'RENAME_NOREPLACE'], [2, 'RENAME_EXCHANGE'], [4, 'RENAME_WHITEOUT']];

export const STATX_MASKS: Xlat = [
  [0xfff, 'STATX_ALL'], [0x7ff, 'STATX_BASIC_STATS'], [0x1, 'STATX_TYPE'], [0x2, 'STATX_MODE'],
  [0x4, 'STATX_NLINK'], [0x8, 'STATX_UID'], [0x10, 'STATX_GID'], [0x20, 'STATX_ATIME'],
  [0x40, 'STATX_MTIME'], [0x80, 'STATX_CTIME'], [0x100, 'STATX_INO'], [0x200, 'STATX_SIZE'],
  [0x400, 'STATX_BLOCKS'], [0x800, 'STATX_BTIME'], [0x1000, 'STATX_MNT_ID'],
  [0x2000, 'STATX_DIOALIGN'], [0x4000, 'STATX_MNT_ID_UNIQUE'], [0x8000, 'STATX_SUBVOL'],
  [0x10000, 'STATX_WRITE_ATOMIC'], [0x20000, 'STATX_DIO_READ_ALIGN'],
];
export const STATX_ATTRS: Xlat = [
  [0x4, 'STATX_ATTR_COMPRESSED'], [0x10, 'STATX_ATTR_IMMUTABLE'], [0x20, 'STATX_ATTR_APPEND'],
  [0x40, 'STATX_ATTR_NODUMP'], [0x800, 'STATX_ATTR_ENCRYPTED'], [0x1000, 'STATX_ATTR_AUTOMOUNT'],
  [0x2000, 'STATX_ATTR_MOUNT_ROOT'], [0x100000, 'STATX_ATTR_VERITY'], [0x200000, 'STATX_ATTR_DAX'],
  [0x400000, 'STATX_ATTR_WRITE_ATOMIC'],
];

// ---- file modes ----------------------------------------------------------------

export const S_IFMT = 0o170000;
export const FILE_TYPES: Xlat = [
  [0o140000, 'S_IFSOCK'], [0o120000, 'S_IFLNK'], [0o100000, 'S_IFREG'], [0o60000, 'S_IFBLK'],
  [0o40000, 'S_IFDIR'], [0o20000, 'S_IFCHR'], [0o10000, 'S_IFIFO'],
];
export const MODE_BITS: Xlat = [[0o4000, 'S_ISUID'], [0o2000, 'S_ISGID'], [0o1000, 'S_ISVTX']];

/** A permission mode as strace prints it: `%#03o` (0644, 000, 04755). */
export function formatMode(v: number): string {
  v >>>= 0;
  const o = v.toString(8);
  return v === 0 ? '000' : '0' + o.padStart(2, '0');
}

/** st_mode as strace prints it: `S_IFREG|0644`, `S_IFDIR|S_ISVTX|0777`. */
export function formatStatMode(v: number): string {
  v >>>= 0;
  let out = '';
  const type = v & S_IFMT;
  if (type) out = formatXval(type, FILE_TYPES, null) + '|';
  const special = v & 0o7000;
  if (special) out += formatFlags(special, MODE_BITS, null) + '|';
  const perm = v & ~(S_IFMT | 0o7000);
  return out + formatMode(perm);
}

// ---- memory ------------------------------------------------------------------

export const PROT_FLAGS: Xlat = [
  [0, 'PROT_NONE'], [1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [8, 'PROT_SEM'],
  [0x01000000, 'PROT_GROWSDOWN'], [0x02000000, 'PROT_GROWSUP'],
];
export const MAP_TYPES: Xlat = [[1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [3, 'MAP_SHARED_VALIDATE'], [8, 'MAP_DROPPABLE']];
export const MAP_TYPE = 0xf;
export const MAP_FLAGS: Xlat = [
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x40, 'MAP_32BIT'], [0x80, 'MAP_ABOVE4G'],
  [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x10000, 'MAP_NONBLOCK'],
  [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'], [0x1000, 'MAP_EXECUTABLE'],
  [0x2000, 'MAP_LOCKED'], [0x20000, 'MAP_STACK'], [0x40000, 'MAP_HUGETLB'], [0x80000, 'MAP_SYNC'],
  [0x4000000, 'MAP_UNINITIALIZED'], [0x100000, 'MAP_FIXED_NOREPLACE'],
];

/** mmap flags: the mapping type, then the other flags. */
export function formatMmapFlags(v: number): string {
  v >>>= 0;
  const type = formatXval(v & MAP_TYPE, MAP_TYPES, 'MAP_???');
  const rest = (v & ~MAP_TYPE) >>> 0;
  return rest ? `${type}|${formatFlags(rest, MAP_FLAGS, null)}` : type;
}

export const MREMAP_FLAGS: Xlat = [[1, 'MREMAP_MAYMOVE'], [2, 'MREMAP_FIXED'], [4, 'MREMAP_DONTUNMAP']];
export const MSYNC_FLAGS: Xlat = [[1, 'MS_ASYNC'], [2, 'MS_INVALIDATE'], [4, 'MS_SYNC']];
export const MLOCKALL_FLAGS: Xlat = [[1, 'MCL_CURRENT'], [2, 'MCL_FUTURE'], [4, 'MCL_ONFAULT']];

export const MADVISE_ADVICE: Xlat = [
  [0, 'MADV_NORMAL'], [1, 'MADV_RANDOM'], [2, 'MADV_SEQUENTIAL'], [3, 'MADV_WILLNEED'],
  [4, 'MADV_DONTNEED'], [8, 'MADV_FREE'], [9, 'MADV_REMOVE'], [10, 'MADV_DONTFORK'],
  [11, 'MADV_DOFORK'], [12, 'MADV_MERGEABLE'], [13, 'MADV_UNMERGEABLE'], [14, 'MADV_HUGEPAGE'],
  [15, 'MADV_NOHUGEPAGE'], [16, 'MADV_DONTDUMP'], [17, 'MADV_DODUMP'], [18, 'MADV_WIPEONFORK'],
  [19, 'MADV_KEEPONFORK'], [20, 'MADV_COLD'], [21, 'MADV_PAGEOUT'], [22, 'MADV_POPULATE_READ'],
  [23, 'MADV_POPULATE_WRITE'], [24, 'MADV_DONTNEED_LOCKED'], [25, 'MADV_COLLAPSE'],
  [100, 'MADV_HWPOISON'], [101, 'MADV_SOFT_OFFLINE'], [102, 'MADV_GUARD_INSTALL'],
  [103, 'MADV_GUARD_REMOVE'],
];

// ---- processes -----------------------------------------------------------------

export const ARCH_PRCTL_CODES: Xlat = [
  [0x1001, 'ARCH_SET_GS'], [0x1002, 'ARCH_SET_FS'], [0x1003, 'ARCH_GET_FS'], [0x1004, 'ARCH_GET_GS'],
  [0x1011, 'ARCH_GET_CPUID'], [0x1012, 'ARCH_SET_CPUID'], [0x1021, 'ARCH_GET_XCOMP_SUPP'],
  [0x1022, 'ARCH_GET_XCOMP_PERM'], [0x1023, 'ARCH_REQ_XCOMP_PERM'],
  [0x1024, 'ARCH_GET_XCOMP_GUEST_PERM'], [0x1025, 'ARCH_REQ_XCOMP_GUEST_PERM'],
  [0x2001, 'ARCH_MAP_VDSO_X32'], [0x2002, 'ARCH_MAP_VDSO_32'], [0x2003, 'ARCH_MAP_VDSO_64'],
  [0x4001, 'ARCH_GET_UNTAG_MASK'], [0x4002, 'ARCH_ENABLE_TAGGED_ADDR'],
  [0x4003, 'ARCH_GET_MAX_TAG_BITS'], [0x4004, 'ARCH_FORCE_TAGGED_SVA'],
  [0x5001, 'ARCH_SHSTK_ENABLE'], [0x5002, 'ARCH_SHSTK_DISABLE'], [0x5003, 'ARCH_SHSTK_LOCK'],
  [0x5004, 'ARCH_SHSTK_UNLOCK'], [0x5005, 'ARCH_SHSTK_STATUS'],
];
export const ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004, ARCH_GET_CPUID = 0x1011;

export const PRCTL_OPTIONS: Xlat = [
  [1, 'PR_SET_PDEATHSIG'], [2, 'PR_GET_PDEATHSIG'], [3, 'PR_GET_DUMPABLE'], [4, 'PR_SET_DUMPABLE'],
  [5, 'PR_GET_UNALIGN'], [6, 'PR_SET_UNALIGN'], [7, 'PR_GET_KEEPCAPS'], [8, 'PR_SET_KEEPCAPS'],
  [9, 'PR_GET_FPEMU'], [10, 'PR_SET_FPEMU'], [11, 'PR_GET_FPEXC'], [12, 'PR_SET_FPEXC'],
  [13, 'PR_GET_TIMING'], [14, 'PR_SET_TIMING'], [15, 'PR_SET_NAME'], [16, 'PR_GET_NAME'],
  [19, 'PR_GET_ENDIAN'], [20, 'PR_SET_ENDIAN'], [21, 'PR_GET_SECCOMP'], [22, 'PR_SET_SECCOMP'],
  [23, 'PR_CAPBSET_READ'], [24, 'PR_CAPBSET_DROP'], [25, 'PR_GET_TSC'], [26, 'PR_SET_TSC'],
  [27, 'PR_GET_SECUREBITS'], [28, 'PR_SET_SECUREBITS'], [29, 'PR_SET_TIMERSLACK'],
  [30, 'PR_GET_TIMERSLACK'], [31, 'PR_TASK_PERF_EVENTS_DISABLE'],
  [32, 'PR_TASK_PERF_EVENTS_ENABLE'], [33, 'PR_MCE_KILL'], [34, 'PR_MCE_KILL_GET'],
  [35, 'PR_SET_MM'], [36, 'PR_SET_CHILD_SUBREAPER'], [37, 'PR_GET_CHILD_SUBREAPER'],
  [38, 'PR_SET_NO_NEW_PRIVS'], [39, 'PR_GET_NO_NEW_PRIVS'], [40, 'PR_GET_TID_ADDRESS'],
  [41, 'PR_SET_THP_DISABLE'], [42, 'PR_GET_THP_DISABLE'], [43, 'PR_MPX_ENABLE_MANAGEMENT'],
  [44, 'PR_MPX_DISABLE_MANAGEMENT'], [45, 'PR_SET_FP_MODE'], [46, 'PR_GET_FP_MODE'],
  [47, 'PR_CAP_AMBIENT'], [52, 'PR_GET_SPECULATION_CTRL'], [53, 'PR_SET_SPECULATION_CTRL'],
  [55, 'PR_SET_TAGGED_ADDR_CTRL'], [56, 'PR_GET_TAGGED_ADDR_CTRL'], [57, 'PR_SET_IO_FLUSHER'],
  [58, 'PR_GET_IO_FLUSHER'], [59, 'PR_SET_SYSCALL_USER_DISPATCH'], [62, 'PR_SCHED_CORE'],
  [65, 'PR_SET_MDWE'], [66, 'PR_GET_MDWE'], [67, 'PR_SET_MEMORY_MERGE'],
  [68, 'PR_GET_MEMORY_MERGE'], [0x53564d41, 'PR_SET_VMA'],
];
export const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_SET_NAME = 15, PR_GET_NAME = 16;

export const CLONE_FLAGS: Xlat = [
  [0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'],
  [0x1000, 'CLONE_PIDFD'], [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'],
  [0x8000, 'CLONE_PARENT'], [0x10000, 'CLONE_THREAD'], [0x20000, 'CLONE_NEWNS'],
  [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'], [0x100000, 'CLONE_PARENT_SETTID'],
  [0x200000, 'CLONE_CHILD_CLEARTID'], [0x800000, 'CLONE_UNTRACED'],
  [0x1000000, 'CLONE_CHILD_SETTID'], [0x2000000, 'CLONE_NEWCGROUP'], [0x4000000, 'CLONE_NEWUTS'],
  [0x8000000, 'CLONE_NEWIPC'], [0x10000000, 'CLONE_NEWUSER'], [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'], [0x80000000, 'CLONE_IO'],
];
export const CLONE_PIDFD = 0x1000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
  CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000, CSIGNAL = 0xff;

export const WAIT_OPTIONS: Xlat = [
  [1, 'WNOHANG'], [2, 'WUNTRACED'], [4, 'WEXITED'], [8, 'WCONTINUED'], [0x1000000, 'WNOWAIT'],
  [0x80000000, '__WCLONE'], [0x40000000, '__WALL'], [0x20000000, '__WNOTHREAD'],
];
export const IDTYPES: Xlat = [[0, 'P_ALL'], [1, 'P_PID'], [2, 'P_PGID'], [3, 'P_PIDFD']];

export const RLIMIT_RESOURCES: Xlat = [
  [0, 'RLIMIT_CPU'], [1, 'RLIMIT_FSIZE'], [2, 'RLIMIT_DATA'], [3, 'RLIMIT_STACK'],
  [4, 'RLIMIT_CORE'], [5, 'RLIMIT_RSS'], [6, 'RLIMIT_NPROC'], [7, 'RLIMIT_NOFILE'],
  [8, 'RLIMIT_MEMLOCK'], [9, 'RLIMIT_AS'], [10, 'RLIMIT_LOCKS'], [11, 'RLIMIT_SIGPENDING'],
  [12, 'RLIMIT_MSGQUEUE'], [13, 'RLIMIT_NICE'], [14, 'RLIMIT_RTPRIO'], [15, 'RLIMIT_RTTIME'],
];

export const RUSAGE_WHO: Xlat = [[0, 'RUSAGE_SELF'], [-1 >>> 0, 'RUSAGE_CHILDREN'], [1, 'RUSAGE_THREAD']];
export const PRIO_WHICH: Xlat = [[0, 'PRIO_PROCESS'], [1, 'PRIO_PGRP'], [2, 'PRIO_USER']];
export const SCHED_POLICIES: Xlat = [
  [0, 'SCHED_OTHER'], [1, 'SCHED_FIFO'], [2, 'SCHED_RR'], [3, 'SCHED_BATCH'], [5, 'SCHED_IDLE'],
  [6, 'SCHED_DEADLINE'], [7, 'SCHED_EXT'],
];

export const GETRANDOM_FLAGS: Xlat = [[1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE']];

// ---- time ------------------------------------------------------------------

export const CLOCK_IDS: Xlat = [
  [0, 'CLOCK_REALTIME'], [1, 'CLOCK_MONOTONIC'], [2, 'CLOCK_PROCESS_CPUTIME_ID'],
  [3, 'CLOCK_THREAD_CPUTIME_ID'], [4, 'CLOCK_MONOTONIC_RAW'], [5, 'CLOCK_REALTIME_COARSE'],
  [6, 'CLOCK_MONOTONIC_COARSE'], [7, 'CLOCK_BOOTTIME'], [8, 'CLOCK_REALTIME_ALARM'],
  [9, 'CLOCK_BOOTTIME_ALARM'], [10, 'CLOCK_SGI_CYCLE'], [11, 'CLOCK_TAI'],
];
export const TIMER_FLAGS: Xlat = [[1, 'TIMER_ABSTIME']];
export const ITIMER_WHICH: Xlat = [[0, 'ITIMER_REAL'], [1, 'ITIMER_VIRTUAL'], [2, 'ITIMER_PROF']];
export const TFD_FLAGS: Xlat = [[0o4000, 'TFD_NONBLOCK'], [0o2000000, 'TFD_CLOEXEC']];
export const TFD_SETTIME_FLAGS: Xlat = [[1, 'TFD_TIMER_ABSTIME'], [2, 'TFD_TIMER_CANCEL_ON_SET']];

// ---- futex -----------------------------------------------------------------

export const FUTEX_CMDS: Xlat = [
  [0, 'FUTEX_WAIT'], [1, 'FUTEX_WAKE'], [2, 'FUTEX_FD'], [3, 'FUTEX_REQUEUE'],
  [4, 'FUTEX_CMP_REQUEUE'], [5, 'FUTEX_WAKE_OP'], [6, 'FUTEX_LOCK_PI'], [7, 'FUTEX_UNLOCK_PI'],
  [8, 'FUTEX_TRYLOCK_PI'], [9, 'FUTEX_WAIT_BITSET'], [10, 'FUTEX_WAKE_BITSET'],
  [11, 'FUTEX_WAIT_REQUEUE_PI'], [12, 'FUTEX_CMP_REQUEUE_PI'], [13, 'FUTEX_LOCK_PI2'],
];
export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
  FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8,
  FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11,
  FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

/** futex op: `FUTEX_WAIT_PRIVATE`, `FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME`. */
export function formatFutexOp(op: number): string {
  op >>>= 0;
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  let name: string | null = null;
  for (const [v, n] of FUTEX_CMDS) if (v === cmd) name = n;
  if (name === null) return '0x' + op.toString(16) + ' /* FUTEX_??? */';
  if (op & FUTEX_PRIVATE_FLAG) name += '_PRIVATE';
  if (op & FUTEX_CLOCK_REALTIME) name += '|FUTEX_CLOCK_REALTIME';
  return name;
}

// ---- signals ---------------------------------------------------------------

const SIGNAL_NAMES = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL',
  'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD',
  'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ',
  'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS', 'SIGRTMIN',
];

/** A signal as strace prints it: SIGSEGV, SIGRTMIN (32), SIGRT_1 .. SIGRT_32, else the number. */
export function formatSignal(sig: number): string {
  if (sig > 0 && sig < SIGNAL_NAMES.length) return SIGNAL_NAMES[sig]!;
  if (sig > 32 && sig <= 64) return `SIGRT_${sig - 32}`;
  return String(sig);
}

/** A 64-signal set given as two halves: `[INT TERM]`, `[]`, or `~[KILL STOP]` when
 *  two thirds or more of the signals are in it. */
export function formatSigset(lo: number, hi: number): string {
  lo >>>= 0; hi >>>= 0;
  let count = 0;
  for (let i = 0; i < 32; i++) count += ((lo >>> i) & 1) + ((hi >>> i) & 1);
  let prefix = '';
  if (count >= 42) { prefix = '~'; lo = ~lo >>> 0; hi = ~hi >>> 0; }
  const names: string[] = [];
  for (let sig = 1; sig <= 64; sig++) {
    const bit = sig <= 32 ? (lo >>> (sig - 1)) & 1 : (hi >>> (sig - 33)) & 1;
    if (bit) names.push(sig < SIGNAL_NAMES.length ? SIGNAL_NAMES[sig]!.slice(3) : `RT_${sig - 32}`);
  }
  return `${prefix}[${names.join(' ')}]`;
}

export const SIGPROCMASK_HOW: Xlat = [[0, 'SIG_BLOCK'], [1, 'SIG_UNBLOCK'], [2, 'SIG_SETMASK']];

export const SA_RESTORER = 0x04000000;
export const SIGACTION_FLAGS: Xlat = [
  [0x04000000, 'SA_RESTORER'], [0x08000000, 'SA_ONSTACK'], [0x10000000, 'SA_RESTART'],
  [0x20000000, 'SA_INTERRUPT'], [0x40000000, 'SA_NODEFER'], [0x80000000, 'SA_RESETHAND'],
  [4, 'SA_SIGINFO'], [1, 'SA_NOCLDSTOP'], [2, 'SA_NOCLDWAIT'], [0x400, 'SA_UNSUPPORTED'],
  [0x800, 'SA_EXPOSE_TAGBITS'],
];
export const SIGALTSTACK_FLAGS: Xlat = [[1, 'SS_ONSTACK'], [2, 'SS_DISABLE'], [0x80000000, 'SS_AUTODISARM']];

/** si_code values that apply to every signal. */
export const SI_CODES: Xlat = [
  [0, 'SI_USER'], [0x80, 'SI_KERNEL'], [-1 >>> 0, 'SI_QUEUE'], [-2 >>> 0, 'SI_TIMER'],
  [-3 >>> 0, 'SI_MESGQ'], [-4 >>> 0, 'SI_ASYNCIO'], [-5 >>> 0, 'SI_SIGIO'], [-6 >>> 0, 'SI_TKILL'],
];
export const SEGV_CODES: Xlat = [[1, 'SEGV_MAPERR'], [2, 'SEGV_ACCERR'], [3, 'SEGV_BNDERR'], [4, 'SEGV_PKUERR']];
export const BUS_CODES: Xlat = [[1, 'BUS_ADRALN'], [2, 'BUS_ADRERR'], [3, 'BUS_OBJERR'], [4, 'BUS_MCEERR_AR'], [5, 'BUS_MCEERR_AO']];
export const ILL_CODES: Xlat = [
  [1, 'ILL_ILLOPC'], [2, 'ILL_ILLOPN'], [3, 'ILL_ILLADR'], [4, 'ILL_ILLTRP'], [5, 'ILL_PRVOPC'],
  [6, 'ILL_PRVREG'], [7, 'ILL_COPROC'], [8, 'ILL_BADSTK'],
];
export const FPE_CODES: Xlat = [
  [1, 'FPE_INTDIV'], [2, 'FPE_INTOVF'], [3, 'FPE_FLTDIV'], [4, 'FPE_FLTOVF'], [5, 'FPE_FLTUND'],
  [6, 'FPE_FLTRES'], [7, 'FPE_FLTINV'], [8, 'FPE_FLTSUB'],
];
export const TRAP_CODES: Xlat = [[1, 'TRAP_BRKPT'], [2, 'TRAP_TRACE'], [3, 'TRAP_BRANCH'], [4, 'TRAP_HWBKPT']];
export const CLD_CODES: Xlat = [
  [1, 'CLD_EXITED'], [2, 'CLD_KILLED'], [3, 'CLD_DUMPED'], [4, 'CLD_TRAPPED'], [5, 'CLD_STOPPED'],
  [6, 'CLD_CONTINUED'],
];

// ---- sockets -----------------------------------------------------------------

export const ADDRESS_FAMILIES: Xlat = [
  [0, 'AF_UNSPEC'], [1, 'AF_UNIX'], [2, 'AF_INET'], [3, 'AF_AX25'], [4, 'AF_IPX'],
  [5, 'AF_APPLETALK'], [6, 'AF_NETROM'], [7, 'AF_BRIDGE'], [8, 'AF_ATMPVC'], [9, 'AF_X25'],
  [10, 'AF_INET6'], [11, 'AF_ROSE'], [12, 'AF_DECnet'], [13, 'AF_NETBEUI'], [14, 'AF_SECURITY'],
  [15, 'AF_KEY'], [16, 'AF_NETLINK'], [17, 'AF_PACKET'], [18, 'AF_ASH'], [19, 'AF_ECONET'],
  [20, 'AF_ATMSVC'], [21, 'AF_RDS'], [22, 'AF_SNA'], [23, 'AF_IRDA'], [24, 'AF_PPPOX'],
  [25, 'AF_WANPIPE'], [26, 'AF_LLC'], [27, 'AF_IB'], [28, 'AF_MPLS'], [29, 'AF_CAN'],
  [30, 'AF_TIPC'], [31, 'AF_BLUETOOTH'], [32, 'AF_IUCV'], [33, 'AF_RXRPC'], [34, 'AF_ISDN'],
  [35, 'AF_PHONET'], [36, 'AF_IEEE802154'], [37, 'AF_CAIF'], [38, 'AF_ALG'], [39, 'AF_NFC'],
  [40, 'AF_VSOCK'], [41, 'AF_KCM'], [42, 'AF_QIPCRTR'], [43, 'AF_SMC'], [44, 'AF_XDP'],
  [45, 'AF_MCTP'],
];
export const SOCKET_TYPES: Xlat = [
  [1, 'SOCK_STREAM'], [2, 'SOCK_DGRAM'], [3, 'SOCK_RAW'], [4, 'SOCK_RDM'], [5, 'SOCK_SEQPACKET'],
  [6, 'SOCK_DCCP'], [10, 'SOCK_PACKET'],
];
export const SOCKET_TYPE_FLAGS: Xlat = [[0o2000000, 'SOCK_CLOEXEC'], [0o4000, 'SOCK_NONBLOCK']];

/** socket type: `SOCK_STREAM|SOCK_CLOEXEC`. */
export function formatSocketType(v: number): string {
  v >>>= 0;
  const type = formatXval(v & 0xf, SOCKET_TYPES, 'SOCK_???');
  const rest = (v & ~0xf) >>> 0;
  return rest ? `${type}|${formatFlags(rest, SOCKET_TYPE_FLAGS, null)}` : type;
}
export const SHUTDOWN_HOW: Xlat = [[0, 'SHUT_RD'], [1, 'SHUT_WR'], [2, 'SHUT_RDWR']];
export const MSG_FLAGS: Xlat = [
  [0x1, 'MSG_OOB'], [0x2, 'MSG_PEEK'], [0x4, 'MSG_DONTROUTE'], [0x8, 'MSG_CTRUNC'],
  [0x10, 'MSG_PROXY'], [0x20, 'MSG_TRUNC'], [0x40, 'MSG_DONTWAIT'], [0x80, 'MSG_EOR'],
  [0x100, 'MSG_WAITALL'], [0x200, 'MSG_FIN'], [0x400, 'MSG_SYN'], [0x800, 'MSG_CONFIRM'],
  [0x1000, 'MSG_RST'], [0x2000, 'MSG_ERRQUEUE'], [0x4000, 'MSG_NOSIGNAL'], [0x8000, 'MSG_MORE'],
  [0x10000, 'MSG_WAITFORONE'], [0x20000, 'MSG_SENDPAGE_NOPOLICY'], [0x4000000, 'MSG_ZEROCOPY'],
  [0x20000000, 'MSG_FASTOPEN'], [0x40000000, 'MSG_CMSG_CLOEXEC'],
];

// ---- eventfd, epoll, inotify, memfd ------------------------------------------------

export const EFD_FLAGS: Xlat = [[1, 'EFD_SEMAPHORE'], [0o2000000, 'EFD_CLOEXEC'], [0o4000, 'EFD_NONBLOCK']];
export const EPOLL_CREATE_FLAGS: Xlat = [[0o2000000, 'EPOLL_CLOEXEC']];
export const EPOLL_CTL_OPS: Xlat = [[1, 'EPOLL_CTL_ADD'], [2, 'EPOLL_CTL_DEL'], [3, 'EPOLL_CTL_MOD']];
export const MFD_FLAGS: Xlat = [
  [1, 'MFD_CLOEXEC'], [2, 'MFD_ALLOW_SEALING'], [4, 'MFD_HUGETLB'], [8, 'MFD_NOEXEC_SEAL'],
  [16, 'MFD_EXEC'],
];

// ---- poll --------------------------------------------------------------------

export const POLL_EVENTS: Xlat = [
  [0x1, 'POLLIN'], [0x2, 'POLLPRI'], [0x4, 'POLLOUT'], [0x8, 'POLLERR'], [0x10, 'POLLHUP'],
  [0x20, 'POLLNVAL'], [0x40, 'POLLRDNORM'], [0x80, 'POLLRDBAND'], [0x100, 'POLLWRNORM'],
  [0x200, 'POLLWRBAND'], [0x400, 'POLLMSG'], [0x1000, 'POLLREMOVE'], [0x2000, 'POLLRDHUP'],
];

// ---- terminals (ioctl) ---------------------------------------------------------------

/** ioctl request numbers: terminals, FIO*, and a few common others. */
export const IOCTL_REQUESTS: Xlat = [
  [0x5401, 'TCGETS'], [0x5402, 'TCSETS'], [0x5403, 'TCSETSW'], [0x5404, 'TCSETSF'],
  [0x5405, 'TCGETA'], [0x5406, 'TCSETA'], [0x5407, 'TCSETAW'], [0x5408, 'TCSETAF'],
  [0x5409, 'TCSBRK'], [0x540a, 'TCXONC'], [0x540b, 'TCFLSH'], [0x540c, 'TIOCEXCL'],
  [0x540d, 'TIOCNXCL'], [0x540e, 'TIOCSCTTY'], [0x540f, 'TIOCGPGRP'], [0x5410, 'TIOCSPGRP'],
  [0x5411, 'TIOCOUTQ'], [0x5412, 'TIOCSTI'], [0x5413, 'TIOCGWINSZ'], [0x5414, 'TIOCSWINSZ'],
  [0x5415, 'TIOCMGET'], [0x5416, 'TIOCMBIS'], [0x5417, 'TIOCMBIC'], [0x5418, 'TIOCMSET'],
  [0x5419, 'TIOCGSOFTCAR'], [0x541a, 'TIOCSSOFTCAR'], [0x541b, 'FIONREAD'], [0x541c, 'TIOCLINUX'],
  [0x541d, 'TIOCCONS'], [0x541e, 'TIOCGSERIAL'], [0x541f, 'TIOCSSERIAL'], [0x5420, 'TIOCPKT'],
  [0x5421, 'FIONBIO'], [0x5422, 'TIOCNOTTY'], [0x5423, 'TIOCSETD'], [0x5424, 'TIOCGETD'],
  [0x5425, 'TCSBRKP'], [0x5427, 'TIOCSBRK'], [0x5428, 'TIOCCBRK'], [0x5429, 'TIOCGSID'],
  [0x802c542a, 'TCGETS2'], [0x402c542b, 'TCSETS2'], [0x402c542c, 'TCSETSW2'],
  [0x402c542d, 'TCSETSF2'], [0x80045430, 'TIOCGPTN'], [0x40045431, 'TIOCSPTLCK'],
  [0x80045432, 'TIOCGDEV'], [0x5436, 'TIOCVHANGUP'], [0x80045438, 'TIOCGPKT'],
  [0x80045439, 'TIOCGPTLCK'], [0x80045440, 'TIOCGEXCL'], [0x5441, 'TIOCGPTPEER'],
  [0x5450, 'FIONCLEX'], [0x5451, 'FIOCLEX'], [0x5452, 'FIOASYNC'], [0x5453, 'TIOCSERCONFIG'],
  [0x5454, 'TIOCSERGWILD'], [0x5455, 'TIOCSERSWILD'], [0x5456, 'TIOCGLCKTRMIOS'],
  [0x5457, 'TIOCSLCKTRMIOS'], [0x5458, 'TIOCSERGSTRUCT'], [0x5459, 'TIOCSERGETLSR'],
  [0x545a, 'TIOCSERGETMULTI'], [0x545b, 'TIOCSERSETMULTI'], [0x545c, 'TIOCMIWAIT'],
  [0x545d, 'TIOCGICOUNT'], [0x5460, 'FIOQSIZE'], [0x8901, 'FIOSETOWN'], [0x8902, 'SIOCSPGRP'],
  [0x8903, 'FIOGETOWN'], [0x8904, 'SIOCGPGRP'], [0x8905, 'SIOCATMARK'], [0x8906, 'SIOCGSTAMP'],
  [0x80086601, 'FS_IOC_GETFLAGS'], [0x40086602, 'FS_IOC_SETFLAGS'], [0x80087601, 'FS_IOC_GETVERSION'],
  [0x40087602, 'FS_IOC_SETVERSION'], [0xc020660b, 'FS_IOC_FIEMAP'], [0x1261, 'BLKFLSBUF'],
  [0x80081272, 'BLKGETSIZE64'], [0x1268, 'BLKSSZGET'], [0x40049409, 'BTRFS_IOC_CLONE'],
  [0x4004662b, 'FICLONE'], [0x4020940d, 'FICLONERANGE'],
];
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
  TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414,
  FIONREAD = 0x541b, FIONBIO = 0x5421, TIOCGSID = 0x5429, TIOCGPTN = 0x80045430,
  TIOCSPTLCK = 0x40045431, FIOASYNC = 0x5452, TIOCOUTQ = 0x5411, TIOCSCTTY = 0x540e;

const IOC_DIRS = ['_IOC_NONE', '_IOC_WRITE', '_IOC_READ', '_IOC_READ|_IOC_WRITE'];

/** An ioctl request: its name, or `_IOC(_IOC_READ, 0x54, 0x1, 0x4)` decoded from its fields. */
export function formatIoctlRequest(req: number): string {
  req >>>= 0;
  for (const [v, n] of IOCTL_REQUESTS) if (v === req) return n;
  const dir = req >>> 30, size = (req >>> 16) & 0x3fff, type = (req >>> 8) & 0xff, nr = req & 0xff;
  return `_IOC(${IOC_DIRS[dir]}, ${hex(type)}, ${hex(nr)}, ${hex(size)})`;
}

export const TERM_IFLAGS: Xlat = [
  [0o1, 'IGNBRK'], [0o2, 'BRKINT'], [0o4, 'IGNPAR'], [0o10, 'PARMRK'], [0o20, 'INPCK'],
  [0o40, 'ISTRIP'], [0o100, 'INLCR'], [0o200, 'IGNCR'], [0o400, 'ICRNL'], [0o1000, 'IUCLC'],
  [0o2000, 'IXON'], [0o4000, 'IXANY'], [0o10000, 'IXOFF'], [0o20000, 'IMAXBEL'], [0o40000, 'IUTF8'],
];
export const TERM_OFLAGS: Xlat = [
  [0o1, 'OPOST'], [0o2, 'OLCUC'], [0o4, 'ONLCR'], [0o10, 'OCRNL'], [0o20, 'ONOCR'],
  [0o40, 'ONLRET'], [0o100, 'OFILL'], [0o200, 'OFDEL'],
];
/** The delay fields of c_oflag: [mask, names by value]. */
export const TERM_ODELAYS: readonly (readonly [number, Xlat])[] = [
  [0o400, [[0, 'NL0'], [0o400, 'NL1']]],
  [0o3000, [[0, 'CR0'], [0o1000, 'CR1'], [0o2000, 'CR2'], [0o3000, 'CR3']]],
  [0o14000, [[0, 'TAB0'], [0o4000, 'TAB1'], [0o10000, 'TAB2'], [0o14000, 'TAB3']]],
  [0o20000, [[0, 'BS0'], [0o20000, 'BS1']]],
  [0o40000, [[0, 'VT0'], [0o40000, 'VT1']]],
  [0o100000, [[0, 'FF0'], [0o100000, 'FF1']]],
];
export const TERM_BAUDS: Xlat = [
  [0o0, 'B0'], [0o1, 'B50'], [0o2, 'B75'], [0o3, 'B110'], [0o4, 'B134'], [0o5, 'B150'],
  [0o6, 'B200'], [0o7, 'B300'], [0o10, 'B600'], [0o11, 'B1200'], [0o12, 'B1800'],
  [0o13, 'B2400'], [0o14, 'B4800'], [0o15, 'B9600'], [0o16, 'B19200'], [0o17, 'B38400'],
  [0o10001, 'B57600'], [0o10002, 'B115200'], [0o10003, 'B230400'], [0o10004, 'B460800'],
  [0o10005, 'B500000'], [0o10006, 'B576000'], [0o10007, 'B921600'], [0o10010, 'B1000000'],
  [0o10011, 'B1152000'], [0o10012, 'B1500000'], [0o10013, 'B2000000'], [0o10014, 'B2500000'],
  [0o10015, 'B3000000'], [0o10016, 'B3500000'], [0o10017, 'B4000000'], [0o10000, 'BOTHER'],
];
export const TERM_CBAUD = 0o10017, TERM_CIBAUD = 0o2003600000, TERM_IBSHIFT = 16, TERM_CSIZE = 0o60;
export const TERM_CSIZES: Xlat = [[0, 'CS5'], [0o20, 'CS6'], [0o40, 'CS7'], [0o60, 'CS8']];
export const TERM_CFLAGS: Xlat = [
  [0o100, 'CSTOPB'], [0o200, 'CREAD'], [0o400, 'PARENB'], [0o1000, 'PARODD'], [0o2000, 'HUPCL'],
  [0o4000, 'CLOCAL'], [0o10000000000, 'CMSPAR'], [0o20000000000, 'CRTSCTS'],
];
export const TERM_LFLAGS: Xlat = [
  [0o1, 'ISIG'], [0o2, 'ICANON'], [0o4, 'XCASE'], [0o10, 'ECHO'], [0o20, 'ECHOE'], [0o40, 'ECHOK'],
  [0o100, 'ECHONL'], [0o200, 'NOFLSH'], [0o100000, 'IEXTEN'], [0o1000, 'ECHOCTL'],
  [0o2000, 'ECHOPRT'], [0o4000, 'ECHOKE'], [0o10000, 'FLUSHO'], [0o40000, 'PENDIN'],
  [0o400, 'TOSTOP'], [0o200000, 'EXTPROC'],
];
