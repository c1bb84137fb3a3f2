'use strict';
// uvtls/http2 against node:http2: each scenario runs with the built-in on
// both ends and with uvtls on one or both; what each end observes must be
// the same.

const assert = require('assert');
const crypto = require('crypto');
const net = require('net');
const builtinHttp2 = require('http2');
const builtinHttps = require('https');
const builtinTls = require('tls');
const h = require('./helpers');

const { fx } = h;
const useBuiltin = process.env.UVTLS_TEST_IMPL === 'builtin';
const uvtlsHttp2 = useBuiltin ? builtinHttp2 : require('../lib/http2');
const uvtlsHttps = useBuiltin ? builtinHttps : require('../lib/https');
const uvtlsTls = useBuiltin ? builtinTls : require('..');

// [label, client modules, server modules]
const BUILTIN = { http2: builtinHttp2, https: builtinHttps, tls: builtinTls };
const UVTLS = { http2: uvtlsHttp2, https: uvtlsHttps, tls: uvtlsTls };
const PAIRS = [
  ['uvtls client -> builtin server', UVTLS, BUILTIN],
  ['builtin client -> uvtls server', BUILTIN, UVTLS],
  ['uvtls client -> uvtls server', UVTLS, UVTLS],
];

function differential(title, scenario) {
  it(title, async function () {
    const expected = await scenario(BUILTIN, BUILTIN);
    h.cleanup();
    for (const [label, client, server] of PAIRS) {
      assert.deepStrictEqual(await scenario(client, server), expected, label);
      h.cleanup();
    }
  });
}

async function listen(server, options, handler) {
  const srv = server.http2.createSecureServer({ ...h.serverCreds(), ...options }, handler);
  h.trackServer(srv);
  await new Promise((resolve) => srv.listen(0, h.HOST, resolve));
  return srv;
}

function request(session, headers = {}, body) {
  return new Promise((resolve) => {
    const req = session.request({ ':path': '/', ...headers });
    let data = '';
    let status;
    req.setEncoding('utf8');
    req.on('response', (hdrs) => { status = hdrs[':status']; });
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve({ status, data }));
    req.on('error', (err) => resolve({ error: h.errorShape(err) }));
    req.end(body);
  });
}

function closeSession(session) {
  return new Promise((resolve) => {
    if (session.closed || session.destroyed) return resolve();
    session.close(resolve);
  });
}

// What a session shows of its TLS socket.
function sessionView(session) {
  const socket = session.socket;
  return {
    encrypted: session.encrypted,
    alpnProtocol: session.alpnProtocol,
    originSet: session.originSet && session.originSet.length,
    authorized: socket.authorized,
    servername: socket.servername,
    remoteFamily: socket.remoteFamily,
    peerCN: socket.getPeerCertificate().subject?.CN ?? null,
    instanceOfTLSSocket: socket instanceof uvtlsTls.TLSSocket,
  };
}

