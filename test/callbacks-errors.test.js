'use strict';
// The application's handshake callbacks (pskCallback, ALPNCallback) failing,
// and ALPNCallback choosing the certificate (setKeyCert): the same events
// and errors as the built-in, and never an uncaught exception.

const assert = require('assert');
const { X509Certificate } = require('crypto');
const h = require('./helpers');

const { fx } = h;

async function run(server, client, serverOptions, clientOptions) {
  const events = [];
  const onUncaught = (err) => events.push(`uncaught ${err.message}`);
  process.on('uncaughtException', onUncaught);
  try {
    const srv = server.createServer(serverOptions, (socket) => {
      events.push('secureConnection');
      socket.end();
    });
    h.trackServer(srv);
    srv.on('tlsClientError', (err) => events.push(`tlsClientError ${err.code} ${err.message}`));
    await new Promise((resolve) => srv.listen(0, h.HOST, resolve));
    await new Promise((resolve) => {
      const socket = client.connect({ port: srv.address().port, host: h.HOST, ...clientOptions }, () => {
        const peer = socket.getPeerX509Certificate();
        events.push(`secureConnect ${socket.alpnProtocol} ${peer ? peer.subject : null}`);
      });
      socket.on('error', (err) => events.push(`client error ${err.code}`));
      socket.on('close', () => setTimeout(resolve, 50));
      socket.resume();
    });
    return events;
  } finally {
    process.removeListener('uncaughtException', onUncaught);
  }
}

const PSK = {
  ciphers: 'PSK+HIGH',
  maxVersion: 'TLSv1.2',
  checkServerIdentity: () => undefined,
  pskCallback: () => ({ psk: Buffer.alloc(16, 1), identity: 'client' }),
};

const CASES = {
  'a pskCallback that throws': [
    { ciphers: 'PSK+HIGH', pskCallback: () => { throw new Error('psk failed'); } }, PSK],
  'a pskCallback that returns a wrong value': [
    { ciphers: 'PSK+HIGH', pskCallback: () => 42 }, PSK],
  'a client pskCallback that throws': [
    { ciphers: 'PSK+HIGH', pskCallback: () => Buffer.alloc(16, 1) },
    { ...PSK, pskCallback: () => { throw new Error('client psk failed'); } }],
  'an ALPNCallback that throws': [
    { ...h.serverCreds(), ALPNCallback: () => { throw new Error('alpn failed'); } },
    { ALPNProtocols: ['a', 'b'], rejectUnauthorized: false }],
  'an ALPNCallback that returns a protocol not offered': [
    { ...h.serverCreds(), ALPNCallback: () => 'c' },
    { ALPNProtocols: ['a', 'b'], rejectUnauthorized: false }],
  'an ALPNCallback that picks the certificate with this.setKeyCert()': [
    { ...h.serverCreds(),
      ALPNCallback({ protocols }) {
        this.setKeyCert({ key: fx.otherKey, cert: fx.otherCert });
        return protocols[1];
      } },
    { ALPNProtocols: ['a', 'b'], rejectUnauthorized: false }],
};

describe('handshake callbacks that fail, or choose the certificate', function () {
  this.timeout(20000);
  afterEach(h.cleanup);

  for (const [title, [serverOptions, clientOptions]] of Object.entries(CASES)) {
    it(`${title}: as the built-in, in every direction`, async function () {
      const expected = await run(h.builtin, h.builtin, serverOptions, clientOptions);
      for (const [label, client, server] of h.DIRECTIONS) {
        h.cleanup();
        assert.deepStrictEqual(await run(server, client, serverOptions, clientOptions), expected, label);
      }
      assert.ok(!expected.some((e) => e.startsWith('uncaught')), 'the built-in has no uncaught exception');
    });
  }

  it('setKeyCert() serves the other certificate', async function () {
    const [serverOptions, clientOptions] = CASES['an ALPNCallback that picks the certificate with this.setKeyCert()'];
    const events = await run(h.uvtls, h.builtin, serverOptions, clientOptions);
    assert.ok(events.includes(`secureConnect b ${new X509Certificate(fx.otherCert).subject}`), events.join('\n'));
  });
});
