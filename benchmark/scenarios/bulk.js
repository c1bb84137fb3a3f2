'use strict';
// 1. bulk throughput, and 7. wrap (bulk over tls.connect({ socket })).

const crypto = require('crypto');
const net = require('net');
const { Duplex } = require('stream');
const {
  HOST, KiB, MiB, now, tlsId, serverOptions, clientOptions, listen, expectProtocol, connect,
  closed, pump, describe, countArrivals,
} = require('./common');

// Write sizes of the bulk variants. 64 KiB keeps the ids it had before there
// were sizes (bulk/c2s-tls1.3); the others get a suffix (bulk/c2s-tls1.3-1m).
const SIZES = [
  { suffix: '-16k', chunk: 16 * KiB, label: '16 KiB' },
  { suffix: '', chunk: 64 * KiB, label: '64 KiB' },
  { suffix: '-256k', chunk: 256 * KiB, label: '256 KiB' },
  { suffix: '-1m', chunk: MiB, label: '1 MiB' },
  { suffix: '-16m', chunk: 16 * MiB, label: '16 MiB' },
];

const dirTitle = (dir) => (dir === 'c2s' ? 'client→server' : 'server→client');

const bulk = {
  name: 'bulk',
  description: 'one connection, 16 KiB–16 MiB writes for a fixed time, MB/s and CPU s/GB',
  variants: (cfg) => {
    const out = [];
    for (const tls of ['TLSv1.3', 'TLSv1.2']) {
      for (const dir of ['c2s', 's2c']) {
        for (const size of SIZES) {
          out.push({
            id: `bulk/${dir}-${tlsId(tls)}${size.suffix}`,
            title: `bulk ${dirTitle(dir)} ${tls} ${size.label} writes`,
            dir, tls, key: 'rsa',
            durationMs: cfg.durationMs, maxBytes: cfg.bulkMaxBytes, chunk: size.chunk,
          });
        }
      }
    }
    return out;
  },

  async server(tls, p, env) {
    const st = { bytes: 0, elapsedMs: 0, sent: 0, ended: false };
    const buf = crypto.randomBytes(p.chunk);
    const server = tls.createServer(serverOptions(p, env), (sock) => {
      sock.on('error', env.fatal);
      if (p.dir === 'c2s') {
        countArrivals(sock, st);
      } else {
        sock.once('data', () => {
          pump(sock, buf, p.durationMs, p.maxBytes, (sent) => {
            st.sent = sent;
            sock.end();
          });
        });
      }
    });
    server.on('tlsClientError', env.fatal);
    return { port: await listen(server), stats: async () => st };
  },

  async client(tls, p, env, port) {
    const sock = await openBulkClient(tls, p, env, port);
    expectProtocol(sock, p);
    const res = { ...describe(sock), protocol: sock.getProtocol() };
    sock.on('error', env.fatal);
    const done = closed(sock);
    if (p.dir === 'c2s') {
      const buf = crypto.randomBytes(p.chunk);
      await new Promise((resolve) => pump(sock, buf, p.durationMs, p.maxBytes, (sent) => {
        res.sent = sent;
        sock.end();
        resolve();
      }));
      sock.resume();
    } else {
      res.bytes = 0;
      let t0 = 0;
      sock.on('data', (d) => {
        if (t0 === 0) t0 = now();
        res.bytes += d.length;
      });
      sock.on('end', () => { res.elapsedMs = now() - t0; });
      sock.write('g');
    }
    await done;
    return res;
  },

  metrics(c, s, p) {
    const rx = p.dir === 'c2s' ? s : c;
    const tx = p.dir === 'c2s' ? c : s;
    if (p.dir === 'c2s' && !s.ended) throw new Error('server did not see the end of the stream');
    if (rx.bytes !== tx.sent) {
      throw new Error(`receiver got ${rx.bytes} bytes but ${tx.sent} were sent`);
    }
    if (!(rx.elapsedMs > 0)) throw new Error('no data was received');
    return {
      metrics: throughputMetrics(rx.bytes, rx.elapsedMs, c.cpuUs + s.cpuUs),
      info: { cipher: c.cipher, kx: c.kx, protocol: c.protocol, bytes: rx.bytes,
              writes: Math.round(tx.sent / p.chunk) },
    };
  },
};

