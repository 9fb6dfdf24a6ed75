// config.json's linux.seccomp compiled into a classic-BPF program for the
// kernel's seccomp (src/kernel/syscalls/seccomp.ts), with the semantics runc
// gets from libseccomp: the default action and its errno, the architectures,
// syscalls[] by name (names this x86_64 kernel does not know are skipped, as
// libseccomp skips them), their action and errnoRet, and argument conditions
// compared as 64-bit values (conditions on different arguments of one rule
// must all hold; runc splits a rule with two conditions on one argument into
// one rule per condition). A syscall with an unconditional rule takes that
// rule's action; otherwise its conditional rules are tried in order, then the
// default action. Calls of another architecture get libseccomp's bad-arch
// action (KILL_THREAD); x32 calls are let through when SCMP_ARCH_X32 is listed
// (tsvisor has no x32 ABI: they return ENOSYS) and killed otherwise. As runc's
// -ENOSYS stub does, a call numbered above every call the profile names
// returns ENOSYS instead of a denying default action, so programs fall back
// from calls newer than the profile. SCMP_ACT_NOTIFY (a user-space agent) is
// refused by name.
import {
  AUDIT_ARCH_X86_64, BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD,
  BPF_MAXINSNS, BPF_RET, BPF_W, SD_ARCH, SD_ARGS, SD_NR, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG, SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, X32_SYSCALL_BIT,
} from '../kernel/abi/seccomp';
import { ENOSYS, EPERM } from '../kernel/errno';
import { checkProgram, programOf, type BpfInsn } from '../kernel/seccomp_bpf';
import { SYSCALL_NAMES } from '../kernel/syscalls/names';

/** A profile ready for Kernel.spawnProcess, and the names it skipped (for the debug log). */
export interface CompiledSeccomp { program: BpfInsn[]; flags: number; skipped: string[] }

function fail(msg: string): never { throw new Error(msg); }
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The actions of the runtime spec with the filter value each stands for (SCMP_ACT_KILL is
 *  libseccomp's KILL_THREAD). ERRNO and TRACE carry errnoRet (default EPERM, as runc). */
const ACTIONS: Record<string, number> = {
  SCMP_ACT_KILL: SECCOMP_RET_KILL_THREAD, SCMP_ACT_KILL_THREAD: SECCOMP_RET_KILL_THREAD,
  SCMP_ACT_KILL_PROCESS: SECCOMP_RET_KILL_PROCESS, SCMP_ACT_TRAP: SECCOMP_RET_TRAP, SCMP_ACT_ERRNO: SECCOMP_RET_ERRNO,
  SCMP_ACT_TRACE: SECCOMP_RET_TRACE, SCMP_ACT_ALLOW: SECCOMP_RET_ALLOW, SCMP_ACT_LOG: SECCOMP_RET_LOG,
};
/** Actions the spec has that tsvisor cannot carry out. */
const REFUSED_ACTIONS: Record<string, string> = {
  SCMP_ACT_NOTIFY: 'SCMP_ACT_NOTIFY (a seccomp agent on the host answering calls) is not supported by tsvisor',
};
export const SECCOMP_ACTIONS = Object.keys(ACTIONS);
export const SECCOMP_OPERATORS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];
export const SECCOMP_ARCHES = ['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64', 'SCMP_ARCH_M68K',
  'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB'];
/** Flags: TSYNC changes nothing for a process that has one thread when its filter goes on. */
export const SECCOMP_FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG: SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SECCOMP_FILTER_FLAG_SPEC_ALLOW,
};

const NUMBERS = new Map<string, number>();
SYSCALL_NAMES.forEach((n, nr) => { if (n) NUMBERS.set(n, nr); });

interface Cond { index: number; op: string; value: bigint; valueTwo: bigint }
interface Rule { conds: Cond[]; action: number }

/** An action name (and errnoRet) as a filter return value. */
function actionValue(name: unknown, errnoRet: unknown, where: string): number {
  if (typeof name !== 'string') fail(`${where}: action must be a string`);
  const refused = REFUSED_ACTIONS[name];
  if (refused) fail(`${where}: ${refused}`);
  const base = ACTIONS[name];
  if (base === undefined) fail(`${where}: unknown action "${name}" (one of ${SECCOMP_ACTIONS.join(', ')})`);
  if (base !== SECCOMP_RET_ERRNO && base !== SECCOMP_RET_TRACE) return base;
  let data = EPERM;
  if (errnoRet !== undefined && errnoRet !== null) {
    if (typeof errnoRet !== 'number' || !Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > 0xffff) fail(`${where}: errnoRet must be an integer from 0 to 65535`);
    data = errnoRet;
  }
  return (base | data) >>> 0;
}

