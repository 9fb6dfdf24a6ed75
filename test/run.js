#!/usr/bin/env node
// The test runner behind `npm test` (after `tsc -p .`).
//
//   node test/run.js [PATTERN]
//
// Runs every dist/test/**/*.test.js (whose path contains PATTERN, if
// given), each in its own Node process so that one crashing file cannot
// take the others down, and prints per-suite counts, per-platform counts
// (suites named "TITLE [PLATFORM]"), and as its very last line:
//
//   N passed, N failed, N skipped
//
// counting test cases. Exits 1 when anything failed.
//
// A child loads uvu the way `uvu/run` does (UVU_DEFER, one queue per file)
// but calls the suite runners itself, so it gets exact counts per suite
// (uvu 0.5's runner returns [errors|true, passed, skipped, total]). It
// sends them to the parent as JSON on fd 3.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const DIST_TEST = path.join(REPO, 'dist', 'test');
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS || 30 * 60 * 1000);

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

// ---- child: run one test file ------------------------------------------

async function child(file) {
  const report = (suites) => fs.writeSync(3, JSON.stringify(suites) + '\n');
  globalThis.UVU_DEFER = 1;
  globalThis.UVU_QUEUE = [[path.relative(REPO, file)]];
  globalThis.UVU_INDEX = 0;
  const uvu = require('uvu');

  // Learn each suite's name in the order its run() queues it.
  const names = [];
  const track = (t, name) => {
    const run = t.run;
    t.run = () => { names.push(name); run(); };
    return t;
  };
  const suite = uvu.suite;
  uvu.suite = (name = '', state) => track(suite(name, state), name);
  track(uvu.test, '');

  try {
    require(file);
  } catch (err) {
    console.error(`\n  FAIL loading ${path.relative(REPO, file)}:\n${err && err.stack || err}`);
    report([{ name: '(loading the file)', passed: 0, failed: 1, skipped: 0 }]);
    return;
  }
  const [, ...runners] = globalThis.UVU_QUEUE[0];
  const results = [];
  for (let i = 0; i < runners.length; i++) {
    const [errors, passed, skipped, total] = await runners[i]();
    if (errors !== true) process.stdout.write('\n' + errors + '\n');
    results.push({ name: names[i] ?? '', passed, failed: total - passed, skipped });
  }
  report(results);
}

// ---- parent: run every file and sum up ---------------------------------

function runFile(file) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [__filename, '--child', file], {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
      cwd: REPO,
    });
    let json = '';
    proc.stdio[3].on('data', (d) => { json += d; });
    const timer = setTimeout(() => {
      console.error(`\n  FAIL ${path.relative(REPO, file)}: still running after ${FILE_TIMEOUT_MS} ms, killed`);
      proc.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(json));
      } catch {
        const how = signal ? `killed by ${signal}` : `exit code ${code}`;
        console.error(`\n  FAIL ${path.relative(REPO, file)}: the test process died (${how}) before reporting`);
        resolve([{ name: '(test process died)', passed: 0, failed: 1, skipped: 0 }]);
      }
    });
  });
}

function counts(c) {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

function add(into, r) {
  into.passed += r.passed;
  into.failed += r.failed;
  into.skipped += r.skipped;
}

async function parent(pattern) {
  const files = findTests(DIST_TEST).filter((f) => !pattern || path.relative(REPO, f).includes(pattern));
  const total = { passed: 0, failed: 0, skipped: 0 };
  const perPlatform = new Map();
  const rows = [];
  if (files.length === 0) {
    console.error(`no test files under ${path.relative(REPO, DIST_TEST)}${pattern ? ` matching "${pattern}"` : ''} (run tsc -p . first)`);
    total.failed = 1;
  }
  for (const file of files) {
    const rel = path.relative(DIST_TEST, file).replace(/\.js$/, '.ts');
    console.log(`\n=== ${rel}`);
    for (const r of await runFile(file)) {
      rows.push(`  ${rel}${r.name ? ` > ${r.name}` : ''}: ${counts(r)}`);
      add(total, r);
      const m = /\[([\w-]+)\]\s*$/.exec(r.name);
      if (m) {
        if (!perPlatform.has(m[1])) perPlatform.set(m[1], { passed: 0, failed: 0, skipped: 0 });
        add(perPlatform.get(m[1]), r);
      }
    }
  }
  console.log('\nSuites:');
  for (const row of rows) console.log(row);
  for (const [name, c] of perPlatform) console.log(`platform ${name}: ${counts(c)}`);
  console.log(counts(total));
  process.exitCode = total.failed > 0 ? 1 : 0;
}

if (process.argv[2] === '--child') {
  child(path.resolve(process.argv[3])).catch((err) => {
    console.error(err && err.stack || err);
    process.exitCode = 1;
  });
} else {
  parent(process.argv[2]);
}
