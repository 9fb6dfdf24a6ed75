// Reads syscall arguments that live in guest memory and renders them as strace
// does: strings and buffers, struct stat/statx/timespec/sigaction/rlimit/
// utsname/termios/winsize, iovecs, argv/envp, wait statuses, pollfd arrays,
// directory entry counts, CPU masks. Each decoder returns the rendering, or the
// address in hex when the memory cannot be read (as strace prints it then).
import {
  formatFlags, formatSignal, formatSigset, formatStatMode, formatXval, POLL_EVENTS,
  SA_RESTORER, SIGACTION_FLAGS, SIGALTSTACK_FLAGS, S_IFMT, STATX_ATTRS, STATX_MASKS, TERM_BAUDS,
  TERM_CBAUD, TERM_CFLAGS, TERM_CIBAUD, TERM_CSIZE, TERM_CSIZES, TERM_IBSHIFT, TERM_IFLAGS,
  TERM_LFLAGS, TERM_ODELAYS, TERM_OFLAGS, WHENCE, type Xlat,
} from './abi/flags';
import { ENAMETOOLONG } from './errno';
import { hex64, hexNum, ptr64, quoteBytes, quoteString, sdec64, udec64 } from './strace_format';

/** The two guest-memory reads strace needs; MM provides both. */
export interface StraceMemory {
  /** NUL-terminated string of at most max bytes; -EFAULT, or -tooLong without a NUL. */
  readCString(addr: number, max: number, tooLong: number): string | number;
  /** Copies guest [addr, addr+len) into dst at dstOff; 0 or -EFAULT. */
  copyIn(addr: number, dst: Uint8Array, dstOff: number, len: number): number;
}

/** strace's -s default: at most 32 bytes of a string or buffer, 32 array elements. */
export const MAX_STRLEN = 32;
const PATH_MAX = 4096;
/** Largest buffer read whole (directory listings, CPU masks). */
const MAX_READ = 1 << 20;
const TWO32 = 4294967296;

const S_IFCHR = 0o20000, S_IFBLK = 0o60000;

/** Reads guest memory for one trace line. Not reentrant; one per Strace. */
export class GuestReader {
  mm: StraceMemory | null = null;
  private scratch = new Uint8Array(256);

  /** Bytes [addr, addr+len) in a buffer valid until the next read, or null on a fault. */
  bytes(addr: number, len: number): Uint8Array | null {
    if (addr < 0 || !Number.isSafeInteger(addr) || len < 0 || len > MAX_READ) return null;
    if (len > this.scratch.length) this.scratch = new Uint8Array(Math.max(len, this.scratch.length * 2));
    if (len === 0) return this.scratch;
    return this.mm!.copyIn(addr, this.scratch, 0, len) === 0 ? this.scratch : null;
  }

  /** A private copy of [addr, addr+len), or null on a fault. */
  copy(addr: number, len: number): Uint8Array | null {
    const b = this.bytes(addr, len);
    return b ? b.slice(0, len) : null;
  }

  cstring(addr: number, max: number): string | number {
    if (addr < 0 || !Number.isSafeInteger(addr)) return -14;
    return this.mm!.readCString(addr, max, ENAMETOOLONG);
  }
}

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64hex = (d: DataView, off: number): string => hex64(d.getUint32(off, true), d.getUint32(off + 4, true));
const u64ptr = (d: DataView, off: number): string => ptr64(d.getUint32(off, true), d.getUint32(off + 4, true));
const s64dec = (d: DataView, off: number): string => sdec64(d.getUint32(off, true), d.getUint32(off + 4, true));
const u64dec = (d: DataView, off: number): string => udec64(d.getUint32(off, true), d.getUint32(off + 4, true));
/** A u64 field as a Number address (inexact beyond 2^53, which no user address is). */
const u64num = (d: DataView, off: number): number => d.getUint32(off, true) + d.getUint32(off + 4, true) * TWO32;

/** An address as strace prints an argument it could not read. */
export function addrText(addr: number): string {
  return addr === 0 ? 'NULL' : hexNum(addr);
}

// ---- strings ----------------------------------------------------------------

/** A path: the whole string (strace does not shorten paths), NULL, or the address. */
export function decodePath(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const s = r.cstring(addr, PATH_MAX);
  if (typeof s === 'string') return quoteString(s, false);
  if (s === -ENAMETOOLONG) {
    const b = r.bytes(addr, PATH_MAX);
    if (b) return quoteBytes(b, PATH_MAX, true);
  }
  return hexNum(addr);
}