describe('uvtls/http2', function () {
  this.timeout(20000);
  afterEach(h.cleanup);

  it('has the exports of node:http2, of the same types', function () {
    assert.deepStrictEqual(Object.keys(uvtlsHttp2), Object.keys(builtinHttp2));
    for (const key of Object.keys(builtinHttp2)) {
      assert.strictEqual(typeof uvtlsHttp2[key], typeof builtinHttp2[key], key);
    }
    assert.ok(uvtlsHttp2.createSecureServer(h.serverCreds()) instanceof uvtlsTls.Server);
  });

  differential('requests, session and socket views, events in order', async (client, server) => {
    const events = [];
    const srv = await listen(server, {}, (req, res) => {
      events.push(`request ${req.url} ${req.socket.encrypted} ${req.socket.alpnProtocol}`);
      res.setHeader('x-peer', String(req.socket.remoteAddress === h.HOST));
      res.end(`${req.method} ${req.url}`);
    });
    srv.on('session', (session) => events.push(`session ${JSON.stringify(sessionView(session))}`));
    srv.on('secureConnection', (socket) => events.push(`secureConnection ${socket.alpnProtocol}`));
    const session = client.http2.connect(`https://localhost:${srv.address().port}`, { ca: fx.ca });
    await new Promise((resolve) => session.once('connect', () => {
      events.push(`connect ${JSON.stringify(sessionView(session))}`);
      resolve();
    }));
    const results = await Promise.all([
      request(session, { ':path': '/a' }),
      request(session, { ':path': '/b', ':method': 'POST' }, 'body'),
    ]);
    await closeSession(session);
    return { results, events };
  });

  differential('an HTTP/1 client at an h2-only server, and allowHTTP1 on the same port', async (client, server) => {
    const events = [];
    const h2only = await listen(server, {}, (req, res) => res.end('h2'));
    h2only.on('unknownProtocol', (socket) => { events.push('unknownProtocol'); socket.destroy(); });
    const both = await listen(server, { allowHTTP1: true }, (req, res) => res.end(`v${req.httpVersion}`));
    const get = (port) => new Promise((resolve) => {
      client.https.get({ host: h.HOST, port, servername: 'localhost', ca: fx.ca, agent: false }, (res) => {
        let data = '';
        res.on('data', (chunk) => { data += chunk; });
        res.on('end', () => resolve({ status: res.statusCode, data, alpn: res.socket.alpnProtocol }));
      }).on('error', (err) => resolve({ error: h.errorShape(err) }));
    });
    const results = [await get(h2only.address().port), await get(both.address().port)];
    const session = client.http2.connect(`https://localhost:${both.address().port}`, { ca: fx.ca });
    results.push(await request(session));
    await closeSession(session);
    return { results, events };
  });

  differential('a wrong CA and a wrong host name', async (client, server) => {
    const srv = await listen(server, {}, (req, res) => res.end('ok'));
    const port = srv.address().port;
    const results = [];
    for (const options of [{ ca: fx.otherCa }, { ca: fx.ca, servername: 'wrong.example' }]) {
      const session = client.http2.connect(`https://localhost:${port}`, options);
      results.push(await new Promise((resolve) => {
        session.on('error', (err) => resolve(h.errorShape(err)));
        session.on('connect', () => resolve('connected'));
      }));
      session.destroy();
    }
    return results;
  });

  differential('garbage before the preface, and a peer that resets mid-request', async (client, server) => {
    const events = [];
    let gotStream;
    const streamSeen = new Promise((resolve) => { gotStream = resolve; });
    const srv = await listen(server, {}, () => {});
    srv.on('stream', (stream) => {
      events.push('stream');
      stream.on('aborted', () => events.push('stream aborted'));
      stream.on('error', (err) => events.push(`stream error ${err.code}`));
      stream.on('close', () => events.push(`stream close ${stream.rstCode}`));
      gotStream();
    });
    srv.on('sessionError', (err) => events.push(`sessionError ${err.code}`));
    srv.on('session', (session) => {
      session.on('error', (err) => events.push(`session error ${err.code}`));
      session.on('close', () => events.push('session close'));
    });
    const port = srv.address().port;
    // A TLS peer that negotiates h2 and then sends what is not HTTP/2.
    const garbage = await new Promise((resolve) => {
      const socket = client.tls.connect({ host: h.HOST, port, servername: 'localhost', ca: fx.ca,
                                          ALPNProtocols: ['h2'] }, () => {
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
      });
      const chunks = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('hex')));
    });
    await h.delay(50);
    events.push('--');
    // A client that opens a stream, sends part of its body and resets.
    const raw = net.connect(port, h.HOST);
    raw.on('error', () => {});
    const session = client.http2.connect(`https://localhost:${port}`, {
      createConnection: () => client.tls.connect({ socket: raw, servername: 'localhost', ca: fx.ca,
                                                   ALPNProtocols: ['h2'] }),
    });
    session.on('error', () => {});
    const req = session.request({ ':path': '/upload', ':method': 'POST' });
    req.on('error', () => {});
    req.write('partial');
    await streamSeen;
    await h.delay(50);
    raw.resetAndDestroy();
    // Both sessions closed on the server (bounded wait).
    for (let i = 0; i < 100 && events.filter((e) => e === 'session close').length < 2; i++) {
      await h.delay(20);
    }
    await h.delay(50);
    return { garbage, events };
  });

  // Bodies of several MiB both ways on concurrent streams, each end reading
  // in bursts with pauses: the plaintext reaches nghttp2 whole and in order
  // whether it goes straight to it or waits in the socket's buffer.
  differential('large bodies on concurrent streams, read with pauses, arrive whole', async (client, server) => {
    const SIZE = 3 * 1024 * 1024;
    const bodies = new Map();
    const body = (seed) => {
      if (!bodies.has(seed)) {
        const buf = Buffer.allocUnsafe(SIZE);
        for (let i = 0; i < SIZE; i++) buf[i] = (i * seed + (i >> 11)) % 251;
        bodies.set(seed, buf);
      }
      return bodies.get(seed);
    };
    const digest = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
    // Reads `stream` in bursts: paused for a few ms after every 256 KiB.
    const readInBursts = (stream) => new Promise((resolve) => {
      const chunks = [];
      let since = 0;
      stream.on('data', (chunk) => {
        chunks.push(chunk);
        since += chunk.length;
        if (since >= 256 * 1024) {
          since = 0;
          stream.pause();
          setTimeout(() => stream.resume(), 3);
        }
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const srv = await listen(server, {}, async (req, res) => {
      const got = await readInBursts(req);
      res.setHeader('x-got', `${got.length}:${digest(got)}`);
      res.end(body(Number(req.headers['x-seed']) + 1));
    });
    const session = client.http2.connect(`https://localhost:${srv.address().port}`, { ca: fx.ca });
    session.on('error', () => {});
    const results = await Promise.all([3, 5, 7, 11].map((seed) => new Promise((resolve) => {
      const req = session.request({ ':path': '/', ':method': 'POST', 'x-seed': String(seed) });
      let headers;
      req.on('response', (hdrs) => { headers = hdrs; });
      req.on('error', (err) => resolve({ error: h.errorShape(err) }));
      readInBursts(req).then((got) => resolve({
        status: headers[':status'],
        serverGot: headers['x-got'],
        sent: `${SIZE}:${digest(body(seed))}`,
        clientGot: got.length === SIZE && got.equals(body(seed + 1)),
      }));
      req.end(body(seed));
    })));
    await closeSession(session);
    for (const r of results) assert.strictEqual(r.serverGot, r.sent);
    return results;
  });
});
