// The tsvisor command line (commander): run, doctor. Parsing and wiring only.
import { Command, InvalidArgumentError, Option } from 'commander';
import * as path from 'path';
import type { MountSpec } from '../kernel/vfs/vfs';
import { isOciInvocation, ociMain } from './oci';

function parseSize(v: string): number {
  const m = /^(\d+)([kKmMgG]?)(i?[bB])?$/.exec(v.trim());
  if (!m) throw new Error(`invalid size: ${v}`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Number(m[1]) * mult;
  return Math.ceil(n / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
}

/** --user UID[:GID]: numeric ids (names would need the root's /etc/passwd read on the host). */
function parseUser(v: string): { uid: number; gid: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(v);
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n < 0xffffffff;
  if (!m || !ok(Number(m[1])) || (m[2] !== undefined && !ok(Number(m[2])))) {
    throw new InvalidArgumentError('want UID or UID:GID, numeric');
  }
  return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
}

export async function main(argv: string[]): Promise<number> {
  // runc's command line (create, start, kill, ... or OCI global flags): see oci.ts.
  if (isOciInvocation(argv)) return ociMain(argv);
  const program = new Command();
  let status = 0;
  program
    .name('tsvisor')
    .description('A container sandbox: Linux programs run natively, their syscalls go to a kernel written in TypeScript.')
    .addOption(new Option('--platform <name>', 'where the application runs').choices(['kvm', 'ptrace', 'systrap', 'auto']).default('auto'))
    .enablePositionalOptions()
    .showHelpAfterError();

  program.command('run')
    .description('run PROGRAM in a new sandbox')
    .passThroughOptions()
    .option('--root <dir>', 'the sandbox root directory (read-only underneath)', '/')
    .option('--strace', 'print each syscall on stderr, as strace does', false)
    .option('--debug', 'print kernel diagnostics (unsupported syscalls) on stderr', false)
    .option('--stats', 'print platform counters (exits, time in the guest) at exit', false)
    .option('--memory <size>', 'the sandbox memory cap (e.g. 2g)', '2g')
    .option('--max-tasks <n>', 'the most threads and processes the sandbox may have (fork/clone beyond: EAGAIN)', '1024')
    .option('--no-aslr', 'turn address-space randomisation off (as setarch -R)')
    .option('--user <uid[:gid]>', 'run the program as this numeric user and group (default 0:0, with every capability)', parseUser)
    .option('--network <mode>', 'none: the sandbox\'s own loopback-only network; host: the host\'s network (host sockets)', 'none')
    .option('--rootfs-writable', 'write through to the root directory (default: an in-memory overlay takes the writes)', false)
    .option('--mount <spec>', 'add a mount: host:guest[:ro] (a host directory or regular file) or tmpfs:guest (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .argument('<program>', 'path of the program inside the root')
    .argument('[args...]', 'its arguments')
    .action(async (prog: string, args: string[], opts: { root: string; strace: boolean; debug: boolean; stats: boolean; memory: string; maxTasks: string; aslr: boolean; network: string; rootfsWritable: boolean; mount: string[]; user?: { uid: number; gid: number } }) => {
      const maxTasks = Number(opts.maxTasks);
      if (opts.network !== 'none' && opts.network !== 'host') throw new Error(`invalid --network: ${opts.network} (none or host)`);
      if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new Error(`invalid --max-tasks: ${opts.maxTasks}`);
      // Loaded on use: OCI calls (state, kill, ...) need none of the kernel.
      const { runCommand } = await import('./run');
      status = await runCommand(prog, args, {
        platform: program.opts().platform as string, root: opts.root, strace: opts.strace, debug: opts.debug,
        stats: opts.stats, memory: parseSize(opts.memory), maxTasks, aslr: opts.aslr, user: opts.user,
        rootfsWritable: opts.rootfsWritable, mounts: opts.mount.map(parseMountSpec), hostNetwork: opts.network === 'host',
      });
    });

  /** --mount host:guest[:ro] or tmpfs:guest. */
  function parseMountSpec(v: string): MountSpec {
    const parts = v.split(':');
    if (parts[0] === 'tmpfs' && parts.length === 2 && parts[1]!.startsWith('/')) return { kind: 'tmpfs', target: parts[1]! };
    if ((parts.length === 2 || (parts.length === 3 && parts[2] === 'ro')) && parts[1]!.startsWith('/')) {
      return { kind: 'bind', source: path.resolve(parts[0]!), target: parts[1]!, readonly: parts.length === 3 };
    }
    throw new Error(`invalid --mount ${v}: use host:guest[:ro] or tmpfs:guest`);
  }

  program.command('doctor')
    .description('report which platforms this host supports')
    .action(async () => { const { doctor } = await import('./doctor'); status = doctor((l) => process.stdout.write(l + '\n')); });

  await program.parseAsync(argv);
  return status;
}
