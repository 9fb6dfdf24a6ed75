// The sandbox platforms the suite runs on, and whether this machine has them.
// A platform that is missing makes its tests skipped, loudly, never passed.
// TSVISOR_TEST_PLATFORMS=ptrace,kvm limits a run to those platforms (the others are
// not listed at all, so nothing is reported skipped for them).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface Platform {
  name: string;
  available: boolean;
  /** Why it is not available. */
  why: string;
}

function kvm(): Platform {
  try {
    fs.closeSync(fs.openSync('/dev/kvm', fs.constants.O_RDWR));
    return { name: 'kvm', available: true, why: '' };
  } catch (e) {
    return { name: 'kvm', available: false, why: `/dev/kvm: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
}

/** The trap platforms work wherever a process may trace its child and install seccomp
 *  filters (no seccomp policy or LSM forbidding it): probed by starting the platform and one
 *  address space (a stub process) in a child Node. */
function trap(name: string, file: string, cls: string): Platform {
  const repo = path.resolve(__dirname, '../../..');
  const probe = `const {MemoryFile}=require(${JSON.stringify(path.join(repo, 'dist/src/kernel/mm/memory_file'))});` +
    `const {${cls}}=require(${JSON.stringify(path.join(repo, 'dist/src/platform', file))});` +
    `const m=new MemoryFile(8<<20);const p=new ${cls}({memory:m});p.newAddressSpace().destroy();p.close();`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return { name, available: true, why: '' };
  const msg = (r.stderr || r.error?.message || `status ${r.status}`).split('\n').find((l) => /Error/.test(l)) ?? 'probe failed';
  return { name, available: false, why: `${name}: ${msg.trim()}` };
}

let cached: Platform[] | null = null;

export function platforms(): Platform[] {
  if (cached) return cached;
  const only = process.env.TSVISOR_TEST_PLATFORMS?.split(',').map((s) => s.trim()).filter((s) => s);
  const all: [string, () => Platform][] = [
    ['kvm', kvm],
    ['ptrace', () => trap('ptrace', 'ptrace/ptrace_platform', 'PtracePlatform')],
    ['systrap', () => trap('systrap', 'systrap/systrap_platform', 'SystrapPlatform')],
  ];
  cached = all.filter(([n]) => !only || only.includes(n)).map(([, f]) => f());
  return cached;
}

/** The line .ci/run looks for: it fails when doctor says the platform is available. */
export function platformSkippedLine(p: Platform, suite: string, count: number): string {
  return `!!! PLATFORM SKIPPED: ${p.name} (${p.why}): all ${count} ${suite} tests on ${p.name} are SKIPPED, not passed`;
}
