'use strict';
// tls.createSecurePair() on the server side (see legacy.test.js): a pair
// carried over TCP sockets a plain net server accepted, against the
// built-in's and uvtls's clients, each observation compared with what the
// built-in's own SecurePair gives in the same place.

const assert = require('assert');
const net = require('net');
const h = require('./helpers');
const {
  CLIENTS, serverContext, errorFields, startPairServer, record,
} = require('./support/secure-pair');

const { fx, uvtls, builtin } = h;

describe('tls.createSecurePair(): server side', function () {
  afterEach(h.cleanup);

  // Node 24 removed createSecurePair(); uvtls then has none either (the
  // module shape spec in api.test.js checks that).
  before(function () {
    if (typeof builtin.createSecurePair !== 'function') {
      console.log(`      (skipped: the built-in tls of Node ${process.version} has no createSecurePair)`);
      this.skip();
    }
  });

  describe('server side, over TCP from a plain net server', function () {
    for (const [clientLabel, clientImpl] of CLIENTS) {
      describe(clientLabel, function () {
        // One connection: the client sends 'ping', the pair answers 'pong';
        // the client ends, then the pair does. Returns the observations.
        async function pingPong(pairImpl, { requestCert = false, clientCert = false } = {}) {
          const server = await startPairServer(
            pairImpl, () => [serverContext(pairImpl), true, requestCert, false]);
          const pairEvent = h.waitEvent(server, 'pair', 5000);
          const client = await h.connect(clientImpl, server,
                                         clientCert ? { key: fx.clientKey, cert: fx.clientCert } : {});
          const [pair] = await pairEvent;
          const rec = record(pair);
          if (!rec.secure) await h.waitEvent(pair, 'secure', 5000).then(() => { rec.secure = 1; });
          const clientData = h.collect(client);
          const gotPing = h.readBytes(pair.cleartext, 4);
          client.write('ping');
          assert.strictEqual((await gotPing).toString(), 'ping');
          const peer = pair.cleartext.getPeerCertificate();
          const obs = {
            clientAuthorized: client.authorized,
            secureEvents: rec.secure,
            errors: rec.errors,
            peerCN: peer && peer.subject ? peer.subject.CN : null,
            authorized: pair.cleartext.authorized,
            authorizationError: pair.cleartext.authorizationError,
            protocol: pair.cleartext.getProtocol(),
            cipher: pair.cleartext.getCipher().name,
          };
          pair.cleartext.write('pong');
          // The client ends; the pair's cleartext is told ('end') and,
          // half-open as the built-in's, ends when it chooses to.
          const clientEnded = h.waitEvent(pair.cleartext, 'end', 5000);
          client.end();
          await clientEnded;
          await new Promise((resolve) => setImmediate(resolve));
          obs.writableAfterEnd = pair.cleartext.writable;
          pair.cleartext.end();
          obs.clientReceived = (await clientData).toString();
          await rec.closed;
          return obs;
        }

        it('handshakes, emits secure once, and carries data both ways', async function () {
          const got = await pingPong(uvtls);
          assert.deepStrictEqual(got, {
            clientAuthorized: true,
            clientReceived: 'pong',
            secureEvents: 1,
            errors: [],
            peerCN: null,
            authorized: false,
            authorizationError: null,
            protocol: 'TLSv1.3',
            cipher: 'TLS_AES_256_GCM_SHA384',
            writableAfterEnd: true,
          });
          assert.deepStrictEqual(got, await pingPong(builtin));
        });

        it('with requestCert, cleartext.getPeerCertificate() is the client\'s (authorized stays as the built-in leaves it)', async function () {
          const got = await pingPong(uvtls, { requestCert: true, clientCert: true });
          assert.strictEqual(got.peerCN, 'uvtls test client');
          assert.strictEqual(got.clientReceived, 'pong');
          assert.deepStrictEqual(got, await pingPong(builtin, { requestCert: true, clientCert: true }));
        });

        it('moves 2 MiB each way with backpressure, intact', async function () {
          this.timeout(30000);
          const server = await startPairServer(uvtls, () => [serverContext(uvtls), true, false, false]);
          const pairEvent = h.waitEvent(server, 'pair', 5000);
          const client = await h.connect(clientImpl, server);
          const [pair] = await pairEvent;
          const MiB2 = 2 * 1024 * 1024;
          const toPair = h.readBytes(pair.cleartext, MiB2, 20000);
          const toClient = h.readBytes(client, MiB2, 20000);
          const [sentUp, sentDown] = await h.withTimeout(Promise.all([
            h.sendData(client, MiB2, { chunkSize: 50000, end: false }),
            h.sendData(pair.cleartext, MiB2, { chunkSize: 70000, end: false }),
          ]), 20000, 'sending');
          const [up, down] = await Promise.all([toPair, toClient]);
          assert.strictEqual(up.length, MiB2);
          assert.strictEqual(h.sha256(up), sentUp.hash);
          assert.strictEqual(down.length, MiB2);
          assert.strictEqual(h.sha256(down), sentDown.hash);
          // The pair's cleartext had to wait for the TCP side ('drain').
          assert.ok(sentDown.drains > 0, 'no backpressure on the pair');
        });
      });
    }

    it('a client without a certificate, when one is required: reported on both sides as by the built-in', async function () {
      const run = async (pairImpl) => {
        const server = await startPairServer(
          pairImpl, () => [serverContext(pairImpl), true, true, true]);
        const pairEvent = h.waitEvent(server, 'pair', 5000);
        const client = await h.connect(builtin, server);
        const clientError = h.waitEvent(client, 'error', 5000).then(([err]) => errorFields(err));
        client.resume();
        const [pair] = await pairEvent;
        const rec = record(pair);
        await rec.closed;
        return { pair: { secure: rec.secure, errors: rec.errors }, client: await clientError };
      };
      const got = await run(uvtls);
      assert.deepStrictEqual(got.pair, {
        secure: 0,
        errors: [{ code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', reason: 'peer did not return a certificate', library: 'SSL routines' }],
      });
      assert.strictEqual(got.client.code, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
      assert.deepStrictEqual(got, await run(builtin));
    });

    it('a client certificate from an unknown CA: the pair goes on, unauthorized, as the built-in\'s does', async function () {
      const run = async (pairImpl) => {
        const server = await startPairServer(
          pairImpl, () => [serverContext(pairImpl, { ca: fx.otherCa }), true, true, true]);
        const pairEvent = h.waitEvent(server, 'pair', 5000);
        const client = await h.connect(builtin, server, { key: fx.clientKey, cert: fx.clientCert });
        const [pair] = await pairEvent;
        const rec = record(pair);
        await h.waitEvent(pair, 'secure', 5000);
        const ping = h.readBytes(pair.cleartext, 4);
        client.write('ping');
        await ping;
        const peer = pair.cleartext.getPeerCertificate();
        pair.destroy();
        await rec.closed;
        return {
          errors: rec.errors,
          authorized: pair.cleartext.authorized,
          authorizationError: pair.cleartext.authorizationError,
          peerCN: peer.subject.CN,
        };
      };
      const got = await run(uvtls);
      assert.deepStrictEqual(got, { errors: [], authorized: false, authorizationError: null, peerCN: 'uvtls test client' });
      assert.deepStrictEqual(got, await run(builtin));
    });

    it('not TLS at all: the cleartext side errors as the built-in\'s does (never the server option\'s tlsClientError)', async function () {
      const run = async (pairImpl) => {
        // A tls.Server given as the `server` option (not listening).
        const tlsServer = pairImpl.createServer(h.serverCreds());
        const clientErrors = [];
        tlsServer.on('tlsClientError', (err) => clientErrors.push(err.code));
        const server = await startPairServer(
          pairImpl, () => [serverContext(pairImpl), true, false, false, { server: tlsServer }]);
        const pairEvent = h.waitEvent(server, 'pair', 5000);
        const socket = net.connect(server.address().port, h.HOST);
        h.trackSocket(socket);
        socket.on('error', () => {});
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
        const [pair] = await pairEvent;
        const rec = record(pair);
        await rec.closed;
        await h.delay(20);
        return { secure: rec.secure, errors: rec.errors, server: pair.server === tlsServer, clientErrors };
      };
      const got = await run(uvtls);
      assert.deepStrictEqual(got, {
        secure: 0,
        errors: [{ code: 'ERR_SSL_HTTP_REQUEST', reason: 'http request', library: 'SSL routines' }],
        server: true,
        clientErrors: [],
      });
      assert.deepStrictEqual(got, await run(builtin));
    });

    it('passes its fifth argument to the TLSSocket: SNICallback and ALPNProtocols take effect', async function () {
      const run = async (pairImpl) => {
        const names = [];
        const server = await startPairServer(pairImpl, () => [
          pairImpl.createSecureContext(h.serverCreds('wrong')), true, false, false, {
            ALPNProtocols: ['b', 'a'],
            SNICallback(name, cb) {
              names.push(name);
              setTimeout(() => cb(null, serverContext(pairImpl)), 5);
            },
          }]);
        const pairEvent = h.waitEvent(server, 'pair', 5000);
        const client = await h.connect(builtin, server, { ALPNProtocols: ['a', 'b'] });
        const [pair] = await pairEvent;
        if (!pair.cleartext._secureEstablished) await h.waitEvent(pair, 'secure', 5000);
        return {
          names,
          clientALPN: client.alpnProtocol,
          pairALPN: pair.cleartext.alpnProtocol,
          servername: pair.cleartext.servername,
          clientAuthorized: client.authorized,
        };
      };
      const got = await run(uvtls);
      assert.deepStrictEqual(got, {
        names: ['localhost'], clientALPN: 'b', pairALPN: 'b', servername: 'localhost', clientAuthorized: true,
      });
      assert.deepStrictEqual(got, await run(builtin));
    });
  });
});
