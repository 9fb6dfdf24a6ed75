// /dev/tty (5:0): the opener's controlling terminal, ENXIO without one
// (tty_open_current_tty). Opening it never changes the controlling terminal.
import { ENXIO } from '../kernel/errno';
import { O_NOCTTY } from '../kernel/abi/fcntl';
import { cttyOf } from '../kernel/tty/ctty';
import { Pty, PtySlaveFile } from '../kernel/tty/pty';
import { registerDevice } from './registry';

registerDevice({
  name: 'tty', major: 5, minor: 0, perm: 0o666,
  open: (flags, ctx) => {
    const term = ctx.task !== null ? cttyOf(ctx.task.group) : null;
    if (!(term instanceof Pty)) return -ENXIO;
    const r = term.openSlave(ctx.task, flags | O_NOCTTY, false);
    if (r < 0) return r;
    return new PtySlaveFile(term, flags & ~O_NOCTTY);
  },
});
