// Files in the test root that exec tests run: #! scripts, an interpreter
// with an argument, and files execve must refuse. They live in /exec (not
// in /fixture, whose listings other tests print). The sandbox's root is
// read-only, so a program cannot write its own scripts: they are made here.
import * as fs from 'fs';
import * as path from 'path';
import { MTIME } from './fixture';
import { hostPath } from './paths';

export const EXEC_DIR = '/exec';

const FILES: { name: string; mode: number; content: string }[] = [
  // argv: /bin/sh /exec/hello.sh ARGS...
  { name: 'hello.sh', mode: 0o755, content: '#!/bin/sh\necho "script: $0 argc=$# args=$*"\nexit 3\n' },
  // An interpreter with one argument: /bin/busybox echo /exec/interp_arg ARGS...
  { name: 'interp_arg', mode: 0o755, content: '#!/bin/busybox echo\nnot read by echo\n' },
  // Spaces after #! and a trailing blank are allowed.
  { name: 'spaces', mode: 0o755, content: '#!  /bin/sh  \necho "spaces: $0 $*"\n' },
  // The interpreter is itself a script (Linux follows up to 4 levels).
  { name: 'nested', mode: 0o755, content: '#!/exec/hello.sh\n' },
  // execve: ENOEXEC (executable, but neither ELF nor #!).
  { name: 'text', mode: 0o755, content: 'just text, no interpreter\n' },
  // execve: EACCES (not executable).
  { name: 'noexec.sh', mode: 0o644, content: '#!/bin/sh\necho never\n' },
  // execve: ENOENT (the interpreter is missing).
  { name: 'bad_interp', mode: 0o755, content: '#!/nonexistent/interpreter\n' },
  // Prints its environment and exits with its first argument.
  { name: 'env.sh', mode: 0o755, content: '#!/bin/sh\nenv | sort\nexit "${1:-0}"\n' },
];

let made = false;

/** Writes /exec into the test root (once per process). */
export function installExecScripts(): void {
  if (made) return;
  const dir = hostPath(EXEC_DIR);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of FILES) {
    const p = path.join(dir, f.name);
    fs.writeFileSync(p, f.content);
    fs.chmodSync(p, f.mode);
    fs.utimesSync(p, MTIME, MTIME);
  }
  fs.chmodSync(dir, 0o755);
  fs.utimesSync(dir, MTIME, MTIME);
  made = true;
}
