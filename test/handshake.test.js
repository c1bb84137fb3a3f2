'use strict';

const assert = require('assert');
const net = require('net');
const h = require('./helpers');

const { uvtls, builtin, DIRECTIONS } = h;

// What one connection looks like from both ends, while it is up.
function snapshot(sock) {
  return {
    protocol: sock.getProtocol(),
    cipher: sock.getCipher(),
    encrypted: sock.encrypted,
    authorized: sock.authorized,
    authorizationError: sock.authorizationError,
    servername: sock.servername,
    alpnProtocol: sock.alpnProtocol,
  };
}

// Runs one handshake between clientImpl and serverImpl; returns what both
// ends saw, and which events fired.
async function handshake(clientImpl, serverImpl, serverOpts, clientOpts) {
  const events = [];
  const server = await h.startServer(serverImpl, serverOpts, () => events.push('secureConnection'));
  server.on('connection', () => events.push('connection'));
  let connectCallbackCalled = false;
  const serverSide = h.waitEvent(server, 'secureConnection');
  const port = server.address().port;
  const client = clientImpl.connect({ host: h.HOST, port, ca: h.fx.ca, ...clientOpts },
    () => { connectCallbackCalled = true; });
  h.trackSocket(client);
  client.once('secureConnect', () => events.push('secureConnect'));
  await h.waitEvent(client, 'secureConnect');
  const [serverSocket] = await serverSide;
  assert.ok(connectCallbackCalled, 'connect callback was called');
  assert.ok(serverSocket instanceof serverImpl.TLSSocket, 'server socket is a TLSSocket');
  assert.ok(client instanceof clientImpl.TLSSocket, 'client socket is a TLSSocket');
  const result = {
    client: snapshot(client),
    server: snapshot(serverSocket),
    serverPeerCN: (serverSocket.getPeerCertificate() || {}).subject?.CN,
    clientPeerCN: client.getPeerCertificate().subject.CN,
    events: events.slice().sort(),
  };
  // Data both ways proves the keys agree.
  serverSocket.write('from server');
  client.write('from client');
  const [fromServer, fromClient] = await Promise.all([
    h.readBytes(client, 11), h.readBytes(serverSocket, 11),
  ]);
  assert.strictEqual(fromServer.toString(), 'from server');
  assert.strictEqual(fromClient.toString(), 'from client');
  client.end();
  await h.waitEvent(client, 'close');
  server.close();
  return result;
}

const CIPHER_KEYS = ['name', 'standardName', 'version'];

