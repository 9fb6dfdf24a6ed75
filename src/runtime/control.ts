// The sandbox's control socket (--root/<id>/control.sock): newline-terminated
// JSON messages over a unix stream socket, with fds passed by SCM_RIGHTS (an
// exec's stdio). A client writes a request and pokes the sandbox with SIGURG
// (ignored by default, so a stray one is harmless): a guest running a tight loop
// keeps the kernel on the CPU, and the signal sends it back to the event loop.
import * as fs from 'fs';
import * as path from 'path';
import { host } from '../native';

const EAGAIN = 11, EINTR = 4;
export const POKE_SIGNAL = 'SIGURG';
/** How long a CLI command waits for the sandbox's reply. */
const REPLY_TIMEOUT_MS = 30_000;

/** A path short enough for sun_path (108 bytes): long ones go through /proc/self/fd/<dirfd>. */
function withShortPath<T>(p: string, fn: (short: string) => T): T {
  if (Buffer.byteLength(p) < 100) return fn(p);
  const dfd = fs.openSync(path.dirname(p), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try { return fn(`/proc/self/fd/${dfd}/${path.basename(p)}`); } finally { fs.closeSync(dfd); }
}

export interface Message { [key: string]: unknown }

/** Splits a byte stream into JSON lines. */
class LineBuffer {
  private parts: Buffer[] = [];
  push(b: Buffer): Message[] {
    const out: Message[] = [];
    let start = 0;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, start)) {
      this.parts.push(b.subarray(start, i));
      const line = Buffer.concat(this.parts).toString('utf8');
      this.parts = [];
      start = i + 1;
      if (line.trim()) out.push(JSON.parse(line) as Message);
    }
    if (start < b.length) this.parts.push(Buffer.from(b.subarray(start)));
    return out;
  }
}

function sendAll(fd: number, msg: Message, fds: number[]): number {
  const data = Buffer.from(JSON.stringify(msg) + '\n');
  let off = 0, first = true;
  while (off < data.length) {
    const n = host.sendFds(fd, data, off, data.length - off, first ? fds : []);
    if (n === -EINTR) continue;
    if (n === -EAGAIN) { host.pollOne(fd, 4 /* POLLOUT */, -1); continue; }
    if (n < 0) return n;
    off += n;
    first = false;
  }
  return 0;
}

/** A blocking client connection (the short-lived CLI commands). */
export class ControlClient {
  private readonly lines = new LineBuffer();
  private queue: Message[] = [];
  private readonly buf = Buffer.alloc(65536);
  private readonly fdsOut = new Int32Array(16);
  private constructor(readonly fd: number, private readonly sandboxPid: number) {}

  /** Connects; throws when the sandbox does not answer. */
  static connect(socket: string, sandboxPid: number): ControlClient {
    const fd = withShortPath(socket, (p) => host.unixConnect(p));
    if (fd < 0) throw new Error(`cannot reach the sandbox at ${socket}: errno ${-fd}`);
    return new ControlClient(fd, sandboxPid);
  }

  send(msg: Message, fds: number[] = []): void {
    const r = sendAll(this.fd, msg, fds);
    if (r < 0) throw new Error(`control socket: send failed (errno ${-r})`);
    try { process.kill(this.sandboxPid, POKE_SIGNAL); } catch { /* gone: the read sees EOF */ }
  }

  /** The next message (blocking, at most timeoutMs), or null at EOF. */
  read(timeoutMs = REPLY_TIMEOUT_MS): Message | null {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      const left = end - Date.now();
      if (left <= 0 || host.pollOne(this.fd, 1 /* POLLIN */, left) === 0) {
        throw new Error(`the sandbox did not answer within ${timeoutMs / 1000} s (a guest blocked in a host read holds it)`);
      }
      const n = host.recvFds(this.fd, this.buf, 0, this.buf.length, this.fdsOut);
      for (const f of this.fdsOut) if (f >= 0) host.close(f);
      if (n === -EINTR) continue;
      if (n <= 0) return null;
      this.queue.push(...this.lines.push(this.buf.subarray(0, n)));
    }
  }

  /** One request, one reply; throws the sandbox's error. */
  call(msg: Message, fds: number[] = []): Message {
    this.send(msg, fds);
    const r = this.read();
    if (!r) throw new Error('the sandbox closed the control socket');
    if (r.error) throw new Error(String(r.error));
    return r;
  }

  close(): void { host.close(this.fd); }
}

