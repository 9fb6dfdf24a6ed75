// The sandbox process of one container (what `create` leaves running): it builds
// the kernel for the bundle, loads the container's init, serves the control
// socket, waits for `start`, runs the guest, and exits with init's status
// (128+N when signal N killed it). Its fds 0-2 are the container's stdio: it
// never writes there itself; its messages go to the runtime log.
import * as fs from 'fs';
import * as os from 'os';
import { HUGE_SIZE, MemoryFile } from '../kernel/mm/memory_file';
import { Kernel, type SandboxExit } from '../kernel/kernel';
import { Vfs, type MountSpec } from '../kernel/vfs/vfs';
import type { CgroupSource } from '../kernel/vfs/cgroupfs';
import { Limits } from '../kernel/limits';
import { errnoMessage, ENOENT } from '../kernel/errno';
import { DefaultAction, defaultAction, SIGKILL } from '../kernel/signals';
import type { CpuFacts } from '../kernel/loader';
import type { Platform } from '../platform/platform';
import { host, hostnet } from '../native';
import { ControlServer, POKE_SIGNAL, type Connection, type Message } from './control';
import { loadBundle, parseResources, RLIMITS, validateProcess, type ContainerConfig, type OciProcess, type OciResources } from './spec';
import { controlSocket, ownerName, processStart, rfc3339Now, writeState, type StoredState } from './state';
import type { RuntimeLog } from './log';
import { parseCapabilities } from './capabilities';

/** The sandbox's memory file is this big at least (sparse): `update` may raise the cap up to it. */
export const DEFAULT_MEMORY = 2 * 1024 * 1024 * 1024;

export interface SandboxOptions {
  root: string;
  id: string;
  bundle: string;
  /** The global --platform (the container's annotation wins). */
  platform: string;
  log: RuntimeLog;
  /** Told "ok" or "error: ..." once the container is created (or could not be). With autoStart
   *  it may throw to abort before the guest runs (a failed hook). */
  onReady: (msg: string) => void;
  /** Start at once (a foreground `run`): no wait for `start`; INT, TERM, HUP, QUIT and WINCH
   *  received are forwarded to the container's init, as runc run forwards them. */
  autoStart?: boolean;
  /** Called once the guest has been let run (autoStart): the poststart hooks. */
  onStarted?: () => void;
  /** Host fds that become init's fds 0, 1, 2 (default: this process's own 0, 1, 2). */
  stdio?: number[];
  makePlatform: (name: string, mem: MemoryFile) => Platform;
  cpu: CpuFacts;
}

/** Sets the memory cap within the memory file: data frames stop at the cap less the page-table
 *  reserve MemoryFile keeps for a file of that size (tables may still use the rest). A cap below
 *  what is in use now is refused (as a cgroup v1 memory limit below usage gives EBUSY). */
export function setMemoryCap(mem: MemoryFile, bytes: number): void {
  if (bytes > mem.size) throw new Error(`memory limit ${bytes} is above this sandbox's maximum of ${mem.size} bytes`);
  const reserve = Math.max(4 * HUGE_SIZE, Math.ceil(bytes / 32 / HUGE_SIZE) * HUGE_SIZE);
  const limit = Math.max(bytes - reserve, 0);
  if (limit < mem.used) throw new Error(`memory limit ${bytes} is below the ${mem.used} bytes in use`);
  // dataLimit is where data frames stop; the sandbox owns its memory file and moves it.
  (mem as { dataLimit: number }).dataLimit = limit;
}

/** The cgroup files' view of the sandbox (kernel/vfs/cgroupfs.ts): bound to the kernel once it
 *  exists; the limits follow `update`. */
export class SandboxCgroup implements CgroupSource {
  kernel: Kernel | null = null;
  constructor(private readonly mem: MemoryFile, public memoryLimit: number | undefined, public pidsLimit: number | undefined) {}
  memoryMax(): number | undefined { return this.memoryLimit; }
  memoryCurrent(): number { return this.mem.used; }
  pidsMax(): number | undefined { return this.pidsLimit; }
  pidsCurrent(): number { return this.kernel?.tasks.size ?? 0; }
  procs(): number[] {
    const k = this.kernel;
    return k === null ? [] : [...k.groups.values()].filter((g) => g.state === 0).map((g) => g.tgid).sort((a, b) => a - b);
  }
  threads(): number[] {
    const k = this.kernel;
    return k === null ? [] : [...k.tasks.keys()].sort((a, b) => a - b);
  }
}

