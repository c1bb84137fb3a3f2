'use strict';
// Certificate verification, side by side with Node's built-in tls.
//
// Every case of the certificate matrix (scripts/make-bad-certs.sh, fixtures
// in test/fixtures/matrix/) is run, in the same test, as
//   reference:  built-in client -> built-in server
//   subject:    uvtls client    -> built-in server   (uvtls verifies)
//          or   built-in client -> uvtls server      (uvtls sends the chain)
// and what the client saw must be identical: whether it connected,
// `authorized`, `authorizationError`, the peer's certificate and, when it
// failed, the error's code, reason, host, message and the certificate it
// carries. Each case also states what the reference must do, which checks
// that the fixtures are what they claim to be.
//
// The second half does the same for the server verifying client
// certificates (requestCert: true, with and without rejectUnauthorized).

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const { builtin, uvtls } = h;
const nodeMajor = Number(process.versions.node.split('.')[0]);

const MATRIX = path.join(h.FIXTURES, 'matrix');
const cache = new Map();
function m(name) {
  if (!cache.has(name)) cache.set(name, fs.readFileSync(path.join(MATRIX, name)));
  return cache.get(name);
}
function creds(name, certFile = `${name}.pem`) {
  return { key: m(`${name}.key`), cert: m(certFile) };
}

// Several comparisons, all made; one failure listing every difference.
function compareAll(label, pairs) {
  const failures = [];
  for (const [what, actual, expected] of pairs) {
    try {
      assert.deepStrictEqual(actual, expected);
    } catch (err) {
      failures.push(`${what}:\n${err.message}`);
    }
  }
  if (failures.length) {
    throw new assert.AssertionError({
      message: `${label} differs from the built-in in ${failures.length} field(s):\n\n` +
        failures.join('\n\n'),
    });
  }
}

// The fingerprints along a getPeerCertificate(true)-style issuerCertificate
// chain; 'self' where a certificate is its own issuer.
function chainFingerprints(cert) {
  const out = [];
  const seen = new Set();
  while (cert && typeof cert === 'object' && cert.fingerprint256 && out.length < 10) {
    if (seen.has(cert)) { out.push('self'); break; }
    seen.add(cert);
    out.push(cert.fingerprint256);
    cert = cert.issuerCertificate;
  }
  return out;
}

function errorFields(err) {
  if (!err) return null;
  return {
    code: err.code,
    reason: err.reason,
    host: err.host,
    message: err.message,
    name: err.name,
    isError: err instanceof Error,
    hasReason: 'reason' in err,
    hasHost: 'host' in err,
    keys: Object.keys(err),
    ownProperties: Object.getOwnPropertyNames(err).sort(),
    cert: 'cert' in err ? chainFingerprints(err.cert) : '(none)',
  };
}

// ---------------------------------------------------------------------------
// Server certificates, checked by the client.

// Connects clientImpl to a serverImpl server; returns what the client saw.
async function clientOutcome(clientImpl, serverImpl, serverOpts, clientOpts) {
  const server = await h.startServer(serverImpl, serverOpts, (sock) => {
    sock.on('error', () => {});
    sock.resume();
  });
  server.on('tlsClientError', () => {});
  const sock = clientImpl.connect({ host: h.HOST, port: server.address().port, ...clientOpts });
  h.trackSocket(sock);
  const w = h.watch(sock);
  let connected = null;
  sock.on('secureConnect', () => {
    const peer = sock.getPeerCertificate();
    connected = {
      authorized: sock.authorized,
      authorizationError: sock.authorizationError,
      encrypted: sock.encrypted,
      peerFingerprint256: peer.fingerprint256,
    };
    sock.end();
  });
  sock.resume();
  await h.withTimeout(w.closed, 10000, 'client close');
  const outcome = {
    connected,
    error: errorFields(w.error),
    events: w.events,
    // The socket's state after it closed (set before destroy(err) too).
    final: { authorized: sock.authorized, authorizationError: sock.authorizationError },
  };
  await h.waitForConnections(server, 0);
  await new Promise((resolve) => server.close(resolve));
  return outcome;
}

