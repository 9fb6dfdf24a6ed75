// An OCI bundle's config.json: its types (the subset of the runtime spec tsvisor
// reads) and the validation that turns it into a ContainerConfig, or an Error
// whose message names what is wrong (the runtime logs it, as runc does).
import * as fs from 'fs';
import * as path from 'path';
import { compileSeccomp, type CompiledSeccomp } from './seccomp';
import { parseCapabilities } from './capabilities';
import { parseIdMappings } from './idmaps';
import type { IdMaps } from '../kernel/idmap';
import { RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK } from '../kernel/limits';

export interface OciUser { uid: number; gid: number; umask?: number; additionalGids?: number[] }
export interface OciRlimit { type: string; hard: number; soft: number }
export interface OciProcess {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: OciUser;
  args: string[];
  env?: string[];
  cwd: string;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  [other: string]: unknown;
}
export interface OciMount { destination: string; type?: string; source?: string; options?: string[] }
export interface OciHook { path: string; args?: string[]; env?: string[]; timeout?: number }
export interface OciHooks {
  prestart?: OciHook[]; createRuntime?: OciHook[]; createContainer?: OciHook[];
  startContainer?: OciHook[]; poststart?: OciHook[]; poststop?: OciHook[];
}
export interface OciNamespace { type: string; path?: string }
export interface OciResources {
  memory?: { limit?: number; reservation?: number; swap?: number };
  pids?: { limit?: number };
  [other: string]: unknown;
}
export interface OciSpec {
  ociVersion: string;
  process?: OciProcess;
  root?: { path: string; readonly?: boolean };
  hostname?: string;
  mounts?: OciMount[];
  hooks?: OciHooks;
  annotations?: Record<string, string>;
  linux?: { namespaces?: OciNamespace[]; resources?: OciResources; [other: string]: unknown };
  [other: string]: unknown;
}

/** The annotation that picks the platform for one container. */
export const PLATFORM_ANNOTATION = 'dev.tsvisor.platform';
export const PLATFORMS = ['kvm', 'ptrace', 'systrap', 'auto'] as const;

/** RLIMIT_* names as the spec spells them -> Linux resource numbers. */
export const RLIMITS: Record<string, number> = {
  RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS, RLIMIT_NPROC, RLIMIT_NOFILE,
  RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS, RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME,
};

/** How a mount of config.json is served inside the sandbox. */
export type MountPlan =
  /** One of tsvisor's own file systems at its standard place (procfs /proc, devfs /dev, ...). */
  | { kind: 'builtin'; fs: 'proc' | 'dev' | 'devpts' | 'sysfs' | 'tmpfs' | 'mqueue' | 'cgroup'; destination: string; readonly: boolean }
  /** Accepted and not mounted, with the reason (logged as a warning at create). */
  | { kind: 'skipped'; destination: string; reason: string }
  | { kind: 'tmpfs'; destination: string; readonly: boolean; size?: number; mode?: number }
  | { kind: 'bind'; destination: string; source: string; readonly: boolean };

export interface ContainerConfig {
  spec: OciSpec;
  bundle: string;
  /** root.path made absolute (relative paths are relative to the bundle). */
  rootfs: string;
  readonlyRoot: boolean;
  process: OciProcess;
  hostname: string | undefined;
  mounts: MountPlan[];
  /** "none": a network namespace of its own (loopback only); "host": the config shares the host's
   *  (host sockets); a path: the network namespace there (a CNI-made pod network), whose sockets the
   *  sandbox's host sockets are. */
  network: 'none' | 'host' | { path: string };
  /** The user namespace's uid and gid maps (linux.uidMappings/gidMappings), else the identity. */
  ids: IdMaps;
  /** Memory cap in bytes (2 MiB multiple) from linux.resources.memory.limit, or undefined. */
  memoryLimit: number | undefined;
  /** Task cap from linux.resources.pids.limit, or undefined. */
  pidsLimit: number | undefined;
  annotations: Record<string, string>;
  /** The platform the annotation asks for, if any. */
  platform: string | undefined;
  hooks: OciHooks;
  /** linux.seccomp compiled to a classic-BPF filter (seccomp.ts), or undefined. */
  seccomp: CompiledSeccomp | undefined;
}

