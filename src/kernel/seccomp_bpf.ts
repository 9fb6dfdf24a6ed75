// seccomp's classic BPF: the checks a program must pass before it is attached
// (net/core/filter.c's bpf_check_classic and check_load_and_stores, then
// kernel/seccomp.c's seccomp_check_filter), and the interpreter that runs an
// attached filter over struct seccomp_data at each system call entry. The
// interpreter allocates nothing: the program lives in typed arrays, the
// scratch memory is one module-level array.
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET,
  BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MAXINSNS, BPF_MEM, BPF_MEMWORDS, BPF_MISC, BPF_MUL, BPF_NEG, BPF_OR,
  BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, SECCOMP_DATA_SIZE,
} from './abi/seccomp';

/** One struct sock_filter. */
export interface BpfInsn { code: number; jt: number; jf: number; k: number }

// The opcodes seccomp accepts (seccomp_check_filter's list; bpf_check_classic accepts a superset).
const LD_W_ABS = BPF_LD | BPF_W | BPF_ABS, LD_W_LEN = BPF_LD | BPF_W | BPF_LEN, LDX_W_LEN = BPF_LDX | BPF_W | BPF_LEN;
const LD_IMM = BPF_LD | BPF_IMM, LDX_IMM = BPF_LDX | BPF_IMM, LD_MEM = BPF_LD | BPF_MEM, LDX_MEM = BPF_LDX | BPF_MEM;
const ST = BPF_ST, STX = BPF_STX, TAX = BPF_MISC | BPF_TAX, TXA = BPF_MISC | BPF_TXA;
const RET_K = BPF_RET | BPF_K, RET_A = BPF_RET | BPF_A;
const ADD_K = BPF_ALU | BPF_ADD | BPF_K, ADD_X = BPF_ALU | BPF_ADD | BPF_X, SUB_K = BPF_ALU | BPF_SUB | BPF_K,
  SUB_X = BPF_ALU | BPF_SUB | BPF_X, MUL_K = BPF_ALU | BPF_MUL | BPF_K, MUL_X = BPF_ALU | BPF_MUL | BPF_X,
  DIV_K = BPF_ALU | BPF_DIV | BPF_K, DIV_X = BPF_ALU | BPF_DIV | BPF_X, AND_K = BPF_ALU | BPF_AND | BPF_K,
  AND_X = BPF_ALU | BPF_AND | BPF_X, OR_K = BPF_ALU | BPF_OR | BPF_K, OR_X = BPF_ALU | BPF_OR | BPF_X,
  XOR_K = BPF_ALU | BPF_XOR | BPF_K, XOR_X = BPF_ALU | BPF_XOR | BPF_X, LSH_K = BPF_ALU | BPF_LSH | BPF_K,
  LSH_X = BPF_ALU | BPF_LSH | BPF_X, RSH_K = BPF_ALU | BPF_RSH | BPF_K, RSH_X = BPF_ALU | BPF_RSH | BPF_X,
  NEG = BPF_ALU | BPF_NEG;
const JA = BPF_JMP | BPF_JA, JEQ_K = BPF_JMP | BPF_JEQ | BPF_K, JEQ_X = BPF_JMP | BPF_JEQ | BPF_X,
  JGT_K = BPF_JMP | BPF_JGT | BPF_K, JGT_X = BPF_JMP | BPF_JGT | BPF_X, JGE_K = BPF_JMP | BPF_JGE | BPF_K,
  JGE_X = BPF_JMP | BPF_JGE | BPF_X, JSET_K = BPF_JMP | BPF_JSET | BPF_K, JSET_X = BPF_JMP | BPF_JSET | BPF_X;

const SECCOMP_OPS = new Set([LD_W_ABS, LD_W_LEN, LDX_W_LEN, RET_K, RET_A, ADD_K, ADD_X, SUB_K, SUB_X, MUL_K, MUL_X,
  DIV_K, DIV_X, AND_K, AND_X, OR_K, OR_X, XOR_K, XOR_X, LSH_K, LSH_X, RSH_K, RSH_X, NEG, LD_IMM, LDX_IMM, TAX, TXA,
  LD_MEM, LDX_MEM, ST, STX, JA, JEQ_K, JEQ_X, JGE_K, JGE_X, JGT_K, JGT_X, JSET_K, JSET_X]);

function isCondJump(code: number): boolean {
  return code === JEQ_K || code === JEQ_X || code === JGT_K || code === JGT_X || code === JGE_K || code === JGE_X ||
    code === JSET_K || code === JSET_X;
}

/** An attached filter: an immutable program, linked to the filter attached before it. Filters
 *  are shared by every task that inherited them (fork, clone, TSYNC) and never change. */
