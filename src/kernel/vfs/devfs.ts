// devfs: tsvisor's own /dev (the root directory's /dev is never used). One node
// per registered device (src/devices/), the mount points of /dev/pts,
// /dev/shm and /dev/mqueue, and the links
// into /proc/self/fd.
import '../../devices';
import { registeredDevices, type DeviceSpec } from '../../devices/registry';
import { S_IFCHR, makedev } from '../abi/stat';
import { ST_NOSUID, TMPFS_MAGIC } from '../abi/statfs';
import type { Dentry } from './dentry';
import type { FileDescription } from './file';
import { allocAnonDev, allocMntId, Inode, Superblock, type VfsCtx } from './inode';
import { StaticDirInode, SynthLinkInode, synthStat } from './synthetic';

/** A device node: opening it asks the device for a file description. */
export class DeviceInode extends Inode {
  readonly rdev: number;
  constructor(sb: Superblock, ino: number, readonly spec: DeviceSpec) {
    super(sb, ino, S_IFCHR | spec.perm);
    this.rdev = makedev(spec.major, spec.minor);
  }
  override open(ctx: VfsCtx, dentry: Dentry, flags: number): FileDescription | number {
    return this.spec.open(flags, ctx, dentry);
  }
  override stat(dv: DataView, off: number): number { return synthStat(this, dv, off, 0, this.rdev); }
}

/** Builds /dev's root directory. */
export function makeDevfs(): StaticDirInode {
  const sb = new Superblock('devtmpfs', allocAnonDev(), allocMntId(), false, TMPFS_MAGIC, ST_NOSUID);
  const root = new StaticDirInode(sb, 1, 0o755);
  let ino = 2;
  for (const spec of registeredDevices()) root.add(spec.name, new DeviceInode(sb, ino++, spec));
  // The mount points of devpts and /dev/shm (mounted by the VFS).
  root.add('pts', new StaticDirInode(sb, ino++, 0o755));
  root.add('shm', new StaticDirInode(sb, ino++, 0o1777));
  root.add('mqueue', new StaticDirInode(sb, ino++, 0o1777));
  // As containers have it (runc, the OCI spec): /dev/ptmx opens the devpts instance's ptmx.
  root.add('ptmx', new SynthLinkInode(sb, ino++, () => 'pts/ptmx'));
  root.add('fd', new SynthLinkInode(sb, ino++, () => '/proc/self/fd'));
  root.add('stdin', new SynthLinkInode(sb, ino++, () => '/proc/self/fd/0'));
  root.add('stdout', new SynthLinkInode(sb, ino++, () => '/proc/self/fd/1'));
  root.add('stderr', new SynthLinkInode(sb, ino++, () => '/proc/self/fd/2'));
  return root;
}
