// The vDSO image: build/Release/vdso.so (built by binding.gyp from vdso.c), found
// relative to this module, checked, and read the way musl's loader reads it
// (DT_HASH, DT_SYMTAB, DT_STRTAB, DT_VERSYM, DT_VERDEF), so a broken build is
// caught at start and not by a program that silently takes the syscall.
import * as fs from 'fs';
import * as path from 'path';
import { PAGE_SIZE } from '../mm/memory_file';
import { VDSO_SYMBOLS, VDSO_VERSION } from './layout';

const PT_LOAD = 1, PT_DYNAMIC = 2;
const DT_NULL = 0, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_RELA = 7, DT_REL = 17, DT_TEXTREL = 22,
  DT_VERSYM = 0x6ffffff0, DT_VERDEF = 0x6ffffffc;
const STT_FUNC = 2, STB_GLOBAL = 1, STB_WEAK = 2, SHN_UNDEF = 0;
const PF_W = 2;

export interface VdsoImage {
  /** The file, padded with zeroes to whole pages: its memory image (one PT_LOAD at 0). */
  bytes: Uint8Array;
  pages: number;
  /** Offset of each exported function, by name (all at version LINUX_2.6). */
  symbols: Map<string, number>;
}

/** Where the build puts the vDSO: <package>/build/{Release,Debug}/vdso.so (this module is
 *  dist/src/kernel/vdso/image.js). TSVISOR_VDSO overrides it. */
export function vdsoPath(): string | null {
  const env = process.env.TSVISOR_VDSO;
  if (env) return env;
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  for (const dir of ['Release', 'Debug']) {
    const p = path.join(root, 'build', dir, 'vdso.so');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/** Reads and checks the built vDSO; returns it or why it cannot be used. */
export function loadVdsoImage(file: string | null = vdsoPath()): VdsoImage | string {
  if (file === null) return 'build/Release/vdso.so is missing (run `npm run build`)';
  let raw: Buffer;
  try { raw = fs.readFileSync(file); } catch (e) { return `${file}: ${(e as Error).message}`; }
  const r = parseVdsoImage(raw);
  return typeof r === 'string' ? `${file}: ${r}` : r;
}

/** Checks an image: ELF64 x86_64 ET_DYN, one read+exec PT_LOAD at address and offset 0 whose
 *  memory image is the file, no relocations, and every symbol glibc and musl look up. */
export function parseVdsoImage(raw: Uint8Array): VdsoImage | string {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 64 || dv.getUint32(0, false) !== 0x7f454c46) return 'not an ELF file';
  if (raw[4] !== 2 || raw[5] !== 1) return 'not ELF64 little-endian';
  if (dv.getUint16(16, true) !== 3) return 'not ET_DYN';
  if (dv.getUint16(18, true) !== 62) return 'not x86_64';
  const phoff = num(dv, 32), phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  let load: { offset: number; vaddr: number; filesz: number; memsz: number; flags: number } | null = null;
  let dynamic = -1;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 56 > raw.length) return 'program headers out of the file';
    const type = dv.getUint32(o, true);
    if (type === PT_LOAD) {
      if (load !== null) return 'more than one PT_LOAD';
      load = { flags: dv.getUint32(o + 4, true), offset: num(dv, o + 8), vaddr: num(dv, o + 16), filesz: num(dv, o + 32), memsz: num(dv, o + 40) };
    } else if (type === PT_DYNAMIC) dynamic = num(dv, o + 16);
  }
  if (load === null) return 'no PT_LOAD';
  if (load.offset !== 0 || load.vaddr !== 0 || load.filesz !== load.memsz) return 'PT_LOAD is not the file image at address 0';
  if (load.flags & PF_W) return 'PT_LOAD is writable';
  if (load.filesz > raw.length) return 'PT_LOAD runs past the file';
  if (dynamic < 0) return 'no PT_DYNAMIC';

  const tags = new Map<number, number>();
  for (let o = dynamic; o + 16 <= raw.length; o += 16) {
    const tag = num(dv, o);
    if (tag === DT_NULL) break;
    tags.set(tag, num(dv, o + 8));
  }
  if (tags.has(DT_RELA) || tags.has(DT_REL) || tags.has(DT_TEXTREL)) return 'has relocations (the vDSO is never relocated)';
  const hash = tags.get(DT_HASH), symtab = tags.get(DT_SYMTAB), strtab = tags.get(DT_STRTAB);
  if (hash === undefined) return 'no DT_HASH (musl needs it: link with --hash-style=both)';
  if (symtab === undefined || strtab === undefined) return 'no DT_SYMTAB or DT_STRTAB';
  const versym = tags.get(DT_VERSYM), verdef = tags.get(DT_VERDEF);
  if (versym === undefined || verdef === undefined) return 'no symbol versions (DT_VERSYM, DT_VERDEF)';

  const symbols = new Map<string, number>();
  const nsym = dv.getUint32(hash + 4, true);
  for (let i = 1; i < nsym; i++) {
    const s = symtab + i * 24;
    const info = raw[s + 4]!, shndx = dv.getUint16(s + 6, true);
    if ((info & 0xf) !== STT_FUNC || ((info >> 4) !== STB_GLOBAL && (info >> 4) !== STB_WEAK) || shndx === SHN_UNDEF) continue;
    const name = cstr(raw, strtab + dv.getUint32(s, true));
    if (versionName(raw, dv, verdef, strtab, dv.getUint16(versym + 2 * i, true) & 0x7fff) !== VDSO_VERSION) continue;
    symbols.set(name, num(dv, s + 8));
  }
  for (const name of VDSO_SYMBOLS) if (!symbols.has(name)) return `does not export ${name}@${VDSO_VERSION}`;
  const pages = Math.ceil(raw.length / PAGE_SIZE);
  const bytes = new Uint8Array(pages * PAGE_SIZE);
  bytes.set(raw);
  return { bytes, pages, symbols };
}

/** The name of version index `idx` in the verdef chain (musl's checkver). */
function versionName(raw: Uint8Array, dv: DataView, verdef: number, strtab: number, idx: number): string | null {
  for (let d = verdef; ;) {
    const flags = dv.getUint16(d + 2, true), ndx = dv.getUint16(d + 4, true);
    if (!(flags & 1 /* VER_FLG_BASE */) && ndx === idx) {
      const aux = d + dv.getUint32(d + 12, true);
      return cstr(raw, strtab + dv.getUint32(aux, true));
    }
    const next = dv.getUint32(d + 16, true);
    if (next === 0) return null;
    d += next;
  }
}

function num(dv: DataView, o: number): number {
  return dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296;
}

function cstr(raw: Uint8Array, o: number): string {
  let e = o;
  while (e < raw.length && raw[e] !== 0) e++;
  return Buffer.from(raw.subarray(o, e)).toString('latin1');
}
