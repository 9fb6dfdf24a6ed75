// Garbage collection of unix sockets in flight (net/unix/garbage.c). A socket
// passed with SCM_RIGHTS is held by the buffer that carries it; when sockets
// carry each other (a socket sent into its own queue, two sockets sent to each
// other) and every descriptor of them is closed, nothing outside can ever read
// those buffers, yet their references keep each other open. The collector
// finds such sockets: those whose every reference comes from buffers queued on
// other such sockets, none reachable from a socket something else holds, and
// drops their queues (which closes what the buffers carried). It runs when a
// unix socket is released while any is in flight, as Linux's does.
import type { FileDescription } from '../vfs/file';
import { release } from '../vfs/fd_table';
import type { Skb } from './skb';
import type { UnixSocket } from './unix';

/** A unix socket's open file as the collector sees it (SocketFile). */
interface InFlightFile extends FileDescription {
  readonly sock: UnixSocket;
  /** References held by queued buffers (the file's refs count them too). */
  inflight: number;
}

function asInFlight(f: FileDescription): InFlightFile | null {
  return 'inflight' in f && 'sock' in f ? f as InFlightFile : null;
}

/** Unix socket files with references in flight. */
const inFlight = new Set<InFlightFile>();

/** The descriptors of a buffer that was just queued are in flight. */
export function fdsQueued(fds: FileDescription[]): void {
  for (const f of fds) {
    const u = asInFlight(f);
    if (u !== null) { u.inflight++; inFlight.add(u); }
  }
}

/** The descriptors left their buffer (received, or dropped with it). */
export function fdsLanded(fds: FileDescription[]): void {
  for (const f of fds) {
    const u = asInFlight(f);
    if (u !== null && --u.inflight === 0) inFlight.delete(u);
  }
}

/** The buffers of sock's queue, and of the queues of connections waiting on a listener. */
function* buffersOf(sock: UnixSocket): Generator<Skb> {
  for (let s = sock.recvq.head; s !== null; s = s.next) {
    yield s;
    if (s.embryo !== null) for (let e = s.embryo.recvq.head; e !== null; e = e.next) yield e;
  }
}

let collecting = false;

/** unix_gc: frees the sockets only their own cycle keeps open. */
export function collect(): void {
  if (collecting || inFlight.size === 0) return;
  collecting = true;
  try {
    // Candidates: every reference is a buffer's. Count the references from other candidates' queues.
    const outside = new Map<InFlightFile, number>();
    for (const f of inFlight) if (f.refs === f.inflight) outside.set(f, f.refs);
    if (outside.size === 0) return;
    for (const c of outside.keys()) {
      for (const s of buffersOf(c.sock)) {
        if (s.fds === null) continue;
        for (const f of s.fds) {
          const u = asInFlight(f);
          if (u !== null && outside.has(u)) outside.set(u, outside.get(u)! - 1);
        }
      }
    }
    // Those still referenced from elsewhere are alive, and so is everything their queues hold.
    const alive = new Set<InFlightFile>();
    const work: InFlightFile[] = [];
    for (const [c, n] of outside) if (n > 0) { alive.add(c); work.push(c); }
    while (work.length > 0) {
      const c = work.pop()!;
      for (const s of buffersOf(c.sock)) {
        if (s.fds === null) continue;
        for (const f of s.fds) {
          const u = asInFlight(f);
          if (u !== null && outside.has(u) && !alive.has(u)) { alive.add(u); work.push(u); }
        }
      }
    }
    // The rest is garbage: take the descriptors out of their queues' buffers, then let them go.
    const drop: FileDescription[] = [];
    for (const c of outside.keys()) {
      if (alive.has(c)) continue;
      for (const s of buffersOf(c.sock)) {
        const fds = s.takeFds();
        if (fds !== null) for (const f of fds) drop.push(f);
      }
    }
    for (const f of drop) release(f);
  } finally {
    collecting = false;
  }
}
