// Capabilities (include/uapi/linux/capability.h): numbers, the capget/capset
// header versions, and the full set of this kernel (CAP_LAST_CAP = 40).
export const CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_FOWNER = 3, CAP_FSETID = 4,
  CAP_KILL = 5, CAP_SETGID = 6, CAP_SETUID = 7, CAP_SETPCAP = 8, CAP_NET_BIND_SERVICE = 10, CAP_SYS_CHROOT = 18,
  CAP_SYS_ADMIN = 21, CAP_SYS_NICE = 23, CAP_SYS_RESOURCE = 24, CAP_MKNOD = 27, CAP_LINUX_IMMUTABLE = 9,
  CAP_MAC_OVERRIDE = 32, CAP_LAST_CAP = 40;

/** Every capability up to CAP_LAST_CAP, as two 32-bit halves. */
export const CAP_FULL_LO = 0xffffffff;
export const CAP_FULL_HI = (2 ** (CAP_LAST_CAP - 31) - 1) >>> 0;

/** The capabilities a change of fsuid to or from 0 gains or drops (CAP_FS_MASK): CHOWN,
 *  DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, LINUX_IMMUTABLE; and MAC_OVERRIDE. */
export const CAP_FS_MASK_LO = (1 << CAP_CHOWN) | (1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH) |
  (1 << CAP_FOWNER) | (1 << CAP_FSETID) | (1 << CAP_LINUX_IMMUTABLE);
export const CAP_FS_MASK_HI = 1 << (CAP_MAC_OVERRIDE - 32);

export const _LINUX_CAPABILITY_VERSION_1 = 0x19980330;
export const _LINUX_CAPABILITY_VERSION_2 = 0x20071026;
export const _LINUX_CAPABILITY_VERSION_3 = 0x20080522;
/** struct __user_cap_data_struct: effective, permitted, inheritable (u32 each). */
export const CAP_DATA_SIZE = 12;

/** Security bits (include/uapi/linux/securebits.h; the two exec bits since Linux 6.14): each
 *  bit has a lock bit above it that makes it immutable. */
export const SECBIT_NOROOT = 1 << 0, SECBIT_NO_SETUID_FIXUP = 1 << 2, SECBIT_KEEP_CAPS = 1 << 4,
  SECBIT_KEEP_CAPS_LOCKED = 1 << 5, SECBIT_NO_CAP_AMBIENT_RAISE = 1 << 6;
export const SECURE_ALL_BITS = 0x555, SECURE_ALL_LOCKS = SECURE_ALL_BITS << 1;

/** Every capability's name, indexed by number (capability(7)). */
export const CAP_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Is cap in the set given as its two 32-bit halves? */
export function capInSet(lo: number, hi: number, cap: number): boolean {
  return cap < 32 ? ((lo >>> cap) & 1) === 1 : ((hi >>> (cap - 32)) & 1) === 1;
}

/** A set of capability numbers as a 64-bit mask in two halves. */
export function capMask(caps: readonly number[]): [number, number] {
  let lo = 0, hi = 0;
  for (const c of caps) {
    if (c < 32) lo |= 1 << c;
    else hi |= 1 << (c - 32);
  }
  return [lo >>> 0, hi >>> 0];
}
