// The ELF loader: maps a program (and its interpreter) into a fresh address
// space and builds the initial stack: argc, argv, envp, auxv (System V ABI).
import { E2BIG, EACCES, EFAULT, ENOEXEC, ENOMEM } from './errno';
import { parseElfHeader, parseProgramHeaders, ET_DYN, PF_R, PF_W, PF_X, PHDR_SIZE, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_PHDR, type ProgramHeader } from './elf';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../platform/platform';
import { MAP_PRIVATE, MAP_ANONYMOUS, MAP_GROWSDOWN } from './mm/vma';
import { TASK_SIZE, type MM } from './mm/mm';
import { PAGE_SIZE } from './mm/memory_file';
import type { FileDescription } from './vfs/file';
import { release } from './vfs/fd_table';
import type { Task } from './task';
import { randomInt } from './host_random';

export interface ExecFile { file: FileDescription; path: string }

/** Where a non-PIE-aware kernel puts ET_DYN programs without ASLR (Linux's ELF_ET_DYN_BASE). */
export const ELF_ET_DYN_BASE = 0x555555554000;
export const STACK_SIZE = 8 * 1024 * 1024;
/** Gap between the stack top and the mmap base (Linux's mmap_base()): the stack limit, the stack
 *  guard gap (256 pages) and the most the stack top can move, but at least 128 MiB. */
function mmapGap(aslr: boolean): number {
  return Math.max(128 * 1024 * 1024, STACK_SIZE + 256 * PAGE_SIZE + (aslr ? STACK_RND_PAGES * PAGE_SIZE : 0));
}
/** Address-space randomisation as x86_64 Linux does it (randomize_va_space=2): the stack top moves
 *  down by up to 2^22 pages (STACK_RND_MASK), the mmap base and a PIE's load address by up to
 *  2^28 pages (mmap_rnd_bits), the break by up to 32 MiB, and the first stack pointer by up to
 *  8 KiB (arch_align_stack). */
const STACK_RND_PAGES = 2 ** 22, MMAP_RND_PAGES = 2 ** 28, BRK_RND = 0x02000000, SP_RND = 8192;
/** personality(2) flag that turns randomisation off for the next execve. */
export const ADDR_NO_RANDOMIZE = 0x0040000;

/** A random page-aligned offset below pages * PAGE_SIZE (0 when randomisation is off). */
function rndPages(on: boolean, pages: number): number {
  return on ? randomInt(0, pages) * PAGE_SIZE : 0;
}
/** Linux limits argv+envp strings to a quarter of the stack limit. */
export const ARG_MAX = STACK_SIZE / 4;
const MAX_ARG_STRLEN = 32 * PAGE_SIZE;

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
  AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
  AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33,
  AT_MINSIGSTKSZ = 51;

export interface LoadResult { entry: number; sp: number }

/** CPU facts the auxv reports (ring-3 CPUID; the loader does not probe the CPU itself). */
export interface CpuFacts { hwcap: number; hwcap2: number; minSigStkSz: number }

export interface LoadOptions {
  argv: Uint8Array[];
  envp: Uint8Array[];
  cpu: CpuFacts;
  uid: number; euid: number; gid: number; egid: number;
  random: (buf: Uint8Array) => void;
  openInterp: (path: string) => ExecFile | number;
  /** Where the caller mapped a vDSO; 0: the loader maps the kernel's own (t.kernel.vdso), if it
   *  has one, below the interpreter. */
  vdsoBase: number;
}

function readExact(t: Task, f: FileDescription, buf: Uint8Array, pos: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = f.read(t, buf, done, buf.length - done, pos + done);
    if (n < 0) return n;
    if (n === 0) break;
    done += n;
  }
  return done;
}

interface Mapped { isDyn: boolean; bias: number; phdrs: ProgramHeader[]; entry: number; phdrAddr: number; phnum: number; end: number; interp: string | null }

