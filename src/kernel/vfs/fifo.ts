// Named pipes (fs/pipe.c's fifo_open) for FIFOs made with mknod in tmpfs and
// the overlay: the pipe is made at the first open and shared by every open of
// the inode. As in Linux, an open counts its end in the pipe at once, then a
// reading open waits until a writer has opened since (w_counter moved) and a
// writing open until a reader has (r_counter); O_NONBLOCK: reading opens at
// once, writing gives ENXIO when nobody reads; O_RDWR never waits. A waiting
// open parks the task on the FIFO's queue (the record says it already counted
// itself) and runs again when the other side opens.
import { ENXIO } from '../errno';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from '../abi/fcntl';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import { WaitQueue } from '../wait';
import type { Dentry } from './dentry';
import type { FileDescription } from './file';
import type { Inode, VfsCtx } from './inode';
import { Pipe, PipeFile } from './pipe';

/** A parked open: the side it counted and the other side's counter when it parked. */
interface Pending { readonly read: boolean; readonly counter: number }

export interface FifoState {
  readonly pipe: Pipe;
  /** Opens waiting for the other side. */
  readonly openq: WaitQueue;
  readonly pending: Map<Task, Pending>;
  /** Opens so far of each side (Linux's r_counter/w_counter). */
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

/** Parked opens whose wait ended without them (a signal): their count goes. */
function purge(st: FifoState): void {
  for (const [t, p] of [...st.pending]) {
    if (t.waitActive) continue;
    st.pending.delete(t);
    st.pipe.close(p.read, !p.read);
  }
}

/** fifo_open: a file, -errno, or RET_BLOCK (the task parked; the open runs again). */
export function openFifo(inode: Inode & { fifo: FifoState | null }, ctx: VfsCtx, _d: Dentry,
  flags: number): FileDescription | number {
  let st = inode.fifo;
  if (st === null) {
    st = { pipe: new Pipe(inode.uid, inode.gid), openq: new WaitQueue(), pending: new Map(), rCounter: 0, wCounter: 0 };
    inode.fifo = st;
  }
  purge(st);
  const t = ctx.task;
  const p = st.pipe;
  const acc = flags & O_ACCMODE;
  const parked = t !== null ? st.pending.get(t) : undefined;
  const done = (): FileDescription => {
    if (t !== null) { st!.pending.delete(t); if (t.waitActive) t.endWait(); }
    return new FifoFile(p, flags, false, true);
  };
  const park = (read: boolean, counter: number): number => {
    if (!st!.pending.has(t!)) st!.pending.set(t!, { read, counter });
    t!.blockOn(st!.openq);
    return RET_BLOCK;
  };
  if (parked !== undefined) {
    // Resumed: proceed once the other side has opened since this open parked.
    if (parked.read ? st.wCounter !== parked.counter : st.rCounter !== parked.counter) return done();
    return park(parked.read, parked.counter);
  }
  if (acc === O_RDONLY) {
    st.rCounter++;
    p.open(true, false);
    st.openq.wakeAll();
    if ((flags & O_NONBLOCK) || p.writers > 0 || t === null) return done();
    return park(true, st.wCounter);
  }
  if (acc === O_WRONLY) {
    if (p.readers === 0 && ((flags & O_NONBLOCK) || t === null)) return -ENXIO;
    st.wCounter++;
    p.open(false, true);
    st.openq.wakeAll();
    if (p.readers > 0) return done();
    return park(false, st.rCounter);
  }
  // O_RDWR (and the odd access mode 3): both sides at once, never waiting.
  st.rCounter++; st.wCounter++;
  p.open(acc === O_RDWR, acc === O_RDWR);
  st.openq.wakeAll();
  return done();
}