const HUGE = 2 * 1024 * 1024;
/** A memory limit below this cannot hold a program and the kernel's page tables. */
export const MIN_MEMORY = 16 * 1024 * 1024;

function fail(msg: string): never { throw new Error(msg); }
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** Rounds a byte count up to the memory file's granularity (2 MiB). */
export function roundMemory(bytes: number): number { return Math.ceil(bytes / HUGE) * HUGE; }

/** Reads and validates bundle/config.json. */
export function loadBundle(bundle: string): ContainerConfig {
  const dir = path.resolve(bundle);
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
  } catch (e) {
    fail(`JSON specification file config.json not found: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    fail(`config.json: invalid JSON: ${(e as Error).message}`);
  }
  return validateSpec(spec, dir);
}

/** Validates a parsed config.json of the bundle at directory `bundle` (absolute). */
export function validateSpec(raw: unknown, bundle: string): ContainerConfig {
  if (!isObj(raw)) fail('config.json: not a JSON object');
  const spec = raw as OciSpec;
  if (typeof spec.ociVersion !== 'string') fail('config.json: ociVersion must be a string');
  if (!isObj(spec.root) || typeof spec.root.path !== 'string' || spec.root.path === '') fail('config.json: root.path must be set');
  const rootfs = path.resolve(bundle, spec.root.path);
  let st: fs.Stats;
  try { st = fs.statSync(rootfs); } catch { fail(`rootfs (${rootfs}) does not exist`); }
  if (!st.isDirectory()) fail(`rootfs (${rootfs}) is not a directory`);
  if (!isObj(spec.process)) fail('config.json: process must be set');
  const process = validateProcess(spec.process, 'process');
  const annotations = validateAnnotations(spec.annotations);
  const platform = annotations[PLATFORM_ANNOTATION];
  if (platform !== undefined && !(PLATFORMS as readonly string[]).includes(platform)) {
    fail(`annotation ${PLATFORM_ANNOTATION}: unknown platform "${platform}" (one of ${PLATFORMS.join(', ')})`);
  }
  const linux = spec.linux ?? {};
  if (!isObj(linux)) fail('config.json: linux must be an object');
  const { network, uts, user } = validateNamespaces(linux.namespaces);
  if (spec.hostname !== undefined && typeof spec.hostname !== 'string') fail('config.json: hostname must be a string');
  if (spec.hostname && !uts) fail('unable to set hostname without a private UTS namespace');
  const res = validateResources(linux.resources);
  return {
    spec, bundle, rootfs, readonlyRoot: spec.root.readonly === true, process,
    hostname: spec.hostname || undefined,
    mounts: planMounts(spec.mounts, bundle),
    network, memoryLimit: res.memoryLimit, pidsLimit: res.pidsLimit,
    annotations, platform, hooks: validateHooks(spec.hooks), seccomp: compileSeccomp(linux.seccomp),
    ids: parseIdMappings(linux, user),
  };
}

/** Validates an OCI process object (config.json's, or an exec's --process file). */
export function validateProcess(p: unknown, where: string): OciProcess {
  if (!isObj(p)) fail(`${where}: must be an object`);
  const args = p.args;
  if (!Array.isArray(args) || args.length === 0) fail(`${where}.args must not be empty`);
  if (!args.every((a) => typeof a === 'string')) fail(`${where}.args must be strings`);
  if (typeof p.cwd !== 'string' || p.cwd === '') fail(`${where}.cwd property must not be empty`);
  if (!p.cwd.startsWith('/')) fail(`${where}.cwd must be an absolute path`);
  const env = p.env ?? [];
  if (!Array.isArray(env) || !env.every((e) => typeof e === 'string')) fail(`${where}.env must be an array of strings`);
  for (const e of env as string[]) if (!e.includes('=')) fail(`${where}.env: "${e}" is not of the form KEY=VALUE`);
  const user = p.user ?? { uid: 0, gid: 0 };
  if (!isObj(user) || !isUint(user.uid) || !isUint(user.gid)) fail(`${where}.user: uid and gid must be integers from 0 to 2^32-1`);
  if (user.additionalGids !== undefined && (!Array.isArray(user.additionalGids) || !user.additionalGids.every(isUint))) {
    fail(`${where}.user.additionalGids must be an array of group ids`);
  }
  if (p.terminal !== undefined && typeof p.terminal !== 'boolean') fail(`${where}.terminal must be a boolean`);
  if (p.noNewPrivileges !== undefined && typeof p.noNewPrivileges !== 'boolean') fail(`${where}.noNewPrivileges must be a boolean`);
  const rl = p.rlimits ?? [];
  if (!Array.isArray(rl)) fail(`${where}.rlimits must be an array`);
  const seen = new Set<string>();
  for (const r of rl as unknown[]) {
    if (!isObj(r) || typeof r.type !== 'string') fail(`${where}.rlimits: each entry needs a type`);
    if (RLIMITS[r.type] === undefined) fail(`${where}.rlimits: rlimit type "${r.type}" is not supported`);
    if (seen.has(r.type)) fail(`${where}.rlimits: rlimit type "${r.type}" is duplicated`);
    seen.add(r.type);
    if (typeof r.soft !== 'number' || typeof r.hard !== 'number' || r.soft < 0 || r.hard < 0) fail(`${where}.rlimits: ${r.type}: soft and hard must be numbers`);
    if (r.soft > r.hard) fail(`${where}.rlimits: ${r.type}: soft limit ${r.soft} is above the hard limit ${r.hard}`);
  }
  parseCapabilities(p.capabilities, where);
  return { ...p, args: args as string[], env: env as string[], cwd: p.cwd, user: user as unknown as OciUser, rlimits: rl as OciRlimit[] } as OciProcess;
}

function validateAnnotations(a: unknown): Record<string, string> {
  if (a === undefined) return {};
  if (!isObj(a)) fail('config.json: annotations must be an object');
  for (const [k, v] of Object.entries(a)) if (typeof v !== 'string') fail(`config.json: annotation ${k} must be a string`);
  return a as Record<string, string>;
}

type SandboxConfigNetwork = 'none' | 'host' | { path: string };
const NAMESPACES = new Set(['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time']);

function validateNamespaces(ns: unknown): { network: SandboxConfigNetwork; uts: boolean; user: boolean } {
  if (ns === undefined) return { network: 'host', uts: false, user: false };
  if (!Array.isArray(ns)) fail('config.json: linux.namespaces must be an array');
  let network: SandboxConfigNetwork = 'host', uts = false;
  const seen = new Set<string>();
  for (const n of ns as unknown[]) {
    if (!isObj(n) || typeof n.type !== 'string') fail('config.json: a namespace needs a type');
    if (!NAMESPACES.has(n.type)) fail(`config.json: namespace type "${n.type}" is not known`);
    if (seen.has(n.type)) fail(`config.json: namespace type "${n.type}" is duplicated`);
    seen.add(n.type);
    if (n.path !== undefined && n.path !== '') {
      // A network namespace made for the container (CNI): its host sockets live there. Any other
      // namespace is the sandbox kernel's own: it cannot join one of another container.
      if (n.type !== 'network' || typeof n.path !== 'string') {
        fail(`config.json: joining the ${n.type} namespace at ${String(n.path)} is not supported by tsvisor`);
      }
      network = { path: n.path };
      continue;
    }
    if (n.type === 'network') network = 'none';
    if (n.type === 'uts') uts = true;
  }
  return { network, uts, user: seen.has('user') };
}

function validateResources(r: unknown): { memoryLimit: number | undefined; pidsLimit: number | undefined } {
  if (r === undefined || r === null) return { memoryLimit: undefined, pidsLimit: undefined };
  if (!isObj(r)) fail('config.json: linux.resources must be an object');
  return parseResources(r as OciResources);
}

/** The caps tsvisor enforces from a LinuxResources object (config.json or `update`). A limit of
 *  0 or below means none (as runc/cgroups read -1). */
export function parseResources(r: OciResources): { memoryLimit: number | undefined; pidsLimit: number | undefined } {
  let memoryLimit: number | undefined, pidsLimit: number | undefined;
  const mem = r.memory?.limit;
  if (mem !== undefined && mem !== null) {
    if (typeof mem !== 'number' || !Number.isFinite(mem)) fail('linux.resources.memory.limit must be a number');
    if (mem > 0) {
      if (mem < MIN_MEMORY) fail(`linux.resources.memory.limit ${mem} is below tsvisor's minimum of ${MIN_MEMORY} bytes`);
      memoryLimit = roundMemory(mem);
    }
  }
  const pids = r.pids?.limit;
  if (pids !== undefined && pids !== null) {
    if (typeof pids !== 'number' || !Number.isInteger(pids)) fail('linux.resources.pids.limit must be an integer');
    if (pids > 0) pidsLimit = pids;
  }
  return { memoryLimit, pidsLimit };
}

