// test/skiplist.json: tests that may differ, with the reason and the issue
// that will fix them. Keys are test ids ("rofs@musl", "busybox:uname-a")
// or a program name, which covers all of its builds. The list only shrinks.
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from './paths';

export interface SkipEntry {
  reason: string;
  /** The issue that will remove the entry; null while none is filed. */
  issue: number | null;
}

let entries: Map<string, SkipEntry> | undefined;

function load(): Map<string, SkipEntry> {
  const file = path.join(REPO, 'test', 'skiplist.json');
  const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: not an object`);
  const map = new Map<string, SkipEntry>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = value as Partial<SkipEntry> | null;
    if (!v || typeof v.reason !== 'string' || !v.reason.trim()) throw new Error(`${file}: ${key} has no reason`);
    if (v.issue !== null && !Number.isInteger(v.issue)) throw new Error(`${file}: ${key}.issue must be a number or null`);
    map.set(key, { reason: v.reason, issue: v.issue ?? null });
  }
  return map;
}

/** The entry for the first key that is listed, if any. */
export function skipEntry(...keys: string[]): SkipEntry | undefined {
  entries ??= load();
  for (const k of keys) {
    const e = entries.get(k);
    if (e) return e;
  }
  return undefined;
}

/** The line printed for a skipped test. */
export function skipLine(id: string, e: SkipEntry): string {
  return `  skip ${id}: ${e.reason} (${e.issue === null ? 'no issue filed' : `issue #${e.issue}`})`;
}
