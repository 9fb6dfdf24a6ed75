// The system-wide files at the top of /proc, in Linux's formats: cpuinfo,
// meminfo, uptime, loadavg, stat, version, filesystems. They tell the
// sandbox's truth: one CPU, the memory cap as total memory and the sandbox's
// use of it, the sandbox's processes.
import * as fs from 'fs';
import type { Kernel } from '../kernel';
import { TASK_BLOCKED, TASK_RUNNABLE } from '../task';
import { UTS_RELEASE, UTS_VERSION } from '../syscalls/info';
import { monotonicNs } from '../timers';
import { pad } from './procfs_file';

const USER_HZ = 100;
/** The sandbox's CPUs (sched_getaffinity, sysinfo and sysfs say the same). */
export const SANDBOX_CPUS = 1;

let hostCpu: string | null = null;

/**
 * /proc/cpuinfo: the host's first processor block (the same CPU model, flags and speed the
 * guest's CPUID shows), as the only processor of a one-CPU machine.
 */
export function cpuinfoText(): string {
  if (hostCpu === null) {
    let block = '';
    try {
      block = fs.readFileSync('/proc/cpuinfo', 'latin1').split('\n\n')[0] ?? '';
    } catch {
      block = 'processor\t: 0\nvendor_id\t: unknown';
    }
    const set = (text: string, key: string, value: string): string =>
      text.replace(new RegExp(`^(${key}\\s*: ).*$`, 'm'), `$1${value}`);
    block = set(block, 'processor', '0');
    block = set(block, 'physical id', '0');
    block = set(block, 'siblings', String(SANDBOX_CPUS));
    block = set(block, 'core id', '0');
    block = set(block, 'cpu cores', String(SANDBOX_CPUS));
    block = set(block, 'apicid', '0');
    block = set(block, 'initial apicid', '0');
    hostCpu = block.replace(/\n*$/, '\n\n');
  }
  return hostCpu;
}

/** /proc/meminfo: MemTotal is the sandbox's memory cap, MemFree what is not in use. */
export function meminfoText(k: Kernel): string {
  const total = Math.floor(k.mem.size / 1024), used = Math.floor(k.mem.used / 1024);
  const free = Math.max(0, total - used);
  const line = (name: string, kb: number, unit = true): string =>
    `${(name + ':').padEnd(16)}${pad(kb, 8)}${unit ? ' kB' : ''}\n`;
  let anon = 0;
  const seen = new Set<object>();
  for (const t of k.tasks.values()) {
    if (seen.has(t.mm)) continue;
    seen.add(t.mm);
    anon += t.mm.residentBytes();
  }
  anon = Math.min(Math.floor(anon / 1024), used);
  return line('MemTotal', total) + line('MemFree', free) + line('MemAvailable', free) + line('Buffers', 0) +
    line('Cached', 0) + line('SwapCached', 0) + line('Active', anon) + line('Inactive', 0) +
    line('Active(anon)', anon) + line('Inactive(anon)', 0) + line('Active(file)', 0) + line('Inactive(file)', 0) +
    line('Unevictable', 0) + line('Mlocked', 0) + line('SwapTotal', 0) + line('SwapFree', 0) + line('Zswap', 0) +
    line('Zswapped', 0) + line('Dirty', 0) + line('Writeback', 0) + line('AnonPages', anon) + line('Mapped', 0) +
    line('Shmem', 0) + line('KReclaimable', 0) + line('Slab', 0) + line('SReclaimable', 0) + line('SUnreclaim', 0) +
    line('KernelStack', 0) + line('PageTables', 0) + line('SecPageTables', 0) + line('NFS_Unstable', 0) +
    line('Bounce', 0) + line('WritebackTmp', 0) + line('CommitLimit', total) + line('Committed_AS', used) +
    line('VmallocTotal', 34359738367) + line('VmallocUsed', 0) + line('VmallocChunk', 0) + line('Percpu', 0) +
    line('AnonHugePages', 0) + line('ShmemHugePages', 0) + line('ShmemPmdMapped', 0) + line('FileHugePages', 0) +
    line('FilePmdMapped', 0) + line('Balloon', 0) + line('HugePages_Total', 0, false) + line('HugePages_Free', 0, false) +
    line('HugePages_Rsvd', 0, false) + line('HugePages_Surp', 0, false) + line('Hugepagesize', 2048) +
    line('Hugetlb', 0) + line('DirectMap4k', 0) + line('DirectMap2M', total) + line('DirectMap1G', 0);
}

