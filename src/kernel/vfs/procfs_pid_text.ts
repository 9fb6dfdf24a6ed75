// The text of /proc/<pid>/ files, in Linux's formats (fs/proc/array.c,
// fs/proc/task_mmu.c, fs/proc/base.c): stat, statm, status, maps, smaps,
// limits, fdinfo. Numbers tsvisor does not track (page-fault counts, context
// switches) are 0; everything else comes from the task, its thread group and
// its address space.
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../platform/platform';
import { devMajor, devMinor } from '../abi/stat';
import { SIG_DFL, SIG_IGN } from '../abi/sigframe';
import { PAGE_SIZE } from '../mm/memory_file';
import type { MM } from '../mm/mm';
import { MAP_GROWSDOWN, MAP_TYPE, MAP_SHARED, type Vma } from '../mm/vma';
import { RLIMIT_RSS, RLIMIT_SIGPENDING, RLIM_NLIMITS } from '../limits';
import { TASK_BLOCKED, TASK_EXITED, TASK_RUNNABLE, TASK_STOPPED, type Task } from '../task';
import { GROUP_LIVE, type ThreadGroup } from '../thread_group';
import { cttyOf } from '../tty/ctty';
import { ADDR_NO_RANDOMIZE } from '../loader';
import { pad } from './procfs_file';

/** USER_HZ: the clock ticks /proc counts in. */
const USER_HZ = 100;
const U64_MAX = '18446744073709551615';
/** The sandbox's tasks all run on CPU 0 (sched_getaffinity shows one CPU). */
const NR_CPUS = 1;

/** What a /proc/<pid> (or /proc/<pid>/task/<tid>) directory describes. `task` is the thread
 *  shown (the group's leader for a process directory), null once every thread has exited
 *  (a zombie). */
export interface ProcTarget {
  readonly group: ThreadGroup;
  readonly task: Task | null;
  /** The id the directory is named by. */
  readonly id: number;
  /** A /proc/<pid>/task/<tid> directory: per-thread numbers instead of the group's. */
  readonly thread: boolean;
}

/** A live task of the target (the one named, else any thread of the group), or null. */
export function liveTask(p: ProcTarget): Task | null {
  const t = p.task;
  if (t !== null && t.state !== TASK_EXITED) return t;
  if (p.thread) return null;
  return p.group.leader ?? null;
}

function ticks(ns: number): number { return Math.floor(ns / (1e9 / USER_HZ)); }

/** The state letter and word of fs/proc/array.c's task_state_array. */
function stateOf(p: ProcTarget): [string, string] {
  if (p.group.state !== GROUP_LIVE) return ['Z', 'zombie'];
  const t = liveTask(p);
  if (t === null) return ['Z', 'zombie'];
  if (t.state === TASK_STOPPED || p.group.stopped) return ['T', 'stopped'];
  if (t.state === TASK_BLOCKED) return ['S', 'sleeping'];
  return ['R', 'running'];
}

/** CPU time: the thread's own in a task/<tid> directory, else the process's (every thread,
 *  live or exited: the group's counters). */
function cpuNs(p: ProcTarget): [number, number] {
  if (!p.thread) return [p.group.userNs, p.group.sysNs];
  const t = liveTask(p);
  return t === null ? [0, 0] : [t.userNs, t.sysNs];
}

