// One-time set-up of the VM: supervisor pages, shared upper-half tables, CPUID,
// segment registers, control registers, syscall MSRs and XCR0 (DESIGN.md recipe).
import { host, kc, type KvmSystem, type KvmVcpu } from '../../native';
import type { PhysMemory } from '../platform';
import { bytesOf } from './phys';
import { writeGdt, writeIdt, writeTss, GDT_LIMIT } from './descriptors';
import {
  CR0_VALUE, CR4_VALUE, EFER_VALUE, GDT_VA, HUGE, IDT_VA, IST_VA, KERNEL_BASE, KERNEL_PAGE_COUNT, KERNEL_PDPT,
  KERNEL_PML4, MSR_CSTAR, MSR_LSTAR, MSR_SFMASK, MSR_STAR, PAGE, PHYSMAP_PML4, PTE_A, PTE_D, PTE_G, PTE_NX_HI,
  PTE_P, PTE_PS, PTE_U, PTE_W, QUEUE_PAGES, QUEUE_VA, SEL_KERNEL_CS, SEL_KERNEL_DS, SEL_TSS, SFMASK_VALUE,
  STACK_PAGES, STACK_VA, STAR_HI, STUB_VA, TRAMPOLINE_VA, TSS_VA,
} from './layout';
import { buildStub, buildTrampoline, IRET_OFF, UNEXPECTED_OFF, VECTOR_ENTRY_SIZE } from './stub';
import { hi32, lo32 } from '../u64';

const TWO32 = 4294967296;

/** Physical frames of the supervisor pages, by page index from KERNEL_BASE (-1: unmapped guard). */
export interface KernelArea {
  pages: number[];
  /** PML4 entries shared by every root: [index, lo, hi]. */
  sharedPml4: [number, number, number][];
}

function setEntry(mem: PhysMemory, tablePa: number, i: number, lo: number, hi: number): void {
  const dv = new DataView(mem.bytes(tablePa).buffer);
  const off = (tablePa % 2 ** 30) + 8 * i;
  dv.setUint32(off, lo >>> 0, true);
  dv.setUint32(off + 4, hi >>> 0, true);
}

