// Named pipes (fs/pipe.c's fifo_open) for FIFOs made with mknod in tmpfs and
// the overlay: the pipe is made at the first open and shared by every open of
// the inode. Opening for reading waits for a writer, and opening for writing
// waits for a reader (O_NONBLOCK: reading opens at once, writing gives ENXIO
// when nobody reads); O_RDWR never waits. A waiting open parks the task on the
// FIFO's queue and runs again when someone opens the other side.
import { ENXIO } from '../errno';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from '../abi/fcntl';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import { WaitQueue } from '../wait';
import type { Dentry } from './dentry';
import type { FileDescription } from './file';
import type { Inode, VfsCtx } from './inode';
import { Pipe, PipeFile } from './pipe';

export interface FifoState {
  pipe: Pipe;
  /** Opens waiting for the other side. */
  readonly openq: WaitQueue;
  /** Tasks parked in a reading / writing open (a parked reader counts as a reader for a
   *  writer's open, as Linux's counts it before it sleeps). */
  readonly waitingReaders: Set<Task>;
  readonly waitingWriters: Set<Task>;
  /** Opens so far of each side (Linux's r_counter/w_counter): a parked open proceeds once the
   *  other side has opened since it parked, even if it has closed again. */
  rCounter: number;
  wCounter: number;
}

/** A FIFO's open end: stat and path are the FIFO's (its dentry), not pipefs's. */
class FifoFile extends PipeFile {
  override stat(dv: DataView, off: number): number {
    return this.dentry !== null ? this.dentry.inode.stat(dv, off) : super.stat(dv, off);
  }
  override path(): string { return this.dentry !== null ? this.dentry.path() : super.path(); }
}

function live(s: Set<Task>): number {
  let n = 0;
  for (const t of [...s]) { if (t.waitActive) n++; else s.delete(t); }
  return n;
}

/** fifo_open: a file, -errno, or RET_BLOCK (the task parked; the open runs again). */
export function openFifo(inode: Inode & { fifo: FifoState | null }, ctx: VfsCtx, _d: Dentry,
  flags: number): FileDescription | number {
  let st = inode.fifo;
  if (st === null) {
    st = { pipe: new Pipe(inode.uid, inode.gid), openq: new WaitQueue(), waitingReaders: new Set(), waitingWriters: new Set(), rCounter: 0, wCounter: 0 };
    inode.fifo = st;
  }
  const t = ctx.task;
  const acc = flags & O_ACCMODE;
  const p = st.pipe;
  const finish = (r: FileDescription | number): FileDescription | number => {
    if (t !== null) {
      st!.waitingReaders.delete(t);
      st!.waitingWriters.delete(t);
      if (t.waitActive && r !== RET_BLOCK) t.endWait();
    }
    if (typeof r !== 'number') st!.openq.wakeAll();
    return r;
  };
  // A parked open keeps the other side's counter, as it was when it parked, in waitProgress.
  const resumed = t !== null && t.waitActive && st.waitingReaders.has(t) || t !== null && t.waitActive && st.waitingWriters.has(t);
  if (acc === O_RDWR) { st.rCounter++; st.wCounter++; return finish(new FifoFile(p, flags, false)); }
  if (acc === O_RDONLY) {
    if ((flags & O_NONBLOCK) || p.writers > 0 || live(st.waitingWriters) > 0 || t === null ||
        (resumed && t.waitProgress !== st.wCounter + 1)) {
      st.rCounter++;
      return finish(new FifoFile(p, flags, false));
    }
    if (!resumed) t.waitProgress = st.wCounter + 1;
    st.waitingReaders.add(t);
    t.blockOn(st.openq);
    st.openq.wakeAll();
    return RET_BLOCK;
  }
  if (acc === O_WRONLY) {
    if (p.readers > 0 || live(st.waitingReaders) > 0 || (resumed && t!.waitProgress !== st.rCounter + 1)) {
      st.wCounter++;
      return finish(new FifoFile(p, flags, false));
    }
    if ((flags & O_NONBLOCK) || t === null) return finish(-ENXIO);
    if (!resumed) t.waitProgress = st.rCounter + 1;
    st.waitingWriters.add(t);
    t.blockOn(st.openq);
    st.openq.wakeAll();
    return RET_BLOCK;
  }
  return finish(new FifoFile(p, flags, false));
}
