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