describe('handshake', function () {
  afterEach(h.cleanup);

  const matrix = [];
  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    for (const certKind of ['rsa', 'ec']) matrix.push({ version, certKind });
  }

  for (const { version, certKind } of matrix) {
    describe(`${version} with ${certKind === 'rsa' ? 'RSA' : 'ECDSA P-256'} certificate`, function () {
      const serverOpts = { ...h.serverCreds(certKind), minVersion: version, maxVersion: version };
      const clientOpts = { servername: 'localhost', minVersion: version, maxVersion: version };
      let reference;

      before(async function () {
        reference = await handshake(builtin, builtin, serverOpts, clientOpts);
        await h.cleanup();
      });

      it('reference (built-in <-> built-in) has the expected shape', function () {
        const r = reference;
        assert.strictEqual(r.client.protocol, version);
        assert.strictEqual(r.server.protocol, version);
        assert.deepStrictEqual(Object.keys(r.client.cipher).sort(), CIPHER_KEYS);
        assert.strictEqual(r.client.cipher.version, version);
        if (version === 'TLSv1.2') {
          assert.match(r.client.cipher.name, certKind === 'rsa' ? /^ECDHE-RSA-/ : /^ECDHE-ECDSA-/);
          assert.match(r.client.cipher.standardName, certKind === 'rsa' ? /^TLS_ECDHE_RSA_WITH_/ : /^TLS_ECDHE_ECDSA_WITH_/);
        } else {
          assert.match(r.client.cipher.name, /^TLS_(AES|CHACHA20)/);
          assert.strictEqual(r.client.cipher.standardName, r.client.cipher.name);
        }
      });

      for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
        it(`${label}: same protocol, cipher and state as built-in`, async function () {
          const r = await handshake(clientImpl, serverImpl, serverOpts, clientOpts);
          assert.strictEqual(r.client.protocol, version);
          assert.strictEqual(r.server.protocol, version);
          assert.strictEqual(r.client.encrypted, true);
          assert.strictEqual(r.server.encrypted, true);
          assert.strictEqual(r.client.authorized, true);
          assert.strictEqual(r.client.authorizationError, null);
          assert.strictEqual(r.server.authorized, false, 'no client certificate requested');
          assert.strictEqual(r.server.servername, 'localhost');
          assert.strictEqual(r.client.servername, 'localhost');
          assert.strictEqual(r.client.alpnProtocol, false);
          assert.strictEqual(r.server.alpnProtocol, false);
          assert.deepStrictEqual(Object.keys(r.client.cipher).sort(), CIPHER_KEYS);
          assert.deepStrictEqual(Object.keys(r.server.cipher).sort(), CIPHER_KEYS);
          assert.deepStrictEqual(r.client.cipher, r.server.cipher, 'both ends agree on the cipher');
          assert.strictEqual(r.clientPeerCN, 'localhost');
          assert.strictEqual(r.serverPeerCN, undefined);
          assert.deepStrictEqual(r.events, ['connection', 'secureConnect', 'secureConnection']);
          // Everything equal to the built-in pair, including the cipher chosen.
          assert.deepStrictEqual(r, reference);
        });
      }
    });
  }

  describe('options', function () {
    for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
      it(`${label}: ALPN is negotiated`, async function () {
        const server = await h.startServer(serverImpl, { ...h.serverCreds(), ALPNProtocols: ['http/1.1'] });
        const { client, serverSocket } = await h.connectPair(clientImpl, server, { ALPNProtocols: ['h2', 'http/1.1'] });
        assert.strictEqual(client.alpnProtocol, 'http/1.1');
        assert.strictEqual(serverSocket.alpnProtocol, 'http/1.1');
      });

      it(`${label}: no SNI when connecting to an IP without servername`, async function () {
        const server = await h.startServer(serverImpl, h.serverCreds());
        const { client, serverSocket } = await h.connectPair(clientImpl, server, { servername: undefined });
        assert.strictEqual(client.authorized, true, 'IP SAN matches 127.0.0.1');
        assert.strictEqual(serverSocket.servername, false);
        assert.strictEqual(client.servername, false);
      });

      it(`${label}: three-level chain (leaf + intermediate) is authorized`, async function () {
        const server = await h.startServer(serverImpl, h.serverCreds('chain'));
        const { client } = await h.connectPair(clientImpl, server);
        assert.strictEqual(client.authorized, true);
        const cert = client.getPeerCertificate(true);
        assert.strictEqual(cert.subject.CN, 'localhost');
        assert.strictEqual(cert.issuerCertificate.subject.CN, 'uvtls Test Intermediate CA');
        assert.strictEqual(cert.issuerCertificate.issuerCertificate.subject.CN, 'uvtls Test Root CA');
      });

      it(`${label}: encrypted private key with passphrase`, async function () {
        const server = await h.startServer(serverImpl, h.serverCreds('encrypted'));
        const { client } = await h.connectPair(clientImpl, server);
        assert.strictEqual(client.authorized, true);
      });

      it(`${label}: client certificate is verified by the server`, async function () {
        const server = await h.startServer(serverImpl,
          { ...h.serverCreds(), requestCert: true, rejectUnauthorized: true, ca: h.fx.ca });
        const { client, serverSocket } = await h.connectPair(clientImpl, server,
          { key: h.fx.clientKey, cert: h.fx.clientCert });
        assert.strictEqual(client.authorized, true);
        assert.strictEqual(serverSocket.authorized, true);
        assert.strictEqual(serverSocket.authorizationError, null);
        assert.strictEqual(serverSocket.getPeerCertificate().subject.CN, 'uvtls test client');
      });

      for (const [sv, cv] of [['TLSv1.3', 'TLSv1.2'], ['TLSv1.2', 'TLSv1.3']]) {
        it(`${label}: version mismatch (server ${sv} only, client ${cv} only) fails like built-in`, async function () {
          async function attempt(ci, si) {
            const server = await h.startServer(si, { ...h.serverCreds(), minVersion: sv, maxVersion: sv });
            const serverErr = h.waitEvent(server, 'tlsClientError');
            const clientErr = await h.connect(ci, server, { minVersion: cv, maxVersion: cv })
              .then(() => null, (e) => e);
            const [sErr] = await serverErr;
            return { client: clientErr && clientErr.code, server: sErr.code };
          }
          const ref = await attempt(builtin, builtin);
          h.assertAlertCode(ref.client, 'PROTOCOL_VERSION', 'client error');
          assert.strictEqual(ref.server, 'ERR_SSL_UNSUPPORTED_PROTOCOL');
          assert.deepStrictEqual(await attempt(clientImpl, serverImpl), ref);
        });
      }
    }
  });

  describe('secure context errors', function () {
    it('wrong passphrase throws the built-in error', function () {
      const opts = { key: h.fx.encryptedKey, cert: h.fx.serverCert, passphrase: 'wrong' };
      const ref = (() => { try { builtin.createSecureContext(opts); } catch (e) { return e; } })();
      assert.ok(ref, 'built-in throws');
      assert.strictEqual(ref.code, 'ERR_OSSL_BAD_DECRYPT');
      assert.throws(() => uvtls.createSecureContext(opts), (err) => {
        assert.strictEqual(err.code, ref.code);
        assert.strictEqual(err.message, ref.message);
        return true;
      });
    });

    it('server with a wrong passphrase throws at createServer', function () {
      const opts = { key: h.fx.encryptedKey, cert: h.fx.serverCert, passphrase: 'wrong' };
      assert.throws(() => builtin.createServer(opts), { code: 'ERR_OSSL_BAD_DECRYPT' });
      assert.throws(() => uvtls.createServer(opts), { code: 'ERR_OSSL_BAD_DECRYPT' });
    });
  });

  it('uvtls server is a net.Server and emits "connection" with a net.Socket', async function () {
    const server = await h.startServer(uvtls, h.serverCreds());
    const conn = h.waitEvent(server, 'connection');
    await h.connectPair(builtin, server);
    const [raw] = await conn;
    assert.ok(server instanceof net.Server);
    assert.ok(raw instanceof net.Socket);
  });
});