/** One connection as the event loop sees it (the sandbox's side, and the exec proxy's). */
export class Connection {
  private readonly lines = new LineBuffer();
  private readonly watch: InstanceType<typeof host.FdWatch>;
  private readonly buf = Buffer.alloc(65536);
  private readonly fdsOut = new Int32Array(16);
  private closed = false;

  constructor(readonly fd: number, private readonly onMessage: (c: Connection, m: Message, fds: number[]) => void, private readonly onClose: (c: Connection) => void) {
    host.fcntl(fd, 4 /* F_SETFL */, 0o4000 /* O_NONBLOCK */);
    this.watch = new host.FdWatch(fd, () => this.readable());
    this.watch.start(1);
  }

  private readable(): void {
    for (;;) {
      if (this.closed) return;
      const n = host.recvFds(this.fd, this.buf, 0, this.buf.length, this.fdsOut);
      if (n === -EINTR) continue;
      if (n === -EAGAIN) return;
      const fds = [...this.fdsOut].filter((f) => f >= 0);
      if (n <= 0) { for (const f of fds) host.close(f); this.close(); return; }
      let msgs: Message[];
      try { msgs = this.lines.push(this.buf.subarray(0, n)); } catch { for (const f of fds) host.close(f); this.close(); return; }
      // Fds travel with the first bytes of a message.
      msgs.forEach((m, i) => this.onMessage(this, m, i === 0 ? fds : []));
      if (msgs.length === 0) for (const f of fds) host.close(f);
    }
  }

  send(msg: Message, fds: number[] = []): boolean {
    if (this.closed) return false;
    return sendAll(this.fd, msg, fds) === 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.stop();
    host.close(this.fd);
    this.onClose(this);
  }
}

/** An event-loop client connection (the exec proxy waits for its process's exit this way). */
export function connectAsync(socket: string, onMessage: (c: Connection, m: Message, fds: number[]) => void, onClose: (c: Connection) => void): Connection {
  const fd = withShortPath(socket, (p) => host.unixConnect(p));
  if (fd < 0) throw new Error(`cannot reach the sandbox at ${socket}: errno ${-fd}`);
  return new Connection(fd, onMessage, onClose);
}

/** The sandbox's listener. */
export class ControlServer {
  private readonly fd: number;
  private readonly watch: InstanceType<typeof host.FdWatch>;
  readonly connections = new Set<Connection>();

  constructor(socket: string, private readonly onMessage: (c: Connection, m: Message, fds: number[]) => void, private readonly onClose: (c: Connection) => void = () => {}) {
    try { fs.unlinkSync(socket); } catch { /* none */ }
    this.fd = withShortPath(socket, (p) => host.unixListen(p, 64));
    if (this.fd < 0) throw new Error(`cannot listen on ${socket}: errno ${-this.fd}`);
    fs.chmodSync(socket, 0o600);
    this.watch = new host.FdWatch(this.fd, () => this.accept());
    this.watch.start(1);
  }

  private accept(): void {
    for (;;) {
      const c = host.unixAccept(this.fd, true);
      if (c === -EINTR) continue;
      if (c < 0) return;
      const conn = new Connection(c, this.onMessage, (x) => { this.connections.delete(x); this.onClose(x); });
      this.connections.add(conn);
    }
  }

  close(): void {
    this.watch.stop();
    host.close(this.fd);
    for (const c of [...this.connections]) c.close();
  }
}
