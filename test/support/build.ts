// Compiles test/programs/*.c into test/.build/{glibc,musl,pie}/NAME:
// gcc -static, musl-gcc -static (when installed), and gcc -static-pie for
// a few programs. Programs in a subdirectory (test/programs/GROUP/NAME.c)
// are not in plan(): planGroup(GROUP) builds them as /VARIANT/GROUP/NAME,
// for suites of their own (test/limits.test.ts). Cached by mtime: a binary is rebuilt when it is older
// than its source, any header, or build.ts (so a flag change rebuilds).
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROGRAMS_DIR, REPO, ROOT } from './paths';

export type Variant = 'glibc' | 'musl' | 'pie';

export interface Binary {
  name: string;
  variant: Variant;
  /** Path inside the sandbox root, e.g. /glibc/hello. */
  guest: string;
  host: string;
}

/** Programs that are also built as static PIE. */
const STATIC_PIE = new Set(['hello', 'args', 'tls', 'mmap', 'fp', 'fault_segv']);

const COMMON = ['-O1', '-Wall', '-Wextra', '-I', PROGRAMS_DIR];
const COMPILERS: Record<Variant, { cc: string; flags: string[] }> = {
  glibc: { cc: 'gcc', flags: ['-static', ...COMMON] },
  musl: { cc: 'musl-gcc', flags: ['-static', ...COMMON] },
  pie: { cc: 'gcc', flags: ['-static-pie', '-fPIE', ...COMMON] },
};

function hasCompiler(cc: string): boolean {
  try {
    execFileSync(cc, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Names of the programs (test/programs/NAME.c), sorted. */
export function programNames(): string[] {
  return fs.readdirSync(PROGRAMS_DIR)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
}

let planned: { binaries: Binary[]; notes: string[] } | undefined;

/** The variants this machine can build, and notes on the others. */
function buildableVariants(): { variants: Variant[]; notes: string[] } {
  const notes: string[] = [];
  const variants = (Object.keys(COMPILERS) as Variant[]).filter((v) => {
    const ok = hasCompiler(COMPILERS[v].cc);
    if (!ok) notes.push(`${COMPILERS[v].cc} not found: no ${v} builds (install it to test them)`);
    return ok;
  });
  return { variants, notes };
}

/** The glibc and musl builds of test/programs/GROUP/*.c (no PIE), and notes on what cannot be built. */
export function planGroup(group: string): { binaries: Binary[]; notes: string[] } {
  const { variants, notes } = buildableVariants();
  const dir = path.join(PROGRAMS_DIR, group);
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
  const binaries: Binary[] = [];
  for (const base of names) {
    for (const variant of variants) {
      if (variant === 'pie') continue;
      const name = `${group}/${base}`;
      binaries.push({ name, variant, guest: `/${variant}/${name}`, host: path.join(ROOT, variant, name) });
    }
  }
  return { binaries, notes };
}

/** Every binary this machine can build, and notes on what it cannot. */
export function plan(): { binaries: Binary[]; notes: string[] } {
  if (planned) return planned;
  const { variants, notes } = buildableVariants();
  const binaries: Binary[] = [];
  for (const name of programNames()) {
    for (const variant of variants) {
      if (variant === 'pie' && !STATIC_PIE.has(name)) continue;
      const guest = `/${variant}/${name}`;
      binaries.push({ name, variant, guest, host: path.join(ROOT, variant, name) });
    }
  }
  planned = { binaries, notes };
  return planned;
}

function newestInput(src: string): number {
  const headers = fs.readdirSync(PROGRAMS_DIR).filter((f) => f.endsWith('.h'));
  const self = path.join(REPO, 'test', 'support', 'build.ts'); // not dist/: tsc rewrites that each run
  const inputs = [src, self, ...headers.map((h) => path.join(PROGRAMS_DIR, h))];
  return Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
}

function upToDate(bin: Binary, src: string): boolean {
  try {
    return fs.statSync(bin.host).mtimeMs >= newestInput(src);
  } catch {
    return false;
  }
}

/** Compile one binary; resolves to null or the compiler's complaint. */
function compile(bin: Binary): Promise<string | null> {
  const src = path.join(PROGRAMS_DIR, `${bin.name}.c`);
  if (upToDate(bin, src)) return Promise.resolve(null);
  fs.mkdirSync(path.dirname(bin.host), { recursive: true });
  const tmp = `${bin.host}.tmp${process.pid}`;
  const { cc, flags } = COMPILERS[bin.variant];
  const args = [...flags, '-o', tmp, src, '-lm'];
  return new Promise((resolve) => {
    execFile(cc, args, (err, _stdout, stderr) => {
      if (err) {
        fs.rmSync(tmp, { force: true });
        resolve(`${cc} ${args.join(' ')} failed:\n${stderr}`);
      } else {
        fs.renameSync(tmp, bin.host); // atomic: a concurrent reader never sees half a binary
        resolve(null);
      }
    });
  });
}

let built: Promise<Map<string, string | null>> | undefined;

/** Build everything in plan() once per process, a few compilers at a time. */
function buildAll(): Promise<Map<string, string | null>> {
  built ??= (async () => {
    const results = new Map<string, string | null>();
    const queue = [...plan().binaries];
    const worker = async (): Promise<void> => {
      for (let bin = queue.shift(); bin; bin = queue.shift()) {
        results.set(bin.host, await compile(bin));
      }
    };
    await Promise.all(Array.from({ length: Math.max(2, os.cpus().length) }, worker));
    return results;
  })();
  return built;
}

const extra = new Map<string, Promise<string | null>>();

/** Resolves when `bin` is built; throws the compiler's output if it failed. */
export async function ensureBuilt(bin: Binary): Promise<void> {
  let error: string | null | undefined;
  if (plan().binaries.some((b) => b.host === bin.host)) error = (await buildAll()).get(bin.host);
  else {
    // A planGroup() binary: built on its own, once per process.
    if (!extra.has(bin.host)) extra.set(bin.host, compile(bin));
    error = await extra.get(bin.host);
  }
  if (error) throw new Error(error);
  if (error === undefined) throw new Error(`${bin.guest} is not in the build plan`);
}
