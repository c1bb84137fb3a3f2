'use strict';
// uvtls: the node:tls API with the TLS engine and sockets in C.

const net = require('net');
const binding = require('./native');
const defaults = require('./defaults');
const {
  codes: {
    ERR_INVALID_ARG_TYPE,
    ERR_TLS_DH_PARAM_SIZE,
  },
  connResetException,
  verifyError: wordedVerifyError,
} = require('./errors');
const { checkServerIdentity, checkIdentity } = require('./identity');
const { peerLeafX509 } = require('./certificates');
const { sharedSecureContext } = require('./context-cache');
const { SecureContext, createSecureContext } = require('./secure-context');
const { TLSSocket } = require('./socket');
const callbacks = require('./callbacks');
const { kState, kConnect, kNoHandle, kStartWhenConnected } = require('./symbols');
const { Server, createServer } = require('./server');
const { convertALPNProtocols } = require('./alpn');
const { createSecurePair } = require('./secure-pair');
const caStore = require('./ca-store');
const { validateMinDHSize, validateServername } = require('./validators');
const builtinTls = require('./builtin');

binding.setCallbacks(callbacks);

function getAllowUnauthorized() {
  const allow = process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0';
  if (allow && !getAllowUnauthorized.warned) {
    getAllowUnauthorized.warned = true;
    process.emitWarning('Setting the NODE_TLS_REJECT_UNAUTHORIZED ' +
                        'environment variable to \'0\' makes TLS connections ' +
                        'and HTTPS requests insecure by disabling ' +
                        'certificate verification.');
  }
  return allow;
}

// connect(options[, cb]), connect(port[, host][, options][, cb]),
// connect(path[, options][, cb])
function normalizeConnectArgs(args) {
  const normalized = net._normalizeArgs(args);
  const options = normalized[0];
  const cb = normalized[1];
  if (args[1] !== null && typeof args[1] === 'object') {
    Object.assign(options, args[1]);
  } else if (args[2] !== null && typeof args[2] === 'object') {
    Object.assign(options, args[2]);
  }
  return [options, cb];
}

let ipServernameWarned = false;

// The default identity check needs only the subjectAltName, which the
// cached parsed certificate has: the full certificate object (costly to
// build on every handshake) is made only to report a mismatch.
function checkIdentityQuickly(socket, hostname) {
  const leaf = peerLeafX509(socket._handle);
  return checkIdentity(hostname, leaf && leaf.subjectAltName, () => socket.getPeerCertificate(true));
}

// Verifies the server once the handshake is done, then secureConnect.
function onConnectSecure() {
  const options = this[kState].options;
  // A finite-field key exchange below the client's minimum is refused.
  const keyInfo = this.getEphemeralKeyInfo();
  if (keyInfo && keyInfo.type === 'DH' && keyInfo.size < options.minDHSize) {
    this.emit('error', new ERR_TLS_DH_PARAM_SIZE(keyInfo.size));
    this.destroy();
    return;
  }
  let verifyError = wordedVerifyError(this._handle.verifyError());
  if (!verifyError && !this.isSessionReused()) {
    const hostname = options.servername || options.host || 'localhost';
    if (options.checkServerIdentity === checkServerIdentity) {
      verifyError = checkIdentityQuickly(this, hostname);
    } else {
      verifyError = options.checkServerIdentity(hostname, this.getPeerCertificate(true));
    }
  }
  if (verifyError) {
    this.authorized = false;
    this.authorizationError = verifyError.code || verifyError.message;
    if (options.rejectUnauthorized === undefined) options.rejectUnauthorized = true;
    if (options.rejectUnauthorized) {
      this.destroy(verifyError);
      return;
    }
  } else {
    this.authorized = true;
  }
  this.secureConnecting = false;
  this.removeListener('end', onConnectEnd);
  this.emit('secureConnect');
  const session = this[kState].pendingSession;
  this[kState].pendingSession = null;
  if (session) this.emit('session', session);
}

// The server hung up before the handshake completed.
function onConnectEnd() {
  if (this._hadError) return;
  this._hadError = true;
  const options = this[kState].options;
  const error = connResetException('Client network socket disconnected ' +
                                   'before secure TLS connection was established');
  error.path = options.path;
  error.host = options.host;
  error.port = options.port;
  error.localAddress = options.localAddress;
  this.destroy(error);
}

