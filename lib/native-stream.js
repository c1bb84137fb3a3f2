'use strict';
// A uvtls TLSSocket as a native stream, for the parts of Node that only
// consume one (the HTTP/2 session reads and writes its socket in C++, and
// wraps anything else in a stream of its own, hiding the TLS socket). The
// wrapper is Node's own JavaScript-to-native stream class, extended with
// the TLS socket's face: what Node's http2 and its users read on
// `session.socket` and `req.socket` (encrypted, alpnProtocol, the peer's
// certificate, addresses) comes from the TLS socket underneath.

const { TLSSocket, registerTLSSocketClass } = require('./socket');
const { kState } = require('./symbols');
const { nodeStreamWrapper } = require('./handle');

const kTLSSocket = Symbol('kTLSSocket');

// TLSSocket methods answered by the TLS socket itself.
const TLS_METHODS = [
  'address', 'disableRenegotiation', 'enableTrace', 'exportKeyingMaterial',
  'getCertificate', 'getCipher', 'getEphemeralKeyInfo', 'getFinished',
  'getPeerCertificate', 'getPeerFinished', 'getPeerX509Certificate',
  'getProtocol', 'getSession', 'getSharedSigalgs', 'getTLSTicket',
  'getX509Certificate', 'isSessionReused', 'renegotiate', 'setKeepAlive',
  'setMaxSendFragment', 'setNoDelay', 'setServername', 'setSession',
];
// Its properties, read through.
const TLS_PROPERTIES = [
  'alpnProtocol', 'authorizationError', 'authorized', 'encrypted',
  'secureConnecting', 'servername', 'server', 'ssl',
];

let TLSStreamSocket;

function defineClass() {
  const JSStreamSocket = nodeStreamWrapper();
  TLSStreamSocket = class TLSStreamSocket extends JSStreamSocket {
    constructor(tlsSocket) {
      super(tlsSocket);
      this[kTLSSocket] = tlsSocket;
      // The plaintext goes to the native consumer as the wrapper's 'data'
      // listener would send it, without the stream machinery in between.
      tlsSocket[kState].directReader = (chunk) => {
        if (this._handle) this._handle.readBuffer(chunk);
      };
      // A client still handshaking: its consumer starts on 'connect', once
      // the TLS session (and its ALPN protocol) is established.
      if (tlsSocket.connecting || tlsSocket.secureConnecting) {
        this.connecting = true;
        tlsSocket.once('secureConnect', () => {
          this.connecting = false;
          this.emit('connect');
        });
      }
    }

    _getpeername() { return this[kTLSSocket]._getpeername(); }

    _getsockname() { return this[kTLSSocket]._getsockname(); }
  };
  for (const name of TLS_METHODS) {
    Object.defineProperty(TLSStreamSocket.prototype, name, {
      configurable: true,
      writable: true,
      value: function tlsMethod(...args) {
        const socket = this[kTLSSocket];
        const result = socket[name](...args);
        return result === socket ? this : result;
      },
    });
  }
  for (const name of TLS_PROPERTIES) {
    Object.defineProperty(TLSStreamSocket.prototype, name, {
      configurable: true,
      get() { return this[kTLSSocket][name]; },
      // Set by someone (net.Socket's constructor sets `server`): their own.
      set(value) {
        Object.defineProperty(this, name, {
          value, writable: true, configurable: true, enumerable: true,
        });
      },
    });
  }
  registerTLSSocketClass(TLSStreamSocket);
}

// A uvtls TLSSocket wrapped so that Node consumes it natively; anything
// else as it is.
function asNativeStream(socket) {
  // Only uvtls's own sockets: Node's are native streams already.
  if (!Function.prototype[Symbol.hasInstance].call(TLSSocket, socket)) return socket;
  if (TLSStreamSocket === undefined) defineClass();
  return new TLSStreamSocket(socket);
}

module.exports = { asNativeStream };
