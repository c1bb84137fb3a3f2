'use strict';
// 5. idle connections.

const { checkOpenFiles } = require('../lib/limits');
const {
  KiB, sleep, serverOptions, clientOptions, listen, expectProtocol, connect, closed, gcRss,
} = require('./common');

// ---------------------------------------------------------------------------
// 5. idle connections: open N connections, measure the RSS growth of each
// process (after GC) per connection. One variant per count given to
// --idle-connections (default 2000): idle/2000, idle/20000, ...

// Open files each process needs besides its connections (stdio, IPC,
// epoll, the listening socket, libuv's and OpenSSL's own).
const FD_MARGIN = 100;

const idle = {
  name: 'idle',
  description: 'N open idle connections (--idle-connections, default 2000), RSS per ' +
    'connection in server and client',
  variants: (cfg) => cfg.idleConnections.map((n) => ({
    id: `idle/${n}`, title: `idle ${n} conns TLSv1.3 ECDSA`,
    tls: 'TLSv1.3', key: 'ecdsa', connections: n, concurrency: 100,
    // run.js starts both processes with at least this many open files,
    // and allows a measurement at least timeoutSec (about 300 handshakes/s
    // with node:tls building a client context per connection, and margin).
    openFiles: n + FD_MARGIN,
    timeoutSec: Math.ceil(30 + n / 150),
  })),

  async server(tls, p, env) {
    checkOpenFiles(p.openFiles, p.id, FD_MARGIN);
    const socks = new Set();
    const server = tls.createServer(serverOptions(p, env), (sock) => {
      socks.add(sock);
      sock.on('error', env.fatal);
      sock.on('close', () => socks.delete(sock));
    });
    server.on('tlsClientError', env.fatal);
    let before;
    return {
      port: await listen(server),
      async begin() {
        await sleep(100);
        before = gcRss();
      },
      async stats() {
        await sleep(200);
        const after = gcRss();
        return { open: socks.size, rss: after.rss - before.rss,
                 heap: after.heapUsed - before.heapUsed };
      },
    };
  },

  // A first connection so that one-time initialisation is not counted.
  async prepare(tls, p, env, port) {
    checkOpenFiles(p.openFiles, p.id, FD_MARGIN);
    const sock = await connect(tls, clientOptions(tls, p, env, port));
    sock.resume();
    sock.end();
    await closed(sock);
    return {};
  },

  async client(tls, p, env, port) {
    const opts = clientOptions(tls, p, env, port);
    await sleep(100);
    const before = gcRss();
    const socks = [];
    let next = 0;
    const worker = async () => {
      while (next < p.connections) {
        next++;
        const sock = await connect(tls, opts);
        sock.on('error', env.fatal);
        socks.push(sock);
      }
    };
    await Promise.all(Array.from({ length: p.concurrency }, worker));
    expectProtocol(socks[0], p);
    await sleep(300); // let session tickets and the server side settle
    const after = gcRss();
    global.keep = socks;
    return { open: socks.length, rss: after.rss - before.rss,
             heap: after.heapUsed - before.heapUsed };
  },

  metrics(c, s, p) {
    if (c.open !== p.connections || s.open !== p.connections) {
      throw new Error(`expected ${p.connections} open connections, client has ${c.open}, ` +
                      `server has ${s.open}`);
    }
    return {
      metrics: [
        { key: 'server_kib_per_conn', label: 'server RSS', unit: 'KiB/conn', better: 'lower',
          value: s.rss / KiB / p.connections },
        { key: 'client_kib_per_conn', label: 'client RSS', unit: 'KiB/conn', better: 'lower',
          value: c.rss / KiB / p.connections },
      ],
      info: {
        serverHeapKiBPerConn: Number((s.heap / KiB / p.connections).toFixed(2)),
        clientHeapKiBPerConn: Number((c.heap / KiB / p.connections).toFixed(2)),
      },
    };
  },
};

module.exports = { idle };
