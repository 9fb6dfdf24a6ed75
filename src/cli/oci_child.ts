// The detached children of the OCI commands: `sandbox` (what `create` leaves
// running: the kernel of one container) and `exec-proxy` (what `exec --detach`
// leaves running for one guest process). Started as
//   node boot.js <mode> <json>
// (boot.ts loads this module and calls childMain) with fds 0-2 the container's stdio and fd 3 the ready pipe. Nothing is written
// to fds 0-2: messages go to the runtime log.
import * as fs from 'fs';
import { RuntimeLog } from '../runtime/log';
import type { ChildGlobals } from '../runtime/lifecycle';
import { runSandbox } from '../runtime/sandbox';
import { runExecProxy } from '../runtime/exec_proxy';
import type { OciProcess } from '../runtime/spec';
import { makePlatform } from './run';
import { cpuFacts } from './cpu';

const READY_FD = 3;

export async function childMain(argv: string[]): Promise<number> {
  const mode = argv[2];
  const args = JSON.parse(argv[3] ?? '{}') as { globals: ChildGlobals; [k: string]: unknown };
  const g = args.globals;
  const log = new RuntimeLog(g.log, g.logFormat, g.debug, false);
  // fds 0-2 are the container's: a failure anywhere goes to the log, never there.
  process.on('uncaughtException', (e) => { log.error(`${mode}: ${e.stack ?? e.message}`); process.exit(125); });
  try {
    if (mode === 'sandbox') {
      // Hold no directory of the caller's (the shim removes the bundle when the container goes).
      process.chdir('/');
      return await runSandbox({
        root: g.root, id: String(args.id), bundle: String(args.bundle), platform: g.platform, log,
        onReady: (msg) => {
          try { fs.writeSync(READY_FD, msg + '\n'); } catch { /* create went away */ }
          try { fs.closeSync(READY_FD); } catch { /* closed */ }
        },
        makePlatform: (name, mem) => makePlatform(name, mem, false), cpu: cpuFacts(),
      });
    }
    if (mode === 'exec-proxy') {
      return await runExecProxy({
        socket: String(args.socket), sandboxPid: Number(args.sandboxPid), process: args.process as OciProcess,
        stdio: (args.process as OciProcess).terminal ? [0] : [0, 1, 2], readyFd: READY_FD, onError: (m) => log.error(m),
      });
    }
    log.error(`oci_child: unknown mode ${mode}`);
    return 125;
  } catch (e) {
    log.error(e instanceof Error ? e.stack ?? e.message : String(e));
    return 125;
  } finally {
    log.close();
  }
}

if (require.main === module) childMain(process.argv).then((status) => process.exit(status), () => process.exit(125));
