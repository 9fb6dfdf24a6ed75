// Unix98 pseudo-terminals (drivers/tty/pty.c with n_tty): a master, opened
// through /dev/ptmx, and a slave, /dev/pts/N. Bytes written to the master go
// through the slave's line discipline (input processing, editing, echo,
// signal characters) and are read from the slave; bytes written to the slave
// go through output processing and are read from the master, as are echoes.
// The slave's termios and window size serve both sides (TCGETS on the master
// reads the slave's, as on Linux).
//
// Queues: toSlave holds what the master wrote and the line discipline has not
// taken yet (Linux's flip buffer, 64 KiB); the line discipline keeps up to
// 4095 characters for the slave's reader; toMaster (64 KiB) holds output and
// echoes for the master's reader. A writer blocks when its queue is full.
//
// Lifetime: the master's last close hangs the slave up (reads give end of
// file, writes EIO, the session leader gets SIGHUP) and removes /dev/pts/N;
// the slave's last close makes master reads give EIO once drained.
import { EAGAIN, EBUSY, EFAULT, EINVAL, EIO, ENOTTY, EPERM, ERESTARTSYS, ESRCH } from '../errno';
import { hasDeliverable } from '../task_signals';
import { O_NOCTTY, O_NONBLOCK } from '../abi/fcntl';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM } from '../abi/poll';
import {
  FIONREAD, ICANON, N_TTY, TCFLSH, TCGETS, TCGETS2, TCIFLUSH, TCIOFLUSH, TCOFLUSH, TCOOFF, TCOON, TCSBRK,
  TCSBRKP, TCSETS, TCSETS2, TCSETSF, TCSETSF2, TCSETSW, TCSETSW2, TCXONC, TERMIOS2_SIZE, TERMIOS_SIZE, TIOCEXCL,
  TIOCGETD, TIOCGEXCL, TIOCGPGRP, TIOCGPTLCK, TIOCGPTN, TIOCGPTPEER, TIOCGSID, TIOCGWINSZ, TIOCNOTTY, TIOCNXCL,
  TIOCOUTQ, TIOCSCTTY, TIOCSETD, TIOCSPGRP, TIOCSPTLCK, TIOCSTI, TIOCSWINSZ, TOSTOP, Termios, WINSIZE_SIZE, Winsize,
  XTABS, TABDLY, OPOST, ONLCR, ptySlaveTermios, IXON, VSTART, VSTOP, TIOCPKT, TIOCGPKT, TIOCPKT_FLUSHREAD,
  TIOCPKT_FLUSHWRITE, TIOCPKT_STOP, TIOCPKT_START, TIOCPKT_NOSTOP, TIOCPKT_DOSTOP,
} from '../abi/termios';
import { makedev } from '../abi/stat';
import { ReadyQueue } from '../poll';
import { SIGTTIN, SIGTTOU, SIGWINCH } from '../signals';
import { monotonicNs } from '../timers';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { RET_BLOCK } from '../syscalls/types';
import { InodeFile } from '../vfs/file';
import { IoIter } from '../vfs/iov_iter';
import { ByteQueue } from './byte_queue';
import {
  clearSession, cttyOf, detach, disassociate, hangupSession, jobControl, pgrpInSession, setCtty, signalPgrp,
  type Terminal,
} from './ctty';
import { NTty } from './ldisc';

/** Major number of Unix98 pty slaves (/dev/pts/N is 136:N). */
export const UNIX98_PTY_SLAVE_MAJOR = 136;
/** Flip-buffer and output-queue sizes (TTYB_DEFAULT_MEM_LIMIT). */
const QUEUE_SIZE = 65536;

const scratch = new Uint8Array(4096);
const ioctlBuf = new Uint8Array(64);
const kernelIter = new IoIter();

/** Ends a call that returns now (no-op when it never parked). Every wait first checks for a
 *  signal to take (n_tty_read's signal_pending): a task woken for another reason while a signal
 *  came must not park again. */
