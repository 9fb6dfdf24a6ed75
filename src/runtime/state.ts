// Container state under --root: one directory per container holding state.json
// (written atomically: a temp file then rename, so a crash never leaves a torn
// file) and the sandbox's control socket. The status a reader sees is checked
// against the host: a sandbox process that is gone (or whose pid was reused)
// means "stopped", whatever the file says.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { OciHooks } from './spec';

export type Status = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** What state.json holds. */
export interface StoredState {
  id: string;
  /** The sandbox's host pid (0 before it exists). */
  pid: number;
  /** Its start time (field 22 of /proc/PID/stat), to tell a reused pid from ours. */
  pidStart: number;
  status: Status;
  bundle: string;
  rootfs: string;
  /** RFC 3339, UTC, nanoseconds as Go prints them. */
  created: string;
  annotations: Record<string, string>;
  owner: string;
  /** The sandbox's exit status once it is known (stopped). */
  exitStatus?: number;
  /** config.json's hooks, kept for start (poststart) and delete (poststop). */
  hooks?: OciHooks;
}

/** runc's `state` output. */
export interface OciState {
  ociVersion: string;
  id: string;
  pid: number;
  status: Status;
  bundle: string;
  rootfs: string;
  created: string;
  annotations?: Record<string, string>;
  owner: string;
}

export const OCI_VERSION = '1.0.2';
export const DEFAULT_ROOT = '/run/tsvisor';
const ID_RE = /^[\w+.-]+$/;

export function validateId(id: string): void {
  if (!id) throw new Error('container id cannot be empty');
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new Error(`invalid container id format: ${id}`);
}

export function containerDir(root: string, id: string): string { return path.join(root, id); }
export function stateFile(root: string, id: string): string { return path.join(root, id, 'state.json'); }
export function controlSocket(root: string, id: string): string { return path.join(root, id, 'control.sock'); }

/** Writes a file atomically: a temp file in the same directory, then rename, so a reader or a
 *  crashed tsvisor never sees a torn file. No fsync (runc and runsc do none either): state lives
 *  under /run, which a host crash empties anyway, and each fsync cost a container start
 *  milliseconds (three per `run`). */
export function writeFileAtomic(file: string, data: string, mode = 0o644): void {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* gone */ }
    throw e;
  }
}

export function writeState(root: string, s: StoredState): void {
  writeFileAtomic(stateFile(root, s.id), JSON.stringify(s));
}

/** The stored state, or null when the container does not exist. */
export function readState(root: string, id: string): StoredState | null {
  let text: string;
  try {
    text = fs.readFileSync(stateFile(root, id), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
  return JSON.parse(text) as StoredState;
}

/** The start time of a host process (clock ticks since boot), or -1 when it does not exist.
 *  A zombie counts as gone: it will never run again. */
export function processStart(pid: number): number {
  if (!(pid > 0)) return -1;
  let stat: string;
  try { stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1'); } catch { return -1; }
  // comm may hold spaces and parentheses: the fields start after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (rest[0] === 'Z' || rest[0] === 'X') return -1;
  return Number(rest[19]);
}

/** The status after checking the host: the sandbox process must still be the one we started. */
export function liveStatus(s: StoredState): Status {
  if (s.status === 'stopped') return 'stopped';
  if (s.pid <= 0) return s.status;
  return processStart(s.pid) === s.pidStart ? s.status : 'stopped';
}

/** What `state` prints (pid 0 once stopped, as runc). */
export function ociState(s: StoredState): OciState {
  const status = liveStatus(s);
  const out: OciState = {
    ociVersion: OCI_VERSION, id: s.id, pid: status === 'stopped' ? 0 : s.pid, status,
    bundle: s.bundle, rootfs: s.rootfs, created: s.created, owner: s.owner,
  };
  if (Object.keys(s.annotations).length > 0) out.annotations = s.annotations;
  return out;
}

export function listIds(root: string): string[] {
  let names: string[];
  try { names = fs.readdirSync(root); } catch { return []; }
  return names.filter((n) => ID_RE.test(n) && fs.existsSync(stateFile(root, n))).sort();
}

/** RFC 3339 with nanoseconds, as Go's time.Time marshals (UTC). */
export function rfc3339Now(): string {
  const d = new Date();
  const ns = String(d.getUTCMilliseconds() * 1_000_000 + Number(process.hrtime.bigint() % 1_000_000n)).padStart(9, '0');
  return d.toISOString().replace(/\.\d{3}Z$/, `.${ns}Z`);
}

/** The owner runc reports: the user name of the state file's owner. */
export function ownerName(uid = process.getuid?.() ?? 0): string {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid) return f[0]!;
    }
  } catch { /* no passwd */ }
  return os.userInfo().username;
}

export function removeContainerDir(root: string, id: string): void {
  fs.rmSync(containerDir(root, id), { recursive: true, force: true });
}
