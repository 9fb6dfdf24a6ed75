// The file-system syscall families (src/kernel/syscalls/fs_*.ts), gathered for table.ts.
import type { Handler } from './types';
import { fsIoSyscalls } from './fs_io';
import { fsOpenSyscalls } from './fs_open';
import { fsStatSyscalls } from './fs_stat';
import { fsDirSyscalls } from './fs_dir';
import { fsFcntlSyscalls } from './fs_fcntl';
import { fsModifySyscalls } from './fs_modify';
import { fsXattrSyscalls } from './fs_xattr';
import { fsMemfdSyscalls } from './fs_memfd';
import { fsSpliceSyscalls } from './fs_splice';

export const fsFamilies: Record<string, Handler>[] = [
  fsIoSyscalls, fsOpenSyscalls, fsStatSyscalls, fsDirSyscalls, fsFcntlSyscalls, fsModifySyscalls, fsXattrSyscalls,
  fsMemfdSyscalls, fsSpliceSyscalls,
];

// Pipes, readiness and event files (pipe.ts, poll.ts, epoll.ts, eventfd.ts, timerfd.ts).
import { pipeSyscalls } from './pipe';
import { pollSyscalls } from './poll';
import { epollSyscalls } from './epoll';
import { eventfdSyscalls } from './eventfd';
import { timerfdSyscalls } from './timerfd';
fsFamilies.push(pipeSyscalls, pollSyscalls, epollSyscalls, eventfdSyscalls, timerfdSyscalls);

// POSIX message queues (mqueue.ts; the queues are files of vfs/mqueue.ts).
import { mqueueSyscalls } from './mqueue';
fsFamilies.push(mqueueSyscalls);
