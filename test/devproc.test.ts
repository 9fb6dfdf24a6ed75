// /proc, /dev and pseudo-terminals: the programs of test/programs/devproc/
// (glibc and musl builds) and busybox command lines, natively as pid 1 in a
// fresh pid namespace with a /dev like the sandbox's (test/support/pid1.ts:
// the devices, a devpts instance) and in the sandbox. Output must be equal.
// Values that necessarily differ (host pids, memory totals, CPU counts,
// times) are never printed, or are replaced by their shape before comparing.
import { ensureBuilt, planGroup } from './support/build';
import { BASE_ENV, programInvocation } from './support/cases';
import { installShell } from './support/busybox';
import { differentialSuites } from './support/differential';

const { binaries, notes } = planGroup('devproc');
for (const n of notes) console.log(`!!! ${n}`);

differentialSuites('devproc', binaries.map((bin) => ({
  id: `${bin.name}@${bin.variant}`,
  skipKeys: [`${bin.name}@${bin.variant}`, bin.name],
  invocation: programInvocation(bin),
  prepare: () => ensureBuilt(bin),
})));

interface ShellCase {
  id: string;
  script: string;
  /** Applied to both sides' stdout (numbers that differ by nature become their shape). */
  normalize?: (s: string) => string;
}

/** Digits of values that differ by nature (sizes, times, counts) become N, runs of blanks one blank. */
const shape = (s: string): string => s.replace(/[0-9]+/g, 'N').replace(/[ \t]+/g, ' ');
/** CPU lists: the sandbox has one CPU, the host maybe more ("0-1" becomes "0"). */
const oneCpu = (s: string): string => s.replace(/^0-[0-9]+$/gm, '0');
/** Pids other than 1 at the start of a line become P: natively the pid namespace's set-up
 *  (mounts) used the first pids, so children of pid 1 get other numbers. */
const pids = (s: string): string => s.replace(/^ *([0-9]+)/gm, (_m, n: string) => (n === '1' ? '1' : 'P'));

