// The sandbox platforms the suite runs on, and whether this machine has them.
// A platform that is missing makes its tests skipped, loudly, never passed.
import * as fs from 'fs';

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

export function platforms(): Platform[] {
  return [kvm()];
}

/** The line .ci/run looks for: it fails when doctor says the platform is available. */
export function platformSkippedLine(p: Platform, suite: string, count: number): string {
  return `!!! PLATFORM SKIPPED: ${p.name} (${p.why}): all ${count} ${suite} tests on ${p.name} are SKIPPED, not passed`;
}
