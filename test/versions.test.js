'use strict';
// uvtls follows the Node it runs in: the API of that release's tls (names,
// functions, options), its defaults and its errors. Every spec runs the same
// thing through the built-in and compares; where a release lacks an API, the
// spec says so and checks that uvtls lacks it too.

const assert = require('assert');
const { execFile } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { promisify } = require('util');
const h = require('./helpers');

const { uvtls, builtin, fx, DIRECTIONS } = h;
const ROOT = path.join(__dirname, '..');
const IMPL_PATH = process.env.UVTLS_TEST_IMPL === 'builtin' ? 'tls' : ROOT;
const run = promisify(execFile);

// A spec for an API only some releases have: skipped, saying so, where the
// built-in lacks it (and then uvtls must lack it too).
function whereBuiltinHas(name, title, fn) {
  if (typeof builtin[name] === 'function') {
    it(title, fn);
  } else {
    it(`${title} (Node ${process.version} has no tls.${name}: uvtls has none either)`, function () {
      assert.strictEqual(uvtls[name], undefined);
      this.skip();
    });
  }
}

function thrown(fn) {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return { name: err.name, code: err.code, message: err.message, ctor: err.constructor.name };
  }
}

// Runs `source` in a child Node with `impl` as `tls`; its stdout is JSON.
async function child(impl, source, args = []) {
  const { stdout } = await run(process.execPath, [...args, '-e', source], {
    env: { ...process.env, IMPL: impl, FIXTURES: h.FIXTURES },
    timeout: 60000,
  });
  return JSON.parse(stdout);
}

