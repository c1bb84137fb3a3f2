'use strict';

// Shared helpers for the uvtls test suite.
//
// Every test is written against the public `tls` API. `uvtls` is the
// implementation under test; `builtin` is Node's own `tls`, used as the peer
// and as the reference. With UVTLS_TEST_IMPL=builtin the built-in stands in
// for uvtls, which is the sanity check of the suite itself.

const assert = require('assert');
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const builtin = require('tls');
const uvtls = process.env.UVTLS_TEST_IMPL === 'builtin' ? require('tls') : require('..');

const FIXTURES = path.join(__dirname, 'fixtures');
const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------
// Fixtures

const fixtureCache = new Map();
function fixture(name) {
  if (!fixtureCache.has(name)) {
    fixtureCache.set(name, fs.readFileSync(path.join(FIXTURES, name)));
  }
  return fixtureCache.get(name);
}
function fixturePath(name) {
  return path.join(FIXTURES, name);
}

// Lazily loaded Buffers, e.g. fx.ca, fx.serverKey.
const FIXTURE_FILES = {
  ca: 'ca.pem',
  caKey: 'ca.key',
  serverKey: 'server.key',
  serverCert: 'server.pem',
  ecKey: 'server-ec.key',
  ecCert: 'server-ec.pem',
  encryptedKey: 'server-encrypted.key',
  intermediateCert: 'intermediate.pem',
  leafKey: 'leaf.key',
  leafCert: 'leaf.pem',
  leafChain: 'leaf-chain.pem',
  wrongKey: 'wrong.key',
  wrongCert: 'wrong.pem',
  selfKey: 'selfsigned.key',
  selfCert: 'selfsigned.pem',
  expiredKey: 'expired.key',
  expiredCert: 'expired.pem',
  clientKey: 'client.key',
  clientCert: 'client.pem',
  otherCa: 'other-ca.pem',
  otherKey: 'other-server.key',
  otherCert: 'other-server.pem',
};
const fx = {};
for (const [prop, file] of Object.entries(FIXTURE_FILES)) {
  Object.defineProperty(fx, prop, { enumerable: true, get: () => fixture(file) });
}

// Server key/cert pairs by name.
function serverCreds(kind = 'rsa') {
  switch (kind) {
    case 'rsa': return { key: fx.serverKey, cert: fx.serverCert };
    case 'ec': return { key: fx.ecKey, cert: fx.ecCert };
    case 'chain': return { key: fx.leafKey, cert: fx.leafChain };
    case 'leaf-only': return { key: fx.leafKey, cert: fx.leafCert };
    case 'wrong': return { key: fx.wrongKey, cert: fx.wrongCert };
    case 'self': return { key: fx.selfKey, cert: fx.selfCert };
    case 'expired': return { key: fx.expiredKey, cert: fx.expiredCert };
    case 'other': return { key: fx.otherKey, cert: fx.otherCert };
    case 'encrypted': return { key: fx.encryptedKey, passphrase: 'secret', cert: fx.serverCert };
    default: throw new Error(`unknown server credentials ${kind}`);
  }
}

// The directions every behaviour is tested in: [label, clientImpl, serverImpl].
const DIRECTIONS = [
  ['uvtls client -> builtin server', uvtls, builtin],
  ['builtin client -> uvtls server', builtin, uvtls],
  ['uvtls client -> uvtls server', uvtls, uvtls],
];

// ---------------------------------------------------------------------------
// Resource tracking: everything created through these helpers is torn down
// by cleanup(), which every describe() calls in afterEach.

const live = {
  servers: new Set(),
  sockets: new Set(),
  children: new Set(),
  dirs: new Set(),
  timers: new Set(),
};

function trackSocket(sock) {
  if (!sock || live.sockets.has(sock)) return sock;
  live.sockets.add(sock);
  sock.once('close', () => live.sockets.delete(sock));
  return sock;
}

function trackServer(server) {
  live.servers.add(server);
  server.on('connection', trackSocket);
  server.on('secureConnection', trackSocket);
  server.once('close', () => live.servers.delete(server));
  return server;
}

function trackChild(child) {
  live.children.add(child);
  child.once('exit', () => live.children.delete(child));
  return child;
}

function tmpDir(prefix = 'uvtls-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  live.dirs.add(dir);
  return dir;
}

function delay(ms) {
  return new Promise((resolve) => {
    const t = setTimeout(() => { live.timers.delete(t); resolve(); }, ms);
    live.timers.add(t);
  });
}

