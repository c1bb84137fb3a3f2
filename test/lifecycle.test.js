'use strict';

const assert = require('assert');
const path = require('path');
const h = require('./helpers');

const { builtin, DIRECTIONS } = h;

const MiB = 1024 * 1024;
// What the built-in gives a peer whose connection was torn down under it.
const RESET_CODES = ['ECONNRESET', 'EPIPE'];

describe('lifecycle', function () {
  afterEach(h.cleanup);

  for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
    describe(label, function () {
      for (const version of ['TLSv1.2', 'TLSv1.3']) {
        it(`half-close with allowHalfOpen (${version}): client end()s, server still answers, then ends`, async function () {
          const serverLog = [];
          let serverDone;
          const server = await h.startServer(serverImpl, {
            ...h.serverCreds(), allowHalfOpen: true, minVersion: version, maxVersion: version,
          }, (sock) => {
            const w = h.watch(sock);
            serverDone = w.closed;
            const chunks = [];
            sock.on('data', (d) => chunks.push(d));
            sock.on('end', async () => {
              serverLog.push(`end writable=${sock.writable}`);
              // Answer after a while: the half-open connection must stay up.
              await h.delay(50);
              sock.write(`reply to ${Buffer.concat(chunks)}`);
              await h.delay(20);
              sock.end(' (done)');
            });
          });
          const client = await h.connect(clientImpl, server, { minVersion: version, maxVersion: version });
          const cw = h.watch(client);
          const reply = h.collect(client);
          client.end('request');
          assert.strictEqual((await reply).toString(), 'reply to request (done)');
          assert.deepStrictEqual(serverLog, ['end writable=true']);
          assert.strictEqual(client.writableEnded, true);
          const [c, s] = await h.withTimeout(Promise.all([cw.closed, serverDone]), 10000, 'close');
          assert.strictEqual(c.error, null);
          assert.strictEqual(s.error, null);
          assert.strictEqual(c.hadError, false);
          assert.strictEqual(s.hadError, false);
        });
      }

      it('without allowHalfOpen the server ends its side when the client ends', async function () {
        let serverWatch;
        const serverEndedAfterEnd = [];
        const server = await h.startServer(serverImpl, h.serverCreds(), (sock) => {
          serverWatch = h.watch(sock);
          sock.on('end', () => setImmediate(() => serverEndedAfterEnd.push(sock.writableEnded)));
          sock.resume();
        });
        const { client } = await h.connectPair(clientImpl, server);
        const cw = h.watch(client);
        const got = h.collect(client);
        client.end('bye');
        assert.strictEqual((await got).length, 0);
        await h.withTimeout(Promise.all([cw.closed, serverWatch.closed]), 10000, 'close');
        assert.deepStrictEqual(serverEndedAfterEnd, [true], 'server ended its writable side by itself');
        assert.ok(cw.events.includes('end'));
        assert.strictEqual(cw.error, null);
        assert.strictEqual(serverWatch.error, null);
      });

      for (const destroyer of ['client', 'server']) {
        for (const sender of ['client', 'server']) {
          it(`${destroyer} destroys in the middle of a transfer sent by the ${sender}: both close, no hang`, async function () {
            const server = await h.startServer(serverImpl, h.serverCreds());
            const { client, serverSocket } = await h.connectPair(clientImpl, server);
            const cw = h.watch(client);
            const sw = h.watch(serverSocket);
            const ends = { client: [client, cw], server: [serverSocket, sw] };
            const [senderSock] = ends[sender];
            const [receiverSock] = ends[sender === 'client' ? 'server' : 'client'];
            const [destroyerSock, destroyerWatch] = ends[destroyer];
            const [, otherWatch] = ends[destroyer === 'client' ? 'server' : 'client'];

            const LIMIT = 512 * MiB;
            const chunk = Buffer.alloc(64 * 1024, 'd');
            let sent = 0;
            let received = 0;
            const pump = () => {
              while (!senderSock.destroyed && !senderSock.writableEnded && sent < LIMIT) {
                sent += chunk.length;
                if (!senderSock.write(chunk)) { senderSock.once('drain', pump); return; }
              }
              if (sent >= LIMIT) senderSock.end();
            };
            senderSock.resume(); // read whatever the other side sends (tickets)
            const enough = new Promise((resolve) => {
              receiverSock.on('data', (d) => {
                received += d.length;
                if (received >= 2 * MiB) resolve();
              });
            });
            pump();
            await h.withTimeout(enough, 10000, 'first 2 MiB');
            destroyerSock.destroy();
            assert.strictEqual(destroyerSock.destroyed, true);
            const [d, o] = await h.withTimeout(Promise.all([destroyerWatch.closed, otherWatch.closed]), 10000,
              'both sides closing');
            assert.ok(sent < LIMIT, 'the transfer was cut short');
            assert.ok(received < sent, 'not everything arrived');
            assert.strictEqual(d.error, null, 'the side that destroyed gets no error');
            assert.strictEqual(d.hadError, false);
            if (o.error) {
              assert.ok(RESET_CODES.includes(o.error.code),
                `peer error ${o.error.code} (${o.error.message}) is one of ${RESET_CODES}`);
            }
          });
        }
      }

      it('destroy(err) emits that error, then close with hadError', async function () {
        const server = await h.startServer(serverImpl, h.serverCreds());
        const { client, serverSocket } = await h.connectPair(clientImpl, server);
        const cw = h.watch(client);
        const sw = h.watch(serverSocket);
        const boom = new Error('boom');
        client.destroy(boom);
        await h.withTimeout(Promise.all([cw.closed, sw.closed]), 10000, 'close');
        assert.strictEqual(cw.error, boom);
        assert.strictEqual(cw.hadError, true);
        assert.deepStrictEqual(cw.events, ['error', 'close']);
        if (sw.error) assert.ok(RESET_CODES.includes(sw.error.code), sw.error.code);
      });

      it('client destroyed before the handshake finishes: server does not hang', async function () {
        const server = await h.startServer(serverImpl, h.serverCreds());
        const clientErrors = [];
        server.on('tlsClientError', (err) => clientErrors.push(err.code));
        const conn = h.waitEvent(server, 'connection');
        const sock = clientImpl.connect({ host: h.HOST, port: server.address().port, ca: h.fx.ca });
        h.trackSocket(sock);
        const w = h.watch(sock);
        sock.once('connect', () => sock.destroy());
        await conn;
        await h.withTimeout(w.closed, 5000, 'client close');
        assert.strictEqual(w.error, null);
        // The server's half of the connection goes away too.
        await h.waitForConnections(server, 0);
        for (const code of clientErrors) assert.ok(RESET_CODES.includes(code), code);
      });

      it('server.close() waits for live connections, refuses new ones', async function () {
        const server = await h.startServer(serverImpl, h.serverCreds(), (sock) => {
          sock.on('data', (d) => sock.write(d));
        });
        const port = server.address().port;
        const a = await h.connect(clientImpl, server);
        const b = await h.connect(clientImpl, server);
        await h.waitForConnections(server, 2);
        let closedAt = null;
        const closed = new Promise((resolve) => server.close((err) => { closedAt = Date.now(); resolve(err); }));
        assert.strictEqual(server.listening, false);
        const refused = await h.connect(clientImpl, port).then(() => null, (e) => e);
        assert.ok(refused, 'new connection fails');
        assert.strictEqual(refused.code, 'ECONNREFUSED');
        // Live connections keep working.
        a.write('ping a');
        b.write('ping b');
        assert.strictEqual((await h.readBytes(a, 6)).toString(), 'ping a');
        assert.strictEqual((await h.readBytes(b, 6)).toString(), 'ping b');
        await h.delay(30);
        assert.strictEqual(closedAt, null, 'close callback waits for connections');
        const aw = h.watch(a);
        a.end();
        await h.withTimeout(aw.closed, 5000, 'a closing');
        await h.delay(30);
        assert.strictEqual(closedAt, null, 'close callback waits for the last connection');
        const bClosedAt = new Promise((resolve) => b.once('close', () => resolve(Date.now())));
        b.end();
        const err = await h.withTimeout(closed, 5000, 'server close callback');
        assert.ok(err === undefined || err === null, `close callback error: ${err}`);
        assert.ok(closedAt >= 0);
        await h.withTimeout(bClosedAt, 5000, 'b closing');
      });

      it('listens on and connects to a unix socket path', async function () {
        const sockPath = path.join(h.tmpDir(), 'tls.sock');
        const server = await h.startServer(serverImpl, h.serverCreds(), (sock) => {
          sock.on('data', (d) => sock.write(d));
          sock.on('end', () => sock.end());
        }, sockPath);
        assert.strictEqual(server.address(), sockPath);
        const serverSide = h.waitEvent(server, 'secureConnection');
        const client = clientImpl.connect({ path: sockPath, ca: h.fx.ca, servername: 'localhost' });
        h.trackSocket(client);
        await h.waitEvent(client, 'secureConnect');
        const [serverSocket] = await serverSide;
        assert.strictEqual(client.authorized, true);
        assert.strictEqual(serverSocket.servername, 'localhost');
        assert.strictEqual(client.encrypted, true);
        const echoed = h.collect(client);
        client.end('over a unix socket');
        assert.strictEqual((await echoed).toString(), 'over a unix socket');
        await new Promise((resolve) => server.close(resolve));
      });
    });
  }

  it('built-in reference: destroy by the receiver resets the sender', async function () {
    // Documents what the built-in does (the codes accepted above).
    const server = await h.startServer(builtin, h.serverCreds(), (sock) => {
      sock.once('data', () => sock.destroy());
    });
    const client = await h.connect(builtin, server);
    const cw = h.watch(client);
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (!client.destroyed && sent < 512 * MiB) {
        sent += chunk.length;
        if (!client.write(chunk)) { client.once('drain', pump); return; }
      }
    };
    pump();
    await h.withTimeout(cw.closed, 10000, 'close');
    assert.ok(cw.error, 'the sender sees an error');
    assert.ok(RESET_CODES.includes(cw.error.code), cw.error.code);
  });
});
