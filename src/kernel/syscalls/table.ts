// The x86_64 syscall table as data: number -> entry (name, how well supported,
// handler). A compatibility page is generated from it (tsvisor syscalls).
import { ENOSYS, EPERM } from '../errno';
import { SYSCALL_NAMES } from './names';
import type { Handler, Support, SyscallEntry } from './types';
import { mmSyscalls } from './mm';
import { processSyscalls } from './process';
import { infoSyscalls } from './info';
import { timeSyscalls } from './time';
import { signalSyscalls } from './signal';
import { fsFamilies } from './fs_families';
import { futexSyscalls } from './futex';
import { cloneSyscalls } from './clone';
import { execSyscalls } from './exec';
import { waitSyscalls } from './wait';
import { signalSendSyscalls } from './signal_send';
import { identitySyscalls } from './identity';
import { schedSyscalls } from './sched';
import { mmRemapSyscalls } from './mm_remap';
import { socketSyscalls } from './socket';
import { socketMsgSyscalls } from './socket_msg';
import { socketOptSyscalls } from './socket_opt';
import { signalfdSyscalls } from './signalfd';
import { seccompSyscalls } from './seccomp';

/** Handler families, one per file; names are Linux's. */
const FAMILIES: Record<string, Handler>[] = [mmSyscalls, processSyscalls, infoSyscalls, timeSyscalls, signalSyscalls, futexSyscalls, cloneSyscalls, execSyscalls, waitSyscalls, signalSendSyscalls, signalfdSyscalls, identitySyscalls, schedSyscalls, mmRemapSyscalls, socketSyscalls, socketMsgSyscalls, socketOptSyscalls, seccompSyscalls, ...fsFamilies];

/** Calls that work but not completely: what is missing. */
const PARTIAL: Record<string, string> = {
  clone: 'no CLONE_PIDFD and no new namespaces (EPERM)',
  clone3: 'no CLONE_PIDFD, set_tid or cgroup',
  getrusage: 'user and system time and ru_maxrss; the fault, block I/O and context-switch counters are 0',
  prctl: 'the common options; others give EINVAL',
  mmap: 'MAP_SHARED mappings of anonymous memory are private; writable MAP_SHARED file mappings give ENODEV',
  futex: 'no priority-inheritance operations (LOCK_PI, UNLOCK_PI, ...: ENOSYS)',
  socket: 'AF_UNIX, and AF_INET TCP/UDP on a loopback-only network; other families (AF_INET6, AF_NETLINK, AF_PACKET, ...) give EAFNOSUPPORT, as a kernel without them; no raw sockets',
  socketpair: 'AF_UNIX (AF_INET: EOPNOTSUPP, as Linux; other families: EAFNOSUPPORT)',
  sendmsg: 'no MSG_OOB on TCP (EOPNOTSUPP); unix streams have it',
  sched_setscheduler: 'the policy and priority are kept and reported; the scheduler is round-robin whatever they say',
  sched_setparam: 'the priority is kept and reported; the scheduler is round-robin whatever it says',
  sched_setattr: 'policy, nice and priority kept and reported; SCHED_DEADLINE gives EPERM; util clamps ignored',
  setpriority: 'the nice value is kept and reported; the scheduler does not weigh it',
  ioprio_set: 'the I/O priority is kept and reported; there is no I/O scheduler to apply it',
  mremap: 'old_len 0 (duplicating a shared mapping) gives EINVAL',
  mlock: 'pages are faulted in; tsvisor never pages guest memory out, and VmLck is not counted',
  mlock2: 'pages are faulted in (unless MLOCK_ONFAULT); VmLck is not counted',
  mlockall: 'current pages are faulted in; MCL_FUTURE is accepted and has no further effect',
  rseq: 'returns ENOSYS, as a kernel built without CONFIG_RSEQ (glibc falls back)',
  ioctl: 'generic FIO* requests; terminal ioctls of pseudo-terminals (termios, winsize, pgrp, session, ptys, TIOCSTI, TIOCPKT); TCGETS/TIOCGWINSZ passed through for host terminals; no TCGETA family',
  fcntl: 'no F_SETOWN/SIGIO; F_SETLKW does not detect deadlocks (EDEADLK)',
  openat2: 'RESOLVE_CACHED gives EAGAIN (callers retry without it)',
  mq_notify: 'SIGEV_NONE and SIGEV_SIGNAL; SIGEV_THREAD needs a netlink socket, which tsvisor lacks (ENOTSOCK or EINVAL for the fd given, as Linux; glibc then fails with ENOSYS)',
};
/** The change calls of fs_modify.ts (tmpfs, the overlay, writable hostfs). */
PARTIAL.mknod = PARTIAL.mknodat = 'FIFOs, sockets and regular files; device nodes give EPERM (no CAP_MKNOD in a sandbox)';
PARTIAL.renameat2 = 'RENAME_WHITEOUT gives EINVAL';
PARTIAL.fallocate = 'tmpfs and overlay files: allocation and PUNCH_HOLE; COLLAPSE, ZERO and INSERT_RANGE give EOPNOTSUPP';
PARTIAL.memfd_create = 'no MFD_HUGETLB (EINVAL); F_SEAL_WRITE does not wait for writable mappings to go (EBUSY never)';
PARTIAL.splice = PARTIAL.tee = 'copies through a kernel buffer (no page moving); SPLICE_F_MOVE and SPLICE_F_GIFT are hints only';
PARTIAL.getxattr = PARTIAL.lgetxattr = PARTIAL.fgetxattr = PARTIAL.listxattr = PARTIAL.llistxattr = PARTIAL.flistxattr =
  'real on tmpfs and overlay copies (user., trusted., security.); files of the host root show none';

