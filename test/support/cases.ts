// How each test program is run: arguments, stdin, environment and the exit
// status it must have natively. The default is one argument, the fixture
// directory, an empty stdin, a small fixed environment, and status 0.
// Natively every program runs as pid 1 chrooted into the root (pid1.ts),
// the reference DESIGN.md names, so argv[0] and paths are guest paths.
import type { Binary } from './build';
import { FIXTURE } from './fixture';
import type { At, Invocation } from './root';

export interface ProgramCase {
  /** Arguments after argv[0]; paths inside the root go through `at`. */
  args: (at: At) => string[];
  input: string;
  env: Record<string, string>;
  status: number;
}

export const BASE_ENV: Record<string, string> = { PATH: '/bin:/usr/bin', LC_ALL: 'C', TZ: 'UTC', HOME: '/' };

const SPECIAL: Record<string, Partial<ProgramCase>> = {
  args: {
    args: () => ['first', 'with space', '', 'ünïcode ✓', '--flag=x', '-'],
    env: { ...BASE_ENV, EMPTY: '', WITH_EQUALS: 'a=b=c', SPACES: ' x y ' },
  },
  exit42: { status: 42 },
  fault_segv: { status: 128 + 11 },
  fault_ill: { status: 128 + 4 },
  fault_fpe: { status: 128 + 8 },
  fault_trap: { status: 128 + 5 },
  thread_fault: { status: 128 + 11 },
  exit_group_threads: { status: 3 },
};

export function programCase(name: string): ProgramCase {
  return { args: (at) => [at(FIXTURE)], input: '', env: BASE_ENV, status: 0, ...SPECIAL[name] };
}

/** How to run a built program. */
export function programInvocation(bin: Binary): Invocation {
  const c = programCase(bin.name);
  return { argv: (at) => [at(bin.guest), ...c.args(at)], input: c.input, env: c.env, pid1: true };
}
