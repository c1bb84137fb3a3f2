'use strict';
// Real frameworks and HTTP clients over uvtls/https: an express app served
// by uvtls's https.createServer, axios and got on a keep-alive uvtls Agent,
// ws and socket.io, AsyncLocalStorage across reused connections, global
// fetch under the uvtls/register switch. Each case runs the same way
// through node:https, which is the reference.

const assert = require('assert');
const crypto = require('crypto');
const { AsyncLocalStorage } = require('async_hooks');
const express = require('express');
const axios = require('axios');
const { WebSocket, WebSocketServer } = require('ws');
const { Server: SocketIOServer } = require('socket.io');
const { io: socketIOClient } = require('socket.io-client');
const h = require('./helpers');
const f = require('./support/frameworks-http');
const programs = require('./support/frameworks-programs');

const { fx } = h;
const { builtinHttps, uvHttps, builtinMode, isUvtls } = f;

const SERVERS = [['built-in https server', builtinHttps], ['uvtls https server', uvHttps]];
const CLIENTS = [['built-in https client', builtinHttps], ['uvtls https client', uvHttps]];
const BIG = crypto.createHash('sha512').update('uvtls').digest().toString('hex').repeat(8192); // 1 MiB

// got is an ES module only.
let gotPromise;
const loadGot = () => (gotPromise ??= import('got').then((m) => m.default));

// The app every server here runs: what express makes of the request and of
// its TLS socket. How many requests the socket has carried, its peer port
// and whether it is a uvtls socket go in headers (the comparisons between
// runs leave out the last two).
function makeApp() {
  const app = express();
  const served = new WeakMap();
  app.use((req, res, next) => {
    const nth = (served.get(req.socket) || 0) + 1;
    served.set(req.socket, nth);
    res.set('X-Nth', String(nth));
    res.set('X-Peer-Port', String(req.socket.remotePort));
    res.set('X-Uvtls-Socket', String(isUvtls(req.socket)));
    next();
  });
  app.get('/info', (req, res) => {
    res.set('X-Test', 'yes');
    res.json({
      secure: req.secure,
      protocol: req.protocol,
      hostname: req.hostname,
      method: req.method,
      url: req.originalUrl,
      query: req.query,
      custom: req.get('x-custom'),
      httpVersion: req.httpVersion,
      encrypted: req.socket.encrypted,
      tlsProtocol: req.socket.getProtocol(),
      alpn: req.socket.alpnProtocol,
      servername: req.socket.servername,
    });
  });
  app.post('/echo', express.raw({ type: '*/*', limit: '5mb' }), (req, res) => {
    res.json({ length: req.body.length, sha256: h.sha256(req.body), type: req.get('content-type') });
  });
  app.get('/big', (req, res) => res.type('text/plain').send(BIG));
  app.get('/peer', (req, res) => {
    res.json({
      authorized: req.client.authorized,
      authorizationError: req.socket.authorizationError ?? null,
      cert: f.certSummary(req.socket.getPeerCertificate()),
    });
  });
  app.get('/item/:id', (req, res) => res.json({ id: Number(req.params.id) }));
  app.post('/sum', express.raw({ type: '*/*', limit: '5mb' }), (req, res) => {
    res.json({ sha256: h.sha256(req.body) });
  });
  return app;
}

async function serve(mod, options = {}) {
  const server = mod.createServer({ ...h.serverCreds(), ...options }, makeApp());
  const connections = [];
  server.on('secureConnection', (sock) => connections.push(sock));
  const port = await f.listen(server);
  return { server, port, connections };
}

