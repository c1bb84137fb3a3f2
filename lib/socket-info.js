'use strict';
// What a TLSSocket tells about its TLS state: certificates, cipher,
// protocol, session. Installed on TLSSocket.prototype.

const { Buffer } = require('buffer');
const certificates = require('./certificates');
const {
  codes: {
    ERR_INVALID_ARG_TYPE,
    ERR_OUT_OF_RANGE,
    ERR_TLS_INVALID_STATE,
    ERR_UVTLS_NOT_IMPLEMENTED,
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
    const chain = this._handle.getPeerCertificateChain(false);
    return chain && chain.length > 0 ? certificates.x509(chain[0]) : undefined;
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
    return this._handle && this._handle.getSession ? this._handle.getSession() : undefined;
  },

  getTLSTicket() {
    return this._handle && this._handle.getTLSTicket ? this._handle.getTLSTicket() : undefined;
  },

  getFinished() {
    return this._handle ? this._handle.getFinished() : undefined;
  },

  getPeerFinished() {
    return this._handle ? this._handle.getPeerFinished() : undefined;
  },

  exportKeyingMaterial(length, label, context) {
    if (!Number.isInteger(length) || length < 0 || length > 0xFFFFFFFF) {
      if (typeof length !== 'number') throw new ERR_INVALID_ARG_TYPE('length', 'number', length);
      throw new ERR_OUT_OF_RANGE('length', Number.isInteger(length) ?
        '>= 0 && <= 4294967295' : 'an integer', length);
    }
    if (typeof label !== 'string') throw new ERR_INVALID_ARG_TYPE('label', 'string', label);
    if (context !== undefined && !ArrayBuffer.isView(context)) {
      throw new ERR_INVALID_ARG_TYPE('context', ['Buffer', 'TypedArray', 'DataView'], context);
    }
    if (!this._secureEstablished) throw new ERR_TLS_INVALID_STATE();
    return this._handle.exportKeyingMaterial(length, label, context);
  },

  getEphemeralKeyInfo() {
    return this._handle ? this._handle.getEphemeralKeyInfo() : null;
  },

  getSharedSigalgs() {
    return this._handle ? this._handle.getSharedSigalgs() : null;
  },

  // Offers a saved session on the next handshake of this socket.
  setSession(session) {
    if (typeof session === 'string') session = Buffer.from(session, 'latin1');
    this[kSessionToOffer] = session;
    if (this._handle && this[kSessionApplicable]()) this._handle.setSession(session);
  },
};

const notBuilt = ['renegotiate', 'disableRenegotiation', 'setMaxSendFragment',
                  'enableTrace'];

let kSessionToOffer, kSessionApplicable;

function install(TLSSocket, symbols) {
  ({ kSessionToOffer, kSessionApplicable } = symbols);
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(TLSSocket.prototype, name, {
      value: fn, writable: true, configurable: true, enumerable: false,
    });
  }
  for (const name of notBuilt) {
    Object.defineProperty(TLSSocket.prototype, name, {
      value() {
        throw new ERR_UVTLS_NOT_IMPLEMENTED(`TLSSocket.prototype.${name}()`);
      },
      writable: true, configurable: true, enumerable: false,
    });
  }
}

module.exports = { install };
