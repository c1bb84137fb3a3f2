'use strict';
// TLSSocket: a net.Socket whose bytes move in C. The stream methods
// (_read, _write, _writev, _final, _destroy) drive the native Connection;
// the native side calls back once per event, with plaintext only.

const { nodeMajor } = require('./release');
const net = require('net');
const { Duplex } = require('stream');
const { Buffer } = require('buffer');
const binding = require('./native');
const {
  codes: {
    ERR_INVALID_ARG_TYPE,
    ERR_TLS_HANDSHAKE_TIMEOUT,
    ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED,
    ERR_TLS_SNI_FROM_SERVER,
    ERR_UVTLS_NOT_IMPLEMENTED,
  },
  connResetException,
  errnoException,
} = require('./errors');
const { SecureContext, createSecureContext } = require('./secure-context');
const socketWrap = require('./socket-wrap');
const { installAsyncId } = require('./handle');
const { sessionForReuse } = require('./session-state');
const { TRANSPORT_TCP } = socketWrap;
const { socketProtocols } = require('./alpn');
const {
  kState,
  SocketState,
  kOwner,
  kNoHandle,
  kWrap,
  kStartWhenConnected,
  kOnHandshake,
  kOnTLSError,
  kAttach,
  kConnect,
  kStart,
} = require('./symbols');
const kALPN = Symbol('kALPN');
const kWriteGeneric = Symbol('kWriteGeneric');
const kWantRead = Symbol('kWantRead');
const kPendingWrite = Symbol('kPendingWrite');
const kBytesWritten = Symbol('kBytesWritten');
const kServername = Symbol('kServername');
const kHandshakeTimer = Symbol('kHandshakeTimer');
const kOnError = Symbol('kOnError');

const { UV_ENOTCONN, UV_ECANCELED, UV_EPIPE } = binding.constants;

const kStartOnWrite = Symbol('kStartOnWrite');

// From Node 24 a TLSSocket hands these to net.Socket, which validates them.
const socketOptionsToNet = nodeMajor >= 24;

class TLSSocket extends net.Socket {
  constructor(socket, options) {
    const tlsOptions = { ...options };
    if (socket !== undefined && socket !== null && !(socket instanceof Duplex)) {
      throw new ERR_INVALID_ARG_TYPE('socket', 'stream.Duplex', socket);
    }
    super({
      // Wrapping a socket or stream, as it does, like Node.
      allowHalfOpen: socket == null ? tlsOptions.allowHalfOpen : socket.allowHalfOpen,
      highWaterMark: tlsOptions.highWaterMark,
      signal: tlsOptions.signal,
      ...(socketOptionsToNet ? {
        noDelay: tlsOptions.noDelay,
        keepAlive: tlsOptions.keepAlive,
        keepAliveInitialDelay: tlsOptions.keepAliveInitialDelay,
      } : {}),
    });
    this[kState].sessionToOffer = tlsOptions.session || null;
    if (socket == null) setOnread(this, tlsOptions.onread);
    this._tlsOptions = tlsOptions;
    this._secureEstablished = false;
    this._securePending = false;
    this._newSessionPending = false;
    this._controlReleased = false;
    this.secureConnecting = true;
    this._SNICallback = null;
    if (tlsOptions.isServer && tlsOptions.SNICallback != null) {
      if (typeof tlsOptions.SNICallback !== 'function') {
        throw new ERR_INVALID_ARG_TYPE('options.SNICallback', 'Function',
                                       tlsOptions.SNICallback);
      }
      // As in Node: a server's own lookup only when it has contexts.
      if (tlsOptions.SNICallback !== tlsOptions.defaultSNICallback ||
          tlsOptions.server?._contexts.length) {
        this._SNICallback = tlsOptions.SNICallback;
      }
    }
    this.servername = null;
    this.alpnProtocol = null;
    this.authorized = false;
    this.authorizationError = null;
    this.encrypted = true;
    this.ssl = null;
    this[kPendingWrite] = null;
    this[kWantRead] = false;
    this[kBytesWritten] = 0;
    this[kServername] = null;
    this[kHandshakeTimer] = null;
    this[kALPN] = null;
    if (tlsOptions.pskCallback) {
      if (typeof tlsOptions.pskCallback !== 'function') {
        throw new ERR_INVALID_ARG_TYPE('pskCallback', 'function', tlsOptions.pskCallback);
      }
      if (tlsOptions.isServer && tlsOptions.pskIdentityHint != null &&
          typeof tlsOptions.pskIdentityHint !== 'string') {
        throw new ERR_INVALID_ARG_TYPE('options.pskIdentityHint', 'string',
                                       tlsOptions.pskIdentityHint);
      }
      this[kState].pskCallback = tlsOptions.pskCallback;
    }
    if (tlsOptions.ALPNProtocols) this[kALPN] = socketProtocols(tlsOptions.ALPNProtocols);
    // Until the application has the socket, its errors are '_tlsError'
    // events, which a server turns into 'tlsClientError', as in Node.
    this.on('error', emitTLSError);
    if (tlsOptions.isServer && tlsOptions.server) this.on('_tlsError', onServerSocketError);
    else this.on('newListener', keylogNewListener);
    if (!tlsOptions.secureContext) {
      tlsOptions.secureContext = createSecureContext(tlsOptions);
    }
    if (socket !== undefined && socket !== null) {
      this[kWrap](socket);
      if (tlsOptions.isServer) this[kStartWhenConnected]();
    } else if (!tlsOptions[kNoHandle]) {
      // Like Node's, a TLSSocket made on its own has its TLS handle (`ssl`)
      // from the start; connect() uses it. Node takes such a socket for one
      // about to connect (tls.connect's): `connecting` from the start.
      this[kAttach](new binding.Connection(TRANSPORT_TCP));
      this.connecting = true;
    }
  }