function pageDown(a: number): number { return a - (a % PAGE_SIZE); }
function pageUp(a: number): number { return Math.ceil(a / PAGE_SIZE) * PAGE_SIZE; }

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/** Maps one ELF image; isInterp picks its base from the mmap area. */
function mapImage(t: Task, mm: MM, exe: ExecFile, isInterp: boolean, aslr: boolean): Mapped | number {
  const head = new Uint8Array(64);
  let r = readExact(t, exe.file, head, 0);
  if (r < 0) return r;
  const h = parseElfHeader(head.subarray(0, r));
  if (typeof h === 'number') return h;
  const ph = new Uint8Array(h.phnum * PHDR_SIZE);
  r = readExact(t, exe.file, ph, h.phoff);
  if (r < 0) return r;
  if (r !== ph.length) return -ENOEXEC;
  const phdrs = parseProgramHeaders(ph, h.phnum);
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) return -ENOEXEC;
  let interp: string | null = null;
  const ip = phdrs.find((p) => p.type === PT_INTERP);
  if (ip && !isInterp) {
    if (ip.filesz < 2 || ip.filesz > 4096) return -ENOEXEC;
    const b = new Uint8Array(ip.filesz);
    if (readExact(t, exe.file, b, ip.offset) !== ip.filesz) return -ENOEXEC;
    interp = Buffer.from(b.subarray(0, b.indexOf(0) < 0 ? b.length : b.indexOf(0))).toString('latin1');
  }
  const lo = pageDown(Math.min(...loads.map((p) => p.vaddr)));
  const hi = pageUp(Math.max(...loads.map((p) => p.vaddr + p.memsz)));
  if (hi <= lo || hi - lo > TASK_SIZE / 2) return -ENOEXEC;
  let bias = 0;
  if (h.type === ET_DYN) {
    // A PIE with an interpreter goes at ELF_ET_DYN_BASE plus the random offset, aligned to its
    // largest p_align (as Linux since 5.10); an interpreter, or a program run without one
    // (static-pie, ld.so itself), goes where the mmap area has room.
    const align = Math.max(PAGE_SIZE, ...loads.map((p) => (p.align & (p.align - 1)) === 0 && p.align <= 0x40000000 ? p.align : PAGE_SIZE));
    const base = Math.floor((ELF_ET_DYN_BASE + rndPages(aslr, MMAP_RND_PAGES)) / align) * align;
    const at = mm.findFree(hi - lo, isInterp || interp === null ? 0 : base);
    if (at < 0) return -ENOMEM;
    bias = at - lo;
  }
  const mappable = exe.file.mappable();
  if (mappable === null) return -EACCES;
  for (const p of loads) {
    if (p.filesz > p.memsz || (p.vaddr % PAGE_SIZE) !== (p.offset % PAGE_SIZE)) return -ENOEXEC;
    const prot = protOf(p.flags);
    const start = pageDown(p.vaddr + bias);
    const fileEnd = p.vaddr + bias + p.filesz;
    const memEnd = pageUp(p.vaddr + bias + p.memsz);
    if (p.filesz > 0) {
      const len = pageUp(fileEnd) - start;
      const needZero = p.memsz > p.filesz && fileEnd % PAGE_SIZE !== 0;
      const a = mm.map(start, len, needZero ? prot | PROT_WRITE : prot, MAP_PRIVATE, true, mappable, pageDown(p.offset), exe.path);
      if (a < 0) return a;
      if (needZero) {
        // The file's bytes past p_filesz in the last page belong to .bss: zero them.
        const z = new Uint8Array(PAGE_SIZE - (fileEnd % PAGE_SIZE));
        if (mm.copyOut(fileEnd, z, 0, z.length) < 0) return -EFAULT;
        if (!(prot & PROT_WRITE)) mm.protect(start, len, prot);
      }
    }
    const anonStart = p.filesz > 0 ? pageUp(fileEnd) : start;
    if (memEnd > anonStart) {
      const a = mm.map(anonStart, memEnd - anonStart, prot, MAP_PRIVATE | MAP_ANONYMOUS, true, null, 0, '');
      if (a < 0) return a;
    }
  }
  let phdrAddr = 0;
  const pp = phdrs.find((p) => p.type === PT_PHDR);
  if (pp) phdrAddr = pp.vaddr + bias;
  else {
    const holder = loads.find((p) => h.phoff >= p.offset && h.phoff + ph.length <= p.offset + p.filesz);
    if (holder) phdrAddr = holder.vaddr + (h.phoff - holder.offset) + bias;
  }
  return { isDyn: h.type === ET_DYN, bias, phdrs, entry: h.entry + bias, phdrAddr, phnum: h.phnum, end: hi + bias, interp };
}

