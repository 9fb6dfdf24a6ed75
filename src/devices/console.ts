// /dev/console (5:1): the sandbox's console, which is tsvisor's own standard
// input and output: reads come from its fd 0, writes go to its fd 1, and the
// terminal ioctls tsvisor passes through for host terminals (TCGETS,
// TIOCGWINSZ) work when those are terminals. It never becomes a controlling
// terminal (Linux's noctty rule for 5:1).
import type { Task } from '../kernel/task';
import { HostStdioFile, hostStdioFile, probeHostFd } from '../kernel/vfs/host_stdio';
import { InodeFile } from '../kernel/vfs/file';
import { O_NONBLOCK, O_RDWR } from '../kernel/abi/fcntl';
import { registerDevice } from './registry';

export class ConsoleFile extends InodeFile {
  private readonly input: HostStdioFile;
  private readonly output: HostStdioFile;
  constructor(flags: number) {
    super(flags);
    this.input = hostStdioFile(0, O_RDWR, probeHostFd(0));
    this.output = hostStdioFile(1, O_RDWR, probeHostFd(1));
  }
  override read(t: Task, dst: Uint8Array, off: number, len: number): number {
    this.input.flags = O_RDWR | (this.flags & O_NONBLOCK);
    return this.input.read(t, dst, off, len, -1);
  }
  override write(t: Task, src: Uint8Array, off: number, len: number): number {
    this.output.flags = O_RDWR | (this.flags & O_NONBLOCK);
    return this.output.write(t, src, off, len, -1);
  }
  override ioctl(t: Task, request: number, arg: number): number { return this.output.ioctl(t, request, arg); }
  override get pollable(): boolean { return true; }
}

registerDevice({ name: 'console', major: 5, minor: 1, perm: 0o600, open: (flags) => new ConsoleFile(flags) });
