// /proc/<pid> and /proc/<pid>/task/<tid>: per-process directories. Entries are
// made on each lookup and never cached (they describe live processes); their
// contents are made when read. A process that is gone gives ESRCH on read and
// ENOENT on lookup; a zombie keeps its directory (stat, status, and empty
// cmdline, environ and maps) until it is reaped.
import { EACCES, EINVAL, ENOENT, EPERM, ESRCH } from '../errno';
import type { IdMaps } from '../idmap';
import { O_CLOEXEC } from '../abi/fcntl';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../abi/stat';
import { FD_CLOEXEC } from './fd_table';
import type { FileDescription } from './file';
import { Inode, type MagicTarget, type Superblock, type VfsCtx } from './inode';
import { LOOKUP_FOLLOW, walk } from './namei';
import { SynthDirInode, synthStat, type DirEnt } from './synthetic';
import { ProcFileInode, type ProcGen, type ProcWrite } from './procfs_file';
import {
  limitsText, liveTask, mapsText, smapsText, statText, statmText, statusText, type ProcTarget,
} from './procfs_pid_text';
import { GROUP_DEAD, GROUP_LIVE, type ThreadGroup } from '../thread_group';
import { TASK_EXITED, type Task } from '../task';
import { procMounts, procMountinfo } from './procfs_mounts';
import { PtyMasterFile } from '../tty/pty';

/** Inode numbers: id * PER_PID + slot. Slots: the entries below, then fd links (FD_SLOT + fd)
 *  and fdinfo files (FDINFO_SLOT + fd); fds are below nr_open (2^20). */
const PER_PID = 2 ** 22, FD_SLOT = 1024, FDINFO_SLOT = FD_SLOT + 2 ** 20;
const SLOT_DIR = 1, SLOT_TASKDIR_BASE = 64;

/** One entry of a process directory: name, kind, and how to make it. */
interface EntrySpec {
  readonly name: string;
  readonly slot: number;
  readonly mode: number;
  readonly make: (sb: Superblock, p: ProcTarget, ino: number) => Inode;
}

/** The process is still there (not reaped; for a thread directory: the thread lives). */
function alive(p: ProcTarget): boolean {
  if (p.group.state === GROUP_DEAD) return false;
  if (p.thread) return p.task !== null && p.task.state !== TASK_EXITED;
  return true;
}

function owner(p: ProcTarget): [number, number] {
  const t = liveTask(p) ?? p.group.lastTask;
  // Linux shows root as the owner of a non-dumpable process's entries.
  if (t === null || p.group.dumpable === 0) return [0, 0];
  return [t.creds.euid, t.creds.egid];
}

function textFile(perm: number, gen: (p: ProcTarget, reader: Task | null) => string | Uint8Array | number,
  write?: (p: ProcTarget, t: Task, data: Uint8Array) => number) {
  return (sb: Superblock, p: ProcTarget, ino: number): Inode => {
    const g: ProcGen = (reader) => (alive(p) ? gen(p, reader) : -ESRCH);
    const w: ProcWrite | undefined = write ? (t, data) => (alive(p) ? write(p, t, data) : -ESRCH) : undefined;
    const [uid, gid] = owner(p);
    return new ProcFileInode(sb, ino, perm, g, { uncached: true, noWriteErrno: EINVAL, ...(w ? { write: w } : {}) },
      uid, gid);
  };
}

/** The most of a process's memory cmdline or environ shows (ARG_MAX is 2 MiB). */
const MEM_TEXT_MAX = 2 * 1024 * 1024;