/** Builds the supervisor pages and upper-half tables in fresh frames (host writes are safe: never walked). */
export function buildKernelArea(mem: PhysMemory): KernelArea {
  const pages: number[] = [];
  const pageVa = (i: number) => KERNEL_BASE + i * PAGE;
  const mapped = (va: number) =>
    va === STUB_VA || va === TRAMPOLINE_VA || va === GDT_VA || va === IDT_VA || va === TSS_VA ||
    (va >= QUEUE_VA && va < QUEUE_VA + QUEUE_PAGES * PAGE) ||
    (va >= STACK_VA && va < STACK_VA + STACK_PAGES * PAGE) || va === IST_VA;
  for (let i = 0; i < KERNEL_PAGE_COUNT; i++) pages.push(mapped(pageVa(i)) ? mem.allocTableFrame() : -1);
  const page = (va: number) => pages[Math.round((va - KERNEL_BASE) / PAGE)]!;

  bytesOf(mem, page(STUB_VA), PAGE).set(buildStub());
  bytesOf(mem, page(TRAMPOLINE_VA), PAGE).set(buildTrampoline());
  const gdt = bytesOf(mem, page(GDT_VA), PAGE);
  writeGdt(new DataView(gdt.buffer, gdt.byteOffset, PAGE), TSS_VA);
  const idt = bytesOf(mem, page(IDT_VA), PAGE);
  writeIdt(new DataView(idt.buffer, idt.byteOffset, PAGE), (v) =>
    STUB_VA + (v < 32 ? v * VECTOR_ENTRY_SIZE : UNEXPECTED_OFF));
  const tss = bytesOf(mem, page(TSS_VA), PAGE);
  writeTss(new DataView(tss.buffer, tss.byteOffset, PAGE));

  // Kernel area: PML4[511] -> PDPT[510] -> PD[0] -> PT (16 pages). Upper levels carry U so
  // the trampoline (the only user page) is reachable from ring 3; the PTEs decide.
  const pdpt = mem.allocTableFrame(), pd = mem.allocTableFrame(), pt = mem.allocTableFrame();
  setEntry(mem, pdpt, KERNEL_PDPT, lo32(pd) | PTE_P | PTE_W | PTE_U | PTE_A, hi32(pd));
  setEntry(mem, pd, 0, lo32(pt) | PTE_P | PTE_W | PTE_U | PTE_A, hi32(pt));
  for (let i = 0; i < KERNEL_PAGE_COUNT; i++) {
    const pa = pages[i]!;
    if (pa < 0) continue;
    const va = pageVa(i);
    let lo = lo32(pa) | PTE_P | PTE_A | PTE_D | PTE_G, hi = hi32(pa);
    if (va === TRAMPOLINE_VA) lo |= PTE_U;                        // user-executable, read-only
    else if (va !== STUB_VA) { lo |= PTE_W; hi |= PTE_NX_HI; }    // data: writable, no-exec
    setEntry(mem, pt, i, lo, hi);
  }
  // Physmap: all of guest physical memory, supervisor RW NX, 2 MiB pages.
  const physPdpt = mem.allocTableFrame();
  for (let gb = 0; gb * 2 ** 30 < mem.size; gb++) {
    const physPd = mem.allocTableFrame();
    setEntry(mem, physPdpt, gb, lo32(physPd) | PTE_P | PTE_W | PTE_A, hi32(physPd));
    for (let i = 0; i < 512; i++) {
      const pa = gb * 2 ** 30 + i * HUGE;
      if (pa >= mem.size) break;
      setEntry(mem, physPd, i, lo32(pa) | PTE_P | PTE_W | PTE_A | PTE_D | PTE_PS | PTE_G, hi32(pa) | PTE_NX_HI);
    }
  }
  return {
    pages,
    sharedPml4: [
      [PHYSMAP_PML4, lo32(physPdpt) | PTE_P | PTE_W | PTE_A, hi32(physPdpt)],
      [KERNEL_PML4, lo32(pdpt) | PTE_P | PTE_W | PTE_U | PTE_A, hi32(pdpt)],
    ],
  };
}

/** A fresh root with the shared upper half filled in. */
export function newRoot(mem: PhysMemory, area: KernelArea): number {
  const root = mem.allocTableFrame();
  for (const [i, lo, hi] of area.sharedPml4) setEntry(mem, root, i, lo, hi);
  return root;
}

/** Passes the host's supported CPUID to the guest (shapes what ring 0 sees; ring 3 sees the real CPU). */
export function setupCpuid(kvm: KvmSystem, vcpu: KvmVcpu): void {
  const max = 256;
  const buf = new Uint8Array(kc('SIZEOF_CPUID2') + max * kc('SIZEOF_CPUID_ENTRY2'));
  kvm.getSupportedCpuid(buf);
  vcpu.setCpuid2(buf);
}

function setSeg(dv: DataView, off: number, sel: number, code: boolean, dpl: number, long: boolean): void {
  dv.setUint32(off + kc('SEG_BASE'), 0, true);
  dv.setUint32(off + kc('SEG_BASE') + 4, 0, true);
  dv.setUint32(off + kc('SEG_LIMIT'), 0xffffffff, true);
  dv.setUint16(off + kc('SEG_SELECTOR'), sel, true);
  dv.setUint8(off + kc('SEG_TYPE'), code ? 11 : 3);
  dv.setUint8(off + kc('SEG_PRESENT'), 1);
  dv.setUint8(off + kc('SEG_DPL'), dpl);
  dv.setUint8(off + kc('SEG_DB'), long ? 0 : 1);
  dv.setUint8(off + kc('SEG_S'), 1);
  dv.setUint8(off + kc('SEG_L'), long ? 1 : 0);
  dv.setUint8(off + kc('SEG_G'), 1);
  dv.setUint8(off + kc('SEG_AVL'), 0);
  dv.setUint8(off + kc('SEG_UNUSABLE'), 0);
}

