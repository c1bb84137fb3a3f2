'use strict';
// Peer-identity objects, side by side with Node's built-in tls.
//
// For each certificate setup (fixtures from scripts/make-bad-certs.sh in
// test/fixtures/matrix/), the same mutual-TLS connection is made, in the same
// test, as
//   reference:  built-in client -> built-in server
//   subject:    uvtls client    -> built-in server
//          or   built-in client -> uvtls server
// and, on the side under test, getPeerCertificate(), getPeerCertificate(true)
// (the issuerCertificate chain, circular at a self-signed root CA; compared
// with assert.deepStrictEqual, which handles the cycle), getCertificate(),
// getX509Certificate() and getPeerX509Certificate() must equal the
// reference's. The other (built-in) side's view is compared too: it shows
// whether uvtls sent the right certificates. Both ends use
// rejectUnauthorized: false so that untrusted setups still connect; the
// server always asks for a client certificate unless the setup says not to.

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const util = require('util');
const h = require('./helpers');

const { builtin, uvtls } = h;

const MATRIX = path.join(h.FIXTURES, 'matrix');
const cache = new Map();
function m(name) {
  if (!cache.has(name)) cache.set(name, fs.readFileSync(path.join(MATRIX, name)));
  return cache.get(name);
}
function creds(name, certFile = `${name}.pem`) {
  return { key: m(`${name}.key`), cert: m(certFile) };
}

// A short description of a value, for diffPaths.
function short(v) {
  if (Buffer.isBuffer(v)) return `<Buffer ${v.length} bytes ${v.subarray(0, 8).toString('hex')}...>`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    return Array.isArray(v) ? `[Array(${v.length})]`
      : `{${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', ...' : ''}}`;
  }
  return util.inspect(v, { breakLength: Infinity, maxStringLength: 70 });
}

// Where two (possibly circular) values differ, as a list of property paths
// (the assert diff of whole certificate objects is hard to read).
function diffPaths(a, b, p = '', out = [], seen = new Map()) {
  if (out.length >= 12 || Object.is(a, b)) return out;
  const here = p || '(value)';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (seen.get(a) === b) return out;
    seen.set(a, b);
    if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) {
      if (!(Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b))) out.push(`${here}: ${short(a)}, expected ${short(b)}`);
      return out;
    }
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) out.push(`${here}: different prototype`);
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const inA = Object.prototype.hasOwnProperty.call(a, k);
      const inB = Object.prototype.hasOwnProperty.call(b, k);
      if (!inA) out.push(`${p}.${k}: missing (expected ${short(b[k])})`);
      else if (!inB) out.push(`${p}.${k}: not expected (is ${short(a[k])})`);
      else diffPaths(a[k], b[k], `${p}.${k}`, out, seen);
    }
    return out;
  }
  out.push(`${here}: ${short(a)}, expected ${short(b)}`);
  return out;
}

// Several comparisons, all made; one failure listing every difference.
function compareAll(label, pairs) {
  const failures = [];
  for (const [what, actual, expected] of pairs) {
    try {
      assert.deepStrictEqual(actual, expected);
    } catch (err) {
      const paths = diffPaths(actual, expected);
      const lines = err.message.split('\n');
      const excerpt = lines.slice(0, 30).join('\n') + (lines.length > 30 ? `\n... (${lines.length - 30} more lines)` : '');
      failures.push(`${what}:\n  differs at: ${paths.join('\n              ') || '(see below)'}\n${excerpt}`);
    }
  }
  if (failures.length) {
    throw new assert.AssertionError({
      message: `${label} differs from the built-in in ${failures.length} field(s):\n\n` +
        failures.join('\n\n'),
    });
  }
}

function x509Fields(x) {
  if (x === undefined || x === null) return x;
  return {
    isX509Certificate: x instanceof crypto.X509Certificate,
    fingerprint256: x.fingerprint256,
    subject: x.subject,
    issuer: x.issuer,
    raw: x.raw,
  };
}

// The certificates along X509Certificate#issuerCertificate (subject CN and
// the start of the SHA-256 fingerprint).
function x509IssuerChain(x) {
  const out = [];
  let cur = x && x.issuerCertificate;
  while (cur && out.length < 10) {
    out.push(`${cur.subject.split('\n').pop()} ${cur.fingerprint256.slice(0, 23)}`);
    const next = cur.issuerCertificate;
    if (next && next.fingerprint256 === cur.fingerprint256) { out.push('(itself)'); break; }
    cur = next;
  }
  return out;
}