  // net.Socket's connect() on a TLSSocket made with no socket: connects
  // natively, then runs the client handshake.
  connect(...args) {
    const [options, cb] = net._normalizeArgs(args);
    if (this[kState].options || this[kState].parent || this[kState].adopted) {
      throw new ERR_UVTLS_NOT_IMPLEMENTED('Reconnecting a TLSSocket');
    }
    if (this.destroyed) {
      this._undestroy();
      this._handle = null;
      this._peername = null;
      this._sockname = null;
    }
    if (typeof cb === 'function') this.once('connect', cb);
    if (options.timeout) this.setTimeout(options.timeout);
    this[kState].options = options;
    this[kConnect](options);
    return this;
  }

  _getpeername() {
    const parent = this[kState].parent;
    if (parent && typeof parent._getpeername === 'function') return parent._getpeername();
    return super._getpeername();
  }

  _getsockname() {
    const parent = this[kState].parent;
    if (parent && typeof parent._getsockname === 'function') return parent._getsockname();
    return super._getsockname();
  }

  setNoDelay(enable) {
    const parent = this[kState].parent;
    if (parent && typeof parent.setNoDelay === 'function') {
      parent.setNoDelay(enable);
      return this;
    }
    return super.setNoDelay(enable);
  }

  setKeepAlive(enable, delay) {
    const parent = this[kState].parent;
    if (parent && typeof parent.setKeepAlive === 'function') {
      parent.setKeepAlive(enable, delay);
      return this;
    }
    return super.setKeepAlive(enable, delay);
  }

  [kAttach](handle) {
    handle[kOwner] = this;
    this._handle = handle;
    this.ssl = handle;
    if (this.listenerCount('keylog') > 0) handle.enableKeylogCallback();
    if (this[kState].renegotiationDisabled) handle.disableRenegotiation();
  }

