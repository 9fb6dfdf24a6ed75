// /proc/sys (sysctl), the entries programs read: kernel/{hostname,domainname,
// ostype,osrelease,version,pid_max,ngroups_max,random/*,pty/*}, vm/overcommit_memory,
// fs/{file-max,nr_open}. Directories are 0555; hostname and domainname are
// writable (0644, like sethostname), everything else is read-only (0444): a
// write fails with EACCES whatever the caller's capabilities, as sysctl's own
// permission check does.
import { randomUUID } from '../host_random';
import { EINVAL, EPERM } from '../errno';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { UTS_RELEASE, UTS_VERSION } from '../syscalls/info';
import type { Inode, Superblock } from './inode';
import { ProcFileInode, type ProcGen, type ProcWrite } from './procfs_file';
import { StaticDirInode } from './synthetic';
import { openPtys } from '../tty/pty';
import { DFLT_MSG, DFLT_MSGMAX, DFLT_MSGSIZE, DFLT_MSGSIZEMAX, DFLT_QUEUESMAX } from '../abi/mqueue';

/** Linux's values for the limits tsvisor shares. */
export const PID_MAX = 4194304, NGROUPS_MAX = 65536, NR_OPEN = 1048576, FILE_MAX = '9223372036854775807';
/** __NEW_UTS_LEN: the longest host or domain name. */
const UTS_LEN = 64;

const bootIds = new WeakMap<Kernel, string>();

/** proc_dostring's write: the text up to the first newline or NUL. */
function dostring(data: Uint8Array): string {
  let n = 0;
  while (n < data.length && data[n] !== 10 && data[n] !== 0) n++;
  return Buffer.from(data.subarray(0, n)).toString('latin1');
}

function utsWrite(set: (k: Kernel, s: string) => void): ProcWrite {
  return (t: Task, data: Uint8Array) => {
    if (t.creds.euid !== 0) return -EPERM;
    const s = dostring(data);
    if (s.length > UTS_LEN) return -EINVAL;
    set(t.kernel, s);
    return data.length;
  };
}

/** Builds /proc/sys; `ino` hands out inode numbers. */
export function makeProcSys(sb: Superblock, ino: () => number): StaticDirInode {
  const dir = (): StaticDirInode => new StaticDirInode(sb, ino(), 0o555);
  const ro = (gen: ProcGen): Inode => new ProcFileInode(sb, ino(), 0o444, gen, { strictWrite: true });
  const rw = (gen: ProcGen, write: ProcWrite): Inode => new ProcFileInode(sb, ino(), 0o644, gen, { write });
  const k = (t: Task | null): Kernel | null => t?.kernel ?? null;

  const sys = dir();
  const kernel = dir();
  sys.add('kernel', kernel);
  kernel.add('hostname', rw((t) => `${k(t)?.hostname ?? 'localhost'}\n`, utsWrite((kk, s) => { kk.hostname = s; })));
  kernel.add('domainname', rw((t) => `${k(t)?.domainname ?? '(none)'}\n`, utsWrite((kk, s) => { kk.domainname = s; })));
  kernel.add('ostype', ro(() => 'Linux\n'));
  kernel.add('osrelease', ro(() => `${UTS_RELEASE}\n`));
  kernel.add('version', ro(() => `${UTS_VERSION}\n`));
  kernel.add('pid_max', ro(() => `${PID_MAX}\n`));
  kernel.add('ngroups_max', ro(() => `${NGROUPS_MAX}\n`));
  kernel.add('cap_last_cap', ro(() => '40\n'));
  const random = dir();
  kernel.add('random', random);
  random.add('boot_id', ro((t) => {
    const kk = k(t);
    if (kk === null) return `${randomUUID()}\n`;
    let id = bootIds.get(kk);
    if (id === undefined) { id = randomUUID(); bootIds.set(kk, id); }
    return `${id}\n`;
  }));
  random.add('uuid', ro(() => `${randomUUID()}\n`));
  random.add('entropy_avail', ro(() => '256\n'));
  random.add('poolsize', ro(() => '256\n'));
  const pty = dir();
  kernel.add('pty', pty);
  pty.add('max', ro(() => '4096\n'));
  pty.add('reserve', ro(() => '1024\n'));
  pty.add('nr', ro((t) => `${t === null ? 0 : openPtys(t.kernel)}\n`));

  const vm = dir();
  sys.add('vm', vm);
  vm.add('overcommit_memory', ro(() => '0\n'));
  vm.add('max_map_count', ro(() => '65530\n'));

  const fsDir = dir();
  sys.add('fs', fsDir);
  fsDir.add('file-max', ro(() => `${FILE_MAX}\n`));
  fsDir.add('nr_open', ro(() => `${NR_OPEN}\n`));
  fsDir.add('pipe-max-size', ro(() => '1048576\n'));
  // The POSIX message queue limits the sandbox applies (syscalls/mqueue.ts); fixed here.
  const mq = dir();
  fsDir.add('mqueue', mq);
  mq.add('msg_max', ro(() => `${DFLT_MSGMAX}\n`));
  mq.add('msgsize_max', ro(() => `${DFLT_MSGSIZEMAX}\n`));
  mq.add('msg_default', ro(() => `${DFLT_MSG}\n`));
  mq.add('msgsize_default', ro(() => `${DFLT_MSGSIZE}\n`));
  mq.add('queues_max', ro(() => `${DFLT_QUEUESMAX}\n`));
  return sys;
}