// Client options are functions of nothing so that the files are read lazily
// (a missing fixture then fails the tests, not the file's loading).
const CLIENT_CASES = [
  {
    name: 'good chain (root -> intermediate -> leaf), servername localhost',
    server: () => creds('good', 'good-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'good chain, host 127.0.0.1 and no servername (IP SAN)',
    server: () => creds('good', 'good-chain.pem'),
    client: () => ({ ca: m('root.pem') }),
    expect: null,
  },
  {
    name: 'good chain with the root sent too, root trusted',
    server: () => creds('good', 'good-fullchain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'expired leaf',
    server: () => creds('expired', 'expired-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'CERT_HAS_EXPIRED',
  },
  {
    name: 'not-yet-valid leaf',
    server: () => creds('notyet', 'notyet-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'CERT_NOT_YET_VALID',
  },
  {
    name: 'self-signed leaf, client trusts the root',
    server: () => creds('selfsigned'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  },
  {
    name: 'self-signed leaf, client trusts that very certificate',
    server: () => creds('selfsigned'),
    client: () => ({ ca: m('selfsigned.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'self-signed root sent in the chain, client trusts another root',
    server: () => creds('good', 'good-fullchain.pem'),
    client: () => ({ ca: m('other-root.pem'), servername: 'localhost' }),
    expect: 'SELF_SIGNED_CERT_IN_CHAIN',
  },
  {
    name: 'unknown root (client ca is another CA)',
    server: () => creds('good', 'good-chain.pem'),
    client: () => ({ ca: m('other-root.pem'), servername: 'localhost' }),
    expect: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  },
  {
    name: 'unknown root (no ca option: default root store)',
    server: () => creds('good', 'good-chain.pem'),
    client: () => ({ servername: 'localhost' }),
    expect: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  },
  {
    name: 'missing intermediate (server sends only the leaf)',
    server: () => creds('good'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  {
    name: 'missing intermediate, but the client trusts root and intermediate',
    server: () => creds('good'),
    client: () => ({ ca: [m('root.pem'), m('intermediate.pem')], servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'wrong host name (leaf for wrong.example, servername localhost)',
    server: () => creds('wronghost', 'wronghost-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'wrong host name (leaf for wrong.example, host 127.0.0.1)',
    server: () => creds('wronghost', 'wronghost-chain.pem'),
    client: () => ({ ca: m('root.pem') }),
    expect: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'good leaf, servername other.example',
    server: () => creds('good', 'good-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'other.example' }),
    expect: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'IP-only SAN leaf, host 127.0.0.1, no servername',
    server: () => creds('iponly', 'iponly-chain.pem'),
    client: () => ({ ca: m('root.pem') }),
    expect: null,
  },
  {
    // Node 25 and later refuse an IP servername before connecting (the
    // versions spec compares that refusal).
    name: 'IP-only SAN leaf, servername 127.0.0.1',
    server: () => creds('iponly', 'iponly-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: '127.0.0.1' }),
    expect: null,
    skip: nodeMajor >= 25 && `Node ${process.version} refuses an IP address as servername`,
  },
  {
    name: 'IP-only SAN leaf, servername localhost (a name)',
    server: () => creds('iponly', 'iponly-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'no SAN, CN localhost, servername localhost (CN fallback)',
    server: () => creds('cnonly', 'cnonly-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'no SAN, CN localhost, host 127.0.0.1',
    server: () => creds('cnonly', 'cnonly-chain.pem'),
    client: () => ({ ca: m('root.pem') }),
    expect: 'ERR_TLS_CERT_ALTNAME_INVALID',
  },
  {
    name: 'revoked leaf, crl: [root CRL, intermediate CRL]',
    server: () => creds('revoked', 'revoked-chain.pem'),
    client: () => ({ ca: m('root.pem'), crl: [m('root.crl.pem'), m('intermediate.crl.pem')], servername: 'localhost' }),
    expect: 'CERT_REVOKED',
  },
  {
    name: 'revoked leaf, no crl option',
    server: () => creds('revoked', 'revoked-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    // Node 26 reads every CRL of the PEM; earlier releases only the first.
    name: 'revoked leaf, both CRLs in one PEM buffer (Node 26 reads both, earlier releases the first)',
    server: () => creds('revoked', 'revoked-chain.pem'),
    client: () => ({ ca: m('root.pem'), crl: m('crl-revoked.pem'), servername: 'localhost' }),
    expect: nodeMajor >= 26 ? 'CERT_REVOKED' : 'UNABLE_TO_GET_CRL',
  },
  {
    name: 'good leaf, crl: [root CRL, intermediate CRL]',
    server: () => creds('good', 'good-chain.pem'),
    client: () => ({ ca: m('root.pem'), crl: [m('root.crl.pem'), m('intermediate.crl.pem')], servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'good leaf, crl: intermediate CRL only (no CRL for the intermediate)',
    server: () => creds('good', 'good-chain.pem'),
    client: () => ({ ca: m('root.pem'), crl: m('intermediate.crl.pem'), servername: 'localhost' }),
    expect: 'UNABLE_TO_GET_CRL',
  },
  {
    name: 'leaf with extendedKeyUsage clientAuth only',
    server: () => creds('eku-client', 'eku-client-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'INVALID_PURPOSE',
  },
  {
    name: 'leaf with keyUsage keyCertSign, cRLSign only',
    server: () => creds('ku-certsign', 'ku-certsign-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: 'INVALID_PURPOSE',
  },
  {
    name: 'leaf with keyUsage keyEncipherment only (no digitalSignature)',
    server: () => creds('ku-keyencipherment', 'ku-keyencipherment-chain.pem'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    // OpenSSL's sslserver purpose accepts keyEncipherment alone, and the
    // TLS 1.3 signature made with the key is not checked against keyUsage.
    expect: null,
  },
  {
    name: 'RSA leaf signed by the root',
    server: () => creds('rsa'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'ECDSA P-256 leaf signed by the root',
    server: () => creds('ecdsa'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'Ed25519 leaf signed by the root',
    server: () => creds('ed25519'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost' }),
    expect: null,
  },
  {
    name: 'ECDSA P-256 leaf, TLSv1.2',
    server: () => creds('ecdsa'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost', maxVersion: 'TLSv1.2' }),
    expect: null,
  },
  {
    name: 'Ed25519 leaf, TLSv1.2',
    server: () => creds('ed25519'),
    client: () => ({ ca: m('root.pem'), servername: 'localhost', maxVersion: 'TLSv1.2' }),
    expect: null,
  },
  {
    name: 'ECDSA P-256 leaf, client trusts another root',
    server: () => creds('ecdsa'),
    client: () => ({ ca: m('other-root.pem'), servername: 'localhost' }),
    expect: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
];

// Which runs are compared with the reference (built-in <-> built-in).
const CLIENT_DIRECTIONS = [
  ['uvtls client -> built-in server', uvtls, builtin],
  ['built-in client -> uvtls server', builtin, uvtls],
];

function checkReference(ref, expect, rejectUnauthorized) {
  if (expect === undefined) return;
  if (expect === null) {
    assert.strictEqual(ref.error, null, 'reference: no error');
    assert.ok(ref.connected, 'reference: secureConnect');
    assert.strictEqual(ref.connected.authorized, true, 'reference: authorized');
    assert.strictEqual(ref.connected.authorizationError, null);
  } else if (rejectUnauthorized) {
    assert.strictEqual(ref.connected, null, 'reference: no secureConnect');
    assert.ok(ref.error, 'reference: an error');
    assert.strictEqual(ref.error.code, expect, 'reference: error code');
    assert.strictEqual(ref.final.authorizationError, expect);
  } else {
    assert.strictEqual(ref.error, null, 'reference: no error');
    assert.ok(ref.connected, 'reference: secureConnect');
    assert.strictEqual(ref.connected.authorized, false, 'reference: not authorized');
    assert.strictEqual(ref.connected.authorizationError, expect, 'reference: authorizationError');
  }
}

function compareOutcomes(label, r, ref) {
  const pairs = [
    ['secureConnect emitted', r.connected !== null, ref.connected !== null],
    ['error emitted', r.error !== null, ref.error !== null],
  ];
  if (r.connected && ref.connected) {
    for (const k of Object.keys(ref.connected)) {
      pairs.push([`at secureConnect: ${k}`, r.connected[k], ref.connected[k]]);
    }
  }
  if (r.error && ref.error) {
    for (const k of Object.keys(ref.error)) {
      pairs.push([`error.${k}`, r.error[k], ref.error[k]]);
    }
  }
  pairs.push(['events (error/end/finish/close, in order)', r.events, ref.events]);
  pairs.push(['after close: authorized', r.final.authorized, ref.final.authorized]);
  pairs.push(['after close: authorizationError', r.final.authorizationError, ref.final.authorizationError]);
  compareAll(label, pairs);
}

// ---------------------------------------------------------------------------
// Client certificates, checked by the server (requestCert: true).

// What the server saw and what the client saw. The server answers every
// accepted connection with a line and ends it, so `clientData` tells whether
// the client was served or the connection was closed on it.
async function mutualOutcome(clientImpl, serverImpl, serverOpts, clientOpts) {
  let seen = null;
  const tlsClientErrors = [];
  const server = await h.startServer(serverImpl, serverOpts, (sock) => {
    const peer = sock.getPeerCertificate();
    seen = {
      authorized: sock.authorized,
      authorizationError: sock.authorizationError,
      peerFingerprint256: peer ? peer.fingerprint256 : peer,
      peerChain: chainFingerprints(sock.getPeerCertificate(true)),
    };
    sock.on('error', () => {});
    sock.resume();
    sock.end('served\n');
  });
  server.on('tlsClientError', (err) => tlsClientErrors.push(errorFields(err)));
  const sock = clientImpl.connect({ host: h.HOST, port: server.address().port, ...clientOpts });
  h.trackSocket(sock);
  const w = h.watch(sock);
  let clientConnected = null;
  let clientData = '';
  sock.setEncoding('utf8');
  sock.on('secureConnect', () => {
    clientConnected = { authorized: sock.authorized, authorizationError: sock.authorizationError };
  });
  sock.on('data', (d) => { clientData += d; });
  sock.on('end', () => sock.end());
  await h.withTimeout(w.closed, 10000, 'client close');
  await h.waitForConnections(server, 0);
  await new Promise((resolve) => server.close(resolve));
  const e = w.error;
  return {
    server: seen,
    tlsClientErrors,
    client: {
      connected: clientConnected,
      data: clientData,
      events: w.events,
      error: e ? { code: e.code, message: e.message } : null,
    },
  };
}

const SERVER_BASE = () => ({ ...creds('good', 'good-chain.pem'), requestCert: true, ca: m('root.pem') });
const CLIENT_BASE = () => ({ ca: m('root.pem'), servername: 'localhost' });

const MUTUAL_CASES = [
  {
    name: 'good client certificate with its intermediate',
    server: () => ({}),
    client: () => creds('client', 'client-chain.pem'),
    expect: null,
  },
  {
    name: 'client certificate without its intermediate',
    server: () => ({}),
    client: () => creds('client'),
    expect: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  {
    name: 'client certificate without its intermediate, server trusts root and intermediate',
    server: () => ({ ca: [m('root.pem'), m('intermediate.pem')] }),
    client: () => creds('client'),
    expect: null,
  },
  {
    name: 'untrusted client certificate (from another root)',
    server: () => ({}),
    client: () => creds('client-untrusted'),
    expect: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  {
    name: 'self-signed client certificate',
    server: () => ({}),
    client: () => creds('client-selfsigned'),
    expect: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  },
  {
    name: 'server-only (EKU serverAuth) certificate used as client certificate',
    server: () => ({}),
    client: () => creds('good', 'good-chain.pem'),
    expect: 'INVALID_PURPOSE',
  },
  {
    name: 'ECDSA P-256 client certificate',
    server: () => ({}),
    client: () => creds('ecdsa'),
    expect: null,
  },
  {
    name: 'Ed25519 client certificate',
    server: () => ({}),
    client: () => creds('ed25519'),
    expect: null,
  },
  {
    name: 'revoked server certificate used as client certificate, server has the CRLs',
    server: () => ({ crl: [m('root.crl.pem'), m('intermediate.crl.pem')] }),
    client: () => creds('revoked', 'revoked-chain.pem'),
    expect: 'CERT_REVOKED',
  },
  {
    name: 'no client certificate',
    server: () => ({}),
    client: () => ({}),
    expect: 'UNABLE_TO_GET_ISSUER_CERT',
  },
  {
    name: 'no client certificate, TLSv1.2',
    server: () => ({}),
    client: () => ({ maxVersion: 'TLSv1.2' }),
    expect: 'UNABLE_TO_GET_ISSUER_CERT',
  },
  {
    name: 'untrusted client certificate, TLSv1.2',
    server: () => ({}),
    client: () => ({ ...creds('client-untrusted'), maxVersion: 'TLSv1.2' }),
    expect: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
];

const MUTUAL_DIRECTIONS = [
  ['built-in client -> uvtls server', builtin, uvtls],
  ['uvtls client -> built-in server', uvtls, builtin],
];

function compareMutual(label, r, ref) {
  const pairs = [
    ['server: secureConnection emitted', r.server !== null, ref.server !== null],
  ];
  if (r.server && ref.server) {
    for (const k of Object.keys(ref.server)) pairs.push([`server socket: ${k}`, r.server[k], ref.server[k]]);
  }
  pairs.push(['server: tlsClientError events', r.tlsClientErrors, ref.tlsClientErrors]);
  pairs.push(['client: secureConnect', r.client.connected, ref.client.connected]);
  pairs.push(['client: data received (served, or closed on it)', r.client.data, ref.client.data]);
  pairs.push(['client: events (error/end/finish/close, in order)', r.client.events, ref.client.events]);
  pairs.push(['client: error', r.client.error, ref.client.error]);
  compareAll(label, pairs);
}

// ---------------------------------------------------------------------------

describe('verify matrix (uvtls vs built-in, side by side)', function () {
  this.timeout(20000);
  afterEach(h.cleanup);

  describe('server certificate, checked by the client', function () {
    for (const c of CLIENT_CASES) {
      for (const rejectUnauthorized of [true, false]) {
        describe(`${c.name} (rejectUnauthorized: ${rejectUnauthorized})`, function () {
          for (const [label, clientImpl, serverImpl] of CLIENT_DIRECTIONS) {
            it(`${label}: same as built-in -> built-in`, async function () {
              if (c.skip) {
                console.log(`        (skipped: ${c.skip})`);
                this.skip();
              }
              const serverOpts = c.server();
              const clientOpts = { ...c.client(), rejectUnauthorized };
              const ref = await clientOutcome(builtin, builtin, serverOpts, clientOpts);
              checkReference(ref, c.expect, rejectUnauthorized);
              const r = await clientOutcome(clientImpl, serverImpl, serverOpts, clientOpts);
              compareOutcomes(label, r, ref);
            });
          }
        });
      }
    }
  });

  describe('client certificate, checked by the server (requestCert: true)', function () {
    for (const c of MUTUAL_CASES) {
      for (const rejectUnauthorized of [false, true]) {
        describe(`${c.name} (server rejectUnauthorized: ${rejectUnauthorized})`, function () {
          for (const [label, clientImpl, serverImpl] of MUTUAL_DIRECTIONS) {
            it(`${label}: same as built-in -> built-in`, async function () {
              const serverOpts = { ...SERVER_BASE(), ...c.server(), rejectUnauthorized };
              const clientOpts = { ...CLIENT_BASE(), ...c.client() };
              const ref = await mutualOutcome(builtin, builtin, serverOpts, clientOpts);
              if (c.expect !== undefined) {
                if (c.expect === null || !rejectUnauthorized) {
                  assert.ok(ref.server, 'reference: secureConnection');
                  assert.strictEqual(ref.server.authorized, c.expect === null);
                  assert.strictEqual(ref.server.authorizationError, c.expect);
                  assert.strictEqual(ref.client.data, 'served\n');
                } else {
                  assert.strictEqual(ref.server, null, 'reference: no secureConnection');
                  assert.strictEqual(ref.client.data, '');
                }
              }
              const r = await mutualOutcome(clientImpl, serverImpl, serverOpts, clientOpts);
              compareMutual(label, r, ref);
            });
          }
        });
      }
    }
  });
});

// For debugging a single case outside mocha.
module.exports = { clientOutcome, mutualOutcome, CLIENT_CASES, MUTUAL_CASES, SERVER_BASE, CLIENT_BASE };
