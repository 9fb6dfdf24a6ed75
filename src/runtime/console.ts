// --console-socket: a host pty whose master goes to the caller (containerd's shim)
// over a unix socket with SCM_RIGHTS, as runc sends it; the slave becomes the
// container process's fds 0-2.
import { host } from '../native';

const O_RDWR = 2, O_NOCTTY = 0o400, O_CLOEXEC = 0o2000000, AT_FDCWD = -100;

export interface Pty { master: number; slave: number; name: string }

export function openPty(size?: { height: number; width: number }): Pty {
  const master = host.posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) throw new Error(`posix_openpt: errno ${-master}`);
  const fail = (what: string, e: number): never => { host.close(master); throw new Error(`${what}: errno ${-e}`); };
  let r = host.grantpt(master);
  if (r < 0) fail('grantpt', r);
  r = host.unlockpt(master);
  if (r < 0) fail('unlockpt', r);
  const name = host.ptsname(master);
  if (typeof name === 'number') return fail('ptsname', name);
  const slave = host.openat(AT_FDCWD, name, O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
  if (slave < 0) fail(`open ${name}`, slave);
  if (size && size.height > 0 && size.width > 0) host.setWinsize(master, size.height, size.width);
  return { master, slave, name };
}

/** Sends the pty master to the console socket (the message names it, as runc's does). */
export function sendConsole(socketPath: string, master: number): void {
  const fd = host.unixConnect(socketPath);
  if (fd < 0) throw new Error(`cannot connect to the console socket ${socketPath}: errno ${-fd}`);
  try {
    const msg = Buffer.from('/dev/ptmx');
    const n = host.sendFds(fd, msg, 0, msg.length, [master]);
    if (n < 0) throw new Error(`cannot send the console to ${socketPath}: errno ${-n}`);
  } finally {
    host.close(fd);
  }
}
