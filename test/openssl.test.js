'use strict';

// uvtls against the `openssl s_client` / `s_server` command-line tools.

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const { uvtls, builtin } = h;

const VERSIONS = [['TLSv1.2', '-tls1_2'], ['TLSv1.3', '-tls1_3']];
const CERTS = [
  ['RSA', 'server.pem', 'server.key', 'rsa'],
  ['ECDSA', 'server-ec.pem', 'server-ec.key', 'ec'],
];

describe('openssl command line', function () {
  this.timeout(30000);
  afterEach(h.cleanup);

  before(function () {
    h.needOpenssl(this);
  });

  describe('openssl s_client -> uvtls server', function () {
    for (const [version, flag] of VERSIONS) {
      for (const [certName, , , creds] of CERTS) {
        it(`${version}, ${certName}: handshake, echo both ways, close_notify on stdin EOF`, async function () {
          let serverSocket;
          const serverLog = [];
          const server = await h.startServer(uvtls, h.serverCreds(creds), (sock) => {
            serverSocket = sock;
            serverLog.push(`protocol ${sock.getProtocol()}`, `servername ${sock.servername}`);
            sock.on('data', (d) => sock.write(d.toString().toUpperCase()));
            sock.on('end', () => { serverLog.push('end'); sock.end(); });
          });
          const client = await h.opensslClient(server.address().port, [
            '-CAfile', 'ca.pem', '-servername', 'localhost', '-verify_return_error', flag, '-nocommands',
          ]);
          await client.waitFor('stderr', /Verification: OK/);
          assert.match(client.err(), new RegExp(`Protocol version: ${version.replace('.', '\\.')}`));
          client.stdin.write('hello from openssl\n');
          await client.waitFor('stdout', /HELLO FROM OPENSSL\n/);
          assert.strictEqual(serverSocket.getCipher().version, version);
          assert.match(client.err(), new RegExp(`Ciphersuite: ${serverSocket.getCipher().name}`));
          const sw = h.watch(serverSocket);
          client.stdin.end();
          const { code } = await client.exited;
          assert.strictEqual(code, 0, client.err());
          await h.withTimeout(sw.closed, 5000, 'server socket close');
          assert.deepStrictEqual(serverLog, [`protocol ${version}`, 'servername localhost', 'end']);
          assert.strictEqual(sw.error, null);
        });
      }
    }

    it('TLSv1.3 KeyUpdate from the client (k and K) keeps data flowing', async function () {
      const received = [];
      const server = await h.startServer(uvtls, h.serverCreds(), (sock) => {
        sock.on('data', (d) => { received.push(d.toString()); sock.write(d.toString().toUpperCase()); });
        sock.on('end', () => sock.end());
      });
      const client = await h.opensslClient(server.address().port, ['-CAfile', 'ca.pem', '-tls1_3']);
      client.stdin.write('before\n');
      await client.waitFor('stdout', /BEFORE\n/);
      client.stdin.write('k\n');
      await client.waitFor('stderr', /KEYUPDATE/);
      client.stdin.write('after k\n');
      await client.waitFor('stdout', /AFTER K\n/);
      client.stdin.write('K\n');
      await client.waitFor('stderr', /KEYUPDATE[\s\S]*KEYUPDATE/);
      client.stdin.write('after big K\n');
      await client.waitFor('stdout', /AFTER BIG K\n/);
      client.stdin.end();
      assert.strictEqual((await client.exited).code, 0, client.err());
      assert.strictEqual(received.join(''), 'before\nafter k\nafter big K\n');
    });

    it('TLSv1.2 client-initiated renegotiation (R) is handled like the built-in', async function () {
      async function run(impl) {
        const received = [];
        const errors = [];
        const server = await h.startServer(impl, h.serverCreds(), (sock) => {
          sock.on('data', (d) => { received.push(d.toString()); sock.write(d.toString().toUpperCase()); });
          sock.on('error', (e) => errors.push(e.code));
          sock.on('end', () => sock.end());
        });
        const client = await h.opensslClient(server.address().port, ['-CAfile', 'ca.pem', '-tls1_2']);
        client.stdin.write('before\n');
        await client.waitFor('stdout', /BEFORE\n/);
        client.stdin.write('R\n');
        await client.waitFor('stderr', /RENEGOTIATING/);
        client.stdin.write('after\n');
        await client.waitFor('stdout', /AFTER\n/);
        client.stdin.end();
        const { code } = await client.exited;
        server.close();
        return { code, received: received.join(''), errors };
      }
      const ref = await run(builtin);
      assert.deepStrictEqual(ref, { code: 0, received: 'before\nafter\n', errors: [] });
      assert.deepStrictEqual(await run(uvtls), ref);
    });

    it('client certificate from s_client is verified by the uvtls server', async function () {
      let seen;
      const server = await h.startServer(uvtls, {
        ...h.serverCreds(), requestCert: true, rejectUnauthorized: true, ca: h.fx.ca,
      }, (sock) => {
        seen = { authorized: sock.authorized, cn: sock.getPeerCertificate().subject.CN };
        sock.end('ok\n');
      });
      const client = await h.opensslClient(server.address().port,
        ['-CAfile', 'ca.pem', '-cert', 'client.pem', '-key', 'client.key']);
      await client.waitFor('stdout', /ok\n/);
      client.stdin.end();
      await client.exited;
      assert.deepStrictEqual(seen, { authorized: true, cn: 'uvtls test client' });
    });

    for (const [version, flag] of VERSIONS) {
      it(`${version}: s_client without a certificate is rejected like the built-in does`, async function () {
        async function run(impl) {
          const server = await h.startServer(impl, {
            ...h.serverCreds(), requestCert: true, rejectUnauthorized: true, ca: h.fx.ca,
          }, (sock) => sock.end('should not get here\n'));
          const reported = h.waitEvent(server, 'tlsClientError');
          const client = h.spawnOpenssl(['s_client', '-connect', `${h.HOST}:${server.address().port}`,
            '-brief', '-CAfile', 'ca.pem', flag]);
          const [err] = await reported;
          client.stdin.end();
          const { code } = await client.exited;
          server.close();
          const alert = /alert ([a-z ]+)/.exec(client.err());
          return { code: err.code, clientFailed: code !== 0, alert: alert && alert[1] };
        }
        const ref = await run(builtin);
        assert.strictEqual(ref.code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
        assert.strictEqual(ref.clientFailed, true);
        assert.deepStrictEqual(await run(uvtls), ref);
      });
    }

    it('8 MiB up, then 8 MiB down between s_client and the uvtls server, sha256 checked', async function () {
      // s_client quits at stdin EOF without waiting for the server, so the
      // server answers once it has the whole upload, then ends (close_notify
      // makes s_client exit); stdin is closed only after that.
      const SIZE = 8 * 1024 * 1024;
      const upload = crypto.randomBytes(SIZE);
      let serverResult;
      const server = await h.startServer(uvtls, h.serverCreds(), (sock) => {
        serverResult = new Promise((resolve, reject) => {
          const hash = crypto.createHash('sha256');
          let bytes = 0;
          sock.on('error', reject);
          sock.on('data', (d) => {
            hash.update(d);
            bytes += d.length;
            if (bytes === SIZE) {
              const up = { bytes, hash: hash.digest('hex') };
              h.sendData(sock, SIZE).then((down) => resolve({ up, down }), reject);
            }
          });
        });
      });
      const client = await h.opensslClient(server.address().port, ['-CAfile', 'ca.pem', '-nocommands']);
      // Feed s_client's stdin with backpressure.
      await new Promise((resolve, reject) => {
        let off = 0;
        const pump = () => {
          while (off < SIZE) {
            const chunk = upload.subarray(off, off + 65536);
            off += chunk.length;
            if (!client.stdin.write(chunk)) { client.stdin.once('drain', pump); return; }
          }
          resolve();
        };
        client.stdin.on('error', reject);
        pump();
      });
      const { up, down } = await h.withTimeout(serverResult, 20000, 'server side transfer');
      assert.strictEqual(up.bytes, SIZE);
      assert.strictEqual(up.hash, h.sha256(upload));
      const { code } = await h.withTimeout(client.exited, 10000, 's_client exit');
      assert.strictEqual(code, 0, client.err());
      client.stdin.end();
      const download = client.stdoutBuffer();
      assert.strictEqual(download.length, SIZE);
      assert.strictEqual(h.sha256(download), down.hash);
    });
  });

  describe('uvtls client -> openssl s_server', function () {
    for (const [version, flag] of VERSIONS) {
      for (const [certName, cert, key] of CERTS) {
        it(`${version}, ${certName}: handshake and a line echoed reversed by s_server -rev`, async function () {
          const server = await h.opensslServer(['-cert', cert, '-key', key, '-rev', '-naccept', '1', flag]);
          const client = await h.connect(uvtls, server.port);
          assert.strictEqual(client.authorized, true);
          assert.strictEqual(client.getProtocol(), version);
          assert.strictEqual(client.getCipher().version, version);
          assert.strictEqual(client.getPeerCertificate().subject.CN, 'localhost');
          client.write('hello s_server\n');
          assert.strictEqual((await h.readBytes(client, 15)).toString(), 'revres_s olleh\n');
          const cw = h.watch(client);
          client.end();
          await h.withTimeout(cw.closed, 5000, 'client close');
          await h.withTimeout(server.exited, 5000, 's_server exit');
        });
      }
    }

    it('many lines through s_server -rev arrive reversed and in order', async function () {
      const server = await h.opensslServer(['-cert', 'server.pem', '-key', 'server.key', '-rev', '-naccept', '1']);
      const client = await h.connect(uvtls, server.port);
      const lines = [];
      for (let i = 0; i < 20000; i++) lines.push(`line ${i} ${crypto.randomBytes(8).toString('hex')}`);
      const input = `${lines.join('\n')}\n`;
      const expected = `${lines.map((l) => l.split('').reverse().join('')).join('\n')}\n`;
      const got = h.readBytes(client, expected.length, 20000);
      client.write(input);
      const out = (await got).toString();
      assert.strictEqual(out.length, expected.length);
      assert.strictEqual(h.sha256(out), h.sha256(expected));
      client.end();
    });

    it('downloads an 8 MiB file from s_server -WWW, sha256 checked', async function () {
      const dir = h.tmpDir();
      const body = crypto.randomBytes(8 * 1024 * 1024);
      fs.writeFileSync(path.join(dir, 'big.bin'), body);
      const server = await h.opensslServer(['-cert', h.fixturePath('server.pem'), '-key', h.fixturePath('server.key'),
        '-WWW', '-naccept', '1'], { cwd: dir });
      const client = await h.connect(uvtls, server.port);
      const all = h.collect(client);
      client.write('GET /big.bin HTTP/1.0\r\n\r\n');
      const res = await all;
      const sep = res.indexOf('\r\n\r\n');
      assert.ok(sep > 0, 'an HTTP header');
      assert.match(res.subarray(0, sep).toString(), /^HTTP\/1\.0 200 ok/);
      const got = res.subarray(sep + 4);
      assert.strictEqual(got.length, body.length);
      assert.strictEqual(h.sha256(got), h.sha256(body));
    });

    it('client certificate required by s_server -Verify', async function () {
      const server = await h.opensslServer(['-cert', 'server.pem', '-key', 'server.key', '-rev', '-naccept', '1',
        '-Verify', '1', '-CAfile', 'ca.pem', '-verify_return_error']);
      const client = await h.connect(uvtls, server.port, { key: h.fx.clientKey, cert: h.fx.clientCert });
      client.write('mutual\n');
      assert.strictEqual((await h.readBytes(client, 7)).toString(), 'lautum\n');
      client.end();
      await h.withTimeout(server.exited, 5000, 's_server exit');
    });

    for (const [version, flag] of VERSIONS) {
      it(`${version}: missing client certificate for s_server -Verify fails like the built-in`, async function () {
        async function run(impl) {
          const server = await h.opensslServer(['-cert', 'server.pem', '-key', 'server.key', '-rev', '-naccept', '1',
            '-Verify', '1', '-CAfile', 'ca.pem', '-verify_return_error', flag]);
          const sock = impl.connect({ host: h.HOST, port: server.port, ca: h.fx.ca, servername: 'localhost' });
          h.trackSocket(sock);
          const w = h.watch(sock);
          sock.on('secureConnect', () => sock.write('x\n'));
          sock.resume();
          await h.withTimeout(w.closed, 10000, 'client close');
          await h.withTimeout(server.exited, 5000, 's_server exit');
          return w.error && w.error.code;
        }
        const ref = await run(builtin);
        h.assertAlertCode(ref, version === 'TLSv1.3' ? 'CERTIFICATE_REQUIRED' : 'HANDSHAKE_FAILURE');
        assert.strictEqual(await run(uvtls), ref);
      });
    }

    it('s_server with an untrusted self-signed certificate is rejected with the built-in code', async function () {
      async function run(impl) {
        const server = await h.opensslServer(['-cert', 'selfsigned.pem', '-key', 'selfsigned.key', '-naccept', '1']);
        const err = await h.connect(impl, server.port, { ca: undefined }).then(() => null, (e) => e);
        await h.withTimeout(server.exited, 5000, 's_server exit');
        return err && err.code;
      }
      const ref = await run(builtin);
      assert.strictEqual(ref, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.strictEqual(await run(uvtls), ref);
    });
  });
});
