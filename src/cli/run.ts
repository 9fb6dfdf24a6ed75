// `tsvisor run`: one program in a new sandbox, stdio passed through, exit status like a shell's.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MemoryFile } from '../kernel/mm/memory_file';
import { Kernel } from '../kernel/kernel';
import { Vfs, type MountSpec } from '../kernel/vfs/vfs';
import { Strace } from '../kernel/strace';
import { errnoMessage, ENOENT, EACCES, ENOEXEC } from '../kernel/errno';
import { shellDeathMessage } from '../kernel/signals';
import { choosePlatform, createPlatform } from './platform_choice';
import type { Platform } from '../platform/platform';
import { cpuFacts } from './cpu';

export interface RunOptions {
  platform: string;
  root: string;
  strace: boolean;
  debug: boolean;
  stats: boolean;
  memory: number;
  maxTasks: number;
  /** Address-space randomisation (default on). */
  aslr?: boolean;
  /** The init process's user and group (default root, with every capability). */
  user?: { uid: number; gid: number };
  /** Write through to the root directory instead of the in-memory overlay. */
  rootfsWritable?: boolean;
  /** --network=host: AF_INET and AF_INET6 sockets are host sockets (default: loopback only). */
  hostNetwork?: boolean;
  /** --mount specs, in order. */
  mounts?: MountSpec[];
}

const err = (s: string) => { try { fs.writeSync(2, s); } catch { /* stderr closed */ } };

/** The host environment exactly as tsvisor received it (order and bytes kept). */
function hostEnvironment(): string[] {
  try {
    const raw = fs.readFileSync('/proc/self/environ', 'latin1');
    return raw.split('\0').filter((s) => s.length > 0);
  } catch {
    return Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  }
}

export function makePlatform(name: string, mem: MemoryFile, stats: boolean): Platform {
  // auto: the available platform with the cheapest measured round trip (cached; see doctor).
  if (name === 'auto') {
    const c = choosePlatform();
    if (!c.name) throw new Error(c.why);
    name = c.name;
  }
  return createPlatform(name, mem, stats);
}

export async function runCommand(program: string, args: string[], o: RunOptions): Promise<number> {
  const root = path.resolve(o.root);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    err(`tsvisor: --root ${o.root}: not a directory\n`);
    return 125;
  }
  let mem: MemoryFile, platform: Platform;
  try {
    mem = new MemoryFile(o.memory);
    platform = makePlatform(o.platform, mem, o.stats);
  } catch (e) {
    err(`tsvisor: cannot start the ${o.platform} platform: ${e instanceof Error ? e.message : String(e)}\n`);
    return 125;
  }
  const kernel = new Kernel({
    platform, mem, vfs: new Vfs({ rootDir: root, rootMode: o.rootfsWritable ? 'writable' : 'overlay', mounts: o.mounts, mem }), cpu: cpuFacts(), hostname: os.hostname(),
    strace: o.strace ? new Strace((line) => err(line + '\n')) : undefined,
    debug: o.debug ? (m) => err(`tsvisor: ${m}\n`) : undefined,
    fatal: (m) => err(m + '\n'),
  });
  kernel.maxTasks = o.maxTasks;
  kernel.aslr = o.aslr !== false;
  kernel.hostNetwork = o.hostNetwork === true;
  // Like `runsc do`: the program starts in the caller's directory when the root contains it.
  const rel = path.relative(root, process.cwd());
  let cwd = rel.startsWith('..') || path.isAbsolute(rel) ? '/' : '/' + rel;
  // Not when the sandbox hides it (under its own /tmp, for instance): then in /.
  if (cwd !== '/' && !kernel.vfs.isDirectory(cwd)) cwd = '/';
  const tid = kernel.spawnProcess({ path: program, argv: [program, ...args], envp: hostEnvironment(), stdio: [0, 1, 2], cwd, uid: o.user?.uid, gid: o.user?.gid });
  if (tid < 0) {
    err(`tsvisor: ${program}: ${errnoMessage(-tid)}\n`);
    return -tid === ENOENT ? 127 : -tid === EACCES || -tid === ENOEXEC ? 126 : 125;
  }
  // Host signals a user sends tsvisor go to the sandbox's init (DESIGN.md: INT, TERM, HUP, QUIT, WINCH).
  const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGWINCH'];
  const forward = (sig: NodeJS.Signals) => kernel.signalInit(os.constants.signals[sig]);
  for (const sig of forwarded) process.on(sig, forward);
  const exit = await kernel.run();
  for (const sig of forwarded) process.off(sig, forward);
  if (o.stats) {
    const s = platform.stats();
    err(`tsvisor: stats ${JSON.stringify(s)}\n`);
  }
  kernel.timers.close();
  platform.close();
  if (exit.signal) {
    const msg = shellDeathMessage(exit.signal);
    if (msg) err(msg + '\n');
  }
  return exit.status;
}
