// Virtual memory areas: what a range of the address space is (anonymous or a
// file's pages, with which protection), independent of which pages are present.
export const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03, MAP_TYPE = 0x0f,
  MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100, MAP_DENYWRITE = 0x800,
  MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000, MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000,
  MAP_NONBLOCK = 0x10000, MAP_STACK = 0x20000, MAP_HUGETLB = 0x40000, MAP_SYNC = 0x80000,
  MAP_FIXED_NOREPLACE = 0x100000, MAP_UNINITIALIZED = 0x4000000;

/** What a file mapping reads its pages from (a file description's backing). */
export interface Mappable {
  /** Reads file bytes at fileOffset into dst[off, off+len); returns the count (short at EOF) or -errno. */
  readForMap(dst: Uint8Array, off: number, len: number, fileOffset: number): number;
  /** Optional: a MemoryFile frame that backs the page at fileOffset in every mapping (mapped
   *  as it is, never copied; the vDSO's pages), or -1 to read the page with readForMap. */
  sharedFrame?(fileOffset: number): number;
  /** Set when the file cannot change under the sandbox (a host file below the overlay or in a
   *  read-only mount): its identity for the page cache, whose frames private mappings then
   *  share copy-on-write (page_cache.ts). Absent: every mapping reads its own copy. */
  readonly cacheKey?: string;
  /** Device and inode for /proc/self/maps. */
  readonly dev: number;
  readonly ino: number;
}

export class Vma {
  constructor(
    public start: number,
    public end: number,
    public prot: number,
    /** MAP_PRIVATE or MAP_SHARED, plus MAP_GROWSDOWN. */
    public flags: number,
    public file: Mappable | null,
    /** File offset of `start`. */
    public fileOffset: number,
    /** Path or [heap] / [stack] / [vdso], for /proc/self/maps. */
    public name: string,
    /** Linux's VM_MAYWRITE: false for a shared mapping of a file opened without write access,
     *  which mprotect may then never make writable (EACCES). */
    public mayWrite = true,
  ) {}

  get private(): boolean { return (this.flags & MAP_TYPE) !== MAP_SHARED; }

  /** A copy for [start, end) of this area, keeping the file offset in step. */
  slice(start: number, end: number): Vma {
    return new Vma(start, end, this.prot, this.flags, this.file, this.fileOffset + (start - this.start), this.name, this.mayWrite);
  }

  /** An area with of's attributes over [start, end), the file offset of address `from` of `of`
   *  at start: mremap's moved or grown area. */
  static like(of: Vma, start: number, end: number, from: number): Vma {
    return new Vma(start, end, of.prot, of.flags, of.file, of.fileOffset + (from - of.start), of.name, of.mayWrite);
  }

  /** True when b continues this area with the same attributes (so the two can merge). */
  continuedBy(b: Vma): boolean {
    return this.end === b.start && this.prot === b.prot && this.flags === b.flags && this.file === b.file &&
      this.name === b.name && this.mayWrite === b.mayWrite && (this.file === null || this.fileOffset + (this.end - this.start) === b.fileOffset);
  }
}