/** The bytes of [start, end) of the process's memory (cmdline, environ), or empty. */
function memBytes(p: ProcTarget, start: number, end: number): Uint8Array {
  const t = liveTask(p);
  if (t === null || end <= start) return new Uint8Array(0);
  // The areas are the exec's strings (ARG_MAX at most); a larger range is cut there.
  const out = new Uint8Array(Math.min(end - start, MEM_TEXT_MAX));
  const mm = t.mm;
  // copyIn translates through the address space's segment arrays, which a read of
  // /proc/self/... into this same address space is walking right now (rw.ts): keep them.
  const segs = mm.segCount, buf = mm.segBuf.slice(0, segs), off = mm.segOff.slice(0, segs), len = mm.segLen.slice(0, segs);
  const n = mm.copyIn(start, out, 0, out.length);
  for (let i = 0; i < segs; i++) { mm.segBuf[i] = buf[i]!; mm.segOff[i] = off[i]!; mm.segLen[i] = len[i]!; }
  mm.segCount = segs;
  return n < 0 ? new Uint8Array(0) : out;
}

/** /proc/<pid>/cmdline (get_mm_cmdline): the argument area; when a program rewrote it so that
 *  it no longer ends in NUL (setproctitle), one string running on into the environment. */
function cmdline(p: ProcTarget): Uint8Array {
  const t = liveTask(p);
  if (t === null) return new Uint8Array(0);
  const mm = t.mm;
  const args = memBytes(p, mm.argStart, mm.argEnd);
  if (args.length === 0 || args[args.length - 1] === 0) return args;
  const nul = args.indexOf(0);
  if (nul >= 0) return args.subarray(0, nul + 1 > args.length ? args.length : nul);
  const env = memBytes(p, mm.envStart, mm.envEnd);
  const envNul = env.indexOf(0);
  const tail = envNul >= 0 ? env.subarray(0, envNul) : env;
  const out = new Uint8Array(args.length + tail.length);
  out.set(args); out.set(tail, args.length);
  return out;
}

/** /proc/<pid>/auxv: the auxiliary vector exec gave the program, as 64-bit pairs. */
function auxvBytes(p: ProcTarget): Uint8Array {
  const t = liveTask(p);
  if (t === null) return new Uint8Array(0);
  const v = t.mm.auxv;
  const out = new Uint8Array(v.length * 16);
  const dv = new DataView(out.buffer);
  v.forEach(([k, val], i) => {
    dv.setUint32(i * 16, k >>> 0, true); dv.setUint32(i * 16 + 4, Math.floor(k / 4294967296), true);
    dv.setUint32(i * 16 + 8, val % 4294967296, true); dv.setUint32(i * 16 + 12, Math.floor(val / 4294967296), true);
  });
  return out;
}

function fdinfoText(t: Task, fd: number): string | number {
  const f = t.files.get(fd);
  if (f === null) return -ENOENT;
  const flags = f.flags | ((t.files.getFlags(fd) & FD_CLOEXEC) ? O_CLOEXEC : 0);
  const ino = f.dentry?.inode.ino ?? 0;
  const mnt = f.dentry?.inode.sb.mntId ?? 0;
  let out = `pos:\t${f.pos}\nflags:\t0${(flags >>> 0).toString(8)}\nmnt_id:\t${mnt}\nino:\t${ino}\n`;
  // What the file's own show_fdinfo adds (a pty master: its index).
  if (f instanceof PtyMasterFile) out += `tty-index:\t${f.pty.index}\n`;
  return out;
}

const LINK = S_IFLNK | 0o777, REG = S_IFREG, DIR = S_IFDIR | 0o555;

