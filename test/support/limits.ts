// Resource limits for tests that check tsvisor's --max-tasks and --memory
// (test/limits.test.ts). In the sandbox they are the CLI flags. Natively,
// as pid 1 (pid1.ts): the task limit is a pids cgroup made for the run
// (pids.max counts threads and processes, as --max-tasks does), the memory
// limit is RLIMIT_AS (ulimit -v), so a hog's malloc fails where the
// sandbox's cap would stop it.
import * as fs from 'fs';
import * as path from 'path';

export interface Limits {
  /** Threads plus processes: tsvisor --max-tasks; natively pids.max. */
  tasks?: number;
  /** MiB: tsvisor --memory; natively RLIMIT_AS. */
  memoryMiB?: number;
}

/** tsvisor run flags for the limits. */
export function sandboxFlags(l: Limits): string[] {
  const flags: string[] = [];
  if (l.tasks !== undefined) flags.push('--max-tasks', String(l.tasks));
  if (l.memoryMiB !== undefined) flags.push('--memory', `${l.memoryMiB}m`);
  return flags;
}

/** The directory under which pids cgroups can be made, or why there is none. */
function pidsHierarchy(): { dir?: string; why?: string } {
  if (process.getuid?.() !== 0) return { why: 'making a pids cgroup needs root' };
  const v1 = '/sys/fs/cgroup/pids';
  if (fs.existsSync(path.join(v1, 'cgroup.procs'))) return { dir: v1 };
  const v2 = '/sys/fs/cgroup';
  try {
    if (fs.readFileSync(path.join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('pids')) return { dir: v2 };
  } catch {
    // no cgroup v2 at the root
  }
  return { why: 'no pids cgroup controller (cgroup v1 /sys/fs/cgroup/pids, or pids in /sys/fs/cgroup/cgroup.subtree_control)' };
}

/** Why the native side of these limits cannot be built here; undefined when it can. */
export function nativeLimitsUnavailable(l: Limits): string | undefined {
  if (l.tasks !== undefined) return pidsHierarchy().why;
  return undefined;
}

let serial = 0;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs fn with a fresh pids cgroup limited to `max` tasks (fn gets its
 * cgroup.procs path), then removes the cgroup once its tasks are gone.
 */
export function withPidsCgroup<T>(max: number, fn: (procs: string) => T): T {
  const { dir, why } = pidsHierarchy();
  if (!dir) throw new Error(why);
  const cg = path.join(dir, `tsvisor-test-${process.pid}-${serial++}`);
  fs.mkdirSync(cg);
  try {
    fs.writeFileSync(path.join(cg, 'pids.max'), String(max));
    return fn(path.join(cg, 'cgroup.procs'));
  } finally {
    // The namespace's last tasks may take a moment to be reaped.
    for (let i = 0; ; i++) {
      try {
        fs.rmdirSync(cg);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EBUSY' || i >= 200) throw e;
        sleepMs(10);
      }
    }
  }
}
