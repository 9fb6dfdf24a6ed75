// procfs, the slice this issue needs: /proc/self (a link to the caller's pid),
// /proc/<pid>/{exe,cwd,root} and /proc/<pid>/fd/<n>, all magic links: readlink
// shows a path, and following one jumps straight to the object (an open fd's
// file even when it has no path, such as a pipe). Per-process entries are never
// cached (they describe live processes).
import { EINVAL, ENOENT } from '../errno';
import { S_IFLNK } from '../abi/stat';
import { PROC_SUPER_MAGIC, ST_NODEV, ST_NOEXEC, ST_NOSUID } from '../abi/statfs';
import type { Task } from '../task';
import type { FileDescription } from './file';
import { allocAnonDev, allocMntId, Inode, Superblock, type MagicTarget, type VfsCtx } from './inode';
import { LOOKUP_FOLLOW, walk } from './namei';
import { SynthDirInode, SynthLinkInode, synthStat, type DirEnt } from './synthetic';

const INO_ROOT = 1, INO_SELF = 2, INO_THREAD_SELF = 3;
/** Per-process inode numbers: pid * PER_PID + slot (fd links use slots from FD_SLOT up). */
const PER_PID = 1 << 16, SLOT_DIR = 1, SLOT_EXE = 2, SLOT_CWD = 3, SLOT_ROOT = 4, SLOT_FDDIR = 5, FD_SLOT = 16;

function taskByPid(ctx: Task | null, pid: number): Task | null {
  if (ctx === null) return null;
  if (ctx.tgid === pid) return ctx;
  const t = ctx.kernel.tasks.get(pid);
  return t !== undefined && t.tgid === pid ? t : null;
}

function parsePid(name: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(name)) return -1;
  const n = Number(name);
  return n <= 0x7fffffff ? n : -1;
}

class ProcRootInode extends SynthDirInode {
  private readonly self: SynthLinkInode;
  private readonly threadSelf: SynthLinkInode;
  constructor(sb: Superblock) {
    super(sb, INO_ROOT, 0o555);
    this.self = new SynthLinkInode(sb, INO_SELF, (ctx) => ctx.task !== null ? String(ctx.task.tgid) : -ENOENT);
    this.threadSelf = new SynthLinkInode(sb, INO_THREAD_SELF,
      (ctx) => ctx.task !== null ? `${ctx.task.tgid}/task/${ctx.task.tid}` : -ENOENT);
  }
  override entries(t: Task | null): DirEnt[] {
    const out: DirEnt[] = [
      { name: 'self', ino: INO_SELF, mode: this.self.mode },
      { name: 'thread-self', ino: INO_THREAD_SELF, mode: this.threadSelf.mode },
    ];
    if (t !== null) {
      const pids = [...t.kernel.tasks.values()].filter((x) => x.tid === x.tgid).map((x) => x.tgid).sort((a, b) => a - b);
      for (const pid of pids) out.push({ name: String(pid), ino: pid * PER_PID + SLOT_DIR, mode: this.mode });
    }
    return out;
  }
  override lookup(ctx: VfsCtx, name: string): Inode | number {
    if (name === 'self') return this.self;
    if (name === 'thread-self') return this.threadSelf;
    const pid = parsePid(name);
    const t = pid > 0 ? taskByPid(ctx.task, pid) : null;
    return t === null ? -ENOENT : new PidDirInode(this.sb, t);
  }
}

