// The OCI commands as runc runs them (create, start, state, kill, delete, exec,
// ps, pause, resume, update, list): each checks the container's state under
// --root, talks to its sandbox over the control socket, and throws an Error with
// runc's wording when it cannot (the CLI logs it and exits 1).
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { host } from '../native';
import { ControlClient } from './control';
import { openPty, sendConsole } from './console';
import { runHooks } from './hooks';
import { runExecProxy } from './exec_proxy';
import type { SandboxOptions } from './sandbox';
import { loadBundle, validateProcess, type OciProcess, type OciResources } from './spec';
import {
  containerDir, controlSocket, liveStatus, listIds, ociState, processStart, readState, removeContainerDir,
  validateId, writeFileAtomic, type OciState, type StoredState,
} from './state';
import type { RuntimeLog } from './log';

export interface GlobalOptions {
  root: string;
  log: RuntimeLog;
  platform: string;
  /** The script the detached children run (dist/src/cli/boot.js, which runs oci_child.js). */
  childEntry: string;
  /** The global flags as the children need them (log file and format, debug, platform). */
  childGlobals: ChildGlobals;
}

export interface ChildGlobals { root: string; log?: string; logFormat: 'json' | 'text'; debug: boolean; platform: string }

export class NotExist extends Error { constructor() { super('container does not exist'); } }

function load(g: GlobalOptions, id: string): StoredState {
  validateId(id);
  const s = readState(g.root, id);
  if (!s) throw new NotExist();
  return s;
}

function client(g: GlobalOptions, s: StoredState): ControlClient {
  return ControlClient.connect(controlSocket(g.root, s.id), s.pid);
}

/** Reads the child's first line on its ready pipe ("ok" or "error: ..."); "" at EOF. */
function readReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    const pipe = child.stdio[3] as NodeJS.ReadableStream | null;
    if (!pipe) { resolve(''); return; }
    let text = '';
    const done = () => { resolve(text.split('\n')[0] ?? ''); };
    pipe.on('data', (b: Buffer) => { text += b.toString(); if (text.includes('\n')) done(); });
    pipe.on('end', done);
    pipe.on('error', done);
    child.on('exit', () => setTimeout(done, 10));
  });
}