function finish(t: Task, r: number): number {
  if (t.waitActive) t.endWait();
  return r;
}

/** Pairs whose master is open, per sandbox (/proc/sys/kernel/pty/nr). */
const livePtys = new WeakMap<Kernel, number>();
export function openPtys(k: Kernel): number { return livePtys.get(k) ?? 0; }

/** One pseudo-terminal pair. As a Terminal it is the slave side (what a session controls). */
export class Pty implements Terminal {
  readonly termios: Termios = ptySlaveTermios();
  readonly winsize = new Winsize();
  readonly ldisc: NTty;
  readonly toSlave = new ByteQueue(QUEUE_SIZE);
  readonly toMaster = new ByteQueue(QUEUE_SIZE);
  /** Woken on every change the master side may care about, and the slave side. */
  readonly masterQ = new ReadyQueue();
  readonly slaveQ = new ReadyQueue();
  /** New pairs are locked until unlockpt (TIOCSPTLCK 0): the slave cannot be opened. */
  locked = true;
  /** TIOCEXCL: further opens of the slave fail with EBUSY (except for root). */
  exclusive = false;
  masters = 0;
  slaves = 0;
  /** The slave was opened and then closed by everyone (TTY_OTHER_CLOSED on the master). */
  slaveClosed = false;
  /** The master is gone: the slave is hung up for good. */
  hungUp = false;
  session = 0;
  fgPgrp = 0;
  /** Packet mode (TIOCPKT on the master): each master read starts with a status byte; the
   *  events not yet read (TIOCPKT_FLUSHREAD, STOP, ...). */
  packet = false;
  pktStatus = 0;
  /** When the last input character arrived (VTIME in non-canonical reads). */
  lastInputNs = 0;
  readonly rdev: number;

  constructor(readonly kernel: Kernel, readonly index: number, readonly onGone: (p: Pty) => void) {
    livePtys.set(kernel, (livePtys.get(kernel) ?? 0) + 1);
    this.rdev = makedev(UNIX98_PTY_SLAVE_MAJOR, index);
    this.ldisc = new NTty(this.termios, {
      echoQueue: this.toMaster,
      signal: (sig) => this.signalFg(sig),
      flowChanged: () => this.flowChanged(),
      flushed: () => this.packetEvent(TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE),
    });
  }

  get name(): string { return `/dev/pts/${this.index}`; }

  /** Records a packet-mode event for the master's next read. */
  packetEvent(bits: number, clear = 0): void {
    if (!this.packet) return;
    this.pktStatus = (this.pktStatus & ~clear) | bits;
    this.changed();
  }

  /** Output stopped or started (IXON characters, TCXONC): packet mode reports it. */
  flowChanged(): void {
    if (this.ldisc.stopped) this.packetEvent(TIOCPKT_STOP, TIOCPKT_START);
    else this.packetEvent(TIOCPKT_START, TIOCPKT_STOP);
    this.changed();
  }

  /** Whether ^S/^Q flow control is on (packet mode's DOSTOP/NOSTOP, pty_set_termios). */
  private xonXoff(): boolean {
    return (this.termios.iflag & IXON) !== 0 && this.termios.cc[VSTOP] === 0o23 && this.termios.cc[VSTART] === 0o21;
  }

  /** Readiness may have changed on either side. */
  changed(): void {
    this.masterQ.notify(0);
    this.slaveQ.notify(0);
  }

  /** The terminal's signals (VINTR, VQUIT, VSUSP, SIGWINCH) go to its foreground group. */
  signalFg(sig: number): void {
    if (this.fgPgrp !== 0) signalPgrp(this.kernel, this.fgPgrp, sig);
  }

  /** Moves what the master wrote into the line discipline as far as it has room. */
  drainInput(): void {
    let moved = false;
    while (this.toSlave.length > 0) {
      const l = this.ldisc;
      // Raw mode and complete lines wait for the reader when the buffer is full; an endless
      // canonical line keeps going (the line discipline drops what does not fit).
      if (l.room <= 0 && (!l.canonical || l.readable())) break;
      const c = this.toSlave.at(0);
      this.toSlave.drop(1);
      l.receive(c);
      moved = true;
    }
    if (moved) { this.lastInputNs = monotonicNs(); this.changed(); }
  }

