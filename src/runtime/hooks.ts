// OCI hooks, run on the host as runc runs them: the hook's path with its args
// and env (nothing else), the container's state JSON on stdin, killed after its
// timeout. prestart/createRuntime run at create, poststart after start,
// poststop at delete.
import { spawnSync } from 'child_process';
import type { OciHook } from './spec';
import type { OciState } from './state';

/** Runs hooks in order; throws at the first failure (runc fails create/start then). */
export function runHooks(kind: string, hooks: OciHook[] | undefined, state: OciState): void {
  for (const h of hooks ?? []) {
    const argv = h.args && h.args.length > 0 ? h.args : [h.path];
    const r = spawnSync(h.path, argv.slice(1), {
      argv0: argv[0], input: JSON.stringify(state), env: envObject(h.env ?? []),
      stdio: ['pipe', 'pipe', 'pipe'], timeout: h.timeout ? h.timeout * 1000 : undefined, killSignal: 'SIGKILL',
    });
    // A hook that does not read its stdin is fine (EPIPE on the state JSON, as Go's exec ignores it).
    if (r.error && !((r.error as NodeJS.ErrnoException).code === 'EPIPE' && (r.status !== null || r.signal !== null))) throw new Error(`error running ${kind} hook ${h.path}: ${r.error.message}`);
    if (r.signal) throw new Error(`error running ${kind} hook ${h.path}: ${h.timeout && r.signal === 'SIGKILL' ? `timeout after ${h.timeout}s` : `killed by ${r.signal}`}`);
    if (r.status !== 0) {
      const out = `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}`.trim();
      throw new Error(`error running ${kind} hook ${h.path}: exit status ${r.status}${out ? `, stdout+stderr: ${out}` : ''}`);
    }
  }
}

function envObject(env: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) o[e.slice(0, i)] = e.slice(i + 1);
  }
  return o;
}
