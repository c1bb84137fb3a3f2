'use strict';

// Handshake features of uvtls (SNI, ALPN, session resumption, OCSP stapling,
// PSK, key logging) against the `openssl s_client` / `s_server` command line.

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const { uvtls, fx } = h;

const VERSIONS = [['TLSv1.2', '-tls1_2'], ['TLSv1.3', '-tls1_3']];

const PSK_HEX = '0123456789abcdef0123456789abcdef';
const PSK = Buffer.from(PSK_HEX, 'hex');

function fingerprint(pem) {
  return new crypto.X509Certificate(pem).fingerprint256;
}

// `openssl s_client` without -brief (it prints the ALPN protocol, the server
// certificate, the OCSP response and New/Reused only in that mode). Resolves
// with the child once the handshake summary is out (the first "Verify return
// code" line on stdout); rejects with its output if it exits first.
// -nocommands: lines starting with k, R, Q... are data, not commands.
async function sClient(port, args, opts) {
  const child = h.spawnOpenssl(['s_client', '-connect', `${h.HOST}:${port}`, '-nocommands', ...args], opts);
  await child.waitFor('stdout', /Verify return code: \d+/);
  return child;
}

// Ends s_client's stdin (it sends close_notify and quits) and waits for it.
async function endClient(child) {
  child.stdin.end();
  const { code } = await h.withTimeout(child.exited, 5000, 's_client exit');
  assert.strictEqual(code, 0, `s_client failed:\n${child.out()}\n${child.err()}`);
}

// A uvtls server that echoes lines upper-cased and ends when the peer ends.
function echo(sock) {
  sock.on('data', (d) => sock.write(d.toString().toUpperCase()));
  sock.on('end', () => sock.end());
}

// Writes a line to s_client and waits for the server's upper-cased echo.
async function roundTrip(child, line) {
  child.stdin.write(`${line}\n`);
  await child.waitFor('stdout', new RegExp(`${line.toUpperCase()}\\n`));
}

// A uvtls client socket, tracked, with listeners attached before the
// handshake. Resolves with it on 'secureConnect'.
function uvtlsConnect(port, options, listeners = {}) {
  const sock = uvtls.connect({ host: h.HOST, port, ca: fx.ca, servername: 'localhost', ...options });
  h.trackSocket(sock);
  for (const [event, fn] of Object.entries(listeners)) sock.on(event, fn);
  return h.withTimeout(new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.once('secureConnect', () => { sock.removeListener('error', reject); resolve(sock); });
  }), 10000, 'secureConnect');
}

// Writes a line to a socket talking to `s_server -rev`; checks the reversed echo.
async function revRoundTrip(sock, line) {
  sock.write(`${line}\n`);
  const got = await h.readBytes(sock, line.length + 1);
  assert.strictEqual(got.toString(), `${line.split('').reverse().join('')}\n`);
}

async function closeClient(sock) {
  const w = h.watch(sock);
  sock.end();
  await h.withTimeout(w.closed, 5000, 'client close');
  assert.strictEqual(w.error, null);
}

// A DER OCSP response ("good") for server.pem, signed by the test CA, made by
// `openssl ocsp` acting as a responder on a one-line CA database in `dir`.
async function makeOcspResponse(dir) {
  const cert = new crypto.X509Certificate(fx.serverCert);
  const subject = `/${cert.subject.split('\n').join('/')}`;
  fs.writeFileSync(path.join(dir, 'index.txt'), `V\t21200101000000Z\t\t${cert.serialNumber}\tunknown\t${subject}\n`);
  const ocsp = h.spawnOpenssl(['ocsp', '-index', 'index.txt',
    '-CA', h.fixturePath('ca.pem'), '-rsigner', h.fixturePath('ca.pem'), '-rkey', h.fixturePath('ca.key'),
    '-issuer', h.fixturePath('ca.pem'), '-cert', h.fixturePath('server.pem'),
    '-no_nonce', '-resp_no_certs', '-ndays', '1', '-respout', 'resp.der'], { cwd: dir });
  ocsp.stdin.end();
  const { code } = await h.withTimeout(ocsp.exited, 10000, 'openssl ocsp');
  assert.strictEqual(code, 0, ocsp.err());
  const resp = fs.readFileSync(path.join(dir, 'resp.der'));
  assert.ok(resp.length > 100, 'a DER OCSP response');
  return { file: path.join(dir, 'resp.der'), resp };
}

