'use strict';
// Installs the package that `npm pack` makes as a user would, on machines
// without a compiler, and runs TLS through it: one fresh project per Node.
//
//   node scripts/prebuild-check.js [--tarball uvtls-x.y.z.tgz] node...
//       each `node` is a Node binary (default: the running one). Without
//       --tarball, `npm pack` makes one (its prepack builds the binaries).
//       Each project installs the tarball with a PATH holding node, npm and
//       a few basic programs only; as root, in a mount namespace of its own
//       (unshare -m) where every compiler, assembler, linker and make of the
//       system is covered by /dev/null and /usr/lib/gcc* by an empty folder.
//       The same install of the package without its prebuilds/ must fail
//       there (the proof that nothing could have been built).
//   UVTLS_CHECK_EMULATOR="qemu-aarch64 -L /usr/aarch64-linux-gnu" runs the
//       TLS part with the nodes given under that emulator (the install, which
//       only probes and copies, runs with the running node).
//   node scripts/prebuild-check.js --round-trip [fixtures]
//       (in a project that has uvtls installed) the TLS part alone: prints
//       one JSON line and exits 0 when everything matched the built-in.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');

// ---------------------------------------------------------------------------
// The TLS part, run in the user's project: uvtls resolved from there.

async function roundTrip(fixtures, compressible) {
  const assert = require('assert');
  const net = require('net');
  const { createRequire } = require('module');
  const fromProject = createRequire(path.join(process.cwd(), 'project.js'));
  const uvtls = fromProject('uvtls');
  const uvhttps = fromProject('uvtls/https');
  const tls = require('tls');
  const https = require('https');
  const read = (name) => fs.readFileSync(path.join(fixtures, name));
  const key = read('server.key');
  const cert = read('server.pem');
  const ca = read('ca.pem');
  const wrongCa = read('other-ca.pem');

  const binary = Object.keys(require.cache).find((f) => f.endsWith('.node'));

  function session(serverLib, clientLib, clientCa) {
    return new Promise((resolve) => {
      const server = serverLib.createServer({ key, cert, ALPNProtocols: ['x'] }, (s) => {
        s.on('error', () => {});
        s.on('data', (d) => s.end(Buffer.concat([Buffer.from('echo:'), d])));
      });
      server.on('tlsClientError', () => {});
      server.listen(0, '127.0.0.1', () => {
        const c = clientLib.connect({
          port: server.address().port, host: '127.0.0.1', servername: 'localhost',
          ca: clientCa, ALPNProtocols: ['x'],
        });
        const chunks = [];
        const done = (result) => {
          c.destroy();
          server.close();
          resolve(result);
        };
        c.on('secureConnect', () => c.write('ping'));
        c.on('data', (d) => chunks.push(d));
        c.on('end', () => done({
          authorized: c.authorized, protocol: c.getProtocol(), alpn: c.alpnProtocol,
          cipher: c.getCipher().name, peer: c.getPeerCertificate().subject.CN,
          data: Buffer.concat(chunks).toString(),
        }));
        c.on('error', (err) => done({ error: { code: err.code, message: err.message } }));
      });
    });
  }

  function request(serverLib, clientLib) {
    return new Promise((resolve, reject) => {
      const server = serverLib.createServer({ key, cert }, (req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end(`${req.method} ${req.url}`);
      });
      server.listen(0, '127.0.0.1', () => {
        const req = clientLib.request({
          port: server.address().port, host: '127.0.0.1', servername: 'localhost',
          path: '/p?q=1', ca, agent: false,
        }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => { body += d; });
          res.on('end', () => {
            server.close();
            resolve({ status: res.statusCode, type: res.headers['content-type'], body,
                      authorized: res.socket.authorized });
          });
        });
        req.on('error', (err) => {
          server.close();
          reject(err);
        });
        req.end();
      });
    });
  }

  const expected = await session(tls, tls, ca);
  assert.strictEqual(expected.authorized, true);
  for (const [name, s, c] of [['uvtls-uvtls', uvtls, uvtls], ['tls-uvtls', uvtls, tls],
                              ['uvtls-tls', tls, uvtls]]) {
    assert.deepStrictEqual(await session(s, c, ca), expected, name);
  }
  const refused = await session(tls, tls, wrongCa);
  assert.deepStrictEqual(await session(uvtls, uvtls, wrongCa), refused, 'wrong CA');
  assert.strictEqual(refused.error.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  // Certificate compression (OpenSSL 3.2+, in Node's tls where it has
  // getCertificateCompressionAlgorithms): what a binary built for OpenSSL
  // 3.0 and 3.5 alike must find at run time. Seen as a flight shorter by
  // kilobytes, counted on a plain TCP relay, with a certificate that
  // compresses well.
  let compression = 'not in this Node';
  if (typeof tls.getCertificateCompressionAlgorithms === 'function' && compressible) {
    const big = { key: fs.readFileSync(path.join(compressible, 'key.pem')),
                  cert: fs.readFileSync(path.join(compressible, 'cert.pem')) };
    const sizes = async (lib, algs) => {
      const server = lib.createServer({ ...big, certificateCompression: algs,
                                        minVersion: 'TLSv1.3' }, (s) => s.end());
      server.on('tlsClientError', () => {});
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      let bytes = 0;
      const relay = net.createServer((inbound) => {
        const outbound = net.connect(server.address().port, '127.0.0.1');
        inbound.pipe(outbound);
        outbound.on('data', (d) => { bytes += d.length; });
        outbound.pipe(inbound);
        inbound.on('error', () => {});
        outbound.on('error', () => {});
      });
      await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
      await new Promise((resolve, reject) => {
        const c = lib.connect({ port: relay.address().port, host: '127.0.0.1',
                                servername: 'localhost', ca: big.cert,
                                certificateCompression: algs });
        c.on('error', reject);
        c.resume();
        c.on('end', resolve);
      });
      relay.close();
      server.close();
      return bytes;
    };
    const shorter = async (lib) => (await sizes(lib, undefined)) - (await sizes(lib, ['zlib'])) > 2000;
    const builtinShorter = await shorter(tls);
    assert.strictEqual(builtinShorter, true, 'the built-in compresses');
    assert.strictEqual(await shorter(uvtls), builtinShorter, 'certificateCompression');
    compression = 'zlib, as the built-in';
  }
  const answer = await request(https, https);
  assert.deepStrictEqual(await request(uvhttps, uvhttps), answer, 'uvtls/https');
  assert.strictEqual(uvhttps.globalAgent instanceof https.Agent, true);
  return {
    node: process.version, arch: process.arch, openssl: process.versions.openssl,
    binary: path.relative(process.cwd(), binary), addonOpenSSL: require(binary).opensslVersion,
    protocol: expected.protocol, cipher: expected.cipher, https: answer.status, compression,
  };
}

