// Dentries: named places in the tree (a name, its parent, the inode there) and
// the dentry cache. `..` follows parent links, so it is physical, as in Linux;
// getcwd and /proc/self/fd read paths back from the parent chain.
//
// Reference counting (the invariants):
//  - refs counts open files, fs contexts (root, cwd), walks in progress, children in the
//    cache (a cached child holds its parent), and pins (the root and mount points, forever).
//  - A cached dentry whose refs fall to 0 stays in its parent's children map and joins the LRU;
//    when the LRU grows past its cap the oldest is dropped: it leaves the map, its inode is
//    released (host fds closed), and it lets go of its parent. So host fds held by the cache
//    are bounded by the cap plus what is in use.
//  - An uncached dentry (per-process proc entries, anonymous files) is destroyed at refs 0.
import type { Inode } from './inode';
import type { Mount } from './mount';

export class DentryCache {
  /** Unreferenced cached dentries, oldest first. */
  readonly lru = new Set<Dentry>();
  constructor(public cap = 256) {}

  trim(): void {
    while (this.lru.size > this.cap) {
      const d = this.lru.values().next().value as Dentry;
      this.lru.delete(d);
      d.evict();
    }
  }

  /** Drops every unreferenced dentry (tests; shutting a sandbox down). */
  clear(): void {
    const cap = this.cap;
    this.cap = 0;
    this.trim();
    this.cap = cap;
  }
}

export class Dentry {
  refs = 0;
  /** Cached children by name (directories only). */
  children: Map<string, Dentry> | null = null;
  /** In its parent's children map (and in the LRU while unreferenced). */
  cached = false;
  /** The mount whose root this dentry is (grafted over the mount point in the parent's
   *  children map, so the walk crosses into it and `..` leaves it); null elsewhere. */
  mount: Mount | null = null;
  /** Unlinked (or replaced by a rename): no longer reachable by name; paths show " (deleted)". */
  deleted = false;

  constructor(
    readonly cache: DentryCache | null,
    /** The name in the parent (latin1 string of the raw bytes); "/" for a root, "pipe:[N]"-style
     *  for anonymous files. Changes only through move() (rename). */
    public name: string,
    public parent: Dentry | null,
    readonly inode: Inode,
  ) {
    if (parent !== null) parent.get();
  }

  get(): this {
    if (this.refs++ === 0 && this.cached) this.cache!.lru.delete(this);
    return this;
  }

  put(): void {
    if (this.refs <= 0) throw new Error(`dentry ${this.name}: reference count underflow`);
    if (--this.refs > 0) return;
    if (this.cached) {
      this.cache!.lru.add(this);
      this.cache!.trim();
    } else {
      this.destroy();
    }
  }

  /** Looks up a cached child. */
  cachedChild(name: string): Dentry | undefined { return this.children?.get(name); }

  /** Adds a child to the cache; it starts unreferenced, in the LRU (no trim here: the caller takes
   *  a reference next). */
  addChild(d: Dentry): void {
    if (this.children === null) this.children = new Map();
    this.children.set(d.name, d);
    d.cached = true;
    this.cache!.lru.add(d);
  }

  /** Pins a child forever (mount points): cached and never evicted. */
  pinChild(d: Dentry): void {
    if (this.children === null) this.children = new Map();
    this.children.set(d.name, d);
    d.cached = true;
    d.refs++;
  }

  /** Takes this dentry out of its parent's name map (unlink, rmdir, the victim of a rename):
   *  open files keep it; it goes when its last reference does. */
  unhash(): void {
    if (this.mount !== null) return;
    if (this.parent?.children?.get(this.name) === this) this.parent.children.delete(this.name);
    this.deleted = true;
    if (this.cached) {
      this.cached = false;
      if (this.refs === 0) { this.cache!.lru.delete(this); this.destroy(); }
    }
  }

  /** Drops the cached child `name` of this directory, if any (a name that changed below the
   *  cache: a whiteout, a copy-up replacing what a lookup saw). */
  forgetChild(name: string): void {
    const c = this.children?.get(name);
    if (c !== undefined && c.mount === null) c.unhash();
  }

  /** d_move: rename keeps the dentry (and every open file's path) and re-files it under its
   *  new parent and name. */
  move(newParent: Dentry, newName: string): void {
    const wasCached = this.cached && this.parent?.children?.get(this.name) === this;
    if (wasCached) this.parent!.children!.delete(this.name);
    const old = this.parent;
    newParent.get();
    this.parent = newParent;
    this.name = newName;
    if (wasCached) {
      if (newParent.children === null) newParent.children = new Map();
      newParent.children.set(newName, this);
    }
    if (old !== null) old.put();
  }

  /** Called by the cache: leaves the parent's map and goes. */
  evict(): void {
    if (this.parent?.children?.get(this.name) === this) this.parent.children.delete(this.name);
    this.cached = false;
    this.destroy();
  }

  private destroy(): void {
    this.inode.release();
    if (this.parent !== null) this.parent.put();
  }

  /** True when this dentry is `anc` or lies below it. */
  isUnder(anc: Dentry): boolean {
    for (let d: Dentry | null = this; d !== null; d = d.parent) if (d === anc) return true;
    return false;
  }

  /** The absolute path as Linux's d_path shows it: from the top of the tree, or from `root`
   *  when given (a dentry outside `root` is shown from the top). Anonymous dentries show
   *  their name. */
  path(root: Dentry | null = null): string {
    const p = this.rawPath(root);
    return this.deleted ? p + ' (deleted)' : p;
  }

  private rawPath(root: Dentry | null): string {
    if (this.parent === null) return this.name === '/' || this === root ? '/' : this.name;
    const parts: string[] = [];
    let d: Dentry = this;
    while (d.parent !== null && d !== root) { parts.push(d.name); d = d.parent; }
    if (d !== root && d.name !== '/') return d.name + '/' + parts.reverse().join('/');
    return '/' + parts.reverse().join('/');
  }
}
