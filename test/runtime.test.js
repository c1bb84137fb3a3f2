'use strict';
// uvtls in Node's runtime: AsyncLocalStorage context in callbacks as with
// the built-in, Workers (ending normally or terminated with connections
// open), and unref()'d handles that do not hold the process.

const assert = require('assert');
const path = require('path');
const { AsyncLocalStorage } = require('async_hooks');
const { Worker } = require('worker_threads');
const { execFile } = require('child_process');
const { promisify } = require('util');
const h = require('./helpers');

const root = path.join(__dirname, '..');

// The AsyncLocalStorage store seen in each callback, server and client
// each started in a store of their own.
async function storesSeen(serverImpl, clientImpl) {
  const als = new AsyncLocalStorage();
  const seen = [];
  const server = await new Promise((resolve) => als.run('server', () => {
    const s = serverImpl.createServer(h.serverCreds(), (sock) => {
      seen.push(['secureConnection', als.getStore()]);
      sock.on('data', (d) => {
        seen.push(['server data', als.getStore()]);
        sock.end(d);
      });
    });
    h.trackServer(s);
    s.listen(0, h.HOST, () => resolve(s));
  }));
  await new Promise((resolve) => als.run('client', () => {
    const c = clientImpl.connect({ port: server.address().port, host: h.HOST,
                                   servername: 'localhost', ca: h.fx.ca }, () => {
      seen.push(['secureConnect', als.getStore()]);
      c.write('x');
    });
    h.trackSocket(c);
    c.on('data', () => seen.push(['client data', als.getStore()]));
    c.on('end', () => seen.push(['client end', als.getStore()]));
    c.on('close', () => {
      seen.push(['client close', als.getStore()]);
      resolve();
    });
  }));
  return seen;
}

describe('runtime integration', function () {
  this.timeout(30000);
  afterEach(h.cleanup);

  it('AsyncLocalStorage: every callback sees the store the built-in shows', async function () {
    const expected = await storesSeen(h.builtin, h.builtin);
    assert.deepStrictEqual(await storesSeen(h.uvtls, h.uvtls), expected);
    assert.deepStrictEqual(expected.map(([, store]) => store),
                           ['client', 'server', 'server', 'client', 'client', 'client']);
  });

  it('Workers: connections inside, workers ending by themselves and terminated', async function () {
    if (process.env.UVTLS_TEST_IMPL === 'builtin') this.skip();
    const code = `
      const tls = require(${JSON.stringify(root)});
      const fs = require('fs');
      const { parentPort, workerData } = require('worker_threads');
      const fx = (n) => fs.readFileSync(${JSON.stringify(h.FIXTURES)} + '/' + n);
      const server = tls.createServer({ key: fx('server.key'), cert: fx('server.pem') },
                                      (s) => s.on('data', (d) => s.end(d)));
      server.listen(0, '127.0.0.1', () => {
        let secured = 0;
        let ended = 0;
        const clients = [];
        for (let i = 0; i < 10; i++) {
          const c = tls.connect({ port: server.address().port, host: '127.0.0.1',
                                  rejectUnauthorized: false }, () => {
            if (++secured < 10) return;
            // Every connection open at both ends: the count is exact.
            parentPort.postMessage(require(${JSON.stringify(path.join(root, 'lib', 'native'))}).stats());
            for (const client of clients) client.write('ping');
          });
          clients.push(c);
          c.on('data', () => {});
          c.on('end', () => {
            if (++ended === 10 && workerData.finish) server.close();
          });
        }
      });`;
    const run = (finish) => new Promise((resolve, reject) => {
      const worker = new Worker(code, { eval: true, workerData: { finish } });
      let stats;
      worker.on('message', (m) => {
        stats = m;
        if (!finish) worker.terminate();
      });
      worker.on('error', reject);
      worker.on('exit', (exitCode) => resolve({ exitCode, stats }));
    });
    const results = await Promise.all([run(true), run(false), run(true), run(false)]);
    assert.deepStrictEqual(results.map((r) => r.exitCode), [0, 1, 0, 1]);
    for (const r of results) assert.ok(r.stats.connections >= 20, JSON.stringify(r.stats));
    // The main thread's own environment is untouched.
    assert.deepStrictEqual(require('../lib/native').stats(), require('../lib/native').stats());
  });

  it('unref()\'d servers and sockets do not keep the process alive', async function () {
    const script = `
      const tls = require(${JSON.stringify(process.env.UVTLS_TEST_IMPL === 'builtin' ? 'tls' : root)});
      const fs = require('fs');
      const fx = (n) => fs.readFileSync(${JSON.stringify(h.FIXTURES)} + '/' + n);
      const server = tls.createServer({ key: fx('server.key'), cert: fx('server.pem') },
                                      (s) => s.unref());
      server.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: server.address().port, host: '127.0.0.1',
                                rejectUnauthorized: false }, () => {
          c.unref();
          server.unref();
          console.log('unrefd');
        });
      });`;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 10000 });
    assert.strictEqual(stdout.trim(), 'unrefd');
    assert.ok(Date.now() - started < 5000);
  });
});