  // ---- master side

  masterRead(t: Task, it: IoIter, nonblock: boolean): number {
    if (it.count === 0) return finish(t, 0);
    if (this.packet && this.pktStatus !== 0) {
      // A pending event is read alone, as one status byte.
      scratch[0] = this.pktStatus;
      if (it.copyTo(scratch, 0, 1) === 0) return finish(t, -EFAULT);
      this.pktStatus = 0;
      return finish(t, 1);
    }
    if (this.toMaster.length > 0) {
      const head = this.packet ? 1 : 0; // TIOCPKT_DATA before the data
      scratch[0] = 0;
      const n = head + this.toMaster.take(scratch, head, Math.min(it.count, scratch.length) - head);
      const c = it.copyTo(scratch, 0, n);
      this.changed();
      return finish(t, c === 0 ? -EFAULT : c);
    }
    if (this.slaveClosed) return finish(t, -EIO);
    if (nonblock) return finish(t, -EAGAIN);
    if (hasDeliverable(t)) return finish(t, -ERESTARTSYS);
    t.blockOn(this.masterQ);
    return RET_BLOCK;
  }

  masterWrite(t: Task, it: IoIter, nonblock: boolean, resumable: boolean): number {
    let done = resumable && t.waitActive ? t.waitProgress : 0;
    if (done > 0) it.advance(done);
    if (it.count === 0) return resumable ? finish(t, done) : done;
    for (;;) {
      const room = this.toSlave.room;
      if (room > 0) {
        const want = Math.min(room, it.count, scratch.length);
        const got = it.copyFrom(scratch, 0, want);
        for (let i = 0; i < got; i++) this.toSlave.push(scratch[i]!);
        done += got;
        this.drainInput();
        if (got < want) return resumable ? finish(t, done > 0 ? done : -EFAULT) : done;
        if (it.count === 0) return resumable ? finish(t, done) : done;
        continue;
      }
      if (nonblock || !resumable) return resumable ? finish(t, done > 0 ? done : -EAGAIN) : done > 0 ? done : -EAGAIN;
      if (hasDeliverable(t)) return finish(t, done > 0 ? done : -ERESTARTSYS);
      t.waitProgress = done;
      t.blockOn(this.masterQ);
      return RET_BLOCK;
    }
  }

  masterPoll(): number {
    let m = this.packet && this.pktStatus !== 0 ? POLLPRI | POLLIN | POLLRDNORM : 0;
    if (this.toMaster.length > 0) m |= POLLIN | POLLRDNORM;
    if (this.slaveClosed) m |= POLLHUP;
    if (this.toSlave.room > 0) m |= POLLOUT | POLLWRNORM;
    return m;
  }

  // ---- slave side

