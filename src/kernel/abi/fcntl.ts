// open(2) flags, *at(2) flags, fcntl(2) commands, lseek whence values, openat2
// resolve flags and the ioctl numbers of the generic file ioctls (x86_64).

// ---- open flags (asm-generic/fcntl.h)
export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3, O_CREAT = 0x40, O_EXCL = 0x80,
  O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DSYNC = 0x1000,
  O_ASYNC = 0x2000, O_DIRECT = 0x4000, O_LARGEFILE = 0x8000, O_DIRECTORY = 0x10000,
  O_NOFOLLOW = 0x20000, O_NOATIME = 0x40000, O_CLOEXEC = 0x80000, O_SYNC = 0x101000,
  O_PATH = 0x200000, O_TMPFILE = 0x410000;
export const __O_SYNC = 0x100000, __O_TMPFILE = 0x400000;
/** Every flag open(2) knows; open/openat drop others silently, openat2 refuses them. */
export const VALID_OPEN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
  O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH |
  __O_TMPFILE | __O_SYNC;
/** The only flags an O_PATH open keeps. */
export const O_PATH_FLAGS = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
/** Flags F_SETFL can change. */
export const SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
/** Open-time-only flags that F_GETFL never shows. */
export const O_OPEN_ONLY = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

// ---- openat2 resolve flags (linux/openat2.h) and struct open_how
export const RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
  RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;
export const VALID_RESOLVE_FLAGS = 0x3f;
/** sizeof(struct open_how) in its first version: flags, mode, resolve (u64 each). */
export const OPEN_HOW_SIZE_VER0 = 24;

// ---- *at flags (linux/fcntl.h)
export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EACCESS = 0x200, AT_REMOVEDIR = 0x200,
  AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000,
  AT_STATX_SYNC_TYPE = 0x6000, AT_STATX_FORCE_SYNC = 0x2000, AT_STATX_DONT_SYNC = 0x4000;

// ---- access(2) modes
export const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

// ---- fcntl commands
export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6,
  F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16,
  F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_SETLEASE = 1024, F_GETLEASE = 1025,
  F_NOTIFY = 1026, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_ADD_SEALS = 1033,
  F_GET_SEALS = 1034;
export const FD_CLOEXEC = 1;
export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
/** struct flock (x86_64): l_type s16, l_whence s16, pad, l_start s64, l_len s64, l_pid s32, pad. */
export const FLOCK_SIZE = 32, FLOCK_TYPE = 0, FLOCK_WHENCE = 2, FLOCK_START = 8, FLOCK_LEN = 16, FLOCK_PID = 24;

// ---- lseek whence
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

// ---- close_range flags
export const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

// ---- preadv2/pwritev2 flags (RWF_*)
export const RWF_HIPRI = 1, RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 0x10,
  RWF_NOAPPEND = 0x20, RWF_ATOMIC = 0x40;
export const RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND | RWF_NOAPPEND;

// ---- generic ioctls (asm-generic/ioctls.h)
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGPGRP = 0x540f,
  TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, TIOCSCTTY = 0x540e,
  FIONBIO = 0x5421, TIOCNOTTY = 0x5422, TIOCGPTN = 0x80045430, FIONCLEX = 0x5450, FIOCLEX = 0x5451,
  FIOASYNC = 0x5452, FIOQSIZE = 0x5460;
/** sizeof(struct termios) as the kernel's TCGETS fills it, and struct winsize. */
export const TERMIOS_SIZE = 36, WINSIZE_SIZE = 8;

/** Largest count one read or write moves (Linux's MAX_RW_COUNT: INT_MAX & PAGE_MASK). */
export const MAX_RW_COUNT = 0x7ffff000;
/** Largest number of iovecs (UIO_MAXIOV) and sizeof(struct iovec). */
export const UIO_MAXIOV = 1024, IOVEC_SIZE = 16;

// ---- name limits
export const PATH_MAX = 4096, NAME_MAX = 255, MAXSYMLINKS = 40;
