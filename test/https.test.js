'use strict';
// uvtls/https against node:https: every scenario runs with the built-in on
// both ends and with uvtls on one or both, and what each end observes
// (results, errors, events and their order) must be the same.

const assert = require('assert');
const net = require('net');
const { AsyncLocalStorage } = require('async_hooks');
const builtinHttps = require('https');
const h = require('./helpers');

const { fx } = h;
const uvtlsHttps = process.env.UVTLS_TEST_IMPL === 'builtin' ? builtinHttps : require('../lib/https');

const PAIRS = [
  ['uvtls client -> builtin server', uvtlsHttps, builtinHttps],
  ['builtin client -> uvtls server', builtinHttps, uvtlsHttps],
  ['uvtls client -> uvtls server', uvtlsHttps, uvtlsHttps],
];

async function listen(https, options, handler) {
  const server = https.createServer({ ...h.serverCreds(), ...options }, handler);
  h.trackServer(server);
  await new Promise((resolve) => server.listen(0, h.HOST, resolve));
  return server;
}

function get(https, options) {
  return new Promise((resolve) => {
    const req = https.request({ host: h.HOST, servername: 'localhost', ca: fx.ca, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({
        status: res.statusCode,
        body,
        reused: req.reusedSocket,
        authorized: res.socket ? res.socket.authorized : null,
        alpn: res.socket ? res.socket.alpnProtocol : null,
      }));
    });
    req.on('error', (err) => resolve({ error: h.errorShape(err) }));
    req.end(options.body);
  });
}

// Runs `scenario(client, server)` for the built-in pair and each pair with
// uvtls, and compares what it returns.
function differential(title, scenario) {
  it(title, async function () {
    const expected = await scenario(builtinHttps, builtinHttps);
    h.cleanup();
    for (const [label, client, server] of PAIRS) {
      assert.deepStrictEqual(await scenario(client, server), expected, label);
      h.cleanup();
    }
  });
}

