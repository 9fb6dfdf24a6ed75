// The mount tree. A mount puts a file system's root dentry over a directory
// (the mount point): the root dentry is grafted into the mount point's parent
// under the mount point's name, pinned, so the walk crosses into it by name and
// `..` from it leads to the mount point's parent, as in Linux. The mount point
// underneath stays hidden while the mount is there.
//
// The listing API (for /proc/self/mounts and /proc/self/mountinfo):
//   vfs.mounts.list(root: Dentry): MountEntry[]
// gives the mounts visible from a process root, parents before children, each as
//   { id, parentId, source, mountpoint, root, fsType, options, superOptions, dev }
// where mountpoint is the path as seen from `root` ("/" for the root mount),
// root is the path of the mount's root inside its file system ("/" here, or the
// host-relative path for bind mounts: always "/" since hostfs is rooted at it),
// options are the per-mount options ("rw,nosuid,nodev,relatime"), superOptions the
// file system's (mountinfo's last field), and dev the st_dev (new_encode_dev form;
// devMajor/devMinor in abi/stat split it). A mount whose mount point lies outside
// `root` is left out; the mount at `root` itself (or the one containing it) shows as "/".
import type { Dentry } from './dentry';
import { allocMntId, type Superblock } from './inode';

export class Mount {
  constructor(
    readonly id: number,
    /** The mount this one sits in; null for the root mount. */
    readonly parent: Mount | null,
    /** The root dentry of the mounted file system (pinned). */
    readonly root: Dentry,
    readonly sb: Superblock,
    /** What mounts show as the source ("none", "proc", "tmpfs", a host path for binds). */
    readonly source: string,
    /** Per-mount options as /proc/mounts lists them ("rw,nosuid,nodev,noexec,relatime"). */
    readonly options: string,
    /** File-system options (mountinfo's super options). */
    readonly superOptions: string,
  ) {}

  get fsType(): string { return this.sb.fsType; }
  get dev(): number { return this.sb.dev; }
}

/** One row of the listing (see the comment at the top). */
export interface MountEntry {
  readonly id: number;
  readonly parentId: number;
  readonly source: string;
  readonly mountpoint: string;
  readonly root: string;
  readonly fsType: string;
  readonly options: string;
  readonly superOptions: string;
  readonly dev: number;
}

export class MountTable {
  /** Every mount, parents before children (mount order). */
  readonly mounts: Mount[] = [];

  /** Records the root mount (its dentry is the tree's root). */
  setRoot(root: Dentry, sb: Superblock, source: string, options: string, superOptions = options): Mount {
    const m = new Mount(sb.mntId, null, root, sb, source, options, superOptions);
    root.mount = m;
    this.mounts.push(m);
    return m;
  }

  /**
   * Mounts the file system whose root dentry `make` builds over `name` in the directory dentry
   * parentDir (what was there, if anything, is hidden). The new root dentry takes the name in
   * parentDir's name map and is pinned forever (tsvisor never unmounts). Returns the mount.
   */
  graft(parentDir: Dentry, name: string, make: (parent: Dentry, name: string) => Dentry, sb: Superblock,
    source: string, options: string, superOptions = options): Mount {
    const d = make(parentDir, name);
    const m = new Mount(sb.mntId, mountOf(parentDir), d, sb, source, options, superOptions);
    d.mount = m;
    // The mount point leaves the name map (it stays alive while referenced elsewhere).
    const at = parentDir.children?.get(name);
    if (at !== undefined) { parentDir.children!.delete(name); at.cached = false; if (at.refs === 0) at.cache?.lru.delete(at); }
    parentDir.pinChild(d);
    this.mounts.push(m);
    return m;
  }

  /** The listing for a process whose root is `root`. */
  list(root: Dentry): MountEntry[] {
    const out: MountEntry[] = [];
    const top = mountOf(root);
    for (const m of this.mounts) {
      let mp: string;
      if (m === top) mp = '/';
      else if (m.root.isUnder(root)) mp = m.root.path(root);
      else continue;
      const parentId = m.parent === null || m === top ? m.id : m.parent.id;
      out.push({
        id: m.id, parentId, source: m.source, mountpoint: mp, root: '/', fsType: m.fsType,
        options: m.options, superOptions: m.superOptions, dev: m.dev,
      });
    }
    return out;
  }
}

/** The mount a dentry lies in: the nearest mount root at or above it. */
export function mountOf(d: Dentry): Mount | null {
  for (let x: Dentry | null = d; x !== null; x = x.parent) if (x.mount !== null) return x.mount;
  return null;
}

/** True when d is the root of a mount (rmdir, rename and unlink of it give EBUSY). */
export function isMountRoot(d: Dentry): boolean { return d.mount !== null; }

export { allocMntId };