function spawnChild(g: GlobalOptions, mode: string, args: object, stdio: (number | 'inherit')[]): ChildProcess {
  return spawn(process.execPath, [g.childEntry, mode, JSON.stringify({ globals: g.childGlobals, ...args })], {
    // No Node warnings on the container's stderr.
    detached: true, stdio: [...stdio, 'pipe'] as ('inherit' | 'pipe' | number)[], env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
}

function killHost(pid: number, sig: NodeJS.Signals | number): void { try { process.kill(pid, sig); } catch { /* gone */ } }

/** Waits (at most timeoutMs) for a host process to be gone. */
function waitGone(pid: number, start: number, timeoutMs: number): boolean {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (processStart(pid) !== start) return true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  return processStart(pid) !== start;
}

export interface CreateOptions { bundle: string; pidFile?: string; consoleSocket?: string }

export async function create(g: GlobalOptions, id: string, o: CreateOptions): Promise<void> {
  validateId(id);
  const bundle = path.resolve(o.bundle);
  fs.mkdirSync(g.root, { recursive: true, mode: 0o711 });
  if (readState(g.root, id)) throw new Error(`container with id exists: ${id}`);
  const cfg = loadBundle(bundle);
  if (cfg.process.terminal && !o.consoleSocket) throw new Error('cannot allocate tty if runc will detach without setting console socket');
  if (!cfg.process.terminal && o.consoleSocket) throw new Error('cannot use console socket if runc will not detach or allocate tty');
  try { fs.mkdirSync(containerDir(g.root, id), { mode: 0o711 }); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const pty = cfg.process.terminal ? openPty(cfg.process.consoleSize) : null;
  let child: ChildProcess | null = null;
  try {
    child = spawnChild(g, 'sandbox', { root: g.root, id, bundle }, pty ? [pty.slave, pty.slave, pty.slave] : ['inherit', 'inherit', 'inherit']);
    const r = await readReady(child);
    if (r !== 'ok') throw new Error(r.startsWith('error: ') ? r.slice(7) : `the sandbox exited before it was ready (${r || 'no message'})`);
    if (pty) sendConsole(path.resolve(o.consoleSocket!), pty.master);
    const s = load(g, id);
    const st = ociState(s);
    runHooks('createRuntime', cfg.hooks.createRuntime, { ...st, status: 'creating' });
    runHooks('prestart', cfg.hooks.prestart, { ...st, status: 'creating' });
    if (o.pidFile) writeFileAtomic(path.resolve(o.pidFile), String(child.pid));
  } catch (e) {
    if (child?.pid) killHost(child.pid, 'SIGKILL');
    removeContainerDir(g.root, id);
    throw e;
  } finally {
    if (pty) { host.close(pty.master); host.close(pty.slave); }
    (child?.stdio[3] as { destroy?: () => void } | null)?.destroy?.();
    child?.unref();
  }
}

/** What the sandbox needs from the CLI layer (the platform constructors and CPU facts). */
export type SandboxFactories = Pick<SandboxOptions, 'makePlatform' | 'cpu'>;

/** A foreground `run`: this process is the sandbox (one process start instead of two); the
 *  container is deleted when it exits. Returns its exit status. */
export async function runForeground(g: GlobalOptions, id: string, o: CreateOptions, f: SandboxFactories): Promise<number> {
  validateId(id);
  const bundle = path.resolve(o.bundle);
  fs.mkdirSync(g.root, { recursive: true, mode: 0o711 });
  if (readState(g.root, id)) throw new Error(`container with id exists: ${id}`);
  const cfg = loadBundle(bundle);
  if (!cfg.process.terminal && o.consoleSocket) throw new Error('cannot use console socket if runc will not detach or allocate tty');
  try { fs.mkdirSync(containerDir(g.root, id), { mode: 0o711 }); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // A terminal without --console-socket is our own (as runc run in the foreground).
  const pty = cfg.process.terminal && o.consoleSocket ? openPty(cfg.process.consoleSize) : null;
  let failed = '';
  let status: number;
  // Loaded here: the other commands (create, start, state, delete, ...) need none of the kernel.
  const { runSandbox } = require('./sandbox') as typeof import('./sandbox');
  try {
    status = await runSandbox({
      root: g.root, id, bundle, platform: g.platform, log: g.log, ...f, autoStart: true,
      stdio: pty ? [pty.slave, pty.slave, pty.slave] : undefined,
      onReady: (msg) => {
        if (msg !== 'ok') { failed = msg.replace(/^error: /, ''); return; }
        if (pty) sendConsole(path.resolve(o.consoleSocket!), pty.master);
        if (o.pidFile) writeFileAtomic(path.resolve(o.pidFile), String(process.pid));
        const st = ociState(load(g, id));
        runHooks('createRuntime', cfg.hooks.createRuntime, { ...st, status: 'creating' });
        runHooks('prestart', cfg.hooks.prestart, { ...st, status: 'creating' });
      },
      onStarted: () => {
        try { runHooks('poststart', cfg.hooks.poststart, ociState(load(g, id))); } catch (e) { g.log.warn((e as Error).message); }
      },
    });
  } finally {
    if (pty) { host.close(pty.master); host.close(pty.slave); }
  }
  if (failed) { removeContainerDir(g.root, id); throw new Error(failed); }
  del(g, id, true);
  return status;
}

export function start(g: GlobalOptions, id: string): void {
  const s = load(g, id);
  const status = liveStatus(s);
  if (status === 'stopped') throw new Error('cannot start a container that has stopped');
  if (status !== 'created') throw new Error('cannot start an already running container');
  const c = client(g, s);
  try { c.call({ op: 'start' }); } finally { c.close(); }
  try {
    // The state as the start left it: a container as short as /bin/true may have ended (and
    // its sandbox exited) before this line, and the host check would say stopped.
    runHooks('poststart', s.hooks?.poststart, { ...ociState({ ...s, status: 'running' }), status: 'running', pid: s.pid });
  } catch (e) {
    g.log.warn((e as Error).message);
  }
}

export function state(g: GlobalOptions, id: string): OciState { return ociState(load(g, id)); }

export function kill(g: GlobalOptions, id: string, sig: number, all: boolean): void {
  const s = load(g, id);
  if (liveStatus(s) === 'stopped') throw new Error('container not running');
  // SIGKILL ends the whole pid namespace: ending the sandbox is the same, and needs no answer
  // from it (a guest blocked in a host read, or a wedged sandbox, cannot hold it up).
  if (sig === 9) { killHost(s.pid, 'SIGKILL'); return; }
  try {
    const c = client(g, s);
    try { c.call({ op: 'kill', signal: sig, all }); } finally { c.close(); }
  } catch (e) {
    if (liveStatus(s) === 'stopped') throw new Error('container not running');
    throw e;
  }
}

/** delete: a stopped or created container goes; a running one only with force (killed first).
 *  An unknown id with force is not an error (the shim deletes twice). */
export function del(g: GlobalOptions, id: string, force: boolean): void {
  validateId(id);
  const s = readState(g.root, id);
  if (!s) {
    // A directory without state (an aborted create) goes too.
    removeContainerDir(g.root, id);
    if (force) return;
    throw new NotExist();
  }
  const status = liveStatus(s);
  if ((status === 'running' || status === 'paused') && !force) throw new Error(`cannot delete container ${id} that is not stopped: ${status}`);
  if (status !== 'stopped' && s.pid !== process.pid) {
    killHost(s.pid, 'SIGKILL');
    if (!waitGone(s.pid, s.pidStart, 5000)) throw new Error(`container ${id}: the sandbox (pid ${s.pid}) did not exit after SIGKILL`);
  }
  removeContainerDir(g.root, id);
  try {
    runHooks('poststop', s.hooks?.poststop, ociState({ ...s, status: 'stopped' }));
  } catch (e) {
    g.log.warn((e as Error).message);
  }
}

export function simple(g: GlobalOptions, id: string, op: 'pause' | 'resume'): void {
  const s = load(g, id);
  const status = liveStatus(s);
  if (status === 'stopped' || status === 'created') throw new Error('container not running');
  if (op === 'pause' && status === 'paused') throw new Error('container already paused');
  if (op === 'resume' && status !== 'paused') throw new Error('container not paused');
  const c = client(g, s);
  try { c.call({ op }); } finally { c.close(); }
}

export function update(g: GlobalOptions, id: string, resources: OciResources): void {
  const s = load(g, id);
  if (liveStatus(s) === 'stopped') throw new Error('container not running');
  const c = client(g, s);
  try { c.call({ op: 'update', resources }); } finally { c.close(); }
}

/** Host pids of the container: the sandbox and its exec proxies. */
export function ps(g: GlobalOptions, id: string): number[] {
  const s = load(g, id);
  if (liveStatus(s) === 'stopped') return [];
  const c = client(g, s);
  try { return (c.call({ op: 'ps' }).pids as number[]) ?? []; } finally { c.close(); }
}

/** runc's `events --stats` record: memory (bytes in use and the cap) and pids (tasks and the cap). */
export function stats(g: GlobalOptions, id: string): object {
  const s = load(g, id);
  if (liveStatus(s) === 'stopped') throw new Error('container not running');
  const c = client(g, s);
  let r: Record<string, unknown>;
  try { r = c.call({ op: 'stats' }); } finally { c.close(); }
  return {
    type: 'stats', id,
    data: {
      memory: { usage: { usage: r.memoryUsage, limit: r.memoryLimit } },
      pids: { current: r.pids, limit: r.pidsLimit },
    },
  };
}

export function list(g: GlobalOptions): OciState[] {
  const out: OciState[] = [];
  for (const id of listIds(g.root)) {
    const s = readState(g.root, id);
    if (s) out.push(ociState(s));
  }
  return out;
}

export interface ExecOptions {
  processFile?: string;
  args: string[];
  detach: boolean;
  pidFile?: string;
  consoleSocket?: string;
  tty: boolean;
  cwd?: string;
  env: string[];
  user?: string;
  additionalGids: number[];
  noNewPrivs?: boolean;
}

/** The process an exec runs: --process, or the container's process with args and flags over it. */
export function execProcess(g: GlobalOptions, s: StoredState, o: ExecOptions): OciProcess {
  if (o.processFile) {
    const text = fs.readFileSync(o.processFile === '-' ? 0 : o.processFile, 'utf8');
    return validateProcess(JSON.parse(text), 'process');
  }
  if (o.args.length === 0) throw new Error('exec: args must not be empty');
  const base = loadBundle(s.bundle).process;
  const p: OciProcess = { ...base, args: o.args, terminal: o.tty, env: [...(base.env ?? []), ...o.env], cwd: o.cwd ?? base.cwd };
  if (o.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(o.user);
    if (!m) throw new Error(`exec: --user ${o.user}: only numeric uid[:gid] is supported`);
    p.user = { uid: Number(m[1]), gid: Number(m[2] ?? 0), additionalGids: o.additionalGids };
  } else if (o.additionalGids.length) p.user = { ...p.user, additionalGids: o.additionalGids };
  if (o.noNewPrivs !== undefined) p.noNewPrivileges = o.noNewPrivs;
  return validateProcess(p, 'process');
}

export async function exec(g: GlobalOptions, id: string, o: ExecOptions): Promise<number> {
  const s = load(g, id);
  const status = liveStatus(s);
  if (status === 'stopped') throw new Error('cannot exec in a stopped container');
  if (status === 'paused') throw new Error('cannot exec in a paused container');
  const p = execProcess(g, s, o);
  if (p.terminal && o.detach && !o.consoleSocket) throw new Error('cannot allocate tty if runc will detach without setting console socket');
  if (!p.terminal && o.consoleSocket) throw new Error('cannot use console socket if runc will not detach or allocate tty');
  const socket = controlSocket(g.root, id);
  const pty = p.terminal && o.consoleSocket ? openPty(p.consoleSize) : null;
  if (!o.detach) {
    // This process is the proxy. A terminal without --console-socket is our own stdin's.
    if (o.pidFile) writeFileAtomic(path.resolve(o.pidFile), String(process.pid));
    if (pty) sendConsole(path.resolve(o.consoleSocket!), pty.master);
    const stdio = pty ? [pty.slave] : p.terminal ? [0] : [0, 1, 2];
    const code = await runExecProxy({ socket, sandboxPid: s.pid, process: p, stdio, readyFd: -1, onError: (m) => g.log.error(m) });
    if (pty) { host.close(pty.master); host.close(pty.slave); }
    return code;
  }
  let child: ChildProcess | null = null;
  try {
    child = spawnChild(g, 'exec-proxy', { socket, sandboxPid: s.pid, process: p }, pty ? [pty.slave, pty.slave, pty.slave] : ['inherit', 'inherit', 'inherit']);
    const r = await readReady(child);
    if (r !== 'ok') throw new Error(r.startsWith('error: ') ? r.slice(7) : `exec failed (${r || 'no message'})`);
    if (pty) sendConsole(path.resolve(o.consoleSocket!), pty.master);
    if (o.pidFile) writeFileAtomic(path.resolve(o.pidFile), String(child.pid));
  } catch (e) {
    if (child?.pid) killHost(child.pid, 'SIGKILL');
    throw e;
  } finally {
    if (pty) { host.close(pty.master); host.close(pty.slave); }
    (child?.stdio[3] as { destroy?: () => void } | null)?.destroy?.();
    child?.unref();
  }
  return 0;
}

/** `ps` without --format json: the host's ps for those pids (runc runs ps -ef and filters). */
export function psTable(pids: number[], psArgs: string[]): string {
  const args = psArgs.length ? psArgs : ['-f'];
  if (pids.length === 0) return spawnSync('ps', [...args, '-p', '0'], { encoding: 'utf8' }).stdout.split('\n')[0] + '\n';
  return spawnSync('ps', [...args, '-p', pids.join(',')], { encoding: 'utf8' }).stdout;
}
