// System information: uname, sysinfo, scheduler queries, getrandom.
import { randomFill } from '../host_random';
import { EFAULT, EINVAL, ESRCH } from '../errno';
import type { Task } from '../task';
import type { Handler } from './types';
import { monotonicNs } from '../timers';

export const UTS_RELEASE = '6.1.0';
export const UTS_VERSION = '#1 SMP PREEMPT_DYNAMIC tsvisor';
const UTS_FIELD = 65;

/** implements Linux uname(2) */
export const sysUname: Handler = (t) => {
  const s = t.kernel.scratch;
  s.fill(0, 0, 6 * UTS_FIELD);
  const fields = ['Linux', t.kernel.hostname, UTS_RELEASE, UTS_VERSION, 'x86_64', t.kernel.domainname];
  fields.forEach((f, i) => s.set(Buffer.from(f.slice(0, UTS_FIELD - 1)), i * UTS_FIELD));
  return t.mm.copyOut(t.regs.arg(0), s, 0, 6 * UTS_FIELD) < 0 ? -EFAULT : 0;
};

const TWO32 = 4294967296;
function setU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v % TWO32, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32), true);
}

/** implements Linux sysinfo(2): one CPU, the sandbox's memory cap as total RAM. */
export const sysSysinfo: Handler = (t) => {
  const k = t.kernel, dv = k.sdv;
  k.scratch.fill(0, 0, 112);
  setU64(dv, 0, Math.floor(monotonicNs() / 1e9));                 // uptime
  setU64(dv, 32, k.mem.size);                                       // totalram
  setU64(dv, 40, k.mem.size - k.mem.used);                          // freeram
  const procs = new Set([...k.tasks.values()].map((x) => x.tgid)).size;
  dv.setUint16(80, procs, true);
  dv.setUint32(104, 1, true);                                       // mem_unit
  return t.mm.copyOut(t.regs.arg(0), k.scratch, 0, 112) < 0 ? -EFAULT : 0;
};

/** implements Linux sched_getaffinity(2): the sandbox has one CPU (DESIGN.md). */
export const sysSchedGetaffinity: Handler = (t) => {
  const pid = t.regs.argInt(0), len = t.regs.arg(1);
  if (pid !== 0 && !t.kernel.tasks.has(pid)) return -ESRCH;
  if (len < 8 || len % 8 !== 0) return -EINVAL;
  const s = t.kernel.scratch;
  s.fill(0, 0, 8);
  s[0] = 1;
  return t.mm.copyOut(t.regs.arg(2), s, 0, 8) < 0 ? -EFAULT : 8;
};

/** implements Linux sched_setaffinity(2): any mask that includes CPU 0 is accepted. */
export const sysSchedSetaffinity: Handler = (t) => {
  const pid = t.regs.argInt(0), len = t.regs.arg(1);
  if (pid !== 0 && !t.kernel.tasks.has(pid)) return -ESRCH;
  if (len === 0) return -EINVAL;
  if (t.mm.copyIn(t.regs.arg(2), t.kernel.scratch, 0, 1) < 0) return -EFAULT;
  return (t.kernel.scratch[0]! & 1) ? 0 : -EINVAL;
};

/** implements Linux sched_yield(2) */
export const sysSchedYield: Handler = () => 0;

/** implements Linux getcpu(2): always CPU 0, node 0. */
export const sysGetcpu: Handler = (t) => {
  const cpu = t.regs.arg(0), node = t.regs.arg(1);
  if (cpu !== 0 && t.mm.writeU32(cpu, 0) < 0) return -EFAULT;
  if (node !== 0 && t.mm.writeU32(node, 0) < 0) return -EFAULT;
  return 0;
};

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
/** One getrandom call returns at most this much (Linux: MAX_RW_COUNT, 32 MiB for urandom reads). */
const GETRANDOM_MAX = 33554431;
/** implements Linux getrandom(2); fills guest memory in place. */
export const sysGetrandom: Handler = (t: Task) => {
  const buf = t.regs.arg(0), flags = t.regs.argInt(2);
  let len = t.regs.arg(1);
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM)) return -EINVAL;
  if (len > GETRANDOM_MAX) len = GETRANDOM_MAX;
  const mm = t.mm;
  if (mm.translate(buf, len, true) < 0) return -EFAULT;
  for (let i = 0; i < mm.segCount; i++) randomFill(mm.segBuf[i]!, mm.segOff[i], mm.segLen[i]);
  return len;
};

export const infoSyscalls: Record<string, Handler> = {
  uname: sysUname, sysinfo: sysSysinfo, sched_getaffinity: sysSchedGetaffinity,
  sched_setaffinity: sysSchedSetaffinity, sched_yield: sysSchedYield, getcpu: sysGetcpu, getrandom: sysGetrandom,
};
