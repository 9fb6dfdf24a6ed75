// Signals as `kill` takes them: a number, or a name with or without "SIG" (runc's rules).
import * as os from 'os';

export function parseSignal(s: string): number {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 64) return n;
    throw new Error(`unknown signal "${s}"`);
  }
  const name = s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) {
    const k = Number(rt[1] ?? 0);
    const n = name.startsWith('SIGRTMIN') ? 34 + k : 64 - k;
    if (n >= 34 && n <= 64) return n;
  }
  const n = (os.constants.signals as Record<string, number>)[name];
  if (n === undefined) throw new Error(`unknown signal "${s}"`);
  return n;
}
