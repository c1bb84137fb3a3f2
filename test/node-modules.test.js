'use strict';
// Node's own modules that take a socket from the application work with
// uvtls sockets: https through an Agent's createConnection, http2 through
// connect()'s createConnection (ALPN h2).

const assert = require('assert');
const https = require('https');
const http2 = require('http2');
const h = require('./helpers');

const { fx, uvtls } = h;

describe('Node modules over uvtls sockets', function () {
  afterEach(h.cleanup);

  it('https.get through an Agent whose createConnection is uvtls.connect', async function () {
    const server = https.createServer(h.serverCreds(), (req, res) => res.end(`https ${req.url}`));
    h.trackServer(server);
    await new Promise((resolve) => server.listen(0, h.HOST, resolve));
    const created = [];
    // An Agent makes its sockets with its createConnection method.
    class UvtlsAgent extends https.Agent {
      createConnection(options) {
        const socket = uvtls.connect(options);
        created.push(socket);
        return socket;
      }
    }
    const agent = new UvtlsAgent();
    const body = await new Promise((resolve, reject) => {
      https.get({ host: h.HOST, port: server.address().port, path: '/x', servername: 'localhost',
                  ca: fx.ca, agent }, (res) => {
        let data = '';
        res.on('data', (c) => { data += c; });
        res.on('end', () => resolve(data));
      }).on('error', reject);
    });
    agent.destroy();
    assert.strictEqual(body, 'https /x');
    assert.strictEqual(created.length, 1);
    assert.strictEqual(created[0].authorized, true);
  });

  it('http2.connect with createConnection returning a uvtls socket', async function () {
    const server = http2.createSecureServer(h.serverCreds(), (req, res) => res.end('h2 ok'));
    h.trackServer(server);
    await new Promise((resolve) => server.listen(0, h.HOST, resolve));
    const port = server.address().port;
    let socket;
    const session = http2.connect(`https://localhost:${port}`, {
      createConnection() {
        socket = uvtls.connect({ host: h.HOST, port, servername: 'localhost', ca: fx.ca,
                                 ALPNProtocols: ['h2'] });
        return socket;
      },
    });
    try {
      const body = await new Promise((resolve, reject) => {
        session.on('error', reject);
        const req = session.request({ ':path': '/' });
        let data = '';
        req.on('data', (c) => { data += c; });
        req.on('end', () => resolve(data));
        req.on('error', reject);
      });
      assert.strictEqual(body, 'h2 ok');
      assert.strictEqual(socket.alpnProtocol, 'h2');
    } finally {
      session.close();
    }
  });
});
