'use strict';
// A server busy with connections carrying data signs new handshakes on the
// libuv thread pool. What the application sees must not change: the same
// handshakes, data, errors and codes, and nothing lost when a client goes
// away mid-step. UVTLS_OFFLOAD=1 sends every server handshake there, and
// the handshake, verification and hostile-input specs run again that way.

const assert = require('assert');
const path = require('path');
const net = require('net');
const { execFile } = require('child_process');
const h = require('./helpers');

const { uvtls, builtin } = h;
const native = () => require('../lib/native');

function offloaded() {
  return native().stats().offloadedHandshakes;
}

// A connection that has carried data keeps the server "busy".
async function busyServer(options = {}) {
  const server = await h.startServer(uvtls, { ...h.serverCreds(), ...options }, (s) => {
    s.on('data', (d) => s.write(d));
  });
  const keeper = await h.connect(uvtls, server);
  keeper.write('x');
  await h.readBytes(keeper, 1);
  return server;
}

describe('handshakes signed on the thread pool', function () {
  this.timeout(60000);
  before(function () {
    if (process.env.UVTLS_TEST_IMPL === 'builtin') this.skip();
  });
  afterEach(h.cleanup);

  it('ticket keys replaced while handshakes that open tickets run on the pool: every one completes, and the original keys resume afterwards', async function () {
    const server = await busyServer({ maxVersion: 'TLSv1.2' });
    const original = server.getTicketKeys();
    const first = await h.connect(builtin, server);
    const session = first.getSession();
    first.destroy();
    const other = Buffer.alloc(48, 7);
    let turns = 0;
    let stop = false;
    const before = offloaded();
    const churn = () => {
      if (stop) return;
      server.setTicketKeys(turns++ % 2 === 0 ? other : original);
      setImmediate(churn);
    };
    churn();
    const clients = await Promise.all(Array.from({ length: 40 }, () =>
      h.connect(builtin, server, { session, maxVersion: 'TLSv1.2' })));
    stop = true;
    assert.ok(turns > 1, `the keys were replaced ${turns} times`);
    assert.ok(offloaded() - before > 0, 'the handshakes ran on the pool');
    for (const client of clients) {
      assert.strictEqual(client.authorized, true);
      client.write('ping');
      assert.strictEqual((await h.readBytes(client, 4)).toString(), 'ping');
    }
    server.setTicketKeys(original);
    const again = await h.connect(builtin, server, { session, maxVersion: 'TLSv1.2' });
    assert.strictEqual(again.isSessionReused(), true);
  });

  it('a server with no connection carrying data signs on the loop', async function () {
    const server = await h.startServer(uvtls, h.serverCreds(), (s) => s.end('hi'));
    const before = offloaded();
    for (let i = 0; i < 3; i++) {
      const client = await h.connect(builtin, server);
      assert.strictEqual((await h.collect(client)).toString(), 'hi');
    }
    assert.strictEqual(offloaded(), before);
  });

  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    it(`a busy server signs new ${version} handshakes on the pool; clients see nothing different`, async function () {
      const server = await busyServer();
      const before = offloaded();
      const clients = await Promise.all(Array.from({ length: 10 }, () =>
        h.connect(builtin, server, { maxVersion: version, minVersion: version })));
      assert.strictEqual(offloaded() - before, 10);
      for (const client of clients) {
        assert.strictEqual(client.authorized, true);
        assert.strictEqual(client.getProtocol(), version);
        client.write('ping');
        assert.strictEqual((await h.readBytes(client, 4)).toString(), 'ping');
      }
    });
  }

  it('a failure on the pool reaches tlsClientError with the built-in\'s code', async function () {
    const server = await busyServer({ minVersion: 'TLSv1.3' });
    const builtinServer = await h.startServer(builtin, { ...h.serverCreds(), minVersion: 'TLSv1.3' });
    const outcome = async (target) => {
      const seen = h.waitEvent(target, 'tlsClientError', 5000);
      const client = builtin.connect({ host: h.HOST, port: target.address().port,
                                       maxVersion: 'TLSv1.2', rejectUnauthorized: false });
      h.trackSocket(client);
      client.on('error', () => {});
      const [err] = await seen;
      return { code: err.code, reason: err.reason, library: err.library };
    };
    const before = offloaded();
    assert.deepStrictEqual(await outcome(server), await outcome(builtinServer));
    assert.strictEqual(offloaded() - before, 1);
  });

  it('a client that leaves while its handshake is on the pool leaves nothing behind', async function () {
    const server = await busyServer();
    const hello = await h.captureClientHello(builtin, { servername: 'localhost' });
    const before = offloaded();
    for (let i = 0; i < 30; i++) {
      const raw = net.connect(server.address().port, h.HOST);
      h.trackSocket(raw);
      await h.waitEvent(raw, 'connect', 5000);
      raw.end(hello);
      raw.destroy();
    }
    await h.delay(100);
    assert(offloaded() - before > 0, 'some of these handshakes went to the pool');
    const client = await h.connect(uvtls, server);
    client.write('still serving');
    assert.strictEqual((await h.readBytes(client, 13)).toString(), 'still serving');
  });

  it('the handshake, verification and hostile-input specs pass with every handshake on the pool', async function () {
    const mocha = path.join(__dirname, '..', 'node_modules', 'mocha', 'bin', 'mocha.js');
    const specs = ['handshake', 'verify', 'hostile', 'features'].map((name) =>
      path.join(__dirname, `${name}.test.js`));
    const out = await new Promise((resolve, reject) => {
      execFile(process.execPath, [mocha, '--no-config', '--timeout', '30000', '--reporter', 'dot', ...specs],
               { env: { ...process.env, UVTLS_OFFLOAD: '1' }, timeout: 120000 },
               (err, stdout, stderr) => (err ? reject(Object.assign(err, { stdout, stderr })) : resolve(stdout)));
    });
    assert.match(out, /\d+ passing/);
    assert.doesNotMatch(out, /failing/);
  });
});
