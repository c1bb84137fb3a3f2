'use strict';
// Helpers shared by the TLS scenarios (bulk.js, handshake.js, echo.js,
// idle.js, file.js): options for both ends, listen/connect, timing.

const certs = require('../lib/certs');

const HOST = '127.0.0.1';
const KiB = 1024;
const MiB = 1024 * KiB;

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const noop = () => {};

// 'TLSv1.3' -> 'tls1.3', as in the variant ids.
const tlsId = (v) => (v === 'TLSv1.3' ? 'tls1.3' : 'tls1.2');

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
// createSecureContext() and passed as secureContext (one per key type and
// version, kept per module: one implementation's context is no use to the
// other's connect()).
const contexts = new WeakMap(); // tls module -> Map
function clientOptions(tls, p, env, port, extra) {
  const kind = p.key || 'rsa';
  const { ca } = certs.load(env.certDir, kind);
  const base = { host: HOST, port, servername: 'localhost', ...versions(p.tls) };
  if (env.clientContext === 'per-connection') return { ...base, ca, ...extra };
  if (!contexts.has(tls)) contexts.set(tls, new Map());
  const mine = contexts.get(tls);
  const id = `${kind} ${p.tls}`;
  if (!mine.has(id)) mine.set(id, tls.createSecureContext({ ca, ...versions(p.tls) }));
  return { ...base, secureContext: mine.get(id), ...extra };
}

// Counts the bytes a receiving socket gets into st.bytes, and the time from
// the first byte to 'end' into st.elapsedMs (st.ended once it ended).
function countArrivals(sock, st) {
  let t0 = 0;
  sock.on('data', (d) => {
    if (t0 === 0) t0 = now();
    st.bytes += d.length;
  });
  sock.on('end', () => {
    st.elapsedMs = now() - t0;
    st.ended = true;
  });
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
// A buffer larger than the socket's highWaterMark (16 MiB, say) makes every
// write() return false: one buffer per 'drain', and the deadline and the
// cap are checked before each. The last buffer may take `sent` past the cap.
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

module.exports = {
  HOST, KiB, MiB, now, sleep, noop, tlsId, versions, serverOptions, clientOptions, listen,
  expectProtocol, connect, closed, gcRss, warmupMs, pump, describe, countArrivals,
};