// ---------------------------------------------------------------------------
// The installs.

function fail(message) {
  console.error(`prebuild-check: ${message}`);
  process.exit(1);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600000, ...opts });
  return { status: r.error ? -1 : r.status, out: (r.stdout || '') + (r.stderr || ''),
           error: r.error };
}

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  process.argv.splice(i, 2);
  return value;
}

// Compilers and the like anywhere on the system's usual bin folders.
function compilers() {
  const name = /^(.*-)?(gcc|g\+\+|c\+\+|cc|c89|c99|cpp|clang|clang\+\+|tcc|as|ld|ld\.bfd|ld\.gold|make|gmake|cmake|ninja)(-[\d.]+)?$/;
  const found = new Set();
  for (const dir of ['/usr/bin', '/usr/local/bin', '/usr/sbin', '/opt/bin']) {
    let entries = [];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!name.test(e)) continue;
      const file = path.join(dir, e);
      found.add(file);
      try {
        found.add(fs.realpathSync(file));
      } catch {
        // a dangling link
      }
    }
  }
  return [...found].filter((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

// A folder with node, npm and a few basic programs: the PATH of a machine
// that has Node and nothing to build with.
function binDir(work, node) {
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(node, path.join(bin, 'node'));
  const npm = sh('sh', ['-c', 'command -v npm']).out.trim();
  if (!npm) fail('npm is not on PATH');
  fs.symlinkSync(fs.realpathSync(npm), path.join(bin, 'npm'));
  for (const tool of ['sh', 'env', 'ls', 'cat', 'uname', 'rm', 'mkdir', 'cp', 'mv']) {
    const p = sh('sh', ['-c', `command -v ${tool}`]).out.trim();
    if (p) fs.symlinkSync(p, path.join(bin, tool));
  }
  return bin;
}

// What reaches the registry as it does here (proxy, certificate
// authorities, the npm configuration files), and a cache of the check's own.
const passed = {};
function passEnvironment(work) {
  for (const name of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY',
                      'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
    if (process.env[name]) passed[name] = process.env[name];
  }
  for (const key of ['userconfig', 'globalconfig']) {
    const value = sh('npm', ['config', 'get', key]).out.trim();
    if (value) passed[`npm_config_${key}`] = value;
  }
  Object.assign(passed, { npm_config_cache: path.join(work, '.npm'),
                          npm_config_update_notifier: 'false' });
}

// Runs `script` (sh) with PATH=bin, in a mount namespace without compilers
// when that can be made.
function runBare(script, { bin, cwd, isolate }) {
  const env = { ...passed, PATH: bin, HOME: cwd };
  if (!isolate) return sh('/bin/sh', ['-c', script], { cwd, env });
  const empty = path.join(cwd, '.empty');
  fs.mkdirSync(empty, { recursive: true });
  const masks = compilers().map((f) => `${isolate.mount} --bind /dev/null '${f}'`);
  for (const dir of ['/usr/lib/gcc', '/usr/lib/gcc-cross', '/usr/libexec/gcc']) {
    if (fs.existsSync(dir)) masks.push(`${isolate.mount} --bind '${empty}' '${dir}'`);
  }
  const wrapped = `set -e; ${masks.join('; ')}; set +e; ${script}`;
  return sh(isolate.unshare, ['-m', '--propagation', 'private', '/bin/sh', '-c', wrapped],
            { cwd, env });
}

const proveBare =
  'for c in gcc cc c++ g++ make python3 as ld; do command -v $c && exit 1; done; ' +
  'for f in /usr/bin/gcc /usr/bin/cc /usr/bin/make /usr/bin/x86_64-linux-gnu-gcc-12; do ' +
  '  [ -e $f ] || continue; $f --version >/dev/null 2>&1 && { echo "$f runs"; exit 1; }; done; ' +
  'echo no-compiler';

// A certificate with 300 similar names, for the certificate compression
// check (made with the openssl program, when there is one).
function makeCompressible(work) {
  const dir = path.join(work, 'compressible');
  fs.mkdirSync(dir);
  const names = Array.from({ length: 300 }, (_, i) => `DNS:host${i}.compressible.example`).join(',');
  const r = sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
                           '-nodes', '-subj', '/CN=localhost', '-days', '2', '-addext',
                           `subjectAltName=DNS:localhost,${names}`, '-keyout',
                           path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
  if (r.status === 0) return dir;
  console.log('prebuild-check: no openssl program, certificate compression is not checked');
  return null;
}

function project(work, name) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'),
                   JSON.stringify({ name: `check-${name}`, version: '1.0.0', private: true }));
  return dir;
}