  // Sets up the TLS session on the connected socket and starts the handshake.
  [kStart]() {
    const opts = this._tlsOptions;
    this._handle.setup(opts.secureContext.context, !!opts.isServer,
                       this[kServername], !!opts.requestCert,
                       !!opts.rejectUnauthorized);
    applyToSession(this);
    const server = opts.isServer ? opts.server : null;
    if (server && (server.listenerCount('newSession') > 0 ||
                   server.listenerCount('resumeSession') > 0)) {
      this._handle.enableSessionCallbacks();
    }
    if (!opts.isServer && opts.requestOCSP) this._handle.requestOCSP();
    if (opts.enableTrace || tlsTrace) {
      if (tlsTrace && !traceWarned) {
        traceWarned = true;
        process.emitWarning('Enabling --trace-tls can expose sensitive data in the resulting log.');
      }
      this._handle.enableTrace();
    }
    if (this._SNICallback || (server && server.listenerCount('OCSPRequest') > 0)) {
      this._handle.enableCertCb();
    }
    if (tlsKeylog) {
      if (!keylogWarned) {
        keylogWarned = true;
        process.emitWarning('Using --tls-keylog makes TLS connections insecure ' +
                            `by writing secret key material to file ${tlsKeylog}`);
      }
      this[kState].keylogFile = tlsKeylog;
      this._handle.enableKeylogCallback();
    }
    if (this[kState].pskCallback &&
        !this._handle.enablePskCallback(opts.isServer ? opts.pskIdentityHint : undefined)) {
      process.nextTick(() => this[kOnError](new ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED()));
    }
    const offer = opts.isServer ? undefined :
      sessionForReuse(this[kState].sessionToOffer, this[kState].options || opts);
    if (offer) offerSession(this._handle, offer);
    if (opts.isServer && typeof opts.ALPNCallback === 'function') {
      this._handle.setALPNProtocols(true);
    } else if (this[kALPN]) {
      this._handle.setALPNProtocols(this[kALPN]);
    }
    if (opts.isServer && opts.handshakeTimeout > 0) {
      this[kHandshakeTimer] = setTimeout(() => {
        this[kHandshakeTimer] = null;
        this.destroy(new ERR_TLS_HANDSHAKE_TIMEOUT());
      }, opts.handshakeTimeout).unref();
    }
    this[kState].started = true;
    const err = this._handle.start();
    if (err) this.destroy(errnoException(err, 'read'));
    else feedEarlyBytes(this);
  }

  [kOnHandshake]() {
    if (this._newSessionPending) {
      this._securePending = true;
      return;
    }
    clearTimeout(this[kHandshakeTimer]);
    this[kHandshakeTimer] = null;
    this._secureEstablished = true;
    this.servername = this._handle.getServername();
    this.alpnProtocol = this._handle.getALPNNegotiatedProtocol();
    this.emit('secure');
    if (this.destroyed || !this._handle) return;
    const pending = this[kPendingWrite];
    this[kPendingWrite] = null;
    if (pending) this[kWriteGeneric](pending[0], pending[1], pending[2], pending[3]);
    // Like net, read ahead up to highWaterMark so that EOF is noticed.
    if (this[kWantRead] && this._handle) this._handle.readStart();
    else if (this.readable && this._handle) this.read(0);
  }

  [kOnError](err) {
    if (this._hadError) return;
    this._hadError = true;
    this.destroy(err);
  }

  // A TLS failure: during the handshake it destroys the socket; after it,
  // it is reported and the socket lives on until the peer closes, as in
  // Node.
  [kOnTLSError](err) {
    if (this[kState].certError) err = this[kState].certError;
    if (this._hadError) return;
    this._hadError = true;
    if (!this._secureEstablished) {
      this.destroy(err);
    } else if (this._tlsOptions.isServer && this._tlsOptions.rejectUnauthorized &&
               /peer did not return a certificate/.test(err.message)) {
      this.destroy();
    } else {
      this.emit('_tlsError', err);
      if (this._controlReleased) this.emit('error', err);
    }
  }

  _releaseControl() {
    if (this._controlReleased) return false;
    this._controlReleased = true;
    this.removeListener('error', emitTLSError);
    return true;
  }

  _read() {
    this[kWantRead] = true;
    if (this._handle && this._secureEstablished && !this.connecting) {
      this._handle.readStart();
    }
  }

  _write(data, encoding, cb) {
    this[kWriteGeneric](false, data, encoding, cb);
  }

  _writev(chunks, cb) {
    this[kWriteGeneric](true, chunks, null, cb);
  }

