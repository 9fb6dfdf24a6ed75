// The generic half of the tree-changing calls (Linux's fs/namei.c and
// fs/attr.c): the checks every file system shares, in Linux's order (EEXIST
// before EROFS for creation, EROFS before ENOENT for removal, EXDEV across
// mounts, EBUSY on mount points, the sticky bit, a directory moved into
// itself), then the file system's operation, then the dentry cache's update.
import {
  EACCES, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EROFS, EXDEV,
} from '../errno';
import { S_IFDIR, S_IFMT, S_IFREG, S_ISGID, S_ISUID, S_ISVTX } from '../abi/stat';
import type { Credentials } from '../task';
import { CAP_CHOWN, CAP_FOWNER, CAP_FSETID } from '../abi/capability';
import { Dentry } from './dentry';
import {
  ATTR_ATIME, ATTR_CTIME, ATTR_GID, ATTR_MODE, ATTR_MTIME, ATTR_SIZE, ATTR_UID, AttrChange, RENAME_EXCHANGE,
  RENAME_NOREPLACE, type Inode, type VfsCtx,
} from './inode';
import { mountOf } from './mount';
import { LAST_NORM, lookupChild, type ParentResult } from './namei';
import { capableWrtInode, MAY_EXEC, MAY_WRITE, modePermission, permission } from './perm';

const S_IXGRP = 0o010;

function fsuid(c: Credentials | null): number { return c === null ? 0 : c.fsuid; }
/** inode_owner_or_capable: the file's owner, or CAP_FOWNER. */
function ownerOrCapable(c: Credentials | null, i: Inode): boolean {
  return fsuid(c) === i.permUid() || capableWrtInode(c, i, CAP_FOWNER);
}
function fsgid(c: Credentials | null): number { return c === null ? 0 : c.fsgid; }
function inGroup(c: Credentials | null, gid: number): boolean {
  if (c === null) return true;
  return c.fsgid === gid || c.groups.includes(gid);
}

/** Looks name up in dir: the dentry (referenced), null when absent, or -errno. */
export function lookupExisting(ctx: VfsCtx, dir: Dentry, name: string): Dentry | null | number {
  const i = dir.inode;
  const e = modePermission(i.mode, i.permUid(), i.permGid(), ctx.creds, MAY_EXEC);
  if (e < 0) return e;
  const c = lookupChild(ctx, dir, name);
  if (typeof c === 'number') return c === -ENOENT ? null : c;
  return c.get();
}

/** may_create: write and search permission in dir (EROFS on a read-only file system). */
function mayCreate(ctx: VfsCtx, dir: Dentry): number {
  if (dir.deleted) return -ENOENT;
  return permission(dir.inode, ctx.creds, MAY_WRITE | MAY_EXEC);
}

/** check_sticky: in a sticky directory only the owner of the file or of the directory (or
 *  CAP_FOWNER) may remove or rename it. */
function sticky(ctx: VfsCtx, dir: Inode, victim: Inode): boolean {
  if (!(dir.mode & S_ISVTX)) return false;
  const u = fsuid(ctx.creds);
  return u !== victim.permUid() && u !== dir.permUid() && !capableWrtInode(ctx.creds, victim, CAP_FOWNER);
}

/** may_delete: victim (named in dir) may go; isDir says what the caller wants it to be. */
function mayDelete(ctx: VfsCtx, dir: Dentry, victim: Dentry, isDir: boolean): number {
  const e = permission(dir.inode, ctx.creds, MAY_WRITE | MAY_EXEC);
  if (e < 0) return e;
  if (sticky(ctx, dir.inode, victim.inode)) return -EPERM;
  if (isDir) {
    if (!victim.inode.isDir) return -ENOTDIR;
    if (victim.mount !== null) return -EBUSY;
  } else if (victim.inode.isDir) return -EISDIR;
  return 0;
}

