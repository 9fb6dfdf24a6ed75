// Real applications (issue 7): bash, coreutils, python3, perl, sqlite3, git and
// node run scripts (test/apps/cases/) natively and in the sandbox, and stdout,
// stderr and exit status must be equal. Two roots:
//  - host: the host's own root directory (/), read-only under the sandbox's
//    overlay; natively the program runs as pid 1 of a new pid namespace with a
//    fresh tmpfs on /tmp, in a private mount namespace (nothing reaches the host);
//  - debian: a minimal Debian root made once with debootstrap and cached outside
//    the repository (support/debian_root.ts); natively chrooted into it the same way.
// Each script is passed as an argument (-c/-e), so the roots need no copy of it.
// What an application still lacks is on test/skiplist.json as apps:NAME@ROOT.
import * as fs from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import { compareResults, mismatch } from './support/compare';
import { debianRoot } from './support/debian_root';
import { REPO } from './support/paths';
import { platformSkippedLine, platforms } from './support/platforms';
import { runNative, runSandbox, type RunResult } from './support/run';
import { skipEntry, skipLine } from './support/skiplist';

const CASES_DIR = path.join(REPO, 'test', 'apps', 'cases');
const ENV: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC', HOME: '/root' };
const TIMEOUT_MS = 10 * 60 * 1000;

interface AppCase {
  id: string;
  file: string;
  /** The argv that runs source text src. */
  argv: (src: string) => string[];
  /** Roots the program exists in. */
  roots: RootName[];
}
type RootName = 'host' | 'debian';

const sh = (src: string) => ['/bin/bash', '-c', src, 'bash'];
const CASES: AppCase[] = [
  { id: 'bash', file: 'bash.sh', argv: sh, roots: ['host', 'debian'] },
  { id: 'coreutils', file: 'coreutils.sh', argv: sh, roots: ['host', 'debian'] },
  { id: 'python3', file: 'python.py', argv: (s) => ['/usr/bin/python3', '-c', s], roots: ['host', 'debian'] },
  { id: 'perl', file: 'perl.pl', argv: (s) => ['/usr/bin/perl', '-e', s], roots: ['host', 'debian'] },
  { id: 'sqlite3', file: 'sqlite.sh', argv: sh, roots: ['host', 'debian'] },
  { id: 'git', file: 'git.sh', argv: sh, roots: ['host', 'debian'] },
  // The same Node.js that runs tsvisor (so only in the host's root).
  { id: 'node', file: 'node.js', argv: (s) => [process.execPath, '-e', s], roots: ['host'] },
];

function which(name: string): string {
  for (const d of ['/usr/bin', '/usr/sbin', '/bin', '/sbin']) if (fs.existsSync(`${d}/${name}`)) return `${d}/${name}`;
  throw new Error(`${name} not found (util-linux and coreutils are needed for the native reference)`);
}

/** Natively: pid 1 of new pid and mount namespaces, a fresh tmpfs on ROOT/tmp, chrooted into ROOT
 *  unless it is /, with exactly ENV. */
function runNativeApp(root: string, argv: string[]): RunResult {
  const envPairs = Object.entries(ENV).map(([k, v]) => `${k}=${v}`);
  const chroot = root === '/' ? [] : [which('chroot'), root];
  const setup = 'mount -t tmpfs -o mode=1777 tsvisor-test-tmp "$0/tmp" && exec env -i "$@"';
  const full = [which('unshare'), '-m', '-p', '-f', '--kill-child', `--mount-proc=${path.join(root, 'proc')}`,
    which('sh'), '-c', setup, root === '/' ? '' : root, ...envPairs, ...chroot, ...argv];
  return runNative(full, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, cwd: '/', timeoutMs: TIMEOUT_MS });
}

const roots: Record<RootName, { root: string } | { why: string } | undefined> = { host: { root: '/' }, debian: undefined };
function rootPath(name: RootName): { root: string } | { why: string } {
  return (roots[name] ??= debianRoot());
}

for (const p of platforms()) {
  const s = suite(`apps [${p.name}]`);
  const all = CASES.flatMap((c) => c.roots.map((r) => ({ c, r })));
  if (!p.available) console.log(platformSkippedLine(p, 'apps', all.length));
  for (const { c, r } of all) {
    const id = `apps:${c.id}@${r}`;
    const entry = skipEntry(id, `apps:${c.id}`);
    if (!p.available) { s.skip(id); continue; } // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed above says why
    if (entry) { console.log(skipLine(`${id} on ${p.name}`, entry)); s.skip(id); continue; } // reason: listed in test/skiplist.json (what the app lacks), printed by skipLine
    const where = rootPath(r);
    if ('why' in where) { console.log(`  skip ${id} on ${p.name}: ${where.why}`); s.skip(id); continue; } // reason: no Debian root here (debootstrap missing or failed, or not root), printed above
    s(id, () => {
      const argv = c.argv(fs.readFileSync(path.join(CASES_DIR, c.file), 'utf8'));
      const native = runNativeApp(where.root, argv);
      const sandbox = runSandbox(p.name, argv, { root: where.root, env: ENV, cwd: '/', timeoutMs: TIMEOUT_MS });
      const diff = compareResults(native, sandbox);
      if (diff) throw mismatch(diff);
    });
  }
  s.run();
}
