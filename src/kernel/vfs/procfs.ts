// procfs: tsvisor's own /proc. The root holds the system-wide files
// (procfs_system.ts), /proc/sys (procfs_sys.ts), the self and thread-self
// links, the mounts link, and one directory per process (procfs_pid.ts). All
// of them describe the sandbox only: its processes, its memory, its one CPU.
import { ENOENT } from '../errno';
import { S_IFDIR } from '../abi/stat';
import { PROC_SUPER_MAGIC, ST_NODEV, ST_NOEXEC, ST_NOSUID } from '../abi/statfs';
import type { Task } from '../task';
import { GROUP_DEAD, type ThreadGroup } from '../thread_group';
import { allocAnonDev, allocMntId, Inode, Superblock, type VfsCtx } from './inode';
import { ProcFileInode, type ProcGen } from './procfs_file';
import { lookupPid, pidDirIno } from './procfs_pid';
import { makeProcSys } from './procfs_sys';
import {
  cpuinfoText, filesystemsText, loadavgText, meminfoText, statText, uptimeText, versionText,
} from './procfs_system';
import { SynthDirInode, SynthLinkInode, type DirEnt } from './synthetic';

class ProcRootInode extends SynthDirInode {
  /** Fixed entries, in listing order. */
  private readonly fixed = new Map<string, Inode>();

  constructor(sb: Superblock) {
    super(sb, 1, 0o555);
    let ino = 2;
    const next = (): number => ino++;
    this.fixed.set('self', new SynthLinkInode(sb, next(), (ctx) => ctx.task !== null ? String(ctx.task.tgid) : -ENOENT));
    this.fixed.set('thread-self', new SynthLinkInode(sb, next(),
      (ctx) => ctx.task !== null ? `${ctx.task.tgid}/task/${ctx.task.tid}` : -ENOENT));
    const file = (name: string, gen: ProcGen): void => {
      this.fixed.set(name, new ProcFileInode(sb, next(), 0o444, gen));
    };
    const needKernel = (f: (t: Task) => string): ProcGen => (t) => (t === null ? -ENOENT : f(t));
    file('cpuinfo', () => cpuinfoText());
    file('meminfo', needKernel((t) => meminfoText(t.kernel)));
    file('uptime', needKernel((t) => uptimeText(t.kernel)));
    file('loadavg', needKernel((t) => loadavgText(t.kernel)));
    file('stat', needKernel((t) => statText(t.kernel)));
    file('version', () => versionText());
    file('filesystems', () => filesystemsText());
    this.fixed.set('mounts', new SynthLinkInode(sb, next(), () => 'self/mounts'));
    this.fixed.set('sys', makeProcSys(sb, next));
  }

  override entries(t: Task | null): DirEnt[] {
    const out: DirEnt[] = [];
    for (const [name, i] of this.fixed) out.push({ name, ino: i.ino, mode: i.mode });
    if (t !== null) {
      const groups = (t.kernel as { groups?: Map<number, ThreadGroup> }).groups ?? new Map([[t.tgid, t.group]]);
      const pids = [...groups.values()].filter((g) => g.state !== GROUP_DEAD).map((g) => g.tgid)
        .sort((a, b) => a - b);
      for (const pid of pids) out.push({ name: String(pid), ino: pidDirIno(pid), mode: S_IFDIR | 0o555 });
    }
    return out;
  }

  override lookup(ctx: VfsCtx, name: string): Inode | number {
    const f = this.fixed.get(name);
    if (f !== undefined) return f;
    if (ctx.task === null || !/^[1-9][0-9]{0,9}$/.test(name)) return -ENOENT;
    const id = Number(name);
    return lookupPid(this.sb, ctx.task, id) ?? -ENOENT;
  }
}

/** Builds /proc's root directory. */
export function makeProcfs(): Inode {
  return new ProcRootInode(new Superblock('proc', allocAnonDev(), allocMntId(), false, PROC_SUPER_MAGIC,
    ST_NOSUID | ST_NODEV | ST_NOEXEC));
}