/**
 * filename_create + vfs_mknod/mkdir/symlink: creates p.last in p.dir. mode holds the type bits
 * (S_IFREG, S_IFDIR, S_IFIFO, S_IFSOCK, S_IFLNK) and the permission bits after umask. Returns the
 * new dentry (referenced) or -errno. Does not put p.dir.
 */
export function vfsCreate(ctx: VfsCtx, p: ParentResult, mode: number, rdev: number, target: string | null,
  refuse = 0): Dentry | number {
  const isDir = (mode & S_IFMT) === S_IFDIR;
  if (p.type !== LAST_NORM) return -EEXIST;
  const x = lookupExisting(ctx, p.dir, p.last);
  if (typeof x === 'number') return x;
  if (x !== null) { x.put(); return -EEXIST; }
  if (p.trailingSlash && !isDir) return -ENOENT;
  if (p.dir.inode.sb.fsType === 'proc') return -ENOENT;
  if (refuse !== 0) {
    // The checks of a creation whose last step fails (mknod of a device node: EPERM).
    const e = mayCreate(ctx, p.dir);
    return e < 0 ? e : refuse;
  }
  return createIn(ctx, p.dir, p.last, mode, rdev, target);
}

/** The creation itself, once the name is known to be free. */
export function createIn(ctx: VfsCtx, dir: Dentry, name: string, mode: number, rdev: number, target: string | null): Dentry | number {
  // procfs's lookup of a missing name is an error of its own (ENOENT), not a free name.
  if (dir.inode.sb.fsType === 'proc') return -ENOENT;
  const e = mayCreate(ctx, dir);
  if (e < 0) return e;
  const di = dir.inode;
  let gid = fsgid(ctx.creds);
  if (di.mode & S_ISGID) {
    gid = di.gid;
    if ((mode & S_IFMT) === S_IFDIR) mode |= S_ISGID;
  }
  const i = di.create(dir, name, mode, fsuid(ctx.creds), gid, rdev, target);
  if (typeof i === 'number') return i;
  const d = new Dentry(dir.cache, name, dir, i);
  if (dir.cache !== null && i.cacheable) dir.addChild(d);
  return d.get();
}

/** O_TMPFILE: an unnamed file in dir (referenced dentry named like Linux's "/#ino"). */
export function vfsTmpfile(ctx: VfsCtx, dir: Dentry, mode: number): Dentry | number {
  const e = mayCreate(ctx, dir);
  if (e < 0) return e;
  const i = dir.inode.tmpfile(dir, mode, fsuid(ctx.creds), fsgid(ctx.creds));
  if (typeof i === 'number') return i;
  const d = new Dentry(null, `#${i.ino}`, dir, i);
  d.deleted = true;
  return d.get();
}

/** vfs_link: old (referenced by the caller) gets the new name p.last in p.dir. */
export function vfsLink(ctx: VfsCtx, old: Dentry, p: ParentResult): number {
  if (p.type !== LAST_NORM) return -EEXIST;
  const x = lookupExisting(ctx, p.dir, p.last);
  if (typeof x === 'number') return x;
  if (x !== null) { x.put(); return -EEXIST; }
  if (p.trailingSlash) return -ENOENT;
  if (mountOf(old) !== mountOf(p.dir)) return -EXDEV;
  const e = mayCreate(ctx, p.dir);
  if (e < 0) return e;
  if (old.inode.isDir) return -EPERM;
  // A file already unlinked cannot get a name again (O_TMPFILE files are the exception).
  if (old.deleted && old.cache !== null) return -ENOENT;
  return p.dir.inode.link(p.dir, p.last, old);
}

