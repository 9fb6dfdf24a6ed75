// pipe(2) and pipe2(2). The pipe itself is in vfs/pipe.ts.
import { EFAULT, EINVAL } from '../errno';
import { O_CLOEXEC, O_DIRECT, O_NONBLOCK } from '../abi/fcntl';
import { O_NOTIFICATION_PIPE } from '../abi/poll';
import type { Task } from '../task';
import { release } from '../vfs/fd_table';
import { makePipe } from '../vfs/pipe';
import type { Handler } from './types';

/** ENOPKG ("Package not installed"), which errno.ts does not list yet. */
const ENOPKG = 65;

const fdsBuf = new Uint8Array(8);
const fdsDv = new DataView(fdsBuf.buffer);

/** pipe2's worker: makes the pipe, installs both ends, writes int fds[2]. */
function doPipe2(t: Task, addr: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE)) return -EINVAL;
  // Notification pipes (watch queues) need CONFIG_WATCH_QUEUE; answer as a kernel built without it.
  if (flags & O_NOTIFICATION_PIPE) return -ENOPKG;
  const [r, w] = makePipe(t, flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = t.files.install(r, cloexec);
  if (rfd < 0) { release(r); release(w); return rfd; }
  const wfd = t.files.install(w, cloexec);
  if (wfd < 0) { t.files.close(rfd); release(w); return wfd; }
  fdsDv.setInt32(0, rfd, true);
  fdsDv.setInt32(4, wfd, true);
  if (t.mm.copyOut(addr, fdsBuf, 0, 8) < 0) {
    t.files.close(rfd);
    t.files.close(wfd);
    return -EFAULT;
  }
  return 0;
}

/** implements Linux pipe2(2) */
export const sysPipe2: Handler = (t) => doPipe2(t, t.regs.arg(0), t.regs.argInt(1));

/** implements Linux pipe(2) */
export const sysPipe: Handler = (t) => doPipe2(t, t.regs.arg(0), 0);

export const pipeSyscalls: Record<string, Handler> = {
  pipe: sysPipe,
  pipe2: sysPipe2,
};
