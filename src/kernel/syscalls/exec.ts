// execve(2), execveat(2).
import { E2BIG, EFAULT, EINVAL, ELOOP, ENAMETOOLONG, ENOENT } from '../errno';
import { walk } from '../vfs/namei';
import { execve } from '../task_exec';
import type { Task } from '../task';
import { RET_NO_WRITEBACK, type Handler } from './types';

const PATH_MAX = 4096;
const MAX_ARG_STRLEN = 32 * 4096;
/** MAX_ARG_STRINGS, with the stack-limit check in the loader doing the rest (E2BIG). */
const MAX_ARG_STRINGS = 0x7fffffff;
const AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;

/** Reads a NULL-terminated array of string pointers (argv/envp). */
function readVector(t: Task, addr: number, limitBytes: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (addr === 0) return out;
  let total = 0;
  for (let i = 0; i < MAX_ARG_STRINGS; i++) {
    const p = t.mm.readU64(addr + 8 * i);
    if (p < 0) return -EFAULT;
    if (p === 0) return out;
    const s = t.mm.readCBytes(p, MAX_ARG_STRLEN, E2BIG);
    if (typeof s === 'number') return s;
    total += s.length + 1 + 8;
    if (total > limitBytes) return -E2BIG;
    out.push(s);
  }
  return -E2BIG;
}

function doExec(t: Task, path: string, argvAddr: number, envpAddr: number): number {
  const limit = t.limits.soft[3]! === Infinity ? 8 * 1024 * 1024 / 4 * 4 : Math.max(t.limits.soft[3]! / 4, 32 * 4096);
  const argv = readVector(t, argvAddr, limit);
  if (typeof argv === 'number') return argv;
  const envp = readVector(t, envpAddr, limit);
  if (typeof envp === 'number') return envp;
  const r = execve(t, path, argv, envp);
  return r < 0 ? r : RET_NO_WRITEBACK;
}

/** implements Linux execve(2) */
export const sysExecve: Handler = (t) => {
  const path = t.mm.readCString(t.regs.arg(0), PATH_MAX, ENAMETOOLONG);
  if (typeof path === 'number') return path;
  if (path.length === 0) return -ENOENT;
  return doExec(t, path, t.regs.arg(1), t.regs.arg(2));
};

/** implements Linux execveat(2): dirfd-relative paths and AT_EMPTY_PATH go through /proc/self/fd. */
export const sysExecveat: Handler = (t) => {
  const dirfd = t.regs.argInt(0), flags = t.regs.argInt(4);
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return -EINVAL;
  let path = t.mm.readCString(t.regs.arg(1), PATH_MAX, ENAMETOOLONG);
  if (typeof path === 'number') return path;
  if (path.length === 0) {
    if (!(flags & AT_EMPTY_PATH)) return -ENOENT;
    if (!t.files.get(dirfd)) return -9;
    path = `/proc/self/fd/${dirfd}`;
  } else if (!path.startsWith('/') && dirfd !== AT_FDCWD) {
    if (!t.files.get(dirfd)) return -9;
    path = `/proc/self/fd/${dirfd}/${path}`;
  }
  if (flags & AT_SYMLINK_NOFOLLOW) {
    // The final component must not be a symbolic link (ELOOP), as Linux's execveat.
    const d = walk(t.fs.ctx(t), t.fs.cwd, path, 0);
    if (typeof d !== 'number') {
      const link = d.inode.isSymlink;
      d.put();
      if (link) return -ELOOP;
    }
  }
  return doExec(t, path, t.regs.arg(2), t.regs.arg(3));
};

export const execSyscalls: Record<string, Handler> = { execve: sysExecve, execveat: sysExecveat };