  [kWriteGeneric](writev, data, encoding, cb) {
    if (!this._secureEstablished) {
      this[kPendingWrite] = [writev, data, encoding, cb];
      this[kStartOnWrite]();
      return;
    }
    if (!this._handle) {
      cb(errnoException(UV_EPIPE, 'write'));
      return;
    }
    this._unrefTimer();
    let result;
    if (writev) {
      const buffers = new Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const { chunk, encoding: enc } = data[i];
        buffers[i] = typeof chunk === 'string' ? Buffer.from(chunk, enc) : chunk;
        this[kBytesWritten] += buffers[i].length;
      }
      result = this._handle.writev(buffers);
    } else {
      const buffer = typeof data === 'string' ? Buffer.from(data, encoding) : data;
      this[kBytesWritten] += buffer.length;
      result = this._handle.write(buffer);
    }
    if (typeof result !== 'number') cb(result);
    else if (result < 0) cb(errnoException(result, 'write'));
    else if (result === 1) this[kState].writeCb = cb;
    // Completed writes are acknowledged on the next tick, as Node's TLS
    // does; writes made meanwhile reach _writev as one batch.
    else process.nextTick(cb);
  }

  // A client made with new TLSSocket(socket) starts on its first write or
  // end(), as in Node.
  [kStartOnWrite]() {
    if (!this[kState].started && !this._tlsOptions.isServer && !this[kState].options &&
        (this[kState].parent || this[kState].adopted) && this._handle && !this.destroyed) {
      this[kStartWhenConnected]();
    }
  }

  _final(cb) {
    if (this.pending || this.connecting || (this._handle && !this._secureEstablished)) {
      this[kStartOnWrite]();
      this.once('secure', () => this._final(cb));
      return;
    }
    if (!this._handle) {
      cb();
      return;
    }
    // Set first: a stream transport completes the shutdown synchronously.
    this[kState].shutdownCb = cb;
    const err = this._handle.shutdown();
    if (err === 0) return;
    if (err === UV_ENOTCONN) cb();
    else cb(errnoException(err, 'shutdown'));
  }

  _destroy(exception, cb) {
    clearTimeout(this[kHandshakeTimer]);
    this[kHandshakeTimer] = null;
    this.connecting = false;
    this.setTimeout(0);
    const pending = this[kPendingWrite];
    this[kPendingWrite] = null;
    const parent = this[kState].parent || this[kState].adopted;
    if (parent && !parent.destroyed) parent.destroy();
    if (this._handle) {
      this[kState].closeHadError = !!exception;
      this._handle.close();
      this._handle = null;
      this.ssl = null;
      this._sockname = null;
      cb(exception);
    } else {
      cb(exception);
      process.nextTick(() => this.emit('close', !!exception));
    }
    // A write that waited for the handshake never started: its callback
    // comes after the socket's 'error' has gone round (a turn of the loop
    // later), as in Node, where libraries have settled on that error.
    if (pending) setImmediate(pending[3], errnoException(UV_ECANCELED, 'write'));
    if (this._server) {
      this._server._connections--;
      if (this._server._emitCloseIfDrained) this._server._emitCloseIfDrained();
    }
  }

  get bytesRead() {
    return this[kState].bytesRead;
  }

  get bytesWritten() {
    let bytes = this[kBytesWritten];
    const pending = this[kPendingWrite];
    const chunks = [...this.writableBuffer];
    if (pending) {
      if (pending[0]) chunks.push(...pending[1]);
      else chunks.push({ chunk: pending[1], encoding: pending[2] });
    }
    for (const { chunk, encoding } of chunks) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
    }
    return bytes;
  }

  // Under uvtls/register, `tls.TLSSocket` is this class: the TLS sockets
  // Node makes itself (inside its https, http2 or fetch) are TLS sockets
  // too, and libraries check `instanceof tls.TLSSocket`. Subclasses keep
  // the ordinary check.
  static [Symbol.hasInstance](value) {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === TLSSocket && isForeignTLSSocket(value);
  }

  // The certificate and key to serve from now on (an ALPNCallback picks
  // one for the protocol it chose): a SecureContext or its options.
  setKeyCert(context) {
    if (!this._handle) return;
    const secureContext = context instanceof SecureContext ? context : createSecureContext(context);
    this._handle.setKeyCert(secureContext.context);
  }

  setServername(name) {
    if (typeof name !== 'string') throw new ERR_INVALID_ARG_TYPE('name', 'string', name);
    if (this._tlsOptions.isServer) throw new ERR_TLS_SNI_FROM_SERVER();
    requireHandle(this, 'setServername');
    this[kServername] = name;
  }
}