// MB/s over the receiver's time and CPU s/GB of both processes (also the
// file scenario's metrics).
function throughputMetrics(bytes, elapsedMs, cpuUs) {
  return [
    { key: 'mbps', label: 'throughput', unit: 'MB/s', better: 'higher',
      value: bytes / 1e6 / (elapsedMs / 1e3) },
    { key: 'cpu_s_per_gb', label: 'CPU both procs', unit: 's/GB', better: 'lower',
      value: cpuUs / 1e6 / (bytes / 1e9) },
  ];
}

// The bulk client's TLS socket: tls.connect() to the port, or (the wrap
// scenario) tls.connect({ socket }) over a connected net.Socket
// (p.wrap 'socket') or over a JavaScript Duplex on top of one ('duplex').
async function openBulkClient(tls, p, env, port) {
  if (!p.wrap) return connect(tls, clientOptions(tls, p, env, port));
  const raw = net.connect({ host: HOST, port });
  await new Promise((resolve, reject) => {
    raw.once('error', reject);
    raw.once('connect', () => {
      raw.removeListener('error', reject);
      resolve();
    });
  });
  const socket = p.wrap === 'duplex' ? duplexOver(raw) : raw;
  const opts = clientOptions(tls, p, env, port, { socket });
  delete opts.host;
  delete opts.port;
  return connect(tls, opts);
}

// ---------------------------------------------------------------------------
// 7. wrap: bulk throughput with the client made over an existing socket or
// stream (see openBulkClient); the server and the measurement are bulk's.

// A stream.Duplex that is not a net.Socket: it forwards both ways to `raw`,
// honouring backpressure in both directions. allowHalfOpen is false like a
// net.Socket's: node:tls gives the TLSSocket the wrapped stream's
// allowHalfOpen, and with Duplex's default (true) its client would not end
// its side after the server's close_notify, and never close.
function duplexOver(raw) {
  const d = new Duplex({
    allowHalfOpen: false,
    read() {
      raw.resume();
    },
    write(chunk, encoding, cb) {
      if (raw.write(chunk)) cb();
      else raw.once('drain', () => cb());
    },
    final(cb) {
      raw.end();
      cb();
    },
    destroy(err, cb) {
      raw.destroy();
      cb(err);
    },
  });
  raw.on('data', (chunk) => {
    if (!d.push(chunk)) raw.pause();
  });
  raw.on('end', () => d.push(null));
  raw.on('error', (err) => d.destroy(err));
  return d;
}

const wrap = {
  name: 'wrap',
  description: 'bulk (64 KiB writes) over tls.connect({ socket }): a connected net.Socket, ' +
    'or a JS Duplex forwarding to one',
  variants: (cfg) => {
    const out = [];
    for (const w of ['socket', 'duplex']) {
      for (const dir of ['c2s', 's2c']) {
        out.push({
          id: `wrap/${w}-${dir}-tls1.3`,
          title: `wrap ${w === 'socket' ? 'net.Socket' : 'JS Duplex'} ` +
            `${dir === 'c2s' ? 'client→server' : 'server→client'} TLSv1.3`,
          wrap: w, dir, tls: 'TLSv1.3', key: 'rsa',
          durationMs: cfg.durationMs, maxBytes: cfg.bulkMaxBytes, chunk: 64 * KiB,
        });
      }
    }
    return out;
  },
  server: bulk.server,
  client: bulk.client,
  metrics: bulk.metrics,
};

module.exports = { bulk, wrap, throughputMetrics };
