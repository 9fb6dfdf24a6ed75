// eventfd(2) and eventfd2(2). The counter is in vfs/eventfd.ts.
import { EINVAL } from '../errno';
import { EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE } from '../abi/poll';
import { O_RDWR } from '../abi/fcntl';
import type { Task } from '../task';
import { EventFd } from '../vfs/eventfd';
import { release } from '../vfs/fd_table';
import type { Handler } from './types';

function doEventfd2(t: Task, initval: number, flags: number): number {
  if (flags & ~(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE)) return -EINVAL;
  const f = new EventFd(initval, O_RDWR | (flags & EFD_NONBLOCK), (flags & EFD_SEMAPHORE) !== 0);
  const fd = t.files.install(f, (flags & EFD_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
}

/** implements Linux eventfd2(2) */
export const sysEventfd2: Handler = (t) => doEventfd2(t, t.regs.argInt(0) >>> 0, t.regs.argInt(1));

/** implements Linux eventfd(2) */
export const sysEventfd: Handler = (t) => doEventfd2(t, t.regs.argInt(0) >>> 0, 0);

export const eventfdSyscalls: Record<string, Handler> = {
  eventfd: sysEventfd,
  eventfd2: sysEventfd2,
};
