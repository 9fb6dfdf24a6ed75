// Terminal ABI (asm-generic/termbits.h, ioctls.h): struct termios as TCGETS
// fills it (36 bytes), struct winsize, the flag bits, c_cc indices, the tty
// ioctls, and the defaults a new pseudo-terminal starts with (tty_std_termios).

// ---- c_iflag
export const IGNBRK = 0o1, BRKINT = 0o2, IGNPAR = 0o4, PARMRK = 0o10, INPCK = 0o20, ISTRIP = 0o40, INLCR = 0o100,
  IGNCR = 0o200, ICRNL = 0o400, IUCLC = 0o1000, IXON = 0o2000, IXANY = 0o4000, IXOFF = 0o10000,
  IMAXBEL = 0o20000, IUTF8 = 0o40000;
// ---- c_oflag
export const OPOST = 0o1, OLCUC = 0o2, ONLCR = 0o4, OCRNL = 0o10, ONOCR = 0o20, ONLRET = 0o40, OFILL = 0o100,
  TABDLY = 0o14000, XTABS = 0o14000;
// ---- c_cflag
export const B38400 = 0o17, CSIZE = 0o60, CS8 = 0o60, CREAD = 0o200, HUPCL = 0o2000, CLOCAL = 0o4000;
// ---- c_lflag
export const ISIG = 0o1, ICANON = 0o2, XCASE = 0o4, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100,
  NOFLSH = 0o200, TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOPRT = 0o2000, ECHOKE = 0o4000, FLUSHO = 0o10000,
  PENDIN = 0o40000, IEXTEN = 0o100000, EXTPROC = 0o200000;
// ---- c_cc indices (NCCS 19 in the kernel's struct termios)
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7, VSTART = 8,
  VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
export const NCCS = 19;
/** A c_cc value that disables its function (_POSIX_VDISABLE). */
export const VDISABLE = 0;

// ---- ioctls (asm-generic/ioctls.h)
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCGETA = 0x5405,
  TCSETA = 0x5406, TCSETAW = 0x5407, TCSETAF = 0x5408, TCSBRK = 0x5409, TCXONC = 0x540a, TCFLSH = 0x540b,
  TIOCEXCL = 0x540c, TIOCNXCL = 0x540d, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410,
  TIOCOUTQ = 0x5411, TIOCSTI = 0x5412, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b,
  TIOCNOTTY = 0x5422, TIOCSETD = 0x5423, TIOCGETD = 0x5424, TCSBRKP = 0x5425, TIOCGSID = 0x5429,
  TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b, TCSETSW2 = 0x402c542c, TCSETSF2 = 0x402c542d,
  TIOCGPTN = 0x80045430, TIOCSPTLCK = 0x40045431, TIOCGDEV = 0x80045432, TIOCPKT = 0x5420,
  TIOCGPKT = 0x80045438, TIOCGPTLCK = 0x80045439, TIOCGEXCL = 0x80045440, TIOCGPTPEER = 0x5441,
  TIOCVHANGUP = 0x5437, TIOCMGET = 0x5415;
/** Packet-mode status bits (the byte a master read starts with; TIOCPKT_DATA is 0). */
export const TIOCPKT_DATA = 0, TIOCPKT_FLUSHREAD = 1, TIOCPKT_FLUSHWRITE = 2, TIOCPKT_STOP = 4, TIOCPKT_START = 8,
  TIOCPKT_NOSTOP = 16, TIOCPKT_DOSTOP = 32;
/** TCFLSH / TCXONC arguments. */
export const TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2, TCOOFF = 0, TCOON = 1, TCIOFF = 2, TCION = 3;
/** The line discipline number of N_TTY. */
export const N_TTY = 0;

export const TERMIOS_SIZE = 36, TERMIOS2_SIZE = 44, WINSIZE_SIZE = 8;

/** struct termios (the kernel's, without speeds) as a mutable record. */
export class Termios {
  iflag = 0;
  oflag = 0;
  cflag = 0;
  lflag = 0;
  line = N_TTY;
  readonly cc = new Uint8Array(NCCS);

  copyFrom(o: Termios): void {
    this.iflag = o.iflag; this.oflag = o.oflag; this.cflag = o.cflag; this.lflag = o.lflag; this.line = o.line;
    this.cc.set(o.cc);
  }

  /** Writes the 36-byte struct termios (or, with speeds, the 44-byte termios2) at buf[off]. */
  encode(buf: Uint8Array, off: number, withSpeeds = false): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    dv.setUint32(off, this.iflag >>> 0, true);
    dv.setUint32(off + 4, this.oflag >>> 0, true);
    dv.setUint32(off + 8, this.cflag >>> 0, true);
    dv.setUint32(off + 12, this.lflag >>> 0, true);
    buf[off + 16] = this.line;
    buf.set(this.cc, off + 17);
    if (!withSpeeds) return TERMIOS_SIZE;
    dv.setUint32(off + 36, 38400, true);
    dv.setUint32(off + 40, 38400, true);
    return TERMIOS2_SIZE;
  }

  decode(buf: Uint8Array, off: number): void {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.iflag = dv.getUint32(off, true);
    this.oflag = dv.getUint32(off + 4, true);
    this.cflag = dv.getUint32(off + 8, true);
    this.lflag = dv.getUint32(off + 12, true);
    this.line = buf[off + 16]!;
    this.cc.set(buf.subarray(off + 17, off + 17 + NCCS));
  }
}

/** INIT_C_CC: ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V. */
const INIT_C_CC = [0o3, 0o34, 0o177, 0o25, 0o4, 0, 1, 0, 0o21, 0o23, 0o32, 0, 0o22, 0o17, 0o27, 0o26, 0, 0, 0];

/** The termios of a new pty slave (tty_std_termios with the pty driver's c_cflag). */
export function ptySlaveTermios(): Termios {
  const t = new Termios();
  t.iflag = ICRNL | IXON;
  t.oflag = OPOST | ONLCR;
  t.cflag = B38400 | CS8 | CREAD;
  t.lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  t.cc.set(INIT_C_CC);
  return t;
}

/** The termios of a pty master: raw (the master's own line discipline never edits or echoes). */
export function ptyMasterTermios(): Termios {
  const t = new Termios();
  t.cflag = B38400 | CS8 | CREAD;
  t.cc.set(INIT_C_CC);
  return t;
}

/** struct winsize. */
export class Winsize {
  row = 0;
  col = 0;
  xpixel = 0;
  ypixel = 0;
  encode(buf: Uint8Array, off: number): void {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    dv.setUint16(off, this.row, true); dv.setUint16(off + 2, this.col, true);
    dv.setUint16(off + 4, this.xpixel, true); dv.setUint16(off + 6, this.ypixel, true);
  }
  /** Reads a winsize; true when it differs from the current one. */
  decode(buf: Uint8Array, off: number): boolean {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const row = dv.getUint16(off, true), col = dv.getUint16(off + 2, true);
    const xp = dv.getUint16(off + 4, true), yp = dv.getUint16(off + 6, true);
    const changed = row !== this.row || col !== this.col || xp !== this.xpixel || yp !== this.ypixel;
    this.row = row; this.col = col; this.xpixel = xp; this.ypixel = yp;
    return changed;
  }
}
