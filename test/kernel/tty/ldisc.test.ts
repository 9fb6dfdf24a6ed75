// The N_TTY line discipline on its own: input processing, canonical editing,
// echo as the master reads it, signal characters, raw mode, flow control and
// output processing, each checked against what Linux's n_tty does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ICANON, ICRNL, IGNCR, INLCR, ISIG, ISTRIP, IXANY, NOFLSH, OCRNL, OLCUC,
  ONLRET, ONOCR, OPOST, Termios, VEOL, VLNEXT, VMIN, XTABS, ptySlaveTermios,
} from '../../../src/kernel/abi/termios';
import { ByteQueue } from '../../../src/kernel/tty/byte_queue';
import { N_TTY_BUF_SIZE, NTty } from '../../../src/kernel/tty/ldisc';
import { SIGINT, SIGQUIT, SIGTSTP } from '../../../src/kernel/signals';

interface Rig { l: NTty; t: Termios; echo: ByteQueue; signals: number[]; flow: number }

function rig(edit?: (t: Termios) => void): Rig {
  const t = ptySlaveTermios();
  edit?.(t);
  const echo = new ByteQueue(65536);
  const r: Rig = { l: null as unknown as NTty, t, echo, signals: [], flow: 0 };
  r.l = new NTty(t, { echoQueue: echo, signal: (s) => r.signals.push(s), flowChanged: () => { r.flow++; }, flushed: () => {} });
  return r;
}

function type(r: Rig, s: string): void { for (const c of Buffer.from(s, 'latin1')) r.l.receive(c); }
function echoed(r: Rig): string {
  const b = new Uint8Array(r.echo.length);
  r.echo.take(b, 0, b.length);
  return Buffer.from(b).toString('latin1');
}
function read(r: Rig, n = 4096): string | null {
  if (!r.l.readable()) return null;
  const b = new Uint8Array(n);
  const k = r.l.read(b, 0, n);
  return Buffer.from(b.subarray(0, k)).toString('latin1');
}
function output(r: Rig, s: string, room = 4096): string {
  const q = new ByteQueue(room);
  for (const c of Buffer.from(s, 'latin1')) if (!r.l.processChar(c, q)) break;
  const b = new Uint8Array(q.length);
  q.take(b, 0, b.length);
  return Buffer.from(b).toString('latin1');
}

const S = suite('tty line discipline');

S('canonical mode: a line is readable once it ends; echo has \\r\\n (ONLCR)', () => {
  const r = rig();
  type(r, 'hello');
  assert.is(read(r), null);
  assert.is(r.l.available, 0);
  type(r, '\r'); // ICRNL
  assert.is(r.l.available, 6);
  assert.is(read(r), 'hello\n');
  assert.is(echoed(r), 'hello\r\n');
});

S('a canonical read returns one line at most, and a short read leaves the rest of it', () => {
  const r = rig();
  type(r, 'one\ntwo\n');
  assert.is(read(r, 2), 'on');
  assert.is(read(r), 'e\n');
  assert.is(read(r), 'two\n');
  assert.is(read(r), null);
});

S('VERASE with ECHOE backs over one character; control characters echoed as ^X take two', () => {
  const r = rig();
  type(r, 'abx\x7fc\n');
  assert.is(read(r), 'abc\n');
  assert.is(echoed(r), 'abx\b \bc\r\n');
  type(r, 'a\x01\x7f\n');
  assert.is(read(r), 'a\n');
  assert.is(echoed(r), 'a^A\b \b\b \b\r\n');
});

S('VERASE without ECHOE echoes the erase character', () => {
  const r = rig((t) => { t.lflag &= ~ECHOE; });
  type(r, 'ab\x7f\n');
  assert.is(read(r), 'a\n');
  assert.is(echoed(r), 'ab^?\r\n');
});

S('VKILL erases the line (ECHOKE: character by character); without ECHOKE it echoes ^U and a newline', () => {
  const r = rig();
  type(r, 'junk\x15ok\n');
  assert.is(read(r), 'ok\n');
  assert.is(echoed(r), 'junk' + '\b \b'.repeat(4) + 'ok\r\n');
  const k = rig((t) => { t.lflag &= ~ECHOKE; });
  type(k, 'junk\x15ok\n');
  assert.is(read(k), 'ok\n');
  assert.is(echoed(k), 'junk^U\r\nok\r\n');
});

S('VWERASE erases the last word and the blanks after it', () => {
  const r = rig();
  type(r, 'one two  \x17three\n');
  assert.is(read(r), 'one three\n');
});

S('VEOF ends a line without being returned; at a line start the read gives 0 (end of file)', () => {
  const r = rig();
  type(r, 'abc\x04');
  assert.is(read(r), 'abc');
  assert.is(read(r), null);
  type(r, '\x04');
  assert.is(read(r), '');
  assert.is(read(r), null);
  type(r, 'abcd\x04');
  assert.is(read(r, 2), 'ab'); // a short read leaves the rest of the line and its EOF mark
  assert.is(read(r), 'cd');
  assert.is(read(r), null);
  assert.is(echoed(r), 'abcabcd'); // VEOF is never echoed
});

S('VEOL ends a line and is returned', () => {
  const r = rig((t) => { t.cc[VEOL] = 0x3b; });
  type(r, 'a;');
  assert.is(read(r), 'a;');
});

S('VLNEXT takes the next character literally', () => {
  const r = rig();
  type(r, 'a\x16\x03\x16\x7f\n');
  assert.equal(r.signals, []);
  assert.is(read(r), 'a\x03\x7f\n');
  assert.is(r.t.cc[VLNEXT], 0x16);
});