/** A NUL-terminated string, shortened to `max` bytes with `...`. */
export function decodeCString(r: GuestReader, addr: number, max = MAX_STRLEN): string {
  if (addr === 0) return 'NULL';
  const s = r.cstring(addr, max + 1);
  if (typeof s === 'string') return quoteString(s, false);
  const b = r.bytes(addr, max);
  return b ? quoteBytes(b, max, true) : hexNum(addr);
}

/** A buffer of len bytes, shortened to 32 with `...`; asHex prints \xNN bytes. */
export function decodeBuffer(r: GuestReader, addr: number, len: number, asHex = false): string {
  if (addr === 0) return 'NULL';
  const n = Math.min(len, MAX_STRLEN);
  const b = r.bytes(addr, n);
  return b ? quoteBytes(b, n, len > MAX_STRLEN, asHex) : hexNum(addr);
}

/** A string of at most len bytes ending at the first NUL (getcwd, PR_GET_NAME). */
export function decodeStringN(r: GuestReader, addr: number, len: number, shorten: boolean): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, len);
  if (!b) return hexNum(addr);
  let n = b.subarray(0, len).indexOf(0);
  if (n < 0) n = len;
  if (shorten && n > MAX_STRLEN) return quoteBytes(b, MAX_STRLEN, true);
  return quoteBytes(b, n, false);
}

/** argv: `["ls", "-l"]`, at most 32 elements then `...`. */
export function decodeArgv(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const ptrs: number[] = [];
  let more = false;
  for (let i = 0; ; i++) {
    const b = r.bytes(addr + 8 * i, 8);
    if (!b) { if (i === 0) return hexNum(addr); break; }
    const p = u64num(dv(b), 0);
    if (p === 0) break;
    if (i === MAX_STRLEN) { more = true; break; }
    ptrs.push(p);
  }
  const items = ptrs.map((p) => decodeCString(r, p));
  if (more) items.push('...');
  return `[${items.join(', ')}]`;
}

/** envp, as strace prints it without -v: `0x7ffd... /* 35 vars *\/`. */
export function decodeEnvp(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  let n = 0;
  for (; n < 65536; n++) {
    const b = r.bytes(addr + 8 * n, 8);
    if (!b) return hexNum(addr);
    if (u64num(dv(b), 0) === 0) break;
  }
  return `${hexNum(addr)} /* ${n} var${n === 1 ? '' : 's'} */`;
}

// ---- scalars in memory ----------------------------------------------------------

/** `[42]`: an int the call reads or writes. */
export function decodeIntRef(r: GuestReader, addr: number, unsigned = false): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 4);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `[${unsigned ? d.getUint32(0, true) : d.getInt32(0, true)}]`;
}

/** `[0x7f...]`: an unsigned long (ARCH_GET_FS). */
export function decodeULongHexRef(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 8);
  return b ? `[${u64hex(dv(b), 0)}]` : hexNum(addr);
}

/** `[1795440734]`: a time_t (time(2)). */
export function decodeLongRef(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 8);
  return b ? `[${s64dec(dv(b), 0)}]` : hexNum(addr);
}

/** `[3, 4]`: the two fds of pipe/socketpair. */
export function decodeFdPair(r: GuestReader, addr: number): string {
  const b = r.bytes(addr, 8);
  if (!b) return addrText(addr);
  const d = dv(b);
  return `[${d.getInt32(0, true)}, ${d.getInt32(4, true)}]`;
}

// ---- time ------------------------------------------------------------------------

export function decodeTimespec(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 16);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{tv_sec=${s64dec(d, 0)}, tv_nsec=${s64dec(d, 8)}}`;
}

export function decodeTimeval(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 16);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{tv_sec=${s64dec(d, 0)}, tv_usec=${s64dec(d, 8)}}`;
}

/** struct itimerspec: `{it_interval={tv_sec=0, tv_nsec=0}, it_value={...}}`. */
export function decodeItimerspec(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 32);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{it_interval={tv_sec=${s64dec(d, 0)}, tv_nsec=${s64dec(d, 8)}}, ` +
    `it_value={tv_sec=${s64dec(d, 16)}, tv_nsec=${s64dec(d, 24)}}}`;
}

/** struct itimerval: `{it_interval={tv_sec=0, tv_usec=0}, it_value={...}}`. */
export function decodeItimerval(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 32);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{it_interval={tv_sec=${s64dec(d, 0)}, tv_usec=${s64dec(d, 8)}}, ` +
    `it_value={tv_sec=${s64dec(d, 16)}, tv_usec=${s64dec(d, 24)}}}`;
}

