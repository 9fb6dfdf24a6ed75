// Loads the native addon (built by node-gyp into build/Release).
import type { Addon } from './addon';
export type * from './addon';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const bindings = require('bindings') as (opts: { bindings: string; module_root: string }) => unknown;
const path = require('path') as typeof import('path');

const root = path.join(__dirname, '..', '..', '..');
/** build/Release first, directly: bindings tries its other places first, each a failed require. */
function load(): Addon {
  try { return require(path.join(root, 'build', 'Release', 'tsvisor.node')) as Addon; } catch { /* elsewhere */ }
  return bindings({ bindings: 'tsvisor', module_root: root }) as Addon;
}
export const addon = load();
export const host = addon.host;
export const hostWrite = addon.hostWrite;
export const hostnet = addon.hostnet;

/** A kvm constant by name; throws on a typo so a missing offset never reads as 0. */
export function kc(name: string): number {
  const v = addon.kvm.constants[name];
  if (v === undefined) throw new Error(`native constant ${name} missing`);
  return v;
}
