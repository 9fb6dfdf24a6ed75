// Advisory file locks (fs/locks.c): flock(2) locks, owned by an open file
// description; POSIX record locks (fcntl F_SETLK), owned by a process and
// dropped when it closes any fd of the file; and OFD record locks (F_OFD_*),
// owned by an open file description. Locks are kept per file, by (st_dev,
// st_ino), so every name and every open of a file (overlay copies included:
// they keep the inode number) meets the same locks. Waiters park on the
// file's queue and try again when any lock of the file goes or changes.
import { WaitQueue } from '../wait';
import type { FileDescription } from './file';
import type { Inode } from './inode';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

/** One record lock over [start, end] (end Infinity: to the end of the file, whatever it becomes). */
export interface RecordLock {
  /** The process (POSIX locks: its thread group object) or the open file description (OFD). */
  readonly owner: object;
  readonly ofd: boolean;
  /** What F_GETLK reports (the owner's pid; -1 for OFD locks). */
  readonly pid: number;
  type: number;
  start: number;
  end: number;
}

export class FileLocks {
  /** flock holders: the description and LOCK_SH (1) or LOCK_EX (2). */
  readonly flocks = new Map<FileDescription, number>();
  records: RecordLock[] = [];
  readonly waiters = new WaitQueue();
  get empty(): boolean { return this.flocks.size === 0 && this.records.length === 0; }
}

const table = new Map<string, FileLocks>();

function key(i: Inode): string { return `${i.sb.dev}:${i.ino}`; }

export function locksOf(i: Inode, create: boolean): FileLocks | null {
  const k = key(i);
  let l = table.get(k);
  if (l === undefined && create) { l = new FileLocks(); table.set(k, l); }
  return l ?? null;
}

function drop(i: Inode, l: FileLocks): void {
  l.waiters.wakeAll();
  if (l.empty) table.delete(key(i));
}

// ---- flock

export const LOCK_SH = 1, LOCK_EX = 2;

/** Takes (or converts to) a flock lock: 0, or false-y -1 when another description conflicts. */
export function flockTry(i: Inode, f: FileDescription, type: number): boolean {
  const l = locksOf(i, true)!;
  for (const [o, t] of l.flocks) {
    if (o === f) continue;
    if (type === LOCK_EX || t === LOCK_EX) return false;
  }
  l.flocks.set(f, type);
  return true;
}

/** Drops f's flock lock (LOCK_UN, or a conversion that has to wait: Linux drops the old lock
 *  before it waits). */
export function flockRelease(i: Inode, f: FileDescription): void {
  const l = locksOf(i, false);
  if (l === null || !l.flocks.delete(f)) return;
  drop(i, l);
}

// ---- record locks

function overlaps(a: RecordLock, start: number, end: number): boolean { return a.start <= end && start <= a.end; }

/** The first lock of another owner that conflicts with (type, start, end), or null. */
export function recordConflict(i: Inode, owner: object, type: number, start: number, end: number): RecordLock | null {
  const l = locksOf(i, false);
  if (l === null) return null;
  for (const r of l.records) {
    if (r.owner === owner || !overlaps(r, start, end)) continue;
    if (type === F_WRLCK || r.type === F_WRLCK) return r;
  }
  return null;
}

/** Sets the owner's lock state over [start, end] to type (F_UNLCK removes): splits and merges
 *  the owner's locks as Linux's posix_lock_inode does. The caller checked conflicts. */
export function recordSet(i: Inode, owner: object, ofd: boolean, pid: number, type: number, start: number, end: number): void {
  const l = locksOf(i, type !== F_UNLCK);
  if (l === null) return;
  const out: RecordLock[] = [];
  let nStart = start, nEnd = end;
  for (const r of l.records) {
    if (r.owner !== owner) { out.push(r); continue; }
    // Same-type neighbours (adjacent or overlapping) merge into the new lock.
    if (type !== F_UNLCK && r.type === type && r.start <= (nEnd === Infinity ? Infinity : nEnd + 1) &&
        nStart <= (r.end === Infinity ? Infinity : r.end + 1)) {
      nStart = Math.min(nStart, r.start);
      nEnd = Math.max(nEnd, r.end);
      continue;
    }
    if (!overlaps(r, start, end)) { out.push(r); continue; }
    // The part before and the part after the new range stay.
    if (r.start < start) out.push({ ...r, end: start - 1 });
    if (r.end > end) out.push({ ...r, start: end + 1 });
  }
  if (type !== F_UNLCK) out.push({ owner, ofd, pid, type, start: nStart, end: nEnd });
  out.sort((a, b) => a.start - b.start);
  l.records = out;
  drop(i, l);
}

/** A process closed an fd of the file: its POSIX locks on it go (Linux's locks_remove_posix). */
export function recordReleaseOwner(i: Inode, owner: object): void {
  const l = locksOf(i, false);
  if (l === null) return;
  const before = l.records.length;
  l.records = l.records.filter((r) => r.owner !== owner);
  if (l.records.length !== before) drop(i, l);
}

/** The last reference to an open file description went: its flock and OFD locks go. */
export function releaseDescription(i: Inode, f: FileDescription): void {
  const l = locksOf(i, false);
  if (l === null) return;
  const had = l.flocks.delete(f);
  const before = l.records.length;
  l.records = l.records.filter((r) => r.owner !== f);
  if (had || l.records.length !== before) drop(i, l);
}

/** True when any lock is held on the file (cheap check on close). */
export function hasLocks(i: Inode): boolean { return table.size > 0 && table.has(key(i)); }
