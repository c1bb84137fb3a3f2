'use strict';
// Real HTTP/2 libraries over uvtls: got with `http2: true` against
// node:http2's and uvtls/http2's secure servers (in this process, and as a
// program under uvtls/register, whose got then makes its connections with
// uvtls), and grpc-js server and client over mutual TLS in a program run
// with and without the switch (grpc-js's own require('http2') and
// require('tls') are then uvtls's). Each run is compared with the built-in
// one.

const assert = require('assert');
const http2 = require('http2');
const h = require('./helpers');
const f = require('./support/frameworks-http');
const programs = require('./support/frameworks-programs');

const { builtinMode, isUvtlsSessionSocket } = f;
const BIG = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 17) % 256));

let gotPromise;
const loadGot = () => (gotPromise ??= import('got').then((m) => m.default));

// An HTTP/2 secure server (compatibility API) answering what it saw:
// resolves { port, sessions } where sessions lists, per session, whether
// its socket is a uvtls one and its requests so far.
async function serveHttp2(mod) {
  const server = mod.createSecureServer(h.serverCreds());
  const sessions = [];
  server.on('session', (session) => {
    const rec = { uvtls: isUvtlsSessionSocket(session.socket), requests: 0 };
    Object.defineProperty(rec, 'port', { value: session.socket.remotePort });
    sessions.push(rec);
    session.on('stream', () => { rec.requests++; });
  });
  server.on('request', (req, res) => {
    const sock = req.socket;
    const url = new URL(req.url, 'https://x');
    if (url.pathname === '/info') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        httpVersion: req.httpVersion, method: req.method, scheme: req.scheme, authority: req.authority,
        path: req.url, custom: req.headers['x-custom'] ?? null, encrypted: sock.encrypted,
        alpn: sock.alpnProtocol, servername: sock.servername, tlsProtocol: sock.getProtocol(),
      }));
    } else if (url.pathname.startsWith('/item/')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: Number(url.pathname.slice(6)) }));
    } else if (url.pathname === '/echo') {
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ length: body.length, sha256: h.sha256(body) }));
      });
    } else if (url.pathname === '/big') {
      res.end(BIG);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  const port = await f.listen(server);
  return { port, sessions };
}

const SERVERS = [['node:http2 server', () => http2], ['uvtls/http2 server', f.uvHttp2]];

