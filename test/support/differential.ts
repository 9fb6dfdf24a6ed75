// Registers differential tests: each case runs natively and on every
// platform, and stdout, stderr and exit status must be equal. One uvu
// suite per platform, named "TITLE [PLATFORM]" (test/run.js counts per
// platform from that name). Cases on test/skiplist.json and cases on a
// platform this machine lacks are counted as skipped, with a printed reason.
import { suite } from 'uvu';
import { compareResults, mismatch } from './compare';
import { makeFixture } from './fixture';
import { platformSkippedLine, platforms } from './platforms';
import { Invocation, nativeInRoot, sandboxInRoot } from './root';
import type { RunResult } from './run';
import { skipEntry, skipLine } from './skiplist';

export interface DiffCase {
  id: string;
  /** Keys looked up in skiplist.json: the id first, then broader ones. */
  skipKeys: string[];
  invocation: Invocation;
  /** Runs before the case (building the binary, for instance). */
  prepare?: () => Promise<void>;
  /** Applied to both sides' stdout before comparing (e.g. sorting find's output). */
  normalize?: (stdout: string) => string;
  /** Why this case cannot run on this machine (printed, counted as skipped); undefined when it can. */
  unavailable?: () => string | undefined;
  /** More checks after the comparison: null, or what is wrong. */
  verify?: (native: RunResult, sandbox: RunResult) => string | null;
}

async function check(platform: string, c: DiffCase): Promise<void> {
  await c.prepare?.();
  makeFixture();
  const native = nativeInRoot(c.invocation);
  const sandbox = sandboxInRoot(platform, c.invocation);
  const norm = (r: RunResult): RunResult => (c.normalize ? { ...r, stdout: c.normalize(r.stdout) } : r);
  const diff = compareResults(norm(native), norm(sandbox));
  if (diff) throw mismatch(diff);
  const wrong = c.verify?.(native, sandbox);
  if (wrong) throw mismatch(wrong);
}

export function differentialSuites(title: string, cases: DiffCase[]): void {
  for (const p of platforms()) {
    const s = suite(`${title} [${p.name}]`);
    if (!p.available) console.log(platformSkippedLine(p, title, cases.length));
    for (const c of cases) {
      const entry = skipEntry(...c.skipKeys);
      const why = c.unavailable?.();
      if (!p.available) s.skip(c.id); // reason: the platform is unavailable, printed above
      else if (entry) {
        console.log(skipLine(`${c.id} on ${p.name}`, entry));
        s.skip(c.id); // reason: skiplist.json, printed on the line above
      } else if (why) {
        console.log(`  skip ${c.id} on ${p.name}: ${why}`);
        s.skip(c.id); // reason: this machine cannot run it, printed on the line above
      } else s(c.id, () => check(p.name, c));
    }
    s.run();
  }
}
