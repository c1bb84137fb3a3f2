'use strict';
// Error objects, whole, against the running built-in: the same call through
// uvtls and through node:tls throws (or reports) errors with the same
// constructor, name, message, code, own properties in the same order with
// the same attributes and values, the same first line of the stack, the
// same toString() and util.inspect() headline. Synchronous throws from the
// public API first, then errors that connections report.

const net = require('net');
const {
  assert, uvtls, builtin, HOST, fx, cleanup, trackServer, trackSocket, serverCreds, waitEvent,
} = require('./helpers');
const { outcome, assertSameOutcome, errorView } = require('./support/fidelity-compare');

// An object a call returned is seen by its class; sockets are destroyed.
function settle(value) {
  if (value && typeof value.destroy === 'function') {
    value.on('error', () => {});
    value.destroy();
  }
  if (value && typeof value.close === 'function' && value.listening) value.close();
  return value && typeof value === 'object' ? value.constructor.name : value;
}

// Where the built-in fails with no clear error, uvtls's choices (README):
// the error a later Node gives (checkServerIdentity on 20, which asserts),
// the error of a Node built without engines (clientCertEngine), or an
// ERR_INVALID_ARG_TYPE at the call (an ALPNCallback that is no function,
// which the built-in takes and calls in the handshake; a socket that is no
// stream, where the built-in fails on `stream.pause`).
function typeError(code) {
  return (outcome) => outcome.threw instanceof TypeError && outcome.threw.code === code;
}

function error(code) {
  return (outcome) => outcome.threw instanceof Error && outcome.threw.code === code;
}