  /** n_tty_read: a canonical line, or VMIN characters / VTIME timeouts in raw mode; background
   *  readers get SIGTTIN. */
  slaveRead(t: Task, it: IoIter, nonblock: boolean, term: Terminal): number {
    if (this.hungUp) return finish(t, 0);
    const jc = jobControl(t, term, SIGTTIN);
    if (jc !== 0) return finish(t, jc);
    if (it.count === 0) return finish(t, 0);
    const l = this.ldisc;
    let ready: boolean;
    let deadline = 0;
    if (l.canonical) ready = l.readable();
    else {
      const vmin = l.vmin, vtime = l.vtime;
      const min = Math.min(vmin, it.count);
      if (vmin === 0 && vtime === 0) ready = true;
      else if (vmin === 0) {
        // VTIME alone: the first character, or nothing once VTIME tenths of a second pass.
        ready = l.readable(1);
        if (!ready) {
          if (t.waitActive && t.waitExpired()) ready = true;
          else deadline = t.waitActive && t.waitDeadline > 0 ? t.waitDeadline : monotonicNs() + vtime * 1e8;
        }
      } else {
        ready = l.readable(min);
        if (!ready && vtime > 0 && l.readable(1)) {
          // VMIN with VTIME: an inter-character timer once input has started.
          if (t.waitActive && t.waitExpired()) ready = true;
          else deadline = t.waitActive && t.waitDeadline > 0 ? t.waitDeadline : this.lastInputNs + vtime * 1e8;
        }
      }
    }
    if (ready) {
      const n = l.read(scratch, 0, Math.min(it.count, scratch.length));
      const c = n > 0 ? it.copyTo(scratch, 0, n) : 0;
      this.drainInput();
      this.changed();
      return finish(t, n > 0 && c === 0 ? -EFAULT : c);
    }
    if (nonblock) return finish(t, -EAGAIN);
    if (hasDeliverable(t)) return finish(t, -ERESTARTSYS);
    t.blockOn(this.slaveQ, deadline);
    return RET_BLOCK;
  }

  slaveWrite(t: Task, it: IoIter, nonblock: boolean, term: Terminal, resumable: boolean): number {
    if (this.hungUp) return finish(t, -EIO);
    let done = resumable && t.waitActive ? t.waitProgress : 0;
    if (done === 0 && (this.termios.lflag & TOSTOP)) {
      const jc = jobControl(t, term, SIGTTOU);
      if (jc !== 0) return finish(t, jc);
    }
    if (done > 0) it.advance(done);
    if (it.count === 0) return resumable ? finish(t, done) : done;
    const o = this.termios.oflag;
    // The most bytes one character can become: a tab expanded, or \n as \r\n.
    const grow = !(o & OPOST) ? 1 : (o & TABDLY) === XTABS ? 8 : (o & ONLCR) ? 2 : 1;
    for (;;) {
      const k = this.ldisc.stopped ? 0 : Math.min(Math.floor(this.toMaster.room / grow), it.count, scratch.length);
      if (k > 0) {
        const got = it.copyFrom(scratch, 0, k);
        for (let i = 0; i < got; i++) this.ldisc.processChar(scratch[i]!, this.toMaster);
        done += got;
        this.changed();
        if (got < k) return resumable ? finish(t, done > 0 ? done : -EFAULT) : done;
        if (it.count === 0) return resumable ? finish(t, done) : done;
        continue;
      }
      if (nonblock || !resumable) {
        const r = done > 0 ? done : -EAGAIN;
        return resumable ? finish(t, r) : r;
      }
      if (hasDeliverable(t)) return finish(t, done > 0 ? done : -ERESTARTSYS);
      t.waitProgress = done;
      t.blockOn(this.slaveQ);
      return RET_BLOCK;
    }
  }

  slavePoll(): number {
    if (this.hungUp) return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
    let m = 0;
    const l = this.ldisc;
    const min = l.canonical || l.vtime !== 0 ? 1 : Math.max(1, l.vmin);
    if (l.readable(min)) m |= POLLIN | POLLRDNORM;
    if (!l.stopped && this.toMaster.room > 0) m |= POLLOUT | POLLWRNORM;
    return m;
  }

  // ---- open and close

  openMaster(): void { this.masters++; }

  /** Opens the slave (tty_open): EIO while locked or after a hangup, EBUSY when exclusive.
   *  A session leader without a terminal that opens it without O_NOCTTY gets it as its
   *  controlling terminal. */
  openSlave(t: Task | null, flags: number, canSetCtty: boolean): number {
    if (this.hungUp || this.locked) return -EIO;
    if (this.exclusive && t !== null && t.creds.euid !== 0) return -EBUSY;
    this.slaves++;
    this.slaveClosed = false;
    if (canSetCtty && t !== null && !(flags & O_NOCTTY)) {
      const g = t.group;
      if (g.tgid === g.sid && cttyOf(g) === null && this.session === 0) setCtty(g, this);
    }
    this.changed();
    return 0;
  }

