'use strict';
// uvtls/http2: node:http2 with uvtls sockets under its TLS sessions. The
// HTTP/2 machinery (sessions, streams, the compatibility API, settings,
// HTTP/1 fallback) is Node's own; what uvtls adds is the TLS: a secure
// server that is a uvtls tls.Server, and clients whose connections uvtls
// makes. Node's HTTP/2 session consumes its socket natively, so a uvtls
// socket reaches it as a native stream (see native-stream.js).

const builtinHttp2 = require('node:http2');
const builtinTls = require('node:tls');
const tls = require('./tls');
const { asNativeStream } = require('./native-stream');

// Node's options for a secure server, once Node has validated and
// completed them: kept on the server under this symbol of Node's.
let kOptions;
let builtinServerKeys;

function ownKeysOfBuiltinTLSServer() {
  if (builtinServerKeys === undefined) {
    builtinServerKeys = new Set(Reflect.ownKeys(new builtinTls.Server()));
  }
  return builtinServerKeys;
}

// Node's Http2SecureServer, made with the same options and never listening:
// its constructor validates the options and completes them exactly as the
// running Node does, and holds the session machinery's listeners.
function builtinSecureServer(options) {
  const probe = builtinHttp2.createSecureServer(options);
  kOptions ??= Object.getOwnPropertySymbols(probe)
    .find((symbol) => symbol.description === 'options');
  return probe;
}

class Http2SecureServer extends tls.Server {
  constructor(options, requestListener) {
    const probe = builtinSecureServer(options);
    super(probe[kOptions]);
    // The HTTP/2 server's own state (its options, sessions, timeouts and,
    // with allowHTTP1, the HTTP/1 server's).
    const tlsKeys = ownKeysOfBuiltinTLSServer();
    for (const key of Reflect.ownKeys(probe)) {
      if (tlsKeys.has(key) || Object.prototype.hasOwnProperty.call(this, key)) continue;
      Object.defineProperty(this, key, Object.getOwnPropertyDescriptor(probe, key));
    }
    // Its listeners, but for the built-in TLS handshake on 'connection'.
    for (const event of probe.eventNames()) {
      if (event === 'connection') continue;
      for (const listener of probe.listeners(event)) {
        this.on(event, event === 'secureConnection' ? sessionListener(listener) : listener);
      }
    }
    if (typeof requestListener === 'function') this.on('request', requestListener);
  }
}

// setTimeout, updateSettings, close, closeIdleConnections: Node's.
const builtinPrototype = Object.getPrototypeOf(builtinHttp2.createSecureServer());
for (const key of Reflect.ownKeys(builtinPrototype)) {
  if (key === 'constructor') continue;
  Object.defineProperty(Http2SecureServer.prototype, key,
                        Object.getOwnPropertyDescriptor(builtinPrototype, key));
}

// A secure connection starts an HTTP/2 session over the TLS socket as a
// native stream; one that negotiated HTTP/1.1 (or no ALPN) keeps the TLS
// socket, for Node's HTTP/1 server or the 'unknownProtocol' event.
function sessionListener(connectionListener) {
  return function onSecureConnection(socket) {
    const alpn = socket.alpnProtocol;
    const http1 = alpn === false || alpn === 'http/1.1';
    return connectionListener.call(this, http1 ? socket : asNativeStream(socket));
  };
}

function createSecureServer(options, requestListener) {
  return new Http2SecureServer(options, requestListener);
}

function tlsConnect(...args) {
  return asNativeStream(tls.connect(...args));
}

// Node's connect(), whose TLS connection (made with `tls.connect`, looked
// up on the built-in module at the call) is uvtls's; an application's
// createConnection that returns a uvtls socket has it wrapped as well.
function connect(authority, options, listener) {
  if (typeof options === 'function') {
    listener = options;
    options = undefined;
  }
  if (options !== null && typeof options === 'object' &&
      typeof options.createConnection === 'function') {
    const createConnection = options.createConnection;
    options = {
      ...options,
      createConnection(...args) {
        return asNativeStream(Reflect.apply(createConnection, this, args));
      },
    };
  }
  const saved = builtinTls.connect;
  builtinTls.connect = tlsConnect;
  try {
    return builtinHttp2.connect(authority, options, listener);
  } finally {
    builtinTls.connect = saved;
  }
}

function performServerHandshake(socket, options) {
  return builtinHttp2.performServerHandshake(asNativeStream(socket), options);
}

module.exports = {
  ...builtinHttp2,
  connect,
  createSecureServer,
  performServerHandshake,
};