export class SeccompFilter {
  readonly len: number;
  readonly code: Uint16Array;
  readonly jt: Uint8Array;
  readonly jf: Uint8Array;
  readonly k: Uint32Array;
  /** Filters in the chain ending here (/proc/PID/status "Seccomp_filters:"). */
  readonly count: number;
  /** Instructions over the chain, counted as Linux counts them (the program converted to eBPF,
   *  ebpfLength) with seccomp's 4-instruction penalty per filter below this one: what
   *  MAX_INSNS_PER_PATH limits. */
  readonly pathInsns: number;

  constructor(prog: Program, readonly prev: SeccompFilter | null,
    /** SECCOMP_FILTER_FLAG_LOG: every action but ALLOW would be logged. */
    readonly log: boolean) {
    this.len = prog.len; this.code = prog.code; this.jt = prog.jt; this.jf = prog.jf; this.k = prog.k;
    this.count = (prev?.count ?? 0) + 1;
    this.pathInsns = ebpfLength(prog) + (prev ? prev.pathInsns + 4 : 0);
  }

  /** True when `anc` is this filter or one it was attached on top of (is_ancestor; null is the root). */
  descendsFrom(anc: SeccompFilter | null): boolean {
    if (anc === null) return true;
    for (let f: SeccompFilter | null = this; f !== null; f = f.prev) if (f === anc) return true;
    return false;
  }
}

/** A program in the interpreter's layout. */
export interface Program { len: number; code: Uint16Array; jt: Uint8Array; jf: Uint8Array; k: Uint32Array }

/** Decodes len struct sock_filter from bytes (little-endian). */
export function decodeProgram(bytes: Uint8Array, len: number): Program {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const p: Program = { len, code: new Uint16Array(len), jt: new Uint8Array(len), jf: new Uint8Array(len), k: new Uint32Array(len) };
  for (let i = 0; i < len; i++) {
    p.code[i] = dv.getUint16(i * 8, true);
    p.jt[i] = bytes[i * 8 + 2]!;
    p.jf[i] = bytes[i * 8 + 3]!;
    p.k[i] = dv.getUint32(i * 8 + 4, true);
  }
  return p;
}

/** The same from instruction objects (a program built by tsvisor itself, e.g. an OCI profile). */
export function programOf(insns: readonly BpfInsn[]): Program {
  const len = insns.length;
  const p: Program = { len, code: new Uint16Array(len), jt: new Uint8Array(len), jf: new Uint8Array(len), k: new Uint32Array(len) };
  insns.forEach((x, i) => { p.code[i] = x.code; p.jt[i] = x.jt; p.jf[i] = x.jf; p.k[i] = x.k >>> 0; });
  return p;
}

/** Linux's bpf_check_classic followed by seccomp_check_filter: true when the program may be
 *  attached (the caller gives EINVAL otherwise). Length 1..BPF_MAXINSNS, known opcodes only,
 *  forward jumps that stay inside, a RET last, scratch cells stored before they are loaded on
 *  every path, and loads only of aligned words of struct seccomp_data. */
export function checkProgram(p: Program): boolean {
  const n = p.len;
  if (n === 0 || n > BPF_MAXINSNS) return false;
  for (let pc = 0; pc < n; pc++) {
    const code = p.code[pc]!, k = p.k[pc]!;
    if (!SECCOMP_OPS.has(code)) return false;
    switch (code) {
      case DIV_K: if (k === 0) return false; break;
      case LSH_K: case RSH_K: if (k >= 32) return false; break;
      case LD_MEM: case LDX_MEM: case ST: case STX: if (k >= BPF_MEMWORDS) return false; break;
      case JA: if (k >= n - pc - 1) return false; break;
      case LD_W_ABS: if (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0) return false; break;
      default:
        if (isCondJump(code) && (pc + p.jt[pc]! + 1 >= n || pc + p.jf[pc]! + 1 >= n)) return false;
    }
  }
  const last = p.code[n - 1]!;
  if (last !== RET_K && last !== RET_A) return false;
  return loadsFollowStores(p);
}

/** check_load_and_stores: a scratch cell may be loaded only where every path to the load has
 *  stored it. */
function loadsFollowStores(p: Program): boolean {
  const n = p.len;
  const masks = new Uint16Array(n).fill(0xffff);
  let valid = 0;
  for (let pc = 0; pc < n; pc++) {
    valid &= masks[pc]!;
    const code = p.code[pc]!, k = p.k[pc]!;
    if (code === ST || code === STX) valid |= 1 << k;
    else if (code === LD_MEM || code === LDX_MEM) { if (!(valid & (1 << k))) return false; }
    else if (code === JA) { masks[pc + 1 + k] = masks[pc + 1 + k]! & valid; valid = 0xffff; }
    else if (isCondJump(code)) {
      const t = pc + 1 + p.jt[pc]!, f = pc + 1 + p.jf[pc]!;
      masks[t] = masks[t]! & valid;
      masks[f] = masks[f]! & valid;
      valid = 0xffff;
    }
  }
  return true;
}