/** A condition value: a JSON number (exact below 2^53; larger ones are what the JSON parser made
 *  of them) as an unsigned 64-bit integer. */
function u64(v: unknown, where: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(`${where} must be a non-negative integer`);
  const b = BigInt(v);
  return b > 0xffffffffffffffffn ? 0xffffffffffffffffn : b;
}

function parseArgs(args: unknown, where: string): Cond[][] {
  if (args === undefined || args === null) return [[]];
  if (!Array.isArray(args)) fail(`${where}.args must be an array`);
  const conds: Cond[] = (args as unknown[]).map((a, i) => {
    const w = `${where}.args[${i}]`;
    if (!isObj(a)) fail(`${w} must be an object`);
    if (typeof a.index !== 'number' || !Number.isInteger(a.index) || a.index < 0 || a.index > 5) fail(`${w}.index must be 0 to 5`);
    if (typeof a.op !== 'string' || !SECCOMP_OPERATORS.includes(a.op)) fail(`${w}: unknown op "${String(a.op)}" (one of ${SECCOMP_OPERATORS.join(', ')})`);
    return { index: a.index, op: a.op, value: u64(a.value, `${w}.value`), valueTwo: u64(a.valueTwo, `${w}.valueTwo`) };
  });
  // runc: two conditions on one argument cannot be ANDed by libseccomp; each becomes a rule.
  const counts = new Array<number>(6).fill(0);
  for (const c of conds) counts[c.index]!++;
  return counts.some((n) => n > 1) ? conds.map((c) => [c]) : [conds];
}

/** Validates and compiles linux.seccomp; undefined when there is none. */
export function compileSeccomp(raw: unknown, where = 'linux.seccomp'): CompiledSeccomp | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObj(raw)) fail(`${where} must be an object`);
  if (raw.listenerPath !== undefined && raw.listenerPath !== '') fail(`${where}.listenerPath: a seccomp agent (SCMP_ACT_NOTIFY) is not supported by tsvisor`);
  const def = actionValue(raw.defaultAction, raw.defaultErrnoRet, `${where}.defaultAction`);
  const arches = raw.architectures ?? [];
  if (!Array.isArray(arches)) fail(`${where}.architectures must be an array`);
  for (const a of arches as unknown[]) if (typeof a !== 'string' || !SECCOMP_ARCHES.includes(a)) fail(`${where}.architectures: unknown architecture "${String(a)}"`);
  const x32 = (arches as string[]).includes('SCMP_ARCH_X32');
  let flags = 0;
  const fl = raw.flags ?? [];
  if (!Array.isArray(fl)) fail(`${where}.flags must be an array`);
  for (const f of fl as unknown[]) {
    const v = typeof f === 'string' ? SECCOMP_FLAGS[f] : undefined;
    if (v === undefined) fail(`${where}.flags: seccomp flag "${String(f)}" is not supported by tsvisor (${Object.keys(SECCOMP_FLAGS).join(', ')} are)`);
    flags |= v;
  }
  const calls = raw.syscalls ?? [];
  if (!Array.isArray(calls)) fail(`${where}.syscalls must be an array`);
  const rules = new Map<number, Rule[]>();
  const skipped: string[] = [];
  let maxNr = -1;
  (calls as unknown[]).forEach((c, i) => {
    const w = `${where}.syscalls[${i}]`;
    if (!isObj(c)) fail(`${w} must be an object`);
    if (!Array.isArray(c.names) || !c.names.every((n) => typeof n === 'string' && n !== '')) fail(`${w}.names must be an array of syscall names`);
    const action = actionValue(c.action, c.errnoRet, `${w}.action`);
    const condSets = parseArgs(c.args, w);
    for (const name of c.names as string[]) {
      const nr = NUMBERS.get(name);
      if (nr === undefined) { skipped.push(name); continue; }
      maxNr = Math.max(maxNr, nr);
      if (action === def) continue; // as runc: a rule with the default action changes nothing
      let list = rules.get(nr);
      if (!list) rules.set(nr, list = []);
      for (const conds of condSets) list.push({ conds, action });
    }
  });
  const defAction = (def & 0xffff0000) >>> 0;
  const permissive = defAction === SECCOMP_RET_ALLOW || defAction === SECCOMP_RET_LOG || defAction === SECCOMP_RET_TRACE;
  const enosys = !permissive && def !== ((SECCOMP_RET_ERRNO | ENOSYS) >>> 0) && maxNr >= 0 ? maxNr : -1;
  const program = generate(def, rules, x32, enosys);
  if (program.length > BPF_MAXINSNS) fail(`${where}: the profile compiles to ${program.length} instructions, more than the ${BPF_MAXINSNS} a seccomp filter may have`);
  if (!checkProgram(programOf(program))) fail(`${where}: internal error: the compiled filter does not pass the kernel's checks`);
  return { program, flags, skipped };
}