describe('uvtls/https', function () {
  this.timeout(20000);
  afterEach(h.cleanup);

  it('has the exports of node:https, of the same types', function () {
    assert.deepStrictEqual(Object.keys(uvtlsHttps), Object.keys(builtinHttps));
    for (const key of Object.keys(builtinHttps)) {
      assert.strictEqual(typeof uvtlsHttps[key], typeof builtinHttps[key], key);
    }
    assert.ok(uvtlsHttps.globalAgent instanceof uvtlsHttps.Agent);
    assert.ok(new uvtlsHttps.Agent() instanceof builtinHttps.Agent);
    assert.deepStrictEqual(uvtlsHttps.globalAgent.options, builtinHttps.globalAgent.options);
    assert.ok(uvtlsHttps.createServer() instanceof require('..').Server);
  });

  differential('keep-alive requests reuse one connection; server events in order', async (client, server) => {
    const events = [];
    const srv = await listen(server, {}, (req, res) => {
      events.push(`request ${req.method} ${req.url} ${req.socket.encrypted} ${req.socket.alpnProtocol}`);
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => res.end(`${req.url}:${body}`));
    });
    srv.on('connection', () => events.push('connection'));
    srv.on('secureConnection', (socket) => events.push(`secureConnection ${socket.authorized}`));
    const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
    const port = srv.address().port;
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await get(client, { port, agent, path: `/${i}`, method: 'POST', body: `b${i}` }));
    }
    results.push(await Promise.all([1, 2, 3].map((i) => get(client, { port, agent, path: `/p${i}` }))));
    agent.destroy();
    return { results, events };
  });

  differential('a new connection per request resumes the Agent\'s cached TLS session', async (client, server) => {
    const srv = await listen(server, {}, (req, res) => res.end(String(req.socket.isSessionReused())));
    const port = srv.address().port;
    const agent = new client.Agent({ keepAlive: false, maxTLSVersion: 'TLSv1.2' });
    const noCache = new client.Agent({ keepAlive: false, maxCachedSessions: 0 });
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await get(client, { port, agent, maxVersion: 'TLSv1.2' })).body);
    for (let i = 0; i < 2; i++) bodies.push((await get(client, { port, agent: noCache })).body);
    agent.destroy();
    noCache.destroy();
    return bodies;
  });

  differential('a wrong CA, a wrong host name and rejectUnauthorized: false', async (client, server) => {
    const srv = await listen(server, {}, (req, res) => res.end('ok'));
    const port = srv.address().port;
    return [
      await get(client, { port, agent: false, ca: fx.otherCa }),
      await get(client, { port, agent: false, servername: 'wrong.example' }),
      await get(client, { port, agent: false, ca: fx.otherCa, rejectUnauthorized: false }),
    ];
  });

  differential('clientError for a peer that is not speaking TLS, then for one that resets', async (client, server) => {
    const events = [];
    const srv = await listen(server, {}, (req, res) => res.end('ok'));
    srv.on('clientError', (err, socket) => {
      events.push(`clientError ${err.code} ${socket.constructor === undefined}`);
      socket.destroy();
    });
    const port = srv.address().port;
    for (const data of ['GET / HTTP/1.1\r\n\r\n', null]) {
      await new Promise((resolve) => {
        const raw = net.connect(port, h.HOST, () => {
          if (data) raw.write(data);
          else raw.resetAndDestroy();
        });
        raw.on('error', () => {});
        raw.on('close', resolve);
        raw.resume();
      });
      await h.delay(50);
    }
    return events;
  });

  differential('a client resetting in the middle of a request body', async (client, server) => {
    const events = [];
    let sawData;
    const dataSeen = new Promise((resolve) => { sawData = resolve; });
    const srv = await listen(server, {}, (req, res) => {
      events.push('request');
      req.once('data', () => { events.push('data'); sawData(); });
      req.on('aborted', () => events.push('aborted'));
      req.on('error', (err) => events.push(`error ${err.code}`));
      req.on('close', () => { events.push('close'); res.destroy(); });
    });
    const closed = new Promise((resolve) => srv.on('secureConnection', (s) => s.on('close', resolve)));
    // The client's TLS runs over a plain socket of its own, which resets.
    const raw = net.connect(srv.address().port, h.HOST);
    raw.on('error', () => {});
    const tls = client === builtinHttps ? require('tls') : require('..');
    const socket = tls.connect({ socket: raw, servername: 'localhost', ca: fx.ca }, () => {
      socket.write('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n' + 'x'.repeat(10));
    });
    socket.on('error', () => {});
    await dataSeen;
    raw.resetAndDestroy();
    await closed;
    await h.delay(50);
    return events;
  });

  differential('bytes arriving on a socket resting in the Agent\'s pool', async (client, server) => {
    const srv = await listen(server, {}, (req, res) => {
      res.end(req.url);
      // Unsolicited bytes after the response, while the client's socket rests.
      if (req.url === '/first') setTimeout(() => req.socket.write('HTTP/1.1 200 OK\r\n\r\n'), 50);
    });
    const port = srv.address().port;
    const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(client, { port, agent, path: '/first' });
    await h.delay(200);
    const second = await get(client, { port, agent, path: '/second' });
    agent.destroy();
    return [first, second];
  });

  differential('a write made before a handshake that fails: the error first, then its callback', async (client, server) => {
    const srv = await listen(server, {}, (req, res) => res.end());
    const tls = client === builtinHttps ? require('tls') : require('..');
    const events = [];
    await new Promise((resolve) => {
      const socket = tls.connect({ host: h.HOST, port: srv.address().port, servername: 'localhost',
                                   ca: fx.otherCa });
      socket.write('early', (err) => events.push(`write callback ${err ? 'error' : 'ok'}`));
      socket.on('error', (err) => events.push(`error ${err.code}`));
      socket.on('close', () => setTimeout(resolve, 20));
    });
    return events.map((e) => e.replace(/callback (ok|error)/, 'callback'));
  });

  differential('AsyncLocalStorage follows each request on a reused keep-alive socket', async (client, server) => {
    const srv = await listen(server, {}, (req, res) => res.end('x'));
    const port = srv.address().port;
    const als = new AsyncLocalStorage();
    const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      await als.run(`request ${i}`, () => new Promise((resolve) => {
        const req = client.get({ host: h.HOST, port, servername: 'localhost', ca: fx.ca, agent }, (res) => {
          res.on('data', () => seen.push(`data ${als.getStore()}`));
          res.on('end', () => { seen.push(`end ${als.getStore()}`); resolve(); });
        });
        req.on('socket', (socket) => {
          socket.once('data', () => seen.push(`socket data ${als.getStore()}`));
        });
      }));
    }
    agent.destroy();
    return seen;
  });

  differential('server timeouts: headersTimeout answers 408 to a request never finished', async (client, server) => {
    const srv = await listen(server, { headersTimeout: 300, requestTimeout: 300, connectionsCheckingInterval: 50 },
                             (req, res) => res.end('late'));
    const port = srv.address().port;
    const answer = await new Promise((resolve) => {
      const socket = require('..').connect({ host: h.HOST, port, servername: 'localhost', ca: fx.ca }, () => {
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => { data += chunk; });
      socket.on('close', () => resolve(data.split('\r\n')[0]));
      socket.on('error', () => {});
    });
    return answer;
  });
});
