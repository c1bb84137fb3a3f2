'use strict';
// Where a server listens besides an address or a path it binds itself: an
// AbortSignal that closes it, a listening descriptor it is given (socket
// activation), a handle, and cluster workers sharing the primary's port.

const assert = require('assert');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { execFile, spawn } = require('child_process');
const h = require('./helpers');

const { uvtls } = h;
const root = path.join(__dirname, '..');
const implPath = process.env.UVTLS_TEST_IMPL === 'builtin' ? 'tls' : root;

function echoOnce(port) {
  return h.connect(uvtls, port).then((client) => {
    client.end('ping');
    return h.collect(client);
  });
}

describe('server.listen() beyond addresses', function () {
  this.timeout(30000);
  afterEach(h.cleanup);

  it('listen({ signal }): aborting closes the server', async function () {
    const ac = new AbortController();
    const server = uvtls.createServer(h.serverCreds(), (s) => s.resume().end('up'));
    h.trackServer(server);
    await new Promise((resolve) => server.listen({ port: 0, host: h.HOST, signal: ac.signal }, resolve));
    assert.strictEqual((await echoOnce(server.address().port)).toString(), 'up');
    await h.waitForConnections(server, 0);
    const closed = h.waitEvent(server, 'close', 5000);
    ac.abort();
    await closed;
    assert.strictEqual(server.listening, false);
  });

  it('listen({ signal }) with a signal aborted already closes at once', async function () {
    const server = uvtls.createServer(h.serverCreds());
    h.trackServer(server);
    server.listen({ port: 0, host: h.HOST, signal: AbortSignal.abort() });
    await h.waitEvent(server, 'close', 5000);
    assert.strictEqual(server.listening, false);
  });

  it('listen({ signal }) refuses what is not a signal', function () {
    const server = uvtls.createServer(h.serverCreds());
    assert.throws(() => server.listen({ port: 0, signal: 'abort' }), { code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('listen({ handle }) serves TLS on a listening handle made elsewhere', async function () {
    const plain = net.createServer();
    await new Promise((resolve) => plain.listen(0, h.HOST, resolve));
    const port = plain.address().port;
    const server = uvtls.createServer(h.serverCreds(), (s) => {
      s.on('data', (d) => s.end(`${d} from a handle, ${s.encrypted}`));
    });
    h.trackServer(server);
    await new Promise((resolve) => server.listen({ handle: plain._handle }, resolve));
    assert.strictEqual(server.address().port, port);
    assert.strictEqual((await echoOnce(port)).toString(), 'ping from a handle, true');
  });

  it('listen({ fd }) serves TLS on an inherited listening descriptor', async function () {
    const plain = net.createServer();
    await new Promise((resolve) => plain.listen(0, h.HOST, resolve));
    const port = plain.address().port;
    const program = `
      const tls = require(${JSON.stringify(implPath)});
      const fs = require('fs');
      const server = tls.createServer({
        key: fs.readFileSync(${JSON.stringify(h.fixturePath('server.key'))}),
        cert: fs.readFileSync(${JSON.stringify(h.fixturePath('server.pem'))}),
      }, (s) => s.on('data', (d) => s.end(d + ' from fd 3')));
      server.listen({ fd: 3 }, () => process.stdout.write('listening\\n'));
      process.stdin.on('end', () => server.close()).resume();`;
    const child = spawn(process.execPath, ['-e', program],
                        { stdio: ['pipe', 'pipe', 'inherit', plain._handle.fd] });
    h.trackChild(child);
    plain.close();
    await h.waitEvent(child.stdout, 'data', 10000);
    assert.strictEqual((await echoOnce(port)).toString(), 'ping from fd 3');
    child.stdin.end();
    const [code] = await h.waitEvent(child, 'exit', 10000);
    assert.strictEqual(code, 0);
  });

  it('cluster workers share the primary\'s port and ticket keys: each resumes the others\' sessions', async function () {
    const dir = h.tmpDir();
    const script = path.join(dir, 'cluster.js');
    fs.writeFileSync(script, `
      const cluster = require('cluster');
      const fs = require('fs');
      const tls = require(${JSON.stringify(implPath)});
      if (cluster.isPrimary) {
        const ports = [];
        const served = {};
        const done = () => {
          for (const id in cluster.workers) cluster.workers[id].kill();
          console.log(JSON.stringify({ ports, served }));
        };
        let session;
        const connectSome = (left) => {
          if (left === 0) return done();
          const c = tls.connect({ port: ports[0], host: '127.0.0.1', servername: 'localhost', session,
                                  ca: fs.readFileSync(${JSON.stringify(h.fixturePath('ca.pem'))}) });
          c.once('session', (s) => { session = session || s; });
          let reply = '';
          c.on('data', (d) => { reply += d; });
          c.on('end', () => { served[reply] = (served[reply] || 0) + 1; connectSome(left - 1); });
          c.on('error', (err) => { console.error(err); process.exit(1); });
        };
        for (let i = 0; i < 2; i++) {
          cluster.fork().on('message', (m) => {
            ports.push(m.port);
            if (ports.length === 2) connectSome(8);
          });
        }
      } else {
        const server = tls.createServer({
          key: fs.readFileSync(${JSON.stringify(h.fixturePath('server.key'))}),
          cert: fs.readFileSync(${JSON.stringify(h.fixturePath('server.pem'))}),
        }, (s) => s.end('worker ' + cluster.worker.id + (s.isSessionReused() ? ' resumed' : ' new')));
        server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
      }`);
    const { stdout } = await new Promise((resolve, reject) => {
      execFile(process.execPath, [script], { timeout: 20000 }, (err, out, errOut) => {
        if (err) reject(Object.assign(err, { stderr: errOut }));
        else resolve({ stdout: out });
      });
    });
    const { ports, served } = JSON.parse(stdout);
    assert.strictEqual(ports[0], ports[1]);
    // The first connection is new; the other seven resume its session,
    // on both workers.
    const resumed = Object.keys(served).filter((k) => k.endsWith('resumed')).sort();
    assert.deepStrictEqual(resumed, ['worker 1 resumed', 'worker 2 resumed']);
    assert.strictEqual(served['worker 1 resumed'] + served['worker 2 resumed'], 7);
  });
});
