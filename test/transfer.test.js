'use strict';

const assert = require('assert');
const h = require('./helpers');

const { DIRECTIONS } = h;

const MiB = 1024 * 1024;
const BIG = 64 * MiB;
const SMALL_WRITES = 5000;
const CONCURRENT = 200;

describe('transfer', function () {
  this.timeout(30000);
  afterEach(h.cleanup);

  for (const [label, clientImpl, serverImpl] of DIRECTIONS) {
    describe(label, function () {
      it('64 MiB each way at once, sha256 checked on arrival', async function () {
        // Half-open on both ends: each side ends its own direction when it
        // has sent everything, whichever finishes first (without it, the
        // side that receives 'end' first would end its unfinished writes).
        let serverResult;
        const server = await h.startServer(serverImpl, { ...h.serverCreds(), allowHalfOpen: true }, (sock) => {
          serverResult = Promise.all([h.receiveData(sock, 20000), h.sendData(sock, BIG)]);
        });
        const { client } = await h.connectPair(clientImpl, server, { allowHalfOpen: true });
        const clientWatch = h.watch(client);
        const [clientRecv, clientSent] = await Promise.all([h.receiveData(client, 20000), h.sendData(client, BIG)]);
        const [serverRecv, serverSent] = await serverResult;
        assert.strictEqual(clientSent.bytes, BIG);
        assert.strictEqual(serverSent.bytes, BIG);
        assert.strictEqual(serverRecv.bytes, BIG, 'server received every byte');
        assert.strictEqual(clientRecv.bytes, BIG, 'client received every byte');
        assert.strictEqual(serverRecv.hash, clientSent.hash, 'client -> server data intact');
        assert.strictEqual(clientRecv.hash, serverSent.hash, 'server -> client data intact');
        await h.withTimeout(clientWatch.closed, 10000, 'client close');
        assert.strictEqual(clientWatch.error, null);
      });

      it('a paused reader stops the writer (write() returns false) and "drain" resumes it', async function () {
        let serverSock;
        const server = await h.startServer(serverImpl, h.serverCreds(), (sock) => {
          serverSock = sock;
          sock.pause();
        });
        const { client } = await h.connectPair(clientImpl, server);
        const chunk = Buffer.alloc(64 * 1024, 'z');
        let written = 0;
        let falses = 0;
        let stalled = false;
        // Write, honouring backpressure, until 'drain' stops coming: the
        // paused reader has filled the TLS, stream and kernel buffers.
        while (written < 256 * MiB) {
          const ok = client.write(chunk);
          written += chunk.length;
          if (ok) {
            if (written % (4 * MiB) === 0) await h.delay(1);
            continue;
          }
          falses++;
          const drained = await h.waitEvent(client, 'drain', 300).then(() => true, () => false);
          if (!drained) { stalled = true; break; }
        }
        assert.ok(stalled, `the writer never stalled after ${written} bytes`);
        assert.ok(falses > 0);
        assert.ok(client.writableLength > 0, 'data is buffered while the peer is paused');
        assert.ok(client.writableNeedDrain, 'writableNeedDrain is set');
        const received = h.receiveData(serverSock);
        serverSock.resume();
        await h.waitEvent(client, 'drain');
        client.end();
        const r = await received;
        assert.strictEqual(r.bytes, written);
        assert.strictEqual(r.hash, h.sha256(Buffer.alloc(written, 'z')));
      });

      for (const from of ['client', 'server']) {
        it(`${SMALL_WRITES} small writes from the ${from} arrive in order, every write callback called in order`, async function () {
          const messages = [];
          for (let i = 0; i < SMALL_WRITES; i++) messages.push(`msg ${i};`);
          const expected = messages.join('');
          const callbacks = [];
          function writeAll(sock) {
            return new Promise((resolve, reject) => {
              messages.forEach((m, i) => sock.write(m, (err) => {
                if (err) reject(err);
                callbacks.push(i);
                if (i === messages.length - 1) resolve();
              }));
              sock.end();
            });
          }
          let serverDone;
          const server = await h.startServer(serverImpl, h.serverCreds(), (sock) => {
            serverDone = from === 'server' ? Promise.all([writeAll(sock), h.collect(sock)]) : h.collect(sock).then((d) => {
              sock.end();
              return d;
            });
          });
          const { client } = await h.connectPair(clientImpl, server);
          let received;
          if (from === 'client') {
            const collected = h.collect(client);
            await writeAll(client);
            received = (await serverDone).toString();
            await collected;
          } else {
            const collected = h.collect(client);
            client.end();
            received = (await collected).toString();
            await serverDone;
          }
          assert.strictEqual(received.length, expected.length);
          assert.strictEqual(received, expected);
          assert.deepStrictEqual(callbacks, messages.map((_, i) => i));
        });
      }

      for (const from of ['client', 'server']) {
        it(`large writes of every size from the ${from} (up to 16 MiB, corked ones too) arrive intact, callbacks in order`, async function () {
          // Sizes around the record size and far beyond it.
          const sizes = [16 * MiB, 1, MiB, 16 * 1024, 16 * 1024 + 1, 300 * 1024, 5, 4 * MiB + 3, 64 * 1024];
          function writeAll(sock) {
            const hash = require('crypto').createHash('sha256');
            const order = [];
            let bytes = 0;
            return new Promise((resolve, reject) => {
              const last = sizes.length + 2;
              const done = (i) => (err) => {
                if (err) return reject(err);
                order.push(i);
                if (i === last) resolve({ hash: hash.digest('hex'), bytes, order });
              };
              sizes.forEach((n, i) => {
                const buf = Buffer.alloc(n, i + 1);
                hash.update(buf);
                bytes += n;
                sock.write(buf, done(i));
              });
              const whole = Buffer.alloc(MiB, 0x61);
              hash.update(whole);
              bytes += whole.length;
              sock.write(whole, done(sizes.length));
              sock.cork();
              const a = Buffer.alloc(2 * MiB, 0x63);
              const b = Buffer.alloc(3, 0x64);
              hash.update(a);
              hash.update(b);
              bytes += a.length + b.length;
              sock.write(a, done(sizes.length + 1));
              sock.write(b, done(sizes.length + 2));
              sock.uncork();
              sock.end();
            });
          }
          let serverDone;
          const server = await h.startServer(serverImpl, h.serverCreds(), (sock) => {
            serverDone = from === 'server' ? writeAll(sock) : h.receiveData(sock, 20000);
          });
          const { client } = await h.connectPair(clientImpl, server);
          let sent;
          let received;
          if (from === 'client') {
            sent = await writeAll(client);
            received = await serverDone;
          } else {
            [received, sent] = await Promise.all([h.receiveData(client, 20000), serverDone]);
          }
          assert.strictEqual(received.bytes, sent.bytes);
          assert.strictEqual(received.hash, sent.hash);
          assert.deepStrictEqual(sent.order, Array.from({ length: sizes.length + 3 }, (_, i) => i));
        });
      }

      it(`${CONCURRENT} concurrent connections each echo their own message`, async function () {
        const server = await h.startServer(serverImpl, h.serverCreds(), (sock) => {
          sock.on('data', (d) => sock.write(d));
          sock.on('end', () => sock.end());
        });
        const port = server.address().port;
        let maxConnections = 0;
        const one = async (i) => {
          const sock = await h.connect(clientImpl, port);
          const message = `connection ${i} says ${'x'.repeat(i)} hello`;
          const echoed = h.collect(sock);
          sock.end(message);
          const got = (await echoed).toString();
          return got === message ? null : `connection ${i}: got ${JSON.stringify(got)}`;
        };
        const counter = setInterval(() => {
          server.getConnections((err, n) => { if (!err && n > maxConnections) maxConnections = n; });
        }, 5);
        try {
          const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => one(i)));
          assert.deepStrictEqual(results.filter(Boolean), []);
        } finally {
          clearInterval(counter);
        }
        assert.ok(maxConnections > 1, `connections overlapped (max seen ${maxConnections})`);
      });
    });
  }
});