/** The container's file systems: the root (read-only with root.readonly, else the host directory
 *  under an in-memory overlay: the bundle never changes), tsvisor's own /proc, /dev, /dev/pts,
 *  /sys, /tmp, /dev/shm and /dev/mqueue, config.json's bind and tmpfs mounts, and its cgroup
 *  mount (a read-only view of `cgroup`). */
export function makeVfs(cfg: ContainerConfig, mem: MemoryFile, log: RuntimeLog, cgroup?: CgroupSource): Vfs {
  const mounts: MountSpec[] = [];
  let withCgroup = false;
  for (const m of cfg.mounts) {
    if (m.kind === 'bind') mounts.push({ kind: 'bind', source: m.source, target: m.destination, readonly: m.readonly });
    else if (m.kind === 'tmpfs') mounts.push({ kind: 'tmpfs', target: m.destination });
    else if (m.kind === 'builtin' && m.fs === 'cgroup') withCgroup = true;
    else if (m.kind === 'skipped') log.warn(`mount at ${m.destination}: ${m.reason}`);
  }
  return new Vfs({
    rootDir: cfg.rootfs, rootMode: cfg.readonlyRoot ? 'readonly' : 'overlay', mounts, mem,
    cgroup: withCgroup ? cgroup : undefined, ids: cfg.ids,
  });
}

/** Host rlimit values: 2^64-1 (and anything past 2^63) is RLIM_INFINITY. */
const rlimitValue = (v: number) => (v >= 2 ** 63 ? Infinity : v);

export function limitsFor(p: OciProcess): Limits {
  const l = new Limits();
  for (const r of p.rlimits ?? []) l.set(RLIMITS[r.type]!, rlimitValue(r.soft), rlimitValue(r.hard));
  return l;
}

/** runc's wording for a process that cannot be started. */
export function execError(name: string, errno: number): string {
  if (errno === ENOENT && !name.includes('/')) return `exec: "${name}": executable file not found in $PATH`;
  return `exec: "${name}": ${errnoMessage(errno).toLowerCase()}`;
}

/** pid and its descendants on the host (the sandbox and the stub processes of a trap platform). */
export function hostDescendants(pid: number): number[] {
  const kids = new Map<number, number[]>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const st = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(e)]);
    } catch { /* gone */ }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]!) ?? []));
  return out;
}

/** Exit status as a shell (and containerd) reports it. */
export function exitCode(waitStatus: number): number {
  const sig = waitStatus & 0x7f;
  return sig ? 128 + sig : (waitStatus >> 8) & 0xff;
}

