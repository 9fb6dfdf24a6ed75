// The OCI runtime driven as containerd's runc shim drives it: bin/tsvisor with
// --root/--log/--log-format json, create --pid-file under a child subreaper
// (shim.py) that reaps the sandbox and records its exit status, then state,
// start, exec, ps, kill, pause/resume, update and delete, and runc's errors.
// The bundle's root is the busybox test root (test/support/busybox.ts).
import { spawn, spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { installShell } from '../support/busybox';
import { ROOT, TSVISOR } from '../support/paths';
import { platformSkippedLine, platforms } from '../support/platforms';
import { defaultSpec } from '../../src/runtime/defaults';

const SHIM = path.join(__dirname, '..', '..', '..', 'test', 'runtime', 'shim.py');
const CONSOLE = path.join(__dirname, '..', '..', '..', 'test', 'runtime', 'console.py');
const WAIT_MS = 60_000;

interface Ctx { dir: string; root: string; log: string; platform: string; n: number }

function sleep(ms: number): void { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); }
/** Polls until f() returns a value (no timing assertion: a generous limit, then a clear failure). */
function until<T>(what: string, f: () => T | undefined | null | false): T {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    sleep(20);
  }
}
const alive = (pid: number) => { try { process.kill(pid, 0); return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1')); } catch { return false; } };

function runtime(c: Ctx, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [TSVISOR, '--root', c.root, '--log', c.log, '--log-format', 'json', '--platform', c.platform, ...args], {
    encoding: 'utf8', input, timeout: WAIT_MS,
  });
}
function ok(c: Ctx, args: string[], input?: string): string {
  const r = runtime(c, args, input);
  assert.is(r.status, 0, `tsvisor ${args.join(' ')} exited ${r.status}: ${r.stderr}\nlog: ${lastError(c)}`);
  return r.stdout;
}
function lastError(c: Ctx): string {
  // (An empty log, made before anything was written to it, has no records.)
  const lines = fs.existsSync(c.log) ? fs.readFileSync(c.log, 'utf8').trim().split('\n').filter((l) => l !== '') : [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const rec = JSON.parse(lines[i]!) as { level: string; msg: string };
    if (rec.level === 'error') return rec.msg;
  }
  return '';
}
function fails(c: Ctx, args: string[], msg: RegExp): void {
  const r = runtime(c, args);
  assert.is(r.status, 1, `tsvisor ${args.join(' ')} should fail`);
  assert.is(r.stdout, '');
  assert.ok(msg.test(lastError(c)), `log's last error "${lastError(c)}" does not match ${msg}`);
}

/** A bundle whose config runs args (root: the busybox test root, read-only). */
function bundle(c: Ctx, args: string[], edit: (s: Record<string, any>) => void = () => {}): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const b = path.join(c.dir, `bundle${++c.n}`);
  fs.mkdirSync(b);
  const s = defaultSpec() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  s.root = { path: ROOT, readonly: true };
  s.process.terminal = false;
  s.process.args = args;
  edit(s);
  fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(s));
  return b;
}

interface Shimmed { out: string; err: string; dir: string; pid: number }
/** `create` under the shim stand-in; returns once create has returned (the sandbox pid read from --pid-file). */
function create(c: Ctx, id: string, b: string, extra: string[] = [], stdin = '/dev/null'): Shimmed {
  const dir = path.join(c.dir, `shim-${id}`);
  fs.mkdirSync(dir);
  const out = path.join(dir, 'stdout'), err = path.join(dir, 'stderr'), pidFile = path.join(dir, 'init.pid');
  const child = spawn('python3', [SHIM, stdin, out, err, dir, '--', process.execPath, TSVISOR, '--root', c.root, '--log', c.log, '--log-format', 'json',
    '--platform', c.platform, 'create', '--bundle', b, '--pid-file', pidFile, ...extra, id], { stdio: 'ignore', detached: false });
  child.unref();
  const st = until('create to return', () => fs.existsSync(path.join(dir, 'command.status')) && fs.readFileSync(path.join(dir, 'command.status'), 'utf8'));
  assert.is(st, '0', `create failed: ${lastError(c)}`);
  return { out, err, dir, pid: Number(fs.readFileSync(pidFile, 'utf8')) };
}
/** The exit status the shim reaped for pid. */
function reaped(s: Shimmed, pid: number): number {
  const line = until(`pid ${pid} to be reaped`, () => {
    const f = path.join(s.dir, 'reaped');
    return fs.existsSync(f) && fs.readFileSync(f, 'utf8').split('\n').find((l) => l.startsWith(`${pid} `));
  });
  return Number(line.split(' ')[1]);
}
const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

