// Test support for the VFS and the file-system syscalls: a temporary root
// directory fixture, and a task with a real MM (MemoryFile + a no-op address
// space) so handlers run exactly as under the kernel, minus the platform.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { MemoryFile } from '../../../src/kernel/mm/memory_file';
import { MM } from '../../../src/kernel/mm/mm';
import { MAP_ANONYMOUS, MAP_PRIVATE } from '../../../src/kernel/mm/vma';
import { Credentials, SignalHandlers, Task } from '../../../src/kernel/task';
import { Limits } from '../../../src/kernel/limits';
import { FdTable } from '../../../src/kernel/vfs/fd_table';
import { Vfs, type RootMode } from '../../../src/kernel/vfs/vfs';
import type { IdMaps } from '../../../src/kernel/idmap';
import { RDI, RSI, RDX, R10, R8, R9 } from '../../../src/platform/regs';
import type { Handler } from '../../../src/kernel/syscalls/types';

export const PASSWD = 'root:x:0:0:sandbox root:/root:/bin/sh\n';
export const SECRET = 'host secret\n';

/** Builds a fixture: <tmp>/root is the sandbox root, <tmp>/outside must never be reachable. */
export function makeFixture(): { top: string; root: string } {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-vfs-'));
  const root = path.join(top, 'root');
  const w = (p: string, c: string | Buffer, mode = 0o644) => { fs.writeFileSync(path.join(root, p), c); fs.chmodSync(path.join(root, p), mode); };
  fs.mkdirSync(path.join(top, 'outside'));
  fs.writeFileSync(path.join(top, 'outside', 'secret'), SECRET);
  for (const d of ['etc', 'bin', 'dir', 'dir/sub', 'dev', 'proc', 'empty', 'locked']) fs.mkdirSync(path.join(root, d), { recursive: true });
  w('etc/passwd', PASSWD);
  w('bin/prog', Buffer.from('\x7fELF-not-really\n'), 0o755);
  w('bin/noexec', 'data\n', 0o644);
  w('dir/a', 'alpha\n');
  w('dir/sub/x', 'x\n');
  const big = Buffer.alloc(70000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
  w('big', big);
  const ln = (target: string, p: string) => fs.symlinkSync(target, path.join(root, p));
  ln('a', 'dir/link');
  ln('nowhere', 'dir/dangling');
  ln('/etc/passwd', 'abs');
  ln('../../../../../etc', 'dir/up');
  ln('../../..', 'escape');
  ln('../outside/secret', 'rel-out');
  ln(path.join(top, 'outside', 'secret'), 'host-abs');
  ln('loop2', 'loop1');
  ln('loop1', 'loop2');
  ln('selfloop', 'selfloop');
  ln('dir', 'dirlink');
  ln('dir/', 'dirlink-slash');
  ln('/bin/prog', 'bin/proglink');
  ln('/proc/self/exe', 'exelink');
  ln('/dev/null', 'devnull-link');
  execFileSync('mkfifo', [path.join(root, 'fifo')]);
  // A name that is not UTF-8.
  fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, 'dir') + '/'), Buffer.from([0x6e, 0xff, 0x6d])]), 'latin\n');
  fs.chmodSync(path.join(root, 'locked'), 0o700);
  return { top, root };
}

export function removeFixture(top: string): void { fs.rmSync(top, { recursive: true, force: true }); }

/** Host fds this process has open (to check nothing leaks). */
export function openFdCount(): number { return fs.readdirSync('/proc/self/fd').length; }

const nullAs = { map() {}, unmap() {}, protect() {}, destroy() {} };
export const HEAP = 0x10000000, HEAP_SIZE = 8 * 1024 * 1024;

export interface Harness {
  vfs: Vfs;
  t: Task;
  mem: MemoryFile;
  /** Calls a handler with up to six arguments (negative numbers as two's complement). */
  call(h: Handler, ...args: number[]): number;
  /** Puts a NUL-terminated string (or bytes) in guest memory; returns its address. */
  str(s: string | Buffer): number;
  /** Reserves n bytes of guest memory; returns the address. */
  alloc(n: number): number;
  /** Reads guest memory. */
  peek(addr: number, n: number): Buffer;
  poke(addr: number, b: Buffer): void;
  close(): void;
}

const ARG = [RDI, RSI, RDX, R10, R8, R9];

export function makeHarness(rootDir: string, cacheSize?: number, rootMode?: RootMode, ids?: IdMaps): Harness {
  const vfs = new Vfs({ rootDir, dentryCacheSize: cacheSize, rootMode, ids });
  const mem = new MemoryFile(32 * 1024 * 1024);
  const mm = new MM(mem, nullAs);
  mm.mmapBase = 0x7f0000000000;
  mm.map(HEAP, HEAP_SIZE, 3, MAP_PRIVATE | MAP_ANONYMOUS, true, null, 0, '[heap]');
  const kernel = { tasks: new Map<number, Task>() };
  const t = new Task(kernel as never, 1, 1, 0, mm, new FdTable(), vfs.newFsContext(), new SignalHandlers(),
    new Credentials(), { platformState: null }, new Limits());
  kernel.tasks.set(1, t);
  let bump = HEAP;
  const alloc = (n: number) => { const a = bump; bump += Math.ceil(Math.max(n, 1) / 16) * 16; return a; };
  return {
    vfs, t, mem,
    call(h, ...args) { args.forEach((a, i) => t.regs.set(ARG[i]!, a)); for (let i = args.length; i < 6; i++) t.regs.set(ARG[i]!, 0); return h(t); },
    alloc,
    str(s) {
      const b = Buffer.concat([typeof s === 'string' ? Buffer.from(s, 'latin1') : s, Buffer.from([0])]);
      const a = alloc(b.length);
      if (mm.copyOut(a, b, 0, b.length) < 0) throw new Error('copyOut');
      return a;
    },
    peek(addr, n) { const b = Buffer.alloc(n); if (mm.copyIn(addr, b, 0, n) < 0) throw new Error('copyIn'); return b; },
    poke(addr, b) { if (mm.copyOut(addr, b, 0, b.length) < 0) throw new Error('copyOut'); },
    close() { t.files.closeAll(); t.fs.release(); vfs.destroy(); mem.close(); },
  };
}
