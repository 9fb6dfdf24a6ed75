// The OCI runtime command line (runc's contract): global flags --root, --log,
// --log-format, --debug, --systemd-cgroup, --rootless, --platform, and the
// subcommands containerd's shim and other OCI tools call. Parsing and wiring
// only: the work is in src/runtime/.
import { Command, Option } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { RuntimeLog } from '../runtime/log';
import { parseSignal } from '../runtime/signals';
import { DEFAULT_ROOT, OCI_VERSION } from '../runtime/state';
import { defaultSpec, features } from '../runtime/defaults';
import * as life from '../runtime/lifecycle';
import type { OciResources } from '../runtime/spec';

/** Subcommands only the OCI runtime has. */
const OCI_COMMANDS = new Set(['create', 'start', 'state', 'list', 'kill', 'delete', 'ps', 'exec', 'pause', 'resume', 'update', 'spec', 'features', 'events']);
/** Global flags that only make sense for the OCI runtime. */
const OCI_GLOBALS = /^--(root|log|log-format|debug|systemd-cgroup|rootless|criu)(=|$)/;

/** True when argv is an OCI runtime call rather than `tsvisor run PROGRAM` or `doctor`: an OCI
 *  global flag before the subcommand, an OCI-only subcommand, `run` with --bundle/-b, or --version. */
/** Options of `tsvisor run` that take a value in the next argument. */
const RUN_VALUE_OPTIONS = new Set(['--root', '--memory', '--max-tasks', '--user', '--mount']);

export function isOciInvocation(argv: string[]): boolean {
  let i = 2;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const a = argv[i]!;
    if (a === '--version' || a === '-v' || OCI_GLOBALS.test(a)) return true;
    if (/^--(platform)$/.test(a)) i++;
  }
  const cmd = argv[i];
  if (cmd === undefined) return false;
  if (OCI_COMMANDS.has(cmd)) return true;
  if (cmd !== 'run') return false;
  // `tsvisor run [OPTIONS] PROGRAM [ARGS]` or runc's `run [OPTIONS] ID`: only the options before
  // the first operand tell them apart (the program's own arguments may be anything, e.g. tr -d).
  for (let j = i + 1; j < argv.length; j++) {
    const a = argv[j]!;
    if (!a.startsWith('-')) return false;
    if (/^(--bundle|-b|--pid-file|--detach|-d|--console-socket|--no-pivot|--no-new-keyring|--preserve-fds|--keep)(=|$)/.test(a)) return true;
    if (RUN_VALUE_OPTIONS.has(a)) j++;
  }
  return false;
}

