'use strict';
// 4. echo (64-byte ping-pong) and 6. flood (echo under a handshake flood).

const { quantile } = require('../lib/stats');
const {
  now, noop, sleep, serverOptions, clientOptions, listen, expectProtocol, connect, warmupMs,
} = require('./common');
const { startStorm } = require('./handshake');

// ---------------------------------------------------------------------------
// 4. echo: `connections` sockets, each sends 64 bytes and waits for the
// 64-byte echo before sending again.

const echo = {
  name: 'echo',
  description: '100 connections, 64-byte ping-pong, round trips/s and p50/p99 latency',
  variants: (cfg) => [{
    id: 'echo/tls1.3', title: 'echo 64 B × 100 conns TLSv1.3',
    tls: 'TLSv1.3', key: 'rsa', connections: 100, size: 64, durationMs: cfg.durationMs,
  }],

  async server(tls, p, env) {
    const server = tls.createServer(serverOptions(p, env), (sock) => {
      try { sock.setNoDelay(true); } catch { /* optional */ }
      sock.on('error', env.fatal);
      sock.on('data', (d) => sock.write(d));
    });
    server.on('tlsClientError', env.fatal);
    return { port: await listen(server) };
  },

  async prepare(tls, p, env, port) {
    const opts = clientOptions(tls, p, env, port);
    const socks = await Promise.all(
      Array.from({ length: p.connections }, () => connect(tls, opts)));
    expectProtocol(socks[0], p);
    for (const sock of socks) {
      try { sock.setNoDelay(true); } catch { /* optional */ }
      sock.on('error', env.fatal);
    }
    await pingPong(socks, p, env, warmupMs(p));
    return { socks };
  },

  async client(tls, p, env, port, st) {
    const r = await pingPong(st.socks, p, env, p.durationMs);
    for (const s of st.socks) s.destroy();
    const lat = r.lat.sort((a, b) => a - b);
    return {
      count: lat.length,
      elapsedMs: r.elapsedMs,
      p50: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      max: lat[lat.length - 1],
    };
  },

  metrics(c, s) {
    return {
      metrics: [
        { key: 'rt_per_s', label: 'round trips', unit: '/s', better: 'higher',
          value: c.count / (c.elapsedMs / 1e3) },
        { key: 'cpu_us_per_rt', label: 'CPU both procs', unit: 'µs/round trip', better: 'lower',
          value: (c.cpuUs + s.cpuUs) / c.count },
        { key: 'p50_us', label: 'latency p50', unit: 'µs', better: 'lower', value: c.p50 * 1e3 },
        { key: 'p99_us', label: 'latency p99', unit: 'µs', better: 'lower', value: c.p99 * 1e3 },
      ],
      info: { roundTrips: c.count },
    };
  },
};

// Every socket sends p.size bytes and waits for all of them to come back,
// until durationMs has passed; resolves with the round-trip times (ms).
// With p.intervalMs, each socket starts a round trip at most every
// p.intervalMs (starts staggered across the sockets), else right away.
async function pingPong(socks, p, env, durationMs) {
  const msg = Buffer.alloc(p.size, 'x');
  const lat = [];
  const t0 = now();
  const end = t0 + durationMs;
  let last = t0;
  await Promise.all(socks.map((sock, i) => new Promise((resolve) => {
    let got = 0;
    let sentAt = 0;
    const send = () => {
      sentAt = now();
      sock.write(msg);
    };
    const onData = (d) => {
      got += d.length;
      if (got < p.size) return;
      if (got > p.size) env.fatal(new Error(`echo returned ${got} bytes, expected ${p.size}`));
      got = 0;
      const t = now();
      lat.push(t - sentAt);
      last = t;
      const wait = p.intervalMs ? sentAt + p.intervalMs - t : 0;
      if (t + Math.max(0, wait) >= end) {
        sock.removeListener('data', onData);
        resolve();
      } else if (wait > 0) {
        setTimeout(send, wait);
      } else {
        send();
      }
    };
    sock.on('data', onData);
    if (p.intervalMs) setTimeout(send, (i * p.intervalMs) / socks.length);
    else send();
  })));
  return { lat, elapsedMs: last - t0 };
}

// ---------------------------------------------------------------------------
// 6. flood: echo latency on established connections while the same server
// is kept busy with new full handshakes by a third process (the 'load' role
// of worker.js).

const flood = {
  name: 'flood',
  description: 'p50/p99 64-byte echo latency on 20 established connections while a ' +
    'third process keeps 50 full RSA-2048 handshakes in flight against the same server; ' +
    'the implementation under test on all ends',
  variants: (cfg) => [{
    id: 'flood/rsa2048-tls1.3', title: 'echo 64 B × 20 conns under handshake flood TLSv1.3',
    tls: 'TLSv1.3', key: 'rsa', connections: 20, size: 64, intervalMs: 5, concurrency: 50,
    durationMs: cfg.durationMs,
  }],

  // Echoes on every connection that sends data; the flood's connections
  // never do, and their resets (destroyed right after the handshake) are
  // expected, so only errors on echoing connections are fatal.
  async server(tls, p, env) {
    const server = tls.createServer(serverOptions(p, env), (sock) => {
      let echoing = false;
      sock.on('error', (err) => {
        if (echoing) env.fatal(err);
      });
      sock.on('data', (d) => {
        if (!echoing) {
          echoing = true;
          try { sock.setNoDelay(true); } catch { /* optional */ }
        }
        sock.write(d);
      });
    });
    server.on('tlsClientError', noop);
    return { port: await listen(server) };
  },

  // The echo connections, opened and warmed up before the flood starts.
  prepare: echo.prepare,

  // The load process: starts the flood, warms it up, then counts.
  async load(tls, p, env, port) {
    const base = clientOptions(tls, p, env, port);
    const s = startStorm(tls, p, () => ({ ...base }), { onFatal: env.fatal });
    await sleep(warmupMs(p));
    s.mark();
    return { stop: async () => s.stop() };
  },

  client: echo.client,

  metrics(c, s, p, l) {
    return {
      metrics: [
        { key: 'p50_us', label: 'echo latency p50', unit: 'µs', better: 'lower',
          value: c.p50 * 1e3 },
        { key: 'p99_us', label: 'echo latency p99', unit: 'µs', better: 'lower',
          value: c.p99 * 1e3 },
        { key: 'hs_per_s', label: 'flood handshakes', unit: '/s', better: 'higher',
          value: l.completed / (l.elapsedMs / 1e3) },
        { key: 'server_cpu', label: 'server CPU', unit: '% of a core', better: null,
          value: s.cpuUs / 10 / s.wallMs },
      ],
      info: { cipher: l.cipher, kx: l.kx, roundTrips: c.count,
              roundTripsPerSec: Math.round(c.count / (c.elapsedMs / 1e3)),
              maxLatencyUs: Math.round(c.max * 1e3),
              handshakes: l.completed, handshakeErrors: l.errors,
              loadCpuPercent: Number((l.cpuUs / 10 / l.wallMs).toFixed(1)),
              echoClientCpuPercent: Number((c.cpuUs / 10 / c.wallMs).toFixed(1)) },
    };
  },
};

module.exports = { echo, flood };
