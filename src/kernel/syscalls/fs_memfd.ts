// memfd_create: an anonymous tmpfs file in sandbox memory (its pages are
// MemoryFile frames, so MAP_SHARED mappings of it are shared), named
// "/memfd:NAME (deleted)" in /proc/self/fd, with seals (F_ADD_SEALS,
// F_GET_SEALS: tmpfs.ts) when made with MFD_ALLOW_SEALING.
import { EFAULT, EINVAL } from '../errno';
import { O_LARGEFILE, O_RDWR } from '../abi/fcntl';
import { S_IFREG } from '../abi/stat';
import { Dentry } from '../vfs/dentry';
import { F_SEAL_EXEC, F_SEAL_SEAL, TmpFile, TmpRegFile } from '../vfs/tmpfs';
import type { Handler } from './types';

const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
/** NAME_MAX minus the "memfd:" prefix. */
const MFD_NAME_MAX_LEN = 249;

/** implements Linux memfd_create(2) (no MFD_HUGETLB: EINVAL, as a kernel without hugetlbfs) */
export const sysMemfdCreate: Handler = (t) => {
  const nameAddr = t.regs.arg(0), flags = t.regs.argInt(1) >>> 0;
  // MFD_HUGETLB (and its size bits) among the unknown ones.
  if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC)) return -EINVAL;
  if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC)) return -EINVAL;
  const name = t.mm.readCString(nameAddr, MFD_NAME_MAX_LEN + 1, EINVAL);
  if (typeof name === 'number') return name === -EFAULT ? -EFAULT : -EINVAL;
  const fd = t.files.firstFree(0);
  if (fd < 0) return fd;
  const fs = t.fs.vfs.memfdFs();
  const mode = (flags & MFD_NOEXEC_SEAL) ? 0o666 : 0o777;
  const inode = fs.newInode(S_IFREG | mode, t.creds.fsuid, t.creds.fsgid, 0, null) as TmpFile;
  inode.nlink = 0;
  const sealable = (flags & (MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL)) !== 0;
  inode.seals = sealable ? ((flags & MFD_NOEXEC_SEAL) ? F_SEAL_EXEC : 0) : F_SEAL_SEAL;
  const f = new TmpRegFile(O_RDWR | O_LARGEFILE, inode);
  const d = new Dentry(null, `/memfd:${name}`, null, inode);
  d.deleted = true;
  f.dentry = d.get();
  return t.files.install(f, (flags & MFD_CLOEXEC) !== 0, fd);
};

export const fsMemfdSyscalls: Record<string, Handler> = { memfd_create: sysMemfdCreate };
