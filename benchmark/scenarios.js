'use strict';
// Scenario definitions. Each scenario has
//   variants(cfg)                 -> [{ id, title, ...params }]
//   server(tls, p, env)           -> { port, begin?(), stats?() } (async)
//   prepare?(tls, p, env, port)   -> state (async; client, before timing)
//   client(tls, p, env, port, st) -> result (async; the timed part)
//   load?(tls, p, env, port)      -> { stop() -> result } (async; a third
//                                    process's work against the server, begun
//                                    before and stopped after the timed part)
//   metrics(client, server, p, load) -> { metrics: [...], info: {...} }
// and optionally (the HTTP scenarios in http.js)
//   module        'https' | 'http2': what the functions get in place of tls
//   builtinRoles  roles that always get the built-in module (the fixed side)
//   builtinLabel  the built-in's name in the report (default 'node:tls')
//   reportInfo    info fields printed under the variant's summary
// `tls` is the implementation under test (uvtls or node:tls); the server, the
// client and the load run in separate child processes (see worker.js). CPU
// time (process.cpuUsage) of each process over its part is measured by the
// worker and arrives here as cpuUs, with the wall time of that part as
// wallMs. A metric's `better` is 'higher', 'lower' or null (context).

const net = require('net');
const { Duplex } = require('stream');
const certs = require('./lib/certs');
const { quantile } = require('./lib/stats');

const HOST = '127.0.0.1';
const KiB = 1024;

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const noop = () => {};

function versions(v) {
  return { minVersion: v, maxVersion: v };
}

function serverOptions(p, env) {
  const { key, cert } = certs.load(env.certDir, p.key || 'rsa');
  return { key, cert, ...versions(p.tls) };
}

// Client options verify the server against the generated CA. By default
// tls.connect() gets `ca`, as programs pass it (Node then makes a context
// for every connection); with --client-context shared, the client
// SecureContext is made once per process with the implementation's own
// createSecureContext() and passed as secureContext.
const contexts = new Map();
function clientOptions(tls, p, env, port, extra) {
  const kind = p.key || 'rsa';
  const { ca } = certs.load(env.certDir, kind);
  const base = { host: HOST, port, servername: 'localhost', ...versions(p.tls) };
  if (env.clientContext === 'per-connection') return { ...base, ca, ...extra };
  const id = `${kind} ${p.tls}`;
  if (!contexts.has(id)) contexts.set(id, tls.createSecureContext({ ca, ...versions(p.tls) }));
  return { ...base, secureContext: contexts.get(id), ...extra };
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: HOST, backlog: 1024 }, () => {
      server.removeListener('error', reject);
      resolve(server.address().port);
    });
  });
}

function expectProtocol(sock, p) {
  const proto = sock.getProtocol();
  if (proto !== p.tls) {
    throw new Error(`negotiated ${proto}, expected ${p.tls}`);
  }
}

// Resolves with a connected TLS socket (after 'secureConnect').
function connect(tls, opts) {
  return new Promise((resolve, reject) => {
    const sock = tls.connect(opts);
    const onError = (err) => reject(err);
    sock.once('error', onError);
    sock.once('secureConnect', () => {
      sock.removeListener('error', onError);
      resolve(sock);
    });
  });
}

function closed(sock) {
  return new Promise((resolve) => {
    if (sock.closed === true) return resolve();
    sock.once('close', resolve);
  });
}

function gcRss() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
  return process.memoryUsage();
}

// Untimed warm-up before a timed run (JIT, lazy initialisation).
function warmupMs(p) {
  return Math.min(300, Math.max(100, p.durationMs / 10));
}

// Writes `buf` until the deadline or the byte cap, honouring backpressure
// (write() returning false -> wait for 'drain'); calls done(bytesWritten).
function pump(sock, buf, durationMs, maxBytes, done) {
  const deadline = now() + durationMs;
  let sent = 0;
  let finished = false;
  const go = () => {
    while (sent < maxBytes && now() < deadline) {
      sent += buf.length;
      if (!sock.write(buf)) {
        sock.once('drain', go);
        return;
      }
    }
    if (!finished) {
      finished = true;
      done(sent);
    }
  };
  go();
}

// ---------------------------------------------------------------------------
// 1. bulk throughput

