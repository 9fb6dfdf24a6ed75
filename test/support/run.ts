// Running a program natively or under tsvisor, with the same reporting.
//
// tsvisor exits with the program's status, or 128+N when a signal killed
// it, and then prints the shell's one-line message for that signal on its
// stderr ("Segmentation fault"), as bash does for a foreground job but
// without the job number and command. runNative reports a signal death
// the same way, so the two results compare directly.
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { REPO, TSVISOR } from './paths';

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
  /** Set when the run itself went wrong (not found, timed out, tsvisor crashed). */
  error?: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Given on stdin (a pipe); stdin is an empty pipe otherwise. */
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

export interface SandboxOptions extends RunOptions {
  /** The sandbox root directory (tsvisor run --root). */
  root?: string;
  strace?: boolean;
  /** More `tsvisor run` options (--max-tasks, --memory), before the program. */
  flags?: string[];
}

/** What bash prints when a foreground job dies of the signal (none for INT and PIPE). */
export const SIGNAL_MESSAGES: Partial<Record<NodeJS.Signals, string>> = {
  SIGHUP: 'Hangup', SIGQUIT: 'Quit', SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap', SIGABRT: 'Aborted', SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception', SIGKILL: 'Killed', SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault', SIGUSR2: 'User defined signal 2', SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated', SIGSTKFLT: 'Stack fault', SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded', SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired', SIGIO: 'I/O possible', SIGPWR: 'Power failure',
  SIGSYS: 'Bad system call',
};

function signalNumber(sig: NodeJS.Signals): number {
  return os.constants.signals[sig];
}

function spawn(file: string, args: string[], opts: RunOptions): SpawnSyncReturns<string> {
  return spawnSync(file, args, {
    env: opts.env ?? {},
    input: opts.input ?? '',
    cwd: opts.cwd,
    timeout: opts.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 << 20,
    encoding: 'utf8',
  });
}

function failure(r: SpawnSyncReturns<string>, what: string): string | undefined {
  const e = r.error as NodeJS.ErrnoException | undefined;
  if (e?.code === 'ETIMEDOUT') return `${what} timed out`;
  if (e) return `${what} could not run: ${e.message}`;
  return undefined;
}

/** Runs argv directly on the host, reporting a fatal signal as tsvisor does. */
export function runNative(argv: string[], opts: RunOptions = {}): RunResult {
  const [file, ...args] = argv;
  if (!file) throw new Error('runNative: empty argv');
  const r = spawn(file, args, opts);
  const res: RunResult = { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1 };
  const error = failure(r, file);
  if (error) res.error = error;
  else if (r.signal) {
    res.status = 128 + signalNumber(r.signal);
    const msg = SIGNAL_MESSAGES[r.signal];
    if (msg) res.stderr += `${msg}\n`;
  }
  return res;
}

/** Runs argv under `tsvisor --platform=PLATFORM run`; argv[0] is a path inside the root. */
export function runSandbox(platform: string, argv: string[], opts: SandboxOptions = {}): RunResult {
  if (!fs.existsSync(TSVISOR)) return { stdout: '', stderr: '', status: -1, error: `${TSVISOR} does not exist` };
  const cli = [TSVISOR, `--platform=${platform}`, 'run'];
  if (opts.root) cli.push('--root', opts.root);
  if (opts.strace) cli.push('--strace');
  if (opts.flags) cli.push(...opts.flags);
  const r = spawn(process.execPath, [...cli, ...argv], { cwd: REPO, ...opts });
  const res: RunResult = { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1 };
  const error = failure(r, 'tsvisor');
  if (error) res.error = error;
  else if (r.signal) {
    // tsvisor itself died: that is never the program's doing.
    res.status = 128 + signalNumber(r.signal);
    res.error = `tsvisor itself was killed by ${r.signal}`;
  }
  return res;
}
