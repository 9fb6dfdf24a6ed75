// busybox-static (Debian package busybox-static), copied into the test
// root as /bin/busybox so native and sandbox runs use the same binary;
// installShell() adds /bin/sh and a link for every applet.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { hostPath } from './paths';

export const BUSYBOX = '/bin/busybox';
const HOST_BUSYBOX = process.env.BUSYBOX ?? '/bin/busybox';

/** True when the ELF file has a PT_INTERP header (needs a dynamic loader). */
function isDynamic(elf: Buffer): boolean {
  if (elf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (elf.readUInt32LE(phoff + i * phentsize) === 3 /* PT_INTERP */) return true;
  }
  return false;
}

/** Puts busybox into the root; throws a clear message when it is missing. */
export function installBusybox(): void {
  let elf: Buffer;
  try {
    elf = fs.readFileSync(HOST_BUSYBOX);
  } catch {
    throw new Error(`${HOST_BUSYBOX} not found: install busybox-static (apt-get install busybox-static)`);
  }
  if (isDynamic(elf)) throw new Error(`${HOST_BUSYBOX} is dynamically linked: install busybox-static`);
  const dest = hostPath(BUSYBOX);
  const have = fs.existsSync(dest) ? fs.readFileSync(dest) : undefined;
  if (have?.equals(elf)) return;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(`${dest}.tmp${process.pid}`, elf, { mode: 0o755 });
  fs.renameSync(`${dest}.tmp${process.pid}`, dest);
}

let linked = false;

/**
 * busybox as the root's shell: installBusybox(), then /bin/sh and every
 * applet's name in /bin as symlinks to busybox (so #! scripts, execvp and
 * the shell's PATH search find them). Existing entries are left alone.
 */
export function installShell(): void {
  installBusybox();
  if (linked) return;
  const list = execFileSync(hostPath(BUSYBOX), ['--list'], { encoding: 'utf8' });
  const names = new Set(list.split('\n').map((l) => l.trim()).filter((l) => /^[\w.[-]+$/.test(l)));
  names.add('sh');
  const dir = path.dirname(hostPath(BUSYBOX));
  for (const name of names) {
    if (name === 'busybox') continue;
    const p = path.join(dir, name);
    try {
      fs.lstatSync(p);
    } catch {
      fs.symlinkSync('busybox', p);
    }
  }
  linked = true;
}