  closeSlave(): void {
    if (--this.slaves === 0 && !this.hungUp) this.slaveClosed = true;
    this.changed();
  }

  closeMaster(): void {
    if (--this.masters > 0) return;
    this.hungUp = true;
    livePtys.set(this.kernel, (livePtys.get(this.kernel) ?? 1) - 1);
    hangupSession(this);
    this.changed();
    this.onGone(this);
  }

  // ---- ioctls (both sides act on the slave's state)

  ioctl(t: Task, request: number, arg: number, isMaster: boolean, file: PtyFile): number {
    if (this.hungUp && !isMaster) return request === TIOCSPGRP ? -ENOTTY : -EIO;
    const mm = t.mm;
    switch (request) {
      case TCGETS: case TCGETS2: {
        const n = this.termios.encode(ioctlBuf, 0, request === TCGETS2);
        return mm.copyOut(arg, ioctlBuf, 0, n) < 0 ? -EFAULT : 0;
      }
      case TCSETS: case TCSETSW: case TCSETSF: case TCSETS2: case TCSETSW2: case TCSETSF2: {
        if (!isMaster) { const jc = jobControl(t, this, SIGTTOU); if (jc !== 0) return jc; }
        const two = request === TCSETS2 || request === TCSETSW2 || request === TCSETSF2;
        if (mm.copyIn(arg, ioctlBuf, 0, two ? TERMIOS2_SIZE : TERMIOS_SIZE) < 0) return -EFAULT;
        if (request === TCSETSF || request === TCSETSF2) { this.ldisc.flushInput(); this.toSlave.clear(); }
        const wasCanon = (this.termios.lflag & ICANON) !== 0, oldFlow = this.xonXoff();
        this.termios.decode(ioctlBuf, 0);
        if (this.xonXoff() !== oldFlow) {
          this.packetEvent(this.xonXoff() ? TIOCPKT_DOSTOP : TIOCPKT_NOSTOP, TIOCPKT_DOSTOP | TIOCPKT_NOSTOP);
        }
        this.termios.line = N_TTY; // only N_TTY exists here; the byte is kept by TIOCSETD
        if (((this.termios.lflag & ICANON) !== 0) !== wasCanon) this.ldisc.canonChanged();
        this.drainInput();
        this.changed();
        return 0;
      }
      case TIOCGWINSZ:
        this.winsize.encode(ioctlBuf, 0);
        return mm.copyOut(arg, ioctlBuf, 0, WINSIZE_SIZE) < 0 ? -EFAULT : 0;
      case TIOCSWINSZ: {
        if (mm.copyIn(arg, ioctlBuf, 0, WINSIZE_SIZE) < 0) return -EFAULT;
        if (this.winsize.decode(ioctlBuf, 0)) this.signalFg(SIGWINCH);
        return 0;
      }
      case FIONREAD: {
        const n = isMaster ? this.toMaster.length : this.ldisc.available;
        return mm.writeU32(arg, n) < 0 ? -EFAULT : 0;
      }
      case TIOCOUTQ:
        return mm.writeU32(arg, 0) < 0 ? -EFAULT : 0; // pty output never waits in a driver queue
      case TCFLSH: {
        if (arg !== TCIFLUSH && arg !== TCOFLUSH && arg !== TCIOFLUSH) return -EINVAL;
        if (!isMaster) { const jc = jobControl(t, this, SIGTTOU); if (jc !== 0) return jc; }
        const inq = arg === TCIFLUSH || arg === TCIOFLUSH, outq = arg === TCOFLUSH || arg === TCIOFLUSH;
        if (isMaster) { if (inq) this.toMaster.clear(); if (outq) this.toSlave.clear(); }
        else {
          if (inq) { this.ldisc.flushInput(); this.toSlave.clear(); this.packetEvent(TIOCPKT_FLUSHREAD); }
          if (outq) { this.toMaster.clear(); this.packetEvent(TIOCPKT_FLUSHWRITE); }
        }
        this.changed();
        return 0;
      }
      case TCXONC:
        if (arg === TCOOFF) { if (!this.ldisc.stopped) { this.ldisc.stopped = true; this.flowChanged(); } return 0; }
        if (arg === TCOON) { if (this.ldisc.stopped) { this.ldisc.stopped = false; this.flowChanged(); } return 0; }
        return arg === 2 || arg === 3 ? 0 : -EINVAL;
      case TCSBRK: case TCSBRKP:
        return 0; // tcdrain: output is in the master's queue already
      case TIOCEXCL: this.exclusive = true; return 0;
      case TIOCNXCL: this.exclusive = false; return 0;
      case TIOCGEXCL: return mm.writeU32(arg, this.exclusive ? 1 : 0) < 0 ? -EFAULT : 0;
      case TIOCGETD: return mm.writeU32(arg, N_TTY) < 0 ? -EFAULT : 0;
      case TIOCSETD: {
        const v = mm.readU32(arg);
        if (v < 0) return -EFAULT;
        return v === N_TTY ? 0 : -EINVAL;
      }
      case TIOCSCTTY: return this.sctty(t, arg);
      case TIOCNOTTY: {
        if (cttyOf(t.group) !== this || isMaster) return -ENOTTY;
        const g = t.group;
        if (g.tgid === g.sid) disassociate(g, false);
        else detach(g);
        return 0;
      }
      case TIOCGPGRP: {
        if (!isMaster && cttyOf(t.group) !== this) return -ENOTTY;
        return mm.writeU32(arg, this.fgPgrp) < 0 ? -EFAULT : 0;
      }
      case TIOCSPGRP: {
        if (cttyOf(t.group) !== this) return -ENOTTY;
        const jc = jobControl(t, this, SIGTTOU);
        if (jc !== 0) return jc;
        const v = mm.readU32(arg);
        if (v < 0) return -EFAULT;
        const pgid = v | 0;
        if (pgid < 0) return -EINVAL;
        const r = pgrpInSession(this.kernel, pgid, this.session);
        if (r === 'none') return -ESRCH;
        if (r === 'other') return -EPERM;
        this.fgPgrp = pgid;
        return 0;
      }
      case TIOCGSID: {
        if (!isMaster && cttyOf(t.group) !== this) return -ENOTTY;
        if (this.session === 0) return -ENOTTY;
        return mm.writeU32(arg, this.session) < 0 ? -EFAULT : 0;
      }
      case TIOCSTI: {
        // Fakes input as if typed: only into one's own terminal, or with CAP_SYS_ADMIN.
        // (A master is nobody's controlling terminal: there only root may; its input is what the
        // master reads.)
        if ((isMaster || cttyOf(t.group) !== this) && t.creds.euid !== 0) return -EPERM;
        if (mm.copyIn(arg, ioctlBuf, 0, 1) < 0) return -EFAULT;
        if (isMaster) this.toMaster.push(ioctlBuf[0]!);
        else this.ldisc.receive(ioctlBuf[0]!);
        this.changed();
        return 0;
      }
      case TIOCPKT: {
        if (!isMaster) return -ENOTTY;
        const v = mm.readU32(arg);
        if (v < 0) return -EFAULT;
        if (v !== 0 && !this.packet) this.pktStatus = 0;
        this.packet = v !== 0;
        return 0;
      }
      case TIOCGPKT:
        if (!isMaster) return -ENOTTY;
        return mm.writeU32(arg, this.packet ? 1 : 0) < 0 ? -EFAULT : 0;
      case TIOCGPTN:
        if (!isMaster) return -ENOTTY;
        return mm.writeU32(arg, this.index) < 0 ? -EFAULT : 0;
      case TIOCSPTLCK: {
        if (!isMaster) return -ENOTTY;
        const v = mm.readU32(arg);
        if (v < 0) return -EFAULT;
        this.locked = v !== 0;
        return 0;
      }
      case TIOCGPTLCK:
        if (!isMaster) return -ENOTTY;
        return mm.writeU32(arg, this.locked ? 1 : 0) < 0 ? -EFAULT : 0;
      case TIOCGPTPEER:
        // Any terminal takes the request; only a pty master has a peer (ptm_open_peer: EIO).
        if (!isMaster) return -EIO;
        return file.openPeer(t, arg);
      default:
        return -ENOTTY;
    }
  }

