// bench/syscall: getppid in a tight loop, natively, under tsvisor on each platform
// (kvm, ptrace, systrap), under runsc (ptrace platform), the KVM floor (the same
// guest path driven from C) and seccomp user notification (a C reference), in one
// run; µs per call with ratios against native and runsc, and tsvisor's host time
// per exit on KVM.
import { addon } from '../src/native';
import { MemoryFile } from '../src/kernel/mm/memory_file';
import { KvmPlatform } from '../src/platform/kvm/kvm_platform';
import { Regs, RIP, RSP } from '../src/platform/regs';
import { STUB_VA, STACK_TOP, PAGE } from '../src/platform/kvm/layout';
import { IRET_OFF } from '../src/platform/kvm/stub';
import { buildProgram, have, label, machine, run, summarize, table, tsvisorPlatforms, TSVISOR } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NATIVE_N = 2_000_000, GUEST_N = 20_000;

function floorNs(n: number): number {
  const mem = new MemoryFile(64 * 1024 * 1024);
  const p = new KvmPlatform({ memory: mem });
  const as = p.newAddressSpace();
  const code = mem.alloc4K();
  // mov eax, 110 ; syscall ; jmp -9   (getppid forever)
  mem.bytes(code).set([0xb8, 110, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7], code % 2 ** 30);
  as.map(0x400000, code, 4096, 5, false);
  const stack = mem.alloc4K();
  as.map(0x7fff0000, stack, 4096, 3, false);
  const regs = new Regs();
  regs.set(RIP, 0x400000); regs.set(RSP, 0x7fff0ff0);
  const ctx = { regs, fpu: p.newFpuState(), as };
  p.run(ctx); // first syscall through the TypeScript path: sets up CR3, the frame address
  regs.set(0, 1);
  p.run(ctx);
  const internals = p as unknown as { vcpu: { fd: number; runArea(): ArrayBuffer }; stackW: Uint32Array; stackBaseW: number };
  const frameWord = internals.stackBaseW + (PAGE - 40) / 4;
  const ns = addon.bench.floorSyscallLoop(internals.vcpu.fd, internals.vcpu.runArea(), internals.stackW, frameWord,
    STUB_VA + IRET_OFF, n, 1, STACK_TOP - 40);
  p.close();
  mem.close();
  if (ns < 0) throw new Error(`floor loop failed: errno ${-ns}`);
  return ns;
}

function main(): void {
  const prog = buildProgram('getppid');
  const plats = tsvisorPlatforms();
  const kvm = plats.includes('kvm');
  const results: Record<string, number[]> = { native: [] };
  if (kvm) results.floor = [];
  for (const p of plats) results[label(p)] = [];
  results.runsc = [];
  // Reference, in C: a getppid answered through seccomp user notification (bench/programs/notif.c).
  const notif = buildProgram('notif');
  results['seccomp user notif (C)'] = [];
  const hostPerExit: number[] = [];
  const hasRunsc = have('runsc');
  for (let i = 0; i < RUNS; i++) {
    results.native!.push(Number(run(prog, [String(NATIVE_N)]).stdout));
    const nt = run(notif, [String(GUEST_N)]);
    if (nt.status === 0) results['seccomp user notif (C)']!.push(Number(nt.stdout));
    if (kvm) results.floor!.push(floorNs(GUEST_N));
    for (const p of plats) {
      const t = run('node', [TSVISOR, `--platform=${p}`, 'run', prog, String(GUEST_N)]);
      if (t.status !== 0) throw new Error(`tsvisor on ${p} failed: ${t.stderr}`);
      results[label(p)]!.push(Number(t.stdout));
    }
    // A separate run with --stats: tsvisor's own count of host time between exits.
    const st = kvm ? run('node', [TSVISOR, '--platform=kvm', 'run', '--stats', prog, String(GUEST_N)]) : null;
    const m = st ? /stats (\{.*\})/.exec(st.stderr) : null;
    if (m) {
      const s = JSON.parse(m[1]!) as { exits: number; outsideMs: number };
      hostPerExit.push((s.outsideMs * 1e6) / s.exits);
    }
    if (hasRunsc) {
      const r = run('runsc', ['--network=none', '--platform=ptrace', 'do', prog, String(GUEST_N)]);
      if (r.status === 0) results.runsc!.push(Number(r.stdout));
    }
  }
  const native = summarize(results.native!).median;
  const runsc = results.runsc!.length ? summarize(results.runsc!).median : 0;
  const rows: string[][] = [];
  for (const [name, xs] of Object.entries(results)) {
    if (!xs.length) { rows.push([name, 'not measured', '', '', '']); continue; }
    const s = summarize(xs);
    rows.push([name, (s.median / 1000).toFixed(2), `${(s.min / 1000).toFixed(2)}..${(s.max / 1000).toFixed(2)}`,
      (s.median / native).toFixed(1) + 'x', runsc ? (runsc / s.median).toFixed(2) + 'x' : '']);
  }
  console.log(`bench/syscall: getppid, ${RUNS} runs each (median; spread min..max)`);
  console.log(`machine: ${machine()}`);
  console.log(table(['', 'µs per call', 'spread', 'vs native', 'speed vs runsc'], rows));
  if (kvm) {
    const ts = summarize(results[label('kvm')]!).median, fl = summarize(results.floor!).median;
    console.log(`TypeScript's share on KVM: tsvisor kvm - floor = ${((ts - fl) / 1000).toFixed(2)} µs per syscall`);
  }
  if (hostPerExit.length) {
    const h = summarize(hostPerExit);
    console.log(`tsvisor's own count of host time outside KVM_RUN per exit: ${(h.median / 1000).toFixed(2)} µs (${(h.min / 1000).toFixed(2)}..${(h.max / 1000).toFixed(2)})`);
  }
}

main();
