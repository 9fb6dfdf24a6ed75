// A minimal Debian root directory for the application suite (test/apps.test.ts),
// made once with debootstrap and cached outside the repository:
//
//   $TSVISOR_TEST_CACHE (default ~/.cache/tsvisor-test)/debian-bookworm
//
// It is built into a temporary directory and renamed into place when complete,
// so an interrupted build is never used. The tests only read it: natively the
// programs run chrooted with a tmpfs on /tmp, in the sandbox under the overlay.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const DEBIAN_SUITE = 'bookworm';
/** What the suite's programs need on top of debootstrap's minbase. */
export const DEBIAN_PACKAGES = ['python3', 'perl', 'sqlite3', 'git', 'xz-utils'];
const MIRROR = process.env.TSVISOR_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

function cacheDir(): string {
  return process.env.TSVISOR_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'tsvisor-test');
}

/** The root's path (it may not exist yet). */
export function debianRootPath(): string {
  return path.join(cacheDir(), `debian-${DEBIAN_SUITE}`);
}

function findDebootstrap(): string | null {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const p = path.join(d, 'debootstrap');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

let result: { root: string } | { why: string } | undefined;

/** The cached root, building it first when missing; or why there is none on this machine. */
export function debianRoot(): { root: string } | { why: string } {
  if (result) return result;
  const root = debianRootPath();
  if (fs.existsSync(path.join(root, 'usr', 'bin', 'python3'))) return (result = { root });
  const tool = findDebootstrap();
  if (!tool) return (result = { why: 'debootstrap is not installed (Debian package debootstrap; .ci/run installs it)' });
  if (process.getuid?.() !== 0) return (result = { why: 'debootstrap needs root' });
  fs.mkdirSync(cacheDir(), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir(), `.debian-${DEBIAN_SUITE}-`));
  console.log(`  building the Debian root for the application suite (debootstrap ${DEBIAN_SUITE}, once): ${root}`);
  const r = spawnSync(tool, ['--variant=minbase', `--include=${DEBIAN_PACKAGES.join(',')}`, DEBIAN_SUITE, tmp, MIRROR], {
    stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 30 * 60 * 1000, maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    return (result = { why: `debootstrap failed (${r.error?.message ?? `status ${r.status}`}): ${tail}` });
  }
  fs.renameSync(tmp, root);
  return (result = { root });
}
