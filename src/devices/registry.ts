// The device registry: each device file under src/devices/ registers itself
// here when loaded (index.ts loads them all); devfs makes a node for each.
import type { Dentry } from '../kernel/vfs/dentry';
import type { FileDescription } from '../kernel/vfs/file';
import type { VfsCtx } from '../kernel/vfs/inode';

export interface DeviceSpec {
  /** The node's name under /dev. */
  readonly name: string;
  readonly major: number;
  readonly minor: number;
  /** Permission bits of the node (st_mode & 0777). */
  readonly perm: number;
  /** A new file description for an open with these flags (access mode and status flags), by
   *  the walker ctx (its task), through the node's dentry (ptmx finds its pts directory). */
  open(flags: number, ctx: VfsCtx, dentry: Dentry): FileDescription | number;
}

const devices: DeviceSpec[] = [];

export function registerDevice(spec: DeviceSpec): void {
  if (devices.some((d) => d.name === spec.name)) throw new Error(`device ${spec.name} registered twice`);
  devices.push(spec);
}

/** Every registered device, in registration order. */
export function registeredDevices(): readonly DeviceSpec[] { return devices; }
