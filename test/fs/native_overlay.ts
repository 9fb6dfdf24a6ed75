// The native reference for programs that change the root: as pid1.ts (pid 1
// of a new pid namespace, chrooted into the root), but the root is first
// covered by a Linux overlayfs whose upper layer is a fresh host directory,
// and /tmp and /dev/shm are fresh tmpfs mounts. So native runs change nothing
// under test/.build and each run starts from the same tree, as each sandbox
// run does (tsvisor's default overlay). The devices are those pid1.ts gives.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../support/paths';
import { PID1_HOST_ENV } from '../support/pid1';
import { runNative, type RunResult } from '../support/run';

const DEVICES = ['null', 'zero', 'full', 'random', 'urandom'];
const LINKS: [string, string][] = [
  ['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'],
];

const SETUP = [
  'set -e',
  'root=$1; up=$2; shift 2',
  'mkdir -p "$up/u" "$up/w"',
  'mount -t overlay tsvisor-test-root -o "lowerdir=$root,upperdir=$up/u,workdir=$up/w" "$root"',
  'mount -t proc proc "$root/proc"',
  'mount -t tmpfs -o mode=755,size=64k tsvisor-test-dev "$root/dev"',
  `for d in ${DEVICES.join(' ')}; do : > "$root/dev/$d"; mount --bind "/dev/$d" "$root/dev/$d"; done`,
  ...LINKS.map(([name, target]) => `ln -s ${target} "$root/dev/${name}"`),
  'mkdir "$root/dev/shm"; mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"',
  'mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"',
  'ulimit -c 0',
  'exec "$@"',
].join('\n');

function which(name: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) if (fs.existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  throw new Error(`${name} not found (util-linux and coreutils are needed for the native reference)`);
}

/** Runs argv (guest paths) natively in an overlay over the test root. */
export function nativeInOverlay(argv: string[], env: Record<string, string>, input = '', timeoutMs = 60_000): RunResult {
  const up = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-ovl-'));
  try {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const user = process.getuid?.() === 0 ? [] : ['-r'];
    const full = [which('unshare'), ...user, '-m', '-p', '-f', '--kill-child', 'sh', '-c', SETUP, 'tsvisor-ovl', ROOT, up,
      which('env'), '-i', ...vars, which('chroot'), ROOT, ...argv];
    return runNative(full, { input, env: PID1_HOST_ENV, cwd: ROOT, timeoutMs });
  } finally {
    fs.rmSync(up, { recursive: true, force: true });
  }
}
