'use strict';
// The ceiling measurement (UVTLS_BENCH_IMPL=plain): the part of the `tls`,
// `https` and `http2` API that the scenarios use, on node:net, node:http and
// node:http2 (h2c, prior knowledge) without any TLS. worker.js hands these
// to the scenarios in place of uvtls, so a scenario runs the same workload
// (requests, sizes, concurrency, connections) over plain TCP and run.js
// prints plain ÷ built-in: what any TLS implementation could give at most
// if its TLS cost nothing.
//
// What the TLS path does besides the TLS is kept: the listener runs on
// 'secureConnection' (emitted for every accepted connection), the client's
// 'secureConnect' is emitted at 'connect' (so a client waits for the TCP
// connection as it waits for the handshake), the scenarios' options are
// built as before (the TLS-only ones are dropped here), and the sockets are
// node:net's own. Only the TLS itself (handshake, certificate check,
// contexts, records, encryption) is left out.
//
// A socket answers the few TLS questions the scenarios ask:
//   getProtocol()       the version the options pinned (minVersion ===
//                       maxVersion), which is what the scenarios check, else
//                       'plain'; no TLS version is spoken
//   isSessionReused()   false: there are no sessions
//   getCipher(), getEphemeralKeyInfo() are absent: the scenarios read them
//                       as optional, and there is no cipher to report
// Scenarios whose subject is the handshake itself (full handshakes, session
// resumption, the handshake flood) have no meaning without TLS: worker.js
// fails them with ERR_BENCH_NOT_APPLICABLE (run.js prints n/a).

const net = require('net');
const http = require('http');
const http2 = require('http2');

// Scenario name -> why it is not applicable without TLS.
const NOT_APPLICABLE = {
  handshake: 'full TLS handshakes have no plain-TCP counterpart',
  resume: 'TLS session resumption has no plain-TCP counterpart',
  flood: 'a flood of TLS handshakes has no plain-TCP counterpart',
};

function notApplicable(scenarioName) {
  const why = NOT_APPLICABLE[scenarioName];
  if (!why) return null;
  const err = new Error(`UVTLS_BENCH_IMPL=plain: ${why}`);
  err.code = 'ERR_BENCH_NOT_APPLICABLE';
  return err;
}

// Options that only TLS reads (client or server side).
const TLS_ONLY = [
  'key', 'cert', 'ca', 'pfx', 'passphrase', 'crl', 'dhparam', 'ecdhCurve', 'ciphers',
  'sigalgs', 'honorCipherOrder', 'secureOptions', 'secureProtocol', 'secureContext',
  'minVersion', 'maxVersion', 'sessionIdContext', 'ticketKeys', 'sessionTimeout',
  'requestCert', 'rejectUnauthorized', 'servername', 'session', 'checkServerIdentity',
  'ALPNProtocols', 'SNICallback', 'enableTrace', 'handshakeTimeout', 'maxCachedSessions',
  'pskCallback', 'pskIdentityHint', 'minDHSize',
];

function withoutTls(options) {
  const out = { ...(options || {}) };
  for (const k of TLS_ONLY) delete out[k];
  return out;
}

function pinned(options) {
  const o = options || {};
  return o.minVersion && o.minVersion === o.maxVersion ? o.minVersion : 'plain';
}

// The TLS questions a socket (or a wrapped stream) answers; see the top.
function answer(sock, protocol) {
  sock.getProtocol = () => protocol;
  sock.isSessionReused = () => false;
  return sock;
}

// The (options, listener) of createServer() and connect(), either omitted.
function optionsAndListener(options, listener) {
  return typeof options === 'function' ? [{}, options] : [options || {}, listener];
}

// Makes `server` emit 'secureConnection' for every accepted connection, as
// a TLS server does after the handshake.
function emitSecureConnection(server, protocol) {
  server.on('connection', (sock) => server.emit('secureConnection', answer(sock, protocol)));
  return server;
}

// ---------------------------------------------------------------------------
// tls

const tls = {
  createServer(...args) {
    const [options, listener] = optionsAndListener(...args);
    const server = emitSecureConnection(net.createServer(withoutTls(options)),
                                        pinned(options));
    if (listener) server.on('secureConnection', listener);
    return server;
  },

  // tls.connect(options[, cb]): a net.Socket that emits 'secureConnect' at
  // 'connect'. With `socket` (a connected net.Socket or any Duplex), that
  // stream itself, emitting 'secureConnect' on the next tick.
  connect(options, cb) {
    const protocol = pinned(options);
    let sock;
    if (options.socket) {
      sock = answer(options.socket, protocol);
      process.nextTick(() => sock.emit('secureConnect'));
    } else {
      sock = answer(net.connect(withoutTls(options)), protocol);
      sock.once('connect', () => sock.emit('secureConnect'));
    }
    if (cb) sock.once('secureConnect', cb);
    return sock;
  },

  // --client-context shared: there is no context to make; connect()
  // ignores it.
  createSecureContext(options) {
    return { plain: true, options };
  },
};

// ---------------------------------------------------------------------------
// https: node:http's server, Agent and client.

const https = {
  createServer(...args) {
    const [options, listener] = optionsAndListener(...args);
    return emitSecureConnection(http.createServer(withoutTls(options), listener), 'plain');
  },
  Agent: class Agent extends http.Agent {
    constructor(options) {
      super(withoutTls(options));
    }
  },
  request: (...args) => http.request(...plainArgs(args)),
  get: (...args) => http.get(...plainArgs(args)),
};

// An https:// URL (string or URL) becomes http://; option objects lose
// their TLS options.
function plainUrl(u) {
  if (typeof u === 'string') return u.replace(/^https:/, 'http:');
  if (u instanceof URL) return new URL(u.href.replace(/^https:/, 'http:'));
  return u;
}

function plainArgs(args) {
  return args.map((a) => {
    if (typeof a === 'string' || a instanceof URL) return plainUrl(a);
    if (a && typeof a === 'object') {
      const o = withoutTls(a);
      if (o.protocol === 'https:') o.protocol = 'http:';
      return o;
    }
    return a;
  });
}

// ---------------------------------------------------------------------------
// http2: h2c (HTTP/2 over TCP with prior knowledge).

const h2 = {
  createSecureServer(...args) {
    const [options, listener] = optionsAndListener(...args);
    return emitSecureConnection(http2.createServer(withoutTls(options), listener), 'plain');
  },
  connect(authority, ...args) {
    const [options, listener] = optionsAndListener(...args);
    return http2.connect(plainUrl(authority), withoutTls(options), listener);
  },
  constants: http2.constants,
};

module.exports = { tls, https, http2: h2, notApplicable };