function main() {
  let tarball = option('tarball');
  const nodes = process.argv.slice(2);
  if (nodes.length === 0) nodes.push(process.execPath);
  const emulator = (process.env.UVTLS_CHECK_EMULATOR || '').split(' ').filter(Boolean);
  if (emulator.length > 0) {
    emulator[0] = sh('sh', ['-c', `command -v '${emulator[0]}'`]).out.trim() ||
      fail(`${emulator[0]} not found`);
  }
  const which = (cmd) => sh('sh', ['-c', `command -v ${cmd}`]).out.trim();
  const isolate = process.getuid?.() === 0 && sh('unshare', ['-m', 'true']).status === 0 &&
    { unshare: which('unshare'), mount: which('mount') };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'uvtls-prebuild-check-'));
  // Removed however the check ends (fail() exits at once).
  process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  let failed = 0;
  passEnvironment(work);
  try {
    if (!tarball) {
      const r = sh('npm', ['pack', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      if (r.status !== 0) fail(`npm pack failed:\n${r.out}`);
      tarball = path.join(work, r.out.trim().split('\n').pop());
    }
    tarball = path.resolve(tarball);
    console.log(`prebuild-check: ${tarball} (${fs.statSync(tarball).size} bytes); ` +
                (isolate ? 'compilers covered in a mount namespace and left off PATH'
                         : 'compilers left off PATH only (not root: no mount namespace)'));

    const compressible = makeCompressible(work);

    // The same package without its prebuilt binaries: must not install here.
    const control = path.join(work, 'control');
    fs.mkdirSync(control);
    sh('tar', ['-xzf', tarball, '-C', control]);
    fs.rmSync(path.join(control, 'package', 'prebuilds'), { recursive: true, force: true });
    const controlPack = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', control],
                           { cwd: path.join(control, 'package') });
    const controlTarball = path.join(control, controlPack.out.trim().split('\n').pop());

    for (const [i, node] of nodes.entries()) {
      const installer = emulator.length > 0 ? process.execPath : node;
      const bin = binDir(path.join(work, `bin-${i}`), installer);
      const dir = project(work, `p${i}`);
      const bare = runBare(proveBare, { bin, cwd: dir, isolate });
      if (bare.status !== 0 || !bare.out.includes('no-compiler')) {
        fail(`a compiler is reachable in the check's environment:\n${bare.out}`);
      }
      const neg = project(work, `control${i}`);
      const ctl = runBare(`npm install --no-audit --no-fund '${controlTarball}'`,
                          { bin, cwd: neg, isolate });
      if (ctl.status === 0) fail(`the package without prebuilds/ installed without a compiler (${node})`);
      const inst = runBare(`npm install --foreground-scripts --no-audit --no-fund '${tarball}'`,
                           { bin, cwd: dir, isolate });
      const version = sh(emulator[0] || node, [...emulator.slice(1), ...(emulator.length ? [node] : []),
                                               '--version']).out.trim();
      const label = `Node ${version}${emulator.length > 0 ? ' (emulated)' : ''}`;
      if (inst.status !== 0 || !/uvtls: using the prebuilt binary/.test(inst.out) ||
          fs.existsSync(path.join(dir, 'node_modules', 'uvtls', 'build'))) {
        console.log(`FAIL ${label}: npm install\n${inst.out}`);
        failed++;
        continue;
      }
      const cmd = [...emulator, node, __filename, '--round-trip', path.join(root, 'test', 'fixtures'),
                   ...(compressible ? [compressible] : [])];
      const rt = runBare(cmd.map((a) => `'${a}'`).join(' '), { bin, cwd: dir, isolate });
      const line = rt.out.trim().split('\n').pop();
      let result = null;
      try {
        result = JSON.parse(line);
      } catch {
        // reported below
      }
      if (rt.status !== 0 || result === null ||
          !result.binary.startsWith(path.join('node_modules', 'uvtls', 'prebuilds', `linux-${result.arch}`))) {
        console.log(`FAIL ${label}: round trip\n${rt.out}`);
        failed++;
        continue;
      }
      console.log(`ok ${label}: ${line}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (failed > 0) process.exit(1);
}

if (process.argv[2] === '--round-trip') {
  roundTrip(process.argv[3] || path.join(root, 'test', 'fixtures'), process.argv[4]).then(
    (result) => console.log(JSON.stringify(result)),
    (err) => {
      console.error(err && err.stack ? err.stack : err);
      process.exit(1);
    });
} else {
  main();
}