/** A 64-bit signal mask as two 32-bit halves, as 16 hex digits. */
function hex64(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Ignored and caught signals of a process, as two (lo, hi) masks. */
function dispositions(t: Task): [number, number, number, number] {
  let ignLo = 0, ignHi = 0, catLo = 0, catHi = 0;
  const acts = t.sighand.actions;
  for (let sig = 1; sig <= 64; sig++) {
    const h = acts[sig]!.handler;
    if (h === SIG_DFL) continue;
    if (sig <= 32) {
      const bit = 1 << (sig - 1);
      if (h === SIG_IGN) ignLo |= bit; else catLo |= bit;
    } else {
      const bit = 1 << (sig - 33);
      if (h === SIG_IGN) ignHi |= bit; else catHi |= bit;
    }
  }
  return [ignLo >>> 0, ignHi >>> 0, catLo >>> 0, catHi >>> 0];
}

/** Memory numbers of an address space, in pages (task_mem / task_statm). */
interface MemStats {
  total: number; rss: number; anon: number; file: number; shmem: number; data: number; stack: number;
  exec: number; lib: number; text: number;
}

const counts = { pages: 0, shared: 0 };

function memStats(mm: MM): MemStats {
  const s: MemStats = { total: 0, rss: 0, anon: 0, file: 0, shmem: 0, data: 0, stack: 0, exec: 0, lib: 0, text: 0 };
  for (const v of mm.vmas) {
    const pages = (v.end - v.start) / PAGE_SIZE;
    s.total += pages;
    mm.residentIn(v.start, v.end, counts);
    s.rss += counts.pages;
    const shared = (v.flags & MAP_TYPE) === MAP_SHARED;
    if (shared && v.file === null) s.shmem += counts.pages;
    else if (v.file !== null && !v.name.startsWith('[')) s.file += counts.pages;
    else s.anon += counts.pages;
    // Linux's accounting classes (is_exec_mapping, is_stack_mapping, is_data_mapping).
    if ((v.prot & (PROT_WRITE | PROT_EXEC)) === PROT_EXEC && !shared) s.exec += pages;
    else if (v.flags & MAP_GROWSDOWN) s.stack += pages;
    else if ((v.prot & PROT_WRITE) !== 0 && !shared) s.data += pages;
  }
  const textBytes = Math.ceil(mm.endCode / PAGE_SIZE) * PAGE_SIZE - Math.floor(mm.startCode / PAGE_SIZE) * PAGE_SIZE;
  s.text = Math.max(0, textBytes / PAGE_SIZE);
  const execKb = s.exec;
  s.lib = Math.max(0, execKb - s.text);
  return s;
}

const kb = (pages: number): number => pages * (PAGE_SIZE / 1024);

/** The PF_* flags stat shows: PF_RANDOMIZE when exec randomised the address space (ASLR on and
 *  no ADDR_NO_RANDOMIZE), PF_FORKNOEXEC for a forked process that has not exec'd. */
function taskFlags(t: Task | null, g: ThreadGroup): number {
  if (t === null) return 0;
  const randomize = t.kernel.aslr && (t.personality & ADDR_NO_RANDOMIZE) === 0;
  return (randomize ? 0x400000 : 0) | (!g.execed && g.tgid !== 1 ? 0x40 : 0);
}

/** /proc/<pid>/stat: 52 fields (do_task_stat). */
export function statText(p: ProcTarget): string {
  const g = p.group, t = liveTask(p);
  const mm = t?.mm ?? null;
  const [state] = stateOf(p);
  const tty = cttyOf(g);
  const [u, s] = cpuNs(p);
  const ms = mm !== null ? memStats(mm) : null;
  const zombie = g.state !== GROUP_LIVE || t === null;
  const comm = t?.comm ?? g.lastTask?.comm ?? '';
  const rsslim = g.limits.soft[RLIMIT_RSS]!;
  let sigLo = 0, blkLo = 0, ign = [0, 0, 0, 0];
  if (t !== null) {
    sigLo = (t.pending.lo | (p.thread ? 0 : g.pending.lo)) & 0x7fffffff;
    blkLo = t.sigMaskLo & 0x7fffffff;
    ign = dispositions(t);
  }
  const f = [
    p.id, `(${comm})`, state, g.parent?.tgid ?? 0, g.pgid, g.sid,
    tty !== null ? tty.rdev : 0, tty !== null ? tty.fgPgrp : -1,
    taskFlags(t, g),
    0, 0, 0, 0,                                                       // minflt cminflt majflt cmajflt
    ticks(u), ticks(s), p.thread ? 0 : ticks(g.childUserNs), p.thread ? 0 : ticks(g.childSysNs),
    20 + (t?.nice ?? 0), t?.nice ?? 0, zombie ? 1 : g.tasks.size, 0,
    ticks(g.startNs),
    ms !== null ? ms.total * PAGE_SIZE : 0, ms !== null ? ms.rss : 0,
    rsslim === Infinity ? U64_MAX : rsslim,
    mm !== null ? mm.startCode : zombie ? 0 : 1, mm !== null ? mm.endCode : zombie ? 0 : 1, mm?.startStack ?? 0,
    0, 0,                                                             // kstkesp kstkeip
    sigLo, blkLo, ign[0]! & 0x7fffffff, ign[2]! & 0x7fffffff,
    // wchan: 1 while a single-threaded process (or the thread) sleeps in the kernel.
    t !== null && (p.thread || g.tasks.size < 2) && t.state !== TASK_RUNNABLE ? 1 : 0,
    0, 0,                                                             // nswap cnswap
    g.exitSignal, 0, t?.schedPriority ?? 0, t?.schedPolicy ?? 0, 0, 0, 0,
    mm?.startData ?? 0, mm?.endData ?? 0, mm?.brkStart ?? 0, mm?.argStart ?? 0, mm?.argEnd ?? 0,
    mm?.envStart ?? 0, mm?.envEnd ?? 0,
    zombie ? g.exitStatus : 0,
  ];
  return f.join(' ') + '\n';
}

/** /proc/<pid>/statm: size resident shared text lib data dt, in pages. */
export function statmText(p: ProcTarget): string {
  const t = liveTask(p);
  if (t === null) return '0 0 0 0 0 0 0\n';
  const s = memStats(t.mm);
  return `${s.total} ${s.rss} ${s.file + s.shmem} ${s.text} 0 ${s.data + s.stack} 0\n`;
}

/** The fd table's size as FDSize shows it (max_fds: 64, then grown as expand_fdtable does). */
function fdSize(n: number): number {
  if (n <= 64) return 64;
  let k = Math.floor(n / 128) + 1;
  let pow = 1;
  while (pow < k) pow *= 2;
  k = pow;
  return k * 128;
}

/** comm as status shows it: escapes \n and \\ (seq_escape with "\n\\"). */
function escapeComm(c: string): string { return c.replace(/\\/g, '\\\\').replace(/\n/g, '\\n'); }

/** /proc/<pid>/status (proc_pid_status), fields in Linux's order. */
export function statusText(p: ProcTarget): string {
  const g = p.group, t = liveTask(p);
  const [letter, word] = stateOf(p);
  const comm = t?.comm ?? g.lastTask?.comm ?? '';
  const c = t?.creds ?? g.lastTask?.creds ?? null;
  const L: string[] = [];
  L.push(`Name:\t${escapeComm(comm)}`);
  if (t !== null) L.push(`Umask:\t${t.fs.umask.toString(8).padStart(4, '0')}`);
  const tid = p.thread ? p.id : g.tgid;
  L.push(`State:\t${letter} (${word})`, `Tgid:\t${g.tgid}`, 'Ngid:\t0', `Pid:\t${tid}`, `PPid:\t${g.parent?.tgid ?? 0}`,
    'TracerPid:\t0');
  L.push(`Uid:\t${c?.uid ?? 0}\t${c?.euid ?? 0}\t${c?.suid ?? 0}\t${c?.fsuid ?? 0}`);
  L.push(`Gid:\t${c?.gid ?? 0}\t${c?.egid ?? 0}\t${c?.sgid ?? 0}\t${c?.fsgid ?? 0}`);
  L.push(`FDSize:\t${t !== null ? fdSize(t.files.size) : 0}`);
  L.push(`Groups:\t${(c?.groups ?? []).join(' ')} `);
  L.push(`NStgid:\t${g.tgid}`, `NSpid:\t${tid}`, `NSpgid:\t${g.pgid}`, `NSsid:\t${g.sid}`, 'Kthread:\t0');
  if (t !== null) {
    const s = memStats(t.mm);
    const v = (name: string, pages: number): string => `${name}:\t${pad(kb(pages), 8)} kB`;
    L.push(v('VmPeak', s.total), v('VmSize', s.total), v('VmLck', 0), v('VmPin', 0), v('VmHWM', s.rss),
      v('VmRSS', s.rss), v('RssAnon', s.anon), v('RssFile', s.file), v('RssShmem', s.shmem), v('VmData', s.data),
      v('VmStk', s.stack), v('VmExe', s.text), v('VmLib', s.lib), v('VmPTE', 0), v('VmSwap', 0),
      v('HugetlbPages', 0));
    L.push('CoreDumping:\t0', 'THP_enabled:\t1', 'untag_mask:\t0xffffffffffffffff');
  }
  L.push(`Threads:\t${t !== null ? g.tasks.size : 1}`);
  const queued = (t?.pending.infos.length ?? 0) + g.pending.infos.length;
  L.push(`SigQ:\t${queued}/${g.limits.soft[RLIMIT_SIGPENDING]}`);
  if (t !== null) {
    const [ignLo, ignHi, catLo, catHi] = dispositions(t);
    L.push(`SigPnd:\t${hex64(t.pending.lo, t.pending.hi)}`, `ShdPnd:\t${hex64(g.pending.lo, g.pending.hi)}`,
      `SigBlk:\t${hex64(t.sigMaskLo, t.sigMaskHi)}`, `SigIgn:\t${hex64(ignLo, ignHi)}`,
      `SigCgt:\t${hex64(catLo, catHi)}`);
  } else {
    for (const n of ['SigPnd', 'ShdPnd', 'SigBlk', 'SigIgn', 'SigCgt']) L.push(`${n}:\t0000000000000000`);
  }
  const cr = c as (null | { capInhLo?: number; capInhHi?: number; capPrmLo?: number; capPrmHi?: number;
    capEffLo?: number; capEffHi?: number; capBndLo?: number; capBndHi?: number; capAmbLo?: number; capAmbHi?: number });
  const cap = (lo: number | undefined, hi: number | undefined): string => hex64(lo ?? 0, hi ?? 0);
  L.push(`CapInh:\t${cap(cr?.capInhLo, cr?.capInhHi)}`, `CapPrm:\t${cap(cr?.capPrmLo, cr?.capPrmHi)}`,
    `CapEff:\t${cap(cr?.capEffLo, cr?.capEffHi)}`, `CapBnd:\t${cap(cr?.capBndLo, cr?.capBndHi)}`,
    `CapAmb:\t${cap(cr?.capAmbLo, cr?.capAmbHi)}`);
  L.push(`NoNewPrivs:\t${t?.noNewPrivs ? 1 : 0}`, `Seccomp:\t${t?.seccompMode ?? 0}`,
    `Seccomp_filters:\t${t?.seccompFilter?.count ?? 0}`,
    'Speculation_Store_Bypass:\tvulnerable', 'SpeculationIndirectBranch:\talways enabled');
  L.push(`Cpus_allowed:\t${((1 << NR_CPUS) - 1).toString(16)}`, `Cpus_allowed_list:\t${NR_CPUS > 1 ? `0-${NR_CPUS - 1}` : '0'}`);
  L.push(`Mems_allowed:\t${Array(31).fill('00000000').join(',')},00000001`, 'Mems_allowed_list:\t0');
  L.push('voluntary_ctxt_switches:\t0', 'nonvoluntary_ctxt_switches:\t0');
  return L.join('\n') + '\n';
}

/** The name a mapping shows, and whether it is a kernel-provided area (no file identity). */
function special(v: Vma): boolean { return v.name.startsWith('['); }

function hexw(v: number, w: number): string { return v.toString(16).padStart(w, '0'); }

/** One maps line (show_map_vma): the name is padded to column 73. */
function mapsLine(start: number, end: number, perms: string, pgoff: number, dev: number, ino: number, name: string): string {
  let s = `${hexw(start, 8)}-${hexw(end, 8)} ${perms} ${hexw(pgoff, 8)} ${hexw(devMajor(dev), 2)}:${hexw(devMinor(dev), 2)} ${ino} `;
  if (name !== '') s = s.padEnd(73, ' ') + name;
  return s + '\n';
}

function permsOf(v: Vma): string {
  return (v.prot & PROT_READ ? 'r' : '-') + (v.prot & PROT_WRITE ? 'w' : '-') + (v.prot & PROT_EXEC ? 'x' : '-') +
    ((v.flags & MAP_TYPE) === MAP_SHARED ? 's' : 'p');
}

function vmaFields(v: Vma): [number, number, number] {
  if (v.file === null || special(v)) return [0, 0, 0];
  return [v.fileOffset, v.file.dev, v.file.ino];
}

/** The legacy vsyscall page, emulated on its fault: Linux lists it as a gate area. */
const VSYSCALL_START = 0xffffffffff600000;

/** /proc/<pid>/maps. */
export function mapsText(p: ProcTarget): string {
  const t = liveTask(p);
  if (t === null) return '';
  let out = '';
  for (const v of t.mm.vmas) {
    const [off, dev, ino] = vmaFields(v);
    out += mapsLine(v.start, v.end, permsOf(v), off, dev, ino, v.name);
  }
  return out + mapsLine(VSYSCALL_START, VSYSCALL_START + PAGE_SIZE, '--xp', 0, 0, 0, '[vsyscall]');
}

/** VmFlags of smaps (show_smap_vma_flags), for the flags tsvisor's areas can have. */
function vmFlags(v: Vma): string {
  const shared = (v.flags & MAP_TYPE) === MAP_SHARED;
  const f: string[] = [];
  if (v.prot & PROT_READ) f.push('rd');
  if (v.prot & PROT_WRITE) f.push('wr');
  if (v.prot & PROT_EXEC) f.push('ex');
  if (shared && (v.prot & PROT_WRITE)) f.push('sh');
  f.push('mr');
  if (!shared || (v.prot & PROT_WRITE)) f.push('mw');
  f.push('me');
  if (shared) f.push('ms');
  if (v.flags & MAP_GROWSDOWN) f.push('gd');
  if (v.name === '[vvar]' || v.name === '[vdso]') f.push('de');
  if (!shared && (v.prot & PROT_WRITE)) f.push('ac');
  return f.join(' ') + ' ';
}

function smapsBody(sizePages: number, rss: number, shared: number, anon: boolean, flags: string): string {
  const line = (name: string, pages: number): string => `${(name + ':').padEnd(16, ' ')}${pad(kb(pages), 8)} kB\n`;
  const priv = rss - shared;
  // Dirty vs clean is not tracked: anonymous pages count as dirty, file pages as clean.
  return line('Size', sizePages) + 'KernelPageSize:        4 kB\nMMUPageSize:           4 kB\n' +
    line('Rss', rss) + `Pss:            ${pad(kb(priv) + Math.floor(kb(shared) / 2), 8)} kB\n` +
    line('Pss_Dirty', anon ? priv : 0) +
    line('Shared_Clean', anon ? 0 : shared) + line('Shared_Dirty', anon ? shared : 0) +
    line('Private_Clean', anon ? 0 : priv) + line('Private_Dirty', anon ? priv : 0) +
    line('Referenced', rss) + line('Anonymous', anon ? rss : 0) + line('KSM', 0) + line('LazyFree', 0) +
    line('AnonHugePages', 0) + line('ShmemPmdMapped', 0) + line('FilePmdMapped', 0) +
    line('Shared_Hugetlb', 0) + line('Private_Hugetlb', 0) + line('Swap', 0) + line('SwapPss', 0) +
    line('Locked', 0) + 'THPeligible:           0\n' + `VmFlags: ${flags}\n`;
}

/** /proc/<pid>/smaps: maps lines each followed by the area's memory numbers. */
export function smapsText(p: ProcTarget): string {
  const t = liveTask(p);
  if (t === null) return '';
  let out = '';
  for (const v of t.mm.vmas) {
    const [off, dev, ino] = vmaFields(v);
    out += mapsLine(v.start, v.end, permsOf(v), off, dev, ino, v.name);
    t.mm.residentIn(v.start, v.end, counts);
    out += smapsBody((v.end - v.start) / PAGE_SIZE, counts.pages, counts.shared, v.file === null, vmFlags(v));
  }
  out += mapsLine(VSYSCALL_START, VSYSCALL_START + PAGE_SIZE, '--xp', 0, 0, 0, '[vsyscall]');
  return out + smapsBody(1, 0, 0, false, 'ex ');
}

/** /proc/<pid>/limits (proc_pid_limits). */
const LIMIT_NAMES: [string, string][] = [
  ['Max cpu time', 'seconds'], ['Max file size', 'bytes'], ['Max data size', 'bytes'],
  ['Max stack size', 'bytes'], ['Max core file size', 'bytes'], ['Max resident set', 'bytes'],
  ['Max processes', 'processes'], ['Max open files', 'files'], ['Max locked memory', 'bytes'],
  ['Max address space', 'bytes'], ['Max file locks', 'locks'], ['Max pending signals', 'signals'],
  ['Max msgqueue size', 'bytes'], ['Max nice priority', ''], ['Max realtime priority', ''],
  ['Max realtime timeout', 'us'],
];

export function limitsText(g: ThreadGroup): string {
  let out = `${'Limit'.padEnd(26)}${'Soft Limit'.padEnd(21)}${'Hard Limit'.padEnd(21)}${'Units'.padEnd(10)}\n`;
  const val = (v: number): string => (v === Infinity ? 'unlimited' : String(v)).padEnd(21);
  for (let i = 0; i < RLIM_NLIMITS; i++) {
    const [name, unit] = LIMIT_NAMES[i]!;
    out += name.padEnd(26) + val(g.limits.soft[i]!) + val(g.limits.hard[i]!);
    out += unit !== '' ? unit.padEnd(10) + '\n' : '\n';
  }
  return out;
}