const CASES: ShellCase[] = [
  { id: 'status-fields', script: 'cut -d: -f1 /proc/self/status | tr "\\n" " "; echo' },
  { id: 'status-values', script: 'grep -E "^(Name|State|Umask|Threads|SigIgn|NoNewPrivs|Seccomp):" /proc/self/status' },
  { id: 'stat-self', script: 'read pid comm state rest < /proc/self/stat; echo "$comm $state"; set -- $rest; echo "fields $(($# + 3))"' },
  { id: 'exe-cwd-root', script: 'readlink /proc/self/exe; cd /tmp && readlink /proc/self/cwd; readlink /proc/self/root; readlink /proc/$$/exe' },
  { id: 'cmdline', script: 'tr "\\0" " " < /proc/self/cmdline; echo; sh -c \'tr "\\0" "," < /proc/$$/cmdline\' x y; echo' },
  { id: 'environ', script: 'env -i A=1 B=two tr "\\0" " " < /proc/self/environ; echo; X=1 sh -c \'tr "\\0" "\\n" < /proc/$$/environ | grep -c "^X=1$"\'' },
  { id: 'comm', script: 'cat /proc/self/comm; echo -n renamed > /proc/$$/comm; cat /proc/$$/comm; echo; head -c 40 /proc/$$/stat | cut -d" " -f2' },
  { id: 'fd-links', script: 'exec 5</dev/null 6>/tmp/f; readlink /proc/$$/fd/5; readlink /proc/$$/fd/6; stat -c %A /proc/$$/fd/5 /proc/$$/fd/6 | cut -c1-4; exec 5<&- 6>&-; test -e /proc/$$/fd/5 || echo closed' },
  { id: 'fdinfo', script: 'exec 5</proc/sys/kernel/ostype; read x <&5; grep -E "^(pos|flags):" /proc/$$/fdinfo/5; grep -c "^mnt_id:" /proc/$$/fdinfo/5' },
  // wait's own stderr is dropped: whether the shell prints "Terminated" is a race (shell.test.ts).
  { id: 'pid-dirs', script: 'sleep 5 & p=$!; sleep 0.3; test -d /proc/$p && echo alive; grep -E "^(State|PPid):" /proc/$p/status | sed "s/[0-9]*$/N/"; cut -d" " -f3,35 /proc/$p/stat; kill $p; wait $p 2>/dev/null; test -d /proc/$p || echo gone; cat /proc/$p/stat 2>&1 | sed "s/[0-9]\\+/N/"' },
  { id: 'task', script: 'ls /proc/self/task | wc -l; test "$(ls /proc/$$/task)" = $$ && echo own-tid' },
  { id: 'self-links', script: 'test "$(readlink /proc/self)" != "" && echo self; readlink /proc/$$/task/$$/exe' },
  { id: 'limits', script: 'head -1 /proc/self/limits; grep -E "^Max (open files|stack size|pending signals|locked memory)" /proc/self/limits | cut -c1-26' },
  { id: 'maps-names', script: 'grep -oE "\\[(heap|stack|vdso|vvar|vsyscall)\\]$" /proc/self/maps | sort -u; grep -c /bin/busybox /proc/self/maps >/dev/null && echo program' },
  { id: 'smaps-keys', script: 'sed -n "2,25p" /proc/self/smaps | cut -d: -f1' },
  { id: 'mounts', script: 'cut -d" " -f2,3 /proc/mounts | grep -E "^/(proc|dev/pts|sys|dev/shm|tmp) " | sort' },
  { id: 'mountinfo-shape', script: 'grep -E " /proc | /dev/pts " /proc/self/mountinfo | cut -d" " -f4- | sed -E "s/^[0-9]+:[0-9]+ //" | cut -d" " -f1,2,4-6 | sort' },
  { id: 'system-shapes', script: 'for f in uptime loadavg; do sed -E "s/[0-9]+/N/g" /proc/$f; done; head -1 /proc/version | cut -d" " -f1,2; grep -c "^processor" /proc/cpuinfo >/dev/null && echo cpuinfo', normalize: shape },
  { id: 'meminfo-keys', script: 'cut -d: -f1 /proc/meminfo | tr "\\n" " "; echo; grep -E "^MemTotal:" /proc/meminfo', normalize: shape },
  { id: 'proc-stat-keys', script: 'cut -d" " -f1 /proc/stat | grep -v "^cpu[0-9]" | tr "\\n" " "; echo' },
  { id: 'filesystems', script: 'grep -E "nodev.(proc|tmpfs|devpts|sysfs)$" /proc/filesystems' },
  { id: 'sysctl', script: 'cat /proc/sys/kernel/ostype /proc/sys/kernel/ngroups_max /proc/sys/fs/nr_open; test "$(cat /proc/sys/kernel/osrelease)" = "$(uname -r)" && echo osrelease; test "$(cat /proc/sys/kernel/hostname)" = "$(uname -n)" && echo hostname; echo x > /proc/sys/kernel/ostype; echo $?' },
  { id: 'sysfs-cpu', script: 'cat /sys/devices/system/cpu/online /sys/devices/system/cpu/possible /sys/devices/system/cpu/present; stat -c "%s %a" /sys/devices/system/cpu/online; echo x > /sys/devices/system/cpu/online; echo $?', normalize: oneCpu },
  { id: 'dev-nodes', script: 'stat -c "%n %F %t:%T %a" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/console /dev/pts/ptmx; readlink /dev/ptmx; readlink /dev/fd; readlink /dev/stderr; ls /dev/pts' },
  { id: 'dev-io', script: 'echo to-null > /dev/null; head -c 4 /dev/zero | od -An -tx1; head -c 3 /dev/full | od -An -tx1; echo x > /dev/full; echo $?; head -c 16 /dev/urandom | wc -c; { echo via-stdout > /dev/stdout; echo via-fd > /dev/fd/1; } | cat' },
  { id: 'ps', script: 'sleep 3 & (sleep 0.3; exec ps -o pid,ppid,stat,comm,args); kill $!', normalize: pids },
  { id: 'top-once', script: '(sleep 0.3; exec top -b -n 1) | grep -E "^ *[0-9]+ " | sed -E "s/ +/ /g" | cut -d" " -f2,3,5,9- | sort', normalize: pids },
  { id: 'dev-shm', script: 'echo shared > /dev/shm/x && cat /dev/shm/x; stat -c %a /dev/shm' },
];

differentialSuites('devproc-shell', CASES.map((c) => ({
  id: `devproc-shell:${c.id}`,
  skipKeys: [`devproc-shell:${c.id}`],
  invocation: { argv: () => ['/bin/sh', '-c', c.script], input: '', env: BASE_ENV, pid1: true, timeoutMs: 60_000 },
  prepare: async () => installShell(),
  ...(c.normalize ? { normalize: c.normalize } : {}),
})));