describe('follows the running Node', function () {
  this.timeout(60000);
  afterEach(h.cleanup);

  describe('module shape', function () {
    it('the names of the built-in tls, in its order, each of the same type', function () {
      assert.deepStrictEqual(Object.keys(uvtls), Object.keys(builtin));
      for (const name of Object.keys(builtin)) {
        assert.strictEqual(typeof uvtls[name], typeof builtin[name], name);
        if (typeof builtin[name] === 'function') {
          assert.strictEqual(uvtls[name].length, builtin[name].length, `${name}.length`);
        }
      }
    });

    it('createSecurePair only where the built-in still has it (removed in Node 24)', function () {
      assert.strictEqual(typeof uvtls.createSecurePair, typeof builtin.createSecurePair);
    });
  });

  describe('defaults and command-line flags', function () {
    const source = `
      const tls = require(process.env.IMPL);
      console.log(JSON.stringify(['DEFAULT_CIPHERS', 'DEFAULT_ECDH_CURVE', 'DEFAULT_MIN_VERSION',
                                  'DEFAULT_MAX_VERSION'].map((n) => tls[n])));`;
    for (const flags of [[], ['--tls-min-v1.3'], ['--tls-min-v1.3', '--tls-min-v1.2'],
                         ['--tls-min-v1.1', '--tls-min-v1.0'], ['--tls-max-v1.2'],
                         ['--tls-max-v1.2', '--tls-max-v1.3'], ['--tls-cipher-list=AES128-SHA:AES256-SHA']]) {
      it(`tls.DEFAULT_* with ${flags.join(' ') || 'no flags'} are the built-in's`, async function () {
        assert.deepStrictEqual(await child(IMPL_PATH, source, flags), await child('tls', source, flags));
      });
    }
  });

  describe('tls.getCACertificates()', function () {
    whereBuiltinHas('getCACertificates', 'gives the built-in\'s lists, cached as the built-in caches them', function () {
      for (const type of ['default', 'bundled', 'system', 'extra']) {
        const list = uvtls.getCACertificates(type);
        assert.deepStrictEqual(list, builtin.getCACertificates(type), type);
        assert.ok(Object.isFrozen(list), `${type} is frozen`);
        assert.strictEqual(uvtls.getCACertificates(type), list, `${type} is cached`);
      }
      assert.strictEqual(uvtls.getCACertificates(), uvtls.getCACertificates('default'));
      assert.strictEqual(uvtls.getCACertificates('bundled'), uvtls.rootCertificates);
      assert.ok(uvtls.getCACertificates('bundled').length > 50);
    });

    whereBuiltinHas('getCACertificates', 'refuses what the built-in refuses, with its errors', function () {
      for (const bad of [1, null, 'nope', '', {}]) {
        const ref = thrown(() => builtin.getCACertificates(bad));
        assert.notStrictEqual(ref, 'no error');
        assert.deepStrictEqual(thrown(() => uvtls.getCACertificates(bad)), ref, String(bad));
      }
    });

    whereBuiltinHas('getCACertificates', 'with NODE_EXTRA_CA_CERTS and --use-openssl-ca as the built-in', async function () {
      const source = `
        const tls = require(process.env.IMPL);
        console.log(JSON.stringify(['default', 'bundled', 'extra'].map((t) => tls.getCACertificates(t))));`;
      const env = { NODE_EXTRA_CA_CERTS: h.fixturePath('other-ca.pem') };
      for (const flags of [[], ['--use-openssl-ca']]) {
        // The variable must be there when Node starts.
        const withEnv = (impl) => run(process.execPath, [...flags, '-e', source], {
          env: { ...process.env, ...env, IMPL: impl },
        }).then(({ stdout }) => JSON.parse(stdout));
        const ref = await withEnv('tls');
        assert.strictEqual(ref[2].length, 1, 'the extra certificate');
        assert.deepStrictEqual(await withEnv(IMPL_PATH), ref, flags.join(' '));
      }
    });
  });

  describe('tls.setDefaultCACertificates()', function () {
    // In a child process (it changes the process's trust): a server whose
    // certificate the test CA signed; what each way of connecting makes of
    // it before and after the change. `tls` is the implementation under
    // test; `https`, `fetch` and `builtin` are always Node's own.
    const source = `
      const tls = require(process.env.IMPL);
      const builtin = require('node:tls');
      const https = require('node:https');
      const fs = require('fs');
      const { Worker } = require('worker_threads');
      const fx = (name) => fs.readFileSync(process.env.FIXTURES + '/' + name, 'latin1');
      const ca = fx('ca.pem');
      const errorOf = (fn) => { try { fn(); return 'ok'; } catch (e) { return [e.name, e.code, e.message]; } };
      const server = builtin.createServer({ key: fx('server.key'), cert: fx('server.pem') }, (s) => {
        s.on('error', () => {});
        s.end('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok');
      });
      const port = () => server.address().port;
      const viaTLS = (impl, extra) => new Promise((resolve) => {
        const c = impl.connect({ port: port(), host: '127.0.0.1', servername: 'localhost', ...extra },
                               () => { resolve(c.authorized); c.destroy(); });
        c.on('error', (e) => resolve(e.code));
      });
      const viaHTTPS = () => new Promise((resolve) => {
        https.get({ port: port(), host: '127.0.0.1', servername: 'localhost', agent: false }, (r) => {
          r.resume();
          resolve(r.statusCode);
        }).on('error', (e) => resolve(e.code));
      });
      const viaFetch = () => fetch('https://localhost:' + port() + '/', { headers: { connection: 'close' } })
        .then((r) => r.text().then(() => r.status), (e) => (e.cause && e.cause.code) || e.message);
      const inWorker = () => new Promise((resolve) => {
        const w = new Worker(\`
          const { parentPort, workerData } = require('worker_threads');
          const tls = require(workerData.impl);
          const c = tls.connect({ port: workerData.port, host: '127.0.0.1', servername: 'localhost' },
                                () => { parentPort.postMessage(c.authorized); c.destroy(); });
          c.on('error', (e) => parentPort.postMessage(e.code));\`,
        { eval: true, workerData: { impl: process.env.IMPL, port: port() } });
        w.once('message', resolve);
      });
      // A server of the implementation, trusting the default CAs for
      // client certificates.
      const clientCertSeen = () => new Promise((resolve) => {
        const s = tls.createServer({ key: fx('server.key'), cert: fx('server.pem'), requestCert: true,
                                     rejectUnauthorized: false }, (sock) => {
          resolve([sock.authorized, sock.authorizationError || null]);
          sock.destroy();
          s.close();
        }).listen(0, '127.0.0.1', () => {
          const c = builtin.connect({ port: s.address().port, host: '127.0.0.1', ca,
                                      servername: 'localhost', key: fx('client.key'), cert: fx('client.pem') });
          c.on('error', () => {});
        });
      });
      async function observe() {
        return {
          tls: await viaTLS(tls), builtin: await viaTLS(builtin), https: await viaHTTPS(),
          fetch: await viaFetch(), worker: await inWorker(), old: await viaTLS(tls, { secureContext: old }),
          server: await clientCertSeen(), defaults: tls.getCACertificates().length,
        };
      }
      let old;
      server.listen(0, '127.0.0.1', async () => {
        const out = {};
        old = tls.createSecureContext();
        out.before = await observe();
        out.errors = [
          errorOf(() => tls.setDefaultCACertificates('x')),
          errorOf(() => tls.setDefaultCACertificates()),
          errorOf(() => tls.setDefaultCACertificates([1])),
          errorOf(() => tls.setDefaultCACertificates([ca, null])),
          errorOf(() => tls.setDefaultCACertificates([{}])),
        ];
        out.set = errorOf(() => tls.setDefaultCACertificates([ca, Buffer.from(ca)]));
        out.list = tls.getCACertificates();
        out.after = await observe();
        old = tls.createSecureContext();
        out.empty = errorOf(() => tls.setDefaultCACertificates([]));
        out.afterEmpty = await observe();
        out.bundled = errorOf(() => tls.setDefaultCACertificates(tls.getCACertificates('bundled')));
        out.afterBundled = await observe();
        server.close();
        console.log(JSON.stringify(out));
      });`;

    whereBuiltinHas('setDefaultCACertificates', 'changes what uvtls, the built-in tls, https and fetch trust, as the built-in\'s', async function () {
      const ref = await child('tls', source);
      assert.strictEqual(ref.before.tls, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      assert.strictEqual(ref.after.tls, true);
      assert.strictEqual(ref.after.https, 200);
      const got = await child(IMPL_PATH, source);
      assert.deepStrictEqual(got, ref);
    });
  });

  describe('client sessions', function () {
    // The head of a session as handed out: Node 22 and later put a marker
    // and the server's name before the serialized session (the part up to
    // the name is returned; Node 20 gives the session bare: '').
    function head(session) {
      const marker = '\0nodejs:tls:session:1\0';
      if (!Buffer.isBuffer(session) || session.toString('latin1', 0, marker.length) !== marker) return '';
      return session.toString('latin1', 0, marker.length + 2 + session.readUInt16BE(marker.length));
    }

    // A TLS 1.2 session from `maker`, then what `taker` makes of it with
    // `extra` options: resumed or not, or its error.
    async function reuse(maker, taker, extra) {
      const server = await h.startServer(builtin, { ...h.serverCreds(), maxVersion: 'TLSv1.2' }, (s) => s.end('x'));
      // 'session' may come before 'secureConnect' in TLS 1.2: listen first.
      const first = maker.connect({ host: h.HOST, port: server.address().port, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(first);
      const sessionEvent = h.waitEvent(first, 'session', 5000);
      await h.waitEvent(first, 'secureConnect', 5000);
      const [session] = await sessionEvent;
      const got = first.getSession();
      await h.collect(first);
      const outcome = await h.connect(taker, server, { session, checkServerIdentity: () => undefined, ...extra })
        .then(async (c) => { const r = c.isSessionReused(); await h.collect(c); return r; },
              (e) => e.code || e.message);
      server.close();
      return { head: head(session), getSessionHead: head(got), outcome };
    }

    const EXTRAS = [['the same server', {}], ['another servername', { servername: 'other.example' }],
                    ['no verification', { rejectUnauthorized: false }],
                    ['another servername, no verification', { servername: 'other.example', rejectUnauthorized: false }]];
    for (const [label, maker, taker] of [['uvtls session, uvtls client', uvtls, uvtls],
                                         ['built-in session, uvtls client', builtin, uvtls],
                                         ['uvtls session, built-in client', uvtls, builtin]]) {
      for (const [what, extra] of EXTRAS) {
        it(`${label}, ${what}: handed out and taken as between built-ins`, async function () {
          const ref = await reuse(builtin, builtin, extra);
          assert.deepStrictEqual(await reuse(maker, taker, extra), ref);
        });
      }
    }
  });

  describe('allowPartialTrustChain', function () {
    // The server sends its leaf and intermediate; the client trusts only
    // the intermediate.
    for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
      for (const allow of [undefined, false, true]) {
        it(`${label}: an intermediate as the only trusted certificate, allowPartialTrustChain ${allow}`, async function () {
          async function outcome(ci, si) {
            const server = await h.startServer(si, h.serverCreds('chain'), (s) => s.end('x'));
            const err = await h.connect(ci, server, { ca: fx.intermediateCert, allowPartialTrustChain: allow })
              .then((c) => { c.destroy(); return null; }, (e) => ({ code: e.code, message: e.message }));
            server.close();
            return err;
          }
          const ref = await outcome(builtin, builtin);
          assert.strictEqual(ref === null, allow === true);
          assert.deepStrictEqual(await outcome(clientImpl, serverImpl), ref);
        });
      }
    }
  });

  describe('certificateCompression (RFC 8879)', function () {
    // A certificate that compresses well (300 similar names), so that a
    // compressed flight is much shorter than the noise in a flight's size.
    let creds;
    before(async function () {
      if (typeof builtin.getCertificateCompressionAlgorithms !== 'function') return;
      h.needOpenssl(this);
      const dir = h.tmpDir();
      const names = Array.from({ length: 300 }, (_, i) => `DNS:host${i}.compressible.example`).join(',');
      await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                            '-subj', '/CN=localhost', '-days', '2', '-addext', `subjectAltName=DNS:localhost,${names}`,
                            '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
      creds = { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
    });

    // The bytes a server sends a client, counted on a plain TCP relay.
    async function serverBytes(clientImpl, serverImpl, serverAlgs, clientAlgs) {
      const server = await h.startServer(serverImpl, { ...creds, certificateCompression: serverAlgs,
                                                       maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' },
                                         (s) => s.end());
      let bytes = 0;
      const relay = net.createServer((inbound) => {
        const outbound = net.connect(server.address().port, h.HOST);
        h.trackSocket(outbound);
        inbound.pipe(outbound);
        outbound.on('data', (d) => { bytes += d.length; });
        outbound.pipe(inbound);
        inbound.on('error', () => {});
        outbound.on('error', () => {});
      });
      h.trackServer(relay);
      relay.on('connection', h.trackSocket);
      await new Promise((resolve) => relay.listen(0, h.HOST, resolve));
      const client = await h.connect(clientImpl, relay, { certificateCompression: clientAlgs, ca: creds.cert });
      await h.collect(client);
      relay.close();
      server.close();
      return bytes;
    }

    whereBuiltinHas('getCertificateCompressionAlgorithms', 'getCertificateCompressionAlgorithms() is the built-in\'s list', function () {
      assert.deepStrictEqual(uvtls.getCertificateCompressionAlgorithms(),
                             builtin.getCertificateCompressionAlgorithms());
    });

    whereBuiltinHas('getCertificateCompressionAlgorithms', 'refuses what the built-in refuses, with its errors', function () {
      for (const bad of ['zlib', ['gzip'], ['zlib', 'brotli', 'zstd', 'zlib'], [1], {}]) {
        const ref = thrown(() => builtin.createSecureContext({ certificateCompression: bad }));
        assert.notStrictEqual(ref, 'no error', JSON.stringify(bad));
        assert.deepStrictEqual(thrown(() => uvtls.createSecureContext({ certificateCompression: bad })), ref);
      }
    });

    for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
      whereBuiltinHas('getCertificateCompressionAlgorithms', `${label}: off unless both ends ask, used when both do, as between built-ins`, async function () {
        const cases = [[undefined, undefined], [['zlib'], undefined], [undefined, ['zlib']], [['zlib'], ['zlib']],
                       [['brotli', 'zlib'], ['zlib', 'brotli']], [['zstd'], ['zlib']]];
        const ref = [];
        const got = [];
        for (const [s, c] of cases) {
          ref.push(await serverBytes(builtin, builtin, s, c));
          got.push(await serverBytes(clientImpl, serverImpl, s, c));
        }
        // Compression shows as a flight shorter by kilobytes (the sizes
        // vary by some bytes from one connection to the next).
        const compressed = (list) => list.map((n) => list[0] - n > 2000);
        assert.deepStrictEqual(compressed(ref), [false, false, false, true, true, false], `${ref}`);
        assert.deepStrictEqual(compressed(got), compressed(ref), `${got} vs ${ref}`);
      });
    }
  });

  describe('errors of the release', function () {
    it('tls.connect() minDHSize validation', function () {
      for (const minDHSize of [0, -1, -Infinity, NaN, true, null, '1', {}, []]) {
        const ref = thrown(() => builtin.connect({ port: 1, host: h.HOST, minDHSize }));
        assert.notStrictEqual(ref, 'no error', String(minDHSize));
        assert.deepStrictEqual(thrown(() => uvtls.connect({ port: 1, host: h.HOST, minDHSize })), ref);
      }
    });

    it('an IP address as servername: refused from Node 25, a DEP0123 warning before', async function () {
      const source = `
        const tls = require(process.env.IMPL);
        const warnings = [];
        process.on('warning', (w) => warnings.push([w.name, w.code, w.message]));
        let error = null;
        for (let i = 0; i < 2; i++) {
          try {
            const s = tls.connect({ port: 1, host: '127.0.0.1', servername: '127.0.0.1' });
            s.on('error', () => {});
            s.destroy();
          } catch (e) { error = [e.name, e.code, e.message]; }
        }
        setImmediate(() => console.log(JSON.stringify({ error, warnings })));`;
      const ref = await child('tls', source);
      assert.ok(ref.error || ref.warnings.length === 1, JSON.stringify(ref));
      assert.deepStrictEqual(await child(IMPL_PATH, source), ref);
    });

    it('a PFX in algorithms OpenSSL no longer offers (RC2, as `-legacy` writes) is refused as by the built-in', async function () {
      h.needOpenssl(this);
      const dir = h.tmpDir();
      const file = path.join(dir, 'legacy.pfx');
      const made = await run('openssl', ['pkcs12', '-export', '-legacy', '-in', h.fixturePath('server.pem'),
                                         '-inkey', h.fixturePath('server.key'), '-passout', 'pass:legacy',
                                         '-out', file]).then(() => true, () => false);
      if (!made) {
        console.log('      (skipped: this openssl command cannot write a legacy PKCS#12 file)');
        this.skip();
      }
      const pfx = fs.readFileSync(file);
      const ref = thrown(() => builtin.createSecureContext({ pfx, passphrase: 'legacy' }));
      assert.deepStrictEqual(thrown(() => uvtls.createSecureContext({ pfx, passphrase: 'legacy' })), ref);
    });

    it('a PSK identity hint OpenSSL refuses: the built-in\'s code for it (spelled IDENTIY up to Node 22)', async function () {
      async function hintError(impl) {
        const server = await h.startServer(impl, {
          ciphers: 'PSK+HIGH', pskCallback: () => {}, pskIdentityHint: 'a'.repeat(512),
        });
        const reported = h.waitEvent(server, 'tlsClientError', 5000);
        const client = builtin.connect({
          port: server.address().port, host: h.HOST, ciphers: 'PSK+HIGH',
          checkServerIdentity: () => undefined, pskCallback: () => {},
        });
        h.trackSocket(client);
        const clientError = h.waitEvent(client, 'error', 5000);
        const [err] = await reported;
        const [cerr] = await clientError;
        server.close();
        return { code: err.code, message: err.message, isError: err instanceof Error, client: cerr.code };
      }
      const ref = await hintError(builtin);
      assert.match(ref.code, /^ERR_TLS_PSK_SET_IDENTI/);
      assert.deepStrictEqual(await hintError(uvtls), ref);
    });

    it('verification errors read as the built-in words them (Node 24 adds a --use-system-ca hint)', async function () {
      for (const [creds, ca] of [['self', undefined], ['rsa', undefined], ['leaf-only', fx.ca], ['expired', fx.ca]]) {
        const outcome = async (impl) => {
          const server = await h.startServer(builtin, h.serverCreds(creds), (s) => s.end());
          const err = await h.connect(impl, server, { ca }).then((c) => { c.destroy(); return null; }, (e) => e);
          server.close();
          return err && { code: err.code, message: err.message, stackHead: err.stack.split('\n')[0] };
        };
        const ref = await outcome(builtin);
        assert.ok(ref, `${creds} fails`);
        assert.deepStrictEqual(await outcome(uvtls), ref, creds);
      }
    });
  });
});
