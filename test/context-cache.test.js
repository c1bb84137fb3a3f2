'use strict';
// tls.connect() without a secureContext shares one context between
// connections with the same context options. Nothing a program can see may
// change: different CAs, certificates, versions, ciphers or module defaults
// give different contexts, and a program's own createSecureContext is
// still called for every connection.

const assert = require('assert');
const h = require('./helpers');

const { fx, uvtls } = h;

function tryConnect(server, options) {
  return new Promise((resolve) => {
    const client = uvtls.connect({ host: h.HOST, port: server.address().port,
                                   servername: 'localhost', ...options });
    h.trackSocket(client);
    client.on('secureConnect', () => {
      const result = { ok: true, protocol: client.getProtocol(), cipher: client.getCipher().name };
      client.destroy();
      resolve(result);
    });
    client.on('error', (err) => resolve({ ok: false, code: err.code }));
  });
}

describe('contexts shared between tls.connect() calls', function () {
  afterEach(h.cleanup);

  it('the CA given decides, whatever was connected with before', async function () {
    const server = await h.startServer(uvtls, h.serverCreds(), (s) => s.end());
    for (const [ca, ok] of [[fx.ca, true], [fx.otherCa, false], [Buffer.from(fx.ca), true],
      [[fx.otherCa, fx.ca], true], [fx.ca.toString(), true], [fx.otherCa.toString(), false]]) {
      const result = await tryConnect(server, { ca });
      assert.strictEqual(result.ok, ok, `ca ${ca.length}: ${JSON.stringify(result)}`);
      if (!ok) assert.strictEqual(result.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    }
  });

  it('versions, ciphers and the module defaults in force at each call apply', async function () {
    const server = await h.startServer(uvtls, h.serverCreds(), (s) => s.end());
    const v13 = await tryConnect(server, { ca: fx.ca });
    assert.strictEqual(v13.protocol, 'TLSv1.3');
    const v12 = await tryConnect(server, { ca: fx.ca, maxVersion: 'TLSv1.2' });
    assert.strictEqual(v12.protocol, 'TLSv1.2');
    const chacha = await tryConnect(server, { ca: fx.ca, maxVersion: 'TLSv1.2',
                                              ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' });
    assert.strictEqual(chacha.cipher, 'ECDHE-RSA-CHACHA20-POLY1305');
    const saved = uvtls.DEFAULT_MAX_VERSION;
    uvtls.DEFAULT_MAX_VERSION = 'TLSv1.2';
    try {
      assert.strictEqual((await tryConnect(server, { ca: fx.ca })).protocol, 'TLSv1.2');
    } finally {
      uvtls.DEFAULT_MAX_VERSION = saved;
    }
    assert.strictEqual((await tryConnect(server, { ca: fx.ca })).protocol, 'TLSv1.3');
  });

  it('client certificates are those of each call', async function () {
    const server = await h.startServer(uvtls, { ...h.serverCreds(), requestCert: true,
                                                rejectUnauthorized: false, ca: fx.ca }, (s) => {
      s.end(s.getPeerCertificate().subject?.CN ?? 'none');
    });
    const read = async (options) => {
      const client = await h.connect(uvtls, server, options);
      return (await h.collect(client)).toString();
    };
    assert.strictEqual(await read({}), 'none');
    assert.strictEqual(await read({ key: fx.clientKey, cert: fx.clientCert }), 'uvtls test client');
    assert.strictEqual(await read({}), 'none');
  });

  it('a createSecureContext a program put on the module is called for every connection', async function () {
    const server = await h.startServer(uvtls, h.serverCreds(), (s) => s.end());
    const original = uvtls.createSecureContext;
    let calls = 0;
    uvtls.createSecureContext = (options) => {
      calls++;
      return original({ ...options, ca: fx.ca });
    };
    try {
      for (let i = 0; i < 3; i++) assert.strictEqual((await tryConnect(server, {})).ok, true);
    } finally {
      uvtls.createSecureContext = original;
    }
    assert.strictEqual(calls, 3);
  });
});
