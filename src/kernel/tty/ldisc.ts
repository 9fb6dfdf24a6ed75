// The N_TTY line discipline (drivers/tty/n_tty.c) of one terminal: input
// processing (ISTRIP, INLCR/IGNCR/ICRNL, IUCLC), signal characters (VINTR,
// VQUIT, VSUSP under ISIG), canonical editing (VERASE, VWERASE, VKILL, VEOF,
// VEOL, VEOL2, VLNEXT, VREPRINT), echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL,
// ECHOCTL), flow control (IXON, IXANY), the read buffer with its line
// boundaries, and output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET,
// OLCUC, XTABS). Pure logic: the pseudo-terminal (pty.ts) connects it to the
// other side, wakes readers and sends the signals.
import {
  ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHONL, ICANON, ICRNL, IEXTEN, IGNCR, INLCR, ISIG, ISTRIP, IUCLC, IXANY,
  IXON, NOFLSH, OCRNL, OLCUC, ONLCR, ONLRET, ONOCR, OPOST, TABDLY, Termios, VEOF, VEOL, VEOL2, VERASE, VINTR,
  VKILL, VLNEXT, VMIN, VQUIT, VREPRINT, VSTART, VSTOP, VSUSP, VTIME, VWERASE, XTABS,
} from '../abi/termios';
import { SIGINT, SIGQUIT, SIGTSTP } from '../signals';
import type { ByteQueue } from './byte_queue';

/** N_TTY_BUF_SIZE: the read buffer's size. */
export const N_TTY_BUF_SIZE = 4096;
/** Flags kept with each buffered character: it ends a line (newline, EOL, EOL2), or it is an
 *  end-of-file mark (VEOF: ends the line but is never returned). */
const F_EOL = 0x100, F_EOF = 0x200;

/** What the line discipline needs from its terminal. */
export interface LdiscHost {
  /** Where echoes go (already through output processing): the other side's read queue. */
  readonly echoQueue: ByteQueue;
  /** Sends sig to the terminal's foreground process group. */
  signal(sig: number): void;
  /** Output was stopped or started (IXON): writers may continue. */
  flowChanged(): void;
  /** A signal character flushed the input and output queues (packet mode reports it). */
  flushed(): void;
}

export class NTty {
  /** Buffered characters with their F_* flags, oldest first. Invariant: the characters after
   *  the last delimiter are the line being edited (canonical mode). */
  private readonly buf: number[] = [];
  /** Delimiters (F_EOL or F_EOF) in buf: complete lines a canonical read may return. */
  private lines = 0;
  /** The next character is taken literally (after VLNEXT). */
  private lnext = false;
  /** Output column (for tabs, ONOCR and erasing), and the column where the edited line began. */
  column = 0;
  private canonColumn = 0;
  /** Output stopped by VSTOP (IXON). */
  stopped = false;
  constructor(readonly termios: Termios, private readonly host: LdiscHost) {}

  private lflag(f: number): boolean { return (this.termios.lflag & f) !== 0; }
  private iflag(f: number): boolean { return (this.termios.iflag & f) !== 0; }
  private cc(i: number): number { return this.termios.cc[i]!; }
  /** c is the (enabled) control character at index i. */
  private is(c: number, i: number): boolean { const v = this.termios.cc[i]!; return v !== 0 && c === v; }

  get canonical(): boolean { return this.lflag(ICANON); }

  /** Characters in the read buffer (FIONREAD counts them, EOF marks excluded). */
  get available(): number {
    if (!this.canonical) return this.buf.length;
    // In canonical mode only complete lines count.
    let n = 0, last = -1;
    for (let i = 0; i < this.buf.length; i++) if (this.buf[i]! & (F_EOL | F_EOF)) last = i;
    for (let i = 0; i <= last; i++) if (!(this.buf[i]! & F_EOF)) n++;
    return n;
  }

  /** How many more characters the buffer takes. */
  get room(): number { return N_TTY_BUF_SIZE - 1 - this.buf.length; }

  /** A read would return now: a complete line (canonical), or at least `min` characters. */
  readable(min = 1): boolean {
    return this.canonical ? this.lines > 0 : this.buf.length >= Math.max(1, min);
  }

  /** VMIN and VTIME for non-canonical reads. */
  get vmin(): number { return this.cc(VMIN); }
  get vtime(): number { return this.cc(VTIME); }

  /**
   * Takes up to len characters into dst[off...]: in canonical mode at most up to the end of the
   * first complete line (an EOF mark ends it and is consumed without being returned, so a line
   * that is only an EOF mark reads as 0 bytes: end of file).
   * Returns the count.
   */
  read(dst: Uint8Array, off: number, len: number): number {
    // Copy first, then drop what was taken in one splice (never a shift per character).
    let n = 0, taken = 0;
    const buf = this.buf;
    if (this.canonical) {
      if (this.lines === 0) return 0;
      while (n < len && taken < buf.length) {
        const v = buf[taken++]!;
        if (v & F_EOF) { this.lines--; break; } // ends the line, goes with it, never returned
        dst[off + n++] = v & 0xff;
        if (v & F_EOL) { this.lines--; break; }
      }
    } else {
      while (n < len && taken < buf.length) dst[off + n++] = buf[taken++]! & 0xff;
    }
    buf.splice(0, taken);
    return n;
  }