const ISSUER_CHAIN = 'getPeerX509Certificate().issuerCertificate chain';

// Everything a socket tells about the certificates of both ends.
// getPeerX509Certificate() is called last, and once: on Node 20 the
// built-in's takes the certificates it returns out of the connection's peer
// chain (X509Certificate::GetPeerCert and New() sk_X509_delete them), so on
// a client socket a later getPeerCertificate() returns {} and a second
// getPeerX509Certificate() something else. That is not behaviour to copy, and
// the order used here keeps the reference clear of it.
function snapshot(sock) {
  const snap = {
    authorized: sock.authorized,
    authorizationError: sock.authorizationError,
    'getPeerCertificate()': sock.getPeerCertificate(),
    'getPeerCertificate(true)': sock.getPeerCertificate(true),
    'getCertificate()': sock.getCertificate(),
    'getX509Certificate()': x509Fields(sock.getX509Certificate()),
  };
  const peerX509 = sock.getPeerX509Certificate();
  snap['getPeerX509Certificate()'] = x509Fields(peerX509);
  snap[ISSUER_CHAIN] = x509IssuerChain(peerX509);
  return snap;
}

// Connects and snapshots both ends once both are secure.
async function run(clientImpl, serverImpl, setup) {
  let serverSnap = null;
  const server = await h.startServer(serverImpl, {
    requestCert: true, rejectUnauthorized: false, ...setup.server(),
  }, (sock) => {
    serverSnap = snapshot(sock);
    sock.on('error', () => {});
    sock.resume();
    sock.end('ok\n');
  });
  server.on('tlsClientError', () => {});
  const sock = clientImpl.connect({
    host: h.HOST, port: server.address().port, servername: 'localhost',
    rejectUnauthorized: false, ...setup.client(),
  });
  h.trackSocket(sock);
  const w = h.watch(sock);
  let clientSnap = null;
  let data = '';
  sock.setEncoding('utf8');
  sock.on('secureConnect', () => { clientSnap = snapshot(sock); });
  sock.on('data', (d) => { data += d; });
  sock.on('end', () => sock.end());
  await h.withTimeout(w.closed, 10000, 'client close');
  await h.waitForConnections(server, 0);
  await new Promise((resolve) => server.close(resolve));
  if (w.error) throw w.error;
  assert.ok(clientSnap, 'client: secureConnect');
  assert.ok(serverSnap, 'server: secureConnection');
  assert.strictEqual(data, 'ok\n');
  return { client: clientSnap, server: serverSnap };
}

const fullClientChain = () => Buffer.concat([m('client.pem'), m('intermediate.pem'), m('root.pem')]);

const SETUPS = [
  {
    name: 'RSA leaves signed by the root',
    server: () => ({ ...creds('rsa'), ca: m('root.pem') }),
    client: () => ({ ...creds('rsa'), ca: m('root.pem') }),
    authorized: true,
  },
  {
    name: 'ECDSA P-256 leaves signed by the root',
    server: () => ({ ...creds('ecdsa'), ca: m('root.pem') }),
    client: () => ({ ...creds('ecdsa'), ca: m('root.pem') }),
    authorized: true,
  },
  {
    name: 'Ed25519 leaves signed by the root',
    server: () => ({ ...creds('ed25519'), ca: m('root.pem') }),
    client: () => ({ ...creds('ed25519'), ca: m('root.pem') }),
    authorized: true,
  },
  {
    name: 'three-level chains (root -> intermediate -> leaf), intermediate sent',
    server: () => ({ ...creds('good', 'good-chain.pem'), ca: m('root.pem') }),
    client: () => ({ ...creds('client', 'client-chain.pem'), ca: m('root.pem') }),
    authorized: true,
  },
  {
    name: 'three-level chains, intermediate and root sent',
    server: () => ({ ...creds('good', 'good-fullchain.pem'), ca: m('root.pem') }),
    client: () => ({ key: m('client.key'), cert: fullClientChain(), ca: m('root.pem') }),
    authorized: true,
  },
  {
    name: 'three-level chains, intermediate not sent but trusted',
    server: () => ({ ...creds('good'), ca: [m('root.pem'), m('intermediate.pem')] }),
    client: () => ({ ...creds('client'), ca: [m('root.pem'), m('intermediate.pem')] }),
    authorized: true,
  },
  {
    // Node 20's getPeerCertificate(true) here is not circular: the leaf, a
    // second and a third object for the same certificate, the last without
    // issuerCertificate. Whatever its shape, uvtls must give the same.
    name: 'self-signed leaves, each trusted by the peer',
    server: () => ({ ...creds('selfsigned'), ca: m('client-selfsigned.pem') }),
    client: () => ({ ...creds('client-selfsigned'), ca: m('selfsigned.pem') }),
    authorized: true,
  },
  {
    name: 'three-level chains from an unknown root (not authorized)',
    server: () => ({ ...creds('good', 'good-chain.pem'), ca: m('other-root.pem') }),
    client: () => ({ ...creds('client', 'client-chain.pem'), ca: m('other-root.pem') }),
    authorized: false,
  },
  {
    name: 'leaves without their intermediate (not authorized)',
    server: () => ({ ...creds('good'), ca: m('root.pem') }),
    client: () => ({ ...creds('client'), ca: m('root.pem') }),
    authorized: false,
  },
  {
    name: 'untrusted self-signed client, chain-sending server with the root unknown to the client',
    server: () => ({ ...creds('good', 'good-fullchain.pem'), ca: m('root.pem') }),
    client: () => ({ ...creds('client-selfsigned'), ca: m('other-root.pem') }),
    authorized: false,
  },
  {
    name: 'no client certificate (requestCert: true)',
    server: () => ({ ...creds('ecdsa'), ca: m('root.pem') }),
    client: () => ({ ca: m('root.pem') }),
    authorized: undefined,
  },
  {
    name: 'client certificate not requested (requestCert: false)',
    server: () => ({ ...creds('ed25519'), ca: m('root.pem'), requestCert: false }),
    client: () => ({ ...creds('rsa'), ca: m('root.pem') }),
    authorized: undefined,
  },
];

