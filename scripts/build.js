'use strict';
// Builds the native addon with node-gyp against the headers of the running
// Node, without downloading anything when those headers are installed.
//   node scripts/build.js          release build -> build/Release/uvtls.node
//   node scripts/build.js --asan   AddressSanitizer build -> build/Debug/uvtls.node

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const asan = process.argv.includes('--asan');

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules',
              'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm',
              'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally; the bundled one is used
  }
  for (const c of candidates) {
    if (c && fs.existsSync(c)) return c;
  }
  throw new Error('uvtls: node-gyp not found (npm ships one; is npm installed?)');
}

// The prefix whose include/node holds the running Node's headers, if any.
function findNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) &&
      fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) {
    return prefix;
  }
  return null;
}

function run(args) {
  const gyp = findNodeGyp();
  const env = { ...process.env };
  // User-level npm configuration must not redirect the header lookup.
  delete env.npm_config_nodedir;
  delete env.npm_config_dist_url;
  const r = spawnSync(process.execPath, [gyp, ...args], {
    stdio: 'inherit',
    env,
    cwd: path.join(__dirname, '..'),
  });
  if (r.status !== 0) process.exit(r.status || 1);
}

const sharedOpenSSL = String(process.config.variables.node_shared_openssl) === 'true';
const common = [
  `-Duvtls_shared_openssl=${sharedOpenSSL}`,
  `-Duvtls_werror=${process.env.CI ? 'true' : 'false'}`,
];
const nodedir = findNodeDir();
if (nodedir) common.push(`--nodedir=${nodedir}`);

run(['configure', ...common]);
run(['build', '-j', '2', ...(asan ? ['--debug'] : [])]);
