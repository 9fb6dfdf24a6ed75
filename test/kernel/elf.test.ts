import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import { parseElfHeader, parseProgramHeaders, ET_EXEC, ET_DYN, PT_LOAD } from '../../src/kernel/elf';
import { ENOEXEC } from '../../src/kernel/errno';

test('rejects what is not a 64-bit x86 ELF', () => {
  assert.is(parseElfHeader(new Uint8Array(64)), -ENOEXEC);
  assert.is(parseElfHeader(Buffer.from('#!/bin/sh\n')), -ENOEXEC);
  const h = new Uint8Array(64);
  h.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]); // ELFCLASS32
  assert.is(parseElfHeader(h), -ENOEXEC);
});

test('parses the node binary (a real ET_DYN/ET_EXEC x86_64 ELF)', () => {
  const buf = fs.readFileSync(process.execPath);
  const h = parseElfHeader(buf);
  assert.type(h, 'object');
  if (typeof h === 'number') return;
  assert.ok(h.type === ET_EXEC || h.type === ET_DYN);
  const ph = parseProgramHeaders(buf.subarray(h.phoff, h.phoff + 56 * h.phnum), h.phnum);
  assert.ok(ph.some((p) => p.type === PT_LOAD));
  for (const p of ph) if (p.type === PT_LOAD) assert.ok(p.memsz >= p.filesz);
});

test.run();
