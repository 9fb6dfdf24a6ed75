// The fd table of a process (shared by threads with CLONE_FILES).
import { EBADF, EMFILE } from '../errno';
import type { FileDescription } from './file';
import { hasLocks, recordReleaseOwner } from './locks';

export const FD_CLOEXEC = 1;

export class FdTable {
  private readonly files: (FileDescription | null)[] = [];
  private readonly fdFlags: number[] = [];
  /** RLIMIT_NOFILE soft limit. */
  limit = 1024;
  /** Tasks using this table (CLONE_FILES shares it); the last one to leave closes everything. */
  users = 1;

  /** Another user of this same table (clone with CLONE_FILES). */
  share(): this {
    this.users++;
    return this;
  }

  /** One user leaves (exit, exec's unshare); the last one closes every fd. */
  release(): void {
    if (--this.users > 0) return;
    this.closeAll();
  }

  get(fd: number): FileDescription | null {
    return fd >= 0 ? this.files[fd] ?? null : null;
  }
  getFlags(fd: number): number { return this.fdFlags[fd] ?? 0; }
  setFlags(fd: number, flags: number): void { this.fdFlags[fd] = flags; }

  /** The lowest free fd >= min, or -EMFILE. */
  firstFree(min = 0): number {
    for (let fd = min; fd < this.limit; fd++) if (!this.files[fd]) return fd;
    return -EMFILE;
  }

  /** Sets or clears FD_CLOEXEC on an open fd. */
  setCloexec(fd: number, on: boolean): void {
    if (this.files[fd]) this.fdFlags[fd] = on ? (this.fdFlags[fd]! | FD_CLOEXEC) : (this.fdFlags[fd]! & ~FD_CLOEXEC);
  }

  /** One past the highest open fd. */
  get size(): number {
    let n = this.files.length;
    while (n > 0 && !this.files[n - 1]) n--;
    return n;
  }

  /** Installs file at the lowest free fd >= min; takes over one reference. Returns fd or -EMFILE. */
  install(file: FileDescription, cloexec: boolean, min = 0): number {
    for (let fd = min; fd < this.limit; fd++) {
      if (!this.files[fd]) {
        this.files[fd] = file;
        this.fdFlags[fd] = cloexec ? FD_CLOEXEC : 0;
        return fd;
      }
    }
    return -EMFILE;
  }

  /** Puts file at exactly fd (dup2), closing what was there. */
  installAt(fd: number, file: FileDescription, cloexec: boolean): number {
    if (fd < 0 || fd >= this.limit) return -EBADF;
    const old = this.files[fd];
    this.files[fd] = file;
    this.fdFlags[fd] = cloexec ? FD_CLOEXEC : 0;
    if (old) { this.dropPosixLocks(old); old.flush(this); release(old); }
    return fd;
  }

  close(fd: number): number {
    const f = this.get(fd);
    if (!f) return -EBADF;
    this.files[fd] = null;
    this.fdFlags[fd] = 0;
    this.dropPosixLocks(f);
    f.flush(this);
    release(f);
    return 0;
  }

  /** Closing any fd of a file drops the POSIX record locks this table's owner holds on it (the
   *  owner of a POSIX lock is the fd table, as Linux's is the files_struct). */
  private dropPosixLocks(f: FileDescription): void {
    const d = f.dentry;
    if (d !== null && hasLocks(d.inode)) recordReleaseOwner(d.inode, this);
  }

  /** Every open fd, ascending. */
  fds(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.files.length; i++) if (this.files[i]) out.push(i);
    return out;
  }

  closeOnExec(): void {
    for (let i = 0; i < this.files.length; i++) if (this.files[i] && (this.fdFlags[i]! & FD_CLOEXEC)) this.close(i);
  }

  closeAll(): void { for (let i = 0; i < this.files.length; i++) if (this.files[i]) this.close(i); }

  /** A copy for fork: every description gains a reference. */
  clone(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i];
      if (f) { f.refs++; t.files[i] = f; t.fdFlags[i] = this.fdFlags[i]!; }
    }
    return t;
  }
}

export function release(f: FileDescription): void {
  if (--f.refs === 0) f.release();
}
