// Comparing a native result with a sandbox result, with a message that
// points at the first difference.
import type { RunResult } from './run';

function firstDifference(name: string, want: string, got: string): string | null {
  if (want === got) return null;
  const a = want.split('\n');
  const b = got.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (l: string | undefined): string => (l === undefined ? '<end of output>' : JSON.stringify(l));
  return `${name} differs at line ${i + 1}:\n` +
    `    native:  ${show(a[i])}\n` +
    `    sandbox: ${show(b[i])}`;
}

/** The first and last few lines of a long text. */
function excerpt(text: string, lines: number): string {
  let all = text.trimEnd().split('\n');
  if (all.length > 2 * lines) all = [...all.slice(0, lines), '...', ...all.slice(-lines)];
  return all.map((l) => `    | ${l}`).join('\n');
}

/** null when the results match; otherwise what differs, with context. */
export function compareResults(native: RunResult, sandbox: RunResult): string | null {
  if (native.error) return `the native run failed: ${native.error}`;
  const problems: string[] = [];
  if (sandbox.error) problems.push(`sandbox run: ${sandbox.error}`);
  if (native.status !== sandbox.status) {
    problems.push(`exit status differs: native ${native.status}, sandbox ${sandbox.status}`);
  }
  const out = firstDifference('stdout', native.stdout, sandbox.stdout);
  if (out) problems.push(out);
  const err = firstDifference('stderr', native.stderr, sandbox.stderr);
  if (err) problems.push(err);
  if (problems.length === 0) return null;
  if (err && sandbox.stderr.trim().includes('\n')) problems.push(`sandbox stderr:\n${excerpt(sandbox.stderr, 5)}`);
  return problems.join('\n');
}

/** An error whose message is the whole report (uvu prints the stack after it). */
export function mismatch(message: string): Error {
  const e = new Error(message.replace(/\n/g, '\n    '));
  e.stack = 'mismatch';
  return e;
}