/** Loads exe into mm (which must be empty) and builds the initial stack. Returns entry and sp, or -errno. */
export function loadProgram(t: Task, mm: MM, exe: ExecFile, o: LoadOptions): LoadResult | number {
  let total = 0;
  for (const s of o.argv) { if (s.length + 1 > MAX_ARG_STRLEN) return -E2BIG; total += s.length + 1 + 8; }
  for (const s of o.envp) { if (s.length + 1 > MAX_ARG_STRLEN) return -E2BIG; total += s.length + 1 + 8; }
  if (total > ARG_MAX) return -E2BIG;

  const aslr = t.kernel.aslr && (t.personality & ADDR_NO_RANDOMIZE) === 0;
  const stackTop = TASK_SIZE - rndPages(aslr, STACK_RND_PAGES);
  mm.stackTop = stackTop;
  // The mmap area keeps its gap below the lowest the stack top could be.
  mm.mmapBase = TASK_SIZE - mmapGap(aslr) - rndPages(aslr, MMAP_RND_PAGES);
  const main = mapImage(t, mm, exe, false, aslr);
  if (typeof main === 'number') return main;
  let entry = main.entry, base = 0;
  if (main.interp !== null) {
    const ie = o.openInterp(main.interp);
    if (typeof ie === 'number') return ie;
    const interp = mapImage(t, mm, ie, true, aslr);
    release(ie.file);
    if (typeof interp === 'number') return interp;
    entry = interp.entry;
    base = interp.bias;
  }
  let vdsoBase = o.vdsoBase;
  const vdso = t.kernel.vdso;
  if (vdsoBase === 0 && vdso) {
    vdsoBase = vdso.map(mm);
    if (vdsoBase < 0) return vdsoBase;
  }
  // The heap starts right after the program's highest segment.
  // A program run without an interpreter (static-pie) lives in the mmap area: its break moves to
  // the unused ELF_ET_DYN_BASE region (Linux's brk_moved); otherwise a page of gap follows .bss
  // when randomising. Then the break moves by up to 32 MiB.
  let brk = pageUp(main.end);
  if (main.isDyn && main.interp === null) brk = ELF_ET_DYN_BASE;
  else if (aslr) brk += PAGE_SIZE;
  mm.brkStart = mm.brk = brk + rndPages(aslr, BRK_RND / PAGE_SIZE);
  mm.exePath = exe.path;
  setCodeBounds(mm, main.phdrs, main.bias);
  const stackLow = stackTop - STACK_SIZE;
  // PT_GNU_STACK with PF_X asks for an executable stack; without it x86_64 Linux gives none.
  const execStack = main.phdrs.some((p) => p.type === PT_GNU_STACK && (p.flags & PF_X) !== 0);
  const stackProt = PROT_READ | PROT_WRITE | (execStack ? PROT_EXEC : 0);
  const s = mm.map(stackLow, STACK_SIZE, stackProt, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, true, null, 0, '[stack]');
  if (s < 0) return s;

  // Strings at the top: execfn, then envp and argv strings; then AT_RANDOM and the platform.
  let sp = stackTop - 8;
  const put = (bytes: Uint8Array): number => {
    sp -= bytes.length + 1;
    const buf = new Uint8Array(bytes.length + 1);
    buf.set(bytes);
    return mm.copyOut(sp, buf, 0, buf.length) < 0 ? -1 : sp;
  };
  const execfn = put(Buffer.from(exe.path, 'latin1'));
  const envAddrs: number[] = [];
  for (let i = o.envp.length - 1; i >= 0; i--) envAddrs.unshift(put(o.envp[i]!));
  mm.envStart = sp;
  mm.envEnd = envAddrs.length ? execfn : sp;
  const argAddrs: number[] = [];
  for (let i = o.argv.length - 1; i >= 0; i--) argAddrs.unshift(put(o.argv[i]!));
  mm.argStart = sp;
  mm.argEnd = envAddrs[0] ?? execfn;
  if (aslr) sp -= randomInt(0, SP_RND);
  const platform = put(Buffer.from('x86_64'));
  sp -= 16;
  sp -= sp % 16;
  const random = sp;
  const rnd = new Uint8Array(16);
  o.random(rnd);
  if (mm.copyOut(random, rnd, 0, 16) < 0) return -EFAULT;

  const auxv: [number, number][] = [
    [AT_HWCAP, o.cpu.hwcap], [AT_PAGESZ, PAGE_SIZE], [AT_CLKTCK, 100],
    [AT_PHDR, main.phdrAddr], [AT_PHENT, PHDR_SIZE], [AT_PHNUM, main.phnum], [AT_BASE, base],
    [AT_FLAGS, 0], [AT_ENTRY, main.entry], [AT_UID, o.uid], [AT_EUID, o.euid], [AT_GID, o.gid],
    [AT_EGID, o.egid], [AT_SECURE, 0], [AT_RANDOM, random], [AT_HWCAP2, o.cpu.hwcap2],
    [AT_EXECFN, execfn], [AT_PLATFORM, platform], [AT_MINSIGSTKSZ, o.cpu.minSigStkSz],
  ];
  if (vdsoBase !== 0) auxv.unshift([AT_SYSINFO_EHDR, vdsoBase]);
  auxv.push([AT_NULL, 0]);
  mm.auxv = auxv;
  const words = 1 + argAddrs.length + 1 + envAddrs.length + 1 + 2 * auxv.length;
  sp -= words * 8;
  sp -= sp % 16; // rsp % 16 == 0 at the entry point, pointing at argc
  const vec = new Uint8Array(words * 8);
  const dv = new DataView(vec.buffer);
  let w = 0;
  const word = (v: number) => {
    dv.setUint32(w * 8, v % 4294967296, true);
    dv.setUint32(w * 8 + 4, Math.floor(v / 4294967296), true);
    w++;
  };
  word(argAddrs.length);
  for (const a of argAddrs) word(a);
  word(0);
  for (const a of envAddrs) word(a);
  word(0);
  for (const [k, v] of auxv) { word(k); word(v); }
  if (mm.copyOut(sp, vec, 0, vec.length) < 0) return -EFAULT;
  if ([execfn, platform, ...argAddrs, ...envAddrs].some((a) => a < 0)) return -EFAULT;
  mm.startStack = sp;
  return { entry, sp };
}

/** start_code, end_code, start_data and end_data as Linux's load_elf_binary computes them from
 *  the program's PT_LOAD headers (shown by /proc/<pid>/stat and statm). */
function setCodeBounds(mm: MM, phdrs: readonly ProgramHeader[], bias: number): void {
  let startCode = Infinity, endCode = 0, startData = 0, endData = 0;
  for (const p of phdrs) {
    if (p.type !== PT_LOAD) continue;
    const exec = (p.flags & PF_X) !== 0;
    if (exec && p.vaddr < startCode) startCode = p.vaddr;
    if (startData < p.vaddr) startData = p.vaddr;
    const k = p.vaddr + p.filesz;
    if (exec && endCode < k) endCode = k;
    if (endData < k) endData = k;
  }
  mm.startCode = startCode === Infinity ? 0 : startCode + bias;
  mm.endCode = endCode + bias; mm.startData = startData + bias; mm.endData = endData + bias;
}
