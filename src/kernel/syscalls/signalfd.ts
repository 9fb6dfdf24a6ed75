// signalfd4(2) and signalfd(2): create a signalfd, or change the mask of one. The
// file is in vfs/signalfd.ts.
import { EBADF, EFAULT, EINVAL } from '../errno';
import { O_RDWR } from '../abi/fcntl';
import { SFD_CLOEXEC, SFD_NONBLOCK } from '../abi/signalfd';
import { SIGSET_SIZE } from '../abi/poll';
import { SIGKILL, SIGSTOP } from '../signals';
import type { Task } from '../task';
import { SignalFd } from '../vfs/signalfd';
import { release } from '../vfs/fd_table';
import type { Handler } from './types';

const UNREADABLE_LO = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

/** do_signalfd4: checks in Linux's order (size, mask copy, flags, then the fd). */
function doSignalfd4(t: Task, ufd: number, maskAddr: number, size: number, flags: number): number {
  if (size !== SIGSET_SIZE) return -EINVAL;
  const dv = t.kernel.sdv;
  if (t.mm.copyIn(maskAddr, t.kernel.scratch, 0, 8) < 0) return -EFAULT;
  const lo = (dv.getUint32(0, true) & ~UNREADABLE_LO) >>> 0, hi = dv.getUint32(4, true);
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
  if (ufd === -1) {
    const f = new SignalFd(O_RDWR | (flags & SFD_NONBLOCK), lo, hi, t);
    const fd = t.files.install(f, (flags & SFD_CLOEXEC) !== 0);
    if (fd < 0) release(f);
    return fd;
  }
  const f = t.files.get(ufd);
  if (!f) return -EBADF;
  if (!(f instanceof SignalFd)) return -EINVAL;
  f.setMask(lo, hi);
  return ufd;
}

/** implements Linux signalfd4(2) */
export const sysSignalfd4: Handler = (t) =>
  doSignalfd4(t, t.regs.argInt(0), t.regs.arg(1), t.regs.arg(2), t.regs.argInt(3));

/** implements Linux signalfd(2) */
export const sysSignalfd: Handler = (t) => doSignalfd4(t, t.regs.argInt(0), t.regs.arg(1), t.regs.arg(2), 0);

export const signalfdSyscalls: Record<string, Handler> = { signalfd: sysSignalfd, signalfd4: sysSignalfd4 };