/** The length of the eBPF program Linux makes of a checked seccomp program (bpf_convert_filter):
 *  three prologue instructions; two for RET K; five for a division by X (the zero check); a
 *  conditional jump takes one more when its constant is negative as an int and one more when
 *  neither target is the next instruction (except JEQ, JGT and JGE whose true target is next,
 *  which become JNE, JLE and JLT); everything else one. */
export function ebpfLength(p: Program): number {
  let n = 3;
  for (let pc = 0; pc < p.len; pc++) {
    const code = p.code[pc]!;
    if (code === RET_K) n += 2;
    else if (code === DIV_X) n += 5;
    else if (isCondJump(code)) {
      if ((code & BPF_X) === 0 && (p.k[pc]! | 0) < 0) n++;
      const jt = p.jt[pc]!, jf = p.jf[pc]!;
      n += jf === 0 || (jt === 0 && (code & 0xf0) !== BPF_JSET) ? 1 : 2;
    } else n++;
  }
  return n;
}

const M = new Uint32Array(BPF_MEMWORDS);

/** Runs filter f over data (struct seccomp_data as 16 little-endian 32-bit words); returns the
 *  filter's 32-bit result. f passed checkProgram: every jump is forward and in range, so the
 *  loop ends at a RET. */
export function runFilter(f: SeccompFilter, data: Uint32Array): number {
  const code = f.code, jt = f.jt, jf = f.jf, kk = f.k;
  let a = 0, x = 0;
  for (let pc = 0; ; pc++) {
    const k = kk[pc]!;
    switch (code[pc]) {
      case LD_W_ABS: a = data[k >>> 2]!; break;
      case LD_W_LEN: a = SECCOMP_DATA_SIZE; break;
      case LDX_W_LEN: x = SECCOMP_DATA_SIZE; break;
      case LD_IMM: a = k; break;
      case LDX_IMM: x = k; break;
      case LD_MEM: a = M[k]!; break;
      case LDX_MEM: x = M[k]!; break;
      case ST: M[k] = a; break;
      case STX: M[k] = x; break;
      case TAX: x = a; break;
      case TXA: a = x; break;
      case ADD_K: a = (a + k) >>> 0; break;
      case ADD_X: a = (a + x) >>> 0; break;
      case SUB_K: a = (a - k) >>> 0; break;
      case SUB_X: a = (a - x) >>> 0; break;
      case MUL_K: a = Math.imul(a, k) >>> 0; break;
      case MUL_X: a = Math.imul(a, x) >>> 0; break;
      case DIV_K: a = Math.floor(a / k) >>> 0; break;
      // A division by X = 0 ends the program with 0, as Linux's conversion of classic BPF does.
      case DIV_X: if (x === 0) return 0; a = Math.floor(a / x) >>> 0; break;
      case AND_K: a = (a & k) >>> 0; break;
      case AND_X: a = (a & x) >>> 0; break;
      case OR_K: a = (a | k) >>> 0; break;
      case OR_X: a = (a | x) >>> 0; break;
      case XOR_K: a = (a ^ k) >>> 0; break;
      case XOR_X: a = (a ^ x) >>> 0; break;
      // 32-bit shifts take the count modulo 32 (eBPF's ALU32 shifts; JavaScript's too).
      case LSH_K: a = (a << k) >>> 0; break;
      case LSH_X: a = (a << x) >>> 0; break;
      case RSH_K: a = a >>> k; break;
      case RSH_X: a = a >>> x; break;
      case NEG: a = (0 - a) >>> 0; break;
      case JA: pc += k; break;
      case JEQ_K: pc += a === k ? jt[pc]! : jf[pc]!; break;
      case JEQ_X: pc += a === x ? jt[pc]! : jf[pc]!; break;
      case JGT_K: pc += a > k ? jt[pc]! : jf[pc]!; break;
      case JGT_X: pc += a > x ? jt[pc]! : jf[pc]!; break;
      case JGE_K: pc += a >= k ? jt[pc]! : jf[pc]!; break;
      case JGE_X: pc += a >= x ? jt[pc]! : jf[pc]!; break;
      case JSET_K: pc += (a & k) !== 0 ? jt[pc]! : jf[pc]!; break;
      case JSET_X: pc += (a & x) !== 0 ? jt[pc]! : jf[pc]!; break;
      case RET_K: return k;
      case RET_A: return a;
      default: return 0; // unreachable after checkProgram
    }
  }
}
