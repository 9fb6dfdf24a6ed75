// ELF64 parsing (x86_64): the header and program headers the loader needs.
import { ENOEXEC } from './errno';

export const ET_EXEC = 2, ET_DYN = 3;
export const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const EHDR_SIZE = 64, PHDR_SIZE = 56;
const EM_X86_64 = 62;

export interface ProgramHeader {
  type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number; align: number;
}

export interface ElfImage {
  type: number;
  entry: number;
  phoff: number;
  phnum: number;
  phdrs: ProgramHeader[];
  interp: string | null;
}

function u64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 4294967296;
}

/** Parses the ELF header at buf[0..]; returns -ENOEXEC for anything we cannot run. */
export function parseElfHeader(buf: Uint8Array): Omit<ElfImage, 'phdrs' | 'interp'> | number {
  if (buf.length < EHDR_SIZE || buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) return -ENOEXEC;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf[4] !== 2 || buf[5] !== 1) return -ENOEXEC;            // ELFCLASS64, little endian
  const type = dv.getUint16(16, true);
  if (type !== ET_EXEC && type !== ET_DYN) return -ENOEXEC;
  if (dv.getUint16(18, true) !== EM_X86_64) return -ENOEXEC;
  if (dv.getUint16(54, true) !== PHDR_SIZE) return -ENOEXEC;
  const phnum = dv.getUint16(56, true);
  if (phnum === 0 || phnum > 1024) return -ENOEXEC;
  return { type, entry: u64(dv, 24), phoff: u64(dv, 32), phnum };
}

/** Parses program headers from buf (which holds phnum entries). */
export function parseProgramHeaders(buf: Uint8Array, phnum: number): ProgramHeader[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * PHDR_SIZE;
    out.push({
      type: dv.getUint32(o, true), flags: dv.getUint32(o + 4, true), offset: u64(dv, o + 8),
      vaddr: u64(dv, o + 16), filesz: u64(dv, o + 32), memsz: u64(dv, o + 40), align: u64(dv, o + 48),
    });
  }
  return out;
}
