// The x86_64 Linux system call table as data: number -> name, and how many
// arguments each call takes (what strace prints for a call it does not decode).
// Source: arch/x86/entry/syscalls/syscall_64.tbl (the 64-bit and common ABIs; the
// x32 range 512-547 is not reachable from 64-bit code), up to Linux 6.19/7.0.
// Numbers 336-423 are unused on x86_64 (''). Argument counts are the ones strace
// prints for each call. Checked against the host's asm/unistd_64.h by
// test/kernel/names.test.ts.

/** Names of 0 (read) .. 335 (uretprobe). */
const LOW: readonly string[] = [
  /*   0 */ 'read', 'write', 'open', 'close', 'stat',
  /*   5 */ 'fstat', 'lstat', 'poll', 'lseek', 'mmap',
  /*  10 */ 'mprotect', 'munmap', 'brk', 'rt_sigaction', 'rt_sigprocmask',
  /*  15 */ 'rt_sigreturn', 'ioctl', 'pread64', 'pwrite64', 'readv',
  /*  20 */ 'writev', 'access', 'pipe', 'select', 'sched_yield',
  /*  25 */ 'mremap', 'msync', 'mincore', 'madvise', 'shmget',
  /*  30 */ 'shmat', 'shmctl', 'dup', 'dup2', 'pause',
  /*  35 */ 'nanosleep', 'getitimer', 'alarm', 'setitimer', 'getpid',
  /*  40 */ 'sendfile', 'socket', 'connect', 'accept', 'sendto',
  /*  45 */ 'recvfrom', 'sendmsg', 'recvmsg', 'shutdown', 'bind',
  /*  50 */ 'listen', 'getsockname', 'getpeername', 'socketpair', 'setsockopt',
  /*  55 */ 'getsockopt', 'clone', 'fork', 'vfork', 'execve',
  /*  60 */ 'exit', 'wait4', 'kill', 'uname', 'semget',
  /*  65 */ 'semop', 'semctl', 'shmdt', 'msgget', 'msgsnd',
  /*  70 */ 'msgrcv', 'msgctl', 'fcntl', 'flock', 'fsync',
  /*  75 */ 'fdatasync', 'truncate', 'ftruncate', 'getdents', 'getcwd',
  /*  80 */ 'chdir', 'fchdir', 'rename', 'mkdir', 'rmdir',
  /*  85 */ 'creat', 'link', 'unlink', 'symlink', 'readlink',
  /*  90 */ 'chmod', 'fchmod', 'chown', 'fchown', 'lchown',
  /*  95 */ 'umask', 'gettimeofday', 'getrlimit', 'getrusage', 'sysinfo',
  /* 100 */ 'times', 'ptrace', 'getuid', 'syslog', 'getgid',
  /* 105 */ 'setuid', 'setgid', 'geteuid', 'getegid', 'setpgid',
  /* 110 */ 'getppid', 'getpgrp', 'setsid', 'setreuid', 'setregid',
  /* 115 */ 'getgroups', 'setgroups', 'setresuid', 'getresuid', 'setresgid',
  /* 120 */ 'getresgid', 'getpgid', 'setfsuid', 'setfsgid', 'getsid',
  /* 125 */ 'capget', 'capset', 'rt_sigpending', 'rt_sigtimedwait', 'rt_sigqueueinfo',
  /* 130 */ 'rt_sigsuspend', 'sigaltstack', 'utime', 'mknod', 'uselib',
  /* 135 */ 'personality', 'ustat', 'statfs', 'fstatfs', 'sysfs',
  /* 140 */ 'getpriority', 'setpriority', 'sched_setparam', 'sched_getparam', 'sched_setscheduler',
  /* 145 */ 'sched_getscheduler', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_rr_get_interval', 'mlock',
  /* 150 */ 'munlock', 'mlockall', 'munlockall', 'vhangup', 'modify_ldt',
  /* 155 */ 'pivot_root', '_sysctl', 'prctl', 'arch_prctl', 'adjtimex',
  /* 160 */ 'setrlimit', 'chroot', 'sync', 'acct', 'settimeofday',
  /* 165 */ 'mount', 'umount2', 'swapon', 'swapoff', 'reboot',
  /* 170 */ 'sethostname', 'setdomainname', 'iopl', 'ioperm', 'create_module',
  /* 175 */ 'init_module', 'delete_module', 'get_kernel_syms', 'query_module', 'quotactl',
  /* 180 */ 'nfsservctl', 'getpmsg', 'putpmsg', 'afs_syscall', 'tuxcall',
  /* 185 */ 'security', 'gettid', 'readahead', 'setxattr', 'lsetxattr',
  /* 190 */ 'fsetxattr', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr',
  /* 195 */ 'llistxattr', 'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr',
  /* 200 */ 'tkill', 'time', 'futex', 'sched_setaffinity', 'sched_getaffinity',
  /* 205 */ 'set_thread_area', 'io_setup', 'io_destroy', 'io_getevents', 'io_submit',
  /* 210 */ 'io_cancel', 'get_thread_area', 'lookup_dcookie', 'epoll_create', 'epoll_ctl_old',
  /* 215 */ 'epoll_wait_old', 'remap_file_pages', 'getdents64', 'set_tid_address', 'restart_syscall',
  /* 220 */ 'semtimedop', 'fadvise64', 'timer_create', 'timer_settime', 'timer_gettime',
  /* 225 */ 'timer_getoverrun', 'timer_delete', 'clock_settime', 'clock_gettime', 'clock_getres',
  /* 230 */ 'clock_nanosleep', 'exit_group', 'epoll_wait', 'epoll_ctl', 'tgkill',
  /* 235 */ 'utimes', 'vserver', 'mbind', 'set_mempolicy', 'get_mempolicy',
  /* 240 */ 'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedreceive', 'mq_notify',
  /* 245 */ 'mq_getsetattr', 'kexec_load', 'waitid', 'add_key', 'request_key',
  /* 250 */ 'keyctl', 'ioprio_set', 'ioprio_get', 'inotify_init', 'inotify_add_watch',
  /* 255 */ 'inotify_rm_watch', 'migrate_pages', 'openat', 'mkdirat', 'mknodat',
  /* 260 */ 'fchownat', 'futimesat', 'newfstatat', 'unlinkat', 'renameat',
  /* 265 */ 'linkat', 'symlinkat', 'readlinkat', 'fchmodat', 'faccessat',
  /* 270 */ 'pselect6', 'ppoll', 'unshare', 'set_robust_list', 'get_robust_list',
  /* 275 */ 'splice', 'tee', 'sync_file_range', 'vmsplice', 'move_pages',
  /* 280 */ 'utimensat', 'epoll_pwait', 'signalfd', 'timerfd_create', 'eventfd',
  /* 285 */ 'fallocate', 'timerfd_settime', 'timerfd_gettime', 'accept4', 'signalfd4',
  /* 290 */ 'eventfd2', 'epoll_create1', 'dup3', 'pipe2', 'inotify_init1',
  /* 295 */ 'preadv', 'pwritev', 'rt_tgsigqueueinfo', 'perf_event_open', 'recvmmsg',
  /* 300 */ 'fanotify_init', 'fanotify_mark', 'prlimit64', 'name_to_handle_at', 'open_by_handle_at',
  /* 305 */ 'clock_adjtime', 'syncfs', 'sendmmsg', 'setns', 'getcpu',
  /* 310 */ 'process_vm_readv', 'process_vm_writev', 'kcmp', 'finit_module', 'sched_setattr',
  /* 315 */ 'sched_getattr', 'renameat2', 'seccomp', 'getrandom', 'memfd_create',
  /* 320 */ 'kexec_file_load', 'bpf', 'execveat', 'userfaultfd', 'membarrier',
  /* 325 */ 'mlock2', 'copy_file_range', 'preadv2', 'pwritev2', 'pkey_mprotect',
  /* 330 */ 'pkey_alloc', 'pkey_free', 'statx', 'io_pgetevents', 'rseq',
  /* 335 */ 'uretprobe',
];

