// execve(2)'s worker: #! scripts, loading the new image, and the point of no
// return (other threads die, close-on-exec, handlers reset, new registers).
import { EACCES, ELOOP, ENOEXEC } from './errno';
import { FS_BASE, GS_BASE, REG_COUNT, RFLAGS, RIP, RSP } from '../platform/regs';
import { loadProgram, type ExecFile } from './loader';
import { MM } from './mm/mm';
import { release } from './vfs/fd_table';
import { SIG_DFL, SIG_IGN } from './abi/sigframe';
import { SignalHandlers, type Task } from './task';
import { exitRobustList, exitTask } from './task_exit';
import { capsOnExec } from './syscalls/identity';
import { randomFill } from './host_random';

const BINPRM_BUF_SIZE = 256;
const MAX_INTERP_DEPTH = 4;

/** Opens path for exec as t (permissions with t's credentials). */
function open(t: Task, path: string): ExecFile | number {
  return t.kernel.vfs.openExec(t.fs, path, t.fs.ctx(t));
}

/** Replaces t's program. Returns 0 (registers set for the new image) or -errno (old image intact). */
export function execve(t: Task, path: string, argv: Uint8Array[], envp: Uint8Array[]): number {
  const k = t.kernel;
  let exe: ExecFile | number = open(t, path);
  let execPath = path;
  // #! interpreter scripts: up to 4 levels, like Linux.
  for (let depth = 0; ; depth++) {
    if (typeof exe === 'number') return exe;
    const head = new Uint8Array(BINPRM_BUF_SIZE);
    const n = exe.file.read(t, head, 0, BINPRM_BUF_SIZE, 0);
    if (n < 0) { release(exe.file); return n; }
    if (n < 2 || head[0] !== 0x23 || head[1] !== 0x21) break;
    if (depth >= MAX_INTERP_DEPTH) { release(exe.file); return -ELOOP; }
    let end = head.indexOf(0x0a, 2);
    if (end < 0 || end > n) end = n;
    const line = Buffer.from(head.subarray(2, end)).toString('latin1').replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
    release(exe.file);
    if (line.length === 0) return -ENOEXEC;
    const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line)!;
    const interp = m[1]!, arg = m[2];
    const rest = argv.slice(1);
    // The script's own path replaces argv[0]; the interpreter and its optional argument go first.
    argv = [Buffer.from(interp, 'latin1'), ...(arg !== undefined ? [Buffer.from(arg, 'latin1')] : []), Buffer.from(execPath, 'latin1'), ...rest];
    execPath = interp;
    exe = open(t, interp);
  }
  const mm = new MM(k.mem, k.platform.newAddressSpace());
  const r = loadProgram(t, mm, exe, {
    argv, envp, cpu: k.cpu, uid: t.creds.uid, euid: t.creds.euid, gid: t.creds.gid, egid: t.creds.egid,
    random: (b) => randomFill(b),
    openInterp: (p) => open(t, p), vdsoBase: 0,
  });
  release(exe.file);
  if (typeof r === 'number') { mm.destroy(); return r === -EACCES ? r : r; }

  // The point of no return. The old image's robust futexes are released first (Linux's
  // exec_mm_release: a lock held by this thread must not stay held by a program that is gone).
  exitRobustList(t);
  const g = t.group;
  g.execed = true;
  for (const o of [...g.tasks]) if (o !== t) exitTask(o, 0);
  if (t.tid !== g.tgid) {
    // A non-leader thread that execs takes over the process id.
    k.tasks.delete(t.tid);
    t.tid = g.tgid;
    k.tasks.set(t.tid, t);
  }
  t.mm.release();
  t.mm = mm;
  if (t.files.users > 1) { const f = t.files.clone(); t.files.release(); t.files = f; }
  t.files.closeOnExec();
  if (t.fs.users > 1) { const f = t.fs.clone(); t.fs.release(); t.fs = f; }
  const sh = new SignalHandlers();
  t.sighand.actions.forEach((a, i) => {
    // Caught signals go back to the default; ignored ones stay ignored.
    if (a.handler === SIG_IGN) sh.actions[i]!.handler = SIG_IGN;
    else sh.actions[i]!.handler = SIG_DFL;
  });
  t.sighand = sh;
  t.altStackSp = 0; t.altStackSize = 0; t.altStackFlags = 2;
  t.clearChildTid = 0;
  t.robustListHead = 0;
  t.comm = (execPath.split('/').pop() ?? '').slice(0, 15);
  capsOnExec(t.creds, t.noNewPrivs);
  for (let i = 0; i < REG_COUNT; i++) t.regs.set(i, 0);
  t.regs.set(RIP, r.entry);
  t.regs.set(RSP, r.sp);
  t.regs.set(RFLAGS, 0x202);
  t.regs.set(FS_BASE, 0);
  t.regs.set(GS_BASE, 0);
  k.platform.resetFpuForHandler(t.fpu);
  if (t.vforkDone) { t.vforkDone.wakeAll(); t.vforkDone = null; }
  return 0;
}
