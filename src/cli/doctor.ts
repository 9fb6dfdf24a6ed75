// `tsvisor doctor`: what this host offers each platform, in plain words.
import * as fs from 'fs';
import { addon, kc } from '../native';
import { cpuVirtFlags } from '../platform/kvm/host_kind';
import { MemoryFile } from '../kernel/mm/memory_file';
import { choosePlatform } from './platform_choice';

export function doctor(out: (line: string) => void): number {
  out(`tsvisor doctor`);
  if (!fs.existsSync('/dev/kvm')) {
    out('kvm: unavailable (no /dev/kvm)');
  } else {
    try {
      const kvm = new addon.kvm.Kvm();
      const version = kvm.apiVersion();
      const caps: [string, string][] = [
        ['USER_MEMORY', 'CAP_USER_MEMORY'], ['SYNC_REGS', 'CAP_SYNC_REGS'], ['IMMEDIATE_EXIT', 'CAP_IMMEDIATE_EXIT'],
        ['XSAVE', 'CAP_XSAVE'], ['XCRS', 'CAP_XCRS'], ['EXT_CPUID', 'CAP_EXT_CPUID'],
      ];
      const found = caps.map(([n, c]) => `${n}=${kvm.checkExtension(kc(c))}`);
      // Host kind: PVM answers its identification MSR on a vCPU.
      const mem = new MemoryFile(2 * 1024 * 1024);
      const vm = new addon.kvm.Vm(kvm);
      const vcpu = new addon.kvm.Vcpu(vm, 0, 0);
      const msr = new Uint32Array(2);
      const pvm = vcpu.getMsr(0x4b564d11, msr) === 1 && msr[0] === 0x4d5650;
      vcpu.close(); vm.close(); mem.close(); kvm.close();
      const f = cpuVirtFlags();
      const kind = pvm ? 'PVM' : f.vmx ? 'VMX' : f.svm ? 'SVM' : 'unknown';
      out(`kvm: available (${kind}), API version ${version}`);
      out(`  capabilities: ${found.join(' ')}`);
      out(`  host looks nested: ${pvm || !(f.vmx || f.svm) ? 'yes (no vmx/svm flag in /proc/cpuinfo' + (pvm ? ', PVM hypervisor)' : ')') : 'no'}`);
      if (!pvm) out('  note: the VMX/SVM path is unverified until it runs on such a host; tsvisor is developed on PVM.');
      else out('  note: VMX/SVM (bare-metal) hosts use the same guest set-up but that path is unverified until someone runs it there.');
    } catch (e) {
      out(`kvm: unavailable (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  // Every platform, started once, with its measured round trip (one trapped getppid).
  const c = choosePlatform(true);
  for (const p of c.probes) {
    const rt = `syscall round trip ${(p.roundTripNs / 1000).toFixed(1)} µs (one trapped getppid, measured now)`;
    if (p.name === 'kvm') { if (p.available) out(`kvm ${rt}`); continue; } // described above
    if (p.available) out(`${p.name}: available, ${rt}`);
    else out(`${p.name}: unavailable (${p.why})`);
    if (p.name === 'ptrace' && p.available) {
      out('  every syscall stops the stub process under PTRACE_SYSEMU; none reaches the host');
    }
    if (p.name === 'systrap' && p.available) {
      out('  a seccomp filter turns every syscall into SIGSYS in the stub; its handler hands off through a shared futex');
    }
  }
  out(c.name ? `auto picks: ${c.name} (${c.why})` : 'auto picks: none (no platform is available)');
  return c.name ? 0 : 1;
}
