'use strict';
// Shared by the SecurePair specs (test/legacy*.test.js): pairs made
// quietly (the deprecation warning is tested on its own), pairs carried over
// real loopback TCP sockets, and what a cleartext side emits.

const net = require('net');
const h = require('../helpers');

const { fx, uvtls, builtin } = h;
const CLIENTS = [['built-in tls.connect', builtin], ['uvtls tls.connect', uvtls]];

// The warning is printed once per process anyway; keep it off the test
// output (the deprecation itself is tested in child processes).
function quietly(fn) {
  const saved = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return fn();
  } finally {
    process.noDeprecation = saved;
  }
}

function createPair(impl, ...args) {
  const pair = quietly(() => impl.createSecurePair(...args));
  h.trackSocket(pair.cleartext);
  return pair;
}

function serverContext(impl, extra = {}) {
  return impl.createSecureContext({ ...h.serverCreds(), ca: fx.ca, ...extra });
}

// The fields two implementations' errors must agree on (messages carry
// OpenSSL's addresses, which differ).
function errorFields(err) {
  if (!err) return null;
  return { code: err.code, reason: err.reason, library: err.library };
}

// A plain net server: each accepted TCP socket carries the ciphertext of a
// server-side SecurePair of `pairImpl`, made by makeArgs(). Emits
// 'pair' (pair, socket).
async function startPairServer(pairImpl, makeArgs) {
  const server = net.createServer((socket) => {
    const pair = createPair(pairImpl, ...makeArgs());
    pair.encrypted.pipe(socket);
    socket.pipe(pair.encrypted);
    // A peer that resets: the pair goes with its socket.
    socket.on('error', () => {});
    socket.on('close', () => pair.destroy());
    server.emit('pair', pair, socket);
  });
  h.trackServer(server);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, h.HOST, resolve);
  });
  return server;
}

// A client-side SecurePair of `pairImpl` over a TCP connection to `port`.
async function connectPair(pairImpl, port, args) {
  const socket = net.connect(port, h.HOST);
  h.trackSocket(socket);
  socket.on('error', () => {});
  const pair = createPair(pairImpl, ...args);
  pair.encrypted.pipe(socket);
  socket.pipe(pair.encrypted);
  socket.on('close', () => pair.destroy());
  await h.waitEvent(socket, 'connect', 5000);
  return { pair, socket };
}

// Records what a cleartext side emits until 'close'.
function record(pair) {
  const rec = { secure: 0, errors: [], data: '', ended: false };
  pair.on('secure', () => rec.secure++);
  pair.cleartext.on('error', (err) => rec.errors.push(errorFields(err)));
  pair.cleartext.on('data', (d) => { rec.data += d; });
  pair.cleartext.on('end', () => { rec.ended = true; });
  rec.closed = h.withTimeout(new Promise((resolve) => pair.cleartext.once('close', resolve)),
                             10000, 'cleartext close');
  return rec;
}


module.exports = {
  CLIENTS, quietly, createPair, serverContext, errorFields, startPairServer, connectPair, record,
};
