// The native reference for programs with a root (DESIGN.md, "Tests and
// benchmarks"): the program runs as pid 1 of a new pid namespace, chrooted
// into the root, with a fresh /proc:
//
//   unshare -m -p -f --kill-child --mount-proc=ROOT/proc \
//     sh -c <setup> ... env -i VARS... chroot ROOT ARGV...
//
// <setup> is a small host shell script, run inside the new mount namespace
// (so nothing leaks to the host), that makes the root look like the
// sandbox's: a tmpfs on /dev holding the devices tsvisor's devfs has
// (null, zero, full, random, urandom, tty, console, bind-mounted from the
// host; a devpts instance at /dev/pts, /dev/ptmx -> pts/ptmx) and its
// fd/stdin/stdout/stderr links. It also sets RLIMIT_CORE to 0, so that a
// child killed by SIGSEGV or SIGABRT never reports a core dump natively
// (WCOREDUMP) and never writes a core file into the root. Then
// `env -i VARS... chroot ROOT ARGV...` runs the program with exactly its
// environment, in order.
//
// unshare re-raises a fatal signal of its child on itself, so runNative
// reports a program killed by a signal as 128+N with the shell's message,
// as for a program run directly.
import * as fs from 'fs';

/** The devices and links tsvisor's /dev has (src/kernel/vfs devfs). */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'console'];
const LINKS: [string, string][] = [
  ['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'],
];

function which(name: string): string {
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    const p = `${dir}/${name}`;
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${name} not found: the native pid-1 reference needs util-linux (unshare, mount) and coreutils (chroot)`);
}

const SETUP = [
  'set -e',
  'root=$1; mount=$2; procs=$3; vmem=$4; shift 4',
  // Limits (limits.ts): join a pids cgroup, cap the address space.
  'if [ "$procs" != - ]; then echo $$ > "$procs"; fi',
  'if [ "$vmem" != - ]; then ulimit -v "$vmem"; fi',
  '$mount -t tmpfs -o mode=755,size=64k tsvisor-test-dev "$root/dev"',
  `for d in ${DEVICES.join(' ')}; do : > "$root/dev/$d"; $mount --bind "/dev/$d" "$root/dev/$d"; done`,
  ...LINKS.map(([name, target]) => `ln -s ${target} "$root/dev/${name}"`),
  // A devpts instance of its own with /dev/ptmx linking to its ptmx, as containers have it.
  'mkdir "$root/dev/pts"',
  '$mount -t devpts -o newinstance,gid=5,mode=620,ptmxmode=666 devpts "$root/dev/pts"',
  'ln -s pts/ptmx "$root/dev/ptmx"',
  // sysfs, read-only as in the sandbox (and in containers).
  'mkdir -p "$root/sys"',
  '$mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys" || :', // (needs the network namespace's owner)
  // tmpfs at /dev/shm and /tmp, fresh for each run, as the sandbox's.
  'mkdir "$root/dev/shm"; $mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"',
  '$mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"',
  'ulimit -c 0',
  'exec "$@"',
].join('\n');

let tools: { unshare: string; mount: string; chroot: string; sh: string; env: string } | undefined;

/** The environment to run pid1Argv() with (the program's own is in the argv). */
export const PID1_HOST_ENV: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

/** Native limits for the run: a pids cgroup to join, RLIMIT_AS in KiB. */
export interface Pid1Limits {
  cgroupProcs?: string;
  vmemKiB?: number;
}

/**
 * The host argv that runs `argv` (guest paths) as pid 1 chrooted into
 * `root` with exactly the environment `env`, in its order (the setup shell
 * would reorder it: env -i sets it after the shell). Run it with
 * PID1_HOST_ENV. Not root: a user namespace (-r) gives the privileges, and
 * the program then sees uid 0 (ids differ from the sandbox's).
 */
export function pid1Argv(root: string, argv: string[], env: Record<string, string>, limits: Pid1Limits = {}): string[] {
  tools ??= { unshare: which('unshare'), mount: which('mount'), chroot: which('chroot'), sh: which('sh'), env: which('env') };
  const user = process.getuid?.() === 0 ? [] : ['-r'];
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  if (vars.some((kv) => kv.startsWith('='))) throw new Error('pid1Argv: an environment variable without a name');
  return [
    // --kill-child: when unshare is killed (the run timed out), SIGKILL goes
    // to pid 1 and so to the whole namespace; nothing is left behind.
    tools.unshare, ...user, '-m', '-p', '-f', '--kill-child', `--mount-proc=${root}/proc`,
    tools.sh, '-c', SETUP, 'tsvisor-pid1', root, tools.mount,
    limits.cgroupProcs ?? '-', limits.vmemKiB !== undefined ? String(limits.vmemKiB) : '-',
    tools.env, '-i', ...vars, tools.chroot, root, ...argv,
  ];
}