installAsyncId(TLSSocket);
const socketInfo = require('./socket-info');
const { applyToSession, offerSession, requireHandle } = socketInfo;
const { feedEarlyBytes } = socketWrap;
const { install: installOnread, setOnread } = require('./socket-onread');
installOnread(TLSSocket);

// The rest of TLSSocket's methods live in the file of their concern; they
// are listed here so that this file shows the whole class (symbol-keyed
// ones by the symbol's name). A list that no longer matches its file's
// methods fails at load.
// The state record, made on first use: net.Socket's constructor may
// already destroy the socket (an aborted signal), before this one's runs.
Object.defineProperty(TLSSocket.prototype, kState, {
  configurable: true,
  get() {
    const state = new SocketState();
    Object.defineProperty(this, kState, { value: state, writable: false });
    return state;
  },
});

const SURFACE = [
  // What the session is and holds.
  [socketInfo.methods, [
    'getPeerCertificate', 'getCertificate', 'getPeerX509Certificate', 'getX509Certificate',
    'getCipher', 'getProtocol', 'isSessionReused', 'getSession', 'getTLSTicket',
    '_destroySSL', 'setMaxSendFragment', 'enableTrace', 'getFinished', 'getPeerFinished',
    'exportKeyingMaterial', 'getEphemeralKeyInfo', 'getSharedSigalgs', 'renegotiate', 'setSession',
  ]],
  // A server's handshake callbacks, the session a client offers, renegotiation.
  [require('./socket-handshake').methods, [
    'disableRenegotiation', 'kOnNewSession', 'kOnResumeSession', 'kSessionApplicable',
    'kOnCertCb', 'kRequestOCSP', 'kCertCbDone', 'kOnRenegotiation',
  ]],
  // TLS over a socket or stream that exists already.
  [socketWrap.methods, ['kWrap', 'kTakeover', 'kStartWhenConnected']],
  // A client connecting by itself.
  [require('./socket-connect').methods, ['kConnect', 'kConnectAddress', 'kOnConnect']],
];

function defineMethods(methods, names) {
  const keys = Reflect.ownKeys(methods);
  const found = keys.map((key) => (typeof key === 'symbol' ? key.description : key));
  if (found.join() !== names.join()) {
    throw new Error(`TLSSocket surface: expected ${names.join(', ')}; found ${found.join(', ')}`);
  }
  for (const key of keys) {
    Object.defineProperty(TLSSocket.prototype, key, {
      value: methods[key], writable: true, configurable: true, enumerable: false,
    });
  }
}

for (const [methods, names] of SURFACE) defineMethods(methods, names);

const { keylogFile: tlsKeylog, trace: tlsTrace } = require('./flags');
let keylogWarned = false;
let traceWarned = false;

// A client's 'keylog' listener turns the key log on.
function keylogNewListener(event) {
  if (event !== 'keylog' || !this._handle) return;
  this._handle.enableKeylogCallback();
  this.removeListener('newListener', keylogNewListener);
}

function emitTLSError(err) {
  this.emit('_tlsError', err);
}

// Before a server socket is handed to the application, its errors go to
// the server's tlsClientError event.
function onServerSocketError(err) {
  if (this._controlReleased || this[kState].errorEmitted) return;
  this[kState].errorEmitted = true;
  this._tlsOptions.server.emit('tlsClientError', err, this);
}

// A peer that hangs up during a server-side handshake is a tlsClientError.
function onServerSocketClose(hadError) {
  if (hadError || this._controlReleased || this[kState].errorEmitted) return;
  this[kState].errorEmitted = true;
  this._tlsOptions.server.emit('tlsClientError', connResetException('socket hang up'), this);
}

let BuiltinTLSSocket;
const foreignTLSSockets = [];

function isForeignTLSSocket(value) {
  if (value === null || typeof value !== 'object') return false;
  BuiltinTLSSocket ??= require('./builtin').TLSSocket;
  if (value instanceof BuiltinTLSSocket) return true;
  for (const Class of foreignTLSSockets) {
    if (value instanceof Class) return true;
  }
  return false;
}

// Other classes whose objects are uvtls TLS connections seen through
// another shape (the plaintext side handed to Node's http2).
function registerTLSSocketClass(Class) {
  foreignTLSSockets.push(Class);
}

module.exports = { TLSSocket, onServerSocketClose, registerTLSSocketClass };
