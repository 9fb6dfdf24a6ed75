// The systrap platform: the trap-platform cases (../ptrace/trap_cases.ts), and what a guest
// reaches by jumping to the stub's own syscall instruction (the one the filter lets through).
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryFile } from '../../../src/kernel/mm/memory_file';
import { SystrapPlatform } from '../../../src/platform/systrap/systrap_platform';
import { EV_SYSCALL, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../../src/platform/platform';
import { ORIG_RAX, RAX, RIP, RSP, Regs } from '../../../src/platform/regs';
import { STUB_SYS_RET } from '../../../src/platform/stub/layout';
import { trapPlatformCases } from '../ptrace/trap_cases';

trapPlatformCases('systrap platform', (memory) => new SystrapPlatform({ memory }),
  path.join(__dirname, '../../../src/platform/systrap/systrap_platform'), 'SystrapPlatform');

test('a guest jumping to the stub\'s syscall instruction is still trapped (getpid, anonymous mmap, fork-like clone)', () => {
  const mem = new MemoryFile(16 * 1024 * 1024);
  const p = new SystrapPlatform({ memory: mem });
  const as = p.newAddressSpace();
  const c = mem.alloc4K(), s = mem.alloc4K();
  const insn = STUB_SYS_RET - 2;
  // mov rcx, insn (movabs) ; jmp rcx
  const code = [0x48, 0xb9, ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => Math.floor(insn / 2 ** (8 * i)) & 0xff), 0xff, 0xe1];
  mem.bytes(c).set(code, c % 2 ** 30);
  as.map(0x400000, c, 4096, PROT_READ | PROT_EXEC, false);
  as.map(0x7fff0000, s, 4096, PROT_READ | PROT_WRITE, false);
  // clone is let through only with exactly the stub-thread flags: not as fork (SIGCHLD), not with
  // them plus CLONE_SETTLS.
  for (const [nr, args] of [[39, [0, 0, 0, 0]], [9, [0, 4096, 3, 0x22]], [56, [17, 0, 0, 0]], [56, [0x50f00 | 0x80000, 0, 0, 0]]] as const) {
    const regs = new Regs();
    regs.set(RIP, 0x400000); regs.set(RSP, 0x7fff0f00); regs.set(RAX, nr);
    regs.set(5 /* RDI */, args[0]); regs.set(4 /* RSI */, args[1]); regs.set(3 /* RDX */, args[2]); regs.set(10 /* R10 */, args[3]);
    const ev = p.run({ regs, fpu: p.newFpuState(), as });
    assert.is(ev.kind, EV_SYSCALL, `syscall ${nr} from the stub's instruction reached the host`);
    assert.is(regs.get(ORIG_RAX), nr);
    assert.is(regs.get(RIP), STUB_SYS_RET);
  }
  as.destroy();
  p.close();
  mem.close();
});

test.run();
