// Running one invocation in the test root (test/.build): natively through
// host paths, in the sandbox through guest paths with --root. Native output
// is shown with guest paths, so both sides compare directly. An invocation
// marked pid1 runs natively as pid 1 of a new pid namespace, chrooted into
// the root, with guest paths (see pid1.ts): the reference for programs that
// fork, signal or look at /proc.
import { ROOT, guestView, hostPath } from './paths';
import { Limits, sandboxFlags, withPidsCgroup } from './limits';
import { PID1_HOST_ENV, pid1Argv } from './pid1';
import { RunResult, runNative, runSandbox } from './run';

/** Maps a guest path to the path the run uses. */
export type At = (guest: string) => string;

export interface Invocation {
  /** The whole argv, argv[0] included, with every path passed through `at`. */
  argv: (at: At) => string[];
  input: string;
  env: Record<string, string>;
  /** Natively: pid 1 in a new pid namespace, chrooted into the root (unshare -m -p -f, chroot). */
  pid1?: boolean;
  /** The run's time limit (default: runNative's and runSandbox's). */
  timeoutMs?: number;
  /** Task and memory limits (limits.ts): tsvisor flags, natively a pids cgroup and RLIMIT_AS; needs pid1. */
  limits?: Limits;
}

export function nativeInRoot(inv: Invocation): RunResult {
  const opts = { input: inv.input, env: inv.env, cwd: ROOT, ...(inv.timeoutMs ? { timeoutMs: inv.timeoutMs } : {}) };
  const limits = inv.limits;
  if (limits && !inv.pid1) throw new Error('limits need a pid1 invocation');
  if (inv.pid1) {
    const run = (cgroupProcs?: string): RunResult => {
      const vmemKiB = limits?.memoryMiB !== undefined ? limits.memoryMiB * 1024 : undefined;
      const argv = pid1Argv(ROOT, inv.argv((p) => p), inv.env, { cgroupProcs, vmemKiB });
      return runNative(argv, { ...opts, env: PID1_HOST_ENV });
    };
    return limits?.tasks !== undefined ? withPidsCgroup(limits.tasks, run) : run();
  }
  const r = runNative(inv.argv(hostPath), opts);
  return { ...r, stdout: guestView(r.stdout), stderr: guestView(r.stderr) };
}

export function sandboxInRoot(platform: string, inv: Invocation): RunResult {
  return runSandbox(platform, inv.argv((p) => p), {
    input: inv.input, env: inv.env, root: ROOT, ...(inv.timeoutMs ? { timeoutMs: inv.timeoutMs } : {}),
    ...(inv.limits ? { flags: sandboxFlags(inv.limits) } : {}),
  });
}
