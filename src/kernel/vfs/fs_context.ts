// A process's file-system context (struct fs_struct): its root, its working
// directory and its umask. Shared by tasks cloned with CLONE_FS, copied by fork.
// Invariant: holds one dentry reference each on root and cwd while not released.
import type { Credentials, Task } from '../task';
import type { Dentry } from './dentry';
import type { VfsCtx } from './inode';
import type { Vfs } from './vfs';

export class FsContext {
  umask = 0o022;
  /** Tasks using this context (CLONE_FS shares it); the references go when the last one leaves. */
  users = 1;
  private _root: Dentry;
  private _cwd: Dentry;

  /** Takes a reference on root and cwd. */
  constructor(readonly vfs: Vfs, root: Dentry, cwd: Dentry) {
    this._root = root.get();
    this._cwd = cwd.get();
  }

  get root(): Dentry { return this._root; }
  get cwd(): Dentry { return this._cwd; }

  setCwd(d: Dentry): void {
    d.get();
    this._cwd.put();
    this._cwd = d;
  }

  setRoot(d: Dentry): void {
    d.get();
    this._root.put();
    this._root = d;
  }

  /** Another user of this same context (clone with CLONE_FS). */
  share(): this {
    this.users++;
    return this;
  }

  /** A copy for fork (or clone without CLONE_FS). */
  clone(): FsContext {
    const c = new FsContext(this.vfs, this._root, this._cwd);
    c.umask = this.umask;
    return c;
  }

  /** One user leaves (exit, or unshare(CLONE_FS)); the last one drops the references. */
  release(): void {
    if (--this.users > 0) return;
    this._cwd.put();
    this._root.put();
  }

  /** The walking context for a task (or for the kernel itself, with task null: no permission
   *  checks, no per-process /proc). */
  ctx(task: Task | null, creds: Credentials | null = task !== null ? task.creds : null): VfsCtx {
    return { root: this._root, task, creds };
  }
}
