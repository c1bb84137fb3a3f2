'use strict';

const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { PassThrough, Readable } = require('stream');
const h = require('./helpers');

const { uvtls, builtin, DIRECTIONS } = h;

describe('api', function () {
  afterEach(h.cleanup);

  describe('module shape', function () {
    it('exports exactly the names of require("tls"), in its order', function () {
      assert.deepStrictEqual(Object.keys(uvtls), Object.keys(builtin));
    });

    it('every export has the same type as the built-in one', function () {
      for (const name of Object.keys(builtin)) {
        assert.strictEqual(typeof uvtls[name], typeof builtin[name], name);
      }
    });

    it('constants and data exports equal the built-in ones', function () {
      const data = Object.keys(builtin).filter((k) => typeof builtin[k] !== 'function');
      assert.ok(data.includes('DEFAULT_CIPHERS'));
      assert.ok(data.includes('DEFAULT_MIN_VERSION'));
      for (const name of data) assert.deepStrictEqual(uvtls[name], builtin[name], name);
      assert.strictEqual(uvtls.DEFAULT_MIN_VERSION, builtin.DEFAULT_MIN_VERSION);
      assert.strictEqual(uvtls.DEFAULT_MAX_VERSION, builtin.DEFAULT_MAX_VERSION);
      assert.strictEqual(uvtls.DEFAULT_ECDH_CURVE, builtin.DEFAULT_ECDH_CURVE);
      assert.strictEqual(uvtls.DEFAULT_CIPHERS, builtin.DEFAULT_CIPHERS);
    });

    it('rootCertificates equals the built-in list and is frozen like it', function () {
      assert.ok(builtin.rootCertificates.length > 50);
      assert.deepStrictEqual(uvtls.rootCertificates, builtin.rootCertificates);
      assert.strictEqual(Object.isFrozen(uvtls.rootCertificates), Object.isFrozen(builtin.rootCertificates));
    });

    it('getCiphers() equals the built-in list', function () {
      assert.ok(builtin.getCiphers().length > 10);
      assert.deepStrictEqual(uvtls.getCiphers(), builtin.getCiphers());
    });

    it('new Server() is a net.Server; createServer returns a Server', function () {
      const s = new uvtls.Server();
      assert.ok(s instanceof net.Server);
      assert.ok(s instanceof uvtls.Server);
      const s2 = uvtls.createServer(h.serverCreds());
      assert.ok(s2 instanceof uvtls.Server);
      assert.ok(s2 instanceof net.Server);
      assert.strictEqual(s.listening, false);
    });

    it('TLSSocket extends net.Socket', function () {
      assert.ok(uvtls.TLSSocket.prototype instanceof net.Socket);
    });

    it('createSecureContext returns a SecureContext', function () {
      const ctx = uvtls.createSecureContext(h.serverCreds());
      assert.ok(ctx instanceof uvtls.SecureContext);
      assert.ok(ctx.context, 'has a .context like the built-in');
    });
  });

  describe('option validation throws like the built-in', function () {
    const CASES = [
      ['createServer handshakeTimeout string', (t) => t.createServer({ handshakeTimeout: 'x' })],
      ['createServer sessionTimeout string', (t) => t.createServer({ sessionTimeout: '1' })],
      ['createServer ticketKeys of 10 bytes', (t) => t.createServer({ ticketKeys: Buffer.alloc(10) })],
      ['createServer pskCallback number', (t) => t.createServer({ pskCallback: 5 })],
      ['createSecureContext minVersion TLSv9', (t) => t.createSecureContext({ minVersion: 'TLSv9' })],
      ['createSecureContext ciphers number', (t) => t.createSecureContext({ ciphers: 5 })],
      ['createSecureContext unknown ciphers', (t) => t.createSecureContext({ ciphers: 'NOPE' })],
      ['createSecureContext key number', (t) => t.createSecureContext({ key: 5 })],
      ['createSecureContext ca number', (t) => t.createSecureContext({ ca: 5 })],
      ['createSecureContext key not PEM', (t) => t.createSecureContext({ key: 'not a key', cert: h.fx.serverCert })],
      ['createSecureContext cert not PEM', (t) => t.createSecureContext({ cert: 'not a cert' })],
      ['createSecureContext unknown ecdhCurve', (t) => t.createSecureContext({ ecdhCurve: 'nope' })],
      ['connect maxVersion SSLv3', (t) => t.connect({ port: 1, host: h.HOST, maxVersion: 'SSLv3' })],
      ['connect port 70000', (t) => t.connect({ port: 70000, host: h.HOST })],
    ];

    function outcome(fn, impl) {
      try {
        const r = fn(impl);
        if (r && typeof r.destroy === 'function') {
          r.on('error', () => {});
          r.destroy();
        }
        return { threw: false };
      } catch (err) {
        const base = [RangeError, TypeError, SyntaxError, Error].find((C) => err instanceof C);
        return { threw: true, name: err.name, code: err.code, message: err.message, instanceOf: base && base.name };
      }
    }

    for (const [name, fn] of CASES) {
      it(name, function () {
        const ref = outcome(fn, builtin);
        assert.strictEqual(ref.threw, true, 'the built-in throws');
        assert.deepStrictEqual(outcome(fn, uvtls), ref);
      });
    }
  });

  describe('connect() signatures', function () {
    for (const [label, , serverImpl] of [['builtin server', null, builtin], ['uvtls server', null, uvtls]]) {
      describe(`against a ${label}`, function () {
        async function check(makeSocket, { servername = 'localhost' } = {}) {
          const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end(`hello ${s.servername}`));
          let cbCalled = 0;
          const cb = () => { cbCalled++; };
          const sock = makeSocket(server.address().port, cb);
          h.trackSocket(sock);
          assert.ok(sock instanceof uvtls.TLSSocket);
          assert.ok(sock instanceof net.Socket);
          const data = h.collect(sock);
          await h.waitEvent(sock, 'secureConnect');
          assert.strictEqual(sock.authorized, true);
          assert.strictEqual((await data).toString(), `hello ${servername}`);
          assert.strictEqual(cbCalled, 1, 'callback called once');
        }

        it('connect(port, host, options, callback)', async function () {
          await check((port, cb) => uvtls.connect(port, h.HOST, { ca: h.fx.ca, servername: 'localhost' }, cb));
        });

        it('connect(port, options, callback)', async function () {
          await check((port, cb) => uvtls.connect(port, { ca: h.fx.ca, host: h.HOST }, cb), { servername: 'false' });
        });

        it('connect(options, callback)', async function () {
          await check((port, cb) => uvtls.connect({ port, host: h.HOST, ca: h.fx.ca, servername: 'localhost' }, cb));
        });

        it('connect(path, options, callback) and connect({ path })', async function () {
          const sockPath = path.join(h.tmpDir(), 's.sock');
          const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end('over unix'), sockPath);
          assert.strictEqual(server.address(), sockPath);
          for (const make of [
            (cb) => uvtls.connect(sockPath, { ca: h.fx.ca }, cb),
            (cb) => uvtls.connect({ path: sockPath, ca: h.fx.ca }, cb),
          ]) {
            let called = false;
            const sock = make(() => { called = true; });
            h.trackSocket(sock);
            const data = h.collect(sock);
            await h.waitEvent(sock, 'secureConnect');
            assert.ok(called);
            // No host given: the identity is checked against "localhost".
            assert.strictEqual(sock.authorized, true);
            assert.strictEqual((await data).toString(), 'over unix');
          }
        });

        it('connect({ socket }) over an existing net.Socket', async function () {
          const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end(`hello ${s.servername}`));
          const raw = net.connect(server.address().port, h.HOST);
          h.trackSocket(raw);
          await h.waitEvent(raw, 'connect');
          const sock = uvtls.connect({ socket: raw, ca: h.fx.ca, servername: 'localhost' });
          h.trackSocket(sock);
          const data = h.collect(sock);
          await h.waitEvent(sock, 'secureConnect');
          assert.strictEqual(sock.authorized, true);
          assert.strictEqual((await data).toString(), 'hello localhost');
        });
      });
    }
  });

  describe('server', function () {
    it('address() has the built-in shape; listen and close return the server', async function () {
      const ref = await h.startServer(builtin, h.serverCreds());
      const s = uvtls.createServer(h.serverCreds());
      h.trackServer(s);
      const ret = s.listen(0, h.HOST);
      assert.strictEqual(ret, s);
      await h.waitEvent(s, 'listening');
      assert.strictEqual(s.listening, true);
      const a = s.address();
      const b = ref.address();
      assert.deepStrictEqual(Object.keys(a).sort(), Object.keys(b).sort());
      assert.strictEqual(a.address, '127.0.0.1');
      assert.strictEqual(a.family, b.family);
      assert.strictEqual(typeof a.port, 'number');
      assert.ok(a.port > 0);
      const closed = h.waitEvent(s, 'close');
      assert.strictEqual(s.close(), s);
      await closed;
      assert.strictEqual(s.listening, false);
    });

    it('listens on ::1 and serves IPv6 clients (skipped without IPv6)', async function () {
      let server;
      try {
        server = await h.startServer(uvtls, h.serverCreds(), null, { host: '::1', port: 0 });
      } catch (err) {
        if (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT') this.skip();
        throw err;
      }
      assert.strictEqual(server.address().family, 'IPv6');
      assert.strictEqual(server.address().address, '::1');
      const serverSide = h.waitEvent(server, 'secureConnection');
      const client = await h.connect(builtin, server, { host: '::1', servername: undefined });
      const [serverSocket] = await serverSide;
      assert.strictEqual(client.authorized, true, 'IP SAN ::1 matches');
      assert.strictEqual(serverSocket.remoteFamily, 'IPv6');
      assert.strictEqual(serverSocket.remoteAddress, '::1');
      assert.strictEqual(serverSocket.remotePort, client.localPort);
    });

    it('getConnections() counts live connections', async function () {
      const server = await h.startServer(uvtls, h.serverCreds());
      assert.strictEqual(await h.connectionCount(server), 0);
      const a = await h.connect(builtin, server);
      const b = await h.connect(builtin, server);
      await h.waitForConnections(server, 2);
      const aw = h.watch(a);
      a.end();
      await aw.closed;
      await h.waitForConnections(server, 1);
      b.destroy();
      await h.waitForConnections(server, 0);
    });

    it('emits "listening", and "close" after close()', async function () {
      const s = uvtls.createServer(h.serverCreds());
      h.trackServer(s);
      const listening = h.waitEvent(s, 'listening');
      s.listen(0, h.HOST);
      await listening;
      const closed = h.waitEvent(s, 'close');
      s.close();
      await closed;
    });

    it('listen() on a busy port emits EADDRINUSE', async function () {
      const taken = await h.startServer(builtin, h.serverCreds());
      const s = uvtls.createServer(h.serverCreds());
      h.trackServer(s);
      s.listen(taken.address().port, h.HOST);
      const [err] = await h.waitEvent(s, 'error');
      assert.strictEqual(err.code, 'EADDRINUSE');
    });
  });

  describe('ref() / unref() (in a child process)', function () {
    this.timeout(20000);
    const helpersPath = path.join(__dirname, 'helpers.js');

    // Runs `body` in a child node with `h` (the helpers) in scope. Resolves
    // { exited: true, code, out } if it exits, or { exited: false, out } if
    // it is still running `holdMs` after printing a line matching `ready`
    // (then it is killed). Bounded by `ms` overall.
    function runChild(body, { ready = /ready/, holdMs = 1000, ms = 10000 } = {}) {
      const script = `const h = require(${JSON.stringify(helpersPath)});\n(async () => {\n${body}\n})()` +
        '.catch((e) => { console.error(e); process.exit(99); });';
      const child = childProcess.spawn(process.execPath, ['-e', script], {
        env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
      });
      h.trackChild(child);
      let out = '';
      return new Promise((resolve) => {
        let holdTimer = null;
        const stillRunning = () => {
          clearTimeout(overall);
          child.kill('SIGKILL');
          resolve({ exited: false, out });
        };
        const overall = setTimeout(stillRunning, ms);
        const onOutput = (d) => {
          out += d;
          if (!holdTimer && ready.test(out)) holdTimer = setTimeout(stillRunning, holdMs);
        };
        child.stdout.on('data', onOutput);
        child.stderr.on('data', onOutput);
        child.once('close', (code) => {
          clearTimeout(overall);
          clearTimeout(holdTimer);
          resolve({ exited: true, code, out });
        });
      });
    }

    it('an unref()ed listening server lets the process exit', async function () {
      const r = await runChild(`
        const s = h.uvtls.createServer(h.serverCreds());
        s.listen(0, '127.0.0.1', () => { if (s.unref() !== s) process.exit(2); console.log('listening'); });`,
      { ready: /listening/ });
      assert.ok(r.exited, `child still running: ${r.out}`);
      assert.strictEqual(r.code, 0, r.out);
      assert.match(r.out, /listening/);
    });

    it('unref() then ref() keeps the process alive', async function () {
      const r = await runChild(`
        const s = h.uvtls.createServer(h.serverCreds());
        s.listen(0, '127.0.0.1', () => { s.unref(); if (s.ref() !== s) process.exit(2); console.log('listening'); });`,
      { ready: /listening/ });
      assert.strictEqual(r.exited, false, `child exited: ${r.out}`);
      assert.match(r.out, /listening/);
    });

    it('an unref()ed connected client socket lets the process exit', async function () {
      const server = await h.startServer(builtin, h.serverCreds());
      const r = await runChild(`
        const c = h.uvtls.connect({ host: '127.0.0.1', port: ${server.address().port}, ca: h.fx.ca, servername: 'localhost' }, () => {
          if (c.unref() !== c) process.exit(2);
          console.log('connected');
        });`, { ready: /connected/ });
      assert.ok(r.exited, `child still running: ${r.out}`);
      assert.strictEqual(r.code, 0, r.out);
      assert.match(r.out, /connected/);
    });

    it('a connected client socket keeps the process alive', async function () {
      const server = await h.startServer(builtin, h.serverCreds());
      const r = await runChild(`
        const c = h.uvtls.connect({ host: '127.0.0.1', port: ${server.address().port}, ca: h.fx.ca, servername: 'localhost' }, () => {
          c.unref(); c.ref();
          console.log('connected');
        });`, { ready: /connected/ });
      assert.strictEqual(r.exited, false, `child exited: ${r.out}`);
      assert.match(r.out, /connected/);
    });
  });

  for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
    describe(`socket (${label})`, function () {
      async function pair(serverOpts = {}, clientOpts = {}) {
        const server = await h.startServer(serverImpl, { ...h.serverCreds(), ...serverOpts });
        const { client, serverSocket } = await h.connectPair(clientImpl, server, clientOpts);
        return { server, client, serverSocket };
      }

      it('instances: client and server sockets are TLSSockets and net.Sockets', async function () {
        const { server, client, serverSocket } = await pair();
        assert.ok(client instanceof clientImpl.TLSSocket);
        assert.ok(client instanceof net.Socket);
        assert.ok(serverSocket instanceof serverImpl.TLSSocket);
        assert.ok(serverSocket instanceof net.Socket);
        assert.ok(server instanceof net.Server);
      });

      it('addresses, ports and families match what the peer sees', async function () {
        const { server, client, serverSocket } = await pair();
        assert.strictEqual(client.remoteAddress, '127.0.0.1');
        assert.strictEqual(client.remoteFamily, 'IPv4');
        assert.strictEqual(client.remotePort, server.address().port);
        assert.strictEqual(client.remoteAddress, serverSocket.localAddress);
        assert.strictEqual(client.remotePort, serverSocket.localPort);
        assert.strictEqual(client.localAddress, serverSocket.remoteAddress);
        assert.strictEqual(client.localPort, serverSocket.remotePort);
        assert.strictEqual(serverSocket.remoteFamily, 'IPv4');
        assert.deepStrictEqual(client.address(), {
          address: serverSocket.remoteAddress, family: 'IPv4', port: serverSocket.remotePort,
        });
        assert.deepStrictEqual(serverSocket.address(), server.address());
      });

      it('the TLS handle has the socket\'s descriptor (ssl.fd), until it closes', async function () {
        const { client, serverSocket } = await pair();
        for (const socket of [client, serverSocket]) {
          assert(Number.isInteger(socket.ssl.fd) && socket.ssl.fd > 2, String(socket.ssl.fd));
          assert.strictEqual(socket._handle.fd, socket.ssl.fd);
        }
        assert.notStrictEqual(client.ssl.fd, serverSocket.ssl.fd);
        client.destroy();
        assert.strictEqual(client.ssl, null);
      });

      it('bytesRead / bytesWritten count plaintext and match the peer', async function () {
        const { client, serverSocket } = await pair();
        client.write(Buffer.alloc(1234, 1));
        serverSocket.write(Buffer.alloc(567, 2));
        await Promise.all([h.readBytes(serverSocket, 1234), h.readBytes(client, 567)]);
        assert.strictEqual(client.bytesWritten, 1234);
        assert.strictEqual(serverSocket.bytesRead, 1234);
        assert.strictEqual(serverSocket.bytesWritten, 567);
        assert.strictEqual(client.bytesRead, 567);
        const cw = h.watch(client);
        client.end();
        await cw.closed;
        assert.strictEqual(client.bytesWritten, 1234, 'still readable after close');
        assert.strictEqual(client.bytesRead, 567);
      });

      it('setEncoding("utf8") yields whole characters split across writes', async function () {
        const { client, serverSocket } = await pair();
        client.setEncoding('utf8');
        const text = 'héllo € 𝄞 wörld';
        const bytes = Buffer.from(text);
        const chunks = [];
        client.on('data', (d) => chunks.push(d));
        const done = h.waitEvent(client, 'end');
        for (let i = 0; i < bytes.length; i++) {
          serverSocket.write(bytes.subarray(i, i + 1));
          if (i % 3 === 0) await h.delay(2);
        }
        serverSocket.end();
        await done;
        assert.ok(chunks.every((c) => typeof c === 'string'));
        assert.strictEqual(chunks.join(''), text);
        assert.ok(!chunks.join('').includes('\ufffd'));
      });

      it('write(data, encoding, callback) decodes and calls back in order', async function () {
        const { client, serverSocket } = await pair();
        const order = [];
        client.write('68656c6c6f', 'hex', (err) => order.push(['hex', err]));
        client.write('IHdvcmxk', 'base64', (err) => order.push(['base64', err]));
        client.write(new Uint8Array([33]), (err) => order.push(['u8', err]));
        client.end(() => order.push(['end']));
        assert.strictEqual((await h.collect(serverSocket)).toString(), 'hello world!');
        for (let i = 0; i < 100 && order.length < 4; i++) await h.delay(5);
        assert.deepStrictEqual(order.map((o) => o[0]), ['hex', 'base64', 'u8', 'end']);
        for (const o of order.slice(0, 3)) assert.ok(o[1] === null || o[1] === undefined, `no error for ${o[0]}`);
      });

      it('pause() stops "data", resume() delivers it', async function () {
        const { client, serverSocket } = await pair();
        client.pause();
        assert.strictEqual(client.isPaused(), true);
        let got = '';
        client.on('data', (d) => { got += d; });
        assert.strictEqual(client.isPaused(), true, 'adding a data listener after pause() does not resume');
        serverSocket.write('while paused');
        await h.delay(100);
        assert.strictEqual(got, '', 'no data while paused');
        client.resume();
        for (let i = 0; i < 200 && got.length < 12; i++) await h.delay(5);
        assert.strictEqual(got, 'while paused');
      });

      it('pipe(): a file into the socket, the socket into a writable', async function () {
        const { client, serverSocket } = await pair();
        const file = h.fixturePath('leaf-chain.pem');
        const sink = new PassThrough();
        serverSocket.pipe(sink);
        const received = h.collect(sink);
        fs.createReadStream(file, { highWaterMark: 100 }).pipe(client);
        assert.deepStrictEqual(await received, fs.readFileSync(file));
      });

      it('Readable.from(...).pipe(socket) and socket as async iterator', async function () {
        const { client, serverSocket } = await pair();
        Readable.from(['one ', 'two ', 'three']).pipe(serverSocket);
        let text = '';
        for await (const chunk of client) text += chunk;
        assert.strictEqual(text, 'one two three');
      });

      it('cork() holds writes until uncork()', async function () {
        const { client, serverSocket } = await pair();
        let got = '';
        serverSocket.on('data', (d) => { got += d; });
        client.cork();
        client.write('a');
        client.write('b');
        client.write('c');
        assert.strictEqual(client.writableCorked, 1);
        await h.delay(80);
        assert.strictEqual(got, '', 'nothing sent while corked');
        client.uncork();
        for (let i = 0; i < 200 && got.length < 3; i++) await h.delay(5);
        assert.strictEqual(got, 'abc');
      });

      it('setTimeout() emits "timeout" on an idle socket and does not close it', async function () {
        const { client, serverSocket } = await pair();
        const started = Date.now();
        let cbCalled = false;
        assert.strictEqual(client.setTimeout(100, () => { cbCalled = true; }), client);
        await h.waitEvent(client, 'timeout', 5000);
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 90, `timeout after ${elapsed} ms`);
        assert.ok(cbCalled, 'setTimeout callback called');
        assert.strictEqual(client.destroyed, false);
        assert.strictEqual(client.timeout, 100);
        client.setTimeout(0);
        let again = false;
        client.on('timeout', () => { again = true; });
        await h.delay(250);
        assert.strictEqual(again, false, 'setTimeout(0) disables the timeout');
        // Still usable.
        client.write('alive');
        assert.strictEqual((await h.readBytes(serverSocket, 5)).toString(), 'alive');
      });

      it('setTimeout() on the server side socket', async function () {
        const { serverSocket } = await pair();
        serverSocket.setTimeout(80);
        await h.waitEvent(serverSocket, 'timeout', 5000);
        assert.strictEqual(serverSocket.destroyed, false);
      });

      it('setNoDelay / setKeepAlive return the socket', async function () {
        const { client } = await pair();
        assert.strictEqual(client.setNoDelay(true), client);
        assert.strictEqual(client.setKeepAlive(true, 1000), client);
      });

      it('exportKeyingMaterial() gives the same bytes at both ends', async function () {
        const { client, serverSocket } = await pair();
        const k1 = client.exportKeyingMaterial(32, 'EXPERIMENTAL-uvtls', Buffer.from('ctx'));
        const k2 = serverSocket.exportKeyingMaterial(32, 'EXPERIMENTAL-uvtls', Buffer.from('ctx'));
        assert.ok(Buffer.isBuffer(k1));
        assert.strictEqual(k1.length, 32);
        assert.deepStrictEqual(k1, k2);
        assert.notDeepStrictEqual(k1, client.exportKeyingMaterial(32, 'EXPERIMENTAL-other'));
      });

      it('getFinished() of one end is getPeerFinished() of the other', async function () {
        const { client, serverSocket } = await pair();
        assert.ok(Buffer.isBuffer(client.getFinished()));
        assert.ok(client.getFinished().length > 0);
        assert.deepStrictEqual(client.getFinished(), serverSocket.getPeerFinished());
        assert.deepStrictEqual(client.getPeerFinished(), serverSocket.getFinished());
      });

      // The same server chain seen through the implementation under test and
      // through a built-in pair.
      async function withReference() {
        const { client, serverSocket } = await pair(h.serverCreds('chain'));
        const refServer = await h.startServer(builtin, h.serverCreds('chain'));
        const ref = await h.connectPair(builtin, refServer);
        return { client, serverSocket, refClient: ref.client, refServerSocket: ref.serverSocket };
      }

      it('getPeerCertificate() / getCertificate() / getPeerX509Certificate() equal the built-in ones', async function () {
        const { client, serverSocket, refClient, refServerSocket } = await withReference();
        assert.deepStrictEqual(client.getPeerCertificate(true), refClient.getPeerCertificate(true));
        assert.deepStrictEqual(client.getPeerCertificate(), refClient.getPeerCertificate());
        assert.deepStrictEqual(serverSocket.getCertificate(), refServerSocket.getCertificate());
        assert.deepStrictEqual(client.getCertificate(), refClient.getCertificate());
        assert.deepStrictEqual(serverSocket.getPeerCertificate(), refServerSocket.getPeerCertificate());
        assert.strictEqual(client.getPeerX509Certificate().fingerprint256,
          refClient.getPeerX509Certificate().fingerprint256);
        assert.strictEqual(client.isSessionReused(), false);
      });

      it('getEphemeralKeyInfo() / getSharedSigalgs() equal the built-in ones', async function () {
        const { client, serverSocket, refClient, refServerSocket } = await withReference();
        assert.deepStrictEqual(client.getEphemeralKeyInfo(), refClient.getEphemeralKeyInfo());
        assert.deepStrictEqual(serverSocket.getEphemeralKeyInfo(), refServerSocket.getEphemeralKeyInfo());
        assert.deepStrictEqual(client.getSharedSigalgs(), refClient.getSharedSigalgs());
        assert.deepStrictEqual(serverSocket.getSharedSigalgs(), refServerSocket.getSharedSigalgs());
      });

      for (const version of ['TLSv1.2', 'TLSv1.3']) {
        it(`session resumption (${version})`, async function () {
          const opts = { minVersion: version, maxVersion: version };
          const server = await h.startServer(serverImpl, { ...h.serverCreds(), ...opts }, (s) => s.end('x'));
          // 'session' may come before 'secureConnect' (TLS 1.2), so listen first.
          const first = clientImpl.connect({
            host: h.HOST, port: server.address().port, ca: h.fx.ca, servername: 'localhost', ...opts,
          });
          h.trackSocket(first);
          let session = null;
          first.on('session', (s) => { session = s; });
          await h.waitEvent(first, 'secureConnect');
          await h.collect(first);
          for (let i = 0; i < 100 && !session; i++) await h.delay(5);
          assert.ok(Buffer.isBuffer(session), 'a "session" event with a Buffer');
          assert.strictEqual(first.isSessionReused(), false);
          const second = await h.connect(clientImpl, server, { ...opts, session });
          assert.strictEqual(second.isSessionReused(), true);
          assert.strictEqual(second.authorized, true);
          await h.collect(second);
        });
      }
    });
  }
});
