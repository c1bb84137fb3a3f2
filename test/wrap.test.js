'use strict';
// Upgrading plain sockets that already exist (STARTTLS), in every
// direction: bytes the plain socket read or was still writing are neither
// lost nor reordered, the plain socket's events come out as the built-in
// emits them, pipes as well as TCP, and no descriptor is left behind.

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const h = require('./helpers');

const { fx, uvtls } = h;

function listenPlain(handler, where = 0) {
  const plain = net.createServer(handler);
  h.trackServer(plain);
  return new Promise((resolve) => {
    if (typeof where === 'string') plain.listen(where, () => resolve(plain));
    else plain.listen(0, h.HOST, () => resolve(plain));
  });
}

// Reads one line from a paused socket and puts back what followed it.
async function readLine(socket) {
  const chunks = [];
  for (let i = 0; i < 100; i++) {
    const chunk = socket.read();
    if (chunk !== null) {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      const end = all.indexOf(10);
      if (end >= 0) {
        if (end + 1 < all.length) socket.unshift(all.subarray(end + 1));
        return all.subarray(0, end).toString();
      }
    }
    await h.waitEvent(socket, 'readable', 5000);
  }
  throw new Error('no line');
}

function openFds() {
  return fs.readdirSync('/proc/self/fd').length;
}

for (const [label, clientImpl, serverImpl] of h.DIRECTIONS) {
  describe(`upgrading plain sockets (${label})`, function () {
    this.timeout(20000);
    afterEach(h.cleanup);

    it('a server upgrades with the client hello already read by the plain socket', async function () {
      const payload = crypto.randomBytes(1 << 20);
      const context = serverImpl.createSecureContext(h.serverCreds());
      const served = new Promise((resolve, reject) => {
        listenPlain(async (raw) => {
          try {
            raw.pause();
            // The client sends its hello right behind the command: wait
            // until it has been read along with it.
            await h.delay(100);
            assert.strictEqual(await readLine(raw), 'STARTTLS');
            assert(raw.readableLength > 0, 'the client hello was read early');
            const secure = new serverImpl.TLSSocket(raw, { isServer: true, secureContext: context });
            h.trackSocket(secure);
            secure.on('error', reject);
            const data = await h.collect(secure);
            secure.end(h.sha256(data));
            resolve(data.length);
          } catch (err) {
            reject(err);
          }
        }).then((plain) => {
          const raw = net.connect(plain.address().port, h.HOST);
          h.trackSocket(raw);
          raw.write('STARTTLS\n');
          const client = clientImpl.connect({ socket: raw, ca: fx.ca, servername: 'localhost' });
          h.trackSocket(client);
          client.on('error', reject);
          client.on('secureConnect', () => client.end(payload));
          h.collect(client).then((digest) => {
            assert.strictEqual(digest.toString(), h.sha256(payload));
          }).catch(reject);
        });
      });
      assert.strictEqual(await served, payload.length);
    });

    it('a client upgrades a socket still connecting, after the plaintext it was given', async function () {
      const tlsServer = serverImpl.createServer(h.serverCreds(), (s) => s.end('secured'));
      h.trackServer(tlsServer);
      const lines = [];
      const plain = await listenPlain(async (raw) => {
        raw.pause();
        lines.push(await readLine(raw));
        lines.push(await readLine(raw));
        tlsServer.emit('connection', raw);
      });
      const raw = net.connect(plain.address().port, h.HOST);
      h.trackSocket(raw);
      assert.strictEqual(raw.connecting, true);
      raw.write('HELLO\n');
      raw.write(`${'x'.repeat(256 * 1024)}\n`);
      const events = [];
      raw.on('data', () => events.push('raw data'));
      raw.on('end', () => events.push('raw end'));
      raw.on('close', () => events.push('raw close'));
      const client = clientImpl.connect({ socket: raw, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(client);
      client.on('connect', () => events.push('connect'));
      await h.waitEvent(client, 'secureConnect', 5000);
      assert.strictEqual(client.authorized, true);
      assert.deepStrictEqual(lines, ['HELLO', 'x'.repeat(256 * 1024)]);
      assert.strictEqual((await h.collect(client)).toString(), 'secured');
      await h.waitEvent(client, 'close', 5000);
      await h.delay(20);
      assert.strictEqual(raw.destroyed, true);
      assert.deepStrictEqual(events, ['connect', 'raw close']);
    });

    it('keeps the addresses and options of the socket it upgraded', async function () {
      const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end());
      const raw = net.connect(server.address().port, h.HOST);
      h.trackSocket(raw);
      await h.waitEvent(raw, 'connect', 5000);
      const localPort = raw.localPort;
      const client = clientImpl.connect({ socket: raw, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(client);
      await h.waitEvent(client, 'secureConnect', 5000);
      assert.strictEqual(client.remotePort, server.address().port);
      assert.strictEqual(client.localPort, localPort);
      assert.strictEqual(raw.remotePort, server.address().port);
      assert.strictEqual(raw.localPort, localPort);
      client.setNoDelay(true);
      client.setKeepAlive(true, 1000);
      await h.collect(client);
    });

    it('upgrades a Unix pipe', async function () {
      const where = path.join(h.tmpDir(), 'sock');
      const server = await h.startServer(serverImpl, h.serverCreds(), (s) => {
        s.on('data', (d) => s.end(d.toString().toUpperCase()));
      }, where);
      const raw = net.connect(where);
      h.trackSocket(raw);
      const client = clientImpl.connect({ socket: raw, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(client);
      await h.waitEvent(client, 'secureConnect', 5000);
      client.write('over a pipe');
      assert.strictEqual((await h.collect(client)).toString(), 'OVER A PIPE');
      server.close();
    });

    it('a peer reset during the upgrade is an error, not a hang', async function () {
      const plain = await listenPlain((raw) => raw.destroy());
      const raw = net.connect(plain.address().port, h.HOST);
      h.trackSocket(raw);
      const client = clientImpl.connect({ socket: raw, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(client);
      const [err] = await h.waitEvent(client, 'error', 5000);
      assert.strictEqual(err.code, 'ECONNRESET');
      if (!client.destroyed) await h.waitEvent(client, 'close', 5000);
    });
  });
}

describe('upgrading plain sockets: descriptors', function () {
  this.timeout(30000);
  afterEach(h.cleanup);

  it('leaves no descriptor open after 100 upgraded connections', async function () {
    const server = await h.startServer(uvtls, h.serverCreds(), (s) => s.end('x'));
    const connectOnce = async () => {
      const raw = net.connect(server.address().port, h.HOST);
      const client = uvtls.connect({ socket: raw, ca: fx.ca, servername: 'localhost' });
      h.trackSocket(client);
      await h.collect(client);
      if (!client.destroyed) client.destroy();
      await h.waitEvent(client, 'close', 5000).catch(() => {});
    };
    await connectOnce();
    await h.delay(50);
    const before = openFds();
    for (let i = 0; i < 100; i++) await connectOnce();
    await h.waitForConnections(server, 0);
    await h.delay(50);
    assert.strictEqual(openFds(), before);
  });
});
