'use strict';
// What a TLSSocket tells about its TLS state: certificates, cipher,
// protocol, session. Installed on TLSSocket.prototype.

const { Buffer } = require('buffer');
const certificates = require('./certificates');
const { kOptions, kSessionToOffer, kSessionApplicable } = require('./symbols');
const { wrapSession, sessionForReuse } = require('./session-state');

const reportsNamedGroups = Number(process.versions.node.split('.')[0]) >= 24;
const {
  codes: {
    ERR_INVALID_ARG_TYPE,
    ERR_OUT_OF_RANGE,
    ERR_TLS_INVALID_STATE,
  },
} = require('./errors');

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
    return this._handle ? this._handle.getProtocol() : null;
  },

  isSessionReused() {
    return this._handle ? this._handle.isSessionReused() : false;
  },

  getSession() {
    if (!this._handle || !this._handle.getSession) return undefined;
    return wrapSession(this._handle.getSession(), sessionOptions(this));
  },

  getTLSTicket() {
    return this._handle && this._handle.getTLSTicket ? this._handle.getTLSTicket() : undefined;
  },

  // Node's internal method some code calls before destroy(): the TLS
  // state goes with the socket's handle here.
  _destroySSL() {
    this.ssl = null;
  },

  // The largest record this side sends; false unless 512 to 16384.
  setMaxSendFragment(size) {
    if (typeof size !== 'number') throw new ERR_INVALID_ARG_TYPE('size', 'number', size);
    if (!Number.isInteger(size)) throw new ERR_OUT_OF_RANGE('size', 'an integer', size);
    if (size < -(2 ** 31) || size > 2 ** 31 - 1) {
      throw new ERR_OUT_OF_RANGE('size', '>= -2147483648 && <= 2147483647', size);
    }
    return this._handle ? this._handle.setMaxSendFragment(size) : false;
  },

  enableTrace() {
    if (this._handle) this._handle.enableTrace();
  },

  getFinished() {
    return this._handle ? this._handle.getFinished() : undefined;
  },

  getPeerFinished() {
    return this._handle ? this._handle.getPeerFinished() : undefined;
  },

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
    const info = this._handle.getEphemeralKeyInfo();
    // A group known only by name (a hybrid such as X25519MLKEM768) is
    // reported from Node 24 on; before, such a key exchange reads as none.
    if (info && info.type === 'TLSGroup' && !reportsNamedGroups) return {};
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
    if (this.destroyed) return false;
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
    try {
      this._handle.renegotiate();
    } catch (err) {
      if (callback) process.nextTick(callback, err);
      return false;
    }
    if (callback) this.once('secure', () => callback(null));
    return true;
  },

  // Offers a saved session on the next handshake of this socket.
  setSession(session) {
    if (typeof session === 'string') session = Buffer.from(session, 'latin1');
    this[kSessionToOffer] = session;
    if (this._handle && this[kSessionApplicable]()) {
      const offer = sessionForReuse(session, sessionOptions(this));
      if (offer !== undefined) this._handle.setSession(offer);
    }
  },
};

// The options a client's sessions are bound by: tls.connect()'s, else the
// TLSSocket's own.
function sessionOptions(socket) {
  return socket[kOptions] || socket._tlsOptions;
}

function install(TLSSocket) {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(TLSSocket.prototype, name, {
      value: fn, writable: true, configurable: true, enumerable: false,
    });
  }
}

module.exports = { install };