const bulk = {
  name: 'bulk',
  description: 'one connection, 64 KiB writes for a fixed time, MB/s and CPU s/GB',
  variants: (cfg) => {
    const out = [];
    for (const tls of ['TLSv1.3', 'TLSv1.2']) {
      for (const dir of ['c2s', 's2c']) {
        out.push({
          id: `bulk/${dir}-${tls === 'TLSv1.3' ? 'tls1.3' : 'tls1.2'}`,
          title: `bulk ${dir === 'c2s' ? 'client→server' : 'server→client'} ${tls}`,
          dir, tls, key: 'rsa',
          durationMs: cfg.durationMs, maxBytes: cfg.bulkMaxBytes, chunk: 64 * KiB,
        });
      }
    }
    return out;
  },

  async server(tls, p, env) {
    const st = { bytes: 0, elapsedMs: 0, sent: 0, ended: false };
    const buf = require('crypto').randomBytes(p.chunk);
    const server = tls.createServer(serverOptions(p, env), (sock) => {
      sock.on('error', env.fatal);
      if (p.dir === 'c2s') {
        let t0 = 0;
        sock.on('data', (d) => {
          if (t0 === 0) t0 = now();
          st.bytes += d.length;
        });
        sock.on('end', () => {
          st.elapsedMs = now() - t0;
          st.ended = true;
        });
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
      const buf = require('crypto').randomBytes(p.chunk);
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
    const cpuSec = (c.cpuUs + s.cpuUs) / 1e6;
    return {
      metrics: [
        { key: 'mbps', label: 'throughput', unit: 'MB/s', better: 'higher',
          value: rx.bytes / 1e6 / (rx.elapsedMs / 1e3) },
        { key: 'cpu_s_per_gb', label: 'CPU both procs', unit: 's/GB', better: 'lower',
          value: cpuSec / (rx.bytes / 1e9) },
      ],
      info: { cipher: c.cipher, kx: c.kx, protocol: c.protocol, bytes: rx.bytes },
    };
  },
};

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
// 2./3. handshakes: `concurrency` connections in flight for a fixed time;
// each connects, waits for 'secureConnect' and destroys the socket.

// Cipher and key exchange of a connected client socket, for the report.
function describe(sock) {
  const out = {};
  try {
    out.cipher = sock.getCipher().name;
    const eph = sock.getEphemeralKeyInfo();
    if (eph && eph.name) out.kx = `${eph.name}${eph.size ? ` (${eph.size} bits)` : ''}`;
  } catch {
    // optional information
  }
  return out;
}

// The handshake storm shared by full and resumed handshakes and the flood:
// keeps p.concurrency connections in flight; each connects, waits for
// 'secureConnect' and destroys the socket, and a new one starts. No
// connection starts after `deadline`, and only handshakes completed by then
// count. Returns { mark(), stop(elapsedMs?) }: mark() restarts the counts
// (after a warm-up), stop() ends the storm and returns the counts (or throws
// if none completed or more than 1 % failed). A fatal error (wrong protocol,
// ERR_UVTLS_NOT_IMPLEMENTED, connect() throwing) ends it and calls onFatal.
function startStorm(tls, p, makeOpts, { deadline = Infinity, onFatal }) {
  const inflight = new Set();
  let t0 = now();
  let completed = 0;
  let resumed = 0;
  let errors = 0;
  let firstError = null;
  let stopped = false;
  let checked = false;
  let negotiated = {};

  const halt = () => {
    stopped = true;
    for (const s of inflight) s.destroy();
  };
  const fatal = (err) => {
    if (stopped) return;
    halt();
    onFatal(err);
  };

  const launch = () => {
    if (stopped || now() >= deadline) return;
    let sock;
    try {
      sock = tls.connect(makeOpts());
    } catch (err) {
      return fatal(err);
    }
    inflight.add(sock);
    let next = false;
    const again = () => {
      inflight.delete(sock);
      if (!next) {
        next = true;
        launch();
      }
    };
    sock.once('secureConnect', () => {
      if (!stopped && now() <= deadline) {
        completed++;
        if (sock.isSessionReused()) resumed++;
      }
      if (!checked) {
        checked = true;
        try {
          expectProtocol(sock, p);
        } catch (err) {
          return fatal(err);
        }
        negotiated = describe(sock);
      }
      sock.destroy();
      again();
    });
    sock.on('error', (err) => {
      if (stopped) return;
      errors++;
      if (!firstError) firstError = err;
      if (err.code === 'ERR_UVTLS_NOT_IMPLEMENTED') return fatal(err);
      again();
    });
    sock.once('close', again);
  };

  for (let i = 0; i < p.concurrency; i++) launch();

  return {
    mark() {
      t0 = now();
      completed = resumed = errors = 0;
    },
    stop(elapsedMs = now() - t0) {
      halt();
      if (completed === 0) throw firstError || new Error('no handshake completed');
      if (errors > Math.max(5, completed * 0.01)) {
        const e = new Error(`${errors} connection errors (${completed} handshakes); ` +
                            `first: ${firstError && firstError.message}`);
        e.code = firstError && firstError.code;
        throw e;
      }
      return { completed, resumed, errors, elapsedMs, ...negotiated };
    },
  };
}

// A storm for a fixed time; resolves with its counts.
function storm(tls, p, makeOpts, durationMs = p.durationMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(s.stop(durationMs));
      } catch (err) {
        reject(err);
      }
    }, durationMs);
    const s = startStorm(tls, p, makeOpts, {
      deadline: now() + durationMs,
      onFatal: (err) => {
        clearTimeout(timer);
        reject(err);
      },
    });
  });
}