/** do_unlinkat / do_rmdir on a parent result (does not put p.dir). */
export function vfsRemove(ctx: VfsCtx, p: ParentResult, isDir: boolean): number {
  if (isDir) {
    if (p.type === 3 /* LAST_DOTDOT */) return -ENOTEMPTY;
    if (p.type === 2 /* LAST_DOT */) return -EINVAL;
    if (p.type === 1 /* LAST_ROOT */) return -EBUSY;
  } else if (p.type !== LAST_NORM) return -EISDIR;
  if (p.dir.inode.sb.readonly) return -EROFS;
  const v = lookupExisting(ctx, p.dir, p.last);
  if (typeof v === 'number') return v;
  if (v === null) return -ENOENT;
  let e: number;
  if (!isDir && p.trailingSlash) e = v.inode.isDir ? -EISDIR : -ENOTDIR;
  else e = mayDelete(ctx, p.dir, v, isDir);
  if (e === 0 && v.mount !== null) e = -EBUSY;
  if (e === 0) e = isDir ? p.dir.inode.rmdir(p.dir, p.last, v) : p.dir.inode.unlink(p.dir, p.last, v);
  if (e === 0) v.unhash();
  v.put();
  return e;
}

/** do_renameat2 after the names are resolved (does not put a.dir or b.dir). */
export function vfsRename(ctx: VfsCtx, a: ParentResult, b: ParentResult, flags: number): number {
  if (mountOf(a.dir) !== mountOf(b.dir)) return -EXDEV;
  if (a.type !== LAST_NORM) return -EBUSY;
  if (b.type !== LAST_NORM) return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
  if (a.dir.inode.sb.readonly) return -EROFS;
  const src = lookupExisting(ctx, a.dir, a.last);
  if (typeof src === 'number') return src;
  if (src === null) return -ENOENT;
  const tgt = lookupExisting(ctx, b.dir, b.last);
  if (typeof tgt === 'number') { src.put(); return tgt; }
  const e = renameChecked(ctx, a, b, src, tgt, flags);
  src.put();
  if (tgt !== null) tgt.put();
  return e;
}

function renameChecked(ctx: VfsCtx, a: ParentResult, b: ParentResult, src: Dentry, tgt: Dentry | null, flags: number): number {
  const exchange = (flags & RENAME_EXCHANGE) !== 0;
  if (exchange && tgt === null) return -ENOENT;
  if ((flags & RENAME_NOREPLACE) && tgt !== null) return -EEXIST;
  const srcDir = src.inode.isDir;
  if (!srcDir && (a.trailingSlash || (b.trailingSlash && !exchange))) return -ENOTDIR;
  if (exchange && tgt !== null && !tgt.inode.isDir && (a.trailingSlash || b.trailingSlash)) return -ENOTDIR;
  // The source may not be an ancestor of the new place; the target may not be an ancestor of
  // the source (lock_rename's trap).
  if (b.dir.isUnder(src)) return -EINVAL;
  if (tgt !== null && a.dir.isUnder(tgt)) return exchange ? -EINVAL : -ENOTEMPTY;
  if (tgt !== null && tgt.inode === src.inode) return 0;
  let e = mayDelete(ctx, a.dir, src, srcDir);
  if (e < 0) return e;
  if (tgt !== null) {
    e = mayDelete(ctx, b.dir, tgt, exchange ? tgt.inode.isDir : srcDir);
    if (e < 0) return e;
  } else {
    e = mayCreate(ctx, b.dir);
    if (e < 0) return e;
  }
  if (src.mount !== null || (tgt !== null && tgt.mount !== null)) return -EBUSY;
  // Moving a directory elsewhere rewrites its "..": that needs write permission on it.
  if (a.dir !== b.dir) {
    if (srcDir) { e = permission(src.inode, ctx.creds, MAY_WRITE); if (e < 0) return e; }
    if (exchange && tgt!.inode.isDir) { e = permission(tgt!.inode, ctx.creds, MAY_WRITE); if (e < 0) return e; }
  }
  e = a.dir.inode.rename(a.dir, a.last, src, b.dir, b.last, tgt, flags);
  if (e < 0) return e;
  if (exchange) {
    src.move(b.dir, b.last);
    tgt!.move(a.dir, a.last);
  } else {
    if (tgt !== null) tgt.unhash();
    src.move(b.dir, b.last);
  }
  return 0;
}