function validateHooks(h: unknown): OciHooks {
  if (h === undefined) return {};
  if (!isObj(h)) fail('config.json: hooks must be an object');
  const out: OciHooks = {};
  for (const kind of ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const) {
    const list = h[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(`config.json: hooks.${kind} must be an array`);
    for (const x of list as unknown[]) {
      if (!isObj(x) || typeof x.path !== 'string' || !x.path.startsWith('/')) fail(`config.json: hooks.${kind}: each hook needs an absolute path`);
      if (x.timeout !== undefined && (typeof x.timeout !== 'number' || x.timeout <= 0)) fail(`config.json: hooks.${kind}: timeout must be a positive number of seconds`);
    }
    out[kind] = list as OciHook[];
  }
  // createContainer and startContainer run inside the container's namespaces: tsvisor's guest
  // has no host binaries to run them with.
  for (const kind of ['createContainer', 'startContainer'] as const) {
    if (out[kind]?.length) fail(`config.json: hooks.${kind} (run inside the container) is not supported by tsvisor`);
  }
  return out;
}

const MOUNT_FLAGS_IGNORED = new Set(['nosuid', 'noexec', 'nodev', 'strictatime', 'relatime', 'noatime', 'nodiratime', 'rw', 'private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared', 'bind', 'rbind', 'mode=755', 'mode=1777', 'mode=620', 'newinstance', 'ptmxmode=0666', 'gid=5']);

/** Decides how each mount is served; throws naming the first one tsvisor cannot honour. */
export function planMounts(mounts: unknown, bundle: string): MountPlan[] {
  if (mounts === undefined) return [];
  if (!Array.isArray(mounts)) fail('config.json: mounts must be an array');
  const out: MountPlan[] = [];
  for (const m of mounts as unknown[]) {
    if (!isObj(m) || typeof m.destination !== 'string' || !m.destination.startsWith('/')) fail('config.json: each mount needs an absolute destination');
    const opts = Array.isArray(m.options) ? (m.options as unknown[]).filter((o): o is string => typeof o === 'string') : [];
    const readonly = opts.includes('ro');
    const dest = path.posix.normalize(m.destination).replace(/(.)\/$/, '$1');
    const type = typeof m.type === 'string' ? m.type : '';
    const isBind = type === 'bind' || opts.includes('bind') || opts.includes('rbind');
    const name = `mount ${type || 'bind'} at ${dest}`;
    if (isBind) {
      if (typeof m.source !== 'string' || m.source === '') fail(`config.json: ${name}: a bind mount needs a source`);
      out.push({ kind: 'bind', destination: dest, source: bindSource(path.resolve(bundle, m.source), bundle, name), readonly });
      continue;
    }
    const std = (fsName: 'proc' | 'dev' | 'devpts' | 'sysfs', at: string) => {
      if (dest !== at) fail(`config.json: ${name}: tsvisor serves ${type} only at ${at}`);
      out.push({ kind: 'builtin', fs: fsName, destination: dest, readonly });
    };
    switch (type) {
      case 'proc': std('proc', '/proc'); break;
      case 'devpts': std('devpts', '/dev/pts'); break;
      case 'sysfs': std('sysfs', '/sys'); break;
      case 'mqueue':
        // The sandbox's one mqueue file system (its IPC namespace), as mq_open sees it.
        if (dest !== '/dev/mqueue') fail(`config.json: ${name}: tsvisor serves mqueue only at /dev/mqueue`);
        out.push({ kind: 'builtin', fs: 'mqueue', destination: dest, readonly });
        break;
      case 'cgroup': case 'cgroup2':
        // A read-only cgroup v2 file system describing the sandbox (kernel/vfs/cgroupfs.ts), for either type.
        if (!readonly) fail(`config.json: ${name}: a writable cgroup file system is not supported by tsvisor`);
        if (dest !== '/sys/fs/cgroup') fail(`config.json: ${name}: tsvisor serves cgroup only at /sys/fs/cgroup`);
        out.push({ kind: 'builtin', fs: 'cgroup', destination: dest, readonly });
        break;
      case 'tmpfs':
        // A tmpfs over /dev is what runtimes put there to fill with device nodes: tsvisor's devfs.
        if (dest === '/dev') { out.push({ kind: 'builtin', fs: 'dev', destination: dest, readonly }); break; }
        if (readonly) fail(`config.json: ${name}: a read-only tmpfs is not supported by tsvisor`);
        // tsvisor's own /tmp and /dev/shm are tmpfs already.
        if (dest === '/tmp' || dest === '/dev/shm') { out.push({ kind: 'builtin', fs: 'tmpfs', destination: dest, readonly }); break; }
        out.push({ kind: 'tmpfs', destination: dest, readonly, ...tmpfsOptions(opts, name) });
        break;
      default:
        fail(`config.json: ${name}: file system type "${type}" is not supported by tsvisor`);
    }
    for (const o of opts) {
      if (o === 'ro' || MOUNT_FLAGS_IGNORED.has(o) || /^(size|mode|nr_inodes|uid|gid|ptmxmode)=/.test(o)) continue;
      fail(`config.json: ${name}: mount option "${o}" is not supported by tsvisor`);
    }
  }
  return out;
}

/** A bind source as mount(2) takes it for runc: symlinks on the host path are followed once, now,
 *  and the mount holds what they led to. A source inside the bundle (the image's files) may not
 *  lead out of the bundle. The result must be a directory or a regular file: device nodes, FIFOs
 *  and sockets are refused (the sandbox never opens them on the host). */
function bindSource(source: string, bundle: string, name: string): string {
  let real: string;
  try {
    real = fs.realpathSync(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(`config.json: ${name}: source ${source} ${code === 'ENOENT' ? 'does not exist' : `cannot be resolved (${code})`}`);
  }
  const inside = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/');
  let realBundle = bundle;
  try { realBundle = fs.realpathSync(bundle); } catch { /* checked lexically below */ }
  if (inside(source, bundle) && !inside(real, realBundle)) {
    fail(`config.json: ${name}: source ${source} is a symbolic link that leads out of the bundle (to ${real}); tsvisor refuses it`);
  }
  const st = fs.statSync(real);
  if (!st.isDirectory() && !st.isFile()) {
    const what = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device node';
    fail(`config.json: ${name}: source ${source} is ${what}; tsvisor bind-mounts directories and regular files only`);
  }
  return real;
}

function tmpfsOptions(opts: string[], name: string): { size?: number; mode?: number } {
  const r: { size?: number; mode?: number } = {};
  for (const o of opts) {
    let m = /^size=(\d+)([kmg]?)$/i.exec(o);
    if (m) r.size = Number(m[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g']);
    else if (o.startsWith('size=')) fail(`config.json: ${name}: bad size option "${o}"`);
    m = /^mode=([0-7]+)$/.exec(o);
    if (m) r.mode = parseInt(m[1]!, 8);
  }
  return r;
}