describe('frameworks over uvtls/https: express, axios, got, AsyncLocalStorage', function () {
  this.timeout(20000);
  afterEach(f.cleanup);

  describe('an express app served by uvtls/https createServer', function () {
    // GET with a query and a header, POST of 300 KiB, a 1 MiB response:
    // what the app saw and what the client got, compared whole across
    // servers and clients.
    async function exercise(client, port) {
      const base = { port, agent: false };
      // The same bytes in every run: the response's ETag depends on them.
      const payload = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 31) % 251));
      const info = await f.request(client, { ...base, path: '/info?a=1&b=two', headers: { 'X-Custom': 'c1' } });
      const echo = await f.request(client, {
        ...base, method: 'POST', path: '/echo', headers: { 'Content-Type': 'application/octet-stream' },
      }, payload);
      const big = await f.request(client, { ...base, path: '/big' });
      const drop = ['x-uvtls-socket'];
      return {
        serverSocketIsUvtls: info.headers['x-uvtls-socket'],
        clientSocketIsUvtls: isUvtls(info.socket),
        results: {
          info: { status: info.status, headers: f.stableHeaders(info.headers, drop), body: JSON.parse(info.body) },
          echo: { status: echo.status, headers: f.stableHeaders(echo.headers, drop), body: JSON.parse(echo.body) },
          big: { status: big.status, headers: f.stableHeaders(big.headers, drop), sha256: h.sha256(big.body) },
        },
        payload: { length: payload.length, sha256: h.sha256(payload) },
      };
    }

    it('bodies, headers, req.secure and req.protocol: the same as under node:https, from either client', async function () {
      const runs = {};
      for (const [serverLabel, serverMod] of SERVERS) {
        const { port } = await serve(serverMod);
        for (const [clientLabel, clientMod] of CLIENTS) {
          runs[`${clientLabel} -> ${serverLabel}`] = await exercise(clientMod, port);
        }
      }
      const reference = runs['built-in https client -> built-in https server'];
      assert.deepStrictEqual(reference.results.info.body, {
        secure: true, protocol: 'https', hostname: '127.0.0.1', method: 'GET', url: '/info?a=1&b=two',
        query: { a: '1', b: 'two' }, custom: 'c1', httpVersion: '1.1', encrypted: true,
        tlsProtocol: reference.results.info.body.tlsProtocol, alpn: false, servername: 'localhost',
      });
      assert.deepStrictEqual(reference.results.echo.body, {
        length: reference.payload.length, sha256: reference.payload.sha256, type: 'application/octet-stream',
      });
      assert.strictEqual(reference.results.big.sha256, h.sha256(BIG));
      for (const [label, run] of Object.entries(runs)) {
        assert.deepStrictEqual(run.results, reference.results, label);
        assert.strictEqual(run.serverSocketIsUvtls, String(!builtinMode && label.endsWith('uvtls https server')), label);
        assert.strictEqual(run.clientSocketIsUvtls, !builtinMode && label.startsWith('uvtls'), label);
      }
    });

    it('req.socket.getPeerCertificate() of a client certificate (and of none): the same as under node:https', async function () {
      const expected = new crypto.X509Certificate(fx.clientCert);
      const runs = {};
      for (const [serverLabel, serverMod] of SERVERS) {
        const { port } = await serve(serverMod, { requestCert: true, rejectUnauthorized: false, ca: fx.ca });
        for (const [clientLabel, clientMod] of CLIENTS) {
          for (const withCert of [true, false]) {
            const creds = withCert ? { cert: fx.clientCert, key: fx.clientKey } : {};
            const res = await f.request(clientMod, { port, path: '/peer', agent: false, ...creds });
            runs[`${clientLabel} -> ${serverLabel}, ${withCert ? 'with' : 'without'} a certificate`] = {
              status: res.status, body: JSON.parse(res.body),
            };
          }
        }
      }
      const withCert = runs['built-in https client -> built-in https server, with a certificate'];
      assert.strictEqual(withCert.body.authorized, true);
      assert.strictEqual(withCert.body.cert.fingerprint256, expected.fingerprint256);
      assert.strictEqual(withCert.body.cert.serialNumber, expected.serialNumber.toUpperCase());
      const without = runs['built-in https client -> built-in https server, without a certificate'];
      assert.strictEqual(without.body.authorized, false);
      assert.deepStrictEqual(without.body.cert, {});
      for (const [label, run] of Object.entries(runs)) {
        assert.deepStrictEqual(run, label.endsWith('with a certificate') ? withCert : without, label);
      }
    });

    it('keep-alive: five requests on one Agent travel on one socket, from either client', async function () {
      const { port, connections } = await serve(uvHttps);
      for (const [clientLabel, clientMod] of CLIENTS) {
        const agent = f.trackAgent(new clientMod.Agent({ keepAlive: true, maxSockets: 1 }));
        const before = connections.length;
        const seen = [];
        for (let i = 0; i < 5; i++) {
          const res = await f.request(clientMod, { port, path: `/info?i=${i}`, agent });
          seen.push({
            status: res.status, query: JSON.parse(res.body).query, nth: res.headers['x-nth'],
            reused: res.reusedSocket, peerPort: res.headers['x-peer-port'], socket: res.socket,
          });
        }
        assert.strictEqual(connections.length - before, 1, clientLabel);
        assert.strictEqual(new Set(seen.map((s) => s.socket)).size, 1, clientLabel);
        assert.strictEqual(new Set(seen.map((s) => s.peerPort)).size, 1, clientLabel);
        assert.strictEqual(seen[0].peerPort, String(seen[0].socket.localPort), clientLabel);
        assert.deepStrictEqual(seen.map(({ status, query, nth, reused }) => ({ status, query, nth, reused })),
                               [0, 1, 2, 3, 4].map((i) => ({
                                 status: 200, query: { i: String(i) }, nth: String(i + 1), reused: i > 0,
                               })), clientLabel);
        assert.strictEqual(isUvtls(seen[0].socket), !builtinMode && clientMod === uvHttps, clientLabel);
        assert.strictEqual(isUvtls(connections[connections.length - 1]), !builtinMode, clientLabel);
      }
    });
  });

  describe('axios and got on a keep-alive uvtls Agent', function () {
    const LIBS = {
      async axios(url, agent, body) {
        const res = await axios({
          url, httpsAgent: agent, method: body ? 'POST' : 'GET', data: body,
          headers: body ? { 'Content-Type': 'application/octet-stream' } : {}, timeout: 10000,
        });
        return res.data;
      },
      async got(url, agent, body) {
        const got = await loadGot();
        return got(url, {
          agent: { https: agent }, method: body ? 'POST' : 'GET', body,
          headers: body ? { 'Content-Type': 'application/octet-stream' } : {},
          retry: { limit: 0 }, timeout: { request: 10000 },
        }).json();
      },
    };

    // 25 sequential GETs, then 25 parallel POSTs of 32 KiB on at most 4
    // sockets. Returns what the server and the agent saw.
    async function run(lib, agentMod, port, connections) {
      const agent = f.trackAgent(new agentMod.Agent({ keepAlive: true, maxSockets: 4, ca: fx.ca }));
      const url = `https://${h.HOST}:${port}`;
      const start = connections.length;
      const sequential = [];
      for (let i = 0; i < 25; i++) sequential.push((await LIBS[lib](`${url}/item/${i}`, agent)).id);
      const afterSequential = connections.length - start;
      const bodies = Array.from({ length: 25 }, () => crypto.randomBytes(32 * 1024));
      const sums = await Promise.all(bodies.map((b) => LIBS[lib](`${url}/sum`, agent, b)));
      const free = Object.values(agent.freeSockets).flat();
      return {
        sequentialOk: sequential.every((id, i) => id === i),
        parallelOk: sums.every((s, i) => s.sha256 === h.sha256(bodies[i])),
        connections: { afterSequential, total: connections.length - start },
        freeSockets: free.length,
        freeSocketsAreUvtls: free.map(isUvtls),
      };
    }

    for (const lib of Object.keys(LIBS)) {
      for (const [serverLabel, serverMod] of SERVERS) {
        it(`${lib} against a ${serverLabel}: sequential and parallel requests reuse the agent's sockets as the built-in Agent's do`, async function () {
          const { port, connections } = await serve(serverMod);
          const viaUvtls = await run(lib, uvHttps, port, connections);
          const viaBuiltin = await run(lib, builtinHttps, port, connections);
          assert.deepStrictEqual(viaBuiltin, {
            sequentialOk: true, parallelOk: true, connections: { afterSequential: 1, total: 4 },
            freeSockets: 4, freeSocketsAreUvtls: [false, false, false, false],
          });
          assert.deepStrictEqual(viaUvtls, { ...viaBuiltin, freeSocketsAreUvtls: Array(4).fill(!builtinMode) });
        });
      }

      it(`${lib}: a CA that did not sign the server's certificate, and a wrong host name, fail as with the built-in Agent`, async function () {
        const good = await serve(uvHttps);
        const wrongName = await serve(uvHttps, h.serverCreds('wrong'));
        const outcome = async (agentMod, ca, port) => {
          const agent = f.trackAgent(new agentMod.Agent({ keepAlive: true, ca }));
          try {
            await LIBS[lib](`https://${h.HOST}:${port}/item/1`, agent);
            return { ok: true };
          } catch (err) {
            return { name: err.name, code: err.code, message: err.message, sockets: Object.keys(agent.sockets).length };
          }
        };
        for (const [label, ca, port] of [['wrong CA', fx.otherCa, good.port],
                                         ['wrong host name', fx.ca, wrongName.port]]) {
          const viaUvtls = await outcome(uvHttps, ca, port);
          const viaBuiltin = await outcome(builtinHttps, ca, port);
          assert.strictEqual(typeof viaBuiltin.code, 'string', label);
          assert.deepStrictEqual(viaUvtls, viaBuiltin, label);
        }
      });
    }
  });

  describe('ws and socket.io over an https server', function () {
    // The uvtls client: its connections made by a uvtls Agent (ws and
    // engine.io pass `agent` to https.request); the sockets it made are
    // recorded.
    const CLIENT_KINDS = [
      ['built-in client', () => ({ options: {}, made: [] })],
      ['uvtls client', () => {
        const agent = f.trackAgent(new uvHttps.Agent({ keepAlive: true }));
        const made = [];
        const createConnection = agent.createConnection;
        agent.createConnection = function (...args) {
          const sock = createConnection.apply(this, args);
          made.push(sock);
          return sock;
        };
        return { options: { agent }, made };
      }],
    ];

    for (const [serverLabel, serverMod] of SERVERS) {
      for (const [clientLabel, makeClient] of CLIENT_KINDS) {
        it(`ws, ${clientLabel} -> ${serverLabel}: text, 1 MiB compressed binary, ping, subprotocol, close code and reason`, async function () {
          const server = serverMod.createServer(h.serverCreds());
          const wss = new WebSocketServer({ server, perMessageDeflate: true });
          f.defer(() => new Promise((resolve) => wss.close(resolve)));
          const seen = { closed: h.withTimeout(new Promise((resolve) => {
            wss.on('connection', (ws, req) => {
              seen.request = {
                url: req.url, encrypted: req.socket.encrypted, uvtls: isUvtls(req.socket),
                sameSocket: ws._socket === req.socket, protocol: ws.protocol, extensions: ws.extensions,
              };
              ws.on('message', (data, isBinary) => {
                if (isBinary) ws.send(data, { binary: true });
                else ws.send(String(data).toUpperCase());
              });
              ws.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
            });
          }), 10000, 'the server side closing') };
          const port = await f.listen(server);
          const { options, made } = makeClient();
          const ws = new WebSocket(`wss://${h.HOST}:${port}/chat?room=1`, ['chat', 'other'], { ca: fx.ca, ...options });
          f.defer(() => ws.terminate());
          const next = (event) => h.waitEvent(ws, event).then((args) => args);
          await next('open');
          h.trackSocket(ws._socket);
          const clientSocketIsUvtls = isUvtls(ws._socket);
          ws.send('hello');
          const [text, textIsBinary] = await next('message');
          const blob = Buffer.from(BIG);
          ws.send(blob);
          const [echoed, echoIsBinary] = await next('message');
          ws.ping('p1');
          const [pong] = await next('pong');
          ws.close(4001, 'bye');
          const [code, reason] = await next('close');
          assert.deepStrictEqual({
            request: seen.request, serverClose: await seen.closed, clientSocketIsUvtls,
            text: [String(text), textIsBinary], echo: [h.sha256(echoed), echoed.length, echoIsBinary],
            pong: String(pong), close: [code, String(reason)], made: made.map(isUvtls),
          }, {
            request: {
              url: '/chat?room=1', encrypted: true, uvtls: serverMod === uvHttps && !builtinMode,
              sameSocket: true, protocol: 'chat', extensions: 'permessage-deflate',
            },
            serverClose: { code: 4001, reason: 'bye' },
            clientSocketIsUvtls: clientLabel === 'uvtls client' && !builtinMode,
            text: ['HELLO', false], echo: [h.sha256(blob), blob.length, true],
            pong: 'p1', close: [4001, 'bye'], made: clientLabel === 'uvtls client' ? [!builtinMode] : [],
          });
        });
      }
    }

    for (const [transportLabel, transports] of [['polling upgraded to websocket', undefined],
                                                ['websocket only', ['websocket']]]) {
      for (const [clientLabel, makeClient] of CLIENT_KINDS) {
        it(`socket.io (${transportLabel}), ${clientLabel} -> uvtls https server: events, acknowledgements with 256 KiB, handshake`, async function () {
          const server = uvHttps.createServer(h.serverCreds());
          const served = [];
          server.on('request', (req) => served.push(isUvtls(req.socket)));
          server.on('upgrade', (req) => served.push(isUvtls(req.socket)));
          const ioServer = new SocketIOServer(server, { maxHttpBufferSize: 4e6 });
          f.defer(() => new Promise((resolve) => ioServer.close(() => resolve())));
          const serverSide = new Promise((resolve) => {
            ioServer.on('connection', (socket) => {
              socket.on('echo', (payload, ack) => ack({ n: payload.n + 1, sha256: h.sha256(payload.buf) }));
              socket.on('done', (ack) => ack());
              socket.on('disconnect', () => resolve({
                secure: socket.handshake.secure, query: socket.handshake.query.k,
                transport: socket.conn.transport.name,
              }));
              socket.emit('welcome', { hello: 'world' });
            });
          });
          const port = await f.listen(server);
          const { options, made } = makeClient();
          const client = socketIOClient(`https://${h.HOST}:${port}`, {
            ca: fx.ca, transports, query: { k: 'v' }, reconnection: false, timeout: 5000, ...options,
          });
          f.defer(() => client.close());
          const [welcome] = await h.waitEvent(client, 'welcome');
          if (client.io.engine.transport.name !== 'websocket') await h.waitEvent(client.io.engine, 'upgrade');
          const buf = crypto.randomBytes(256 * 1024);
          const acks = [];
          for (let n = 0; n < 3; n++) acks.push(await h.withTimeout(client.emitWithAck('echo', { n, buf }), 5000, 'ack'));
          await h.withTimeout(client.emitWithAck('done'), 5000, 'ack');
          client.close();
          const serverView = await h.withTimeout(serverSide, 5000, 'disconnect');
          assert.deepStrictEqual({ welcome, acks, serverView }, {
            welcome: { hello: 'world' },
            acks: [1, 2, 3].map((n) => ({ n, sha256: h.sha256(buf) })),
            serverView: { secure: true, query: 'v', transport: 'websocket' },
          });
          assert.ok(served.length >= 1 && served.every((v) => v === !builtinMode), `served: ${served}`);
          if (clientLabel === 'uvtls client') {
            assert.ok(made.length >= 1 && made.every((s) => isUvtls(s) === !builtinMode), `made: ${made.length}`);
          } else {
            assert.strictEqual(made.length, 0);
          }
        });
      }
    }
  });

  describe('global fetch under the uvtls/register switch', function () {
    let dir;
    // Each test: cleanup() removes temporary directories.
    beforeEach(function () {
      if (builtinMode) this.skip();
      dir = f.programDir([], { 'fetch.js': programs.fetchProgram.cjs, 'fetch.mjs': programs.fetchProgram.esm });
    });
    const extraCA = { NODE_EXTRA_CA_CERTS: h.fixturePath('ca.pem') };
    // What the server saw of the connections (peer port, requests on the
    // socket so far: undici may or may not reuse a connection at once) and
    // the probe differ between runs; the rest must not.
    const responses = (out) => {
      const copy = JSON.parse(JSON.stringify(out));
      for (const key of ['info', 'echo', 'big']) {
        delete copy[key].peerPort;
        delete copy[key].nth;
      }
      delete copy.sockets;
      delete copy.wraps;
      return copy;
    };

    for (const [label, args, file] of [['-r uvtls/register', ['-r', 'uvtls/register'], 'fetch.js'],
                                       ['--import uvtls/register', ['--import', 'uvtls/register'], 'fetch.mjs']]) {
      it(`${label}: fetch trusting NODE_EXTRA_CA_CERTS goes through a uvtls socket, and gets what it gets without the switch`, async function () {
        const { port, connections } = await serve(uvHttps);
        const base = `https://${h.HOST}:${port}`;
        const [switched, plain] = await Promise.all([
          f.runProgram(dir, args, file, [base], extraCA),
          f.runProgram(dir, [], file, [base], extraCA),
        ]);
        const peerPorts = (out) => [...new Set(['info', 'echo', 'big'].map((k) => Number(out[k].peerPort)))].sort();
        // Without the switch: Node's TLS sockets, none of uvtls's.
        assert.deepStrictEqual(plain.sockets, []);
        assert.ok(plain.wraps.includes('TCPWRAP'), `wraps: ${plain.wraps}`);
        assert.deepStrictEqual(plain.info.body, {
          secure: true, protocol: 'https', hostname: '127.0.0.1', method: 'GET', url: '/info?via=fetch',
          query: { via: 'fetch' }, custom: 'f1', httpVersion: '1.1', encrypted: true,
          tlsProtocol: plain.info.body.tlsProtocol, alpn: 'http/1.1', servername: false,
        });
        assert.strictEqual(plain.echo.body.sha256, plain.echo.sent);
        assert.strictEqual(plain.big.sha256, h.sha256(BIG));
        // With it: the same responses, over uvtls client sockets (those
        // whose ports the server saw), and no TCP socket of Node's.
        assert.deepStrictEqual(responses(switched), responses(plain));
        assert.deepStrictEqual(switched.wraps, []);
        assert.deepStrictEqual(switched.sockets.map((s) => s.localPort).sort(), peerPorts(switched),
                               JSON.stringify(switched.sockets));
        for (const s of switched.sockets) assert.deepStrictEqual({ ...s, localPort: 0 }, { server: false, localPort: 0, remotePort: port });
        assert.strictEqual(connections.length, peerPorts(switched).length + peerPorts(plain).length);
      });
    }

    it('-r uvtls/register: fetch fails an unknown CA and a wrong host name as it does without the switch', async function () {
      const good = await serve(uvHttps);
      const wrongName = await serve(uvHttps, h.serverCreds('wrong'));
      for (const [label, port, env] of [['CA not trusted', good.port, {}], ['wrong host name', wrongName.port, extraCA]]) {
        const argv = [`https://${h.HOST}:${port}`, 'fail'];
        const [switched, plain] = await Promise.all([
          f.runProgram(dir, ['-r', 'uvtls/register'], 'fetch.js', argv, env),
          f.runProgram(dir, [], 'fetch.js', argv, env),
        ]);
        assert.strictEqual(typeof plain.cause.code, 'string', label);
        // The handshake completes; the client then rejects the
        // certificate: on a uvtls socket with the switch.
        assert.deepStrictEqual([plain.sockets.length, switched.sockets.length], [0, 1], label);
        assert.ok(plain.wraps.includes('TCPWRAP'), label);
        assert.deepStrictEqual(switched.wraps, [], label);
        assert.deepStrictEqual(plain.errors, [], label);
        assert.ok(switched.errors.some((e) => !e.server && e.code === plain.cause.code), JSON.stringify(switched.errors));
        const { sockets: s1, wraps: w1, errors: e1, ...viaUvtls } = switched;
        const { sockets: s2, wraps: w2, errors: e2, ...viaBuiltin } = plain;
        assert.deepStrictEqual(viaUvtls, viaBuiltin, label);
      }
    });
  });
  describe('AsyncLocalStorage across a keep-alive uvtls Agent', function () {
    // Each request made in its own store; its callbacks record the store
    // they run in. Four in turn (each reusing the socket the one before
    // made in another store), then eight at once on two sockets.
    async function run(mod, port) {
      const als = new AsyncLocalStorage();
      const agent = f.trackAgent(new mod.Agent({ keepAlive: true, maxSockets: 2 }));
      const one = (id) => als.run({ id }, () => new Promise((resolve, reject) => {
        const rec = { id };
        const store = () => als.getStore()?.id;
        const req = mod.request({
          host: h.HOST, port, path: `/item/${id}`, agent, ca: fx.ca, servername: 'localhost',
        }, (res) => {
          rec.response = store();
          res.on('data', () => { rec.data = store(); });
          res.on('end', () => {
            rec.end = store();
            setImmediate(() => { rec.immediate = store(); resolve(rec); });
          });
        });
        req.on('socket', () => { rec.socket = store(); });
        req.on('finish', () => { rec.finish = store(); });
        req.on('error', reject);
        req.end();
      }));
      const records = [];
      for (let i = 0; i < 4; i++) records.push(await one(i));
      records.push(...await Promise.all([4, 5, 6, 7, 8, 9, 10, 11].map(one)));
      return records;
    }

    for (const [serverLabel, serverMod] of SERVERS) {
      it(`each request's store is the one its callbacks see, as with the built-in Agent (${serverLabel})`, async function () {
        // The server answers after a moment, so that responses arrive on
        // their own reads rather than with the request's write.
        const app = makeApp();
        const server = serverMod.createServer(h.serverCreds(), (req, res) => setTimeout(() => app(req, res), 5));
        const port = await f.listen(server);
        const viaBuiltin = await run(builtinHttps, port);
        const viaUvtls = await run(uvHttps, port);
        const expected = viaBuiltin.map(({ id }) => ({
          id, socket: id, finish: id, response: id, data: id, end: id, immediate: id,
        }));
        assert.deepStrictEqual(viaBuiltin, expected);
        assert.deepStrictEqual(viaUvtls, viaBuiltin);
      });
    }
  });
});
