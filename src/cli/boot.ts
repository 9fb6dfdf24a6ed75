// How the CLI (bin/tsvisor) and the OCI runtime's detached children load tsvisor
// quickly. Loading dist/ module by module costs a Node start more than Node
// itself: about 230 files resolved (stat and package.json look-ups for each),
// read and compiled. Instead every module of dist/src, and commander's, is
// joined into one script (each module keeps its own function scope, file name
// and require) that V8 compiles from a code cache.
//
// Both are a cache kept under dist/.boot/ and rebuilt by whichever process
// finds them stale: the manifest lists each module's size and mtime, and one
// stat per module (no directory walks) tells whether tsc rewrote any of them
// since. A missing or rejected code cache (another Node, other V8 flags) is
// written again at exit, and once more after the first process that ran a
// sandbox, so that it holds the kernel's functions as well as the CLI's. When
// anything here fails (a read-only dist/, a module mid-write) the modules load
// the ordinary way; TSVISOR_NO_BOOT_CACHE=1 forces that.
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { builtinModules, createRequire } from 'module';

/** The repository (or installed package) root: dist/ and node_modules/ are under it. */
const ROOT = path.join(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');
const DIR = path.join(DIST, '.boot');
const MANIFEST = path.join(DIR, 'manifest.json');
/** Packages joined into the bundle with dist/src (pure JavaScript, loaded on every start). */
const PACKAGES = ['commander'];

interface Manifest {
  /** Content hash of the bundle: names its file and its code caches. */
  id: string;
  /** [path relative to ROOT, size, mtimeMs] of every module in the bundle. */
  files: [string, number, number][];
  /** Bare specifier -> module path (relative to ROOT). */
  aliases: Record<string, string>;
  /** Per module, its relative requires resolved (found in its text when the bundle was made). */
  deps: Record<string, Record<string, string>>;
}

type ModuleFn = (exports: unknown, require: NodeRequire, module: BootModule, filename: string, dirname: string) => void;
interface BootModule { exports: unknown; id: string; filename: string; loaded: boolean; paths: string[]; require: NodeRequire }

/** Loads `rel` (relative to ROOT, e.g. 'dist/src/cli/main.js') and returns its exports.
 *  `variant` names a separate code cache for processes that run different code from the same
 *  entry (a sandbox's `run` against a short `state` or `start`, which needs none of the kernel). */
export function boot(rel: string, variant = ''): unknown {
  if (process.env.TSVISOR_NO_BOOT_CACHE !== '1') {
    try {
      const r = fromBundle(rel, variant);
      if (r) return r.exports;
    } catch { /* any failure: the ordinary way below */ }
  }
  return require(path.join(ROOT, rel));
}

function fromBundle(rel: string, variant: string): { exports: unknown } | null {
  let m = readManifest();
  if (!m || !fresh(m)) m = build();
  if (!m) return null;
  const bundleFile = path.join(DIR, `bundle-${m.id}.js`);
  const source = fs.readFileSync(bundleFile, 'latin1');
  // One cache per entry point: V8 materialises every function a cache holds, and the sandbox
  // process would otherwise carry the command line's (commander's) code too.
  const key = cacheKey(rel, variant);
  const cacheFile = path.join(DIR, `cache-${m.id}-${key}.bin`);
  const fullMark = cacheFile + '.full';
  let cachedData: Buffer | undefined;
  try { cachedData = fs.readFileSync(cacheFile); } catch { /* none yet */ }
  const script = new vm.Script(source, { filename: bundleFile, cachedData });
  const hadCache = cachedData !== undefined && !script.cachedDataRejected;
  cachedData = undefined; // (its memory goes with the next GC)
  const table = script.runInThisContext() as Record<string, ModuleFn>;
  const loader = new BundleLoader(table, m.aliases, m.deps);
  const runEntry = 'dist/src/cli/run.js';
  if (!hadCache || !fs.existsSync(fullMark)) {
    // At exit the script has compiled what this process ran: keep that for the next start.
    // A sandbox process may never exit by itself (delete --force kills it): it keeps what
    // it compiled in its first seconds.
    let written = false;
    const write = () => {
      const full = loader.loaded(runEntry);
      if (written || (hadCache && !full)) return;
      written = true;
      try {
        writeAtomic(cacheFile, script.createCachedData());
        if (full) fs.writeFileSync(fullMark, '');
      } catch { /* read-only: compile from source next time too */ }
    };
    process.once('exit', write);
    setTimeout(write, 3000).unref();
  }
  return { exports: loader.load(rel) };
}

const BUILTINS = new Set(builtinModules);

/** A relative require of module `rel` as a bundle key, or null. */
function resolveIn(table: Record<string, unknown>, rel: string, spec: string): string | null {
  const p = path.posix.join(path.posix.dirname(rel), spec);
  for (const c of [p, p + '.js', p + '/index.js']) if (table[c]) return c;
  return null;
}

class BundleLoader {
  private readonly cache = new Map<string, BootModule>();
  constructor(
    private readonly table: Record<string, ModuleFn>,
    private readonly aliases: Record<string, string>,
    private readonly deps: Record<string, Record<string, string>>,
  ) {}

  loaded(rel: string): boolean { return this.cache.has(rel); }

  load(rel: string): unknown {
    const have = this.cache.get(rel);
    if (have) return have.exports;
    const fn = this.table[rel];
    if (!fn) throw new Error(`boot: ${rel} is not in the bundle`);
    // (String work only: path.join and createRequire per module cost milliseconds in all.)
    const filename = ROOT + '/' + rel;
    const dirname = filename.slice(0, filename.lastIndexOf('/'));
    const deps = this.deps[rel];
    let nodeRequire: NodeRequire | null = null;
    const outside = (): NodeRequire => (nodeRequire ??= createRequire(filename));
    const req = ((spec: string) => {
      const dep = deps?.[spec];
      if (dep !== undefined) return this.load(dep);
      if (BUILTINS.has(spec) || spec.startsWith('node:')) return require(spec);
      if (spec.startsWith('./') || spec.startsWith('../')) {
        const c = resolveIn(this.table, rel, spec);
        if (c !== null) return this.load(c);
      } else if (this.aliases[spec] !== undefined) {
        return this.load(this.aliases[spec]!);
      }
      return outside()(spec);
    }) as NodeRequire;
    Object.defineProperty(req, 'resolve', { get: () => outside().resolve });
    req.main = require.main;
    req.cache = require.cache;
    const mod: BootModule = { exports: {}, id: filename, filename, loaded: false, paths: [], require: req };
    this.cache.set(rel, mod);
    fn.call(mod.exports, mod.exports, req, mod, filename, dirname);
    mod.loaded = true;
    return mod.exports;
  }
}

function readManifest(): Manifest | null {
  try { return JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest; } catch { return null; }
}

function fresh(m: Manifest): boolean {
  for (const [rel, size, mtime] of m.files) {
    const st = fs.statSync(ROOT + '/' + rel, { throwIfNoEntry: false });
    if (!st || st.size !== size || st.mtimeMs !== mtime) return false;
  }
  return true;
}

/** V8 takes a code cache only from the same V8 with the same flags. */
function cacheKey(entry: string, variant: string): string {
  let h = 0x811c9dc5;
  for (const ch of [process.version, process.arch, ...process.execArgv].join('\0')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${path.posix.basename(entry, '.js')}${variant ? '-' + variant : ''}-${h.toString(16)}`;
}

function listJs(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules') listJs(p, out); } else if (e.name.endsWith('.js')) out.push(p);
  }
}

/** Joins the modules into a new bundle; null when a module changed while it was read. */
function build(): Manifest | null {
  // A dist/ this user cannot write: fail before reading every module.
  fs.mkdirSync(DIR, { recursive: true });
  fs.accessSync(DIR, fs.constants.W_OK);
  const abs: string[] = [];
  listJs(path.join(DIST, 'src'), abs);
  const aliases: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    const main = require.resolve(pkg);
    let pkgDir = path.dirname(main);
    while (!fs.existsSync(path.join(pkgDir, 'package.json'))) pkgDir = path.dirname(pkgDir);
    listJs(pkgDir, abs);
    aliases[pkg] = rel(main);
  }
  const files: Manifest['files'] = [];
  const texts: [string, string][] = [];
  const parts: string[] = ['(function () { return {\n'];
  for (const f of abs) {
    const before = fs.statSync(f);
    const text = fs.readFileSync(f, 'utf8');
    const after = fs.statSync(f);
    if (before.size !== after.size || before.mtimeMs !== after.mtimeMs || Buffer.byteLength(text) !== after.size) return null;
    files.push([rel(f), after.size, after.mtimeMs]);
    texts.push([rel(f), text]);
    // Every character outside ASCII as an escape (valid in strings, regexps, templates,
    // identifiers and comments alike), so that the bundle reads as latin1, the cheap way.
    const ascii = text.replace(/^#!.*/, '').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      // tsc's `import * as fs` copies every export of a Node built-in onto a new object of
      // getters (about 100 for fs), in each importing module; the module itself serves alike.
      .replace(/__importStar\(require\("([a-z_]+)"\)\)/g, (all, name: string) => (builtinModules.includes(name) ? `require("${name}")` : all));
    parts.push(`${JSON.stringify(rel(f))}: function (exports, require, module, __filename, __dirname) {${ascii}\n},\n`);
  }
  parts.push('}; })()\n');
  const source = parts.join('');
  const table: Record<string, true> = {};
  for (const [r] of files) table[r] = true;
  const deps: Manifest['deps'] = {};
  for (const [r, text] of texts) {
    const d: Record<string, string> = {};
    for (const mm of text.matchAll(/\brequire\((["'])(\.{1,2}\/[^"']*)\1\)/g)) {
      const c = resolveIn(table, r, mm[2]!);
      if (c !== null) d[mm[2]!] = c;
    }
    deps[r] = d;
  }
  const id = (require('crypto') as typeof import('crypto')).createHash('sha256').update(source).digest('hex').slice(0, 16);
  writeAtomic(path.join(DIR, `bundle-${id}.js`), source);
  const m: Manifest = { id, files, aliases, deps };
  writeAtomic(MANIFEST, JSON.stringify(m));
  // Older bundles and their caches go (a process still starting from one falls back).
  for (const e of fs.readdirSync(DIR)) if (/^(bundle|cache)-/.test(e) && !e.includes(id)) fs.rmSync(path.join(DIR, e), { force: true });
  return m;
}

function rel(abs: string): string { return path.relative(ROOT, abs).split(path.sep).join('/'); }

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

// `node boot.js MODE JSON`: the OCI runtime's detached children (oci_child.ts).
if (require.main === module) {
  (boot('dist/src/cli/oci_child.js') as { childMain: (argv: string[]) => Promise<number> }).childMain(process.argv)
    .then((status) => process.exit(status), () => process.exit(125));
}