// [name, call(tls)]; a third entry is uvtls's choice where it differs.
const THROWS = [
  ['connect: a port that is not a number', (t) => t.connect({ port: 'x' })],
  ['connect: a port out of range', (t) => t.connect({ port: 70000 })],
  ['connect: an invalid localAddress', (t) => t.connect({ port: 1, localAddress: 'nope' })],
  ['connect: a localPort that is not a number',
    (t) => t.connect({ port: 1, localAddress: '127.0.0.1', localPort: 'x' })],
  ['connect: lookup not a function', (t) => t.connect({ port: 1, host: 'localhost', lookup: 5 })],
  ['connect: autoSelectFamily a string', (t) => t.connect({ port: 1, host: '127.0.0.1', autoSelectFamily: 'x' })],
  ['connect: autoSelectFamily a number', (t) => t.connect({ port: 1, autoSelectFamily: 1 })],
  ['connect: autoSelectFamilyAttemptTimeout a string',
    (t) => t.connect({ port: 1, autoSelectFamilyAttemptTimeout: 'x' })],
  ['connect: autoSelectFamilyAttemptTimeout 0', (t) => t.connect({ port: 1, autoSelectFamilyAttemptTimeout: 0 })],
  ['connect: autoSelectFamilyAttemptTimeout 1.5', (t) => t.connect({ port: 1, autoSelectFamilyAttemptTimeout: 1.5 })],
  ['connect: a bad localPort before a bad port', (t) => t.connect({ port: -1, localPort: 'x' })],
  ['connect: keepAliveInitialDelay a string', (t) => t.connect({ port: 1, keepAliveInitialDelay: 'x' })],
  ['new TLSSocket with keepAliveInitialDelay a string',
    (t) => new t.TLSSocket(null, { keepAliveInitialDelay: 'x' })],
  ['connect: minDHSize 0', (t) => t.connect({ port: 1, minDHSize: 0 })],
  ['connect: minDHSize a string', (t) => t.connect({ port: 1, minDHSize: 'x' })],
  ['connect: an ALPN protocol over 255 bytes', (t) => t.connect({ port: 1, ALPNProtocols: ['x'.repeat(300)] })],
  ['connect: maxVersion SSLv3', (t) => t.connect({ port: 1, maxVersion: 'SSLv3' })],
  ['connect: checkServerIdentity not a function',
    (t) => t.connect({ port: 1, checkServerIdentity: 5 }), typeError('ERR_INVALID_ARG_TYPE')],
  ['connect: ALPNProtocols a number', (t) => t.connect({ port: 1, ALPNProtocols: 5 })],
  ['connect: ALPNProtocols a string', (t) => t.connect({ port: 1, ALPNProtocols: 'h2' })],
  ['connect: ALPNProtocols holding a Buffer', (t) => t.connect({ port: 1, ALPNProtocols: [Buffer.from('h2')] })],
  ['connect: ALPNProtocols holding a number', (t) => t.connect({ port: 1, ALPNProtocols: [5] })],
  ['connect: ALPNProtocols holding null', (t) => t.connect({ port: 1, ALPNProtocols: [null] })],
  ['createSecureContext: options a number', (t) => t.createSecureContext(5)],
  ['createSecureContext: minVersion TLSv9', (t) => t.createSecureContext({ minVersion: 'TLSv9' })],
  ['createSecureContext: maxVersion a number', (t) => t.createSecureContext({ maxVersion: 5 })],
  ['createSecureContext: secureProtocol with minVersion',
    (t) => t.createSecureContext({ secureProtocol: 'TLSv1_method', minVersion: 'TLSv1' })],
  ['createSecureContext: an unknown secureProtocol', (t) => t.createSecureContext({ secureProtocol: 'Bogus_method' })],
  ['createSecureContext: SSLv3_method', (t) => t.createSecureContext({ secureProtocol: 'SSLv3_method' })],
  ['createSecureContext: secureOptions a string', (t) => t.createSecureContext({ secureOptions: 'x' })],
  ['createSecureContext: ciphers a number', (t) => t.createSecureContext({ ciphers: 5 })],
  ['createSecureContext: unknown ciphers', (t) => t.createSecureContext({ ciphers: 'NOPE' })],
  ['createSecureContext: an unknown ecdhCurve', (t) => t.createSecureContext({ ecdhCurve: 'nope' })],
  ['createSecureContext: ecdhCurve a number', (t) => t.createSecureContext({ ecdhCurve: 5 })],
  ['createSecureContext: empty sigalgs', (t) => t.createSecureContext({ sigalgs: '' })],
  ['createSecureContext: sigalgs a number', (t) => t.createSecureContext({ sigalgs: 5 })],
  ['createSecureContext: unknown sigalgs', (t) => t.createSecureContext({ sigalgs: 'nope' })],
  ['createSecureContext: a key that is not PEM', (t) => t.createSecureContext({ key: 'garbage', cert: fx.serverCert })],
  ['createSecureContext: a cert that is not PEM', (t) => t.createSecureContext({ cert: 'garbage' })],
  ['createSecureContext: key a number', (t) => t.createSecureContext({ key: 5 })],
  ['createSecureContext: a key that does not match the cert',
    (t) => t.createSecureContext({ key: fx.wrongKey, cert: fx.serverCert })],
  ['createSecureContext: an encrypted key, wrong passphrase',
    (t) => t.createSecureContext({ key: fx.encryptedKey, cert: fx.serverCert, passphrase: 'wrong' })],
  ['createSecureContext: a ca that is not PEM', (t) => t.createSecureContext({ ca: 'garbage' })],
  ['createSecureContext: ca a number', (t) => t.createSecureContext({ ca: 5 })],
  ['createSecureContext: a crl that is not PEM', (t) => t.createSecureContext({ crl: 'garbage' })],
  ['createSecureContext: a pfx that is not PKCS#12', (t) => t.createSecureContext({ pfx: Buffer.from('garbage') })],
  ['createSecureContext: dhparam that is not PEM', (t) => t.createSecureContext({ dhparam: 'garbage' })],
  ['createSecureContext: ticketKeys of 5 bytes', (t) => t.createSecureContext({ ticketKeys: Buffer.alloc(5) })],
  ['createSecureContext: ticketKeys a string', (t) => t.createSecureContext({ ticketKeys: 'x' })],
  ['createSecureContext: sessionTimeout a string', (t) => t.createSecureContext({ sessionTimeout: 'x' })],
  ['createSecureContext: sessionTimeout -1', (t) => t.createSecureContext({ sessionTimeout: -1 })],
  ['createSecureContext: privateKeyEngine a number', (t) => t.createSecureContext({ privateKeyEngine: 5 })],
  ['createSecureContext: privateKeyIdentifier a number', (t) => t.createSecureContext({ privateKeyIdentifier: 5 })],
  ['createSecureContext: sessionIdContext a number', (t) => t.createSecureContext({ sessionIdContext: 5 })],
  ['createSecureContext: secureProtocol a number', (t) => t.createSecureContext({ secureProtocol: 5 })],
  ['createSecureContext: secureProtocol 0 with minVersion',
    (t) => t.createSecureContext({ secureProtocol: 0, minVersion: 'TLSv1.2' })],
  ['createSecureContext: secureProtocol a number with maxVersion',
    (t) => t.createSecureContext({ secureProtocol: 5, maxVersion: 'TLSv1.2' })],
  ['createSecureContext: secureProtocol "" with minVersion',
    (t) => t.createSecureContext({ secureProtocol: '', minVersion: 'TLSv1.2' })],
  ['createSecureContext: secureProtocol with minVersion ""',
    (t) => t.createSecureContext({ secureProtocol: 'TLSv1_2_method', minVersion: '' })],
  ['createSecureContext: clientCertEngine', (t) => t.createSecureContext({ clientCertEngine: 'x' }),
    error('ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED')],
  ['createServer: options a number', (t) => t.createServer(5)],
  ['createServer: handshakeTimeout a string', (t) => t.createServer({ handshakeTimeout: 'x' })],
  ['createServer: SNICallback a number', (t) => t.createServer({ SNICallback: 5 })],
  ['createServer: pskCallback a number', (t) => t.createServer({ pskCallback: 5 })],
  ['createServer: pskIdentityHint a number', (t) => t.createServer({ pskCallback() {}, pskIdentityHint: 5 })],
  ['createServer: ALPNCallback with ALPNProtocols',
    (t) => t.createServer({ ALPNCallback() {}, ALPNProtocols: ['a'] })],
  ['createServer: ALPNCallback a number', (t) => t.createServer({ ALPNCallback: 5 }),
    typeError('ERR_INVALID_ARG_TYPE')],
  ['Server#addContext without a name', (t) => t.createServer({}).addContext('', {})],
  ['Server#setTicketKeys with a string', (t) => t.createServer({}).setTicketKeys('x')],
  ['Server#setTicketKeys with 5 bytes', (t) => t.createServer({}).setTicketKeys(Buffer.alloc(5))],
  ['Server#setTicketKeys with a DataView of 47 bytes',
    (t) => t.createServer({}).setTicketKeys(new DataView(new ArrayBuffer(47)))],
  ['Server#setSecureContext with a number', (t) => t.createServer({}).setSecureContext(5)],
  ['Server#listen with a bad port', (t) => t.createServer({}).listen({ port: 'x' })],
  ['Server#listen with no port or path', (t) => t.createServer({}).listen({})],
  ['Server#listen with a bad signal', (t) => t.createServer({}).listen({ port: 0, signal: 5 })],
  ['new TLSSocket(5)', (t) => new t.TLSSocket(5), typeError('ERR_INVALID_ARG_TYPE')],
  ['new TLSSocket with SNICallback a number', (t) => new t.TLSSocket(null, { isServer: true, SNICallback: 5 })],
  ['TLSSocket#setServername(5)', (t) => new t.TLSSocket().setServername(5)],
  ['TLSSocket#setServername on a server socket', (t) => new t.TLSSocket(null, { isServer: true }).setServername('a')],
  ['TLSSocket#setMaxSendFragment("x")', (t) => new t.TLSSocket().setMaxSendFragment('x')],
  ['TLSSocket#setMaxSendFragment(1.5)', (t) => new t.TLSSocket().setMaxSendFragment(1.5)],
  ['TLSSocket#setMaxSendFragment(2 ** 40)', (t) => new t.TLSSocket().setMaxSendFragment(2 ** 40)],
  ['TLSSocket#exportKeyingMaterial before the handshake', (t) => new t.TLSSocket().exportKeyingMaterial(16, 'x')],
  ['TLSSocket#exportKeyingMaterial("x")', (t) => new t.TLSSocket().exportKeyingMaterial('x', 'x')],
  ['TLSSocket#exportKeyingMaterial(16, 5)', (t) => new t.TLSSocket().exportKeyingMaterial(16, 5)],
  ['TLSSocket#exportKeyingMaterial(16, "x", 5)', (t) => new t.TLSSocket().exportKeyingMaterial(16, 'x', 5)],
  ['TLSSocket#exportKeyingMaterial(0)', (t) => new t.TLSSocket().exportKeyingMaterial(0, 'x')],
  ['TLSSocket#renegotiate(5)', (t) => new t.TLSSocket().renegotiate(5)],
  ['TLSSocket#renegotiate({}, 5)', (t) => new t.TLSSocket().renegotiate({}, 5)],
  ['checkServerIdentity: a mismatch (returned)',
    (t) => t.checkServerIdentity('a.com', { subject: {}, subjectaltname: 'DNS:b.com' })],
  ['checkServerIdentity: a malformed quoted name',
    (t) => t.checkServerIdentity('a.com', { subjectaltname: 'DNS:"x' })],
  ['convertALPNProtocols: a protocol over 255 bytes', (t) => t.convertALPNProtocols(['x'.repeat(300)], {})],
];