/** Calls a sandbox refuses on purpose, with the errno a Linux kernel gives an unprivileged caller. */
const REFUSED: Record<string, [number, string]> = {
  reboot: [EPERM, 'the sandbox cannot reboot the host'],
  kexec_load: [EPERM, 'no kernel loading in a sandbox'],
  kexec_file_load: [EPERM, 'no kernel loading in a sandbox'],
  init_module: [EPERM, 'no kernel modules in a sandbox'],
  finit_module: [EPERM, 'no kernel modules in a sandbox'],
  delete_module: [EPERM, 'no kernel modules in a sandbox'],
  iopl: [EPERM, 'no port I/O from a sandbox'],
  ioperm: [EPERM, 'no port I/O from a sandbox'],
  swapon: [EPERM, 'no swap management in a sandbox'],
  swapoff: [EPERM, 'no swap management in a sandbox'],
  acct: [EPERM, 'no process accounting in a sandbox'],
  settimeofday: [EPERM, 'the sandbox cannot set the host clock'],
  clock_settime: [EPERM, 'the sandbox cannot set the host clock'],
  adjtimex: [EPERM, 'the sandbox cannot set the host clock'],
  clock_adjtime: [EPERM, 'the sandbox cannot set the host clock'],
};
/** inotify: not implemented; ENOSYS as a kernel built without CONFIG_INOTIFY_USER (programs fall back to polling). */
for (const n of ['inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch']) {
  REFUSED[n] = [ENOSYS, 'no inotify (as a kernel without CONFIG_INOTIFY_USER)'];
}

export function buildTable(): SyscallEntry[] {
  const byName = new Map<string, Handler>();
  for (const fam of FAMILIES) {
    for (const [name, h] of Object.entries(fam)) {
      if (byName.has(name)) throw new Error(`syscall ${name} registered twice`);
      byName.set(name, h);
    }
  }
  const table: SyscallEntry[] = [];
  SYSCALL_NAMES.forEach((name, nr) => {
    const handler = name ? byName.get(name) : undefined;
    if (handler) byName.delete(name);
    const refused = REFUSED[name];
    let support: Support = 'missing';
    if (handler) support = PARTIAL[name] ? 'partial' : 'supported';
    else if (refused) support = 'error';
    table.push({
      nr, name, support, handler,
      note: handler ? PARTIAL[name] : refused?.[1],
      errno: refused?.[0],
    });
  });
  if (byName.size) throw new Error(`handlers for unknown syscalls: ${[...byName.keys()].join(', ')}`);
  return table;
}