class PidDirInode extends SynthDirInode {
  constructor(sb: Superblock, readonly task: Task) {
    super(sb, task.tgid * PER_PID + SLOT_DIR, 0o555);
    this.uid = task.creds.euid;
    this.gid = task.creds.egid;
  }
  override get cacheable(): boolean { return false; }
  override entries(): DirEnt[] {
    const base = this.task.tgid * PER_PID, link = S_IFLNK | 0o777;
    return [
      { name: 'cwd', ino: base + SLOT_CWD, mode: link },
      { name: 'exe', ino: base + SLOT_EXE, mode: link },
      { name: 'fd', ino: base + SLOT_FDDIR, mode: this.mode },
      { name: 'root', ino: base + SLOT_ROOT, mode: link },
    ];
  }
  override lookup(_ctx: VfsCtx, name: string): Inode | number {
    const t = this.task, base = t.tgid * PER_PID;
    switch (name) {
      case 'exe': return new MagicLinkInode(this.sb, base + SLOT_EXE, t, -1, 0o777);
      case 'cwd': return new MagicLinkInode(this.sb, base + SLOT_CWD, t, -2, 0o777);
      case 'root': return new MagicLinkInode(this.sb, base + SLOT_ROOT, t, -3, 0o777);
      case 'fd': return new FdDirInode(this.sb, t);
      default: return -ENOENT;
    }
  }
}

class FdDirInode extends SynthDirInode {
  constructor(sb: Superblock, readonly task: Task) {
    super(sb, task.tgid * PER_PID + SLOT_FDDIR, 0o500);
    this.uid = task.creds.euid;
    this.gid = task.creds.egid;
  }
  override get cacheable(): boolean { return false; }
  override entries(): DirEnt[] {
    const files = this.task.files, base = this.task.tgid * PER_PID + FD_SLOT;
    return files.fds().map((fd) => ({ name: String(fd), ino: base + fd, mode: fdLinkMode(files.get(fd)!) }));
  }
  override lookup(_ctx: VfsCtx, name: string): Inode | number {
    const fd = /^(0|[1-9][0-9]{0,9})$/.test(name) ? Number(name) : -1;
    const f = fd >= 0 ? this.task.files.get(fd) : null;
    if (f === null) return -ENOENT;
    return new MagicLinkInode(this.sb, this.task.tgid * PER_PID + FD_SLOT + fd, this.task, fd, fdLinkMode(f) & 0o777);
  }
}

/** An fd link's mode shows how the file is open: r for readable, w for writable, x always. */
function fdLinkMode(f: FileDescription): number {
  return S_IFLNK | (f.readable ? 0o400 : 0) | (f.writable ? 0o200 : 0) | 0o100;
}

/** exe (which -1), cwd (-2), root (-3), or fd/<which>. */
class MagicLinkInode extends Inode {
  constructor(sb: Superblock, ino: number, readonly task: Task, readonly which: number, perm: number) {
    super(sb, ino, S_IFLNK | perm, task.creds.euid, task.creds.egid);
  }
  override get cacheable(): boolean { return false; }

  private file(): FileDescription | null { return this.which >= 0 ? this.task.files.get(this.which) : null; }

  override readlink(ctx: VfsCtx): string | number {
    switch (this.which) {
      case -1: return this.task.mm.exePath !== '' ? this.task.mm.exePath : -ENOENT;
      case -2: return this.task.fs.cwd.path(ctx.root);
      case -3: return this.task.fs.root.path(ctx.root);
      default: { const f = this.file(); return f === null ? -ENOENT : f.path(); }
    }
  }

  override followMagic(ctx: VfsCtx): MagicTarget {
    switch (this.which) {
      case -1: {
        const p = this.task.mm.exePath;
        return p === '' ? -ENOENT : walk({ root: this.task.fs.root, task: ctx.task, creds: null }, this.task.fs.root, p, LOOKUP_FOLLOW);
      }
      case -2: return this.task.fs.cwd.get();
      case -3: return this.task.fs.root.get();
      default: {
        const f = this.file();
        return f === null || f.dentry === null ? -ENOENT : f.dentry.get();
      }
    }
  }

  override open(): FileDescription | number { return -EINVAL; }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, 64); }
}

/** Builds /proc's root directory. */
export function makeProcfs(): Inode {
  return new ProcRootInode(new Superblock('proc', allocAnonDev(), allocMntId(), false, PROC_SUPER_MAGIC,
    ST_NOSUID | ST_NODEV | ST_NOEXEC));
}
