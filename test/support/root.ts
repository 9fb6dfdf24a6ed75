// Running one invocation in the test root (test/.build): natively through
// host paths, in the sandbox through guest paths with --root. Native output
// is shown with guest paths, so both sides compare directly.
import { ROOT, guestView, hostPath } from './paths';
import { RunResult, runNative, runSandbox } from './run';

/** Maps a guest path to the path the run uses. */
export type At = (guest: string) => string;

export interface Invocation {
  /** The whole argv, argv[0] included, with every path passed through `at`. */
  argv: (at: At) => string[];
  input: string;
  env: Record<string, string>;
}

export function nativeInRoot(inv: Invocation): RunResult {
  const r = runNative(inv.argv(hostPath), { input: inv.input, env: inv.env, cwd: ROOT });
  return { ...r, stdout: guestView(r.stdout), stderr: guestView(r.stderr) };
}

export function sandboxInRoot(platform: string, inv: Invocation): RunResult {
  return runSandbox(platform, inv.argv((p) => p), { input: inv.input, env: inv.env, root: ROOT });
}
