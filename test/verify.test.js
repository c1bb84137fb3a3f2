'use strict';

const assert = require('assert');
const h = require('./helpers');

const { builtin, DIRECTIONS } = h;

// Connects clientImpl to a serverImpl server and reports what the client
// saw: the error it closed with, or its verification state if it connected.
async function clientOutcome(clientImpl, serverImpl, serverOpts, clientOpts) {
  const server = await h.startServer(serverImpl, serverOpts, (sock) => {
    sock.on('error', () => {});
    sock.resume();
  });
  server.on('tlsClientError', () => {});
  const sock = clientImpl.connect({
    host: h.HOST, port: server.address().port, ca: h.fx.ca, servername: 'localhost', ...clientOpts,
  });
  h.trackSocket(sock);
  const w = h.watch(sock);
  let connected = null;
  sock.on('secureConnect', () => {
    connected = {
      authorized: sock.authorized,
      authorizationError: sock.authorizationError,
      peerCN: sock.getPeerCertificate().subject.CN,
      encrypted: sock.encrypted,
    };
    sock.end();
  });
  sock.resume();
  await h.withTimeout(w.closed, 10000, 'client close');
  const err = w.error;
  let error = null;
  if (err) {
    error = { code: err.code, message: err.message };
    if ('reason' in err) error.reason = err.reason;
    if ('host' in err) error.host = err.host;
    if (err.cert) error.certCN = err.cert.subject && err.cert.subject.CN;
  }
  await h.waitForConnections(server, 0);
  server.close();
  return { connected, error };
}

