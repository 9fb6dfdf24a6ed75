// Where things are. The sandbox root for the tests is test/.build: it
// holds the built programs (/glibc, /musl, /pie), the fixture tree
// (/fixture), /bin/busybox and /etc/{passwd,group}. Native runs use the
// same files through their host paths.
import * as path from 'path';

/** The repository root (this file is compiled to dist/test/support). */
export const REPO = path.resolve(__dirname, '../../..');
export const PROGRAMS_DIR = path.join(REPO, 'test', 'programs');
/** The sandbox root directory on the host (no trailing slash). */
export const ROOT = path.join(REPO, 'test', '.build');
/** The CLI under test; TSVISOR_CLI overrides it (to test an installed build, or the harness itself). */
export const TSVISOR = process.env.TSVISOR_CLI ?? path.join(REPO, 'bin', 'tsvisor');

/** The host path of a path inside the sandbox root. */
export function hostPath(guest: string): string {
  if (!guest.startsWith('/')) throw new Error(`not an absolute guest path: ${guest}`);
  return ROOT + guest;
}

/** Native output names host paths; show them as the sandbox sees them. */
export function guestView(text: string): string {
  return text.split(ROOT + '/').join('/');
}