/** A time_t result as strace comments it: `(2026-11-23T13:32:14+0000)`, in UTC. */
export function timeComment(secs: number): string {
  const d = new Date(secs * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return ` (${d.toISOString().slice(0, 19)}+0000)`;
}

// ---- files -------------------------------------------------------------------------

function makedev(lo: number, hi: number): string {
  const major = (((lo >>> 8) & 0xfff) | (hi & ~0xfff)) >>> 0;
  const minor = ((lo & 0xff) | (((lo >>> 12) | (hi << 20)) & ~0xff)) >>> 0;
  return `makedev(${hexNum(major)}, ${hexNum(minor)})`;
}

/** struct stat, abbreviated as strace prints it without -v. */
export function decodeStat(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 144);
  if (!b) return hexNum(addr);
  const d = dv(b);
  const mode = d.getUint32(24, true);
  const type = mode & S_IFMT;
  const second = type === S_IFCHR || type === S_IFBLK
    ? `st_rdev=${makedev(d.getUint32(40, true), d.getUint32(44, true))}`
    : `st_size=${s64dec(d, 48)}`;
  return `{st_mode=${formatStatMode(mode)}, ${second}, ...}`;
}

/** struct statx, abbreviated. */
export function decodeStatx(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 256);
  if (!b) return hexNum(addr);
  const d = dv(b);
  const attrsLo = d.getUint32(8, true), attrsHi = d.getUint32(12, true);
  const attrs = attrsHi ? hex64(attrsLo, attrsHi) : formatFlags(attrsLo, STATX_ATTRS, 'STATX_ATTR_???');
  return `{stx_mask=${formatFlags(d.getUint32(0, true), STATX_MASKS, 'STATX_???')}, ` +
    `stx_attributes=${attrs}, stx_mode=${formatStatMode(d.getUint16(28, true))}, ` +
    `stx_size=${u64dec(d, 40)}, ...}`;
}

/** getdents/getdents64 output: `0x55... /* 6 entries *\/` (d_reclen is at 16 in both). */
export function decodeDirents(r: GuestReader, addr: number, len: number): string {
  const b = r.bytes(addr, len);
  if (!b) return addrText(addr);
  const d = dv(b);
  let n = 0;
  for (let off = 0; off + 18 <= len; n++) {
    const reclen = d.getUint16(off + 16, true);
    if (reclen === 0) break;
    off += reclen;
  }
  return `${hexNum(addr)} /* ${n} entr${n === 1 ? 'y' : 'ies'} */`;
}

const LOCK_TYPES: Xlat = [[0, 'F_RDLCK'], [1, 'F_WRLCK'], [2, 'F_UNLCK']];

/** struct flock: `{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}` (+ l_pid). */
export function decodeFlock(r: GuestReader, addr: number, withPid: boolean): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 32);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{l_type=${formatXval(d.getInt16(0, true), LOCK_TYPES, 'F_???')}, ` +
    `l_whence=${formatXval(d.getInt16(2, true), WHENCE, 'SEEK_???')}, ` +
    `l_start=${s64dec(d, 8)}, l_len=${s64dec(d, 16)}` +
    (withPid ? `, l_pid=${d.getInt32(24, true)}}` : '}');
}

/** iovec array: `[{iov_base="ab", iov_len=2}, ...]`; `limit` bytes of data in all
 *  (the result of readv; writev shows every element). */
export function decodeIovec(r: GuestReader, addr: number, count: number, limit: number): string {
  if (addr === 0) return 'NULL';
  const n = Math.min(count, MAX_STRLEN);
  const arr = r.copy(addr, 16 * n);
  if (!arr) return hexNum(addr);
  const d = dv(arr);
  const items: string[] = [];
  let left = limit;
  for (let i = 0; i < n; i++) {
    const base = u64num(d, 16 * i);
    const lenLo = d.getUint32(16 * i + 8, true), lenHi = d.getUint32(16 * i + 12, true);
    const len = lenLo + lenHi * TWO32;
    const shown = Math.max(0, Math.min(len, left));
    left -= shown;
    items.push(`{iov_base=${decodeBuffer(r, base, shown)}, iov_len=${udec64(lenLo, lenHi)}}`);
  }
  if (count > n) items.push('...');
  return `[${items.join(', ')}]`;
}

// ---- processes -------------------------------------------------------------------

/** utsname, abbreviated: `{sysname="Linux", nodename="host", ...}`. */
export function decodeUtsname(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.copy(addr, 130);
  if (!b) return hexNum(addr);
  const field = (off: number): string => {
    const f = b.subarray(off, off + 65);
    let n = f.indexOf(0);
    if (n < 0) n = 65;
    return quoteBytes(f, n, false);
  };
  return `{sysname=${field(0)}, nodename=${field(65)}, ...}`;
}

function rlim(lo: number, hi: number): string {
  if (lo === 0xffffffff && hi === 0xffffffff) return 'RLIM64_INFINITY';
  const v = lo + hi * TWO32;
  if (hi < 0x200000 && v > 1024 && v % 1024 === 0) return `${v / 1024}*1024`;
  return udec64(lo, hi);
}

/** struct rlimit: `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`. */
export function decodeRlimit(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 16);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{rlim_cur=${rlim(d.getUint32(0, true), d.getUint32(4, true))}, ` +
    `rlim_max=${rlim(d.getUint32(8, true), d.getUint32(12, true))}}`;
}