  /** TIOCSCTTY (tiocsctty): a session leader without a terminal takes this one; arg 1 lets
   *  root steal it from another session. */
  private sctty(t: Task, arg: number): number {
    const g = t.group;
    if (g.tgid === g.sid && this.session === g.sid) return 0; // already the leader's terminal
    if (g.tgid !== g.sid || cttyOf(g) !== null) return -EPERM;
    if (this.session !== 0) {
      if (arg !== 1 || t.creds.euid !== 0) return -EPERM;
      clearSession(this);
    }
    setCtty(g, this);
    return 0;
  }
}

/** The peer-opening hook of a master file (TIOCGPTPEER), provided by devpts. */
export interface PtyFile {
  openPeer(t: Task, flags: number): number;
}

/** The master end (/dev/ptmx). */
export class PtyMasterFile extends InodeFile implements PtyFile {
  constructor(readonly pty: Pty, flags: number, readonly peer: (t: Task, master: PtyMasterFile, flags: number) => number) {
    super(flags);
    pty.openMaster();
  }
  override readIter(t: Task, it: IoIter): number { return this.pty.masterRead(t, it, (this.flags & O_NONBLOCK) !== 0); }
  override writeIter(t: Task, it: IoIter): number {
    return this.pty.masterWrite(t, it, (this.flags & O_NONBLOCK) !== 0, true);
  }
  override read(t: Task, dst: Uint8Array, off: number, len: number): number {
    return this.pty.masterRead(t, kernelIter.initKernel(dst, off, len), true);
  }
  override write(t: Task, src: Uint8Array, off: number, len: number): number {
    return this.pty.masterWrite(t, kernelIter.initKernel(src, off, len), true, false);
  }
  override poll(): number { return this.pty.masterPoll(); }
  override readyQueue(): ReadyQueue { return this.pty.masterQ; }
  override get pollable(): boolean { return true; }
  override ioctl(t: Task, request: number, arg: number): number { return this.pty.ioctl(t, request, arg, true, this); }
  /** The flags are those of an open (ptm_open_peer checks none of them). */
  openPeer(t: Task, flags: number): number { return this.peer(t, this, flags); }
  override release(): void {
    super.release();
    this.pty.closeMaster();
  }
}

