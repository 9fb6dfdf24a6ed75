// The host process that stands for one `exec`'d guest process: it hands its
// stdio (fds 0-2, or the pty slave) to the sandbox over the control socket,
// forwards the signals it receives (containerd's shim signals an exec by its
// host pid), and exits with the guest process's exit status.
import * as fs from 'fs';
import * as os from 'os';
import { connectAsync, POKE_SIGNAL, type Connection, type Message } from './control';
import type { OciProcess } from './spec';

export interface ExecProxyOptions {
  socket: string;
  sandboxPid: number;
  process: OciProcess;
  /** Host fds to hand over: [0, 1, 2], or [0] for a terminal (used as 0, 1 and 2). */
  stdio: number[];
  /** "ok" or the error goes here once the process has started (-1: none). */
  readyFd: number;
  onError: (msg: string) => void;
}

const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGTSTP', 'SIGALRM', 'SIGPIPE'];

export function runExecProxy(o: ExecProxyOptions): Promise<number> {
  const ready = (msg: string) => {
    if (o.readyFd < 0) return;
    try { fs.writeSync(o.readyFd, msg + '\n'); } catch { /* gone */ }
    try { fs.closeSync(o.readyFd); } catch { /* closed */ }
  };
  return new Promise<number>((resolve) => {
    let guestPid = 0, done = false;
    const poke = () => { try { process.kill(o.sandboxPid, POKE_SIGNAL); } catch { /* gone */ } };
    const forward = (sig: NodeJS.Signals) => {
      if (guestPid > 0) { conn.send({ op: 'signal', pid: guestPid, signal: os.constants.signals[sig] }); poke(); }
    };
    const finish = (code: number) => {
      if (done) return;
      done = true;
      for (const s of FORWARDED) process.off(s, forward);
      conn.close();
      resolve(code);
    };
    const onMessage = (_c: Connection, m: Message) => {
      if (m.error !== undefined) {
        const msg = String(m.error);
        o.onError(msg);
        ready(`error: ${msg}`);
        finish(guestPid > 0 ? 137 : 255);
      } else if (m.pid !== undefined && guestPid === 0) {
        guestPid = Number(m.pid);
        ready('ok');
      } else if (m.exit !== undefined) {
        finish(Number(m.exit));
      }
    };
    let conn: Connection;
    try {
      conn = connectAsync(o.socket, onMessage, () => {
        // The sandbox is gone (killed with its container): as a process killed by SIGKILL.
        if (!done) { if (guestPid === 0) ready('error: the sandbox closed the control socket'); finish(137); }
      });
    } catch (e) {
      o.onError((e as Error).message);
      ready(`error: ${(e as Error).message}`);
      resolve(255);
      return;
    }
    for (const s of FORWARDED) process.on(s, forward);
    conn.send({ op: 'exec', process: o.process, proxyPid: process.pid }, o.stdio);
    poke();
  });
}
