// poll(2), select(2), epoll(7), pipe(7), eventfd(2) and timerfd_create(2): event
// bits, flags, limits and struct layouts (x86_64).

// ---- poll(2) / epoll(7) event bits (uapi/asm-generic/poll.h, eventpoll.h; the same on x86_64)
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
  POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLMSG = 0x400,
  POLLREMOVE = 0x1000, POLLRDHUP = 0x2000;
/** What poll reports for a file without a poll operation (regular files, most devices). */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
/** select(2)'s classes of readiness (fs/select.c). */
export const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
export const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
export const POLLEX_SET = POLLPRI;
/** struct pollfd: int fd; short events; short revents. */
export const POLLFD_SIZE = 8, PFD_FD = 0, PFD_EVENTS = 4, PFD_REVENTS = 6;

export const EPOLLIN = POLLIN, EPOLLPRI = POLLPRI, EPOLLOUT = POLLOUT, EPOLLERR = POLLERR, EPOLLHUP = POLLHUP,
  EPOLLNVAL = POLLNVAL, EPOLLRDNORM = POLLRDNORM, EPOLLRDBAND = POLLRDBAND, EPOLLWRNORM = POLLWRNORM,
  EPOLLWRBAND = POLLWRBAND, EPOLLMSG = POLLMSG, EPOLLRDHUP = POLLRDHUP;
export const EPOLLURING_WAKE = 1 << 27, EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29,
  EPOLLONESHOT = 1 << 30, EPOLLET = 0x80000000;
/** The flags an item keeps after EPOLLONESHOT fired (it is then disabled until EPOLL_CTL_MOD). */
export const EP_PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
export const EPOLLINOUT_BITS = EPOLLIN | EPOLLOUT;
/** What may accompany EPOLLEXCLUSIVE. */
export const EPOLLEXCLUSIVE_OK_BITS = EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
export const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
export const EPOLL_CLOEXEC = 0x80000;
/** struct epoll_event is packed on x86_64: u32 events, u64 data (12 bytes). */
export const EPOLL_EVENT_SIZE = 12, EE_EVENTS = 0, EE_DATA = 4;
/** Largest maxevents (INT_MAX / sizeof(struct epoll_event)) and nesting depth (EP_MAX_NESTS). */
export const EP_MAX_EVENTS = Math.floor(0x7fffffff / EPOLL_EVENT_SIZE), EP_MAX_NESTS = 4;

// ---- pipes (include/linux/pipe_fs_i.h, fs/pipe.c)
export const PIPE_BUF = 4096;
export const PIPE_PAGE = 4096;
/** Slots in a new pipe (PIPE_DEF_BUFFERS): 64 KiB. */
export const PIPE_DEF_BUFFERS = 16;
/** /proc/sys/fs/pipe-max-size. */
export const PIPE_MAX_SIZE = 1024 * 1024;
/** pipe2's O_NOTIFICATION_PIPE (O_EXCL): a watch-queue pipe. */
export const O_NOTIFICATION_PIPE = 0x80;

// ---- eventfd(2)
export const EFD_SEMAPHORE = 1, EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;

// ---- timerfd_create(2)
export const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2, TFD_NONBLOCK = 0x800, TFD_CLOEXEC = 0x80000;
/** struct itimerspec: it_interval then it_value, each a struct timespec (16 bytes). */
export const ITIMERSPEC_SIZE = 32, ITS_INTERVAL = 0, ITS_VALUE = 16;

/** st_mode of anon_inodefs's inode: 0600, no file type bits. */
export const ANON_INODE_MODE = 0o600;
/** st_mode of a pipe: S_IFIFO | 0600. */
export const PIPE_MODE = 0o010600;
/** statfs f_type of pipefs (anon_inodefs's is in statfs.ts). */
export const PIPEFS_MAGIC = 0x50495045;

/** sizeof(sigset_t) the rt_* calls, ppoll, pselect6 and epoll_pwait take. */
export const SIGSET_SIZE = 8;
