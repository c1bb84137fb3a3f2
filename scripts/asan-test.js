'use strict';
// Runs the mocha suite against the AddressSanitizer build of the addon
// (build/Debug/uvtls.node, made by `node scripts/build.js --asan`). Node
// itself is not instrumented, so the ASan runtime is preloaded.

const { execFileSync, spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');

const root = path.join(__dirname, '..');
const runtime = execFileSync('gcc', ['-print-file-name=libasan.so']).toString().trim();
if (!fs.existsSync(runtime)) {
  console.error(`asan-test: the ASan runtime was not found (${runtime})`);
  process.exit(1);
}
if (!fs.existsSync(path.join(root, 'build', 'Debug', 'uvtls.node'))) {
  console.error('asan-test: build it first with `node scripts/build.js --asan`');
  process.exit(1);
}

const env = {
  ...process.env,
  UVTLS_BUILD: 'Debug',
  LD_PRELOAD: runtime,
  // Node's own allocations at exit are not the addon's leaks; the churn
  // test watches memory growth instead.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1',
};
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const args = [mocha, ...process.argv.slice(2)];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env, cwd: root });
process.exit(result.status === null ? 1 : result.status);
