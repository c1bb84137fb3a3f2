#!/usr/bin/env node
'use strict';
// Builds and runs the C tests of the session layer (test/native/) as plain
// C, without Node: the unit tests under AddressSanitizer and
// UndefinedBehaviorSanitizer, then a libFuzzer target per side for a fixed
// number of inputs from the seed corpus (test/native/corpus/).
//
//   node scripts/native-test.js [--runs N] [--time SEC] [--only tests|fuzz]
//
// --runs N    inputs per fuzz target (default 4000)
// --time SEC  fuzz each target for SEC seconds instead (a longer run)
// Needs a C compiler, clang with libFuzzer, and OpenSSL's headers and
// libraries (Debian: clang libssl-dev). Exit code 0 when everything passed;
// 3 when a tool is missing (the message says which).

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const native = path.join(root, 'test', 'native');
const out = path.join(root, 'build', 'native');
const SOURCES = ['session', 'session_callbacks', 'session_config', 'session_info', 'bio']
  .map((name) => `src/core/${name}.c`).concat('test/native/harness.c');
const SANITIZE = ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined',
  '-fno-omit-frame-pointer'];
const FLAGS = ['-g', '-O1', '-Wall', '-Wextra', '-Werror', '-Isrc'];
const LIBS = ['-lssl', '-lcrypto'];

function parseArgs(argv) {
  const o = { runs: 4000, time: 0, only: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') o.runs = Number(argv[++i]);
    else if (argv[i] === '--time') o.time = Number(argv[++i]);
    else if (argv[i] === '--only') o.only = argv[++i];
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!(o.runs > 0) || !(o.time >= 0)) throw new Error('--runs and --time take positive numbers');
  return o;
}

// The binaries bring their own sanitizer runtimes: one preloaded for the
// addon's AddressSanitizer run (npm run test:asan) must not reach them.
const childEnv = { ...process.env };
delete childEnv.LD_PRELOAD;
delete childEnv.ASAN_OPTIONS;
delete childEnv.LSAN_OPTIONS;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: childEnv, ...opts });
  if (r.error && r.error.code === 'ENOENT') return { missing: true };
  return { status: r.status, signal: r.signal };
}

function missing(what) {
  console.error(`native tests: ${what}`);
  process.exit(3);
}

function compile(cc, output, sources, extra) {
  const r = run(cc, [...FLAGS, ...extra, ...sources, ...LIBS, '-o', output]);
  if (r.missing) missing(`${cc} not found`);
  if (r.status !== 0) {
    // Tell a missing OpenSSL apart from a broken build.
    const probe = spawnSync(cc, ['-E', '-x', 'c', '-'], { input: '#include <openssl/ssl.h>\n' });
    if (probe.status !== 0) missing('OpenSSL headers not found (Debian: apt-get install libssl-dev)');
    console.error(`native tests: building ${path.basename(output)} failed`);
    process.exit(1);
  }
}

function unitTests() {
  let ok = true;
  for (const name of ['session_test', 'hooks_test']) {
    const bin = path.join(out, name);
    compile(process.env.CC || 'cc', bin, [`test/native/${name}.c`, ...SOURCES], SANITIZE);
    ok = run(bin, []).status === 0 && ok;
  }
  return ok;
}

function fuzz(side, o) {
  const bin = path.join(out, `fuzz_${side}`);
  compile('clang', bin, ['test/native/fuzz_session.c', ...SOURCES],
    ['-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined',
      `-DFUZZ_SERVER=${side === 'server' ? 1 : 0}`]);
  // A scratch copy of the seeds: what the fuzzer adds stays out of the repo.
  const corpus = path.join(out, `corpus-${side}`);
  fs.rmSync(corpus, { recursive: true, force: true });
  fs.cpSync(path.join(native, 'corpus', side), corpus, { recursive: true });
  const limit = o.time > 0 ? [`-max_total_time=${o.time}`] : [`-runs=${o.runs}`, '-max_total_time=300'];
  const artifacts = path.join(out, `crash-${side}-`);
  console.log(`fuzz ${side}: ${o.time > 0 ? `${o.time} s` : `${o.runs} inputs`}`);
  const log = path.join(out, `fuzz-${side}.log`);
  const fd = fs.openSync(log, 'w');
  const r = run(bin, [...limit, '-print_final_stats=1', `-artifact_prefix=${artifacts}`, corpus],
    { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const lines = fs.readFileSync(log, 'utf8').trimEnd().split('\n');
  if (r.status !== 0) {
    console.error(lines.slice(-40).join('\n'));
    console.error(`fuzz ${side} FAILED (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}); log: ${log}`);
    return false;
  }
  console.log(`  ${lines.filter((l) => /DONE|number_of_executed_units/.test(l)).join('\n  ')}`);
  return true;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(out, { recursive: true });
  let ok = true;
  if (o.only !== 'fuzz') ok = unitTests() && ok;
  if (o.only !== 'tests') {
    for (const side of ['client', 'server']) ok = fuzz(side, o) && ok;
  }
  console.log(ok ? 'native tests passed' : 'native tests FAILED');
  process.exit(ok ? 0 : 1);
}

main();