async function cleanup() {
  for (const t of live.timers) clearTimeout(t);
  live.timers.clear();
  for (const s of live.sockets) s.destroy();
  live.sockets.clear();
  const waits = [];
  for (const child of live.children) {
    if (child.exitCode === null && child.signalCode === null) {
      waits.push(new Promise((resolve) => {
        const t = setTimeout(resolve, 2000);
        child.once('exit', () => { clearTimeout(t); resolve(); });
      }));
      child.kill('SIGKILL');
    }
  }
  for (const server of live.servers) {
    if (server.listening) {
      waits.push(new Promise((resolve) => {
        const t = setTimeout(resolve, 2000);
        server.close(() => { clearTimeout(t); resolve(); });
      }));
    }
  }
  live.servers.clear();
  await Promise.all(waits);
  live.children.clear();
  for (const dir of live.dirs) fs.rmSync(dir, { recursive: true, force: true });
  live.dirs.clear();
}

// ---------------------------------------------------------------------------
// Events and timeouts

// Resolves with the event's arguments (an array); rejects on 'error' (unless
// the awaited event is 'error') or after ms.
function waitEvent(emitter, event, ms = 10000) {
  return new Promise((resolve, reject) => {
    const onEvent = (...args) => { done(); resolve(args); };
    const onError = (err) => { done(); reject(err); };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${ms} ms waiting for '${event}'`));
    }, ms);
    function done() {
      clearTimeout(timer);
      emitter.removeListener(event, onEvent);
      if (event !== 'error') emitter.removeListener('error', onError);
    }
    emitter.once(event, onEvent);
    if (event !== 'error') emitter.once('error', onError);
  });
}

// Rejects if the promise does not settle within ms.
function withTimeout(promise, ms, what = 'operation') {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Records every event of interest on a socket, and resolves `closed` when
// 'close' fires: { events: [...names], error: Error|null, hadError }.
function watch(sock) {
  const rec = { events: [], error: null, hadError: undefined, closed: null };
  rec.closed = new Promise((resolve) => {
    sock.on('error', (err) => { rec.events.push('error'); if (!rec.error) rec.error = err; });
    sock.on('end', () => rec.events.push('end'));
    sock.on('finish', () => rec.events.push('finish'));
    sock.once('close', (hadError) => {
      rec.events.push('close');
      rec.hadError = hadError;
      resolve(rec);
    });
  });
  return rec;
}

// ---------------------------------------------------------------------------
// Servers and clients

// Starts `impl.createServer(options, onSecureConnection)` listening on
// 127.0.0.1 port 0 (or on `where`: a unix socket path, or { host, port }).
// Resolves with the server once it is listening. The server and its
// connections are closed by cleanup().
function startServer(impl, options = {}, onSecureConnection, where) {
  const server = impl.createServer(options, onSecureConnection);
  trackServer(server);
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    server.once('error', onError);
    const onListening = () => { server.removeListener('error', onError); resolve(server); };
    if (typeof where === 'string') server.listen(where, onListening);
    else if (where) server.listen(where.port || 0, where.host || HOST, onListening);
    else server.listen(0, HOST, onListening);
  });
}

// Connects `impl` to `server` (or a port number), trusting the test CA.
// Resolves with the socket on 'secureConnect'; rejects with the socket's
// error. Extra options override the defaults.
function connect(impl, server, options = {}) {
  const port = typeof server === 'number' ? server : server.address().port;
  const sock = impl.connect({
    host: HOST, port, ca: fx.ca, servername: 'localhost', ...options,
  });
  trackSocket(sock);
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.once('secureConnect', () => { sock.removeListener('error', reject); resolve(sock); });
  });
}

// Connects and waits for both ends: resolves { client, server: serverSocket }.
async function connectPair(impl, server, options = {}) {
  const serverSide = waitEvent(server, 'secureConnection');
  const client = await connect(impl, server, options);
  const [serverSocket] = await serverSide;
  return { client, serverSocket };
}

// Resolves with server.getConnections()'s count.
function connectionCount(server) {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

// Polls until the server has `n` connections (default 0); rejects after ms.
async function waitForConnections(server, n = 0, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const count = await connectionCount(server);
    if (count === n) return;
    if (Date.now() > deadline) throw new Error(`server has ${count} connections, waited ${ms} ms for ${n}`);
    await delay(10);
  }
}

// Resolves with all the data a stream emits until 'end' (Buffer, or string if
// an encoding is set). Rejects on 'error' or after ms.
function collect(stream, ms = 20000) {
  return withTimeout(new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (d) => chunks.push(d));
    stream.once('end', () => {
      resolve(chunks.length && typeof chunks[0] === 'string' ? chunks.join('') : Buffer.concat(chunks));
    });
    stream.once('error', reject);
  }), ms, 'collect');
}

// Resolves once `n` bytes arrived on the stream (Buffer of exactly what was
// read so far, possibly more than n).
function readBytes(stream, n, ms = 10000) {
  return withTimeout(new Promise((resolve, reject) => {
    const chunks = [];
    let len = 0;
    const onData = (d) => {
      chunks.push(d);
      len += d.length;
      if (len >= n) { finish(); resolve(Buffer.concat(chunks)); }
    };
    const onEnd = () => { finish(); reject(new Error(`stream ended after ${len} of ${n} bytes`)); };
    const onError = (err) => { finish(); reject(err); };
    function finish() {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    }
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  }), ms, `reading ${n} bytes`);
}

// ---------------------------------------------------------------------------
// Hashing and bulk data

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

// Writes `total` bytes of pseudo-random data in `chunkSize` writes, honouring
// backpressure (write() returning false -> wait for 'drain'). Each chunk
// carries its index, so reordering or duplication changes the hash. Resolves
// { hash, bytes, writes, drains } once everything was handed to the stream
// (and, if `end` is true, end() was called).
function sendData(stream, total, { chunkSize = 64 * 1024, end = true } = {}) {
  const base = crypto.randomBytes(chunkSize);
  const hash = crypto.createHash('sha256');
  let sent = 0;
  let writes = 0;
  let drains = 0;
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    stream.once('error', onError);
    function pump() {
      while (sent < total) {
        const n = Math.min(chunkSize, total - sent);
        const buf = Buffer.from(base.subarray(0, n));
        if (n >= 8) buf.writeDoubleBE(writes, 0);
        hash.update(buf);
        sent += n;
        writes++;
        if (!stream.write(buf)) {
          drains++;
          stream.once('drain', pump);
          return;
        }
      }
      stream.removeListener('error', onError);
      if (end) stream.end();
      resolve({ hash: hash.digest('hex'), bytes: sent, writes, drains });
    }
    pump();
  });
}

// Hashes everything a stream emits until 'end'. Resolves { hash, bytes }.
function receiveData(stream, ms = 60000) {
  return withTimeout(new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    stream.on('data', (d) => { hash.update(d); bytes += d.length; });
    stream.once('end', () => resolve({ hash: hash.digest('hex'), bytes }));
    stream.once('error', reject);
  }), ms, 'receiveData');
}

// ---------------------------------------------------------------------------
// The openssl command line

const OPENSSL = process.env.OPENSSL_BIN || 'openssl';
let opensslAvailable;
// Skips (or, with UVTLS_REQUIRE_SERVICES=1, fails) the calling spec's
// describe() when the openssl command cannot be run.
function needOpenssl(context) {
  needService(context, OPENSSL, 'openssl', ['version']);
}

function hasOpenssl() {
  if (opensslAvailable === undefined) {
    const r = childProcess.spawnSync(OPENSSL, ['version'], { encoding: 'utf8', timeout: 5000 });
    opensslAvailable = r.status === 0;
  }
  return opensslAvailable;
}

// Spawns `openssl ...args` and records its output. Returns the child with
// extra fields: out() / err() (text so far), stdoutBuffer(),
// waitFor(stream, regex, ms), exited (a promise of { code, signal }, settled
// once it exited and its output was all read). Killed by cleanup() and, whatever
// happens, after `killAfterMs`.
function spawnOpenssl(args, { killAfterMs = 20000, cwd = FIXTURES } = {}) {
  const child = childProcess.spawn(OPENSSL, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  const bufs = { stdout: [], stderr: [] };
  const waiters = [];
  const text = (which) => Buffer.concat(bufs[which]).toString('latin1');
  const check = () => {
    for (const w of waiters.slice()) {
      const m = w.regex.exec(text(w.which));
      if (m) { waiters.splice(waiters.indexOf(w), 1); w.finish(); w.resolve(m); }
    }
  };
  child.stdout.on('data', (d) => { bufs.stdout.push(d); check(); });
  child.stderr.on('data', (d) => { bufs.stderr.push(d); check(); });
  child.stdin.on('error', () => {}); // EPIPE if it exits first
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  child.once('exit', () => clearTimeout(killer));
  // 'close': exited and all its output has been read.
  child.exited = new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  child.once('close', () => {
    for (const w of waiters.splice(0)) {
      w.finish();
      w.reject(new Error(`openssl exited before /${w.regex.source}/ on ${w.which}:\n` +
        `stdout: ${text('stdout')}\nstderr: ${text('stderr')}`));
    }
  });
  child.stdoutBuffer = () => Buffer.concat(bufs.stdout);
  child.out = () => text('stdout');
  child.err = () => text('stderr');
  child.waitFor = (which, regex, ms = 10000) => new Promise((resolve, reject) => {
    const w = { which, regex, resolve, reject };
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(w), 1);
      reject(new Error(`timed out after ${ms} ms waiting for /${regex.source}/ on ${which}:\n` +
        `stdout: ${text('stdout')}\nstderr: ${text('stderr')}`));
    }, ms);
    w.finish = () => clearTimeout(timer);
    waiters.push(w);
    check();
  });
  return child;
}

// `openssl s_server` on 127.0.0.1, an OS-chosen port. Resolves with the child
// once it accepts connections; child.port is the port.
async function opensslServer(args = [], opts = {}) {
  const child = spawnOpenssl(['s_server', '-accept', `${HOST}:0`, ...args], opts);
  const m = await child.waitFor('stdout', /ACCEPT .*:(\d+)\r?\n/);
  child.port = Number(m[1]);
  return child;
}

// `openssl s_client -brief` to 127.0.0.1:port. Resolves with the child once
// the handshake is done (it prints CONNECTION ESTABLISHED on stderr); rejects
// if it exits first.
async function opensslClient(port, args = [], opts = {}) {
  const child = spawnOpenssl(['s_client', '-connect', `${HOST}:${port}`, '-brief', ...args], opts);
  await child.waitFor('stderr', /CONNECTION ESTABLISHED/);
  return child;
}

// ---------------------------------------------------------------------------
// Misc

// The error fields two implementations must agree on.
function errorShape(err) {
  if (!err) return null;
  return { code: err.code, message: err.message };
}

// The ClientHello a client of `impl` sends (the first bytes it writes).
function captureClientHello(impl = builtin, options = {}) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((c) => {
      c.once('data', (d) => {
        resolve(d);
        c.destroy();
        server.close();
      });
    });
    trackServer(server);
    server.listen(0, HOST, () => {
      const sock = impl.connect({ host: HOST, port: server.address().port, servername: 'localhost', ...options });
      trackSocket(sock);
      sock.on('error', () => {});
    });
    server.on('error', reject);
  });
}

// ---------------------------------------------------------------------------
// System services. A spec that needs a program of the system (a server to
// talk to) calls needService() in its before() hook: when the program cannot
// be run, the spec is skipped, saying which Debian package provides it,
// unless UVTLS_REQUIRE_SERVICES=1 (CI sets it), which makes it a failure.

function needService(context, command, debianPackage, args = ['--version']) {
  const probe = childProcess.spawnSync(command, args, { encoding: 'utf8', timeout: 5000 });
  if (!probe.error && probe.status === 0) return;
  const why = probe.error ? probe.error.code : `exit ${probe.status}`;
  const message = `${command} is needed by these specs and could not be run (${why}): ` +
    `install Debian's ${debianPackage} package (apt-get install ${debianPackage})`;
  if (process.env.UVTLS_REQUIRE_SERVICES === '1') {
    throw new Error(`${message}; UVTLS_REQUIRE_SERVICES=1 makes that a failure`);
  }
  console.log(`      (skipped: ${message}; UVTLS_REQUIRE_SERVICES=1 makes it a failure)`);
  context.skip();
}

// ---------------------------------------------------------------------------
// OpenSSL error codes. Node makes ERR_SSL_* codes from OpenSSL's reason
// strings, and OpenSSL releases reword some of them (3.2 calls the alerts
// of SSL 3 and TLS "ssl/tls alert ..." where 3.0 says "sslv3 alert ...").
// Tests compare uvtls with the built-in; where they also check what the
// built-in itself reported, they check its meaning, not one release's words.

// Whether `code` reports the peer's TLS alert `alert` (OpenSSL's upper-case
// name, e.g. 'HANDSHAKE_FAILURE'), in any OpenSSL release's spelling.
function isAlertCode(code, alert) {
  return typeof code === 'string' && new RegExp(`^ERR_SSL_[A-Z0-9/_]*ALERT_${alert}$`).test(code);
}

function assertAlertCode(code, alert, what = 'code') {
  assert.ok(isAlertCode(code, alert), `${what} ${code} reports a ${alert} alert`);
}

module.exports = {
  assert,
  needService,
  isAlertCode,
  assertAlertCode,
  uvtls,
  builtin,
  HOST,
  FIXTURES,
  fixture,
  fixturePath,
  fx,
  serverCreds,
  DIRECTIONS,
  trackSocket,
  trackServer,
  trackChild,
  tmpDir,
  delay,
  cleanup,
  waitEvent,
  withTimeout,
  watch,
  startServer,
  connect,
  connectPair,
  connectionCount,
  waitForConnections,
  collect,
  readBytes,
  sha256,
  sendData,
  receiveData,
  hasOpenssl,
  needOpenssl,
  spawnOpenssl,
  opensslServer,
  opensslClient,
  errorShape,
  captureClientHello,
};
