'use strict';
// Shared by the framework specs (test/frameworks*.test.js): the https
// modules under test, servers and agents torn down after each test, one
// request read whole, and programs run in a child process with uvtls and
// the libraries installed beside them (for the uvtls/register switch).

const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const { promisify } = require('util');
const h = require('../helpers');

const root = path.join(__dirname, '..', '..');
const execFile = promisify(childProcess.execFile);
const builtinMode = process.env.UVTLS_TEST_IMPL === 'builtin';

const builtinHttps = require('https');
// With UVTLS_TEST_IMPL=builtin the built-in stands in for uvtls, as in
// helpers.js (the sanity check of the specs themselves).
const uvHttps = builtinMode ? builtinHttps : require('../../lib/https');

// uvtls/http2 is loaded when a test needs it, so that its absence fails
// those tests only.
function uvHttp2() {
  return builtinMode ? require('http2') : require('../../lib/http2');
}

// Whether a socket is a uvtls one. `instanceof uvtls.TLSSocket` holds for
// Node's own TLS sockets too (so that libraries checking `instanceof
// tls.TLSSocket` under the switch accept them), so the ordinary prototype
// check is used. An http2 session's socket made over uvtls is Node's
// wrapper of it (a native stream, not a built-in TLSSocket): `encrypted`,
// yet not Node's TLS socket.
const builtinTls = require('tls');
const ordinaryInstance = (Class, value) => Function.prototype[Symbol.hasInstance].call(Class, value);
function isUvtls(sock) {
  return !builtinMode && ordinaryInstance(h.uvtls.TLSSocket, sock) && !ordinaryInstance(builtinTls.TLSSocket, sock);
}
function isUvtlsSessionSocket(sock) {
  return !builtinMode && sock != null && sock.encrypted === true && !ordinaryInstance(builtinTls.TLSSocket, sock);
}

// ---------------------------------------------------------------------------
// Servers and agents

const agents = new Set();
function trackAgent(agent) {
  agents.add(agent);
  return agent;
}

// Run by cleanup() before anything else is torn down (a WebSocket server,
// a socket.io client).
const deferred = [];
function defer(fn) {
  deferred.push(fn);
}

async function cleanup() {
  // Each bounded: a server whose close() waits on a stuck connection is
  // left to h.cleanup(), which destroys the connections.
  for (const fn of deferred.splice(0)) {
    let timer;
    try {
      await Promise.race([fn(), new Promise((resolve) => { timer = setTimeout(resolve, 2000); })]);
    } catch {}
    clearTimeout(timer);
  }
  for (const agent of agents) agent.destroy();
  agents.clear();
  await h.cleanup();
}

// Listens on 127.0.0.1 port 0; resolves with the port. The server (and
// every connection it accepted) is closed by cleanup().
function listen(server) {
  h.trackServer(server);
  // http2 servers: their sessions too (session.socket refuses destroy()).
  server.on('session', (session) => {
    defer(() => { if (!session.destroyed) session.destroy(); });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, h.HOST, () => {
      server.removeListener('error', reject);
      resolve(server.address().port);
    });
  });
}

// One request through `mod` (node:https or uvtls/https), read whole.
// Resolves { status, headers, body (Buffer), reusedSocket, socket }.
function request(mod, options, body) {
  return h.withTimeout(new Promise((resolve, reject) => {
    const req = mod.request({
      host: h.HOST, ca: h.fx.ca, servername: 'localhost', ...options,
    }, (res) => {
      const socket = res.socket;
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.once('error', reject);
      res.once('end', () => resolve({
        status: res.statusCode,
        headers: res.headers,
        body: Buffer.concat(chunks),
        reusedSocket: req.reusedSocket,
        socket,
      }));
    });
    req.once('error', reject);
    req.end(body);
  }), 10000, `${options.method || 'GET'} ${options.path || '/'}`);
}

// The headers of a response that do not depend on the moment or the
// connection.
function stableHeaders(headers, drop = []) {
  const out = { ...headers };
  for (const name of ['date', 'x-peer-port', ...drop]) delete out[name];
  return out;
}