function connect(...args) {
  const [opts, cb] = normalizeConnectArgs(args);
  const options = {
    rejectUnauthorized: !getAllowUnauthorized(),
    ciphers: defaults.DEFAULT_CIPHERS,
    // Looked up at each call, as Node does: programs replace it.
    checkServerIdentity: module.exports.checkServerIdentity,
    minDHSize: 1024,
    ...opts,
  };
  if (!options.keepAlive) options.singleUse = true;
  if (typeof options.checkServerIdentity !== 'function') {
    throw new ERR_INVALID_ARG_TYPE('options.checkServerIdentity', 'Function',
                                   options.checkServerIdentity);
  }
  validateMinDHSize(options.minDHSize);
  // Through the module object, as Node calls it (programs replace it);
  // uvtls's own is shared between connections with the same options.
  const create = module.exports.createSecureContext;
  const context = options.secureContext ||
    (create === createSecureContext ? sharedSecureContext(options, create) : create(options));
  validateServername(options.servername);
  const socket = new TLSSocket(options.socket, {
    allowHalfOpen: options.allowHalfOpen,
    pipe: !!options.path,
    secureContext: context,
    isServer: false,
    requestCert: true,
    rejectUnauthorized: options.rejectUnauthorized !== false,
    session: options.session,
    ALPNProtocols: options.ALPNProtocols,
    requestOCSP: options.requestOCSP,
    enableTrace: options.enableTrace,
    pskCallback: options.pskCallback,
    highWaterMark: options.highWaterMark,
    onread: options.onread,
    signal: options.signal,
    noDelay: options.noDelay,
    keepAlive: options.keepAlive,
    keepAliveInitialDelay: options.keepAliveInitialDelay,
    [kNoHandle]: true,
  });
  socket[kState].options = options;
  if (cb) socket.once('secureConnect', cb);
  if (!options.socket) {
    if (options.timeout) socket.setTimeout(options.timeout);
    socket[kConnect](options);
  }
  socket._releaseControl();
  if (options.session) socket.setSession(options.session);
  socket.prependListener('end', onConnectEnd);
  if (options.servername) {
    if (!ipServernameWarned && net.isIP(options.servername)) {
      process.emitWarning('Setting the TLS ServerName to an IP address is not ' +
                          'permitted by RFC 6066. This will be ignored in a ' +
                          'future version.', 'DeprecationWarning', 'DEP0123');
      ipServernameWarned = true;
    }
    socket.setServername(options.servername);
  }
  if (options.socket) socket[kStartWhenConnected]();
  socket.on('secure', onConnectSecure);
  return socket;
}

let ciphers;
function getCiphers() {
  if (!ciphers) {
    const names = binding.getCiphers().concat([
      'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
      'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_CCM_8_SHA256',
      'TLS_AES_128_CCM_SHA256']);
    ciphers = [...new Set(names.map((name) => name.toLowerCase()))].sort();
  }
  return ciphers.slice();
}

function defaultAccessor(name) {
  return {
    get() { return defaults[name]; },
    set(value) { defaults[name] = value; },
    enumerable: true,
    configurable: true,
  };
}

module.exports = {
  CLIENT_RENEG_LIMIT: 3,
  CLIENT_RENEG_WINDOW: 600,
};
for (const name of ['DEFAULT_CIPHERS', 'DEFAULT_ECDH_CURVE', 'DEFAULT_MIN_VERSION',
                    'DEFAULT_MAX_VERSION']) {
  Object.defineProperty(module.exports, name, defaultAccessor(name));
}
module.exports.getCiphers = getCiphers;
// The built-in's own frozen array: on Node 22 and later it is also
// getCACertificates('bundled'), the very same object.
Object.defineProperty(module.exports, 'rootCertificates', {
  get() {
    return builtinTls.rootCertificates;
  },
  enumerable: true,
  configurable: false,
});
Object.assign(module.exports, {
  // Node 22 and later.
  getCACertificates: caStore.getCACertificates,
  setDefaultCACertificates: caStore.setDefaultCACertificates,
  // Node 24 and later: the algorithms of the running Node's OpenSSL.
  getCertificateCompressionAlgorithms: function getCertificateCompressionAlgorithms() {
    return builtinTls.getCertificateCompressionAlgorithms();
  },
  convertALPNProtocols,
  checkServerIdentity,
  createSecureContext,
  SecureContext,
  TLSSocket,
  Server,
  createServer,
  connect,
  // Removed in Node 24.
  createSecurePair,
});

// The names of the running Node's tls, in its order, and no others.
{
  const shaped = {};
  for (const name of Object.keys(builtinTls)) {
    const descriptor = Object.getOwnPropertyDescriptor(module.exports, name);
    if (descriptor !== undefined) Object.defineProperty(shaped, name, descriptor);
  }
  module.exports = shaped;
}
