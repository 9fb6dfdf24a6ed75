// sysfs, the minimal part programs read: /sys/devices/system/cpu/{online,
// possible,present,offline,kernel_max} and a cpuN directory per CPU, from the
// sandbox's CPU count (one CPU: sched_getaffinity, sysinfo and /proc/cpuinfo
// say the same), and the empty /sys/fs/cgroup a container's cgroup mount uses. Mounted read-only at /sys. Attribute files show st_size 4096,
// as sysfs does.
import { SYSFS_MAGIC, ST_NODEV, ST_NOEXEC, ST_NOSUID } from '../abi/statfs';
import { allocAnonDev, allocMntId, Superblock } from './inode';
import { ProcFileInode } from './procfs_file';
import { SANDBOX_CPUS } from './procfs_system';
import { StaticDirInode } from './synthetic';

/** A CPU list as sysfs prints it ("0", "0-3"). */
export function cpuList(n: number): string { return n <= 1 ? '0' : `0-${n - 1}`; }

/** Builds the root of /sys. */
export function makeSysfs(): StaticDirInode {
  const sb = new Superblock('sysfs', allocAnonDev(), allocMntId(), true, SYSFS_MAGIC, ST_NOSUID | ST_NODEV | ST_NOEXEC);
  let ino = 1;
  const dir = (): StaticDirInode => new StaticDirInode(sb, ino++, 0o755);
  const attr = (text: string): ProcFileInode => new ProcFileInode(sb, ino++, 0o444, () => text, { size: 4096 });
  const root = dir();
  const devices = dir(), system = dir(), cpu = dir();
  root.add('devices', devices);
  devices.add('system', system);
  system.add('cpu', cpu);
  for (let i = 0; i < SANDBOX_CPUS; i++) cpu.add(`cpu${i}`, dir());
  const all = `${cpuList(SANDBOX_CPUS)}\n`;
  cpu.add('online', attr(all));
  cpu.add('possible', attr(all));
  cpu.add('present', attr(all));
  cpu.add('offline', attr('\n'));
  cpu.add('kernel_max', attr('8191\n'));
  // /sys/fs/cgroup: where a container's cgroup file system is mounted (cgroupfs.ts).
  const fs = dir();
  root.add('fs', fs);
  fs.add('cgroup', dir());
  return root;
}