/** First number of the block shared by all architectures (pidfd_send_signal). */
const HIGH_BASE = 424;

/** Names of 424 (pidfd_send_signal) .. 471 (rseq_slice_yield). */
const HIGH: readonly string[] = [
  /* 424 */ 'pidfd_send_signal', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'open_tree',
  /* 429 */ 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
  /* 434 */ 'pidfd_open', 'clone3', 'close_range', 'openat2', 'pidfd_getfd',
  /* 439 */ 'faccessat2', 'process_madvise', 'epoll_pwait2', 'mount_setattr', 'quotactl_fd',
  /* 444 */ 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self', 'memfd_secret', 'process_mrelease',
  /* 449 */ 'futex_waitv', 'set_mempolicy_home_node', 'cachestat', 'fchmodat2', 'map_shadow_stack',
  /* 454 */ 'futex_wake', 'futex_wait', 'futex_requeue', 'statmount', 'listmount',
  /* 459 */ 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal', 'setxattrat',
  /* 464 */ 'getxattrat', 'listxattrat', 'removexattrat', 'open_tree_attr', 'file_getattr',
  /* 469 */ 'file_setattr', 'listns', 'rseq_slice_yield',
];

/** Argument counts, same layout as LOW. */
const LOW_NARGS: readonly number[] = [
  /*   0 */ 3, 3, 3, 1, 2, 2, 2, 3, 3, 6, 3, 2, 1, 4, 4, 0, 3, 4, 4, 3,
  /*  20 */ 3, 2, 1, 5, 0, 5, 3, 3, 3, 3, 3, 3, 1, 2, 0, 2, 2, 1, 3, 0,
  /*  40 */ 4, 3, 3, 3, 6, 6, 3, 3, 2, 3, 2, 3, 3, 4, 5, 5, 5, 0, 0, 3,
  /*  60 */ 1, 4, 2, 1, 3, 3, 4, 1, 2, 4, 5, 3, 3, 2, 1, 1, 2, 2, 3, 2,
  /*  80 */ 1, 1, 2, 2, 1, 2, 2, 1, 2, 3, 2, 2, 3, 3, 3, 1, 2, 2, 2, 1,
  /* 100 */ 1, 4, 0, 3, 0, 1, 1, 0, 0, 2, 0, 0, 0, 2, 2, 2, 2, 3, 3, 3,
  /* 120 */ 3, 1, 1, 1, 1, 2, 2, 2, 4, 3, 2, 2, 2, 3, 1, 1, 2, 2, 2, 3,
  /* 140 */ 2, 3, 2, 2, 3, 1, 1, 1, 2, 2, 2, 1, 0, 0, 3, 2, 1, 5, 2, 1,
  /* 160 */ 2, 1, 0, 1, 2, 5, 2, 2, 1, 4, 2, 2, 1, 3, 2, 3, 2, 1, 5, 4,
  /* 180 */ 3, 5, 5, 5, 3, 3, 0, 3, 5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2,
  /* 200 */ 2, 1, 6, 3, 3, 1, 2, 1, 5, 3, 3, 1, 3, 1, 4, 4, 5, 3, 1, 0,
  /* 220 */ 4, 4, 3, 4, 2, 1, 1, 2, 2, 2, 4, 1, 4, 4, 3, 2, 5, 6, 3, 5,
  /* 240 */ 4, 1, 5, 5, 2, 3, 4, 5, 5, 4, 5, 3, 2, 0, 3, 2, 4, 4, 3, 4,
  /* 260 */ 5, 3, 4, 3, 4, 5, 3, 4, 3, 3, 6, 5, 1, 2, 3, 6, 4, 4, 4, 6,
  /* 280 */ 4, 6, 3, 2, 1, 4, 4, 2, 4, 4, 2, 1, 3, 2, 1, 4, 4, 4, 5, 5,
  /* 300 */ 2, 5, 4, 5, 3, 2, 1, 4, 2, 3, 6, 6, 5, 3, 3, 4, 5, 3, 3, 2,
  /* 320 */ 5, 3, 5, 1, 3, 3, 6, 6, 6, 4, 2, 1, 5, 6, 4, 0,
];

