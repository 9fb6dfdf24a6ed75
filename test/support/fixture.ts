// The sandbox root's fixed contents: the fixture tree the programs read
// (/fixture), the host's /etc/passwd and /etc/group (so user names resolve
// the same way inside), empty mount points, busybox as /bin/sh with its
// applet links, and the exec test files (/exec). Rebuilt once per process.
import * as fs from 'fs';
import * as path from 'path';
import { installShell } from './busybox';
import { installExecScripts } from './exec_scripts';
import { ROOT, hostPath } from './paths';

export const FIXTURE = '/fixture';

/** Every fixture file and directory gets this mtime (2020-01-02 03:04:05 UTC). */
export const MTIME = 1577934245;

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
  'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
  'sync:x:4:65534:sync:/bin:/bin/sync',
  'games:x:5:60:games:/usr/games:/usr/sbin/nologin',
  'man:x:6:12:man:/var/cache/man:/usr/sbin/nologin',
  'lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin',
  'mail:x:8:8:mail:/var/mail:/usr/sbin/nologin',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
].join('\n') + '\n';

function big(): Buffer {
  const b = Buffer.alloc(70000);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

interface Entry {
  path: string;
  mode: number;
  content?: string | Buffer;
  dir?: true;
  symlink?: string;
  hardlink?: string;
}

// Parents before children. Modes are set explicitly (umask-independent).
const TREE: Entry[] = [
  { path: 'passwd', mode: 0o644, content: PASSWD },
  { path: 'big', mode: 0o644, content: big() },
  { path: 'empty', mode: 0o600, content: '' },
  { path: 'dir', mode: 0o755, dir: true },
  { path: 'dir/a', mode: 0o644, content: 'alpha\n' },
  { path: 'dir/hard', mode: 0o644, hardlink: 'dir/a' },
  { path: 'dir/b', mode: 0o640, content: 'bravo bravo\n' },
  { path: 'dir/c', mode: 0o600, content: '' },
  { path: 'dir/sub', mode: 0o750, dir: true },
  { path: 'dir/sub/x', mode: 0o644, content: 'x\n' },
  { path: 'dir/link', mode: 0o777, symlink: 'a' },
  { path: 'dir/dangling', mode: 0o777, symlink: 'nowhere' },
  { path: 'rw', mode: 0o777, dir: true }, // written natively by rofs.c
];

let made = false;

/** Builds the sandbox root's fixed contents; returns the fixture's guest path. */
export function makeFixture(): string {
  if (made) return FIXTURE;
  const top = hostPath(FIXTURE);
  fs.rmSync(top, { recursive: true, force: true });
  fs.mkdirSync(top, { recursive: true });
  for (const e of TREE) {
    const p = path.join(top, e.path);
    if (e.dir) fs.mkdirSync(p);
    else if (e.symlink) fs.symlinkSync(e.symlink, p);
    else if (e.hardlink) fs.linkSync(path.join(top, e.hardlink), p);
    else fs.writeFileSync(p, e.content ?? '');
    if (!e.symlink) fs.chmodSync(p, e.mode);
  }
  // Children first, so setting a file's time does not touch a dated directory.
  for (const e of [...TREE].reverse()) {
    const p = path.join(top, e.path);
    if (e.symlink) fs.lutimesSync(p, MTIME, MTIME);
    else fs.utimesSync(p, MTIME, MTIME);
  }
  fs.utimesSync(top, MTIME, MTIME);

  fs.mkdirSync(path.join(ROOT, 'etc'), { recursive: true });
  for (const f of ['passwd', 'group']) fs.copyFileSync(`/etc/${f}`, path.join(ROOT, 'etc', f));
  for (const d of ['proc', 'dev', 'sys', 'tmp']) fs.mkdirSync(path.join(ROOT, d), { recursive: true });
  try {
    installShell();
  } catch (e) {
    console.log(`!!! no /bin/sh in the test root (programs that exec a shell fail): ${(e as Error).message}`);
  }
  installExecScripts();
  made = true;
  return FIXTURE;
}
