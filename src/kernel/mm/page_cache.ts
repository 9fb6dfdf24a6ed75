// The page cache: frames of the MemoryFile holding pages of files that cannot
// change under the sandbox (host files below the overlay, read-only mounts),
// shared by every private mapping of them. A process that maps libc, or execs a
// program, maps the cached frames copy-on-write instead of reading the file into
// fresh frames again: exec and fork+exec get cheaper, and N processes hold one
// copy of each library page (Linux shares page-cache pages the same way).
//
// Invariants:
//  - The cache holds one reference on each frame it lists; mappings hold their own
//    (mm.fill), so a write to a private mapping breaks copy-on-write as usual.
//  - A frame whose only reference is the cache's (refs == 1) is reclaimable: when the
//    MemoryFile runs out, reclaim() frees such frames, least recently used files first.
//  - At most MAX_FILES files are cached; beyond that the least recently used one is
//    dropped (frames still mapped stay with their mappings).
import { byteIndex } from '../../platform/platform';
import { PAGE_SIZE, type MemoryFile } from './memory_file';
import type { Mappable } from './vma';

/** Pages read from the file at once on a miss (read-ahead): one host call per 64 KiB. */
const CLUSTER_PAGES = 16;
const MAX_FILES = 512;

class CachedFile {
  /** Page index -> frame. */
  readonly pages = new Map<number, number>();
  constructor(readonly key: string, public source: Mappable) {}
}

const caches = new WeakMap<MemoryFile, PageCache>();

export class PageCache {
  /** Cached files, least recently used first (Map keeps insertion order; a hit re-inserts). */
  private readonly files = new Map<string, CachedFile>();
  private readonly scratch = new Uint8Array(CLUSTER_PAGES * PAGE_SIZE);
  /** Counters for --stats and tests. */
  hits = 0;
  misses = 0;
  reclaimed = 0;

  private constructor(private readonly mem: MemoryFile) {
    mem.reclaimer = (bytes) => this.reclaim(bytes);
  }

  /** The page cache of a sandbox's MemoryFile (one per MemoryFile, made on first use). */
  static of(mem: MemoryFile): PageCache {
    let c = caches.get(mem);
    if (c === undefined) { c = new PageCache(mem); caches.set(mem, c); }
    return c;
  }

  /** The cached frame with page `fileOffset / PAGE_SIZE` of source's file (read in on a miss),
   *  or -1 when the page lies wholly past the end of the file or memory is short. */
  frame(source: Mappable, key: string, fileOffset: number): number {
    let f = this.files.get(key);
    if (f === undefined) {
      if (this.files.size >= MAX_FILES) this.dropFile(this.files.keys().next().value as string);
      f = new CachedFile(key, source);
      this.files.set(key, f);
    } else {
      // Most recently used goes last.
      this.files.delete(key);
      this.files.set(key, f);
      f.source = source;
    }
    const index = Math.floor(fileOffset / PAGE_SIZE);
    const hit = f.pages.get(index);
    if (hit !== undefined) { this.hits++; return hit; }
    this.misses++;
    return this.readCluster(f, index);
  }

  /** Reads the cluster around page `index` with one host read; caches its missing pages. */
  private readCluster(f: CachedFile, index: number): number {
    const first = index - (index % CLUSTER_PAGES);
    const n = f.source.readForMap(this.scratch, 0, this.scratch.length, first * PAGE_SIZE);
    if (n <= (index - first) * PAGE_SIZE) return -1; // the page is past the end of the file
    const pages = Math.ceil(n / PAGE_SIZE);
    for (let i = 0; i < pages; i++) {
      if (f.pages.has(first + i)) continue;
      const pa = this.mem.alloc4K();
      if (pa < 0) break;
      // alloc4K zeroes the frame: the tail of a short last page stays zero, as Linux maps it.
      const len = Math.min(PAGE_SIZE, n - i * PAGE_SIZE);
      this.mem.bytes(pa).set(this.scratch.subarray(i * PAGE_SIZE, i * PAGE_SIZE + len), byteIndex(pa));
      f.pages.set(first + i, pa);
    }
    return f.pages.get(index) ?? -1;
  }

  /** Frees frames only the cache holds, least recently used files first, until `bytes` are
   *  free or nothing more can go. Returns the bytes freed. */
  reclaim(bytes: number): number {
    let freed = 0;
    for (const f of this.files.values()) {
      for (const [i, pa] of f.pages) {
        if (this.mem.refs[pa / PAGE_SIZE] !== 1) continue;
        f.pages.delete(i);
        this.mem.decRef(pa);
        freed += PAGE_SIZE;
        this.reclaimed++;
        if (freed >= bytes) return freed;
      }
    }
    return freed;
  }

  /** Forgets a file: its frames lose the cache's reference (mapped ones stay with their mappings). */
  private dropFile(key: string): void {
    const f = this.files.get(key);
    if (!f) return;
    for (const pa of f.pages.values()) this.mem.decRef(pa);
    this.files.delete(key);
  }

  /** Frames the cache holds now. */
  get pageCount(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.pages.size;
    return n;
  }
}