function setNullSeg(dv: DataView, off: number): void {
  for (let i = 0; i < kc('SIZEOF_SEGMENT'); i++) dv.setUint8(off + i, 0);
  dv.setUint8(off + kc('SEG_UNUSABLE'), 1);
}

function setU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, lo32(v), true);
  dv.setUint32(off + 4, hi32(v), true);
}

/** Long mode, ring 0, at the stub's iret entry: the first resume irets into the user frame. */
export function setupSregs(vcpu: KvmVcpu, root: number): void {
  const buf = new Uint8Array(kc('SIZEOF_SREGS'));
  const dv = new DataView(buf.buffer);
  vcpu.getSregs(buf);
  setSeg(dv, kc('SREGS_CS'), SEL_KERNEL_CS, true, 0, true);
  setSeg(dv, kc('SREGS_SS'), SEL_KERNEL_DS, false, 0, false);
  setNullSeg(dv, kc('SREGS_DS'));
  setNullSeg(dv, kc('SREGS_ES'));
  setNullSeg(dv, kc('SREGS_FS'));
  setNullSeg(dv, kc('SREGS_GS'));
  // TR: a busy 64-bit TSS.
  const tr = kc('SREGS_TR');
  setU64(dv, tr + kc('SEG_BASE'), TSS_VA);
  dv.setUint32(tr + kc('SEG_LIMIT'), 103, true);
  dv.setUint16(tr + kc('SEG_SELECTOR'), SEL_TSS, true);
  dv.setUint8(tr + kc('SEG_TYPE'), 11);
  dv.setUint8(tr + kc('SEG_PRESENT'), 1);
  dv.setUint8(tr + kc('SEG_DPL'), 0);
  dv.setUint8(tr + kc('SEG_DB'), 0);
  dv.setUint8(tr + kc('SEG_S'), 0);
  dv.setUint8(tr + kc('SEG_L'), 0);
  dv.setUint8(tr + kc('SEG_G'), 0);
  dv.setUint8(tr + kc('SEG_UNUSABLE'), 0);
  setNullSeg(dv, kc('SREGS_LDT'));
  setU64(dv, kc('SREGS_GDT') + kc('DTABLE_BASE'), GDT_VA);
  dv.setUint16(kc('SREGS_GDT') + kc('DTABLE_LIMIT'), GDT_LIMIT, true);
  setU64(dv, kc('SREGS_IDT') + kc('DTABLE_BASE'), IDT_VA);
  dv.setUint16(kc('SREGS_IDT') + kc('DTABLE_LIMIT'), 256 * 16 - 1, true);
  setU64(dv, kc('SREGS_CR0'), CR0_VALUE);
  setU64(dv, kc('SREGS_CR3'), root);
  setU64(dv, kc('SREGS_CR4'), CR4_VALUE);
  setU64(dv, kc('SREGS_EFER'), EFER_VALUE);
  vcpu.setSregs(buf);
}

/** syscall/sysret MSRs; throws when KVM refuses one (it returns the count it set). */
export function setupMsrs(vcpu: KvmVcpu): void {
  const set = (idx: number, v: number) => {
    const r = vcpu.setMsr(idx, lo32(v), hi32(v));
    if (r !== 1) throw new Error(`KVM_SET_MSRS refused MSR 0x${idx.toString(16)} (returned ${r})`);
  };
  set(MSR_STAR, STAR_HI * TWO32);
  set(MSR_LSTAR, TRAMPOLINE_VA);
  set(MSR_CSTAR, TRAMPOLINE_VA);
  set(MSR_SFMASK, SFMASK_VALUE);
}

/** XCR0 = what ring 3 sees on this CPU (CPUID 0xD.0 EAX/EDX), so XSAVE images match the signal frames. */
export function setupXcr0(vcpu: KvmVcpu): number {
  const out = new Uint32Array(4);
  host.cpuid(0xd, 0, out);
  // The guest's XCR0 must be allowed by the host; ring 3 on PVM uses the host's anyway.
  const want = out[0]! & 0xff;
  try { vcpu.setXcr(0, want | 1, 0); } catch { vcpu.setXcr(0, 0x7, 0); return 0x7; }
  return want | 1;
}