/** A wait status as strace prints it: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`. */
export function formatWaitStatus(s: number): string {
  let out: string;
  if ((s & 0x7f) === 0) out = `WIFEXITED(s) && WEXITSTATUS(s) == ${(s >>> 8) & 0xff}`;
  else if ((s & 0xff) === 0x7f) out = `WIFSTOPPED(s) && WSTOPSIG(s) == ${formatSignal((s >>> 8) & 0xff)}`;
  else if (s === 0xffff) out = 'WIFCONTINUED(s)';
  else out = `WIFSIGNALED(s) && WTERMSIG(s) == ${formatSignal(s & 0x7f)}${s & 0x80 ? ' && WCOREDUMP(s)' : ''}`;
  return `[{${out}}]`;
}

export function decodeWaitStatus(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 4);
  return b ? formatWaitStatus(dv(b).getInt32(0, true)) : hexNum(addr);
}

/** A CPU mask of len bytes: `[0 1]`. */
export function decodeCpuMask(r: GuestReader, addr: number, len: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, len);
  if (!b) return hexNum(addr);
  const cpus: number[] = [];
  for (let i = 0; i < len; i++) {
    const byte = b[i]!;
    if (byte) for (let j = 0; j < 8; j++) if (byte & (1 << j)) cpus.push(8 * i + j);
  }
  return `[${cpus.join(' ')}]`;
}

/** struct clone_args (clone3), abbreviated to the fields strace shows. */
export function decodeCloneArgs(r: GuestReader, addr: number, size: number, cloneFlags: (lo: number, hi: number) => string): string {
  if (addr === 0) return 'NULL';
  if (size < 64) return hexNum(addr);
  const b = r.bytes(addr, 64);
  if (!b) return hexNum(addr);
  const d = dv(b);
  const flo = d.getUint32(0, true), fhi = d.getUint32(4, true);
  let s = `{flags=${cloneFlags(flo, fhi)}`;
  if (flo & 0x1000) s += `, pidfd=${u64ptr(d, 8)}`;
  if (flo & (0x1000000 | 0x200000)) s += `, child_tid=${u64ptr(d, 16)}`;
  if (flo & 0x100000) s += `, parent_tid=${u64ptr(d, 24)}`;
  s += `, exit_signal=${formatSignal(d.getUint32(32, true))}, stack=${u64ptr(d, 40)}, stack_size=${u64hex(d, 48)}`;
  if (flo & 0x80000) s += `, tls=${u64ptr(d, 56)}`;
  return s + '}';
}

// ---- signals -----------------------------------------------------------------------

/** A sigset_t of `size` bytes (8 on x86_64; other sizes print the address). */
export function decodeSigset(r: GuestReader, addr: number, size: number): string {
  if (addr === 0) return 'NULL';
  if (size !== 8) return hexNum(addr);
  const b = r.bytes(addr, 8);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return formatSigset(d.getUint32(0, true), d.getUint32(4, true));
}

/** struct kernel_sigaction: handler, flags, restorer, mask. */
export function decodeSigaction(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 32);
  if (!b) return hexNum(addr);
  const d = dv(b);
  const hlo = d.getUint32(0, true), hhi = d.getUint32(4, true);
  const handler = hhi === 0 && hlo === 0 ? 'SIG_DFL' : hhi === 0 && hlo === 1 ? 'SIG_IGN' : hex64(hlo, hhi);
  const flags = d.getUint32(8, true), flagsHi = d.getUint32(12, true);
  const flagText = flagsHi ? hex64(flags, flagsHi) : formatFlags(flags, SIGACTION_FLAGS, null);
  let s = `{sa_handler=${handler}, sa_mask=${formatSigset(d.getUint32(24, true), d.getUint32(28, true))}, sa_flags=${flagText}`;
  if (flags & SA_RESTORER) s += `, sa_restorer=${u64ptr(d, 16)}`;
  return s + '}';
}