/** CPU time the sandbox's processes used, in ns: [user, system]. Every process's own (live or
 *  zombie), plus what reaped ones left in their parent's children counters. */
function busyNs(k: Kernel): [number, number] {
  let u = 0, s = 0;
  for (const g of k.groups.values()) { u += g.userNs + g.childUserNs; s += g.sysNs + g.childSysNs; }
  return [u, s];
}

function twoDecimals(ns: number): string {
  const cs = Math.floor(ns / 1e7);
  return `${Math.floor(cs / 100)}.${String(cs % 100).padStart(2, '0')}`;
}

/** /proc/uptime: seconds since boot (the guest's CLOCK_MONOTONIC, as sysinfo) and idle time. */
export function uptimeText(k: Kernel): string {
  const up = monotonicNs();
  const [u, s] = busyNs(k);
  return `${twoDecimals(up)} ${twoDecimals(Math.max(0, up * SANDBOX_CPUS - u - s))}\n`;
}

/** The last pid handed out (the kernel's counter). */
function lastPid(k: Kernel): number {
  const n = (k as unknown as { nextTid?: number }).nextTid;
  return typeof n === 'number' ? n - 1 : Math.max(0, ...k.tasks.keys());
}

/** /proc/loadavg: load averages (not sampled: 0.00), runnable/total tasks, the last pid. */
export function loadavgText(k: Kernel): string {
  let running = 0;
  for (const t of k.tasks.values()) if (t.state === TASK_RUNNABLE) running++;
  return `0.00 0.00 0.00 ${running}/${k.tasks.size} ${lastPid(k)}\n`;
}

/** /proc/stat: CPU times in USER_HZ ticks, boot time, process counts. */
export function statText(k: Kernel): string {
  const up = monotonicNs();
  const [u, s] = busyNs(k);
  const ticks = (ns: number): number => Math.floor(ns / (1e9 / USER_HZ));
  const idle = ticks(Math.max(0, up * SANDBOX_CPUS - u - s));
  const cpu = `${ticks(u)} 0 ${ticks(s)} ${idle} 0 0 0 0 0 0`;
  let out = `cpu  ${cpu}\n`;
  for (let i = 0; i < SANDBOX_CPUS; i++) out += `cpu${i} ${cpu}\n`;
  let running = 0, blocked = 0;
  for (const t of k.tasks.values()) {
    if (t.state === TASK_RUNNABLE) running++;
    else if (t.state === TASK_BLOCKED && t.hostWait) blocked++;
  }
  const btime = Math.floor((Date.now() * 1e6 - up) / 1e9);
  out += 'intr 0\nctxt 0\n';
  out += `btime ${btime}\nprocesses ${lastPid(k)}\nprocs_running ${running}\nprocs_blocked ${blocked}\n`;
  out += 'softirq 0 0 0 0 0 0 0 0 0 0 0\n';
  return out;
}

/** /proc/version (linux_proc_banner). */
export function versionText(): string {
  return `Linux version ${UTS_RELEASE} (tsvisor@tsvisor) (tsvisor) ${UTS_VERSION}\n`;
}

/** /proc/filesystems: the file-system types tsvisor has. */
export function filesystemsText(): string {
  const nodev = ['sysfs', 'tmpfs', 'proc', 'devtmpfs', 'sockfs', 'pipefs', 'devpts', 'overlay'];
  return nodev.map((n) => `nodev\t${n}\n`).join('');
}
