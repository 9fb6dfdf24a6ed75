// The stub's machine code, byte for byte, and a disassembly check where objdump exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildStub, buildTrampoline, IRET_OFF, APPLY_IRET_OFF, APPLY_EXIT_OFF, APPLY_OFF } from '../../../src/platform/kvm/stub';
import { VECTOR_PORT_BASE, PORT_SYSCALL, PORT_APPLIED, QUEUE_VA, STUB_VA } from '../../../src/platform/kvm/layout';

test('each vector entry is out PORT,al; ud2', () => {
  const s = buildStub();
  for (let v = 0; v < 32; v++) assert.equal([...s.subarray(v * 4, v * 4 + 4)], [0xe6, VECTOR_PORT_BASE + v, 0x0f, 0x0b]);
  assert.equal([...s.subarray(IRET_OFF, IRET_OFF + 2)], [0x48, 0xcf]);
});

test('apply loop addresses the queue rip-relative', () => {
  const s = buildStub();
  assert.equal([...s.subarray(APPLY_OFF, APPLY_OFF + 3)], [0x48, 0x8d, 0x15]);
  const disp = new DataView(s.buffer).getInt32(APPLY_OFF + 3, true);
  assert.is(STUB_VA + APPLY_OFF + 7 + disp, QUEUE_VA);
  assert.equal([...s.subarray(APPLY_EXIT_OFF + 5, APPLY_EXIT_OFF + 7)], [0xe6, PORT_APPLIED]);
});

test('trampoline: out PORT_SYSCALL, al; sysretq', () => {
  assert.equal([...buildTrampoline().subarray(0, 5)], [0xe6, PORT_SYSCALL, 0x48, 0x0f, 0x07]);
});

test('disassembles to the listed instructions', () => {
  let have = true;
  try { execFileSync('objdump', ['--version'], { stdio: 'ignore' }); } catch { have = false; }
  if (!have) return; // binutils absent: the byte checks above still hold
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stub-')), 'stub.bin');
  fs.writeFileSync(f, buildStub().subarray(APPLY_IRET_OFF, APPLY_OFF + 0x40));
  const out = execFileSync('objdump', ['-D', '-b', 'binary', '-mi386:x86-64', f], { encoding: 'utf8' });
  for (const ins of ['push   %rax', 'call', 'iretq', 'invlpg', 'mov    %rax,%cr3', 'ret']) assert.ok(out.includes(ins), ins);
});

test.run();