  /** Empties the read buffer (TCFLSH, a signal character without NOFLSH). */
  flushInput(): void {
    this.buf.length = 0;
    this.lines = 0;
    this.lnext = false;
  }

  /** ICANON was switched (TCSETS): characters of an unfinished line become readable, as Linux's
   *  n_tty_set_termios makes them when leaving canonical mode. */
  canonChanged(): void {
    if (this.canonical) {
      this.lines = 0;
      for (const v of this.buf) if (v & (F_EOL | F_EOF)) this.lines++;
    } else {
      // EOF marks have no meaning in raw mode: Linux returns the VEOF character itself.
      for (let i = 0; i < this.buf.length; i++) this.buf[i] = this.buf[i]! & 0xff;
      this.lines = 0;
    }
    this.lnext = false;
  }

  // ---- input

  /** Receives one character from the other side (n_tty_receive_char and friends). */
  receive(c: number): void {
    if (this.iflag(ISTRIP)) c &= 0x7f;
    if (this.iflag(IUCLC) && this.lflag(IEXTEN) && c >= 0x41 && c <= 0x5a) c += 0x20;
    if (this.lnext) {
      this.lnext = false;
      this.store(c, 0, true);
      return;
    }
    if (this.iflag(IXON)) {
      if (this.is(c, VSTART)) { this.startOutput(); return; }
      if (this.is(c, VSTOP)) { if (!this.stopped) { this.stopped = true; this.host.flowChanged(); } return; }
    }
    if (this.lflag(ISIG)) {
      const sig = this.is(c, VINTR) ? SIGINT : this.is(c, VQUIT) ? SIGQUIT : this.is(c, VSUSP) ? SIGTSTP : 0;
      if (sig !== 0) { this.isig(sig, c); return; }
    }
    if (this.stopped && this.iflag(IXANY)) this.startOutput();
    if (c === 13 /* \r */) {
      if (this.iflag(IGNCR)) return;
      if (this.iflag(ICRNL)) c = 10;
    } else if (c === 10 && this.iflag(INLCR)) c = 13;

    if (this.canonical) {
      if (this.is(c, VERASE) || this.is(c, VKILL) || (this.is(c, VWERASE) && this.lflag(IEXTEN))) {
        this.eraser(c);
        return;
      }
      if (this.is(c, VLNEXT) && this.lflag(IEXTEN)) {
        this.lnext = true;
        // "^" then a backspace: the next character's echo overwrites it.
        if (this.lflag(ECHO) && this.lflag(ECHOCTL)) { this.echoRaw(0x5e); this.echoRaw(8); }
        return;
      }
      if (this.is(c, VREPRINT) && this.lflag(ECHO) && this.lflag(IEXTEN)) { this.reprint(c); return; }
      if (c === 10) {
        if (this.lflag(ECHO) || this.lflag(ECHONL)) this.echoOut(10);
        this.store(c, F_EOL, false);
        return;
      }
      if (this.is(c, VEOF)) {
        this.store(c, F_EOF, false);
        return;
      }
      if (this.is(c, VEOL) || (this.is(c, VEOL2) && this.lflag(IEXTEN))) {
        if (this.lflag(ECHO)) this.echoChar(c);
        this.store(c, F_EOL, false);
        return;
      }
    }
    this.store(c, 0, true);
  }

  private startOutput(): void {
    if (this.stopped) { this.stopped = false; this.host.flowChanged(); }
  }

  /** A signal character: the signal to the foreground group, the buffer flushed unless NOFLSH,
   *  and the character echoed. */
  private isig(sig: number, c: number): void {
    this.host.signal(sig);
    if (!this.lflag(NOFLSH)) { this.flushInput(); this.host.flushed(); }
    if (this.iflag(IXON)) this.startOutput();
    if (this.lflag(ECHO)) this.echoChar(c);
    this.canonColumn = this.column;
  }

  /** Puts a character into the read buffer (dropping it when full, as Linux does once a
   *  canonical line has no more room), echoing it when asked. */
  private store(c: number, flags: number, echo: boolean): void {
    const full = this.buf.length >= N_TTY_BUF_SIZE - 1;
    if (full && !(flags & (F_EOL | F_EOF))) return;
    if (echo && this.lflag(ECHO)) {
      if (this.canonical && this.lineStart() === this.buf.length) this.canonColumn = this.column;
      this.echoChar(c);
    }
    if (full) {
      // Replace the last character so the line can end.
      this.buf[this.buf.length - 1] = c | flags;
    } else {
      this.buf.push(c | flags);
    }
    if (flags & (F_EOL | F_EOF)) {
      if (this.canonical) this.lines++;
      this.canonColumn = this.column;
    }
  }

  /** Index in buf where the line being edited starts. */
  private lineStart(): number {
    let i = this.buf.length;
    while (i > 0 && !(this.buf[i - 1]! & (F_EOL | F_EOF))) i--;
    return i;
  }