/** Argument counts, same layout as HIGH. */
const HIGH_NARGS: readonly number[] = [
  /* 424 */ 4, 2, 6, 4, 3, 5, 2, 5, 3, 3, 2, 2, 3, 4, 3, 4, 5, 6, 5, 4,
  /* 444 */ 3, 4, 2, 1, 2, 5, 4, 4, 4, 3, 4, 6, 4, 4, 4, 4, 4, 3, 3, 6,
  /* 464 */ 6, 5, 4, 5, 5, 5, 4, 0,
];

function spread<T>(low: readonly T[], high: readonly T[], gap: T): T[] {
  const out: T[] = low.slice();
  while (out.length < HIGH_BASE) out.push(gap);
  return out.concat(high);
}

/** SYSCALL_NAMES[nr] is the Linux name of x86_64 system call nr, or '' for none. */
export const SYSCALL_NAMES: readonly string[] = Object.freeze(spread(LOW, HIGH, ''));

/** SYSCALL_NARGS[nr] is how many argument registers call nr reads (-1 for none). */
export const SYSCALL_NARGS: readonly number[] = Object.freeze(spread(LOW_NARGS, HIGH_NARGS, -1));

/** One past the highest syscall number in the table. */
export const SYSCALL_COUNT = SYSCALL_NAMES.length;

const BY_NAME = new Map<string, number>();
SYSCALL_NAMES.forEach((name, nr) => { if (name) BY_NAME.set(name, nr); });

/** The number of the syscall called name on x86_64, or -1 when there is none. */
export function syscallNumber(name: string): number {
  return BY_NAME.get(name) ?? -1;
}

/** The name of syscall nr, or '' when the number is unassigned. */
export function syscallName(nr: number): string {
  return SYSCALL_NAMES[nr] ?? '';
}
