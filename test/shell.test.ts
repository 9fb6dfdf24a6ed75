// busybox sh command lines, natively (pid 1 in a new pid namespace,
// chrooted into the test root) and in the sandbox: stdout, stderr and exit
// status must be equal. They exercise fork, exec, wait, pipes, signals and
// job control as a shell uses them. The root has busybox as /bin/sh with a
// link for every applet (test/support/busybox.ts) and the /exec scripts
// (test/support/exec_scripts.ts).
import { BASE_ENV } from './support/cases';
import { installShell } from './support/busybox';
import { differentialSuites } from './support/differential';

interface ShellCase {
  id: string;
  script: string;
  input?: string;
  /** Sort stdout lines on both sides (background jobs finish in any order). */
  sorted?: true;
}

const CASES: ShellCase[] = [
  { id: 'pipeline-grep-wc', script: 'seq 1 100 | grep 7 | wc -l' },
  { id: 'pipeline-5-stages', script: 'seq 1 60 | grep 1 | sed s/1/one/g | tr a-z A-Z | sort -r' },
  { id: 'for-sort', script: 'for i in 1 2 3; do echo $i; done | sort -r' },
  { id: 'command-substitution', script: 'echo $(echo a $(echo b)) "$(printf "%s-" x y)"' },
  { id: 'count-lines', script: 'x=$(seq 1 1000 | wc -l); echo "lines: $x"' },
  { id: 'subshell-cd', script: '(cd /tmp && pwd); pwd; (cd /exec; pwd; cd ..; pwd)' },
  { id: 'exit-status', script: "sh -c 'exit 42'" },
  { id: 'exit-status-echo', script: "sh -c 'exit 42'; echo $?; (exit 300); echo $?" },
  { id: 'killed-by-sigkill', script: "sh -c 'kill -9 $$'; echo $?" },
  { id: 'killed-by-sigterm', script: "sh -c 'kill -TERM $$'; echo $?; sh -c 'kill -INT $$'; echo $?" },
  { id: 'or-fallback', script: 'false || echo fallback; true && echo and; ! true; echo $?' },
  { id: 'set-e', script: 'set -e; echo one; false; echo never' },
  { id: 'set-e-exceptions', script: 'set -e; if false; then :; fi; false || true; ! false; x=$(false) || echo subst-failed; echo survived' },
  { id: 'pipefail', script: 'false | true; echo $?; set -o pipefail; false | true; echo $?' },
  { id: 'here-document', script: 'n=2\ncat <<EOF\nline one\nsum $((n + 1))\n$(echo substituted)\nEOF\ncat <<\'Q\'\nnot $expanded\nQ' },
  { id: 'read-from-pipe', script: 'echo "a b c" | { read x y z; echo "$z $y $x"; }' },
  { id: 'while-read', script: 'seq 1 5 | while read n; do echo $((n * n)); done' },
  { id: 'read-stdin', script: 'while read line; do echo "got: $line"; done; echo end', input: 'first\nsecond\nthird\n' },
  { id: 'exec-fd', script: 'exec 3>&1; echo hi >&3; exec 3>&-; echo closed; echo to-closed >&3; echo status $?' },
  { id: 'redirect-stderr', script: 'ls /nonexistent 2>&1 | wc -l; ls /nonexistent 2>/dev/null; echo $?' },
  { id: 'yes-head', script: 'yes | head -n 3; yes abc | head -c 7; echo' },
  { id: 'proc-self', script: 'ls /proc/self/ >/dev/null && echo ok; test -e /proc/self/exe && echo exe' },
  { id: 'test-dir', script: 'test -d /tmp && echo dir; [ -f /tmp ] || echo notfile; [ -x /bin/sh ] && echo exec' },
  { id: 'background-wait', script: 'sleep 0.2 & sleep 0.1 & wait; echo done; (exit 3) & wait $!; echo $?' },
  { id: 'wait-multiple', script: '(sleep 0.1; exit 3) & a=$!; (exit 5) & b=$!; (sleep 0.05; exit 7) & c=$!; wait $a; echo $?; wait $b; echo $?; wait $c; echo $?' },
  { id: 'background-output', script: 'for i in 1 2 3 4 5; do (echo job $i) & done; wait', sorted: true },
  // wait's own stderr is dropped: whether the shell prints "Killed" depends
  // on whether it reaps the job in its SIGCHLD handler or in wait (a race
  // natively; on one CPU the child is gone before kill returns).
  { id: 'kill-background-sleep', script: 'sleep 10 & kill $!; wait $! 2>/dev/null; echo $?' },
  { id: 'kill-background-signals', script: 'sleep 10 & p=$!; kill -USR1 $p; wait $p 2>/dev/null; echo $?; sleep 10 & kill -9 $!; wait $! 2>/dev/null; echo $?' },
  { id: 'trap-usr1', script: "trap 'echo got' USR1; kill -USR1 $$; echo after" },
  { id: 'trap-exit', script: "trap 'echo exiting' EXIT; echo body; exit 4" },
  { id: 'trap-from-child', script: "trap 'echo got usr2' USR2; sh -c 'kill -USR2 $PPID'; sleep 0.1; echo after" },
  { id: 'trap-ignore', script: "trap '' TERM; kill -TERM $$; echo survived; trap - TERM; sh -c 'trap \"\" INT; kill -INT $$; echo child survived'" },
  { id: 'pid-1', script: 'echo $$; sh -c \'echo $PPID\'' },
  { id: 'kill-0', script: 'kill -0 $$ && echo alive; kill -0 99999; echo $?' },
  { id: 'functions', script: 'f() { echo "args $#: $*"; return 7; }; f a b; echo $?; g() { local v=in; echo $v; }; v=out; g; echo $v' },
  { id: 'xargs', script: 'seq 1 7 | xargs -n 3 echo' },
  { id: 'script-file', script: '/exec/hello.sh x "y z"; echo $?; sh /exec/hello.sh w; echo $?' },
  { id: 'command-not-found', script: 'nosuchcommand; echo $?; /exec/noexec.sh; echo $?' },
  { id: 'nested-shells', script: 'sh -c \'sh -c "sh -c \\"echo deep; exit 9\\""\'; echo $?' },
  { id: 'env-passing', script: 'X=1 sh -c \'echo $X\'; export Y=2; sh -c \'echo $Y\'; env -i A=1 B=2 env' },
  { id: 'umask', script: 'umask 027; umask; (umask 077; umask); umask' },
  { id: 'timeout-applet', script: 'timeout 1 sleep 5; echo $?' },
  { id: 'arithmetic-loop', script: 'i=0; s=0; while [ $i -lt 200 ]; do s=$((s + i)); i=$((i + 1)); done; echo $s' },
  { id: 'many-forks', script: 'for i in $(seq 1 50); do /bin/true; done; echo $(for i in $(seq 1 20); do echo $i; done | wc -l)' },
];

const sortLines = (s: string): string => s.split('\n').filter(Boolean).sort().join('\n');

differentialSuites('shell', CASES.map((c) => ({
  id: `shell:${c.id}`,
  skipKeys: [`shell:${c.id}`],
  invocation: {
    argv: () => ['/bin/sh', '-c', c.script],
    input: c.input ?? '',
    env: BASE_ENV,
    pid1: true,
    timeoutMs: 60_000,
  },
  prepare: async () => installShell(),
  ...(c.sorted ? { normalize: sortLines } : {}),
})));
