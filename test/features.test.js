'use strict';
// Handshake features and socket wrapping, each in every direction against
// the built-in: SNI, ALPN, PSK, key logging, ticket keys shared between
// servers, TLS over an existing socket or a JavaScript stream pair.

const assert = require('assert');
const net = require('net');
const { X509Certificate } = require('crypto');
const { Duplex } = require('stream');
const h = require('./helpers');

const { fx, uvtls, builtin } = h;

// Two connected in-memory Duplex streams.
function duplexPair() {
  const a = new Duplex({ read() {}, write(chunk, enc, cb) { b.push(chunk); cb(); }, final(cb) { b.push(null); cb(); } });
  const b = new Duplex({ read() {}, write(chunk, enc, cb) { a.push(chunk); cb(); }, final(cb) { a.push(null); cb(); } });
  return [a, b];
}

for (const [label, clientImpl, serverImpl] of h.DIRECTIONS) {
  describe(`handshake features (${label})`, function () {
    afterEach(h.cleanup);

    it('SNICallback picks the context by server name, asynchronously', async function () {
      const names = [];
      const server = await h.startServer(serverImpl, {
        ...h.serverCreds('wrong'),
        SNICallback(name, cb) {
          names.push(name);
          setTimeout(() => cb(null, serverImpl.createSecureContext(h.serverCreds('rsa'))), 10);
        },
      });
      const client = await h.connect(clientImpl, server);
      assert.deepStrictEqual(names, ['localhost']);
      assert.strictEqual(client.authorized, true);
      assert.strictEqual(client.getPeerCertificate().subject.CN, 'localhost');
    });

    it('addContext serves the most recent matching context; others get the default', async function () {
      const server = await h.startServer(serverImpl, h.serverCreds('wrong'));
      server.addContext('*.example', h.serverCreds('other'));
      server.addContext('localhost', h.serverCreds('rsa'));
      const matched = await h.connect(clientImpl, server);
      assert.strictEqual(matched.authorized, true);
      const fingerprint = (pem) => new X509Certificate(pem).fingerprint256;
      assert.strictEqual(matched.getPeerCertificate().fingerprint256, fingerprint(fx.serverCert));
      const other = await h.connect(clientImpl, server, { servername: 'any.example', rejectUnauthorized: false });
      assert.strictEqual(other.getPeerCertificate().fingerprint256, fingerprint(fx.otherCert));
      const fallback = await h.connect(clientImpl, server, { servername: 'nowhere', rejectUnauthorized: false });
      assert.strictEqual(fallback.getPeerCertificate().fingerprint256, fingerprint(fx.wrongCert));
    });

    it('an SNICallback error reaches tlsClientError and the client sees a reset', async function () {
      const server = await h.startServer(serverImpl, {
        ...h.serverCreds(),
        SNICallback(name, cb) { cb(new Error('no such name')); },
      });
      const clientError = h.connect(clientImpl, server).then(() => null, (err) => err);
      const [err] = await h.waitEvent(server, 'tlsClientError', 5000);
      assert.strictEqual(err.message, 'no such name');
      assert.strictEqual((await clientError).code, 'ECONNRESET');
    });

    it('ALPN: the server list picks the first the client offers; ALPNCallback chooses', async function () {
      const server = await h.startServer(serverImpl, { ...h.serverCreds(), ALPNProtocols: ['h2', 'http/1.1'] });
      const client = await h.connect(clientImpl, server, { ALPNProtocols: ['http/1.1', 'h2'] });
      assert.strictEqual(client.alpnProtocol, 'h2');

      const offers = [];
      const server2 = await h.startServer(serverImpl, {
        ...h.serverCreds(),
        ALPNCallback({ servername, protocols }) {
          offers.push([servername, protocols]);
          return 'b';
        },
      });
      const client2 = await h.connect(clientImpl, server2, { ALPNProtocols: ['a', 'b'] });
      assert.strictEqual(client2.alpnProtocol, 'b');
      assert.deepStrictEqual(offers, [['localhost', ['a', 'b']]]);
    });

    for (const version of ['TLSv1.2', 'TLSv1.3']) {
      it(`PSK without certificates (${version})`, async function () {
        const key = Buffer.from('d731ef57be09e5204f0b205b60627028', 'hex');
        const identities = [];
        const server = await h.startServer(serverImpl, {
          ciphers: version === 'TLSv1.2' ? 'PSK-AES128-GCM-SHA256' : undefined,
          minVersion: version,
          maxVersion: version,
          pskIdentityHint: version === 'TLSv1.2' ? 'hint' : undefined,
          pskCallback(socket, identity) {
            identities.push(identity);
            return identity === 'alice' ? key : undefined;
          },
        }, (sock) => sock.end('psk ok'));
        const hints = [];
        const client = await h.connect(clientImpl, server, {
          ca: undefined,
          ciphers: version === 'TLSv1.2' ? 'PSK-AES128-GCM-SHA256' : undefined,
          minVersion: version,
          maxVersion: version,
          checkServerIdentity: () => undefined,
          pskCallback(hint) {
            hints.push(hint);
            return { psk: key, identity: 'alice' };
          },
        });
        const data = await h.collect(client);
        assert.strictEqual(data.toString(), 'psk ok');
        assert.deepStrictEqual(identities, ['alice']);
        assert.deepStrictEqual(hints, [version === 'TLSv1.2' ? 'hint' : null]);
        assert.strictEqual(client.getProtocol(), version);
      });
    }

    it('keylog lines in NSS format on both sides', async function () {
      const serverLines = [];
      const server = await h.startServer(serverImpl, { ...h.serverCreds(), maxVersion: 'TLSv1.3' });
      server.on('keylog', (line, socket) => {
        assert.strictEqual(socket.encrypted, true);
        serverLines.push(line.toString());
      });
      const clientLines = [];
      const sock = clientImpl.connect({ host: h.HOST, port: server.address().port, ca: fx.ca,
                                        servername: 'localhost' });
      h.trackSocket(sock);
      sock.on('keylog', (line) => clientLines.push(line.toString()));
      await h.waitEvent(sock, 'secureConnect', 5000);
      await h.delay(20);
      assert.strictEqual(clientLines.length, 5);
      assert.strictEqual(serverLines.length, 5);
      for (const line of clientLines) assert.match(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+\n$/);
      assert.deepStrictEqual(clientLines.map((l) => l.split(' ')[0]).sort(),
                             serverLines.map((l) => l.split(' ')[0]).sort());
    });

    it('a session from one server resumes on another with the same ticket keys', async function () {
      const ticketKeys = require('crypto').randomBytes(48);
      const a = await h.startServer(serverImpl, { ...h.serverCreds(), ticketKeys, maxVersion: 'TLSv1.2' },
                                    (s) => s.end());
      const b = await h.startServer(serverImpl, { ...h.serverCreds(), ticketKeys, maxVersion: 'TLSv1.2' },
                                    (s) => s.end());
      assert.deepStrictEqual(a.getTicketKeys(), ticketKeys);
      const first = await h.connect(clientImpl, a);
      const session = first.getSession();
      first.resume();
      const second = await h.connect(clientImpl, b, { session });
      assert.strictEqual(second.isSessionReused(), true);
      second.resume();
      b.setTicketKeys(require('crypto').randomBytes(48));
      const third = await h.connect(clientImpl, b, { session });
      assert.strictEqual(third.isSessionReused(), false);
      third.resume();
    });

    it('newSession / resumeSession: an application session cache, asynchronous', async function () {
      const cache = new Map();
      const events = [];
      const server = await h.startServer(serverImpl, { ...h.serverCreds(), maxVersion: 'TLSv1.2' },
                                         (s) => s.end());
      server.on('newSession', (id, data, done) => {
        events.push('new');
        setImmediate(() => { cache.set(id.toString('hex'), data); done(); });
      });
      server.on('resumeSession', (id, cb) => {
        events.push('resume');
        setImmediate(() => cb(null, cache.get(id.toString('hex')) || null));
      });
      const noTickets = { secureOptions: require('crypto').constants.SSL_OP_NO_TICKET };
      const first = await h.connect(clientImpl, server, noTickets);
      const session = first.getSession();
      first.resume();
      assert.strictEqual(first.isSessionReused(), false);
      const second = await h.connect(clientImpl, server, { ...noTickets, session });
      assert.strictEqual(second.isSessionReused(), true);
      second.resume();
      // The first ClientHello names a session too (TLS 1.3 clients send a
      // legacy session ID): looked up and not found, as with the built-in.
      assert.deepStrictEqual(events, ['resume', 'new', 'resume']);
    });

    it('OCSP stapling: the server\'s OCSPRequest answer reaches the client\'s OCSPResponse', async function () {
      const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end());
      const requests = [];
      server.on('OCSPRequest', (cert, issuer, cb) => {
        requests.push([new X509Certificate(cert).fingerprint256,
                       issuer && new X509Certificate(issuer).fingerprint256]);
        setImmediate(() => cb(null, Buffer.from('stapled response')));
      });
      const sock = clientImpl.connect({ host: h.HOST, port: server.address().port, ca: fx.ca,
                                        servername: 'localhost', requestOCSP: true });
      h.trackSocket(sock);
      const [response] = await h.waitEvent(sock, 'OCSPResponse', 5000);
      await h.waitEvent(sock, 'secureConnect', 5000).catch(() => {});
      assert.strictEqual(response.toString(), 'stapled response');
      // The issuer is looked for in the server's chain and trust store, which
      // here hold neither: null, as with the built-in.
      assert.deepStrictEqual(requests, [[new X509Certificate(fx.serverCert).fingerprint256, null]]);
      sock.resume();
    });

    it('upgrades a connected plain socket (STARTTLS) without losing early bytes', async function () {
      const tlsServer = serverImpl.createServer(h.serverCreds(), (s) => s.end('secured'));
      h.trackServer(tlsServer);
      const plain = net.createServer((raw) => {
        raw.once('data', (d) => {
          assert.strictEqual(d.toString(), 'STARTTLS\n');
          raw.write('GO\n');
          tlsServer.emit('connection', raw);
        });
      });
      h.trackServer(plain);
      await new Promise((resolve) => plain.listen(0, h.HOST, resolve));
      const raw = net.connect(plain.address().port, h.HOST);
      h.trackSocket(raw);
      raw.write('STARTTLS\n');
      await h.waitEvent(raw, 'data', 5000);
      const secure = clientImpl.connect({ socket: raw, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(secure);
      await h.waitEvent(secure, 'secureConnect', 5000);
      assert.strictEqual(secure.authorized, true);
      assert.strictEqual((await h.collect(secure)).toString(), 'secured');
    });

    it('TLS inside TLS: a second session over an established TLSSocket', async function () {
      const inner = serverImpl.createServer(h.serverCreds(), (s) => s.end('inner secret'));
      h.trackServer(inner);
      const outer = await h.startServer(serverImpl, h.serverCreds(),
                                        (s) => inner.emit('connection', s));
      const outerClient = await h.connect(clientImpl, outer);
      const innerClient = clientImpl.connect({ socket: outerClient, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(innerClient);
      await h.waitEvent(innerClient, 'secureConnect', 5000);
      assert.strictEqual(innerClient.authorized, true);
      assert.strictEqual((await h.collect(innerClient)).toString(), 'inner secret');
    });

    it('runs over a pair of JavaScript streams', async function () {
      const [left, right] = duplexPair();
      const server = new serverImpl.TLSSocket(right, {
        isServer: true,
        secureContext: serverImpl.createSecureContext(h.serverCreds()),
      });
      h.trackSocket(server);
      server.on('data', (d) => server.end(d.toString().toUpperCase()));
      const client = clientImpl.connect({ socket: left, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(client);
      await h.waitEvent(client, 'secureConnect', 5000);
      client.write('over a stream');
      assert.strictEqual((await h.collect(client)).toString(), 'OVER A STREAM');
    });
  });
}
