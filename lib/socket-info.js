'use strict';
// What a TLSSocket tells about its TLS state: certificates, cipher,
// protocol, session. TLSSocket methods (socket.js lists them).
//
// In every state, as the built-in: its socket holds an OpenSSL session
// (`_handle`) from the start and until it is destroyed, and its methods ask
// that session; without one they give null (or throw where the built-in's
// reach into the missing handle, with the same TypeError). Here the native
// session is set up only once the socket is connected, so until then the
// methods answer as a fresh one does (a fresh SSL's protocol is the
// running OpenSSL's answer, asked of the built-in once), and a fragment
// size set meanwhile is applied when the session is set up.

const { nodeMajor } = require('./release');
const { Buffer } = require('buffer');
const certificates = require('./certificates');
const { kState, kSessionApplicable } = require('./symbols');
const { wrapSession, sessionForReuse } = require('./session-state');

const reportsNamedGroups = nodeMajor >= 24;
const {
  codes: {
    ERR_INVALID_ARG_TYPE,
    ERR_OUT_OF_RANGE,
    ERR_TLS_INVALID_STATE,
  },
} = require('./errors');

const kMaxSendFragment = Symbol('kMaxSendFragment');

// Whether the socket has its native TLS session (set up once connected).
function hasSession(socket) {
  return socket[kState].started === true;
}

// What SSL_get_version() says of an SSL that has not started.
let freshProtocol;
function protocolBeforeStart() {
  if (freshProtocol === undefined) {
    const probe = new (require('./builtin').TLSSocket)();
    freshProtocol = probe.getProtocol();
    probe.destroy();
  }
  return freshProtocol;
}

// Where the built-in calls a method of its handle, a destroyed socket (no
// handle) throws the built-in's TypeError: that of reading the method of null.
function requireHandle(socket, method) {
  if (socket._handle === null) return socket._handle[method];
  return undefined;
}

// Offers a serialized session to the handle; one that does not parse is
// ignored, as the built-in ignores it.
function offerSession(handle, session) {
  try {
    handle.setSession(session);
  } catch (err) {
    if (err.code !== 'ERR_INVALID_ARG_VALUE') throw err;
  }
}

// The methods that only ask the session: null without a handle, as Node's
// proxies to its handle.
function proxy(name) {
  return function() {
    return this._handle ? this._handle[name]() : null;
  };
}