/** stack_t: `{ss_sp=0x..., ss_flags=0, ss_size=8192}`. */
export function decodeStack(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 24);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{ss_sp=${u64ptr(d, 0)}, ss_flags=${formatFlags(d.getUint32(8, true), SIGALTSTACK_FLAGS, 'SS_???')}, ` +
    `ss_size=${u64dec(d, 16)}}`;
}

/** rt_sigreturn's argument as strace shows it: the mask in the frame's ucontext,
 *  at rsp + 0x128 (uc_flags, uc_link, uc_stack, uc_mcontext precede uc_sigmask). */
export function decodeSigreturnMask(r: GuestReader, rsp: number): string {
  const b = r.bytes(rsp + 0x128, 8);
  if (!b) return '';
  const d = dv(b);
  return `{mask=${formatSigset(d.getUint32(0, true), d.getUint32(4, true))}}`;
}

// ---- poll ---------------------------------------------------------------------------

/** pollfd array on entry: `[{fd=4, events=POLLIN|POLLOUT}, {fd=-1}]`. */
export function decodePollfds(r: GuestReader, addr: number, count: number): string {
  if (addr === 0) return 'NULL';
  const n = Math.min(count, MAX_STRLEN);
  const b = r.bytes(addr, 8 * n);
  if (!b) return hexNum(addr);
  const d = dv(b);
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const fd = d.getInt32(8 * i, true);
    items.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${formatFlags(d.getUint16(8 * i + 4, true), POLL_EVENTS, null)}}`);
  }
  if (count > n) items.push('...');
  return `[${items.join(', ')}]`;
}

/** The result comment of poll/ppoll: ` ([{fd=4, revents=POLLIN}])`, or ` (Timeout)`. */
export function pollComment(r: GuestReader, addr: number, count: number, result: number): string {
  if (result === 0) return ' (Timeout)';
  const n = Math.min(count, 1024);
  const b = r.bytes(addr, 8 * n);
  if (!b) return '';
  const d = dv(b);
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const rev = d.getUint16(8 * i + 6, true);
    if (rev) items.push(`{fd=${d.getInt32(8 * i, true)}, revents=${formatFlags(rev, POLL_EVENTS, null)}}`);
  }
  return ` ([${items.join(', ')}])`;
}

// ---- terminals ------------------------------------------------------------------

/** struct winsize: `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`. */
export function decodeWinsize(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 8);
  if (!b) return hexNum(addr);
  const d = dv(b);
  return `{ws_row=${d.getUint16(0, true)}, ws_col=${d.getUint16(2, true)}, ` +
    `ws_xpixel=${d.getUint16(4, true)}, ws_ypixel=${d.getUint16(6, true)}}`;
}

/** struct termios (kernel layout), abbreviated as strace 6 prints it. */
export function decodeTermios(r: GuestReader, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = r.bytes(addr, 36);
  if (!b) return hexNum(addr);
  const d = dv(b);
  const iflag = d.getUint32(0, true), cflag = d.getUint32(8, true), lflag = d.getUint32(12, true);
  let oflag = d.getUint32(4, true);
  let o = '';
  for (const [mask, names] of TERM_ODELAYS) {
    o += formatXval(oflag & mask, names, null) + '|';
    oflag = (oflag & ~mask) >>> 0;
  }
  o += formatFlags(oflag, TERM_OFLAGS, null);
  let c = formatXval(cflag & TERM_CBAUD, TERM_BAUDS, 'B???') + '|';
  if (cflag & TERM_CIBAUD) c += `(${formatXval((cflag & TERM_CIBAUD) >>> TERM_IBSHIFT, TERM_BAUDS, 'B???')}<<IBSHIFT)|`;
  c += formatXval(cflag & TERM_CSIZE, TERM_CSIZES, 'CS?') + '|';
  c += formatFlags((cflag & ~(TERM_CBAUD | TERM_CIBAUD | TERM_CSIZE)) >>> 0, TERM_CFLAGS, null);
  return `{c_iflag=${formatFlags(iflag, TERM_IFLAGS, null)}, c_oflag=${o}, c_cflag=${c}, ` +
    `c_lflag=${formatFlags(lflag, TERM_LFLAGS, null)}, ...}`;
}

