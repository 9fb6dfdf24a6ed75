// devpts (fs/devpts): the /dev/pts directory. It holds ptmx (5:2), which makes
// a new pseudo-terminal pair when opened, and one node per live pair, N
// (136:N), from the master's open until its last close. Indexes are the
// lowest free ones. Nodes are owned by the opener of the master, group tty
// (5), mode 0620, ptmx is 0666: the gid=5,mode=620,ptmxmode=666 options
// containers mount it with.
import { EIO, ENOENT, ENOSPC } from '../errno';
import { O_CLOEXEC, O_NOCTTY } from '../abi/fcntl';
import { S_IFCHR, makedev } from '../abi/stat';
import { ST_NOEXEC, ST_NOSUID } from '../abi/statfs';
import type { Task } from '../task';
import type { Dentry } from '../vfs/dentry';
import type { FileDescription } from '../vfs/file';
import { allocAnonDev, allocMntId, Inode, Superblock, type VfsCtx } from '../vfs/inode';
import { lookupChild } from '../vfs/namei';
import { SynthDirInode, synthStat, type DirEnt } from '../vfs/synthetic';
import { Pty, PtyMasterFile, PtySlaveFile, UNIX98_PTY_SLAVE_MAJOR } from './pty';

export const DEVPTS_SUPER_MAGIC = 0x1cd1;
/** TTYAUX_MAJOR: /dev/tty (5:0), /dev/console (5:1), /dev/ptmx (5:2). */
export const TTYAUX_MAJOR = 5;
/** The tty group's id (slaves' group, as the gid=5 mount option gives). */
export const TTY_GID = 5;
const SLAVE_MODE = 0o620;
/** /proc/sys/kernel/pty/max's default. */
export const PTY_MAX = 4096;

/** /dev/pts/N. Never cached: the index may be reused by a later pair. */
export class PtySlaveInode extends Inode {
  readonly rdev: number;
  readonly ctimeSec = Math.floor(Date.now() / 1000);
  constructor(sb: Superblock, readonly pty: Pty, uid: number) {
    super(sb, pty.index + 3, S_IFCHR | SLAVE_MODE, uid, TTY_GID);
    this.rdev = makedev(UNIX98_PTY_SLAVE_MAJOR, pty.index);
  }
  override get cacheable(): boolean { return false; }
  override open(ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    const r = this.pty.openSlave(ctx.task, flags, true);
    if (r < 0) return r;
    return new PtySlaveFile(this.pty, flags & ~O_NOCTTY);
  }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, 0, this.rdev); }
}

/** /dev/pts/ptmx (mode 0666, the ptmxmode=666 containers mount devpts with; /dev/ptmx links here). */
class PtmxInode extends Inode {
  readonly rdev = makedev(TTYAUX_MAJOR, 2);
  constructor(sb: Superblock, readonly root: DevptsRoot) { super(sb, 2, S_IFCHR | 0o666); }
  override open(ctx: VfsCtx, _dentry: Dentry, flags: number): FileDescription | number {
    return this.root.openMaster(ctx, flags);
  }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, 0, this.rdev); }
}

export class DevptsRoot extends SynthDirInode {
  private readonly slaves = new Map<number, PtySlaveInode>();
  private readonly ptmx: PtmxInode;

  constructor() {
    super(new Superblock('devpts', allocAnonDev(), allocMntId(), false, DEVPTS_SUPER_MAGIC, ST_NOSUID | ST_NOEXEC), 1, 0o755);
    this.ptmx = new PtmxInode(this.sb, this);
  }

  override entries(): DirEnt[] {
    const out: DirEnt[] = [{ name: 'ptmx', ino: this.ptmx.ino, mode: this.ptmx.mode }];
    for (const i of [...this.slaves.keys()].sort((a, b) => a - b)) {
      const s = this.slaves.get(i)!;
      out.push({ name: String(i), ino: s.ino, mode: s.mode });
    }
    return out;
  }

  override lookup(_ctx: VfsCtx, name: string): Inode | number {
    if (name === 'ptmx') return this.ptmx;
    if (!/^(0|[1-9][0-9]{0,8})$/.test(name)) return -ENOENT;
    return this.slaves.get(Number(name)) ?? -ENOENT;
  }

  /** Opens a new master (ptmx_open): a fresh pair at the lowest free index, locked. */
  openMaster(ctx: VfsCtx, flags: number): FileDescription | number {
    const t = ctx.task;
    if (t === null) return -EIO;
    let index = 0;
    while (this.slaves.has(index)) index++;
    if (index >= PTY_MAX) return -ENOSPC; // devpts_new_index beyond kernel.pty.max
    const pty = new Pty(t.kernel, index, (p) => { this.slaves.delete(p.index); });
    this.slaves.set(index, new PtySlaveInode(this.sb, pty, t.creds.fsuid));
    return new PtyMasterFile(pty, flags & ~O_NOCTTY, openPeer);
  }
}

/** TIOCGPTPEER: opens the master's slave through the devpts instance next to the master's node
 *  (the pts directory beside /dev/ptmx, or the one /dev/pts/ptmx is in). */
function openPeer(t: Task, master: PtyMasterFile, flags: number): number {
  const md = master.dentry;
  if (md === null || md.parent === null) return -EIO;
  const ctx: VfsCtx = { root: t.fs.root, task: t, creds: null };
  let dir: Dentry = md.parent;
  if (!(dir.inode instanceof DevptsRoot)) {
    const r = lookupChild(ctx, dir, 'pts');
    if (typeof r === 'number') return -EIO;
    dir = r;
  }
  const c = lookupChild(ctx, dir, String(master.pty.index));
  if (typeof c === 'number') return -EIO;
  const d = c.get();
  const r = master.pty.openSlave(t, flags, true);
  if (r < 0) { d.put(); return r; }
  const f = new PtySlaveFile(master.pty, flags & ~(O_NOCTTY | O_CLOEXEC));
  f.dentry = d;
  const fd = t.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) f.release();
  return fd;
}