const TGID_ENTRIES: EntrySpec[] = [
  { name: 'task', slot: 2, mode: DIR, make: (sb, p) => new TaskListInode(sb, p) },
  { name: 'fd', slot: 3, mode: S_IFDIR | 0o500, make: (sb, p) => new FdDirInode(sb, p, false) },
  { name: 'fdinfo', slot: 4, mode: S_IFDIR | 0o500, make: (sb, p) => new FdDirInode(sb, p, true) },
  { name: 'environ', slot: 5, mode: REG | 0o400, make: textFile(0o400, (p) => {
    const t = liveTask(p);
    return t === null ? new Uint8Array(0) : memBytes(p, t.mm.envStart, t.mm.envEnd);
  }) },
  { name: 'status', slot: 6, mode: REG | 0o444, make: textFile(0o444, (p) => statusText(p)) },
  { name: 'limits', slot: 7, mode: REG | 0o444, make: textFile(0o444, (p) => limitsText(p.group)) },
  { name: 'comm', slot: 8, mode: REG | 0o644, make: textFile(0o644,
    (p) => `${liveTask(p)?.comm ?? p.group.lastTask?.comm ?? ''}\n`,
    (p, t, data) => {
      // Only a thread of the same process may rename it (comm_write); the first 15 bytes count.
      const target = liveTask(p);
      if (target === null || target.group !== t.group) return -EINVAL;
      let n = 0;
      while (n < data.length && n < 15 && data[n] !== 0) n++;
      target.comm = Buffer.from(data.subarray(0, n)).toString('latin1');
      return data.length;
    }) },
  { name: 'cmdline', slot: 9, mode: REG | 0o444, make: textFile(0o444, (p) => cmdline(p)) },
  { name: 'stat', slot: 10, mode: REG | 0o444, make: textFile(0o444, (p) => statText(p)) },
  { name: 'statm', slot: 11, mode: REG | 0o444, make: textFile(0o444, (p) => statmText(p)) },
  { name: 'maps', slot: 12, mode: REG | 0o444, make: textFile(0o444, (p) => mapsText(p)) },
  { name: 'cwd', slot: 13, mode: LINK, make: (sb, p, ino) => new MagicLinkInode(sb, ino, p, LINK_CWD) },
  { name: 'root', slot: 14, mode: LINK, make: (sb, p, ino) => new MagicLinkInode(sb, ino, p, LINK_ROOT) },
  { name: 'exe', slot: 15, mode: LINK, make: (sb, p, ino) => new MagicLinkInode(sb, ino, p, LINK_EXE) },
  { name: 'mounts', slot: 16, mode: REG | 0o444, make: textFile(0o444, (p) => withFs(p, procMounts)) },
  { name: 'mountinfo', slot: 17, mode: REG | 0o444, make: textFile(0o444, (p) => withFs(p, procMountinfo)) },
  { name: 'smaps', slot: 18, mode: REG | 0o444, make: textFile(0o444, (p) => smapsText(p)) },
  { name: 'auxv', slot: 21, mode: REG | 0o400, make: textFile(0o400, (p) => auxvBytes(p)) },
  // The sandbox's one user namespace: its maps were written before the first process ran, and
  // a map is written once (map_write: EPERM after), as is setgroups once a map exists.
  { name: 'uid_map', slot: 22, mode: REG | 0o644, make: textFile(0o644, (p) => idsOf(p)?.uid.text() ?? '', () => -EPERM) },
  { name: 'gid_map', slot: 23, mode: REG | 0o644, make: textFile(0o644, (p) => idsOf(p)?.gid.text() ?? '', () => -EPERM) },
  { name: 'setgroups', slot: 24, mode: REG | 0o644, make: textFile(0o644, () => 'allow\n', () => -EPERM) },
  // The sandbox is one cgroup-v2 root: what a process in a container's own cgroup sees.
  { name: 'cgroup', slot: 19, mode: REG | 0o444, make: textFile(0o444, () => '0::/\n') },
  { name: 'oom_score_adj', slot: 20, mode: REG | 0o644, make: textFile(0o644,
    (p) => `${oomScoreAdj.get(p.group) ?? 0}\n`,
    (p, t, data) => {
      // oom_score_adj_write: an integer in [-1000, 1000]; lowering it needs CAP_SYS_RESOURCE.
      const text = Buffer.from(data).toString('latin1').trim();
      if (!/^[-+]?[0-9]+$/.test(text)) return -EINVAL;
      const v = Number(text);
      if (v < -1000 || v > 1000) return -EINVAL;
      if (v < (oomScoreAdj.get(p.group) ?? 0) && t.creds.euid !== 0) return -EACCES;
      oomScoreAdj.set(p.group, v);
      return data.length;
    }) },
];
/** oom_score_adj per process (kept, never used: the sandbox has its own OOM policy). Inherited
 *  by children is not modelled: a new process starts at 0. */