  /** VERASE, VWERASE, VKILL (n_tty's eraser). */
  private eraser(c: number): void {
    const start = this.lineStart();
    if (this.buf.length === start) return;
    const kill = this.is(c, VKILL), werase = !kill && this.is(c, VWERASE);
    if (kill) {
      if (!this.lflag(ECHO)) { this.buf.length = start; return; }
      if (!this.lflag(ECHOK) || !this.lflag(ECHOKE) || !this.lflag(ECHOE)) {
        this.buf.length = start;
        this.echoChar(c);
        if (this.lflag(ECHOK)) this.echoOut(10);
        this.column = this.canonColumn = 0;
        return;
      }
    }
    let seenAlnum = false;
    while (this.buf.length > start) {
      const ch = this.buf[this.buf.length - 1]! & 0xff;
      if (werase) {
        const alnum = (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || ch === 0x5f;
        if (alnum) seenAlnum = true;
        else if (seenAlnum) break;
      }
      this.buf.pop();
      if (this.lflag(ECHO)) {
        if (!this.lflag(ECHOE) && !kill && !werase) {
          this.echoChar(this.cc(VERASE));
        } else if (ch === 9) {
          this.eraseTab(start);
        } else {
          // A control character was echoed as ^X: two columns.
          const width = ch < 0x20 || ch === 0x7f ? (this.lflag(ECHOCTL) ? 2 : 0) : 1;
          this.echoErase(width);
        }
      }
      if (!kill && !werase) break;
    }
  }

  /** Backs over a tab: the columns it took, from the line's start column and what precedes it. */
  private eraseTab(start: number): void {
    let col = this.canonColumn;
    for (let i = start; i < this.buf.length; i++) {
      const ch = this.buf[i]! & 0xff;
      if (ch === 9) col = (col | 7) + 1;
      else if (ch < 0x20 || ch === 0x7f) col += this.lflag(ECHOCTL) ? 2 : 0;
      else col++;
    }
    let n = this.column - col;
    if (n < 0) n = 0;
    if (n > 8) n = 8;
    for (let i = 0; i < n; i++) this.echoRaw(8);
    this.column -= n;
  }

  private echoErase(width: number): void {
    for (let i = 0; i < width; i++) {
      this.echoRaw(8); this.echoRaw(0x20); this.echoRaw(8);
      if (this.column > 0) this.column--;
    }
  }

  /** VREPRINT: the character, a newline, then the line being edited. */
  private reprint(c: number): void {
    this.echoChar(c);
    this.echoOut(10);
    for (let i = this.lineStart(); i < this.buf.length; i++) this.echoChar(this.buf[i]! & 0xff);
  }

  /** Echoes a character as the user typed it: control characters as ^X under ECHOCTL. */
  private echoChar(c: number): void {
    if (this.lflag(ECHOCTL) && (c < 0x20 || c === 0x7f) && c !== 9 && c !== 10) {
      this.echoRaw(0x5e);
      this.echoRaw(c === 0x7f ? 0x3f : c ^ 0x40);
      this.column += 2;
      return;
    }
    this.echoOut(c);
  }

  /** Echoes through output processing (newlines become \r\n under ONLCR, ...). */
  private echoOut(c: number): void { this.processChar(c, this.host.echoQueue); }

  private echoRaw(c: number): void { this.host.echoQueue.push(c); }

  // ---- output

  /**
   * Output processing of one character into q (process_output): returns false, leaving q
   * unchanged, when q lacks the room the character needs.
   */
  processChar(c: number, q: ByteQueue): boolean {
    const o = this.termios.oflag;
    if (!(o & OPOST)) { if (!q.push(c)) return false; return true; }
    switch (c) {
      case 10:
        if (o & ONLCR) {
          if (q.room < 2) return false;
          q.push(13); q.push(10);
          this.column = this.canonColumn = 0;
          return true;
        }
        if (!q.push(10)) return false;
        if (o & ONLRET) this.column = this.canonColumn = 0;
        return true;
      case 13:
        if ((o & ONOCR) && this.column === 0) return true;
        if (o & OCRNL) {
          if (!q.push(10)) return false;
          if (o & ONLRET) this.column = this.canonColumn = 0;
          return true;
        }
        if (!q.push(13)) return false;
        this.column = this.canonColumn = 0;
        return true;
      case 9: {
        const spaces = 8 - (this.column & 7);
        if ((o & TABDLY) === XTABS) {
          if (q.room < spaces) return false;
          for (let i = 0; i < spaces; i++) q.push(0x20);
        } else if (!q.push(9)) return false;
        this.column += spaces;
        return true;
      }
      case 8:
        if (!q.push(8)) return false;
        if (this.column > 0) this.column--;
        return true;
      default:
        if ((o & OLCUC) && c >= 0x61 && c <= 0x7a) c -= 0x20;
        if (!q.push(c)) return false;
        if (c >= 0x20 && c !== 0x7f) this.column++;
        return true;
    }
  }
}
