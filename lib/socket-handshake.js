'use strict';
// The TLSSocket steps that wait on the application during a handshake:
// SNI and OCSP answers on a server, its session cache ('newSession',
// 'resumeSession'), sessions a client offers, and the renegotiation
// limits. TLSSocket methods (socket.js lists them).

const { nodeMajor } = require('./release');
const binding = require('./native');
const { RENEGOTIATION_TOO_MANY, RENEGOTIATION_REFUSED } = binding.constants;
const {
  codes: {
    ERR_MULTIPLE_CALLBACK,
    ERR_SOCKET_CLOSED,
    ERR_TLS_RENEGOTIATION_DISABLED,
    ERR_TLS_SESSION_ATTACK,
  },
} = require('./errors');
const {
  kState,
  kOnCertCb,
  kOnHandshake,
  kOnNewSession,
  kOnRenegotiation,
  kOnResumeSession,
  kOnTLSError,
  kSessionApplicable,
} = require('./symbols');
const kRequestOCSP = Symbol('kRequestOCSP');
const kCertCbDone = Symbol('kCertCbDone');

// From Node 24 a server catches what its newSession, resumeSession and
// OCSPRequest listeners throw, as it always did for SNICallback.
const catchesListeners = nodeMajor >= 24;

// server.emit(...args), or with catchesListeners what a listener throws
// handed to onThrow; returns whether there were listeners.
function emitServer(server, onThrow, ...args) {
  if (!catchesListeners) return server.emit(...args);
  try {
    return server.emit(...args);
  } catch (err) {
    return onThrow(err);
  }
}

const methods = {
  // newSession: the handshake's completion waits for the application to
  // store the session.
  [kOnNewSession](id, data) {
    const server = this._tlsOptions.server;
    if (!server) return;
    let once = false;
    const done = () => {
      if (once) return;
      once = true;
      if (this._handle === null) return this.destroy(new ERR_SOCKET_CLOSED());
      this._handle.newSessionDone();
      this._newSessionPending = false;
      if (this._securePending) {
        this._securePending = false;
        this[kOnHandshake]();
      }
    };
    this._newSessionPending = true;
    const onThrow = (err) => {
      server.emit('error', err);
      return false;
    };
    if (!emitServer(server, onThrow, 'newSession', id, data, done)) done();
  },

  // resumeSession: the handshake waits for the application's session.
  [kOnResumeSession](id) {
    const server = this._tlsOptions.server;
    const handle = this._handle;
    let once = false;
    const onSession = (err, session) => {
      if (once) return this.destroy(new ERR_MULTIPLE_CALLBACK());
      once = true;
      if (err) return this.destroy(err);
      if (this._handle !== handle) return this.destroy(new ERR_SOCKET_CLOSED());
      handle.loadSession(session ?? null);
    };
    const onThrow = (err) => {
      onSession(err);
      return true;
    };
    if (!server || !emitServer(server, onThrow, 'resumeSession', id, onSession)) {
      handle.loadSession(null);
    }
  },

  // A session can be offered once the TLS session exists and until the
  // handshake starts.
  [kSessionApplicable]() {
    return this[kState].started && !this._secureEstablished && !this._tlsOptions.isServer;
  },

  // The server's handshake waits while SNICallback picks the context, and
  // then while the application finds an OCSP response to staple.
  [kOnCertCb](servername, ocspRequested) {
    const handle = this._handle;
    if (servername) this.servername = servername;
    if (!servername || !this._SNICallback) {
      this[kRequestOCSP](handle, undefined, ocspRequested);
      return;
    }
    let once = false;
    try {
      this._SNICallback(servername, (err, context) => {
        if (once) return this.destroy(new ERR_MULTIPLE_CALLBACK());
        once = true;
        if (err) return this.destroy(err);
        if (this._handle !== handle) return this.destroy(new ERR_SOCKET_CLOSED());
        const native = context ? context.context || context : undefined;
        if (native !== undefined && !(native instanceof binding.SecureContext)) {
          return this.destroy(new TypeError('Invalid SNI context'));
        }
        this[kRequestOCSP](handle, native, ocspRequested);
      });
    } catch (err) {
      this.destroy(err);
    }
  },

  [kRequestOCSP](handle, context, ocspRequested) {
    const server = this._tlsOptions.server;
    if (!ocspRequested || !server || server.listenerCount('OCSPRequest') === 0) {
      this[kCertCbDone](handle, context);
      return;
    }
    const served = context || this._tlsOptions.secureContext.context;
    let once = false;
    const onOCSP = (err, response) => {
      if (once) return this.destroy(new ERR_MULTIPLE_CALLBACK());
      once = true;
      if (err) return this.destroy(err);
      if (this._handle !== handle) return this.destroy(new ERR_SOCKET_CLOSED());
      if (response) handle.setOCSPResponse(response);
      this[kCertCbDone](handle, context);
    };
    const onThrow = (err) => this.destroy(err);
    emitServer(server, onThrow, 'OCSPRequest', served.getCertificate(), served.getIssuer(), onOCSP);
  },

  [kCertCbDone](handle, context) {
    try {
      handle.certCbDone(context);
    } catch (error) {
      // The handshake goes on without the context and fails with OpenSSL's
      // alert to the client; the application hears why the context could
      // not be used (setImmediate: ticks run as soon as this callback
      // returns, before OpenSSL has sent its alert).
      this[kState].certError = error;
      setImmediate(() => this.destroy(error));
    }
  },

  // The session counts renegotiations against the limits as the
  // application has them now: CLIENT_RENEG_LIMIT per CLIENT_RENEG_WINDOW
  // seconds.
  // `handle`: the Connection that reported it (the socket may have let go
  // of it by now).
  [kOnRenegotiation](now, handle) {
    const { CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW } = require('./tls');
    const verdict = handle.countRenegotiation(now, CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW * 1000);
    if (verdict === RENEGOTIATION_TOO_MANY) {
      this[kOnTLSError](new ERR_TLS_SESSION_ATTACK());
    } else if (verdict === RENEGOTIATION_REFUSED) {
      this[kOnTLSError](new ERR_TLS_RENEGOTIATION_DISABLED());
    }
  },

  disableRenegotiation() {
    if (this._handle) this._handle.disableRenegotiation();
    else this[kState].renegotiationDisabled = true; // for the handle to come
  },
};


module.exports = { methods };