const SCENARIOS = [
  {
    name: 'self-signed certificate, no ca given',
    creds: 'self', client: { ca: undefined }, code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  },
  {
    name: 'self-signed certificate, test CA given',
    creds: 'self', client: {}, code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  },
  {
    name: 'certificate from an unknown CA',
    creds: 'other', client: {}, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  {
    name: 'test-CA certificate against the default root store',
    creds: 'rsa', client: { ca: undefined }, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  {
    name: 'leaf sent without its intermediate',
    creds: 'leaf-only', client: {}, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  {
    name: 'wrong host name (servername localhost)',
    creds: 'wrong', client: {}, code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'wrong host name (IP host, no servername)',
    creds: 'wrong', client: { servername: undefined }, code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'good certificate, other servername',
    creds: 'rsa', client: { servername: 'other.example' }, code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'expired certificate',
    creds: 'expired', client: {}, code: 'CERT_HAS_EXPIRED',
  },
  {
    name: 'self-signed certificate trusted explicitly',
    creds: 'self', client: { ca: h.fx.selfCert }, code: null,
  },
  {
    name: 'three-level chain',
    creds: 'chain', client: {}, code: null,
  },
];

describe('verify', function () {
  afterEach(h.cleanup);

  describe('server certificate, checked by the client', function () {
    for (const sc of SCENARIOS) {
      for (const rejectUnauthorized of [true, false]) {
        describe(`${sc.name}, rejectUnauthorized: ${rejectUnauthorized}`, function () {
          const serverOpts = h.serverCreds(sc.creds);
          const clientOpts = { ...sc.client, rejectUnauthorized };
          let reference;

          before(async function () {
            reference = await clientOutcome(builtin, builtin, serverOpts, clientOpts);
            await h.cleanup();
          });

          it('reference (built-in <-> built-in) is as expected', function () {
            if (sc.code === null) {
              assert.strictEqual(reference.error, null);
              assert.strictEqual(reference.connected.authorized, true);
              assert.strictEqual(reference.connected.authorizationError, null);
            } else if (rejectUnauthorized) {
              assert.strictEqual(reference.connected, null, 'no secureConnect');
              assert.strictEqual(reference.error.code, sc.code);
            } else {
              assert.strictEqual(reference.error, null);
              assert.strictEqual(reference.connected.authorized, false);
              assert.strictEqual(reference.connected.authorizationError, sc.code);
            }
          });

          for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
            it(`${label}: same outcome as built-in`, async function () {
              const r = await clientOutcome(clientImpl, serverImpl, serverOpts, clientOpts);
              if (sc.code === null) {
                assert.strictEqual(r.error, null);
                assert.strictEqual(r.connected.authorized, true);
              } else if (rejectUnauthorized) {
                assert.strictEqual(r.connected, null, 'no secureConnect on a rejected certificate');
                assert.ok(r.error, 'the client errors');
                assert.strictEqual(r.error.code, sc.code);
              } else {
                assert.strictEqual(r.error, null);
                assert.strictEqual(r.connected.authorized, false);
                assert.strictEqual(r.connected.authorizationError, sc.code);
                assert.strictEqual(r.connected.encrypted, true);
              }
              assert.deepStrictEqual(r, reference);
            });
          }
        });
      }
    }
  });

  describe('checkServerIdentity option', function () {
    for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
      it(`${label}: called with (hostname, cert); an Error it returns rejects the connection`, async function () {
        const calls = [];
        const mine = new Error('not this one');
        const r = await clientOutcome(clientImpl, serverImpl, h.serverCreds(), {
          checkServerIdentity(host, cert) {
            calls.push([host, cert.subject.CN]);
            return mine;
          },
        });
        assert.deepStrictEqual(calls, [['localhost', 'localhost']]);
        assert.strictEqual(r.connected, null);
        assert.deepStrictEqual(r.error, { code: undefined, message: 'not this one' });
      });

      it(`${label}: returning undefined accepts a wrongly named certificate`, async function () {
        const r = await clientOutcome(clientImpl, serverImpl, h.serverCreds('wrong'), {
          checkServerIdentity: () => undefined,
        });
        assert.strictEqual(r.error, null);
        assert.strictEqual(r.connected.authorized, true);
        assert.strictEqual(r.connected.peerCN, 'wrong.example');
      });
    }
  });

  describe('client certificate, checked by the server', function () {
    // What the server sees of the client's certificate (requestCert: true).
    async function serverOutcome(clientImpl, serverImpl, serverExtra, clientOpts) {
      let seen = null;
      const tlsClientErrors = [];
      const server = await h.startServer(serverImpl, {
        ...h.serverCreds(), requestCert: true, ca: h.fx.ca, ...serverExtra,
      }, (sock) => {
        const cert = sock.getPeerCertificate();
        seen = {
          authorized: sock.authorized,
          authorizationError: sock.authorizationError,
          peerCN: cert && cert.subject ? cert.subject.CN : null,
        };
        sock.on('error', () => {});
        sock.resume();
        sock.end();
      });
      server.on('tlsClientError', (err) => tlsClientErrors.push(err.code));
      const sock = clientImpl.connect({
        host: h.HOST, port: server.address().port, ca: h.fx.ca, servername: 'localhost', ...clientOpts,
      });
      h.trackSocket(sock);
      const w = h.watch(sock);
      sock.resume();
      await h.withTimeout(w.closed, 10000, 'client close');
      await h.waitForConnections(server, 0);
      server.close();
      return { server: seen, tlsClientErrors, clientError: w.error ? w.error.code : null };
    }

    const CASES = [
      { name: 'no client certificate', client: {}, code: 'UNABLE_TO_GET_ISSUER_CERT' },
      { name: 'client certificate from the CA', client: { key: h.fx.clientKey, cert: h.fx.clientCert }, code: null },
      { name: 'self-signed server-only certificate', client: { key: h.fx.selfKey, cert: h.fx.selfCert }, code: 'INVALID_PURPOSE' },
    ];

    for (const c of CASES) {
      for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
        it(`${label}: ${c.name} (rejectUnauthorized: false) is reported like built-in`, async function () {
          const ref = await serverOutcome(builtin, builtin, { rejectUnauthorized: false }, c.client);
          assert.strictEqual(ref.server.authorized, c.code === null);
          assert.strictEqual(ref.server.authorizationError, c.code);
          const r = await serverOutcome(clientImpl, serverImpl, { rejectUnauthorized: false }, c.client);
          assert.deepStrictEqual(r, ref);
        });
      }
    }

    for (const version of ['TLSv1.2', 'TLSv1.3']) {
      for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
        it(`${label}: missing client certificate rejected (${version}) with the built-in codes`, async function () {
          const opts = { minVersion: version, maxVersion: version };
          const ref = await serverOutcome(builtin, builtin, { rejectUnauthorized: true, ...opts }, opts);
          assert.deepStrictEqual(ref.server, null);
          assert.deepStrictEqual(ref.tlsClientErrors, ['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE']);
          h.assertAlertCode(ref.clientError,
                            version === 'TLSv1.3' ? 'CERTIFICATE_REQUIRED' : 'HANDSHAKE_FAILURE');
          const r = await serverOutcome(clientImpl, serverImpl, { rejectUnauthorized: true, ...opts }, opts);
          assert.deepStrictEqual(r, ref);
        });
      }
    }
  });
});
