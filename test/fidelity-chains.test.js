'use strict';
// getPeerCertificate(true) and getPeerX509Certificate() when the peer sends
// its chain out of order: intermediates swapped, the root first, an 8-deep
// chain reversed, issuers missing, duplicates. Chains are made with openssl
// at test time. The issuerCertificate links (which certificate each one
// points to, where the chain stops, where it turns on itself) and the
// objects themselves must equal the built-in's, on the client's side (the
// server sends the chain) and on the server's (a client certificate chain),
// with and without the root in the trust store.

const {
  assert, uvtls, builtin, HOST, cleanup, tmpDir, trackServer, trackSocket, needOpenssl, waitEvent,
} = require('./helpers');
const { chain } = require('./support/fidelity-certs');

// The links of a getPeerCertificate(true) object: each certificate's CN
// down the issuerCertificate chain, and where it ends.
function links(cert) {
  const out = [];
  const seen = new Map();
  let c = cert;
  while (c && typeof c === 'object' && Object.keys(c).length > 0) {
    if (seen.has(c)) {
      out.push(`-> #${seen.get(c)}`);
      break;
    }
    seen.set(c, out.length);
    out.push(c.subject && c.subject.CN);
    c = c.issuerCertificate;
  }
  return out;
}

function x509Links(x509) {
  const out = [];
  for (let c = x509, i = 0; c && i < 40; c = c.issuerCertificate, i++) out.push(c.subject.split('CN=')[1]);
  return out;
}

// Orders of [leaf, ...intermediates (top first), root] as sent after the leaf.
function orders(pems) {
  const { root, intermediates } = pems;
  const down = [...intermediates].reverse(); // the issuer of the leaf first
  const list = [
    ['in order', [...down]],
    ['in order with the root', [...down, root]],
    ['the root first', [root, ...down]],
    ['reversed', [...down].reverse()],
    ['reversed with the root', [root, ...[...down].reverse()]],
    ['without the leaf\'s issuer', down.slice(1)],
    ['with a duplicate', [...down, down[0]]],
    ['only the root', [root]],
  ];
  if (down.length >= 2) {
    const swapped = [...down];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    list.push(['two intermediates swapped', swapped]);
    list.push(['the middle first', [down[Math.floor(down.length / 2)], ...down.filter((_, i) => i !== Math.floor(down.length / 2))]]);
  }
  return list;
}

describe('fidelity: out-of-order peer chains', function() {
  this.timeout(60000);
  afterEach(cleanup);

  const chains = {};
  before(function() {
    needOpenssl(this);
    for (const depth of [3, 4, 8]) chains[depth] = chain(tmpDir(`uvtls-chain${depth}-`), depth);
  });

  // What the client (sideOf: 'client') or the server sees of the peer.
  async function view(clientImpl, serverImpl, pems, sent, trusted, sideOf) {
    const certChain = [pems.leaf, ...sent].join('');
    const serverOptions = sideOf === 'client' ?
      { key: pems.leafKey, cert: certChain } :
      { key: chains[3].leafKey, cert: [chains[3].leaf, ...[...chains[3].intermediates].reverse()].join(''),
        requestCert: true, rejectUnauthorized: false };
    if (sideOf === 'server' && trusted) serverOptions.ca = pems.root;
    const server = trackServer(serverImpl.createServer(serverOptions));
    await new Promise((resolve) => server.listen(0, HOST, resolve));
    const secure = waitEvent(server, 'secureConnection');
    const clientOptions = { host: HOST, port: server.address().port, servername: 'localhost', rejectUnauthorized: false };
    if (sideOf === 'client' && trusted) clientOptions.ca = pems.root;
    if (sideOf === 'server') Object.assign(clientOptions, { key: pems.leafKey, cert: certChain });
    const client = trackSocket(clientImpl.connect(clientOptions));
    await waitEvent(client, 'secureConnect');
    const [serverSocket] = await secure;
    const socket = sideOf === 'client' ? client : serverSocket;
    const detailed = socket.getPeerCertificate(true);
    const result = {
      links: links(detailed),
      detailed,
      x509: x509Links(socket.getPeerX509Certificate()),
      authorized: socket.authorized,
      authorizationError: socket.authorizationError,
    };
    client.destroy();
    server.close();
    return result;
  }

  for (const depth of [3, 4, 8]) {
    for (const sideOf of ['client', 'server']) {
      for (const trusted of [true, false]) {
        describe(`${depth}-deep, seen by the ${sideOf}, root ${trusted ? '' : 'not '}trusted`, function() {
          // Made lazily: the chains exist once before() ran.
          const names = depth === 3 ?
            ['in order', 'in order with the root', 'the root first', 'reversed with the root', 'without the leaf\'s issuer',
             'with a duplicate', 'only the root'] :
            ['in order', 'the root first', 'reversed', 'reversed with the root', 'two intermediates swapped',
             'the middle first', 'without the leaf\'s issuer', 'with a duplicate'];
          for (const name of names) {
            it(name, async function() {
              const pems = chains[depth];
              const sent = orders(pems).find(([n]) => n === name)[1];
              const expected = await view(builtin, builtin, pems, sent, trusted, sideOf);
              const impls = sideOf === 'client' ? [[uvtls, builtin], [uvtls, uvtls]] : [[builtin, uvtls], [uvtls, uvtls]];
              for (const [clientImpl, serverImpl] of impls) {
                const actual = await view(clientImpl, serverImpl, pems, sent, trusted, sideOf);
                const what = `${clientImpl === uvtls ? 'uvtls' : 'built-in'} client, ` +
                  `${serverImpl === uvtls ? 'uvtls' : 'built-in'} server`;
                assert.deepStrictEqual(actual.links, expected.links, `${what}: issuerCertificate links`);
                assert.deepStrictEqual(actual.x509, expected.x509, `${what}: X509Certificate links`);
                assert.strictEqual(actual.authorized, expected.authorized, `${what}: authorized`);
                assert.strictEqual(actual.authorizationError, expected.authorizationError, `${what}: authorizationError`);
                assert.deepStrictEqual(actual.detailed, expected.detailed, `${what}: the certificate objects`);
              }
            });
          }
        });
      }
    }
  }
});