// ---- attributes

/** chmod_common: the owner or CAP_FOWNER may; without CAP_FSETID a non-member of the file's
 *  group loses S_ISGID on a file. */
export function vfsChmod(ctx: VfsCtx, d: Dentry | null, i: Inode, mode: number): number {
  if (i.sb.readonly) return -EROFS;
  if (!ownerOrCapable(ctx.creds, i)) return -EPERM;
  mode &= 0o7777;
  if (!i.isDir && (mode & S_ISGID) && !inGroup(ctx.creds, i.permGid()) && !capableWrtInode(ctx.creds, i, CAP_FSETID)) mode &= ~S_ISGID;
  const a = new AttrChange();
  a.mask = ATTR_MODE;
  a.mode = mode;
  return i.setattr(d, a);
}

/** chown_common: uid/gid -1 leave a field as it is. Only CAP_CHOWN may give a file away or
 *  change it if it is not the caller's (chown_ok); the owner may set the group to one of their
 *  groups (chgrp_ok). Non-directories lose set-user-ID, and set-group-ID when group-executable. */
export function vfsChown(ctx: VfsCtx, d: Dentry | null, i: Inode, uid: number, gid: number): number {
  if (i.sb.readonly) return -EROFS;
  const u = fsuid(ctx.creds);
  const capChown = capableWrtInode(ctx.creds, i, CAP_CHOWN);
  const a = new AttrChange();
  a.mask = ATTR_CTIME;
  if (uid !== -1) {
    if (!capChown && !(u === i.permUid() && uid === i.uid)) return -EPERM;
    a.mask |= ATTR_UID; a.uid = uid;
  }
  if (gid !== -1) {
    if (!capChown && !(u === i.permUid() && (gid === i.gid || inGroup(ctx.creds, gid)))) return -EPERM;
    a.mask |= ATTR_GID; a.gid = gid;
  }
  // Non-directories lose set-user-ID (and set-group-ID with group execute) on any chown, even
  // one that changes nothing (chown_common's ATTR_KILL_SUID|ATTR_KILL_SGID).
  if (!i.isDir) {
    let m = i.mode & 0o7777;
    const before = m;
    m &= ~S_ISUID;
    if (m & S_IXGRP) m &= ~S_ISGID;
    if (m !== before) { a.mask |= ATTR_MODE; a.mode = m; }
  }
  return i.setattr(d, a);
}

/** utimes: explicit times need ownership (or CAP_FOWNER); "now" needs that or write access. */
export function vfsUtimes(ctx: VfsCtx, d: Dentry | null, i: Inode, a: AttrChange, onlyNow: boolean): number {
  if (i.sb.readonly) return -EROFS;
  if (!ownerOrCapable(ctx.creds, i)) {
    if (!onlyNow) return -EPERM;
    if (permission(i, ctx.creds, MAY_WRITE) < 0) return -EACCES;
  }
  a.mask |= ATTR_CTIME;
  return i.setattr(d, a);
}

/** vfs_truncate for a path (do_sys_truncate): type, read-only, then write permission. */
export function vfsTruncatePath(ctx: VfsCtx, d: Dentry, size: number): number {
  const i = d.inode;
  if (i.isDir) return -EISDIR;
  if ((i.mode & S_IFMT) !== S_IFREG) return -EINVAL;
  if (i.sb.readonly) return -EROFS;
  const e = permission(i, ctx.creds, MAY_WRITE);
  if (e < 0) return e;
  return truncateInode(d, i, size);
}

export function truncateInode(d: Dentry | null, i: Inode, size: number): number {
  const a = new AttrChange();
  a.mask = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME;
  a.size = size;
  // Truncation sets mtime and ctime to now: the file system's setattr stamps them.
  a.mask &= ~ATTR_MTIME;
  return i.setattr(d, a);
}

export { ATTR_ATIME, ATTR_MTIME };