export async function runSandbox(o: SandboxOptions): Promise<number> {
  const ready = (msg: string) => { try { o.onReady(msg); } catch { /* told already */ } };
  let cfg: ContainerConfig, kernel: Kernel, mem: MemoryFile, platform: Platform, cgroup: SandboxCgroup;
  try {
    cfg = loadBundle(o.bundle);
    const platformName = cfg.platform ?? o.platform;
    mem = new MemoryFile(Math.max(cfg.memoryLimit ?? DEFAULT_MEMORY, DEFAULT_MEMORY));
    if (cfg.memoryLimit !== undefined) setMemoryCap(mem, cfg.memoryLimit);
    platform = o.makePlatform(platformName, mem);
    cgroup = new SandboxCgroup(mem, cfg.memoryLimit, cfg.pidsLimit);
    kernel = new Kernel({
      platform, mem, vfs: makeVfs(cfg, mem, o.log, cgroup), cpu: o.cpu,
      hostname: cfg.hostname ?? os.hostname(),
      debug: o.log.debugEnabled ? (m) => o.log.debug(m) : undefined,
      fatal: (m) => o.log.error(m),
    });
    kernel.maxTasks = cfg.pidsLimit ?? 4096;
    // The host's network, or the network namespace at a path (a pod's, made by CNI): the kernel
    // opens its host sockets from this thread, which enters that namespace first.
    if (typeof cfg.network === 'object') {
      const r = hostnet.joinNetns(cfg.network.path);
      if (r < 0) throw new Error(`cannot join the network namespace at ${cfg.network.path} (errno ${-r})`);
    }
    kernel.hostNetwork = cfg.network !== 'none';
    cgroup.kernel = kernel;
  } catch (e) {
    ready(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  let memoryCap = cfg.memoryLimit ?? mem.size;
  const p = cfg.process;
  const initPid = kernel.spawnProcess({
    path: p.args[0]!, argv: p.args, envp: p.env ?? [], stdio: o.stdio ?? [0, 1, 2], cwd: p.cwd,
    uid: p.user.uid, gid: p.user.gid, groups: p.user.additionalGids, noNewPrivs: p.noNewPrivileges === true,
    capabilities: parseCapabilities(p.capabilities, 'process'), seccomp: cfg.seccomp,
    limits: limitsFor(p),
  });
  if (cfg.seccomp?.skipped.length) o.log.debug(`seccomp: syscalls unknown on x86_64 skipped: ${cfg.seccomp.skipped.join(' ')}`);
  if (initPid < 0) {
    ready(`error: unable to start container process: ${execError(p.args[0]!, -initPid)}`);
    return 1;
  }

  const state: StoredState = {
    id: o.id, pid: process.pid, pidStart: processStart(process.pid), status: 'created', bundle: cfg.bundle,
    rootfs: cfg.rootfs, created: rfc3339Now(), annotations: cfg.annotations, owner: ownerName(), hooks: cfg.hooks,
  };
  const save = () => { try { writeState(o.root, state); } catch (e) { o.log.error(`cannot write state: ${(e as Error).message}`); } };

  let startGuest!: () => void;
  const started = new Promise<void>((resolve) => { startGuest = resolve; });
  /** Exec'd processes: guest pid -> the proxy's connection and host pid. */
  const execs = new Map<number, { conn: Connection; proxyPid: number }>();

  const handle = (c: Connection, m: Message, fds: number[]): void => {
    const reply = (r: Message) => { c.send(r); };
    const op = String(m.op);
    try {
      switch (op) {
        case 'start':
          if (state.status !== 'created') throw new Error(`cannot start a container that has already been started (status ${state.status})`);
          state.status = 'running';
          save();
          startGuest();
          reply({ ok: true });
          return;
        case 'kill': {
          const sig = Number(m.signal);
          if (state.status === 'stopped') throw new Error('container not running');
          if (state.status === 'created') {
            // As runc's: a created container's init dies of a signal whose default is to end it.
            const act = defaultAction(sig);
            if (sig === SIGKILL || act === DefaultAction.Terminate || act === DefaultAction.Core) {
              kernel.signalFromHost(SIGKILL, true);
              state.status = 'running';
              startGuest();
            }
          } else {
            if (sig === SIGKILL && kernel.isFrozen) kernel.thaw();
            kernel.signalFromHost(sig, m.all === true);
          }
          reply({ ok: true });
          return;
        }
        case 'pause':
          if (state.status !== 'running') throw new Error(`container not running (status ${state.status})`);
          kernel.freeze();
          state.status = 'paused';
          save();
          reply({ ok: true });
          return;
        case 'resume':
          if (state.status !== 'paused') throw new Error('container not paused');
          kernel.thaw();
          state.status = 'running';
          save();
          reply({ ok: true });
          return;
        case 'ps':
          reply({ ok: true, pids: [...hostDescendants(process.pid), ...[...execs.values()].map((e) => e.proxyPid)] });
          return;
        case 'stats':
          reply({ ok: true, memoryUsage: mem.used, memoryLimit: memoryCap, pids: kernel.tasks.size, pidsLimit: kernel.maxTasks });
          return;
        case 'update': {
          const r = parseResources((m.resources ?? {}) as OciResources);
          if (r.memoryLimit !== undefined) { setMemoryCap(mem, r.memoryLimit); memoryCap = r.memoryLimit; cgroup.memoryLimit = r.memoryLimit; }
          if (r.pidsLimit !== undefined) { kernel.maxTasks = r.pidsLimit; cgroup.pidsLimit = r.pidsLimit; }
          reply({ ok: true });
          return;
        }
        case 'exec': {
          if (state.status !== 'running' && state.status !== 'created') throw new Error('cannot exec in a stopped container');
          const ep = validateProcess(m.process, 'process');
          if (fds.length !== 1 && fds.length !== 3) throw new Error('exec needs 1 (a terminal) or 3 stdio fds');
          const stdio = fds.length === 1 ? [fds[0]!, fds[0]!, fds[0]!] : fds;
          // Each host fd is closed once the guest has let go of every description made from it.
          const uses = new Map<number, number>();
          for (const f of stdio) uses.set(f, (uses.get(f) ?? 0) + 1);
          const initial = new Map(uses);
          const released = (f: number) => {
            const n = (uses.get(f) ?? 1) - 1;
            uses.set(f, n);
            if (n === 0) host.close(f);
          };
          const pid = kernel.spawnProcess({
            path: ep.args[0]!, argv: ep.args, envp: ep.env ?? [], stdio, cwd: ep.cwd, uid: ep.user.uid, gid: ep.user.gid,
            groups: ep.user.additionalGids, noNewPrivs: ep.noNewPrivileges === true, limits: limitsFor(ep),
            // As runc: the container's filter; the process's capabilities, else the container's.
            capabilities: parseCapabilities(ep.capabilities ?? p.capabilities, 'process'), seccomp: cfg.seccomp,
            onStdioReleased: released,
            onExit: (ws) => { execs.delete(pid); c.send({ exit: exitCode(ws), waitStatus: ws }); },
          });
          if (pid < 0) {
            // A failure before the stdio was installed leaves every fd ours to close.
            for (const f of new Set(stdio)) if (uses.get(f) === initial.get(f)) host.close(f);
            throw new Error(`unable to start container process: ${execError(ep.args[0]!, -pid)}`);
          }
          execs.set(pid, { conn: c, proxyPid: Number(m.proxyPid) || 0 });
          reply({ ok: true, pid });
          return;
        }
        case 'signal': {
          // The exec proxy forwards a signal the shim sent it to its guest process.
          const pid = Number(m.pid), sig = Number(m.signal);
          if (execs.has(pid)) kernel.signalProcess(pid, sig);
          reply({ ok: true });
          return;
        }
        default:
          throw new Error(`unknown request ${op}`);
      }
    } catch (e) {
      for (const f of fds) if (op !== 'exec') host.close(f);
      reply({ error: e instanceof Error ? e.message : String(e) });
    }
  };
  const closed = (c: Connection) => {
    // An exec proxy that went away (killed by the shim): its process goes with it.
    for (const [pid, e] of execs) if (e.conn === c) { execs.delete(pid); kernel.signalProcess(pid, SIGKILL); }
  };

  let server: ControlServer;
  try {
    server = new ControlServer(controlSocket(o.root, o.id), handle, closed);
    save();
  } catch (e) {
    ready(`error: ${(e as Error).message}`);
    return 1;
  }
  process.on(POKE_SIGNAL, () => { /* only interrupts the guest so the event loop runs */ });
  try {
    o.onReady('ok');
  } catch (e) {
    o.log.error((e as Error).message);
    state.status = 'stopped';
    save();
    server.close();
    return 1;
  }
  const forward = (sig: NodeJS.Signals) => kernel.signalFromHost(os.constants.signals[sig], false);
  const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGWINCH'];
  if (o.autoStart) {
    for (const sig of forwarded) process.on(sig, forward);
    state.status = 'running';
    save();
    startGuest();
    if (o.onStarted) setImmediate(o.onStarted);
  }

  await started;
  let exit: SandboxExit;
  try {
    exit = await kernel.run();
  } catch (e) {
    exit = { status: 125, signal: 0, internalError: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  if (exit.internalError) o.log.error(`sandbox: ${exit.internalError}`);
  if (o.autoStart) for (const sig of forwarded) process.off(sig, forward);
  state.status = 'stopped';
  state.exitStatus = exit.status;
  // A foreground run deletes the container next: a state write it would only remove (a
  // rename over the old file, which ext4 flushes first) is left out.
  if (!o.autoStart) save();
  server.close();
  kernel.timers.close();
  platform.close();
  return exit.status;
}