const DIRECTIONS = [
  ['uvtls client -> built-in server', uvtls, builtin, 'client'],
  ['built-in client -> uvtls server', builtin, uvtls, 'server'],
];

function pairsFor(side, r, ref) {
  return Object.keys(ref[side]).map((k) => [`${side} side: ${k}`, r[side][k], ref[side][k]]);
}

describe('peer certificate objects (uvtls vs built-in, side by side)', function () {
  this.timeout(20000);
  afterEach(h.cleanup);

  for (const setup of SETUPS) {
    describe(setup.name, function () {
      for (const [label, clientImpl, serverImpl, uvSide] of DIRECTIONS) {
        const otherSide = uvSide === 'client' ? 'server' : 'client';

        it(`${label}: the uvtls ${uvSide}'s accessors equal the built-in's`, async function () {
          const ref = await run(builtin, builtin, setup);
          if (setup.authorized !== undefined) {
            assert.strictEqual(ref.client.authorized, setup.authorized, 'reference: client authorized');
            assert.strictEqual(ref.server.authorized, setup.authorized, 'reference: server authorized');
          }
          const r = await run(clientImpl, serverImpl, setup);
          compareAll(`${label}, ${uvSide} side`,
                     pairsFor(uvSide, r, ref).filter(([what]) => !what.endsWith(ISSUER_CHAIN)));
        });

        it(`${label}: the uvtls ${uvSide}'s getPeerX509Certificate().issuerCertificate equals the built-in's`, async function () {
          const ref = await run(builtin, builtin, setup);
          const r = await run(clientImpl, serverImpl, setup);
          compareAll(`${label}, ${uvSide} side`,
                     pairsFor(uvSide, r, ref).filter(([what]) => what.endsWith(ISSUER_CHAIN)));
        });

        it(`${label}: the built-in ${otherSide} sees what uvtls sent as it would from the built-in`, async function () {
          const ref = await run(builtin, builtin, setup);
          const r = await run(clientImpl, serverImpl, setup);
          compareAll(`${label}, ${otherSide} side`, pairsFor(otherSide, r, ref));
        });
      }
    });
  }

  it('sanity: getPeerCertificate(true) is circular at a self-signed root (built-in)', async function () {
    const ref = await run(builtin, builtin, SETUPS[3]);
    let cert = ref.client['getPeerCertificate(true)'];
    const subjects = [];
    for (let i = 0; i < 5 && cert.issuerCertificate !== cert; i++) {
      subjects.push(cert.subject.CN);
      cert = cert.issuerCertificate;
    }
    subjects.push(cert.subject.CN);
    assert.deepStrictEqual(subjects, ['localhost', 'uvtls Matrix Intermediate CA', 'uvtls Matrix Root CA']);
    assert.strictEqual(cert.issuerCertificate, cert);
  });
});

// For debugging a single setup outside mocha.
module.exports = { run, SETUPS, snapshot };
