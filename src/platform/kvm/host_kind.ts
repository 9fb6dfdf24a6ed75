// Which kind of KVM this host has: hardware VMX/SVM, or PVM (a paravirtual,
// shadow-paging hypervisor for nested use). See DESIGN.md, "The hosts we run on".
import * as fs from 'fs';

export type HostKind = 'pvm' | 'vmx' | 'svm' | 'unknown';

/** CPU virtualisation flags of this host, from /proc/cpuinfo. */
export function cpuVirtFlags(): { vmx: boolean; svm: boolean } {
  let text = '';
  try { text = fs.readFileSync('/proc/cpuinfo', 'utf8'); } catch { /* not Linux */ }
  const flags = /^flags\s*:(.*)$/m.exec(text)?.[1]?.split(/\s+/) ?? [];
  return { vmx: flags.includes('vmx'), svm: flags.includes('svm') };
}

/** Decides the host kind from the PVM identification MSR (read on a vCPU) and the CPU flags. */
export function decideHostKind(pvmIdMsr: number | null): HostKind {
  if (pvmIdMsr === 0x4d5650) return 'pvm';
  const f = cpuVirtFlags();
  if (f.vmx) return 'vmx';
  if (f.svm) return 'svm';
  return 'unknown';
}
