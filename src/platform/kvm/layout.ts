// The guest's fixed layout on the KVM platform. The lower half belongs to the
// application; the upper half is the same in every page-table root. Upper-half
// addresses are negative Numbers (their signed value), exact unlike 0xffff....
export const PAGE = 4096;
export const HUGE = 2 * 1024 * 1024;

/** All guest physical memory, supervisor-only, 2 MiB pages (the stub stores PTEs through it). */
export const PHYSMAP_BASE = -0x778000000000; // 0xffff888000000000 (see u64.ts)
/** PML4 slot of the physmap: (PHYSMAP_BASE >> 39) & 511. */
export const PHYSMAP_PML4 = 273;
/** The supervisor area: the last 2 GiB, one page table of fixed pages. */
export const KERNEL_BASE = -0x80000000;        // 0xffffffff80000000
export const KERNEL_PML4 = 511;
export const KERNEL_PDPT = 510;

export const STUB_VA = KERNEL_BASE + 0x0000;        // supervisor text: vector entries, iret, apply
export const TRAMPOLINE_VA = KERNEL_BASE + 0x1000;  // user-executable: LSTAR target (out; sysretq)
export const GDT_VA = KERNEL_BASE + 0x2000;
export const IDT_VA = KERNEL_BASE + 0x3000;
export const TSS_VA = KERNEL_BASE + 0x4000;
export const QUEUE_VA = KERNEL_BASE + 0x5000;       // page-table store queue, 4 pages
export const QUEUE_PAGES = 4;
export const STACK_VA = KERNEL_BASE + 0xa000;       // ring-0 stack, 3 pages; guard page below at 0x9000
export const STACK_PAGES = 3;
export const STACK_TOP = STACK_VA + STACK_PAGES * PAGE;
export const IST_VA = KERNEL_BASE + 0xe000;         // IST1 stack (NMI, #DF, #MC); guard below at 0xd000
export const IST_TOP = IST_VA + PAGE;
/** Pages of the kernel area, by page index from KERNEL_BASE, that are mapped. */
export const KERNEL_PAGE_COUNT = 16;

/** Queue entries: (PTE address in the physmap or 0 for a CR3 reload, value, address to invlpg). */
export const QUEUE_ENTRY_BYTES = 24;
export const QUEUE_CAPACITY = Math.floor((QUEUE_PAGES * PAGE - 8) / QUEUE_ENTRY_BYTES);

/** I/O ports the stub uses to exit: vector v exits on VECTOR_PORT_BASE + v. */
export const VECTOR_PORT_BASE = 0x80;
export const PORT_UNEXPECTED = 0x7f;   // any vector >= 32
export const PORT_SYSCALL = 0xa0;      // the trampoline's out when it runs in ring 0 (VMX/SVM)
export const PORT_APPLIED = 0xa1;      // the store queue has been applied (apply_exit)

/** Segment selectors (Linux's GDT layout). */
export const SEL_KERNEL_CS = 0x10, SEL_KERNEL_DS = 0x18, SEL_USER_CS32 = 0x23,
  SEL_USER_DS = 0x2b, SEL_USER_CS = 0x33, SEL_TSS = 0x40;

/** Control registers and MSRs (DESIGN.md recipe). */
export const CR0_VALUE = 0x80050033;
export const CR4_VALUE = 0x506a0;
export const EFER_VALUE = 0xd01;
export const MSR_EFER = 0xc0000080, MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082,
  MSR_CSTAR = 0xc0000083, MSR_SFMASK = 0xc0000084, MSR_FS_BASE = 0xc0000100,
  MSR_GS_BASE = 0xc0000101, MSR_KERNEL_GS_BASE = 0xc0000102, MSR_TSC_AUX = 0xc0000103;
export const MSR_IA32_TSC = 0x10;
/** STAR: sysret loads CS 0x33/SS 0x2b from 0x23; syscall CS 0x10/SS 0x18. Upper/lower 32-bit halves. */
export const STAR_HI = (SEL_USER_CS32 << 16) | SEL_KERNEL_CS;
export const SFMASK_VALUE = 0x47700;
/** PVM identification MSR and its value "PVM". */
export const MSR_PVM_ID = 0x4b564d11, PVM_ID_VALUE = 0x4d5650;

/** Page-table entry bits. */
export const PTE_P = 1, PTE_W = 2, PTE_U = 4, PTE_A = 0x20, PTE_D = 0x40, PTE_PS = 0x80, PTE_G = 0x100;
/** NX is bit 63: bit 31 of the high word. */
export const PTE_NX_HI = 0x80000000;
/** Physical address bits of an entry (bits 12..51): masks for the low and high words. */
export const PTE_ADDR_LO = 0xfffff000, PTE_ADDR_HI = 0x000fffff;

/** RFLAGS bits user space may set (Linux FIX_EFLAGS: CF PF AF ZF SF TF DF OF AC RF, plus ID); never IOPL or NT. */
export const RFLAGS_USER_MASK = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x200000 | 0x10000;
export const RFLAGS_IF = 0x200, RFLAGS_FIXED = 0x2;