// Key log lines as a sorted list without comments and blank lines.
function keylogSet(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).sort();
}

describe('openssl command line: handshake features', function () {
  this.timeout(30000);
  afterEach(h.cleanup);

  before(function () {
    h.needOpenssl(this);
  });

  describe('SNI', function () {
    it('an asynchronous SNICallback serves other-server.pem to s_client -servername other.example', async function () {
      const otherContext = uvtls.createSecureContext(h.serverCreds('other'));
      const asked = [];
      const servernames = [];
      const server = await h.startServer(uvtls, {
        ...h.serverCreds(),
        SNICallback(name, cb) {
          asked.push(name);
          setTimeout(() => cb(null, name === 'other.example' ? otherContext : undefined), 20);
        },
      }, (sock) => { servernames.push(sock.servername); echo(sock); });
      const port = server.address().port;

      async function run(args, caFile) {
        const client = await sClient(port, ['-CAfile', caFile, '-verify_return_error', ...args]);
        assert.match(client.out(), /Verify return code: 0 \(ok\)/);
        await roundTrip(client, 'sni');
        const m = /Server certificate\n(-----BEGIN CERTIFICATE-----\n[\s\S]+?-----END CERTIFICATE-----)/.exec(client.out());
        assert.ok(m, client.out());
        const issuer = /^issuer=(.*)$/m.exec(client.out())[1];
        await endClient(client);
        return { fingerprint: fingerprint(m[1]), issuer };
      }

      assert.deepStrictEqual(await run(['-servername', 'other.example'], 'other-ca.pem'),
        { fingerprint: fingerprint(fx.otherCert), issuer: 'O = uvtls test, CN = uvtls Other Root CA' });
      assert.deepStrictEqual(await run(['-servername', 'localhost'], 'ca.pem'),
        { fingerprint: fingerprint(fx.serverCert), issuer: 'O = uvtls test, CN = uvtls Test Root CA' });
      // s_client sends no SNI when connecting to an IP address.
      assert.deepStrictEqual(await run([], 'ca.pem'),
        { fingerprint: fingerprint(fx.serverCert), issuer: 'O = uvtls test, CN = uvtls Test Root CA' });
      assert.deepStrictEqual(asked, ['other.example', 'localhost']);
      assert.deepStrictEqual(servernames, ['other.example', 'localhost', false]);
    });

    it('the uvtls client sends servername x.example, which makes s_server switch to -cert2', async function () {
      const server = await h.opensslServer(['-cert', 'server.pem', '-key', 'server.key', '-rev', '-naccept', '1',
        '-servername', 'x.example', '-cert2', 'other-server.pem', '-key2', 'other-server.key']);
      const checked = [];
      const client = await uvtlsConnect(server.port, {
        servername: 'x.example',
        ca: [fx.ca, fx.otherCa],
        checkServerIdentity: (name, cert) => { checked.push([name, cert.fingerprint256]); },
      });
      assert.strictEqual(client.authorized, true);
      const peer = client.getPeerCertificate();
      assert.strictEqual(peer.fingerprint256, fingerprint(fx.otherCert));
      assert.strictEqual(peer.issuer.CN, 'uvtls Other Root CA');
      assert.deepStrictEqual(checked, [['x.example', fingerprint(fx.otherCert)]]);
      await revRoundTrip(client, 'hello x.example');
      await closeClient(client);
      // s_server's stdout is a pipe, so it is fully buffered until it exits.
      await h.withTimeout(server.exited, 5000, 's_server exit');
      assert.match(server.out(), /Hostname in TLS extension: "x\.example"\nSwitching server context/);
    });
  });

  describe('ALPN', function () {
    it('the uvtls server picks h2 (its preference) from s_client -alpn http/1.1,h2', async function () {
      const selected = [];
      const server = await h.startServer(uvtls, { ...h.serverCreds(), ALPNProtocols: ['h2', 'http/1.1'] },
        (sock) => { selected.push(sock.alpnProtocol); echo(sock); });
      const client = await sClient(server.address().port, ['-CAfile', 'ca.pem', '-alpn', 'http/1.1,h2']);
      assert.match(client.out(), /^ALPN protocol: h2$/m);
      await roundTrip(client, 'alpn');
      await endClient(client);
      assert.deepStrictEqual(selected, ['h2']);
    });

    it('the uvtls client offering foo,bar gets bar from s_server -alpn bar', async function () {
      const server = await h.opensslServer(['-cert', 'server.pem', '-key', 'server.key', '-rev', '-naccept', '1',
        '-alpn', 'bar']);
      const client = await uvtlsConnect(server.port, { ALPNProtocols: ['foo', 'bar'] });
      assert.strictEqual(client.alpnProtocol, 'bar');
      await revRoundTrip(client, 'alpn');
      await closeClient(client);
      await h.withTimeout(server.exited, 5000, 's_server exit');
      assert.match(server.out(), /ALPN protocols advertised by the client: foo, bar\nALPN protocols selected: bar\n/);
    });
  });

  describe('session resumption', function () {
    for (const [version, flag] of VERSIONS) {
      it(`${version}: s_client -sess_out then -sess_in is Reused by the uvtls server`, async function () {
        const reused = [];
        const server = await h.startServer(uvtls, h.serverCreds(),
          (sock) => { reused.push(sock.isSessionReused()); echo(sock); });
        const sess = path.join(h.tmpDir(), 'session.pem');
        const common = ['-CAfile', 'ca.pem', '-verify_return_error', flag];

        const first = await sClient(server.address().port, [...common, '-sess_out', sess]);
        // The echo comes after the TLSv1.3 tickets, which s_client writes to -sess_out.
        await roundTrip(first, 'first');
        assert.match(first.out(), new RegExp(`^New, ${version.replace('.', '\\.')}, Cipher is`, 'm'));
        await endClient(first);
        assert.match(fs.readFileSync(sess, 'latin1'), /-----BEGIN SSL SESSION PARAMETERS-----/);

        const second = await sClient(server.address().port, [...common, '-sess_in', sess]);
        await roundTrip(second, 'second');
        assert.match(second.out(), new RegExp(`^Reused, ${version.replace('.', '\\.')}, Cipher is`, 'm'));
        await endClient(second);
        assert.deepStrictEqual(reused, [false, true]);
      });

      it(`${version}: the uvtls client resumes with its 'session' against s_server`, async function () {
        // No -naccept: s_server has to take both connections.
        const server = await h.opensslServer(['-cert', 'server.pem', '-key', 'server.key', '-rev', flag]);
        const sessions = [];
        const first = await uvtlsConnect(server.port, {}, { session: (s) => sessions.push(s) });
        assert.strictEqual(first.isSessionReused(), false);
        assert.strictEqual(first.getProtocol(), version);
        // TLSv1.3 tickets come after the handshake, before the echo.
        await revRoundTrip(first, 'first');
        assert.ok(sessions.length > 0, 'a session event');
        assert.ok(Buffer.isBuffer(sessions[0]));
        await closeClient(first);

        const second = await uvtlsConnect(server.port, { session: sessions[0] });
        assert.strictEqual(second.isSessionReused(), true);
        assert.strictEqual(second.getProtocol(), version);
        await revRoundTrip(second, 'second');
        await closeClient(second);

        // And without the session it is a full handshake again.
        const third = await uvtlsConnect(server.port, {});
        assert.strictEqual(third.isSessionReused(), false);
        await closeClient(third);
      });
    }
  });

  describe('OCSP stapling', function () {
    for (const [version, flag] of VERSIONS) {
      it(`${version}: the uvtls server's OCSPRequest response reaches s_client -status`, async function () {
        const { resp } = await makeOcspResponse(h.tmpDir());
        const requests = [];
        const server = await h.startServer(uvtls, { ...h.serverCreds(), ca: fx.ca }, echo);
        server.on('OCSPRequest', (cert, issuer, cb) => {
          requests.push({ cert, issuer });
          setImmediate(() => cb(null, resp));
        });
        const client = await sClient(server.address().port, ['-CAfile', 'ca.pem', '-verify_return_error', '-status', flag]);
        await roundTrip(client, 'ocsp');
        const out = client.out();
        assert.match(out, /OCSP Response Status: successful \(0x0\)/);
        assert.match(out, /Cert Status: good/);
        assert.match(out, new RegExp(`Serial Number: ${new crypto.X509Certificate(fx.serverCert).serialNumber}`));
        await endClient(client);
        assert.strictEqual(requests.length, 1);
        assert.ok(requests[0].cert.equals(new crypto.X509Certificate(fx.serverCert).raw), 'the served certificate');
        assert.ok(requests[0].issuer.equals(new crypto.X509Certificate(fx.ca).raw), 'its issuer');
      });
    }

    it('without -status, s_client gets no OCSP response and OCSPRequest is not emitted', async function () {
      const { resp } = await makeOcspResponse(h.tmpDir());
      let requests = 0;
      const server = await h.startServer(uvtls, { ...h.serverCreds(), ca: fx.ca }, echo);
      server.on('OCSPRequest', (cert, issuer, cb) => { requests++; cb(null, resp); });
      const client = await sClient(server.address().port, ['-CAfile', 'ca.pem', '-verify_return_error']);
      await roundTrip(client, 'no ocsp');
      assert.doesNotMatch(client.out(), /OCSP Response Status/);
      await endClient(client);
      assert.strictEqual(requests, 0);
    });

    it('the uvtls client with requestOCSP gets the bytes of s_server -status_file', async function () {
      const dir = h.tmpDir();
      const { file, resp } = await makeOcspResponse(dir);
      // No -naccept: a second connection without requestOCSP gets nothing.
      const server = await h.opensslServer(['-cert', h.fixturePath('server.pem'), '-key', h.fixturePath('server.key'),
        '-rev', '-status_file', file], { cwd: dir });
      const responses = [];
      const client = await uvtlsConnect(server.port, { requestOCSP: true },
        { OCSPResponse: (r) => responses.push(r) });
      assert.strictEqual(responses.length, 1);
      assert.ok(Buffer.isBuffer(responses[0]));
      assert.strictEqual(responses[0].toString('hex'), resp.toString('hex'));
      await revRoundTrip(client, 'stapled');
      await closeClient(client);

      const unasked = [];
      const plain = await uvtlsConnect(server.port, {}, { OCSPResponse: (r) => unasked.push(r) });
      await revRoundTrip(plain, 'not stapled');
      await closeClient(plain);
      assert.deepStrictEqual(unasked, []);
    });
  });

  describe('PSK', function () {
    it('TLSv1.2 PSK-AES128-CBC-SHA256: s_client -psk -psk_identity alice to a uvtls pskCallback server', async function () {
      const identities = [];
      const ciphers = [];
      const server = await h.startServer(uvtls, {
        ciphers: 'PSK-AES128-CBC-SHA256',
        pskCallback(sock, identity) {
          identities.push(identity);
          return identity === 'alice' ? PSK : null;
        },
      }, (sock) => { ciphers.push([sock.getProtocol(), sock.getCipher().name]); echo(sock); });
      const port = server.address().port;
      const client = await sClient(port, ['-psk', PSK_HEX, '-psk_identity', 'alice', '-tls1_2',
        '-cipher', 'PSK-AES128-CBC-SHA256']);
      assert.match(client.out(), /Cipher is PSK-AES128-CBC-SHA256/);
      await roundTrip(client, 'psk twelve');
      await endClient(client);
      assert.deepStrictEqual(ciphers, [['TLSv1.2', 'PSK-AES128-CBC-SHA256']]);

      // An unknown identity is refused.
      const refused = h.waitEvent(server, 'tlsClientError');
      const bad = h.spawnOpenssl(['s_client', '-connect', `${h.HOST}:${port}`, '-psk', PSK_HEX,
        '-psk_identity', 'mallory', '-tls1_2', '-cipher', 'PSK-AES128-CBC-SHA256']);
      await refused;
      bad.stdin.end();
      const { code } = await h.withTimeout(bad.exited, 5000, 's_client exit');
      assert.notStrictEqual(code, 0);
      assert.deepStrictEqual(identities, ['alice', 'mallory']);
      assert.strictEqual(ciphers.length, 1);
    });

    it('TLSv1.3: s_client -psk (identity Client_identity) to a uvtls pskCallback server', async function () {
      const identities = [];
      const ciphers = [];
      const server = await h.startServer(uvtls, {
        pskCallback(sock, identity) {
          identities.push(identity);
          return PSK;
        },
      }, (sock) => { ciphers.push([sock.getProtocol(), sock.getCipher().name]); echo(sock); });
      const client = await sClient(server.address().port, ['-psk', PSK_HEX, '-tls1_3']);
      await roundTrip(client, 'psk thirteen');
      // s_client's PSK is for SHA-256 suites; a TLSv1.3 PSK handshake shows as Reused.
      const m = /^Reused, TLSv1\.3, Cipher is (TLS_\w+_SHA256)$/m.exec(client.out());
      assert.ok(m, client.out());
      assert.match(client.out(), /no peer certificate available/);
      await endClient(client);
      assert.deepStrictEqual(identities, ['Client_identity']);
      assert.deepStrictEqual(ciphers, [['TLSv1.3', m[1]]]);
    });

    it('TLSv1.2: the uvtls client pskCallback gets the hint of s_server -psk -nocert', async function () {
      const server = await h.opensslServer(['-nocert', '-psk', PSK_HEX, '-psk_identity', 'bob',
        '-psk_hint', 'the-hint', '-rev', '-naccept', '1', '-tls1_2', '-cipher', 'PSK-AES128-CBC-SHA256']);
      const hints = [];
      const client = await uvtlsConnect(server.port, {
        // TLSv1.2 only: a client that can do TLSv1.3 also calls pskCallback
        // (hint null) for its ClientHello.
        maxVersion: 'TLSv1.2',
        ciphers: 'PSK-AES128-CBC-SHA256',
        checkServerIdentity: () => undefined,
        pskCallback(hint) {
          hints.push(hint);
          return { psk: PSK, identity: 'bob' };
        },
      });
      assert.deepStrictEqual(hints, ['the-hint']);
      assert.strictEqual(client.getProtocol(), 'TLSv1.2');
      assert.strictEqual(client.getCipher().name, 'PSK-AES128-CBC-SHA256');
      await revRoundTrip(client, 'psk client twelve');
      await closeClient(client);
      await h.withTimeout(server.exited, 5000, 's_server exit');
      // With TLSv1.2, s_server takes any identity but complains about others.
      assert.doesNotMatch(server.out(), /PSK warning/);
    });

    it('TLSv1.3: the uvtls client pskCallback against s_server -psk -nocert', async function () {
      const server = await h.opensslServer(['-nocert', '-psk', PSK_HEX, '-rev', '-naccept', '1', '-tls1_3']);
      const hints = [];
      const client = await uvtlsConnect(server.port, {
        pskCallback(hint) {
          hints.push(hint);
          return { psk: PSK, identity: 'Client_identity' };
        },
      });
      assert.deepStrictEqual(hints, [null]);
      assert.strictEqual(client.getProtocol(), 'TLSv1.3');
      assert.match(client.getCipher().name, /^TLS_\w+_SHA256$/);
      assert.strictEqual(client.getPeerCertificate().subject, undefined);
      await revRoundTrip(client, 'psk client thirteen');
      await closeClient(client);
      await h.withTimeout(server.exited, 5000, 's_server exit');
    });
  });

  describe('key logging', function () {
    const LABELS = {
      'TLSv1.2': ['CLIENT_RANDOM'],
      'TLSv1.3': ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET',
        'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0'],
    };
    for (const [version, flag] of VERSIONS) {
      it(`${version}: the uvtls server's 'keylog' lines are those of s_client -keylogfile`, async function () {
        const lines = [];
        const server = await h.startServer(uvtls, h.serverCreds(), echo);
        server.on('keylog', (line, sock) => {
          assert.ok(Buffer.isBuffer(line));
          assert.ok(sock instanceof uvtls.TLSSocket);
          lines.push(line.toString('latin1'));
        });
        const file = path.join(h.tmpDir(), 'keys.log');
        const client = await sClient(server.address().port, ['-CAfile', 'ca.pem', '-verify_return_error',
          '-keylogfile', file, flag]);
        await roundTrip(client, 'keys');
        await endClient(client);
        assert.ok(lines.every((l) => l.endsWith('\n')), 'each keylog line ends with a newline');
        const ours = keylogSet(lines.join(''));
        const theirs = keylogSet(fs.readFileSync(file, 'latin1'));
        assert.deepStrictEqual([...new Set(ours.map((l) => l.split(' ')[0]))].sort(), LABELS[version]);
        // One connection: one client random on every line.
        assert.strictEqual(new Set(ours.map((l) => l.split(' ')[1])).size, 1);
        assert.deepStrictEqual(ours, theirs);
      });
    }
  });
});