async function handshakeServer(tls, p, env) {
  const server = tls.createServer(serverOptions(p, env), (sock) => {
    // Clients destroy right after the handshake: resets are expected.
    sock.on('error', noop);
  });
  server.on('tlsClientError', noop);
  return { port: await listen(server) };
}

function handshakeMetrics(what) {
  return (c, s) => {
    const perSec = c.completed / (c.elapsedMs / 1e3);
    const info = { cipher: c.cipher, kx: c.kx, completed: c.completed, resumed: c.resumed,
                   errors: c.errors };
    if (what === 'resumed') {
      const frac = c.resumed / c.completed;
      if (frac < 0.9) {
        throw new Error(`only ${c.resumed} of ${c.completed} handshakes were resumptions`);
      }
      info.resumedFraction = Number(frac.toFixed(4));
    }
    return {
      metrics: [
        { key: 'hs_per_s', label: `${what} handshakes`, unit: '/s', better: 'higher',
          value: perSec },
        { key: 'server_cpu_ms_per_hs', label: 'server CPU', unit: 'ms/handshake',
          better: 'lower', value: s.cpuUs / 1e3 / c.completed },
        { key: 'client_cpu_ms_per_hs', label: 'client CPU', unit: 'ms/handshake',
          better: 'lower', value: c.cpuUs / 1e3 / c.completed },
      ],
      info,
    };
  };
}

const handshake = {
  name: 'handshake',
  description: 'full handshakes per second, 50 in flight, RSA-2048 / ECDSA P-256',
  variants: (cfg) => {
    const out = [];
    for (const tls of ['TLSv1.3', 'TLSv1.2']) {
      for (const key of ['rsa', 'ecdsa']) {
        const keyName = key === 'rsa' ? 'rsa2048' : 'ecdsa-p256';
        out.push({
          id: `handshake/${keyName}-${tls === 'TLSv1.3' ? 'tls1.3' : 'tls1.2'}`,
          title: `full handshake ${key === 'rsa' ? 'RSA-2048' : 'ECDSA P-256'} ${tls}`,
          tls, key, concurrency: 50, durationMs: cfg.durationMs,
        });
      }
    }
    return out;
  },
  server: handshakeServer,
  async prepare(tls, p, env, port) {
    const base = clientOptions(tls, p, env, port);
    await storm(tls, p, () => ({ ...base }), warmupMs(p));
  },
  async client(tls, p, env, port) {
    const base = clientOptions(tls, p, env, port);
    return storm(tls, p, () => ({ ...base }));
  },
  metrics: handshakeMetrics('full'),
};

const resume = {
  name: 'resume',
  description: 'resumed handshakes per second (session option), 50 in flight',
  variants: (cfg) => ['TLSv1.3', 'TLSv1.2'].map((tls) => ({
    id: `resume/${tls === 'TLSv1.3' ? 'tls1.3' : 'tls1.2'}`,
    title: `resumed handshake ${tls} (${tls === 'TLSv1.3' ? 'ticket' : 'session ticket'})`,
    tls, key: 'rsa', concurrency: 50, durationMs: cfg.durationMs,
  })),
  server: handshakeServer,

  // One full handshake to obtain a session ('session' event), then warm-up.
  async prepare(tls, p, env, port) {
    const session = await new Promise((resolve, reject) => {
      const sock = tls.connect(clientOptions(tls, p, env, port));
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error("no 'session' event within 2 s"));
      }, 2000);
      sock.once('session', (sess) => {
        clearTimeout(timer);
        sock.end();
        resolve(sess);
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sock.resume();
    });
    if (!Buffer.isBuffer(session) || session.length === 0) {
      throw new Error("'session' event did not deliver a session Buffer");
    }
    const base = clientOptions(tls, p, env, port, { session });
    await storm(tls, p, () => ({ ...base }), warmupMs(p));
    return { session };
  },

  async client(tls, p, env, port, st) {
    const base = clientOptions(tls, p, env, port, { session: st.session });
    return storm(tls, p, () => ({ ...base }));
  },
  metrics: handshakeMetrics('resumed'),
};

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
// 5. idle connections: open N connections, measure the RSS growth of each
// process (after GC) per connection.

const idle = {
  name: 'idle',
  description: '2000 open idle connections, RSS per connection in server and client',
  variants: (cfg) => [{
    id: 'idle/tls1.3', title: `idle ${cfg.idleConnections} conns TLSv1.3 ECDSA`,
    tls: 'TLSv1.3', key: 'ecdsa', connections: cfg.idleConnections, concurrency: 100,
  }],

  async server(tls, p, env) {
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

// The HTTP scenarios (https, http2 servers and https clients) are in http.js.
module.exports = {
  scenarios: [bulk, handshake, resume, echo, idle, flood, wrap, ...require('./http').scenarios],
};