const oomScoreAdj = new WeakMap<ThreadGroup, number>();
/** A thread's directory has the same entries but task. */
const TID_ENTRIES = TGID_ENTRIES.filter((e) => e.name !== 'task');

function idsOf(p: ProcTarget): IdMaps | null {
  const t = liveTask(p) ?? p.group.lastTask;
  return t === null ? null : t.kernel.vfs.ids;
}

function withFs(p: ProcTarget, f: (t: Task) => string): string {
  const t = liveTask(p);
  return t === null ? '' : f(t);
}

/** /proc/<pid> or /proc/<pid>/task/<tid>. */
export class PidDirInode extends SynthDirInode {
  constructor(sb: Superblock, readonly target: ProcTarget) {
    super(sb, target.id * PER_PID + (target.thread ? SLOT_TASKDIR_BASE : 0) + SLOT_DIR, 0o555);
    [this.uid, this.gid] = owner(target);
  }
  override get cacheable(): boolean { return false; }
  private get specs(): EntrySpec[] { return this.target.thread ? TID_ENTRIES : TGID_ENTRIES; }
  private base(): number { return this.target.id * PER_PID + (this.target.thread ? SLOT_TASKDIR_BASE : 0); }
  override entries(): DirEnt[] {
    if (!alive(this.target)) return [];
    return this.specs.map((e) => ({ name: e.name, ino: this.base() + e.slot, mode: e.mode }));
  }
  override lookup(_ctx: VfsCtx, name: string): Inode | number {
    if (!alive(this.target)) return -ENOENT;
    const e = this.specs.find((x) => x.name === name);
    return e === undefined ? -ENOENT : e.make(this.sb, this.target, this.base() + e.slot);
  }
  override stat(dv: DataView, off: number): number {
    // nlink: 2 plus the subdirectories (task, fd, fdinfo), as proc_pid_lookup counts them.
    return synthStat(this, dv, off, 0, 0, 2 + (this.target.thread ? 2 : 3));
  }
}

/** /proc/<pid>/task: one directory per thread. */
class TaskListInode extends SynthDirInode {
  constructor(sb: Superblock, readonly target: ProcTarget) {
    super(sb, target.id * PER_PID + 2, 0o555);
    [this.uid, this.gid] = owner(target);
  }
  override get cacheable(): boolean { return false; }
  private threads(): Task[] {
    return [...this.target.group.tasks].filter((t) => t.state !== TASK_EXITED).sort((a, b) => a.tid - b.tid);
  }
  override entries(): DirEnt[] {
    return this.threads().map((t) => ({ name: String(t.tid), ino: t.tid * PER_PID + SLOT_TASKDIR_BASE + SLOT_DIR, mode: S_IFDIR | 0o555 }));
  }
  override lookup(_ctx: VfsCtx, name: string): Inode | number {
    const tid = parseId(name);
    const t = this.threads().find((x) => x.tid === tid);
    if (t === undefined) return -ENOENT;
    return new PidDirInode(this.sb, { group: this.target.group, task: t, id: t.tid, thread: true });
  }
}

/** fd (links) or fdinfo (text files). */
class FdDirInode extends SynthDirInode {
  constructor(sb: Superblock, readonly target: ProcTarget, readonly info: boolean) {
    super(sb, target.id * PER_PID + (target.thread ? SLOT_TASKDIR_BASE : 0) + (info ? 4 : 3), 0o500);
    [this.uid, this.gid] = owner(target);
  }
  override get cacheable(): boolean { return false; }
  private base(): number { return this.target.id * PER_PID + (this.info ? FDINFO_SLOT : FD_SLOT); }
  override entries(): DirEnt[] {
    const t = liveTask(this.target);
    if (t === null) return [];
    const files = t.files, base = this.base();
    return files.fds().map((fd) => ({
      name: String(fd), ino: base + fd, mode: this.info ? S_IFREG | 0o444 : fdLinkMode(files.get(fd)!),
    }));
  }
  override lookup(_ctx: VfsCtx, name: string): Inode | number {
    const t = liveTask(this.target);
    const fd = parseFd(name);
    const f = t !== null && fd >= 0 ? t.files.get(fd) : null;
    if (f === null || t === null) return -ENOENT;
    const [uid, gid] = owner(this.target);
    if (this.info) {
      return new ProcFileInode(this.sb, this.base() + fd, 0o444, () => (t.state === TASK_EXITED ? -ESRCH : fdinfoText(t, fd)),
        { uncached: true, noWriteErrno: EINVAL }, uid, gid);
    }
    return new MagicLinkInode(this.sb, this.base() + fd, this.target, fd, fdLinkMode(f) & 0o777);
  }
}

