'use strict';
// Builds the prebuilt binaries that `npm pack` puts in the package (the
// prepack script): prebuilds/linux-<arch>/node.napi.glibc.node, for x64
// and, when the cross compiler is installed, arm64 (Debian:
// gcc-aarch64-linux-gnu; on an arm64 machine x64 needs gcc-x86-64-linux-gnu).
//
// One Node-API binary serves every Node release: Node-API is stable, and
// OpenSSL and libuv are the running node's. It is built against the
// headers of the newest Node (OpenSSL 3.5), and asks at run time for what
// OpenSSL 3.0 (Node 20) lacks (src/openssl_compat.c). The headers come
// from the npm package node-linux-<arch>@<version>, fetched once into a
// cache folder. Each arch builds in a copy of binding.gyp and src/ of its
// own, so the checkout's build/ is left as it is.
//
//   node scripts/prebuild.js [--arch x64,arm64] [--headers 26.12.1]
//                            [--cache dir]
// UVTLS_SKIP_PREBUILD=1 packs without prebuilt binaries (every install then
// builds from source); UVTLS_PREBUILD_CACHE sets the cache folder.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { buildTree } = require('./build');

const root = path.join(__dirname, '..');
const outDir = path.join(root, 'prebuilds');
// Named as prebuildify names them: node-gyp-build reads the tags from the
// name ("uvtls." would read as a libuv tag, uv=tls, and match nothing).
const fileName = 'node.napi.glibc.node';
// The newest Node release whose headers the binaries are built against.
const defaultHeaders = '26.12.1';
// Official Node binaries for Linux need glibc 2.28: so may the addon.
const glibcCeiling = [2, 28];

const toolchains = {
  x64: { triplet: 'x86_64-linux-gnu', machine: 'Advanced Micro Devices X86-64' },
  arm64: { triplet: 'aarch64-linux-gnu', machine: 'AArch64' },
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) return { ok: false, out: '', err: r.error.message };
  return { ok: r.status === 0, out: r.stdout || '', err: r.stderr || '' };
}

function onPath(cmd) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// The tools that build for `arch` here: the plain ones for this machine's
// own arch, the cross ones (<triplet>-gcc, ...) for the other.
function tools(arch) {
  const { triplet } = toolchains[arch];
  if (arch === os.arch() && onPath('cc')) {
    return { env: {}, strip: 'strip', native: true };
  }
  const gcc = `${triplet}-gcc`;
  if (!onPath(gcc)) return null;
  return {
    env: { CC: gcc, CXX: gcc, LINK: gcc, AR: `${triplet}-ar` },
    strip: `${triplet}-strip`,
    native: false,
  };
}

