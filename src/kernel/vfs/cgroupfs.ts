// A read-only cgroup v2 file system describing the sandbox, as runsc serves
// one: the container is the root of its own cgroup hierarchy (/proc/self/cgroup
// says "0::/"), and its interface files show the OCI limits and the sandbox's
// use. Mounted at /sys/fs/cgroup when config.json asks for a cgroup or cgroup2
// mount (always read-only: opening a file for writing gives EROFS).
//
//   cgroup.controllers  "cpu memory pids"
//   cgroup.procs        the sandbox's processes, by the pids the guest sees
//   cgroup.threads      its threads
//   cgroup.type         "domain"
//   cgroup.subtree_control  (empty: no child cgroups)
//   cpu.max             "max 100000" (no CPU quota)
//   memory.max          the memory limit in bytes, or "max"
//   memory.current      the bytes of guest memory in use
//   pids.max            the task limit, or "max"
//   pids.current        the tasks (threads) there are
import { ST_NODEV, ST_NOEXEC, ST_NOSUID } from '../abi/statfs';
import { allocAnonDev, allocMntId, Superblock } from './inode';
import { ProcFileInode } from './procfs_file';
import { StaticDirInode } from './synthetic';

/** cgroup2's statfs magic (CGROUP2_SUPER_MAGIC). */
export const CGROUP2_SUPER_MAGIC = 0x63677270;

/** What the files show, read when a file is read (the runtime's `update` may change limits). */
export interface CgroupSource {
  /** The memory limit in bytes; undefined: none ("max"). */
  memoryMax(): number | undefined;
  memoryCurrent(): number;
  /** The task limit; undefined: none ("max"). */
  pidsMax(): number | undefined;
  pidsCurrent(): number;
  /** Live processes' pids, ascending. */
  procs(): number[];
  /** Live threads' ids, ascending. */
  threads(): number[];
}

const orMax = (v: number | undefined): string => `${v === undefined ? 'max' : v}\n`;
const lines = (xs: number[]): string => xs.map((x) => `${x}\n`).join('');

/** Builds the root directory of the cgroup file system. */
export function makeCgroupfs(src: CgroupSource): StaticDirInode {
  const sb = new Superblock('cgroup2', allocAnonDev(), allocMntId(), true, CGROUP2_SUPER_MAGIC, ST_NOSUID | ST_NODEV | ST_NOEXEC);
  let ino = 1;
  const root = new StaticDirInode(sb, ino++, 0o755);
  // Modes as in a container's cgroup: the files a cgroup's owner could write are 0644.
  const file = (name: string, perm: number, gen: () => string): void => {
    root.add(name, new ProcFileInode(sb, ino++, perm, gen, { uncached: false }));
  };
  file('cgroup.controllers', 0o444, () => 'cpu memory pids\n');
  file('cgroup.procs', 0o644, () => lines(src.procs()));
  file('cgroup.threads', 0o644, () => lines(src.threads()));
  file('cgroup.type', 0o644, () => 'domain\n');
  file('cgroup.subtree_control', 0o644, () => '');
  file('cpu.max', 0o644, () => 'max 100000\n');
  file('memory.max', 0o644, () => orMax(src.memoryMax()));
  file('memory.current', 0o444, () => `${src.memoryCurrent()}\n`);
  file('pids.max', 0o644, () => orMax(src.pidsMax()));
  file('pids.current', 0o444, () => `${src.pidsCurrent()}\n`);
  return root;
}