const methods = {
  getPeerCertificate(detailed) {
    if (!this._handle) return null;
    return certificates.peerCertificate(this._handle, !!detailed) || {};
  },

  getCertificate() {
    if (!this._handle) return null;
    return certificates.legacyObject(this._handle.getCertificate()) || {};
  },

  getPeerX509Certificate() {
    if (!this._handle) return undefined;
    return certificates.peerX509Certificate(this._handle);
  },

  getX509Certificate() {
    if (!this._handle) return undefined;
    const der = this._handle.getCertificate();
    return der ? certificates.x509(der) : undefined;
  },

  getCipher() {
    return this._handle ? this._handle.getCipher() : null;
  },

  getProtocol() {
    if (!this._handle) return null;
    return hasSession(this) ? this._handle.getProtocol() : protocolBeforeStart();
  },

  isSessionReused: proxy('isSessionReused'),

  getSession() {
    if (!this._handle) return null;
    return wrapSession(this._handle.getSession(), sessionOptions(this));
  },

  getTLSTicket: proxy('getTLSTicket'),

  // Node's internal method some code calls before destroy(): the TLS
  // state goes with the socket's handle here.
  _destroySSL() {
    this.ssl = null;
  },

  // The largest record this side sends; false unless 512 to 16384. Without
  // a handle, the built-in's TypeError (it reads the missing handle).
  setMaxSendFragment(size) {
    if (typeof size !== 'number') throw new ERR_INVALID_ARG_TYPE('size', 'number', size);
    if (!Number.isInteger(size)) throw new ERR_OUT_OF_RANGE('size', 'an integer', size);
    if (size < -(2 ** 31) || size > 2 ** 31 - 1) {
      throw new ERR_OUT_OF_RANGE('size', '>= -2147483648 && <= 2147483647', size);
    }
    requireHandle(this, 'setMaxSendFragment');
    if (!hasSession(this)) {
      if (size < 512 || size > 16384) return false;
      this[kMaxSendFragment] = size;
      return true;
    }
    return this._handle.setMaxSendFragment(size);
  },

  enableTrace() {
    if (!this._handle) return null;
    this._handle.enableTrace();
    return undefined;
  },

  getFinished: proxy('getFinished'),

  getPeerFinished: proxy('getPeerFinished'),

  exportKeyingMaterial(length, label, context) {
    if (typeof length !== 'number') throw new ERR_INVALID_ARG_TYPE('length', 'number', length);
    if (!Number.isInteger(length)) throw new ERR_OUT_OF_RANGE('length', 'an integer', length);
    if (length < 1 || length > 0xFFFFFFFF) {
      throw new ERR_OUT_OF_RANGE('length', '>= 1 && <= 4294967295', length);
    }
    if (typeof label !== 'string') throw new ERR_INVALID_ARG_TYPE('label', 'string', label);
    if (context !== undefined && !ArrayBuffer.isView(context)) {
      throw new ERR_INVALID_ARG_TYPE('context', ['Buffer', 'TypedArray', 'DataView'], context);
    }
    if (!this._secureEstablished) throw new ERR_TLS_INVALID_STATE();
    return this._handle.exportKeyingMaterial(length, label, context);
  },

  getEphemeralKeyInfo() {
    if (!this._handle) return null;
    if (this._tlsOptions.isServer) return hasSession(this) ? this._handle.getEphemeralKeyInfo() : null;
    const info = hasSession(this) ? this._handle.getEphemeralKeyInfo() : {};
    // A group known only by name (a hybrid such as X25519MLKEM768) is
    // reported from Node 24 on; before, such a key exchange reads as none.
    if (info && info.type === 'TLSGroup' && !reportsNamedGroups) return {};
    // A client that exchanged no key (yet, or none: RSA key transport) reads
    // {}, and from Node 24 on a key of no type (Node 24's own crashes when
    // asked before its handshake started).
    if (reportsNamedGroups && info && Object.keys(info).length === 0) {
      return { type: undefined, name: undefined, size: undefined };
    }
    return info;
  },

  getSharedSigalgs() {
    return this._handle ? this._handle.getSharedSigalgs() : null;
  },

  // A new TLS 1.2 handshake; callback(err) once it completed.
  renegotiate(options, callback) {
    if (options === null || typeof options !== 'object') {
      throw new ERR_INVALID_ARG_TYPE('options', 'object', options);
    }
    if (callback !== undefined && typeof callback !== 'function') {
      throw new ERR_INVALID_ARG_TYPE('callback', 'function', callback);
    }
    if (this.destroyed) return undefined;
    const opts = this._tlsOptions;
    const requestCert = options.requestCert !== undefined ?
      !!options.requestCert : !!opts.requestCert;
    const rejectUnauthorized = options.rejectUnauthorized !== undefined ?
      !!options.rejectUnauthorized : !!opts.rejectUnauthorized;
    if (requestCert !== !!opts.requestCert || rejectUnauthorized !== !!opts.rejectUnauthorized) {
      this._handle.setVerifyMode(requestCert, rejectUnauthorized);
      opts.requestCert = requestCert;
      opts.rejectUnauthorized = rejectUnauthorized;
    }
    // As Node's: an empty write on either side of the request (on an ended
    // socket, the stream's error).
    this.write('');
    try {
      this._handle.renegotiate();
    } catch (err) {
      if (callback) process.nextTick(callback, err);
      return false;
    }
    this.write('');
    if (callback) this.once('secure', () => callback(null));
    return true;
  },

  // Offers a saved session on the next handshake of this socket (kept
  // until the native session is set up, as it is only once connected).
  setSession(session) {
    if (typeof session === 'string') session = Buffer.from(session, 'latin1');
    const offer = sessionForReuse(session, sessionOptions(this));
    if (offer === undefined) return;
    requireHandle(this, 'setSession');
    this[kState].sessionToOffer = session;
    if (this[kSessionApplicable]()) offerSession(this._handle, offer);
  },
};

// The options a client's sessions are bound by: tls.connect()'s, else the
// TLSSocket's own.
function sessionOptions(socket) {
  return socket[kState].options || socket._tlsOptions;
}

// Called once the native session is set up: what was asked of it before.
function applyToSession(socket) {
  const size = socket[kMaxSendFragment];
  if (size !== undefined) {
    socket[kMaxSendFragment] = undefined;
    socket._handle.setMaxSendFragment(size);
  }
}


module.exports = { methods, applyToSession, offerSession, requireHandle };