describe('frameworks over uvtls/http2: got with http2, grpc-js', function () {
  this.timeout(20000);
  afterEach(f.cleanup);

  describe('got with http2: true', function () {
    async function exercise(port) {
      const got = await loadGot();
      const base = `https://${h.HOST}:${port}`;
      const options = { http2: true, https: { certificateAuthority: h.fx.ca }, retry: { limit: 0 }, timeout: { request: 10000 } };
      const info = await got(`${base}/info?via=got`, { ...options, headers: { 'x-custom': 'g1' } });
      const items = await Promise.all(Array.from({ length: 10 }, (_, i) => got(`${base}/item/${i}`, options).json()));
      const payload = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 7) % 253));
      const echo = await got.post(`${base}/echo`, { ...options, body: payload }).json();
      const big = await got(`${base}/big`, { ...options, responseType: 'buffer' });
      return {
        info: { httpVersion: info.httpVersion, status: info.statusCode, body: JSON.parse(info.body) },
        items, echo, sent: { length: payload.length, sha256: h.sha256(payload) },
        big: { httpVersion: big.httpVersion, sha256: h.sha256(big.body) },
      };
    }

    it('against node:http2 and uvtls/http2 secure servers: HTTP/2 on one session, the same responses', async function () {
      const runs = [];
      for (const [label, mod] of SERVERS) {
        const { port, sessions } = await serveHttp2(mod());
        runs.push({ label, result: await exercise(port), sessions });
      }
      const [viaBuiltin, viaUvtls] = runs;
      assert.deepStrictEqual(viaBuiltin.result.info, {
        httpVersion: '2.0', status: 200, body: {
          httpVersion: '2.0', method: 'GET', scheme: 'https', authority: `${h.HOST}:${viaBuiltin.result.info.body.authority.split(':')[1]}`,
          path: '/info?via=got', custom: 'g1', encrypted: true, alpn: 'h2', servername: false,
          tlsProtocol: viaBuiltin.result.info.body.tlsProtocol,
        },
      });
      assert.deepStrictEqual(viaBuiltin.result.items, Array.from({ length: 10 }, (_, id) => ({ id })));
      assert.deepStrictEqual(viaBuiltin.result.echo, viaBuiltin.result.sent);
      assert.deepStrictEqual(viaBuiltin.result.big, { httpVersion: '2.0', sha256: h.sha256(BIG) });
      const withoutPort = (r) => ({ ...r, info: { ...r.info, body: { ...r.info.body, authority: r.info.body.authority.split(':')[0] } } });
      assert.deepStrictEqual(withoutPort(viaUvtls.result), withoutPort(viaBuiltin.result));
      // got's first request opens a session on the connection that asked
      // for the protocol; how many more it opens is its business, but the
      // same with either server.
      const total = (sessions) => sessions.reduce((n, s) => n + s.requests, 0);
      assert.strictEqual(total(viaBuiltin.sessions), 13);
      assert.ok(viaBuiltin.sessions.every((s) => !s.uvtls));
      assert.deepStrictEqual(viaUvtls.sessions, viaBuiltin.sessions.map((s) => ({ ...s, uvtls: !builtinMode })));
    });

    it('a program using got under -r uvtls/register: its HTTP/2 connections are uvtls sockets, its responses the same as without the switch', async function () {
      if (builtinMode) this.skip();
      const dir = f.programDir(['got'], { 'got-h2.js': programs.gotHttp2Program });
      for (const [label, mod] of SERVERS) {
        const { port, sessions } = await serveHttp2(mod());
        const argv = [`https://${h.HOST}:${port}`, h.fixturePath('ca.pem')];
        const [switched, plain] = await Promise.all([
          f.runProgram(dir, ['-r', 'uvtls/register'], 'got-h2.js', argv),
          f.runProgram(dir, [], 'got-h2.js', argv),
        ]);
        assert.deepStrictEqual(plain.info, {
          httpVersion: '2.0', status: 200, type: 'application/json', body: {
            httpVersion: '2.0', method: 'GET', scheme: 'https', authority: `${h.HOST}:${port}`, path: '/info?via=got',
            custom: 'g1', encrypted: true, alpn: 'h2', servername: false, tlsProtocol: plain.info.body.tlsProtocol,
          },
        }, label);
        assert.deepStrictEqual(plain.items, Array.from({ length: 10 }, (_, id) => ({ id })), label);
        assert.strictEqual(plain.echo.sha256, plain.echo.sent, label);
        assert.deepStrictEqual([plain.sockets, plain.wraps.includes('TCPWRAP')], [[], true], label);
        const { sockets, wraps, ...responses } = switched;
        const { sockets: s2, wraps: w2, ...builtinResponses } = plain;
        assert.deepStrictEqual(responses, builtinResponses, label);
        assert.deepStrictEqual(wraps, [], label);
        assert.ok(sockets.length >= 1 && sockets.every((s) => !s.server && s.remotePort === port),
                  `${label}: ${JSON.stringify(sockets)}`);
        // Both programs' requests reached the server, in sessions made
        // alike by both.
        const switchedSessions = sessions.filter((s) => s.port && sockets.some((x) => x.localPort === s.port));
        assert.strictEqual(sessions.reduce((n, s) => n + s.requests, 0), 24, label);
        assert.strictEqual(switchedSessions.length * 2, sessions.length, label);
      }
    });
  });

  describe('grpc-js over TLS under -r uvtls/register', function () {
    let dir;
    beforeEach(function () {
      if (builtinMode) this.skip();
      dir = f.programDir(['@grpc/grpc-js', '@grpc/proto-loader'], {
        'grpc.js': programs.grpcProgram, 'echo.proto': programs.GRPC_PROTO,
      });
    });
    const run = (args, mode) => f.runProgram(dir, args, 'grpc.js', [h.FIXTURES, mode]);

    it('unary and streaming calls over mutual TLS, and each side\'s view of the other\'s certificate, as without the switch', async function () {
      const [switched, plain] = await Promise.all([run(['-r', 'uvtls/register'], 'ok'), run([], 'ok')]);
      assert.deepStrictEqual(plain.unary, { text: 'HI', n: 42, blob: plain.unary.sent, sent: plain.unary.sent });
      assert.deepStrictEqual(plain.count, [0, 1, 2, 3, 4].map((i) => [`c${i}`, i]));
      assert.deepStrictEqual(plain.chat, [['cba', 2], ['sltvu', 4], ['', 6]]);
      const clientCert = f.certSummary(new (require('crypto').X509Certificate)(h.fx.clientCert).toLegacyObject());
      assert.deepStrictEqual(plain.serverSaw.map((s) => s.method), ['Unary', 'Count', 'Chat']);
      for (const seen of plain.serverSaw) {
        assert.strictEqual(seen.auth.transportSecurityType, 'ssl');
        assert.strictEqual(seen.auth.cert.fingerprint256, clientCert.fingerprint256);
      }
      assert.strictEqual(plain.clientSaw.length >= 1 && plain.clientSaw[0].host, 'localhost');
      assert.deepStrictEqual([plain.sockets, plain.errors], [[], []]);
      const { sockets, errors, wraps, ...rest } = switched;
      const { sockets: s2, errors: e2, wraps: w2, ...builtinRest } = plain;
      assert.deepStrictEqual(rest, builtinRest);
      assert.deepStrictEqual(errors, []);
      // Server and client sockets, all uvtls's: one client socket for
      // each server identity check grpc-js made, each with its server side.
      // (grpc-js connects TCP with net.connect and starts TLS over that
      // socket, so Node's TCP handles are there either way.)
      const clients = sockets.filter((s) => !s.server);
      assert.strictEqual(clients.length, switched.clientSaw.length, JSON.stringify(sockets));
      assert.strictEqual(sockets.length, 2 * clients.length, JSON.stringify(sockets));
      for (const c of clients) {
        assert.ok(sockets.some((s) => s.server && s.localPort === c.remotePort && s.remotePort === c.localPort),
                  `the server side of ${JSON.stringify(c)}`);
      }
    });

    it('a client without a certificate, and a client trusting another CA: the calls fail as without the switch', async function () {
      for (const mode of ['no-client-cert', 'wrong-ca']) {
        const [switched, plain] = await Promise.all([run(['-r', 'uvtls/register'], mode), run([], mode)]);
        assert.strictEqual(typeof plain.error.code, 'number', mode);
        assert.deepStrictEqual(switched.error, plain.error, mode);
        assert.deepStrictEqual(switched.serverSaw, plain.serverSaw, mode);
        // The failure was met by uvtls sockets (the server's and the
        // client's under the switch), by none without it.
        assert.deepStrictEqual(plain.errors, [], mode);
        assert.ok(switched.errors.length >= 1, `${mode}: ${JSON.stringify(switched.errors)}`);
      }
    });
  });
});