// ---- code generation ---------------------------------------------------------------

/** A jump target: a label, or null for the next instruction. */
type Target = string | null;
interface Item { code: number; k: number; jt: Target; jf: Target; to?: string; label?: undefined }
interface Mark { label: string }

const LD_W_ABS = BPF_LD | BPF_W | BPF_ABS, RET_K = BPF_RET | BPF_K, JA = BPF_JMP | BPF_JA, AND_K = BPF_ALU | BPF_AND | BPF_K;
const JEQ = BPF_JMP | BPF_JEQ | BPF_K, JGT = BPF_JMP | BPF_JGT | BPF_K, JGE = BPF_JMP | BPF_JGE | BPF_K, JSET = BPF_JMP | BPF_JSET | BPF_K;

/** A tiny assembler: labels, conditional jumps of any distance (a far target goes through an
 *  inserted JA, since a conditional jump reaches 255 instructions at most). */
class Asm {
  items: (Item | Mark)[] = [];
  private n = 0;
  label(): string { return `L${this.n++}`; }
  place(label: string): void { this.items.push({ label }); }
  op(code: number, k: number): void { this.items.push({ code, k, jt: null, jf: null }); }
  jmp(code: number, k: number, jt: Target, jf: Target): void { this.items.push({ code, k: k >>> 0, jt, jf }); }
  ja(to: string): void { this.items.push({ code: JA, k: 0, jt: null, jf: null, to }); }
  ret(k: number): void { this.op(RET_K, k >>> 0); }

  assemble(): BpfInsn[] {
    for (;;) {
      const pos = new Map<string, number>();
      const insns: Item[] = [];
      for (const it of this.items) {
        if ('label' in it && it.label !== undefined) pos.set(it.label, insns.length);
        else insns.push(it as Item);
      }
      const dist = (t: Target, pc: number) => (t === null ? 0 : pos.get(t)! - pc - 1);
      let far = -1;
      insns.forEach((x, pc) => {
        if (far < 0 && x.code !== JA && (x.jt !== null || x.jf !== null) && (dist(x.jt, pc) > 255 || dist(x.jf, pc) > 255)) far = pc;
      });
      if (far < 0) {
        return insns.map((x, pc) => x.code === JA
          ? { code: JA, jt: 0, jf: 0, k: dist(x.to!, pc) }
          : { code: x.code, jt: dist(x.jt, pc), jf: dist(x.jf, pc), k: x.k });
      }
      // Relax the far jump: its far targets go through JAs placed right after it.
      const x = insns[far]!, at = this.items.indexOf(x);
      const extra: (Item | Mark)[] = [];
      const after = this.label();
      const viaJa = (t: Target): Target => {
        if (t === null) return after;
        if (dist(t, far) <= 255) return t;
        const l = this.label();
        extra.push({ label: l }, { code: JA, k: 0, jt: null, jf: null, to: t });
        return l;
      };
      const jt = viaJa(x.jt), jf = viaJa(x.jf);
      x.jt = jt; x.jf = jf;
      this.items.splice(at + 1, 0, ...extra, { label: after });
    }
  }
}

const lo32 = (v: bigint) => Number(v & 0xffffffffn);
const hi32 = (v: bigint) => Number(v >> 32n);

