// Path resolution, one component at a time (Linux's namei): symlinks are read
// and followed here, inside the process root, so absolute targets restart at
// the sandbox root and `..` at the root stays there; tsvisor's own mounts apply
// behind the root directory's symlinks too. Host file systems only ever see
// single-component lookups relative to a directory fd (hostfs.ts).
import { EACCES, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EXDEV } from '../errno';
import {
  MAXSYMLINKS, NAME_MAX, PATH_MAX, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS,
  RESOLVE_NO_SYMLINKS, RESOLVE_NO_XDEV,
} from '../abi/fcntl';
import { Dentry } from './dentry';
import type { VfsCtx } from './inode';
import { MAY_EXEC, modePermission } from './perm';

/** Follow a symlink in the final component. */
export const LOOKUP_FOLLOW = 1;
/** The result must be a directory (O_DIRECTORY; a trailing slash implies it). */
export const LOOKUP_DIRECTORY = 2;

/** Kinds of final component for walkParent (Linux's LAST_*). */
export const LAST_NORM = 0, LAST_ROOT = 1, LAST_DOT = 2, LAST_DOTDOT = 3;

function pushComponents(stack: string[], path: string): void {
  // Components in reverse, so that pop() yields them in order. Empty ones (//) vanish.
  let end = path.length;
  for (let i = path.length - 1; i >= -1; i--) {
    if (i === -1 || path.charCodeAt(i) === 47 /* / */) {
      if (end > i + 1) stack.push(path.slice(i + 1, end));
      end = i;
    }
  }
}

/** Looks up one child of dir, through the cache; the result is not yet referenced. */
export function lookupChild(ctx: VfsCtx, dir: Dentry, name: string): Dentry | number {
  const c = dir.cachedChild(name);
  if (c !== undefined) {
    if (c.mount !== null || c.inode.revalidate()) return c;
    // The name changed under the cache (a host process, in a bind mount): look it up again.
    c.unhash();
  }
  const ino = dir.inode.lookup(ctx, name);
  if (typeof ino === 'number') return ino;
  const d = new Dentry(dir.cache, name, dir, ino);
  if (ino.cacheable && dir.inode.cacheable && dir.cache !== null) dir.addChild(d);
  return d;
}

/**
 * Resolves path from start (for relative paths) or the root. Returns the dentry with one
 * reference taken (the caller puts it), or -errno: ENOENT, ENOTDIR, EACCES (search permission),
 * ENAMETOOLONG, ELOOP (over 40 links, or a symlink under RESOLVE_NO_SYMLINKS), EXDEV (openat2's
 * scoping). `resolve` takes openat2's RESOLVE_* flags.
 */
export function walk(ctx: VfsCtx, start: Dentry, path: string, flags: number, resolve = 0): Dentry | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  const root = (resolve & RESOLVE_IN_ROOT) !== 0 ? start : ctx.root;
  const beneath = (resolve & RESOLVE_BENEATH) !== 0 ? start : null;
  const trailingSlash = path.charCodeAt(path.length - 1) === 47;
  let follow = (flags & LOOKUP_FOLLOW) !== 0 || trailingSlash;
  let mustDir = (flags & LOOKUP_DIRECTORY) !== 0 || trailingSlash;
  let cur: Dentry;
  if (path.charCodeAt(0) === 47) {
    if (beneath !== null) return -EXDEV;
    cur = root.get();
  } else {
    cur = start.get();
  }
  const stack: string[] = [];
  pushComponents(stack, path);
  let links = 0;
  const fail = (e: number): number => { cur.put(); return e; };

  while (stack.length > 0) {
    const name = stack.pop()!;
    const last = stack.length === 0;
    const dir = cur.inode;
    if (!dir.isDir) return fail(-ENOTDIR);
    if (modePermission(dir.mode, dir.permUid(), dir.permGid(), ctx.creds, MAY_EXEC) < 0) return fail(-EACCES);
    if (name === '.') continue;
    if (name === '..') {
      if (cur === root) continue;
      if (beneath !== null && cur === beneath) return fail(-EXDEV);
      const p = cur.parent;
      if (p === null) continue;
      if ((resolve & RESOLVE_NO_XDEV) !== 0 && p.inode.sb !== dir.sb) return fail(-EXDEV);
      p.get();
      cur.put();
      cur = p;
      continue;
    }
    if (name.length > NAME_MAX) return fail(-ENAMETOOLONG);
    const r = lookupChild(ctx, cur, name);
    if (typeof r === 'number') return fail(r);
    const next = r.get();
    if ((resolve & RESOLVE_NO_XDEV) !== 0 && next.inode.sb !== dir.sb) { next.put(); return fail(-EXDEV); }
    if (next.inode.isSymlink && (!last || follow)) {
      if ((resolve & RESOLVE_NO_SYMLINKS) !== 0 || ++links > MAXSYMLINKS) { next.put(); return fail(-ELOOP); }
      const magic = next.inode.followMagic(ctx);
      if (magic !== null) {
        next.put();
        if (typeof magic === 'number') return fail(magic);
        if ((resolve & RESOLVE_NO_MAGICLINKS) !== 0) { magic.put(); return fail(-ELOOP); }
        if ((resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) !== 0 ||
            ((resolve & RESOLVE_NO_XDEV) !== 0 && magic.inode.sb !== dir.sb)) {
          magic.put();
          return fail(-EXDEV);
        }
        cur.put();
        cur = magic;
        continue;
      }
      const target = next.inode.readlink(ctx);
      next.put();
      if (typeof target === 'number') return fail(target);
      if (target.length === 0) return fail(-ENOENT);
      if (last && target.charCodeAt(target.length - 1) === 47) { mustDir = true; follow = true; }
      pushComponents(stack, target);
      if (target.charCodeAt(0) === 47) {
        if (beneath !== null) return fail(-EXDEV);
        cur.put();
        cur = root.get();
      }
      continue;
    }
    cur.put();
    cur = next;
  }
  if (mustDir && !cur.inode.isDir) return fail(-ENOTDIR);
  return cur;
}

export interface ParentResult {
  /** The directory the last component is in (referenced; the caller puts it). */
  dir: Dentry;
  /** The last component ("" for "/"). */
  last: string;
  /** LAST_NORM, LAST_ROOT, LAST_DOT or LAST_DOTDOT. */
  type: number;
  /** The path ended in a slash. */
  trailingSlash: boolean;
}

/** Resolves all but the last component (what create, unlink, mkdir and rename need). */
export function walkParent(ctx: VfsCtx, start: Dentry, path: string, resolve = 0): ParentResult | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  const trailingSlash = end < path.length;
  if (end === 0) {
    // "/" (or "///"): the last component is the root itself.
    const d = walk(ctx, start, '/', LOOKUP_FOLLOW, resolve);
    return typeof d === 'number' ? d : { dir: d, last: '', type: LAST_ROOT, trailingSlash };
  }
  const slash = path.lastIndexOf('/', end - 1);
  const last = path.slice(slash + 1, end);
  const dirPath = slash < 0 ? '.' : slash === 0 ? '/' : path.slice(0, slash + 1);
  const d = walk(ctx, start, dirPath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, resolve);
  if (typeof d === 'number') return d;
  if (last.length > NAME_MAX) { d.put(); return -ENAMETOOLONG; }
  const type = last === '.' ? LAST_DOT : last === '..' ? LAST_DOTDOT : LAST_NORM;
  return { dir: d, last, type, trailingSlash };
}
