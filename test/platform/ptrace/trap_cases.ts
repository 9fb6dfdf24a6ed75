// A trap platform (ptrace, systrap) through the Platform interface, with hand-written guest code:
// syscalls stop before the host runs them, faults arrive with Linux's vector, error
// code and address, FPU state stays per task, the tick preempts a spinning guest,
// address-space changes go to the stub in batches, and the stub process holds no
// fds but the memory file, no host vDSO or stack, and dies with its tracer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MemoryFile } from '../../../src/kernel/mm/memory_file';
import {
  EV_FAULT, EV_INTERRUPTED, EV_SYSCALL, PF_INSTR, PF_PRESENT, PF_USER, PF_WRITE, PROT_EXEC, PROT_READ, PROT_WRITE,
  VEC_BP, VEC_DE, VEC_GP, VEC_PF, VEC_UD, type AddressSpace, type Platform, type RunContext,
} from '../../../src/platform/platform';
import { ORIG_RAX, RAX, RCX, RDI, RIP, RSP, Regs } from '../../../src/platform/regs';
import { STUB_BASE, STUB_END } from '../../../src/platform/stub/layout';

const CODE = 0x400000, STACK = 0x7fff0000, DATA = 0x600000;

/** Registers the cases for one trap platform; `module` is its compiled module's path (the
 *  dies-with-its-tracer case starts it in a child process) and `cls` its class name. */
