#!/usr/bin/env python3
# What containerd's runc shim does around `create`, for the lifecycle tests: it is a
# child subreaper, runs the command (create or exec --detach) with the given files as
# fds 0-2, then reaps every process that gets re-parented to it (the sandbox, exec
# proxies) and records each one's exit status.
#   shim.py STDIN STDOUT STDERR OUTDIR -- COMMAND...
# OUTDIR/command.status: the command's exit status; OUTDIR/reaped: "pid status" lines
# (status as the shim reports it: the exit code, or 128+signal), written as reaped.
import ctypes, os, sys

PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit('prctl(PR_SET_CHILD_SUBREAPER) failed')
stdin, stdout, stderr, outdir = sys.argv[1:5]
cmd = sys.argv[sys.argv.index('--') + 1:]

def code(status):
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)

pid = os.fork()
if pid == 0:
    fds = [os.open(stdin, os.O_RDONLY), os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
           os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)]
    for i, f in enumerate(fds):
        os.dup2(f, i)
    os.execvp(cmd[0], cmd)
_, st = os.waitpid(pid, 0)
with open(os.path.join(outdir, 'command.status'), 'w') as f:
    f.write(str(code(st)))
while True:
    try:
        p, st = os.waitpid(-1, 0)
    except ChildProcessError:
        break
    with open(os.path.join(outdir, 'reaped'), 'a') as f:
        f.write(f'{p} {code(st)}\n')
with open(os.path.join(outdir, 'done'), 'w') as f:
    f.write('1')