// An error returned (checkServerIdentity) is compared as one thrown.
function call(fn, impl) {
  const result = outcome(() => fn(impl));
  if (!('threw' in result) && result.returned instanceof Error) return { threw: result.returned };
  return result;
}

describe('fidelity: error objects', function() {
  afterEach(cleanup);

  describe('thrown by the API, compared whole', function() {
    before(function() {
      this.warnings = (w) => w;
      process.on('warning', this.warnings);
    });
    after(function() {
      process.removeListener('warning', this.warnings);
    });

    for (const [name, fn, choice] of THROWS) {
      it(name, function() {
        const expected = call(fn, builtin);
        const actual = call(fn, uvtls);
        if (choice) {
          try {
            assertSameOutcome(actual, expected, name, settle);
          } catch (err) {
            if (!choice(actual)) throw err;
          }
          return;
        }
        assertSameOutcome(actual, expected, name, settle);
      });
    }
  });

  describe('reported by connections, compared whole', function() {
    // The first error a client of `impl` reports connecting with `options`.
    function clientError(impl, options) {
      return new Promise((resolve) => {
        const socket = trackSocket(impl.connect({ host: HOST, ...options }));
        socket.once('error', resolve);
        socket.once('secureConnect', () => resolve(null));
      });
    }

    async function serverOf(impl, options, onConnection) {
      const server = trackServer(impl.createServer({ ...serverCreds(), ...options }, onConnection));
      await new Promise((resolve) => server.listen(0, HOST, resolve));
      return server;
    }

    async function sameClientError(options, serverOptions = {}) {
      const server = await serverOf(builtin, serverOptions);
      server.on('tlsClientError', () => {});
      const port = server.address().port;
      const expected = await clientError(builtin, { port, ...options });
      const actual = await clientError(uvtls, { port, ...options });
      assert.ok(expected instanceof Error, 'the built-in reports an error');
      assert.deepStrictEqual(errorView(actual), errorView(expected));
      return expected;
    }

    it('a refused connection', async function() {
      const server = net.createServer();
      await new Promise((resolve) => server.listen(0, HOST, resolve));
      const { port } = server.address();
      await new Promise((resolve) => server.close(resolve));
      const expected = await clientError(builtin, { port });
      const actual = await clientError(uvtls, { port });
      assert.deepStrictEqual(errorView(actual), errorView(expected));
    });

    it('an untrusted certificate', async function() {
      await sameClientError({ servername: 'localhost' });
    });

    it('a certificate for another host (the error carries the certificate)', async function() {
      const err = await sameClientError({ servername: 'example.com', ca: fx.ca });
      assert.strictEqual(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('a DH group below minDHSize', async function() {
      const err = await sameClientError(
        { servername: 'localhost', ca: fx.ca, minDHSize: 3072, maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES128-GCM-SHA256' },
        { dhparam: 'auto', ciphers: 'DHE-RSA-AES128-GCM-SHA256' });
      assert.strictEqual(err.code, 'ERR_TLS_DH_PARAM_SIZE');
    });

    it('a server that closes during the handshake', async function() {
      const server = net.createServer((s) => s.destroy());
      trackServer(server);
      await new Promise((resolve) => server.listen(0, HOST, resolve));
      const { port } = server.address();
      const expected = await clientError(builtin, { port });
      const actual = await clientError(uvtls, { port });
      assert.deepStrictEqual(errorView(actual), errorView(expected));
    });

    // What a server of `impl` reports in tlsClientError when a client of
    // the built-in (or a raw TCP client, `raw`) connects.
    async function serverError(impl, options, { raw, client = {} } = {}) {
      const server = await serverOf(impl, options);
      const reported = waitEvent(server, 'tlsClientError', 10000);
      const port = server.address().port;
      if (raw) {
        trackSocket(net.connect(port, HOST));
      } else {
        const socket = trackSocket(builtin.connect({ host: HOST, port, rejectUnauthorized: false, ...client }));
        socket.on('error', () => {});
      }
      const [err] = await reported;
      return err;
    }

    async function sameServerError(options, how) {
      const expected = await serverError(builtin, options, how);
      const actual = await serverError(uvtls, options, how);
      assert.deepStrictEqual(errorView(actual), errorView(expected));
      return expected;
    }

    it('a handshake timeout', async function() {
      const err = await sameServerError({ handshakeTimeout: 50 }, { raw: true });
      assert.strictEqual(err.code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
    });

    it('an SNICallback that calls back twice', async function() {
      const err = await sameServerError({
        SNICallback(name, cb) {
          cb(null, null);
          cb(null, null);
        },
      }, { client: { servername: 'localhost' } });
      assert.strictEqual(err.code, 'ERR_MULTIPLE_CALLBACK');
    });

    it('an SNICallback that fails', async function() {
      const failure = new RangeError('no such name');
      failure.code = 'E_NO_NAME';
      const err = await sameServerError({ SNICallback: (name, cb) => cb(failure) },
                                        { client: { servername: 'localhost' } });
      assert.strictEqual(err, failure);
    });

    it('a client without the certificate the server requires (an OpenSSL error)', async function() {
      const expected = await serverError(builtin, { requestCert: true, rejectUnauthorized: true, maxVersion: 'TLSv1.2' });
      const actual = await serverError(uvtls, { requestCert: true, rejectUnauthorized: true, maxVersion: 'TLSv1.2' });
      assert.ok(expected.library, 'an OpenSSL error');
      assert.deepStrictEqual(errorView(actual), errorView(expected));
    });
  });
});