// <cache>/node-linux-<arch>-<version>, holding include/node.
function headers(arch, version, cache) {
  const prefix = path.join(cache, `node-linux-${arch}-${version}`);
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  fs.mkdirSync(cache, { recursive: true });
  const work = fs.mkdtempSync(path.join(cache, '.fetch-'));
  try {
    const pkg = `node-linux-${arch}@${version}`;
    console.log(`prebuild: the headers of ${pkg} from the npm registry`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = run(npm, ['pack', '--silent', pkg], { cwd: work });
    if (!packed.ok) fail(`npm pack ${pkg} failed: ${packed.err.trim()}`);
    const tarball = path.join(work, packed.out.trim().split('\n').pop());
    const untar = run('tar', ['-xzf', tarball, '-C', work, 'package/include']);
    if (!untar.ok) fail(`cannot unpack ${tarball}: ${untar.err.trim()}`);
    if (!fs.existsSync(path.join(work, 'package', 'include', 'node', 'node_api.h'))) {
      fail(`${pkg} has no headers (include/node)`);
    }
    fs.rmSync(prefix, { recursive: true, force: true });
    fs.renameSync(path.join(work, 'package'), prefix);
    return prefix;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// What a binary of `arch` must be: the right machine, no library but libc
// (OpenSSL is the running node's), no glibc symbol newer than the ceiling.
function check(file, arch) {
  const header = run('readelf', ['-h', file]);
  if (!header.ok) fail(`readelf -h ${file}: ${header.err.trim()}`);
  const machine = /Machine:\s+(.*)/.exec(header.out)?.[1].trim();
  if (machine !== toolchains[arch].machine) fail(`${file} is for ${machine}, not ${arch}`);
  const dynamic = run('readelf', ['-d', file]).out;
  const needed = [...dynamic.matchAll(/\(NEEDED\).*\[(.*)\]/g)].map((m) => m[1]);
  const extra = needed.filter((lib) => !/^(libc|libm|libpthread|libdl)\.so/.test(lib));
  if (extra.length > 0) fail(`${file} needs ${extra.join(', ')}`);
  const symbols = run('readelf', ['--dyn-syms', '-W', file]).out;
  let newest = [0, 0];
  for (const [, major, minor] of symbols.matchAll(/@GLIBC_(\d+)\.(\d+)/g)) {
    const v = [Number(major), Number(minor)];
    if (v[0] > newest[0] || (v[0] === newest[0] && v[1] > newest[1])) newest = v;
  }
  if (newest[0] > glibcCeiling[0] ||
      (newest[0] === glibcCeiling[0] && newest[1] > glibcCeiling[1])) {
    fail(`${file} needs glibc ${newest.join('.')}, newer than Node's ${glibcCeiling.join('.')}`);
  }
  return { needed, glibc: newest.join('.') };
}

function buildArch(arch, version, cache) {
  const t = tools(arch);
  if (t === null) {
    console.warn(`prebuild: no compiler for linux-${arch} ` +
                 `(${toolchains[arch].triplet}-gcc); its binary is left out`);
    return null;
  }
  const nodedir = headers(arch, version, cache);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `uvtls-prebuild-${arch}-`));
  try {
    fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(work, 'binding.gyp'));
    fs.cpSync(path.join(root, 'src'), path.join(work, 'src'), { recursive: true });
    console.log(`prebuild: linux-${arch} against the headers of Node ${version}`);
    const status = buildTree({
      cwd: work, nodedir, arch, sharedOpenSSL: false,
      env: { ...process.env, ...t.env },
    });
    if (status !== 0) fail(`the linux-${arch} build failed`);
    const built = path.join(work, 'build', 'Release', 'uvtls.node');
    const stripped = run(t.strip, ['--strip-unneeded', built]);
    if (!stripped.ok) fail(`${t.strip} failed: ${stripped.err.trim()}`);
    const info = check(built, arch);
    const dest = path.join(outDir, `linux-${arch}`, fileName);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(built, dest);
    return { arch, dest, size: fs.statSync(dest).size, native: t.native, ...info };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// The binary for this machine loads in the running node and reports its
// OpenSSL.
function smokeLoad(file) {
  const r = run(process.execPath, ['-p', 'require(process.argv[1]).opensslVersion', file]);
  if (!r.ok) fail(`${file} does not load in Node ${process.version}: ${r.err.trim()}`);
  return r.out.trim();
}

function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  if (process.env.UVTLS_SKIP_PREBUILD === '1') {
    console.log('prebuild: UVTLS_SKIP_PREBUILD=1, the package holds no prebuilt binary');
    return;
  }
  if (process.platform !== 'linux') fail('prebuilt binaries are made on Linux');
  const version = option('headers', defaultHeaders);
  const cache = path.resolve(option('cache', process.env.UVTLS_PREBUILD_CACHE ||
                                    path.join(os.homedir(), '.cache', 'uvtls-prebuild')));
  const archs = option('arch', 'x64,arm64').split(',').filter(Boolean);
  for (const arch of archs) {
    if (!toolchains[arch]) fail(`unknown arch ${arch} (x64, arm64)`);
  }
  const made = archs.map((arch) => buildArch(arch, version, cache)).filter(Boolean);
  if (made.length === 0) fail('no binary was built');
  for (const m of made) {
    const loaded = m.arch === os.arch() ? `, loads here (${smokeLoad(m.dest)})` : '';
    console.log(`prebuild: ${path.relative(root, m.dest)}: ${m.size} bytes, ` +
                `needs ${m.needed.join(' ')} (glibc ${m.glibc})${loaded}`);
  }
}

main();
