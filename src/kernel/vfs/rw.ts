// Moving bytes between a file and guest memory without copies: the guest range
// is translated a chunk at a time (so a huge count never faults in, or
// allocates, more than it moves), and each MemoryFile segment goes to the
// file's read/write directly (for host files: a host pread/write straight into
// guest memory). Short transfers stop early, as Linux's do; a fault part-way
// returns what moved before it, and EFAULT only when nothing did.
import { EFAULT } from '../errno';
import type { Task } from '../task';
import type { FileDescription } from './file';

/** Bytes translated per step; bounds the memory faulted in ahead of the data. */
const CHUNK = 1 << 20;
const EMPTY = new Uint8Array(0);

/** Reads from f into guest [addr, addr+len) at pos (-1: the file position). Bytes or -errno. */
export function readToGuest(t: Task, f: FileDescription, addr: number, len: number, pos: number): number {
  if (len === 0) return f.read(t, EMPTY, 0, 0, pos);
  const mm = t.mm;
  let done = 0;
  while (done < len) {
    const want = Math.min(CHUNK, len - done);
    const tr = mm.translate(addr + done, want, true);
    // On EFAULT, segCount holds the good segments before the bad page.
    const segs = mm.segCount;
    for (let i = 0; i < segs; i++) {
      const sl = mm.segLen[i]!;
      const n = f.read(t, mm.segBuf[i]!, mm.segOff[i]!, sl, pos < 0 ? -1 : pos + done);
      if (n < 0) return done > 0 ? done : n;
      done += n;
      if (n < sl) return done;
    }
    if (tr < 0) return done > 0 ? done : -EFAULT;
  }
  return done;
}

/** Writes guest [addr, addr+len) to f at pos (-1: the file position / append). Bytes or -errno. */
export function writeFromGuest(t: Task, f: FileDescription, addr: number, len: number, pos: number): number {
  if (len === 0) return f.write(t, EMPTY, 0, 0, pos);
  const mm = t.mm;
  let done = 0;
  while (done < len) {
    const want = Math.min(CHUNK, len - done);
    const tr = mm.translate(addr + done, want, false);
    const segs = mm.segCount;
    for (let i = 0; i < segs; i++) {
      const sl = mm.segLen[i]!;
      const n = f.write(t, mm.segBuf[i]!, mm.segOff[i]!, sl, pos < 0 ? -1 : pos + done);
      if (n < 0) return done > 0 ? done : n;
      done += n;
      if (n < sl) return done;
    }
    if (tr < 0) return done > 0 ? done : -EFAULT;
  }
  return done;
}
