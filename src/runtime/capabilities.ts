// config.json's process.capabilities (bounding, effective, permitted,
// inheritable, ambient: lists of CAP_* names) as the capability numbers the
// kernel's first task of a container (or of an exec) holds before its program
// runs, as runc sets them before execve. A name Linux does not have is an
// error that names it.
import { CAP_NAMES } from '../kernel/abi/capability';
import type { CapabilitySets } from '../kernel/kernel';

const SETS = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const;

/** The sets of a process's capabilities object; undefined when it has none (the process keeps
 *  what it would have without a list: root every capability, other users none). */
export function parseCapabilities(raw: unknown, where: string): CapabilitySets | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}.capabilities must be an object`);
  const o = raw as Record<string, unknown>;
  const out: CapabilitySets = { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] };
  for (const set of SETS) {
    const list = o[set];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new Error(`${where}.capabilities.${set} must be an array of capability names`);
    for (const name of list as unknown[]) {
      const nr = typeof name === 'string' ? CAP_NAMES.indexOf(name) : -1;
      if (nr < 0) throw new Error(`${where}.capabilities.${set}: unknown capability "${String(name)}"`);
      out[set].push(nr);
    }
  }
  return out;
}
