// signalfd: flags and struct signalfd_siginfo (128 bytes, include/uapi/linux/signalfd.h).
import { O_CLOEXEC, O_NONBLOCK } from './fcntl';

export const SFD_CLOEXEC = O_CLOEXEC, SFD_NONBLOCK = O_NONBLOCK;
export const SIGNALFD_SIGINFO_SIZE = 128;
export const SSI_SIGNO = 0, SSI_ERRNO = 4, SSI_CODE = 8, SSI_PID = 12, SSI_UID = 16, SSI_FD = 20, SSI_TID = 24,
  SSI_BAND = 28, SSI_OVERRUN = 32, SSI_TRAPNO = 36, SSI_STATUS = 40, SSI_INT = 44, SSI_PTR = 48, SSI_UTIME = 56,
  SSI_STIME = 64, SSI_ADDR = 72, SSI_ADDR_LSB = 80, SSI_SYSCALL = 84, SSI_CALL_ADDR = 88, SSI_ARCH = 96;
