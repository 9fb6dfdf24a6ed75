// Isolation (DESIGN.md, Filesystem): nothing a program does reaches outside
// the sandbox root or changes the host directory.
//
// A root of its own is built in a host temporary directory with busybox, and
// with traps planted by the host: absolute and relative symlinks pointing out
// of the root, symlinks to /proc/self/root and /proc/1/root, a symlink chain
// climbing with `..`. A secret file lies next to the root (outside it). Each
// escape attempt runs in the sandbox and must never print the secret. A host
// process keeps swapping a directory and a symlink (to the host's /, and to
// the secret's directory) inside a bind-mounted directory while the sandbox
// walks through them, on purpose. And scripts that write, delete, rename and
// chmod everywhere under the default overlay leave the root byte for byte as
// it was (every path, type, mode, owner, size, mtime, link target and content
// hashed before and after).
import { spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { platforms } from '../support/platforms';
import { runSandbox, type RunResult } from '../support/run';

const HOST_BUSYBOX = process.env.BUSYBOX ?? '/bin/busybox';
const ENV = { PATH: '/bin', LC_ALL: 'C', HOME: '/' };

interface World {
  top: string;
  root: string;
  secret: string;
  secretDir: string;
  bind: string;
}

function buildWorld(): World {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-iso-'));
  const root = path.join(top, 'root');
  const secretDir = path.join(top, 'outside');
  const secret = `HOST-SECRET-${randomBytes(8).toString('hex')}`;
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.copyFileSync(HOST_BUSYBOX, path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  for (const a of ['sh', 'cat', 'ls', 'ln', 'cd', 'readlink', 'echo', 'mkdir', 'rm', 'mv', 'chmod', 'touch', 'find',
    'sort', 'grep', 'cp', 'dd', 'sed', 'head', 'seq', 'true', 'test', 'wc', 'stat', 'chown', 'truncate', 'mkfifo']) {
    fs.symlinkSync('busybox', path.join(root, 'bin', a));
  }
  for (const d of ['proc', 'dev', 'tmp', 'sys', 'etc', 'data', 'data/sub', 'bind']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\n');
  fs.writeFileSync(path.join(root, 'data', 'file'), 'inside\n');
  fs.writeFileSync(path.join(root, 'data', 'sub', 'deep'), 'deep inside\n');
  fs.mkdirSync(secretDir);
  fs.writeFileSync(path.join(secretDir, 'secret'), secret + '\n');
  fs.writeFileSync(path.join(top, 'secret'), secret + '\n');
  // Traps planted in the root by the host.
  fs.symlinkSync(path.join(secretDir, 'secret'), path.join(root, 'abs-to-secret'));
  fs.symlinkSync(secretDir, path.join(root, 'abs-to-outside'));
  fs.symlinkSync('../outside/secret', path.join(root, 'rel-to-secret'));
  fs.symlinkSync('../../../../../../../../..' + secretDir + '/secret', path.join(root, 'data', 'climb'));
  fs.symlinkSync('..', path.join(root, 'data', 'up'));
  fs.symlinkSync('/proc/self/root', path.join(root, 'self-root'));
  fs.symlinkSync('/proc/1/root', path.join(root, 'init-root'));
  fs.symlinkSync('/', path.join(root, 'slash'));
  fs.symlinkSync('/etc/../../../..', path.join(root, 'dotdots'));
  // A hard link to a file outside the root made by the host is the file itself (as in a
  // chroot); the guest can read it but cannot make such links itself.
  const bind = path.join(top, 'bind');
  fs.mkdirSync(bind);
  fs.writeFileSync(path.join(bind, 'plain'), 'bind file\n');
  return { top, root, secret, secretDir, bind };
}

function sandbox(p: string, w: World, script: string, flags: string[] = []): RunResult {
  return runSandbox(p, ['/bin/sh', '-c', script], { root: w.root, env: ENV, timeoutMs: 300_000, flags });
}

/** A digest of every entry under dir: path, type, mode, owner, size, mtime, target, content. */
export function treeDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    const full = path.join(dir, rel);
    const st = fs.lstatSync(full);
    h.update(`${rel}\0${st.mode}\0${st.uid}\0${st.gid}\0${st.size}\0${st.mtimeMs}\0${st.nlink}\0`);
    if (st.isSymbolicLink()) h.update(fs.readlinkSync(full));
    else if (st.isFile()) h.update(fs.readFileSync(full));
    else if (st.isDirectory()) for (const e of fs.readdirSync(full).sort()) walk(path.join(rel, e));
  };
  walk('.');
  return h.digest('hex');
}

function noSecret(w: World, r: RunResult, what: string): void {
  assert.is(r.error, undefined, `${what}: ${r.error}`);
  assert.not.ok(r.stdout.includes(w.secret) || r.stderr.includes(w.secret), `${what}: the secret leaked:\n${r.stdout}${r.stderr}`);
}

for (const p of platforms()) {
  const s = suite(`fs isolation [${p.name}]`);
  let w: World;
  s.before(() => { w = buildWorld(); });
  s.after(() => { fs.rmSync(w.top, { recursive: true, force: true }); });
  if (!p.available) { s.skip('escapes'); s.run(); continue; } // reason: the platform is unavailable (printed by the other suites)

  s('symlinks planted in the root resolve inside it', () => {
    const r = sandbox(p.name, w, [
      'for l in /abs-to-secret /rel-to-secret /data/climb /abs-to-outside/secret; do cat $l 2>&1; done',
      'ls /slash/ /dotdots/ /data/up/ | sort -u | tr "\\n" " "; echo',
      'cat /dotdots/outside/secret 2>&1; cat /data/up/../../../outside/secret 2>&1',
      'cd /data/up/../../..; pwd; ls | sort | tr "\\n" " "; echo',
    ].join('\n'));
    noSecret(w, r, 'planted symlinks');
    assert.match(r.stdout, /can't open '\/abs-to-secret': No such file or directory/);
    assert.match(r.stdout, /can't open '\/rel-to-secret': No such file or directory/);
    assert.match(r.stdout, /\n\/\n/, 'cd ../../.. from /data stops at /');
  });

  s('`..` and the magic links of /proc stay inside', () => {
    const r = sandbox(p.name, w, [
      'cd /; cd ../../../..; pwd; cat outside/secret 2>&1; cat ../outside/secret 2>&1',
      'ls /proc/self/root/ | sort | tr "\\n" " "; echo',
      'cat /proc/self/root/../outside/secret 2>&1; cat /proc/1/root/../../outside/secret 2>&1',
      'cat /self-root/../outside/secret 2>&1; cat /init-root/../outside/secret 2>&1',
      'readlink /proc/self/root; readlink /proc/1/root',
      'exec 3</data; cat /proc/self/fd/3/../../outside/secret 2>&1; ls /proc/self/fd/3/../.. | sort | tr "\\n" " "; echo',
      'cd /proc/self/fd/3/../../..; pwd',
    ].join('\n'));
    noSecret(w, r, 'dot-dot and magic links');
    assert.match(r.stdout, /^\/\n/, `cd ../../.. from / is /:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /\/\n\/\n/, `readlink /proc/self/root and /proc/1/root show /:\n${r.stdout}${r.stderr}`);
  });

  s('hard links: the guest cannot link to what it cannot name; host-made links are the file', () => {
    fs.linkSync(path.join(w.top, 'secret'), path.join(w.root, 'data', 'hostlink'));
    try {
      const r = sandbox(p.name, w, [
        'ln /proc/self/root/../secret /data/x 2>&1; ln /abs-to-secret /data/y 2>&1; ln /rel-to-secret /data/z 2>&1',
        'ls /data | sort | tr "\\n" " "; echo',
        'ln /data/hostlink /tmp/t 2>&1; echo $?',
      ].join('\n'));
      assert.is(r.error, undefined);
      assert.match(r.stdout, /ln: \/data\/x: No such file or directory|ln: .*No such file/);
      assert.not.match(r.stdout.split('\n')[3] ?? '', /\bx\b|\by\b|\bz\b/);
      // A link across mounts (the overlay to /tmp) is EXDEV, as on Linux.
      assert.match(r.stdout, /Invalid cross-device link|Cross-device/);
    } finally {
      fs.unlinkSync(path.join(w.root, 'data', 'hostlink'));
    }
  });

  s('a host process swapping a directory and a symlink in a bind mount during walks', async () => {
    // The host side: d<i> flips between a directory holding "f" and a symlink to the
    // secret's directory (absolute, then relative) or to the host's /, as fast as it can.
    const flipper = `
      const fs = require('fs'), path = require('path');
      const dir = process.argv[1], outside = process.argv[2];
      const targets = [outside, '../../../../../../..' + outside, '/'];
      let n = 0;
      for (;;) {
        const i = n % 40, d = path.join(dir, 'd' + i), tmp = path.join(dir, '.t' + i);
        try {
          if ((n >> 3) % 2 === 0) { fs.mkdirSync(tmp); fs.writeFileSync(path.join(tmp, 'secret'), 'decoy\\n'); }
          else fs.symlinkSync(targets[n % 3], tmp);
          fs.rmSync(d, { recursive: true, force: true });
          fs.renameSync(tmp, d);
        } catch { fs.rmSync(tmp, { recursive: true, force: true }); }
        n++;
      }`;
    const host = spawn(process.execPath, ['-e', flipper, w.bind, w.secretDir], { stdio: 'ignore' });
    try {
      await new Promise((res) => setTimeout(res, 200));
      const r = sandbox(p.name, w, [
        'i=0; while [ $i -lt 120 ]; do n=$((i % 40)); cat /bind/d$n/secret /bind/d$n/outside/secret /bind/d$n/../outside/secret 2>/dev/null; ls /bind/d$n/ >/dev/null 2>&1; cd /bind/d$n 2>/dev/null && cat secret ../secret ../../secret 2>/dev/null; cd /; i=$((i + 1)); done',
        'echo walked',
      ].join('\n'), ['--mount', `${w.bind}:/bind:ro`]);
      noSecret(w, r, 'swapping race');
      assert.match(r.stdout, /walked/, r.stderr);
    } finally {
      host.kill('SIGKILL');
    }
  });

  s('writes, deletes, renames and chmods leave the root directory unchanged', () => {
    const before = treeDigest(w.root);
    const outsideBefore = treeDigest(w.secretDir);
    const r = sandbox(p.name, w, [
      'echo x > /data/file; echo new > /data/new; rm /data/sub/deep; rmdir /data/sub',
      'mv /data /moved; chmod 700 /moved; chmod 4755 /bin/busybox; chown 5:5 /etc/passwd',
      'ln /moved/new /moved/hard; ln -s /x /moved/sym; mkfifo /moved/fifo; touch -t 200001010000 /etc',
      'rm -f /abs-to-secret /rel-to-secret /slash; mkdir /newdir; echo o > /abs-to-outside/secret 2>&1',
      'dd if=/dev/zero of=/big bs=1k count=64 2>/dev/null; truncate -s 1 /etc/passwd; rm -rf /bin/cat',
      'mv /etc /etc2; mkdir /etc; find / -xdev | wc -l',
    ].join('\n'));
    assert.is(r.error, undefined, r.error);
    assert.is(r.status, 0, r.stderr);
    assert.is(treeDigest(w.root), before, 'the root directory changed');
    assert.is(treeDigest(w.secretDir), outsideBefore, 'the directory next to the root changed');
  });

  s('--rootfs-writable writes through to the root, never outside it', () => {
    const outsideBefore = treeDigest(w.secretDir);
    const secretBefore = fs.readFileSync(path.join(w.top, 'secret'), 'utf8');
    const r = sandbox(p.name, w, [
      'echo pwned > /abs-to-outside/secret 2>&1; echo pwned > /abs-to-secret 2>&1; echo pwned > /rel-to-secret 2>&1',
      'echo pwned > /data/climb 2>&1; echo pwned > /dotdots/secret 2>&1; rm /data/up/../../secret 2>&1',
      'mkdir /w; echo hello > /w/f; ln /w/f /w/g; mv /w/f /w/h; chmod 640 /w/h; ln -s h /w/s; mkfifo /w/p',
      'echo appended >> /data/file; truncate -s 3 /data/sub/deep; rm /data/sub/deep; true',
    ].join('\n'), ['--rootfs-writable']);
    try {
      assert.is(r.error, undefined, r.error);
      assert.is(treeDigest(w.secretDir), outsideBefore, 'the directory next to the root changed');
      assert.is(fs.readFileSync(path.join(w.top, 'secret'), 'utf8'), secretBefore);
      // The planted symlinks resolved inside the sandbox (where /tmp is a tmpfs of its own).
      assert.match(r.stdout + r.stderr, /can't create|No such file or directory/);
      assert.is(fs.readFileSync(path.join(w.root, 'w', 'h'), 'utf8'), 'hello\n');
      assert.is(fs.statSync(path.join(w.root, 'w', 'h')).mode & 0o777, 0o640);
      assert.is(fs.statSync(path.join(w.root, 'w', 'g')).ino, fs.statSync(path.join(w.root, 'w', 'h')).ino);
      assert.is(fs.readlinkSync(path.join(w.root, 'w', 's')), 'h');
      assert.ok(fs.statSync(path.join(w.root, 'w', 'p')).isFIFO());
      assert.is(fs.readFileSync(path.join(w.root, 'data', 'file'), 'utf8'), 'inside\nappended\n');
      assert.not.ok(fs.existsSync(path.join(w.root, 'data', 'sub', 'deep')));
    } finally {
      fs.rmSync(path.join(w.root, 'w'), { recursive: true, force: true });
      fs.writeFileSync(path.join(w.root, 'data', 'file'), 'inside\n');
      fs.writeFileSync(path.join(w.root, 'data', 'sub', 'deep'), 'deep inside\n');
    }
  });

  s('a read-write bind mount writes through; a read-only one refuses', () => {
    const r = sandbox(p.name, w, 'echo more >> /rw/plain; echo n > /rw/new; mv /rw/new /rw/moved; ls /rw; cat /rw/plain',
      ['--mount', `${w.bind}:/rw`]);
    try {
      assert.is(r.error, undefined, r.error);
      assert.is(fs.readFileSync(path.join(w.bind, 'plain'), 'utf8'), 'bind file\nmore\n');
      assert.is(fs.readFileSync(path.join(w.bind, 'moved'), 'utf8'), 'n\n');
    } finally {
      fs.writeFileSync(path.join(w.bind, 'plain'), 'bind file\n');
      fs.rmSync(path.join(w.bind, 'moved'), { force: true });
    }
  });

  s('a read-only bind mount refuses writes; the host directory stays as it was', () => {
    const before = treeDigest(w.bind);
    const r = sandbox(p.name, w, 'cat /bind/plain; echo x > /bind/plain 2>&1; rm /bind/plain 2>&1; mkdir /bind/n 2>&1; true',
      ['--mount', `${w.bind}:/bind:ro`]);
    assert.is(r.error, undefined, r.error);
    assert.match(r.stdout, /bind file/, r.stdout + r.stderr);
    assert.match(r.stdout, /Read-only file system/);
    assert.is(treeDigest(w.bind), before);
  });

  s('--mount of single files: a read-only one refuses writes, a read-write one writes through; FIFOs and symlinks are refused', () => {
    const ro = path.join(w.bind, 'plain'), rw = path.join(w.top, 'rwfile');
    fs.writeFileSync(rw, 'one\n');
    const before = treeDigest(w.bind);
    try {
      const r = sandbox(p.name, w, [
        'cat /etc/hosts; echo x >> /etc/hosts 2>&1; rm /etc/hosts 2>&1; ln /etc/hosts /etc/h2 2>&1; mv /etc/hosts /etc/h3 2>&1',
        'echo two >> /data/rw.txt; cat /data/rw.txt; true',
      ].join('\n'), ['--mount', `${ro}:/etc/hosts:ro`, '--mount', `${rw}:/data/rw.txt`]);
      assert.is(r.error, undefined, r.error);
      assert.is(r.stdout, [
        'bind file', "rm: can't remove '/etc/hosts': Device or resource busy",
        "ln: /etc/h2: Invalid cross-device link", "mv: can't rename '/etc/hosts': Device or resource busy", 'one', 'two', '',
      ].join('\n'), r.stderr);
      assert.match(r.stderr, "can't create /etc/hosts: Read-only file system");
      assert.is(treeDigest(w.bind), before);
      assert.is(fs.readFileSync(rw, 'utf8'), 'one\ntwo\n');
      fs.symlinkSync(path.join(w.secretDir, 'secret'), path.join(w.top, 'link'));
      for (const [src, msg] of [[path.join(w.top, 'link'), /is a symbolic link/], ['/dev/null', /is a device node/]] as const) {
        const bad = sandbox(p.name, w, 'cat /x', ['--mount', `${src}:/x`]);
        assert.not.match(bad.stdout, w.secret);
        assert.match(bad.stderr, msg, bad.stderr);
      }
    } finally {
      fs.rmSync(rw, { force: true });
      fs.rmSync(path.join(w.top, 'link'), { force: true });
    }
  });

  s.run();
}


