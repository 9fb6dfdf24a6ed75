// The file-system script corpus (test/fs/scripts/*.sh): busybox sh scripts
// that create, write, rename, link, chmod and delete files, use /tmp, /dev/shm,
// here-documents, redirections, FIFOs, /dev/null, /dev/zero, /dev/full and
// /proc/self. Each runs natively (pid 1, chrooted, in a Linux overlayfs over
// the test root: native_overlay.ts) and in the sandbox (tsvisor's default
// overlay); stdout, stderr and exit status must be equal.
import * as fs from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import { BASE_ENV } from '../support/cases';
import { compareResults, mismatch } from '../support/compare';
import { makeFixture } from '../support/fixture';
import { platformSkippedLine, platforms } from '../support/platforms';
import { hostPath, REPO, ROOT } from '../support/paths';
import { runSandbox } from '../support/run';
import { skipEntry, skipLine } from '../support/skiplist';
import { nativeInOverlay } from './native_overlay';

const SRC = path.join(REPO, 'test', 'fs', 'scripts');
const GUEST_DIR = '/fs-scripts';

/** Copies the scripts into the root (once per process). */
let installed = false;
function install(): void {
  if (installed) return;
  const dst = hostPath(GUEST_DIR);
  fs.rmSync(dst, { recursive: true, force: true });
  fs.mkdirSync(dst, { recursive: true });
  for (const f of fs.readdirSync(SRC)) fs.copyFileSync(path.join(SRC, f), path.join(dst, f));
  installed = true;
}

const names = fs.readdirSync(SRC).filter((f) => f.endsWith('.sh')).map((f) => f.slice(0, -3)).sort();

for (const p of platforms()) {
  const s = suite(`fs scripts [${p.name}]`);
  if (!p.available) console.log(platformSkippedLine(p, 'fs scripts', names.length));
  for (const name of names) {
    const id = `fs:${name}`;
    const entry = skipEntry(id);
    if (!p.available) s.skip(id); // reason: the platform is unavailable, printed above
    else if (entry) {
      console.log(skipLine(`${id} on ${p.name}`, entry));
      s.skip(id); // reason: skiplist.json, printed on the line above
    } else {
      s(id, () => {
        makeFixture();
        install();
        const argv = ['/bin/sh', `${GUEST_DIR}/${name}.sh`];
        const native = nativeInOverlay(argv, BASE_ENV);
        const sandbox = runSandbox(p.name, argv, { env: BASE_ENV, root: ROOT, timeoutMs: 60_000 });
        const diff = compareResults(native, sandbox);
        if (diff) throw mismatch(diff);
      });
    }
  }
  s.run();
}