export async function ociMain(argv: string[]): Promise<number> {
  const program = new Command();
  let status = 0;
  let log: RuntimeLog | null = null;
  program
    .name('tsvisor')
    .description('tsvisor as an OCI runtime (runc\'s command line)')
    .option('--root <dir>', 'where container state is kept', DEFAULT_ROOT)
    .option('--log <file>', 'where the runtime\'s messages go (default: stderr)')
    .addOption(new Option('--log-format <format>', 'log format').choices(['text', 'json']).default('text'))
    .option('--debug', 'log debug messages', false)
    .option('--systemd-cgroup', 'accepted for runc compatibility (tsvisor does not use host cgroups)', false)
    .option('--rootless <value>', 'accepted for runc compatibility (true|false|auto)', 'auto')
    .option('--criu <path>', 'accepted for runc compatibility (checkpoint is not supported)')
    .addOption(new Option('--platform <name>', 'where the application runs').choices(['kvm', 'ptrace', 'systrap', 'auto']).default('auto'))
    .option('-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => { if (log?.file) log.error(s.trim()); else fs.writeSync(2, s); } })
    .enablePositionalOptions();

  const globals = (): life.GlobalOptions => {
    const o = program.opts() as { root: string; log?: string; logFormat: 'json' | 'text'; debug: boolean; platform: string };
    const root = path.resolve(o.root);
    log ??= new RuntimeLog(o.log, o.logFormat, o.debug, !o.log);
    return {
      root, log, platform: o.platform, childEntry: path.join(__dirname, 'boot.js'),
      childGlobals: { root, log: o.log ? path.resolve(o.log) : undefined, logFormat: o.logFormat, debug: o.debug, platform: o.platform },
    };
  };
  const out = (s: string) => fs.writeSync(1, s);

  program.command('create').description('create a container')
    .option('-b, --bundle <dir>', 'the bundle directory', '.')
    .option('--pid-file <file>', 'where to write the sandbox\'s host pid')
    .option('--console-socket <path>', 'unix socket that receives the pty master')
    .option('--no-pivot', 'accepted for runc compatibility')
    .option('--no-new-keyring', 'accepted for runc compatibility')
    .option('--preserve-fds <n>', 'accepted for runc compatibility (only 0 is supported)', '0')
    .argument('<id>')
    .action(async (id: string, o: { bundle: string; pidFile?: string; consoleSocket?: string; preserveFds: string }) => {
      if (o.preserveFds !== '0') throw new Error('--preserve-fds is not supported by tsvisor');
      await life.create(globals(), id, o);
    });

  program.command('run').description('create and start a container, and wait for it')
    .option('-b, --bundle <dir>', 'the bundle directory', '.')
    .option('--pid-file <file>', 'where to write the sandbox\'s host pid')
    .option('--console-socket <path>', 'unix socket that receives the pty master')
    .option('-d, --detach', 'do not wait for the container', false)
    .option('--no-pivot', 'accepted for runc compatibility')
    .option('--no-new-keyring', 'accepted for runc compatibility')
    .argument('<id>')
    .action(async (id: string, o: { bundle: string; pidFile?: string; consoleSocket?: string; detach: boolean }) => {
      const g = globals();
      if (o.detach) {
        await life.create(g, id, o);
        life.start(g, id);
        return;
      }
      const { makePlatform } = await import('./run');
      const { cpuFacts } = await import('./cpu');
      status = await life.runForeground(g, id, o, { makePlatform: (name, mem) => makePlatform(name, mem, false), cpu: cpuFacts() });
    });

  program.command('start').description('start a created container').argument('<id>')
    .action((id: string) => life.start(globals(), id));

  program.command('state').description('print a container\'s state as JSON').argument('<id>')
    .action((id: string) => { out(JSON.stringify(life.state(globals(), id), null, 2) + '\n'); });

  program.command('list').alias('ls').description('list containers')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-q, --quiet', 'print only the ids', false)
    .action((o: { format: string; quiet: boolean }) => {
      const all = life.list(globals());
      if (o.quiet) { out(all.map((s) => s.id + '\n').join('')); return; }
      if (o.format === 'json') { out(JSON.stringify(all.length ? all : null) + '\n'); return; }
      const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...all.map((s) => [s.id, String(s.pid), s.status, s.bundle, s.created, s.owner])];
      const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      out(rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(w[i]! + 3) : c)).join('') + '\n').join(''));
    });

  program.command('kill').description('send a signal to a container\'s init (or every process with --all)')
    .option('-a, --all', 'every process of the container', false)
    .argument('<id>').argument('[signal]', 'number or name', 'SIGTERM')
    .action((id: string, sig: string, o: { all: boolean }) => life.kill(globals(), id, parseSignal(sig), o.all));

  program.command('delete').alias('rm').description('delete a container')
    .option('-f, --force', 'kill it first if it runs; no error if it does not exist', false)
    .argument('<id>')
    .action((id: string, o: { force: boolean }) => life.del(globals(), id, o.force));

  program.command('ps').description('host processes of a container')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .argument('<id>').argument('[psArgs...]', 'options for ps(1) in table format')
    .allowUnknownOption()
    .action((id: string, psArgs: string[], o: { format: string }) => {
      const pids = life.ps(globals(), id);
      out(o.format === 'json' ? JSON.stringify(pids) + '\n' : life.psTable(pids, psArgs));
    });

  program.command('exec').description('run a new process in a container')
    .option('-p, --process <file>', 'the process as OCI JSON')
    .option('-d, --detach', 'do not wait for the process', false)
    .option('--pid-file <file>', 'where to write the process\'s host pid')
    .option('--console-socket <path>', 'unix socket that receives the pty master')
    .option('-t, --tty', 'allocate a terminal', false)
    .option('--cwd <dir>', 'working directory inside the container')
    .option('-e, --env <var>', 'KEY=VALUE (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-u, --user <uid[:gid]>', 'numeric user and group')
    .option('-g, --additional-gids <gid>', 'supplementary group (repeatable)', (v: string, acc: number[]) => [...acc, Number(v)], [] as number[])
    .option('--no-new-privs', 'set no_new_privs')
    .option('--preserve-fds <n>', 'accepted for runc compatibility (only 0 is supported)', '0')
    .argument('<id>').argument('[args...]')
    .passThroughOptions()
    .action(async (id: string, args: string[], o: { process?: string; detach: boolean; pidFile?: string; consoleSocket?: string; tty: boolean; cwd?: string; env: string[]; user?: string; additionalGids: number[]; newPrivs?: boolean; preserveFds: string }) => {
      if (o.preserveFds !== '0') throw new Error('--preserve-fds is not supported by tsvisor');
      status = await life.exec(globals(), id, {
        processFile: o.process, args, detach: o.detach, pidFile: o.pidFile, consoleSocket: o.consoleSocket, tty: o.tty,
        cwd: o.cwd, env: o.env, user: o.user, additionalGids: o.additionalGids, noNewPrivs: o.newPrivs === false ? true : undefined,
      });
    });

  program.command('pause').description('freeze every process of a container').argument('<id>')
    .action((id: string) => life.simple(globals(), id, 'pause'));
  program.command('resume').description('thaw a paused container').argument('<id>')
    .action((id: string) => life.simple(globals(), id, 'resume'));

  program.command('update').description('change a running container\'s memory and pids caps')
    .option('-r, --resources <file>', 'LinuxResources JSON ("-" for stdin)')
    .option('--memory <bytes>', 'memory limit')
    .option('--pids-limit <n>', 'task limit')
    .argument('<id>')
    .allowUnknownOption()
    .action((id: string, o: { resources?: string; memory?: string; pidsLimit?: string }) => {
      let r: OciResources = {};
      if (o.resources) r = JSON.parse(fs.readFileSync(o.resources === '-' ? 0 : o.resources, 'utf8')) as OciResources;
      if (o.memory) r.memory = { ...r.memory, limit: Number(o.memory) };
      if (o.pidsLimit) r.pids = { limit: Number(o.pidsLimit) };
      life.update(globals(), id, r);
    });

  program.command('events').description('container statistics (memory, tasks) as JSON')
    .option('--stats', 'print one record and exit', false)
    .option('--interval <seconds>', 'seconds between records', '5')
    .argument('<id>')
    .action(async (id: string, o: { stats: boolean; interval: string }) => {
      const g = globals();
      for (;;) {
        out(JSON.stringify(life.stats(g, id)) + '\n');
        if (o.stats) return;
        await new Promise((r) => setTimeout(r, Number(o.interval) * 1000));
        if (life.state(g, id).status === 'stopped') return;
      }
    });

  program.command('spec').description('write a default config.json')
    .option('-b, --bundle <dir>', 'where to write it', '.')
    .option('--rootless', 'accepted for runc compatibility', false)
    .action((o: { bundle: string }) => {
      const file = path.join(o.bundle, 'config.json');
      if (fs.existsSync(file)) throw new Error('File config.json exists. Remove it first.');
      fs.writeFileSync(file, JSON.stringify(defaultSpec(), null, '\t') + '\n');
    });

  program.command('features').description('what this runtime supports (JSON)')
    .action(() => { out(JSON.stringify(features(), null, '    ') + '\n'); });

  try {
    const head = argv.slice(2);
    if (head.length === 0 || (head.length === 1 && (head[0] === '--version' || head[0] === '-v'))) {
      const v = (require('../../../package.json') as { version: string }).version;
      out(`tsvisor version ${v}\nspec: ${OCI_VERSION}\n`);
      return 0;
    }
    await program.parseAsync(argv);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (code?.startsWith('commander.')) return 1;
    (log ?? globals().log).error(e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    (log as RuntimeLog | null)?.close();
  }
  return status;
}
