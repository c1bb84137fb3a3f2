'use strict';
// tls.createSecurePair(), the legacy API (DEP0064): a TLSSocket (`cleartext`)
// whose ciphertext the application carries itself through `encrypted`.
// Here the ciphertext goes over real loopback TCP sockets to and from the
// built-in's and uvtls's clients and servers, and each observation is
// compared with what the built-in's own SecurePair gives in the same place.


const assert = require('assert');
const net = require('net');
const path = require('path');
const { execFile } = require('child_process');
const { promisify } = require('util');
const EventEmitter = require('events');
const { Duplex } = require('stream');
const h = require('./helpers');
const {
  quietly, createPair, serverContext, connectPair, record,
} = require('./support/secure-pair');

const { fx, uvtls, builtin } = h;
const ROOT = path.join(__dirname, '..');
const IMPL_PATH = process.env.UVTLS_TEST_IMPL === 'builtin' ? 'tls' : ROOT;

describe('tls.createSecurePair()', function () {
  afterEach(h.cleanup);

  // Node 24 removed createSecurePair(); uvtls then has none either (the
  // module shape spec in api.test.js checks that).
  before(function () {
    if (typeof builtin.createSecurePair !== 'function') {
      console.log(`      (skipped: the built-in tls of Node ${process.version} has no createSecurePair)`);
      this.skip();
    }
  });

  it('has the built-in\'s shape: a SecurePair with server, credentials, encrypted, cleartext, destroy()', function () {
    const shape = (impl) => {
      const ctx = impl.createSecureContext();
      const server = new EventEmitter();
      const pair = createPair(impl, ctx, true, false, false, { server });
      const info = {
        name: pair.constructor.name,
        emitter: pair instanceof EventEmitter,
        keys: Object.keys(pair).filter((k) => !k.startsWith('_')),
        methods: Object.getOwnPropertyNames(Object.getPrototypeOf(pair)).sort(),
        server: pair.server === server,
        credentials: pair.credentials === ctx,
        cleartextIsTLSSocket: pair.cleartext instanceof impl.TLSSocket,
        encryptedIsDuplex: pair.encrypted instanceof Duplex,
        encryptedIsSocket: pair.encrypted instanceof net.Socket,
        writable: [pair.encrypted.writable, pair.cleartext.writable],
        tlsOptions: ['isServer', 'requestCert', 'rejectUnauthorized']
          .map((k) => pair.cleartext._tlsOptions[k]),
        encrypted: pair.cleartext.encrypted,
      };
      pair.destroy();
      return info;
    };
    const got = shape(uvtls);
    assert.deepStrictEqual(got, {
      name: 'SecurePair',
      emitter: true,
      keys: ['server', 'credentials', 'encrypted', 'cleartext'],
      methods: ['constructor', 'destroy'],
      server: true,
      credentials: true,
      cleartextIsTLSSocket: true,
      encryptedIsDuplex: true,
      encryptedIsSocket: false,
      writable: [true, true],
      tlsOptions: [true, false, false],
      encrypted: true,
    });
    assert.deepStrictEqual(got, shape(builtin));
  });

  it('defaults as the built-in: a context is made, requestCert = !isServer, rejectUnauthorized = false', function () {
    const defaults = (impl) => [[], [undefined, true], [null, false], [null, true, true, true]].map((args) => {
      const pair = createPair(impl, ...args);
      const o = pair.cleartext._tlsOptions;
      const info = {
        credentials: pair.credentials === null ? null : pair.credentials instanceof impl.SecureContext,
        server: pair.server,
        options: [o.isServer, o.requestCert, o.rejectUnauthorized],
      };
      pair.destroy();
      return info;
    });
    const got = defaults(uvtls);
    assert.deepStrictEqual(got, [
      { credentials: true, server: undefined, options: [false, true, false] },
      { credentials: true, server: undefined, options: [true, false, false] },
      { credentials: null, server: undefined, options: [false, true, false] },
      { credentials: null, server: undefined, options: [true, true, true] },
    ]);
    assert.deepStrictEqual(got, defaults(builtin));
  });

  it('refuses a context that is not a SecureContext, as the built-in does', function () {
    for (const bad of [{}, 1, 'context', { context: {} }]) {
      const expected = quietly(() => {
        try { builtin.createSecurePair(bad); } catch (err) { return err; }
        return null;
      });
      assert.ok(expected, `the built-in accepts ${JSON.stringify(bad)}`);
      assert.throws(() => quietly(() => uvtls.createSecurePair(bad)),
                    { name: expected.name, code: 'ERR_TLS_INVALID_CONTEXT', message: expected.message });
    }
  });

  describe('the deprecation warning (in a child process)', function () {
    // Runs `body` in a fresh node with `tls` bound to the implementation under
    // test and `builtin` to node:tls; prints the warnings it got as JSON.
    async function warnings(body, flags = []) {
      const script = `
        const tls = require(${JSON.stringify(IMPL_PATH)});
        const builtin = require('tls');
        const got = [];
        process.on('warning', (w) => got.push({ name: w.name, code: w.code, message: w.message }));
        process.on('uncaughtException', (e) => got.push({ uncaught: e.name, code: e.code }));
        ${body}
        setTimeout(() => console.log(JSON.stringify(got)), 50);`;
      const { stdout } = await promisify(execFile)(process.execPath, [...flags, '-e', script],
                                                   { timeout: 10000 });
      return JSON.parse(stdout);
    }
    const DEP0064 = {
      name: 'DeprecationWarning',
      code: 'DEP0064',
      message: 'tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.',
    };

    it('is DEP0064, emitted once per process however many pairs are made', async function () {
      const got = await warnings(`
        tls.createSecurePair().destroy();
        tls.createSecurePair(tls.createSecureContext(), true).destroy();
        tls.createSecurePair(null, false, false, false, {}).destroy();`);
      assert.deepStrictEqual(got, [DEP0064]);
    });

    it('is the same warning as the built-in\'s: one between both', async function () {
      const got = await warnings(`
        tls.createSecurePair().destroy();
        builtin.createSecurePair().destroy();`);
      assert.deepStrictEqual(got, [DEP0064]);
    });

    it('is not emitted with --no-deprecation, and is thrown with --throw-deprecation', async function () {
      assert.deepStrictEqual(await warnings('tls.createSecurePair().destroy();', ['--no-deprecation']), []);
      // As with the built-in, the warning is thrown from where it is
      // emitted (not from the call), so it arrives as an uncaught exception.
      const thrown = await warnings('tls.createSecurePair();', ['--throw-deprecation']);
      assert.deepStrictEqual(thrown, [{ uncaught: 'DeprecationWarning', code: 'DEP0064' }]);
    });
  });


  describe('client side, over TCP', function () {
    for (const [serverLabel, serverImpl] of [['built-in tls.createServer', builtin],
                                             ['uvtls tls.createServer', uvtls]]) {
      describe(`to a ${serverLabel}`, function () {
        async function hello(pairImpl, { serverOptions = {}, pairOptions = {}, clientCert = false } = {}) {
          const server = await h.startServer(serverImpl, { ...h.serverCreds(), ...serverOptions }, (sock) => {
            sock.on('error', () => {});
            sock.on('data', (d) => sock.write(`${d}`.toUpperCase()));
            sock.on('end', () => sock.end());
          });
          const ctx = pairImpl.createSecureContext(
            clientCert ? { ca: fx.ca, key: fx.clientKey, cert: fx.clientCert } : { ca: fx.ca });
          const serverSide = h.withTimeout(new Promise((resolve) => {
            server.once('secureConnection', resolve);
            server.once('tlsClientError', () => resolve(null));
          }), 5000, 'the server\'s handshake');
          const { pair } = await connectPair(pairImpl, server.address().port,
                                             [ctx, false, false, false, { servername: 'localhost', ...pairOptions }]);
          const rec = record(pair);
          // As with the built-in, the handshake starts with the first write.
          pair.cleartext.write('hello');
          await h.withTimeout(new Promise((resolve) => {
            pair.cleartext.on('data', () => { if (rec.data.length >= 5) resolve(); });
            pair.cleartext.once('close', resolve);
          }), 5000, 'the answer');
          const peer = pair.cleartext.getPeerCertificate();
          const serverSock = await serverSide;
          const obs = {
            secure: rec.secure,
            data: rec.data,
            errors: rec.errors,
            peerCN: peer && peer.subject ? peer.subject.CN : null,
            authorized: pair.cleartext.authorized,
            authorizationError: pair.cleartext.authorizationError,
            servername: serverSock ? serverSock.servername : null,
            serverSawClientCert: serverSock ? serverSock.getPeerCertificate().subject?.CN ?? null : null,
          };
          pair.cleartext.end();
          await rec.closed;
          obs.ended = rec.ended;
          return obs;
        }

        it('handshakes on the first write, emits secure, and gets the answer', async function () {
          const got = await hello(uvtls);
          assert.deepStrictEqual(got, {
            secure: 1,
            data: 'HELLO',
            errors: [],
            peerCN: 'localhost',
            authorized: false,
            authorizationError: null,
            // The fifth argument's servername is not sent (as the built-in).
            servername: false,
            serverSawClientCert: null,
            ended: true,
          });
          assert.deepStrictEqual(got, await hello(builtin));
        });

        it('presents its certificate to a server that asks for one', async function () {
          const opts = { serverOptions: { requestCert: true, rejectUnauthorized: true, ca: fx.ca }, clientCert: true };
          const got = await hello(uvtls, opts);
          assert.strictEqual(got.serverSawClientCert, 'uvtls test client');
          assert.strictEqual(got.data, 'HELLO');
          assert.deepStrictEqual(got, await hello(builtin, opts));
        });

        it('a certificate the server does not trust: cut off, as the built-in\'s pair is', async function () {
          const opts = { serverOptions: { requestCert: true, rejectUnauthorized: true, ca: fx.otherCa }, clientCert: true };
          const got = await hello(uvtls, opts);
          // TLS 1.3: the client is done before the server judges its
          // certificate; the server then drops the connection.
          assert.strictEqual(got.secure, 1);
          assert.strictEqual(got.data, '');
          assert.deepStrictEqual(got.errors, []);
          assert.strictEqual(got.serverSawClientCert, null);
          assert.strictEqual(got.ended, true);
          assert.deepStrictEqual(got, await hello(builtin, opts));
        });

        it('does not verify the server itself, even with rejectUnauthorized (as the built-in)', async function () {
          const opts = { serverOptions: h.serverCreds('self'), pairOptions: { rejectUnauthorized: true } };
          const got = await hello(uvtls, opts);
          assert.strictEqual(got.data, 'HELLO');
          assert.strictEqual(got.authorized, false);
          assert.deepStrictEqual(got, await hello(builtin, opts));
        });
      });
    }
  });

  describe('in memory, pair to pair', function () {
    function linkedPairs(serverImpl, clientImpl) {
      const server = createPair(serverImpl, serverContext(serverImpl), true, false, false);
      const client = createPair(clientImpl, clientImpl.createSecureContext({ ca: fx.ca }), false, false, false,
                                { servername: 'localhost' });
      server.encrypted.pipe(client.encrypted);
      client.encrypted.pipe(server.encrypted);
      return { server, client };
    }

    for (const [label, serverImpl, clientImpl] of [['uvtls server, built-in client', uvtls, builtin],
                                                   ['built-in server, uvtls client', builtin, uvtls],
                                                   ['uvtls both', uvtls, uvtls]]) {
      it(`${label}: secure on both, data both ways, end() reaches the other cleartext`, async function () {
        const { server, client } = linkedPairs(serverImpl, clientImpl);
        const secure = Promise.all([h.waitEvent(server, 'secure', 5000), h.waitEvent(client, 'secure', 5000)]);
        const up = h.readBytes(server.cleartext, 2);
        client.cleartext.write('up');
        await secure;
        assert.strictEqual((await up).toString(), 'up');
        const down = h.collect(client.cleartext);
        server.cleartext.end('down');
        assert.strictEqual((await down).toString(), 'down');
        assert.strictEqual(client.cleartext.getPeerCertificate().subject.CN, 'localhost');
        server.destroy();
        client.destroy();
      });
    }

    it('backpressure crosses the pair: an unread encrypted side holds back cleartext writes', async function () {
      const { server, client } = linkedPairs(uvtls, uvtls);
      const first = h.readBytes(server.cleartext, 1);
      client.cleartext.write('x');
      await Promise.all([h.waitEvent(client, 'secure', 5000), first]);
      server.encrypted.unpipe(client.encrypted);
      server.encrypted.pause();
      const total = 8 * 1024 * 1024;
      let handedOver = false;
      const sent = h.sendData(server.cleartext, total, { end: false }).then((r) => { handedOver = true; return r; });
      await h.delay(100);
      assert.strictEqual(handedOver, false, 'all of it was taken with nobody reading');
      assert.ok(server.encrypted.readableLength <= 1024 * 1024,
                `encrypted holds ${server.encrypted.readableLength} bytes`);
      const got = h.readBytes(client.cleartext, total, 20000);
      server.encrypted.pipe(client.encrypted);
      const { hash } = await h.withTimeout(sent, 20000, 'sending');
      const data = await got;
      assert.strictEqual(data.length, total);
      assert.strictEqual(h.sha256(data), hash);
      server.destroy();
      client.destroy();
    });

    it('pair.destroy() closes both of its ends, with no error', async function () {
      const { server, client } = linkedPairs(uvtls, uvtls);
      client.cleartext.write('x');
      await h.waitEvent(client, 'secure', 5000);
      const ends = [client.cleartext, client.encrypted].map((s) => h.watch(s).closed);
      client.destroy();
      const [clear, enc] = await h.withTimeout(Promise.all(ends), 5000, 'close');
      assert.strictEqual(clear.error, null);
      assert.strictEqual(enc.error, null);
      server.destroy();
    });

    it('destroying encrypted closes cleartext (the built-in\'s would stay open)', async function () {
      if (process.env.UVTLS_TEST_IMPL === 'builtin') this.skip();
      const { server, client } = linkedPairs(uvtls, uvtls);
      client.cleartext.write('x');
      await Promise.all([h.waitEvent(client, 'secure', 5000), h.waitEvent(server, 'secure', 5000)]);
      const clear = h.watch(server.cleartext);
      const enc = h.watch(server.encrypted);
      server.cleartext.resume();
      server.encrypted.destroy(new Error('the transport failed'));
      const rec = await h.withTimeout(clear.closed, 5000, 'cleartext close');
      // The error stays with the stream destroyed with it.
      assert.strictEqual((await enc.closed).error.message, 'the transport failed');
      assert.strictEqual(rec.error, null);
      // What it had received was still read, then EOF.
      assert.deepStrictEqual(rec.events, ['end', 'close']);
      client.destroy();

      // A client pair that was never written to (so never started).
      const idle = createPair(uvtls, uvtls.createSecureContext({ ca: fx.ca }), false);
      const idleClear = h.watch(idle.cleartext);
      idle.encrypted.destroy();
      const idleRec = await h.withTimeout(idleClear.closed, 5000, 'idle cleartext close');
      assert.deepStrictEqual(idleRec.events, ['close']);
    });

    it('destroying cleartext ends encrypted after what it holds (the TLS alert, then EOF)', async function () {
      if (process.env.UVTLS_TEST_IMPL === 'builtin') this.skip();
      const server = createPair(uvtls, serverContext(uvtls), true, true, true);
      const client = createPair(uvtls, uvtls.createSecureContext({ ca: fx.ca }), false, false, false);
      server.encrypted.pipe(client.encrypted);
      client.encrypted.pipe(server.encrypted);
      const serverErr = h.waitEvent(server.cleartext, 'error', 5000);
      let afterHandshake = 0;
      client.on('secure', () => server.encrypted.on('data', (d) => { afterHandshake += d.length; }));
      const enc = h.watch(server.encrypted);
      const clientEnd = h.waitEvent(client.cleartext, 'end', 5000);
      client.cleartext.write('no certificate');
      client.cleartext.resume();
      assert.strictEqual((await serverErr)[0].code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
      const rec = await h.withTimeout(enc.closed, 5000, 'encrypted close');
      assert.deepStrictEqual(rec.events, ['end', 'close']);
      assert.ok(afterHandshake > 0, 'the alert was not delivered');
      // The peer is not left waiting.
      await clientEnd;
      client.destroy();
    });
  });
});