// The parts of a peer certificate object that identify it.
function certSummary(cert) {
  if (!cert || !cert.raw) return cert && Object.keys(cert).length === 0 ? {} : cert;
  return {
    subject: { ...cert.subject },
    issuer: { ...cert.issuer },
    subjectaltname: cert.subjectaltname,
    serialNumber: cert.serialNumber,
    valid_from: cert.valid_from,
    valid_to: cert.valid_to,
    fingerprint256: cert.fingerprint256,
    raw: h.sha256(cert.raw),
  };
}

// ---------------------------------------------------------------------------
// Programs in a child process

// A program directory as a user would have it: uvtls and the named
// packages in its node_modules (symbolic links to this checkout's).
function programDir(packages, files = {}) {
  const dir = h.tmpDir('uvtls-frameworks-');
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  fs.symlinkSync(root, path.join(modules, 'uvtls'));
  for (const name of packages) {
    const target = path.join(modules, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', name), target);
  }
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

// Runs `node ...args file ...argv` in dir; resolves with the one line of
// JSON it prints. An exit other than 0 rejects with its output.
async function runProgram(dir, args, file, argv = [], env = {}) {
  let result;
  try {
    result = await execFile(process.execPath, [...args, file, ...argv.map(String)], {
      cwd: dir, encoding: 'utf8', timeout: 20000, env: { ...process.env, ...env },
    });
  } catch (err) {
    err.message += `\nstdout:\n${err.stdout}\nstderr:\n${err.stderr}`;
    throw err;
  }
  const lines = result.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    throw new Error(`no JSON from ${file}:\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

// Inside a child program: what shows which TLS carried its connections.
// Every uvtls socket emits 'secure' once its handshake is done (client and
// server side, before the client checks the certificate); the program
// records them from uvtls.TLSSocket's prototype, so it sees sockets
// whoever created them. Node's TLS sockets sit on a net.Socket, whose TCP
// handle is a TCPWRAP async resource (TCPCONNECTWRAP while connecting);
// a uvtls socket has its TCP handle in C (its async resource is named
// TLSWRAP, as Node's TLS handle is, so that name proves nothing).
// The errors uvtls sockets emit are recorded too (the TLS layer's
// '_tlsError' and 'error'). Defines `uvtlsSockets()`, `uvtlsErrors()` and
// `nodeTcpWraps()`.
const PROBE = `
const probeSockets = [];
const probeErrors = [];
{
  const TLSSocket = require('uvtls').TLSSocket;
  const emit = TLSSocket.prototype.emit;
  TLSSocket.prototype.emit = function (name, ...args) {
    const server = Boolean(this._tlsOptions && this._tlsOptions.isServer);
    if (name === 'secure') {
      probeSockets.push({ server, localPort: this.localPort, remotePort: this.remotePort });
    } else if (name === '_tlsError' || name === 'error') {
      probeErrors.push({ server, event: name, code: args[0] && args[0].code });
    }
    return emit.call(this, name, ...args);
  };
}
const probeWraps = new Set();
require('async_hooks').createHook({
  init(id, type) { if (type === 'TCPWRAP' || type === 'TCPCONNECTWRAP') probeWraps.add(type); },
}).enable();
const uvtlsSockets = () => probeSockets;
const uvtlsErrors = () => probeErrors;
const nodeTcpWraps = () => [...probeWraps].sort();
`;
// The same for an ES module program.
const PROBE_ESM = `import { createRequire as probeCreateRequire } from 'node:module';
const require = probeCreateRequire(import.meta.url);
${PROBE}`;

module.exports = {
  builtinMode,
  builtinHttps,
  uvHttps,
  uvHttp2,
  isUvtls,
  isUvtlsSessionSocket,
  trackAgent,
  defer,
  cleanup,
  listen,
  request,
  stableHeaders,
  certSummary,
  programDir,
  runProgram,
  PROBE,
  PROBE_ESM,
};