/** Code that falls through when c holds and jumps to `fail` when it does not. */
function emitCond(a: Asm, c: Cond, fail: string): void {
  const loOff = SD_ARGS + 8 * c.index, hiOff = loOff + 4;
  const vh = hi32(c.value), vl = lo32(c.value);
  const pass = a.label();
  switch (c.op) {
    case 'SCMP_CMP_EQ':
      a.op(LD_W_ABS, hiOff); a.jmp(JEQ, vh, null, fail); a.op(LD_W_ABS, loOff); a.jmp(JEQ, vl, null, fail);
      break;
    case 'SCMP_CMP_NE':
      a.op(LD_W_ABS, hiOff); a.jmp(JEQ, vh, null, pass); a.op(LD_W_ABS, loOff); a.jmp(JEQ, vl, fail, null);
      break;
    case 'SCMP_CMP_GT': case 'SCMP_CMP_GE':
      a.op(LD_W_ABS, hiOff); a.jmp(JGT, vh, pass, null); a.jmp(JEQ, vh, null, fail);
      a.op(LD_W_ABS, loOff); a.jmp(c.op === 'SCMP_CMP_GT' ? JGT : JGE, vl, null, fail);
      break;
    case 'SCMP_CMP_LT': case 'SCMP_CMP_LE':
      // The negations of GE and GT.
      a.op(LD_W_ABS, hiOff); a.jmp(JGT, vh, fail, null); a.jmp(JEQ, vh, null, pass);
      a.op(LD_W_ABS, loOff); a.jmp(c.op === 'SCMP_CMP_LT' ? JGE : JGT, vl, fail, null);
      break;
    case 'SCMP_CMP_MASKED_EQ': {
      // value is the mask, valueTwo what the masked argument must equal.
      const dh = hi32(c.valueTwo), dl = lo32(c.valueTwo);
      a.op(LD_W_ABS, hiOff); a.op(AND_K, vh); a.jmp(JEQ, dh, null, fail);
      a.op(LD_W_ABS, loOff); a.op(AND_K, vl); a.jmp(JEQ, dl, null, fail);
      break;
    }
  }
  a.place(pass);
}

function generate(def: number, rules: Map<number, Rule[]>, x32: boolean, enosysAbove: number): BpfInsn[] {
  const a = new Asm();
  const badArch = a.label(), x32Calls = a.label(), dflt = a.label(), enosys = a.label();
  // Shared returns: a syscall whose only rule is unconditional jumps straight to one of these.
  const rets = new Map<number, string>();
  const retLabel = (k: number) => { let l = rets.get(k); if (!l) rets.set(k, l = a.label()); return l; };
  a.op(LD_W_ABS, SD_ARCH);
  a.jmp(JEQ, AUDIT_ARCH_X86_64, null, badArch);
  a.op(LD_W_ABS, SD_NR);
  a.jmp(JSET, X32_SYSCALL_BIT, x32Calls, null);
  if (enosysAbove >= 0) a.jmp(JGT, enosysAbove, enosys, null);
  // Each syscall with rules: where its code starts (a shared return for an unconditional rule).
  const nrs = [...rules.keys()].sort((x, y) => x - y);
  const bodies = new Map<number, string>();
  for (const nr of nrs) {
    const list = rules.get(nr)!;
    const uncond = list.find((r) => r.conds.length === 0);
    bodies.set(nr, uncond ? retLabel(uncond.action) : a.label());
  }
  // A binary search over the numbers, four compares at a leaf.
  const tree = (lo: number, hi: number): void => {
    if (hi - lo <= 4) {
      for (let i = lo; i < hi; i++) a.jmp(JEQ, nrs[i]!, bodies.get(nrs[i]!)!, null);
      a.ja(dflt);
      return;
    }
    const mid = (lo + hi) >> 1, right = a.label();
    a.jmp(JGE, nrs[mid]!, right, null);
    tree(lo, mid);
    a.place(right);
    tree(mid, hi);
  };
  tree(0, nrs.length);
  // The conditional rules of each syscall, in order, then the default action.
  for (const nr of nrs) {
    const list = rules.get(nr)!;
    if (list.some((r) => r.conds.length === 0)) continue;
    a.place(bodies.get(nr)!);
    for (const r of list) {
      const next = a.label();
      for (const c of r.conds) emitCond(a, c, next);
      a.ret(r.action);
      a.place(next);
    }
    a.ja(dflt);
  }
  a.place(dflt); a.ret(def);
  for (const [k, l] of rets) { a.place(l); a.ret(k); }
  a.place(badArch); a.ret(SECCOMP_RET_KILL_THREAD);
  a.place(x32Calls); a.ret(x32 ? SECCOMP_RET_ALLOW : SECCOMP_RET_KILL_THREAD);
  a.place(enosys); a.ret((SECCOMP_RET_ERRNO | ENOSYS) >>> 0);
  return a.assemble();
}
