// busybox applets that need no fork, natively and in the sandbox.
import { BASE_ENV } from './support/cases';
import { BUSYBOX, installBusybox } from './support/busybox';
import { differentialSuites } from './support/differential';
import type { At } from './support/root';

interface Applet {
  id: string;
  args: (at: At) => string[];
  input?: string;
  /** Sort stdout lines on both sides (find lists in directory order). */
  sorted?: true;
}

const LINES = 'pear\napple\nfig\napple\nbanana\nfig\nfig\n';
const F = (at: At, p: string): string => at(`/fixture/${p}`);

const APPLETS: Applet[] = [
  { id: 'echo', args: () => ['echo', 'hello', 'world'] },
  { id: 'echo-n', args: () => ['echo', '-n', 'no newline'] },
  { id: 'echo-e', args: () => ['echo', '-e', 'tab\\there\\nnext'] },
  { id: 'cat-file', args: (at) => ['cat', F(at, 'passwd'), F(at, 'dir/a')] },
  { id: 'cat-stdin', args: () => ['cat'], input: LINES },
  { id: 'cat-missing', args: (at) => ['cat', F(at, 'missing')] },
  { id: 'ls-l', args: (at) => ['ls', '-l', F(at, 'dir')] },
  { id: 'ls-la-sub', args: (at) => ['ls', '-la', F(at, 'dir/sub')] },
  { id: 'ls-1', args: (at) => ['ls', '-1', at('/fixture')] },
  { id: 'ls-ld', args: (at) => ['ls', '-ld', F(at, 'dir'), F(at, 'dir/link'), F(at, 'empty')] },
  { id: 'wc', args: (at) => ['wc', F(at, 'passwd'), F(at, 'big')] },
  { id: 'wc-stdin', args: () => ['wc', '-l', '-w', '-c'], input: LINES },
  { id: 'head', args: (at) => ['head', '-n', '3', F(at, 'passwd')] },
  { id: 'head-c', args: (at) => ['head', '-c', '25', F(at, 'passwd')] },
  { id: 'tail', args: (at) => ['tail', '-n', '2', F(at, 'passwd')] },
  { id: 'tail-c', args: (at) => ['tail', '-c', '30', F(at, 'passwd')] },
  { id: 'tail-stdin', args: () => ['tail', '-n', '3'], input: LINES },
  { id: 'sort', args: () => ['sort'], input: LINES },
  { id: 'sort-numeric-key', args: (at) => ['sort', '-t:', '-k3,3n', F(at, 'passwd')] },
  { id: 'sort-r-u', args: () => ['sort', '-r', '-u'], input: LINES },
  { id: 'uniq-c', args: () => ['uniq', '-c'], input: 'a\na\nb\nc\nc\nc\na\n' },
  { id: 'cut', args: (at) => ['cut', '-d:', '-f1,3', F(at, 'passwd')] },
  { id: 'cut-c', args: () => ['cut', '-c', '2-4'], input: LINES },
  { id: 'tr', args: () => ['tr', 'a-z', 'A-Z'], input: LINES },
  { id: 'tr-d', args: () => ['tr', '-d', 'aeiou'], input: LINES },
  { id: 'uname-sm', args: () => ['uname', '-s', '-m'] },
  { id: 'uname-a', args: () => ['uname', '-a'] },
  { id: 'printf', args: () => ['printf', '%s=%d %x %05.1f|%-4s|\\n', 'a', '42', '255', '3.14159', 'z'] },
  { id: 'stat', args: (at) => ['stat', '-c', '%n %s %a %F %h %U:%G', F(at, 'passwd'), F(at, 'dir'), F(at, 'dir/link'), F(at, 'dir/hard')] },
  { id: 'stat-L', args: (at) => ['stat', '-L', '-c', '%n %s %F', F(at, 'dir/link')] },
  { id: 'find', args: (at) => ['find', F(at, 'dir')], sorted: true },
  { id: 'find-type-f', args: (at) => ['find', at('/fixture'), '-type', 'f'], sorted: true },
  { id: 'find-name', args: (at) => ['find', at('/fixture'), '-name', '[ab]*'], sorted: true },
  { id: 'md5sum', args: (at) => ['md5sum', F(at, 'passwd'), F(at, 'big'), F(at, 'empty')] },
  { id: 'md5sum-stdin', args: () => ['md5sum'], input: LINES },
  { id: 'sha256sum', args: (at) => ['sha256sum', F(at, 'passwd'), F(at, 'big')] },
  { id: 'true', args: () => ['true'] },
  { id: 'false', args: () => ['false'] },
];

const sortLines = (s: string): string => s.split('\n').filter(Boolean).sort().join('\n');

differentialSuites('busybox', APPLETS.map((a) => ({
  id: `busybox:${a.id}`,
  skipKeys: [`busybox:${a.id}`],
  invocation: {
    argv: (at: At) => [at(BUSYBOX), ...a.args(at)],
    input: a.input ?? '',
    env: BASE_ENV,
  },
  prepare: async () => installBusybox(),
  ...(a.sorted ? { normalize: sortLines } : {}),
})));