/** The slave end (/dev/pts/N, or /dev/tty naming the controlling terminal). */
export class PtySlaveFile extends InodeFile implements PtyFile {
  constructor(readonly pty: Pty, flags: number) { super(flags); }
  override readIter(t: Task, it: IoIter): number {
    return this.pty.slaveRead(t, it, (this.flags & O_NONBLOCK) !== 0, this.pty);
  }
  override writeIter(t: Task, it: IoIter): number {
    return this.pty.slaveWrite(t, it, (this.flags & O_NONBLOCK) !== 0, this.pty, true);
  }
  override read(t: Task, dst: Uint8Array, off: number, len: number): number {
    return this.pty.slaveRead(t, kernelIter.initKernel(dst, off, len), true, this.pty);
  }
  override write(t: Task, src: Uint8Array, off: number, len: number): number {
    return this.pty.slaveWrite(t, kernelIter.initKernel(src, off, len), true, this.pty, false);
  }
  override poll(): number { return this.pty.slavePoll(); }
  override readyQueue(): ReadyQueue { return this.pty.slaveQ; }
  override get pollable(): boolean { return true; }
  override ioctl(t: Task, request: number, arg: number): number { return this.pty.ioctl(t, request, arg, false, this); }
  openPeer(): number { return -ENOTTY; }
  override release(): void {
    super.release();
    this.pty.closeSlave();
  }
}
