'use strict';
// Builds the native addon with node-gyp against the headers of the running
// Node, without downloading anything when those headers are installed.
//   node scripts/build.js            release build -> build/Release/uvtls.node
//   node scripts/build.js --asan     AddressSanitizer build -> build/Debug/uvtls.node
//   node scripts/build.js --install  npm's install step: a package made by
//                                    `npm pack` uses its prebuilt binary when
//                                    that loads here, and builds otherwise; a
//                                    git checkout always builds
// `npm install --build-from-source` builds even where a prebuilt binary loads.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

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
    // not installed locally; the one npm ships is used
  }
  // The npm first on PATH, when it is not the running Node's own (a Node
  // unpacked from a tarball or npm package has none beside it).
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      const npm = fs.realpathSync(path.join(dir, 'npm'));
      candidates.push(path.join(path.dirname(npm), '..', 'node_modules',
                                'node-gyp', 'bin', 'node-gyp.js'));
      break;
    } catch {
      // no npm in this directory
    }
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

// Runs node-gyp in `cwd`; returns its exit status.
function nodeGyp(args, { cwd = root, env = process.env } = {}) {
  const gyp = findNodeGyp();
  const childEnv = { ...env };
  // User-level npm configuration must not redirect the header lookup.
  delete childEnv.npm_config_nodedir;
  delete childEnv.npm_config_dist_url;
  const r = spawnSync(process.execPath, [gyp, ...args], {
    stdio: 'inherit',
    env: childEnv,
    cwd,
  });
  return r.status === null ? 1 : r.status;
}

// configure + build of the tree in `cwd` against the headers under
// `nodedir` (null: node-gyp's own lookup); returns the exit status.
function buildTree({ cwd = root, nodedir = findNodeDir(), asan = false,
                     sharedOpenSSL, arch, env } = {}) {
  if (sharedOpenSSL === undefined) {
    sharedOpenSSL = String(process.config.variables.node_shared_openssl) === 'true';
  }
  const common = [
    `-Duvtls_shared_openssl=${sharedOpenSSL}`,
    `-Duvtls_werror=${process.env.CI ? 'true' : 'false'}`,
  ];
  if (nodedir) common.push(`--nodedir=${nodedir}`);
  if (arch) common.push(`--arch=${arch}`);
  const status = nodeGyp(['configure', ...common], { cwd, env });
  if (status !== 0) return status;
  return nodeGyp(['build', '-j', '2', ...(asan ? ['--debug'] : [])], { cwd, env });
}

// Whether the package's prebuilt binary loads in this Node, asked of a
// child process that loads the addon as lib/native.js does, prebuilds only.
function prebuildLoads() {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!fs.existsSync(dir)) return { ok: false, reason: `no prebuilt binary for ${path.basename(dir)}` };
  const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1])',
                                         path.join(root, 'lib', 'native.js')], {
    env: { ...process.env, PREBUILDS_ONLY: '1', UVTLS_BUILD: '' },
    encoding: 'utf8',
    timeout: 30000,
  });
  if (r.status === 0) return { ok: true, dir };
  const reason = (r.stderr || '').split('\n').find((l) => /uvtls:|Error/.test(l)) ||
    `exit ${r.status}`;
  // The loader's reason without its advice, which is what happens next.
  return { ok: false, reason: reason.replace(/^\s*\w*Error: /, '').replace(/; build it from source.*$/, '').trim() };
}

function install() {
  const checkout = fs.existsSync(path.join(root, '.git'));
  const fromSource = process.env.npm_config_build_from_source === 'true';
  if (!checkout && !fromSource) {
    const probe = prebuildLoads();
    if (probe.ok) {
      console.log(`uvtls: using the prebuilt binary in ${path.relative(root, probe.dir)}`);
      return 0;
    }
    console.log(`uvtls: building from source (${probe.reason})`);
  }
  const status = buildTree();
  if (status !== 0) {
    console.error(
      'uvtls: the build from source failed. It needs a C compiler, make and ' +
      'python3 (Debian: apt-get install build-essential python3); the package ' +
      'from npm holds prebuilt binaries for ' + listPrebuilds() + ', which need none.');
  }
  return status;
}

function listPrebuilds() {
  try {
    const dirs = fs.readdirSync(path.join(root, 'prebuilds'));
    if (dirs.length > 0) return dirs.join(' and ');
  } catch {
    // none in this package
  }
  return 'linux-x64 and linux-arm64 (glibc)';
}

module.exports = { findNodeGyp, findNodeDir, buildTree };

if (require.main === module) {
  let status;
  if (process.argv.includes('--install')) {
    status = install();
  } else {
    status = buildTree({ asan: process.argv.includes('--asan') });
  }
  if (status !== 0) process.exit(status);
}