S('VINTR, VQUIT, VSUSP signal the foreground group, flush the input and echo ^C', () => {
  const r = rig();
  type(r, 'partial\x03');
  assert.equal(r.signals, [SIGINT]);
  assert.is(echoed(r), 'partial^C');
  type(r, '\n');
  assert.is(read(r), '\n');
  type(r, '\x1c\x1a');
  assert.equal(r.signals, [SIGINT, SIGQUIT, SIGTSTP]);
});

S('NOFLSH keeps the input; ISIG off makes ^C an ordinary character', () => {
  const r = rig((t) => { t.lflag |= NOFLSH; });
  type(r, 'ab\x03\n');
  assert.is(read(r), 'ab\n');
  const n = rig((t) => { t.lflag &= ~ISIG; });
  type(n, '\x03\n');
  assert.equal(n.signals, []);
  assert.is(read(n), '\x03\n');
  assert.is(echoed(n), '^C\r\n');
});

S('ECHO off: nothing echoed, the line still edited', () => {
  const r = rig((t) => { t.lflag &= ~ECHO; });
  type(r, 'secret\x7fT\n');
  assert.is(read(r), 'secreT\n');
  assert.is(echoed(r), '');
});

S('ECHOCTL off: control characters echoed as they are', () => {
  const r = rig((t) => { t.lflag &= ~(ECHOCTL | ECHOE | ECHOK | ECHOKE); });
  type(r, '\x01\n');
  assert.is(echoed(r), '\x01\r\n');
});

S('input processing: IGNCR, INLCR, ISTRIP', () => {
  const a = rig((t) => { t.iflag |= IGNCR; });
  type(a, 'x\r\n');
  assert.is(read(a), 'x\n');
  const b = rig((t) => { t.iflag = INLCR; t.lflag &= ~ICANON; });
  type(b, '\n');
  assert.is(read(b), '\r');
  const c = rig((t) => { t.iflag |= ISTRIP; t.lflag &= ~ICANON; });
  type(c, '\xc1');
  assert.is(read(c), 'A');
  const d = rig((t) => { t.iflag &= ~ICRNL; t.lflag &= ~ICANON; });
  type(d, '\r');
  assert.is(read(d), '\r');
});

S('raw mode: characters readable at once, VMIN counts them, EOF and erase characters are data', () => {
  const r = rig((t) => { t.lflag &= ~(ICANON | ECHO); t.cc[VMIN] = 3; });
  type(r, 'a\x7f');
  assert.ok(r.l.readable(1));
  assert.not.ok(r.l.readable(3));
  type(r, '\x04');
  assert.ok(r.l.readable(3));
  assert.is(read(r), 'a\x7f\x04');
});

S('leaving canonical mode makes an unfinished line readable', () => {
  const r = rig();
  type(r, 'abc');
  assert.is(read(r), null);
  r.t.lflag &= ~ICANON;
  r.l.canonChanged();
  assert.is(read(r), 'abc');
});

S('a canonical line longer than the buffer keeps its end: the newline still fits', () => {
  const r = rig((t) => { t.lflag &= ~ECHO; });
  type(r, 'x'.repeat(N_TTY_BUF_SIZE + 100));
  type(r, '\n');
  const got = read(r, 8192)!;
  assert.is(got.length, N_TTY_BUF_SIZE - 1);
  assert.is(got[got.length - 1], '\n');
});

S('IXON: ^S stops output, ^Q starts it; IXANY lets any character start it', () => {
  const r = rig();
  type(r, '\x13');
  assert.ok(r.l.stopped);
  type(r, '\x11');
  assert.not.ok(r.l.stopped);
  assert.is(r.flow, 2);
  const a = rig((t) => { t.iflag |= IXANY; });
  type(a, '\x13x');
  assert.not.ok(a.l.stopped);
  assert.is(read(a), null); // 'x' is still in the unfinished line
});

S('output processing: ONLCR, OCRNL, ONOCR, ONLRET, OLCUC, XTABS, and no OPOST', () => {
  assert.is(output(rig(), 'a\nb'), 'a\r\nb');
  assert.is(output(rig((t) => { t.oflag = OPOST | OCRNL; }), 'a\rb'), 'a\nb');
  assert.is(output(rig((t) => { t.oflag = OPOST | ONOCR; }), '\rab\r'), 'ab\r');
  assert.is(output(rig((t) => { t.oflag = OPOST | OLCUC; }), 'abC'), 'ABC');
  assert.is(output(rig((t) => { t.oflag = OPOST | XTABS; }), 'ab\tc'), 'ab      c');
  assert.is(output(rig((t) => { t.oflag = 0; }), 'a\nb'), 'a\nb');
  const l = rig((t) => { t.oflag = OPOST | ONLRET | ONOCR; });
  assert.is(output(l, 'ab\n\r'), 'ab\n');
});

S('output stops, leaving the queue untouched, when a character does not fit', () => {
  assert.is(output(rig(), 'ab\n', 3), 'ab');
});

S('the default termios of a pty slave is tty_std_termios', () => {
  const t = ptySlaveTermios();
  assert.is(t.iflag, 0o2400);
  assert.is(t.oflag, 0o5);
  assert.is(t.lflag, 0o105073);
  assert.is(t.lflag & (ECHOK | ECHOKE | ECHOCTL | ISIG), ECHOK | ECHOKE | ECHOCTL | ISIG);
});

S.run();