function parseId(name: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(name)) return -1;
  const n = Number(name);
  return n <= 0x7fffffff ? n : -1;
}
function parseFd(name: string): number {
  return /^(0|[1-9][0-9]{0,9})$/.test(name) ? Number(name) : -1;
}

/** An fd link's mode shows how the file is open: r for readable, w for writable, x always. */
function fdLinkMode(f: FileDescription): number {
  return S_IFLNK | (f.readable ? 0o400 : 0) | (f.writable ? 0o200 : 0) | 0o100;
}

const LINK_EXE = -1, LINK_CWD = -2, LINK_ROOT = -3;

/** exe, cwd, root, or fd/<which>: magic links (following one jumps to the object itself). */
class MagicLinkInode extends Inode {
  constructor(sb: Superblock, ino: number, readonly target: ProcTarget, readonly which: number, perm = 0o777) {
    super(sb, ino, S_IFLNK | perm);
    [this.uid, this.gid] = owner(target);
  }
  override get cacheable(): boolean { return false; }

  private task(): Task | null { return alive(this.target) ? liveTask(this.target) : null; }
  private file(t: Task): FileDescription | null { return this.which >= 0 ? t.files.get(this.which) : null; }

  override readlink(ctx: VfsCtx): string | number {
    const t = this.task();
    if (t === null) return -ENOENT;
    switch (this.which) {
      case LINK_EXE: return t.mm.exePath !== '' ? t.mm.exePath : -ENOENT;
      case LINK_CWD: return t.fs.cwd.path(ctx.root);
      case LINK_ROOT: return t.fs.root.path(ctx.root);
      default: { const f = this.file(t); return f === null ? -ENOENT : f.path(); }
    }
  }

  override followMagic(ctx: VfsCtx): MagicTarget {
    const t = this.task();
    if (t === null) return -ENOENT;
    switch (this.which) {
      case LINK_EXE: {
        const p = t.mm.exePath;
        return p === '' ? -ENOENT : walk({ root: t.fs.root, task: ctx.task, creds: null }, t.fs.root, p, LOOKUP_FOLLOW);
      }
      case LINK_CWD: return t.fs.cwd.get();
      case LINK_ROOT: return t.fs.root.get();
      default: {
        const f = this.file(t);
        return f === null || f.dentry === null ? -ENOENT : f.dentry.get();
      }
    }
  }

  override open(): FileDescription | number { return -EINVAL; }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, 64); }
}

/** The directory for /proc/<id>: a process, or (not listed, but found) one of its threads. */
export function lookupPid(sb: Superblock, self: Task, id: number): Inode | null {
  // The caller's own process first (and the only one a kernel without a group table knows).
  const k = self.kernel as { groups?: Map<number, ThreadGroup>; tasks: Map<number, Task> };
  const g = self.tgid === id ? self.group : k.groups?.get(id);
  if (g !== undefined && g.state !== GROUP_DEAD) {
    return new PidDirInode(sb, { group: g, task: g.leader ?? null, id, thread: false });
  }
  const t = k.tasks.get(id);
  if (t !== undefined && t.group.state === GROUP_LIVE) {
    return new PidDirInode(sb, { group: t.group, task: t, id, thread: false });
  }
  return null;
}

/** Inode number of /proc/<pid>. */
export function pidDirIno(pid: number): number { return pid * PER_PID + SLOT_DIR; }