function lifecycleSuite(platform: string, available: boolean, why: string): void {
  const s = suite(`oci lifecycle [${platform}]`);
  const c: Ctx = { dir: '', root: '', log: '', platform, n: 0 };
  const tests: [string, () => void][] = [];
  const t = (name: string, f: () => void) => tests.push([name, f]);

  t('create leaves a live sandbox at --pid-file; start runs it; the shim reaps its exit status', () => {
    const b = bundle(c, ['sh', '-c', 'echo hello; echo oops >&2; exit 7']);
    const sh = create(c, 'basic', b);
    assert.ok(alive(sh.pid), 'the pid in --pid-file is a live process');
    const st = JSON.parse(ok(c, ['state', 'basic'])) as Record<string, unknown>;
    assert.equal({ id: st.id, pid: st.pid, status: st.status, bundle: st.bundle, rootfs: st.rootfs, ociVersion: st.ociVersion },
      { id: 'basic', pid: sh.pid, status: 'created', bundle: b, rootfs: ROOT, ociVersion: '1.0.2' });
    assert.is(read(sh.out), '', 'nothing runs before start');
    ok(c, ['start', 'basic']);
    assert.is(reaped(sh, sh.pid), 7);
    assert.is(read(sh.out), 'hello\n');
    assert.is(read(sh.err), 'oops\n');
    const after = JSON.parse(ok(c, ['state', 'basic'])) as Record<string, unknown>;
    assert.equal([after.status, after.pid], ['stopped', 0]);
    fails(c, ['kill', 'basic', '9'], /container not running/);
    fails(c, ['start', 'basic'], /cannot start a container that has stopped/);
    ok(c, ['delete', 'basic']);
    fails(c, ['state', 'basic'], /does not exist/);
    ok(c, ['delete', '--force', 'basic']);
    fails(c, ['delete', 'basic'], /does not exist/);
  });

  t('list, exec, ps, pause/resume, kill with a signal name, and SIGKILL status 137', () => {
    const b = bundle(c, ['sh', '-c', 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 1; done']);
    const sh = create(c, 'long', b);
    ok(c, ['start', 'long']);
    until('init to print ready', () => read(sh.out) === 'ready\n');
    const list = JSON.parse(ok(c, ['list', '--format', 'json'])) as { id: string; status: string }[];
    assert.ok(list.some((x) => x.id === 'long' && x.status === 'running'));
    // exec in the foreground: its output and status.
    const r = runtime(c, ['exec', 'long', 'sh', '-c', 'echo from exec $((6*7)); exit 4']);
    assert.is(r.status, 4);
    assert.is(r.stdout, 'from exec 42\n');
    // exec --detach --process FILE --pid-file: a proxy the shim reaps with the process's status.
    const proc = path.join(c.dir, 'process.json');
    fs.writeFileSync(proc, JSON.stringify({ args: ['sh', '-c', 'sleep 1; echo detached; exit 5'], cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 } }));
    const epid = path.join(c.dir, 'exec.pid');
    const ex = spawnSync('python3', [SHIM, '/dev/null', sh.out, sh.err, path.join(sh.dir), '--', process.execPath, TSVISOR, '--root', c.root, '--log', c.log,
      '--log-format', 'json', 'exec', '--process', proc, '--detach', '--pid-file', epid, 'long'], { encoding: 'utf8', timeout: WAIT_MS });
    assert.is(ex.status, 0, ex.stderr);
    const proxy = Number(read(epid));
    const pids = JSON.parse(ok(c, ['ps', '--format', 'json', 'long'])) as number[];
    assert.ok(pids.includes(sh.pid), `ps lists the sandbox ${sh.pid}: ${pids}`);
    // shim.py above reaped the proxy already (it waited for every child); its status was recorded.
    const exRec = read(path.join(sh.dir, 'reaped')).split('\n').find((l) => l.startsWith(`${proxy} `));
    assert.is(exRec, `${proxy} 5`);
    until('the detached exec to print', () => read(sh.out).includes('detached\n'));
    ok(c, ['pause', 'long']);
    assert.is((JSON.parse(ok(c, ['state', 'long'])) as { status: string }).status, 'paused');
    fails(c, ['pause', 'long'], /already paused/);
    fails(c, ['exec', 'long', 'true'], /paused/);
    ok(c, ['resume', 'long']);
    assert.is((JSON.parse(ok(c, ['state', 'long'])) as { status: string }).status, 'running');
    fails(c, ['delete', 'long'], /cannot delete container long that is not stopped: running/);
    fails(c, ['kill', 'long', 'SIGNOPE'], /unknown signal/);
    ok(c, ['kill', 'long', 'TERM']);
    until('init to handle TERM', () => read(sh.out).includes('got TERM\n'));
    assert.is(reaped(sh, sh.pid), 3);
    ok(c, ['delete', 'long']);
  });

  t('kill 9 gives 137; an init without a TERM handler ignores TERM (as in a pid namespace)', () => {
    const b = bundle(c, ['sh', '-c', 'echo up; while :; do sleep 1; done']);
    const sh = create(c, 'k9', b);
    ok(c, ['start', 'k9']);
    until('init to start', () => read(sh.out) === 'up\n');
    ok(c, ['kill', 'k9', 'SIGTERM']);
    sleep(300);
    assert.ok(alive(sh.pid), 'TERM without a handler does not end init');
    ok(c, ['kill', '--all', 'k9', '9']);
    assert.is(reaped(sh, sh.pid), 137);
    ok(c, ['delete', 'k9']);
  });

  t('kill 9 ends a container whose init is blocked reading its stdin (a pipe with nothing in it)', () => {
    const fifo = path.join(c.dir, 'stdin.fifo');
    spawnSync('mkfifo', [fifo]);
    const hold = fs.openSync(fifo, fs.constants.O_RDWR); // a writer that never writes
    try {
      const sh = create(c, 'blocked', bundle(c, ['sh', '-c', 'echo waiting; read line; echo never']), [], fifo);
      ok(c, ['start', 'blocked']);
      until('init to wait on stdin', () => read(sh.out) === 'waiting\n');
      ok(c, ['kill', 'blocked', 'KILL']);
      assert.is(reaped(sh, sh.pid), 137);
      assert.is(read(sh.out), 'waiting\n');
      ok(c, ['delete', 'blocked']);
    } finally {
      fs.closeSync(hold);
    }
  });

  t('the dev.tsvisor.platform annotation picks the platform: trap-platform stubs are host processes ps lists', () => {
    const other = platform === 'kvm' ? 'ptrace' : 'kvm';
    if (!platforms().find((x) => x.name === other)?.available) { console.log(`  (annotation test needs ${other} too: checked on ${platform} only)`); }
    const withStubs = (plat: string) => {
      const id = `annot-${plat}`;
      const sh = create(c, id, bundle(c, ['sh', '-c', 'echo up; while :; do sleep 1; done'], (s) => { s.annotations = { 'dev.tsvisor.platform': plat }; }));
      ok(c, ['start', id]);
      until('init to start', () => read(sh.out) === 'up\n');
      const pids = JSON.parse(ok(c, ['ps', '--format', 'json', id])) as number[];
      ok(c, ['kill', id, '9']);
      reaped(sh, sh.pid);
      ok(c, ['delete', id]);
      return pids.length > 1;
    };
    for (const plat of [platform, other]) {
      if (!platforms().find((x) => x.name === plat)?.available) continue;
      // ptrace and systrap run the guest in stub processes; kvm in the sandbox process itself.
      assert.is(withStubs(plat), plat !== 'kvm', `platform ${plat}: stub processes ${plat !== 'kvm' ? 'expected' : 'not expected'}`);
    }
  });

  t('update --resources=- lowers the task cap of a running container', () => {
    const b = bundle(c, ['sh', '-c', 'echo up; while :; do sleep 1; done']);
    const sh = create(c, 'upd', b);
    ok(c, ['start', 'upd']);
    until('init to start', () => read(sh.out) === 'up\n');
    assert.is(runtime(c, ['exec', 'upd', 'true']).status, 0);
    ok(c, ['update', '--resources=-', 'upd'], JSON.stringify({ pids: { limit: 2 } }));
    // init and its sleep take both tasks: a new process is refused (EAGAIN).
    const r = runtime(c, ['exec', 'upd', 'true']);
    assert.is(r.status, 255);
    assert.ok(/resource temporarily unavailable/i.test(lastError(c)), lastError(c));
    ok(c, ['update', '--resources', '-', 'upd'], JSON.stringify({ pids: { limit: 100 }, memory: { limit: 64 * 1024 * 1024 } }));
    assert.is(runtime(c, ['exec', 'upd', 'true']).status, 0);
    const ev = JSON.parse(ok(c, ['events', '--stats', 'upd'])) as { type: string; data: { memory: { usage: { usage: number; limit: number } }; pids: { current: number; limit: number } } };
    assert.equal([ev.type, ev.data.memory.usage.limit, ev.data.pids.limit], ['stats', 64 * 1024 * 1024, 100]);
    assert.ok(ev.data.memory.usage.usage > 0 && ev.data.pids.current >= 1, JSON.stringify(ev));
    // The cgroup files follow the update.
    const cg = runtime(c, ['exec', 'upd', 'cat', '/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/pids.max']);
    assert.equal([cg.status, cg.stdout], [0, `${64 * 1024 * 1024}\n100\n`], cg.stderr);
    ok(c, ['delete', '--force', 'upd']);
    assert.is(reaped(sh, sh.pid), 137);
    assert.ok(!fs.existsSync(path.join(c.root, 'upd')));
  });

  t('a crashed sandbox reads as stopped and delete --force cleans up', () => {
    const b = bundle(c, ['sh', '-c', 'while :; do sleep 1; done']);
    const sh = create(c, 'crash', b);
    ok(c, ['start', 'crash']);
    process.kill(sh.pid, 'SIGKILL');
    assert.is(reaped(sh, sh.pid), 137);
    assert.is((JSON.parse(ok(c, ['state', 'crash'])) as { status: string }).status, 'stopped');
    fails(c, ['exec', 'crash', 'true'], /stopped container/);
    ok(c, ['delete', '--force', 'crash']);
    assert.ok(!fs.existsSync(path.join(c.root, 'crash')));
  });

  t('delete of a created container kills the sandbox', () => {
    const sh = create(c, 'created', bundle(c, ['true']));
    ok(c, ['delete', 'created']);
    assert.is(reaped(sh, sh.pid), 137);
  });

  t('errors: bad config, existing id, unknown program, bad id; nothing left behind', () => {
    const bad = bundle(c, ['true'], (s) => { s.mounts.push({ destination: '/n', type: 'nfs', source: 'x' }); });
    fails(c, ['create', '--bundle', bad, 'bad'], /file system type "nfs" is not supported/);
    assert.ok(!fs.existsSync(path.join(c.root, 'bad')));
    fails(c, ['create', '--bundle', bundle(c, ['no-such-program']), 'noprog'], /executable file not found in \$PATH/);
    assert.ok(!fs.existsSync(path.join(c.root, 'noprog')));
    const sh = create(c, 'dup', bundle(c, ['true']));
    fails(c, ['create', '--bundle', bundle(c, ['true']), 'dup'], /container with id exists: dup/);
    ok(c, ['delete', '--force', 'dup']);
    reaped(sh, sh.pid);
    fails(c, ['state', '../x'], /invalid container id/);
    fails(c, ['kill', 'nothere', '9'], /does not exist/);
    fails(c, ['create', '--bundle', bundle(c, ['sh'], (s) => { s.process.terminal = true; }), 'tty'], /cannot allocate tty .* console socket/);
  });

  t('hooks run on the host with the state on stdin: prestart and createRuntime at create, poststart, poststop at delete', () => {
    const rec = path.join(c.dir, 'hooks');
    const hook = (name: string) => ({ path: '/bin/sh', args: ['sh', '-c', `cat > ${rec}.${name}; printf '\\n%s\\n' "$HOOKVAR" >> ${rec}.${name}`], env: [`HOOKVAR=${name}-env`] });
    const b = bundle(c, ['true'], (s) => {
      s.hooks = { prestart: [hook('prestart')], createRuntime: [hook('createRuntime')], poststart: [hook('poststart')], poststop: [hook('poststop')] };
    });
    const sh = create(c, 'hooked', b);
    for (const h of ['prestart', 'createRuntime']) {
      const [json, env] = read(`${rec}.${h}`).split('\n');
      const st = JSON.parse(json!) as { id: string; pid: number; status: string; bundle: string };
      assert.equal([st.id, st.pid, st.status, st.bundle, env], ['hooked', sh.pid, 'creating', b, `${h}-env`]);
    }
    assert.ok(!fs.existsSync(`${rec}.poststart`));
    ok(c, ['start', 'hooked']);
    assert.is((JSON.parse(read(`${rec}.poststart`).split('\n')[0]!) as { status: string }).status, 'running');
    assert.is(reaped(sh, sh.pid), 0);
    ok(c, ['delete', 'hooked']);
    assert.is((JSON.parse(read(`${rec}.poststop`).split('\n')[0]!) as { status: string }).status, 'stopped');
    const failing = bundle(c, ['true'], (s) => { s.hooks = { prestart: [{ path: '/bin/false' }] }; });
    fails(c, ['create', '--bundle', failing, 'hookfail'], /error running prestart hook \/bin\/false: exit status 1/);
    assert.ok(!fs.existsSync(path.join(c.root, 'hookfail')));
  });

  t('--console-socket: the pty master goes to the socket; the container sees a terminal', () => {
    const b = bundle(c, ['sh', '-c', 'test -t 0 && test -t 1 && echo tty-yes; read line; echo "got $line"'], (s) => { s.process.terminal = true; });
    const sock = path.join(c.dir, 'console.sock'), out = path.join(c.dir, 'console.out');
    const recv = spawn('python3', [CONSOLE, sock, out, 'typed\n'], { stdio: 'ignore' });
    until('the console socket', () => fs.existsSync(sock + '.ready'));
    const sh = create(c, 'tty', b, ['--console-socket', sock]);
    ok(c, ['start', 'tty']);
    assert.is(reaped(sh, sh.pid), 0);
    until('the console receiver to finish', () => fs.existsSync(out + '.done'));
    recv.unref();
    assert.is(read(out + '.info'), 'isatty=True name=/dev/ptmx\n');
    const text = read(out).replace(/\r/g, '');
    assert.ok(text.includes('tty-yes\n'), JSON.stringify(text));
    assert.ok(text.includes('got typed\n'), JSON.stringify(text));
    ok(c, ['delete', 'tty']);
  });

  t('run in the foreground: the output and exit status, then it is gone; run -d leaves it running', () => {
    const b = bundle(c, ['sh', '-c', 'echo fg; exit 6']);
    const r = runtime(c, ['run', '--bundle', b, 'fg']);
    assert.equal([r.status, r.stdout], [6, 'fg\n']);
    fails(c, ['state', 'fg'], /does not exist/);
    const d = runtime(c, ['run', '-d', '--bundle', bundle(c, ['sleep', '100']), 'bg']);
    assert.is(d.status, 0, lastError(c));
    assert.is((JSON.parse(ok(c, ['state', 'bg'])) as { status: string }).status, 'running');
    ok(c, ['delete', '--force', 'bg']);
  });

  t('file bind mounts: a ro file at /etc/hosts (EROFS) and a rw one at /data.txt whose writes reach the host', () => {
    const hosts = path.join(c.dir, 'hosts'), data = path.join(c.dir, 'data.txt');
    fs.writeFileSync(hosts, '10.1.2.3 db\n');
    fs.writeFileSync(data, 'before\n');
    const term = path.join(c.dir, 'termination-log');
    fs.writeFileSync(term, '');
    const b = bundle(c, ['sh', '-c', 'cat /etc/hosts /data.txt; echo bad >> /etc/hosts || echo ro-refused; echo after >> /data.txt; rm /data.txt || echo kept; echo bye > /dev/termination-log'], (s) => {
      s.mounts.push({ destination: '/etc/hosts', type: 'bind', source: hosts, options: ['rbind', 'ro'] });
      s.mounts.push({ destination: '/data.txt', type: 'bind', source: data, options: ['rbind', 'rw'] });
      // As Kubernetes adds it: a file in tsvisor's own /dev.
      s.mounts.push({ destination: '/dev/termination-log', type: 'bind', source: term, options: ['rbind', 'rw'] });
    });
    const r = runtime(c, ['run', '--bundle', b, 'filebind']);
    assert.is(r.stdout, '10.1.2.3 db\nbefore\nro-refused\nkept\n', r.stderr);
    // The root is read-only here: unlinking the mount point fails on the root's mount first (as on Linux).
    assert.is(r.stderr, "sh: can't create /etc/hosts: Read-only file system\nrm: can't remove '/data.txt': Read-only file system\n");
    assert.is(read(hosts), '10.1.2.3 db\n');
    assert.is(read(data), 'before\nafter\n');
    assert.is(read(term), 'bye\n');
  });

  t('the mqueue mount: /dev/mqueue is the sandbox\'s queue file system (a queue made by open, read, removed)', () => {
    const b = bundle(c, ['sh', '-c', 'grep " /dev/mqueue " /proc/mounts; touch /dev/mqueue/q1; ls /dev/mqueue; cat /dev/mqueue/q1; rm /dev/mqueue/q1; ls /dev/mqueue; mkdir /dev/mqueue/d || echo no-dirs']);
    const r = runtime(c, ['run', '--bundle', b, 'mq']);
    assert.is(r.stdout, 'mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0\nq1\n' +
      'QSIZE:0          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \nno-dirs\n', r.stderr);
    assert.is(r.stderr, "mkdir: can't create directory '/dev/mqueue/d': Operation not permitted\n");
  });

  t('the cgroup mount: a read-only cgroup v2 view of the sandbox with the configured limits', () => {
    const script = [
      'cd /sys/fs/cgroup; cat cgroup.controllers memory.max pids.max cpu.max /proc/self/cgroup',
      'while read p; do echo proc $p; done < cgroup.procs; read n < pids.current; echo tasks $n',
      'read m < memory.current; [ "$m" -gt 0 ] && echo memory used',
      'echo 1 > memory.max || echo refused; grep " /sys/fs/cgroup " /proc/mounts',
    ].join('\n');
    const b = bundle(c, ['sh', '-c', script], (s) => { s.linux.resources = { memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 50 } }; });
    const r = runtime(c, ['run', '--bundle', b, 'cg']);
    assert.is(r.stdout, `cpu memory pids\n${64 * 1024 * 1024}\n50\nmax 100000\n0::/\nproc 1\ntasks 1\nmemory used\nrefused\n` +
      'cgroup2 /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0\n', r.stderr);
    assert.is(r.stderr, "sh: can't create memory.max: Read-only file system\n");
    // Without limits: "max".
    const free = runtime(c, ['run', '--bundle', bundle(c, ['cat', '/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/pids.max']), 'cgfree']);
    assert.is(free.stdout, 'max\nmax\n', free.stderr);
  });

  t('file bind mounts: a FIFO, a device node or a symlink out of the bundle as the source is refused by name', () => {
    const fifo = path.join(c.dir, 'bind.fifo');
    spawnSync('mkfifo', [fifo]);
    const withSource = (source: string) => bundle(c, ['true'], (s) => { s.mounts.push({ destination: '/x', type: 'bind', source, options: ['rbind'] }); });
    fails(c, ['create', '--bundle', withSource(fifo), 'fifo'], /mount bind at \/x: source .*bind\.fifo is a FIFO; tsvisor bind-mounts directories and regular files only/);
    fails(c, ['create', '--bundle', withSource('/dev/null'), 'devnull'], /source \/dev\/null is a device node/);
    const b = withSource('escape');
    fs.symlinkSync('/etc/passwd', path.join(b, 'escape'));
    fails(c, ['create', '--bundle', b, 'escape'], /source .*escape is a symbolic link that leads out of the bundle/);
    for (const id of ['fifo', 'devnull', 'escape']) assert.ok(!fs.existsSync(path.join(c.root, id)));
  });

  t('spec, features and --version as runc has them', () => {
    const d = path.join(c.dir, 'specdir');
    fs.mkdirSync(d);
    ok(c, ['spec', '--bundle', d]);
    const spec = JSON.parse(read(path.join(d, 'config.json'))) as { ociVersion: string; process: { args: string[] } };
    assert.equal([spec.ociVersion, spec.process.args], ['1.0.2', ['sh']]);
    fails(c, ['spec', '--bundle', d], /File config.json exists/);
    const f = JSON.parse(ok(c, ['features'])) as { hooks: string[] };
    assert.equal(f.hooks, ['prestart', 'createRuntime', 'poststart', 'poststop']);
    const v = spawnSync(process.execPath, [TSVISOR, '--version'], { encoding: 'utf8' });
    assert.ok(/^tsvisor version \d+\.\d+\.\d+\nspec: 1\.0\.2\n$/.test(v.stdout), v.stdout);
  });

  if (!available) console.log(platformSkippedLine({ name: platform, available, why }, 'oci lifecycle', tests.length));
  s.before(() => {
    if (!available) return;
    installShell();
    c.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsvisor-oci-'));
    c.root = path.join(c.dir, 'state');
    c.log = path.join(c.dir, 'log.json');
  });
  for (const [name, f] of tests) {
    if (available) s(name, f);
    else s.skip(name); // reason: this platform is not available on this machine (no /dev/kvm, or ptrace/seccomp refused); the line printed above says why
  }
  s.after(() => {
    if (!c.dir) return;
    // Nothing may outlive the suite: kill what a failed test left, then remove the files.
    for (const id of fs.existsSync(c.root) ? fs.readdirSync(c.root) : []) runtime(c, ['delete', '--force', id]);
    sleep(200);
    fs.rmSync(c.dir, { recursive: true, force: true, maxRetries: 5 });
  });
  s.run();
}

for (const p of platforms()) lifecycleSuite(p.name, p.available, p.why);