export function trapPlatformCases(name: string, make: (mem: MemoryFile) => Platform, module: string, cls: string): void {
  const test = suite(name);
  const mem = new MemoryFile(64 * 1024 * 1024);
  const p = make(mem);

  /** An address space with `code` at CODE (r-x) and one stack page; returns a context at CODE. */
  function setup(code: number[], as: AddressSpace = p.newAddressSpace()): RunContext {
    const c = mem.alloc4K(), s = mem.alloc4K();
    mem.bytes(c).set(code, c % 2 ** 30);
    as.map(CODE, c, 4096, PROT_READ | PROT_EXEC, false);
    as.map(STACK, s, 4096, PROT_READ | PROT_WRITE, false);
    const regs = new Regs();
    regs.set(RIP, CODE);
    regs.set(RSP, STACK + 4000);
    return { regs, fpu: p.newFpuState(), as };
  }

  const SYSCALL = [0x0f, 0x05];
  const movEax = (n: number) => [0xb8, n & 0xff, (n >> 8) & 0xff, 0, 0];

  test('a syscall stops before the host runs it; the result written to RAX reaches the guest', () => {
    // mov eax, 110 (getppid); syscall; mov edi, eax; mov eax, 60; syscall
    const ctx = setup([...movEax(110), ...SYSCALL, 0x89, 0xc7, ...movEax(60), ...SYSCALL]);
    let ev = p.run(ctx);
    assert.is(ev.kind, EV_SYSCALL);
    assert.is(ctx.regs.get(ORIG_RAX), 110);
    assert.is(ctx.regs.get(RIP), CODE + 7);
    assert.is(ctx.regs.get(RCX), CODE + 7, 'RCX holds the return address, as after `syscall`');
    ctx.regs.set(RAX, 4242);
    ev = p.run(ctx);
    assert.is(ev.kind, EV_SYSCALL);
    assert.is(ctx.regs.get(ORIG_RAX), 60, 'exit is only reported, never run');
    assert.is(ctx.regs.get(RDI), 4242);
    ctx.as.destroy();
  });

  test('faults: write to read-only, read of unmapped, fetch from non-exec, ud2, int3, divide by zero', () => {
    const ro = mem.alloc4K();
    // mov byte [DATA], 1
    let ctx = setup([0xc6, 0x04, 0x25, ...le32(DATA), 1]);
    ctx.as.map(DATA, ro, 4096, PROT_READ, false);
    let ev = p.run(ctx);
    assert.is(ev.kind, EV_FAULT);
    assert.is(ev.vector, VEC_PF);
    assert.is(ev.faultAddr, DATA);
    assert.is(ev.errorCode, PF_USER | PF_PRESENT | PF_WRITE);
    ctx.as.destroy();
    // mov al, [DATA + 0x1000] (not mapped)
    ctx = setup([0x8a, 0x04, 0x25, ...le32(DATA + 0x1000)]);
    ev = p.run(ctx);
    assert.is(ev.vector, VEC_PF);
    assert.is(ev.faultAddr, DATA + 0x1000);
    assert.is(ev.errorCode & PF_PRESENT, 0);
    ctx.as.destroy();
    // jmp to a mapped page without PROT_EXEC
    ctx = setup([0xe9, ...le32(DATA - (CODE + 5))]);
    ctx.as.map(DATA, ro, 4096, PROT_READ, false);
    ev = p.run(ctx);
    assert.is(ev.vector, VEC_PF);
    assert.is(ev.faultAddr, DATA);
    assert.ok(ev.errorCode & PF_INSTR, 'an instruction fetch');
    ctx.as.destroy();
    for (const [code, vec] of [[[0x0f, 0x0b], VEC_UD], [[0xcc], VEC_BP], [[0x31, 0xc9, 0xf7, 0xf1], VEC_DE]] as const) {
      ctx = setup([...code]);
      ev = p.run(ctx);
      assert.is(ev.kind, EV_FAULT);
      assert.is(ev.vector, vec);
      ctx.as.destroy();
    }
  });

  test('a call into the host vsyscall page and `int $0x80` never reach the host: a fault, as on KVM', () => {
    // movabs rax, 0xffffffffff600000 ; call rax
    let ctx = setup([0x48, 0xb8, 0x00, 0x00, 0x60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xd0]);
    let ev = p.run(ctx);
    assert.is(ev.kind, EV_FAULT);
    assert.is(ev.vector, VEC_PF);
    assert.is(ev.faultAddr, -0xa00000, '0xffffffffff600000 as a signed Number');
    assert.is(ctx.regs.getSigned(RIP), -0xa00000);
    assert.is(ctx.regs.get(RSP), STACK + 4000 - 8, 'the return address is pushed');
    ctx.as.destroy();
    ctx = setup([...movEax(20), 0xcd, 0x80]);
    ev = p.run(ctx);
    assert.is(ev.kind, EV_FAULT);
    assert.is(ev.vector, VEC_GP);
    assert.is(ctx.regs.get(RIP), CODE + 5);
    ctx.as.destroy();
  });

  test('mprotect over holes changes the mapped pages only', () => {
    const a = mem.alloc4K(), c = mem.alloc4K();
    // mov byte [DATA], 1 ; mov eax, 39 ; syscall
    const ctx = setup([0xc6, 0x04, 0x25, ...le32(DATA), 1, ...movEax(39), ...SYSCALL]);
    ctx.as.map(DATA, a, 4096, PROT_READ | PROT_WRITE, false);
    ctx.as.map(DATA + 0x2000, c, 4096, PROT_READ | PROT_WRITE, false);
    ctx.as.protect(DATA, 0x3000, PROT_READ);
    let ev = p.run(ctx);
    assert.is(ev.kind, EV_FAULT);
    assert.is(ev.errorCode, PF_USER | PF_PRESENT | PF_WRITE);
    ctx.as.protect(DATA, 0x3000, PROT_READ | PROT_WRITE);
    ev = p.run(ctx);
    assert.is(ev.kind, EV_SYSCALL);
    assert.is(mem.bytes(a)[a % 2 ** 30], 1);
    ctx.as.destroy();
  });

  test('FPU state is per task, also for two tasks in one address space', () => {
    // movq xmm0, rdi ; mov eax, 39 ; syscall ; movq rdi, xmm0 ; mov eax, 60 ; syscall
    const code = [0x66, 0x48, 0x0f, 0x6e, 0xc7, ...movEax(39), ...SYSCALL, 0x66, 0x48, 0x0f, 0x7e, 0xc7, ...movEax(60), ...SYSCALL];
    const a = setup(code);
    const b: RunContext = { regs: new Regs(), fpu: p.newFpuState(), as: a.as };
    b.regs.copyFrom(a.regs);
    a.regs.set(RDI, 0x1111); b.regs.set(RDI, 0x2222);
    assert.is(p.run(a).kind, EV_SYSCALL);
    assert.is(p.run(b).kind, EV_SYSCALL);
    const img = new Uint8Array(p.fpuFrameSize);
    p.saveFpu(a.fpu, img);
    assert.is(new DataView(img.buffer).getUint32(160, true), 0x1111, 'xmm0 in the XSAVE image (offset 160)');
    a.regs.set(RDI, 0); b.regs.set(RDI, 0);
    assert.is(p.run(a).kind, EV_SYSCALL);
    assert.is(a.regs.get(RDI), 0x1111);
    assert.is(p.run(b).kind, EV_SYSCALL);
    assert.is(b.regs.get(RDI), 0x2222);
    // loadFpu: a new xmm0 through an image (as rt_sigreturn does).
    new DataView(img.buffer).setUint32(160, 0x3333, true);
    assert.ok(p.loadFpu(b.fpu, img));
    b.regs.set(RIP, CODE + 12);
    assert.is(p.run(b).kind, EV_SYSCALL);
    assert.is(b.regs.get(RDI), 0x3333);
    a.as.destroy();
  });

  test('each task of an address space runs in a thread of its own in the stub; an exited task\'s thread serves the next', () => {
    // mov eax, 39 ; syscall ; jmp back to the mov
    const code = [...movEax(39), ...SYSCALL, 0xeb, 0xf7];
    const a = setup(code);
    const ctxs = [a, ...[1, 2].map((): RunContext => ({ regs: new Regs(), fpu: p.newFpuState(), as: a.as }))];
    for (const c of ctxs.slice(1)) c.regs.copyFrom(a.regs);
    const pid = (a.as as unknown as { stub: { pid: number } }).stub.pid;
    const threads = () => fs.readdirSync(`/proc/${pid}/task`).length;
    for (const c of ctxs) assert.is(p.run(c).kind, EV_SYSCALL);
    assert.is(threads(), 3, 'three tasks, three stub threads');
    // Switching between them moves no FPU image: each one's stays live in its thread.
    const loads = () => { const st = p.stats(); return st.fpuSwitches ?? st.fpuLoads!; };
    const before = loads();
    for (let i = 0; i < 20; i++) for (const c of ctxs) assert.is(p.run(c).kind, EV_SYSCALL);
    assert.is(loads(), before, 'no FPU image moved on 60 switches');
    // The tick reaches a thread that is not the stub's first.
    const spin: RunContext = { regs: new Regs(), fpu: ctxs[2]!.fpu, as: a.as };
    spin.regs.copyFrom(a.regs);
    spin.regs.set(RIP, CODE + 7); spin.regs.set(RSP, STACK + 4000);
    const spinCode = mem.alloc4K();
    mem.bytes(spinCode).set([0xeb, 0xfe], spinCode % 2 ** 30);
    a.as.map(CODE + 0x10000, spinCode, 4096, PROT_READ | PROT_EXEC, false);
    spin.regs.set(RIP, CODE + 0x10000);
    p.armTick(5_000_000);
    assert.is(p.run(spin).kind, EV_INTERRUPTED);
    // A task that exits gives its thread back: the next task takes it, no fourth thread.
    p.releaseFpu!(ctxs[1]!.fpu);
    const d: RunContext = { regs: new Regs(), fpu: p.newFpuState(), as: a.as };
    d.regs.copyFrom(a.regs);
    assert.is(p.run(d).kind, EV_SYSCALL);
    assert.is(threads(), 3);
    a.as.destroy();
  });

  test('the tick interrupts a guest spinning without syscalls', () => {
    const ctx = setup([0xeb, 0xfe]); // jmp .
    p.armTick(5_000_000);
    const ev = p.run(ctx);
    assert.is(ev.kind, EV_INTERRUPTED);
    assert.is(ctx.regs.get(RIP), CODE);
    ctx.as.destroy();
  });

  test('many mappings reach the stub as one batch', () => {
    const ctx = setup([...movEax(39), ...SYSCALL]);
    for (let i = 0; i < 300; i++) ctx.as.map(DATA + 2 * i * 4096, mem.alloc4K(), 4096, PROT_READ, false);
    const before = p.stats().batches!;
    assert.is(p.run(ctx).kind, EV_SYSCALL);
    assert.is(p.stats().batches! - before, 1);
    ctx.as.destroy();
  });

  test('the stub holds no fds but the memory file, nothing of the host below its own pages, and runs under seccomp', () => {
    const ctx = setup([...movEax(39), ...SYSCALL]);
    assert.is(p.run(ctx).kind, EV_SYSCALL);
    const pid = (ctx.as as unknown as { stub: { pid: number } }).stub.pid;
    assert.equal(fs.readdirSync(`/proc/${pid}/fd`), ['3']);
    assert.ok(fs.readlinkSync(`/proc/${pid}/fd/3`).includes('tsvisor-memory'));
    for (const line of fs.readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n')) {
      const [range] = line.split(' ');
      const [lo, hi] = range!.split('-').map((h) => parseInt(h, 16)) as [number, number];
      const ours = lo === CODE || lo === STACK || (lo >= STUB_BASE && hi <= STUB_END) || lo >= 2 ** 47;
      assert.ok(ours, `unexpected mapping in the stub: ${line}`);
      assert.not.match(line, /\[(vdso|vvar|stack|heap)/);
    }
    assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), /^Seccomp:\s+2$/m);
    assert.is(p.userTop, STUB_BASE);
    ctx.as.destroy();
  });

  test('the stub sits in its own pid, mount, network, IPC and UTS namespaces (as root)', () => {
    const ctx = setup([...movEax(39), ...SYSCALL]);
    assert.is(p.run(ctx).kind, EV_SYSCALL);
    const pid = (ctx.as as unknown as { stub: { pid: number } }).stub.pid;
    // Without root the host may refuse them; the stub then keeps ours (defence in depth only).
    if (process.getuid?.() === 0) {
      for (const ns of ['pid', 'mnt', 'net', 'ipc', 'uts']) {
        assert.is.not(fs.readlinkSync(`/proc/${pid}/ns/${ns}`), fs.readlinkSync(`/proc/self/ns/${ns}`), ns);
      }
      // pid 1 there is the template stub; the stubs forked from it see no host pid.
      const nspid = /^NSpid:\s+(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!.split(/\s+/);
      assert.is(nspid.length, 2);
      assert.ok(Number(nspid[1]) > 1);
    }
    ctx.as.destroy();
  });

  test('the template stub and the address spaces\' stubs die with tsvisor', () => {
    const probe = `const {MemoryFile}=require(${JSON.stringify(path.join(__dirname, '../../../src/kernel/mm/memory_file'))});` +
      `const {${cls}}=require(${JSON.stringify(module)});` +
      `const m=new MemoryFile(8<<20);const p=new ${cls}({memory:m});const as=p.newAddressSpace();` +
      `console.log(p.stubs.templateStub.pid+'\\n'+as.stub.pid);` +
      `process.kill(process.pid,'SIGKILL');`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    const pids = r.stdout.trim().split('\n').map(Number);
    assert.ok(pids.length >= 2 && pids.every((x) => x > 0), `no stub pids from the probe: ${r.stdout} ${r.stderr}`);
    // The kill is asynchronous to us: wait (not time) for the processes to go, up to 10 s.
    // The template and the address space's stub (its child) both.
    const dead = (pid: number) => !fs.existsSync(`/proc/${pid}`) || /^State:\s+Z/m.test(safeRead(`/proc/${pid}/status`));
    let gone = false;
    for (let i = 0; i < 1000 && !gone; i++) {
      gone = pids.every(dead);
      if (!gone) spawnSync('sleep', ['0.01']);
    }
    assert.ok(gone, `stubs outlived their tracer: ${pids.filter((x) => !dead(x)).join(' ')}`);
  });

  test.after(() => { p.close(); mem.close(); });
  test.run();
}

function safeRead(f: string): string { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } }
function le32(v: number): number[] { return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]; }
