// Shared anonymous memory (mmap MAP_SHARED|MAP_ANONYMOUS): an unnamed object
// behind the mapping that owns its pages, as Linux's shmem file behind
// /dev/zero mappings. Every process that inherits the mapping (fork) maps the
// same frames, whoever touches a page first; without the object, a page
// neither side had touched before fork would be faulted separately by each.
//
// Invariant: the object holds one reference on each frame it lists; mappings
// hold their own (mm.fill). The object lives as long as some area maps it
// (areas refer to it as their file); once none does, it is collected and its
// references are dropped (the frames still mapped nowhere go back to the
// MemoryFile).
import { PAGE_SIZE, type MemoryFile } from './memory_file';
import type { Mappable } from './vma';

/** Drops the object's frame references once it is unreachable. */
const release = new FinalizationRegistry<{ mem: MemoryFile; frames: Map<number, number> }>((held) => {
  for (const pa of held.frames.values()) held.mem.decRef(pa);
  held.frames.clear();
});

/** Device of /dev/zero's shmem mappings in /proc/self/maps (00:01 on Linux). */
const SHMEM_DEV = 1;
let nextIno = 1;

export class AnonShmem implements Mappable {
  /** Page index -> frame. */
  private readonly frames = new Map<number, number>();
  readonly dev = SHMEM_DEV;
  readonly ino = nextIno++;

  constructor(private readonly mem: MemoryFile) {
    release.register(this, { mem, frames: this.frames });
  }

  /** The page at fileOffset, allocated (zeroed) on first use; -1 when memory is exhausted. */
  sharedFrame(fileOffset: number): number {
    const i = Math.floor(fileOffset / PAGE_SIZE);
    let pa = this.frames.get(i);
    if (pa === undefined) {
      pa = this.mem.alloc4K();
      if (pa < 0) return -1;
      this.frames.set(i, pa);
    }
    return pa;
  }

  /** Only reached when sharedFrame found no memory: the fault then ends in the OOM path. */
  readForMap(dst: Uint8Array, off: number, len: number): number {
    dst.fill(0, off, off + len);
    return len;
  }
}
