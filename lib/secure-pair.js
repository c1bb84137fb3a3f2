'use strict';
// tls.createSecurePair(): the legacy API (deprecated since Node 0.11, DEP0064)
// that Node 20 still ships. A SecurePair is a TLSSocket (`cleartext`) whose
// ciphertext travels over an in-memory stream pair; the application moves
// the ciphertext itself through the other end (`encrypted`), usually by
// piping it to and from a net.Socket.

const EventEmitter = require('events');
const { Duplex } = require('stream');
const util = require('util');
const binding = require('./native');
const { codes: { ERR_TLS_INVALID_CONTEXT } } = require('./errors');
const { createSecureContext } = require('./secure-context');
const { TLSSocket } = require('./socket');
const { kState } = require('./symbols');

const kOther = Symbol('kOther');
const kWriteDone = Symbol('kWriteDone');

// One end of an in-memory byte pipe in both directions. What one end writes
// the other reads; a write completes once the reader asks for more, so
// backpressure crosses the pair. end() on one end is EOF on the other.
// Destroying one end is like closing one end of a socket pair: the other
// still reads what it was sent, then EOF, then it closes; what it writes
// from then on is dropped (no error, so that nobody is left with an error
// no one listens for). Node's own pair does not tell the other end at all.
class DuplexSocket extends Duplex {
  constructor() {
    super();
    this[kOther] = null;
    this[kWriteDone] = null;
  }

  _read() {
    const done = this[kWriteDone];
    if (done) {
      this[kWriteDone] = null;
      done();
    }
  }

  _write(chunk, encoding, callback) {
    const other = this[kOther];
    if (other.destroyed || other.readableEnded) {
      callback();
    } else if (chunk.length === 0) {
      process.nextTick(callback);
    } else {
      other[kWriteDone] = callback;
      other.push(chunk);
    }
  }

  _final(callback) {
    const other = this[kOther];
    if (!other.destroyed && !other.readableEnded) other.push(null);
    process.nextTick(callback);
  }

  _destroy(err, callback) {
    // The write the other end has in flight into this one completes.
    const done = this[kWriteDone];
    this[kWriteDone] = null;
    if (done) done();
    const other = this[kOther];
    if (other && !other.destroyed) {
      if (other.readableEnded) {
        other.destroy();
      } else {
        other.once('end', () => other.destroy());
        other.push(null);
      }
    }
    callback(err);
  }
}

function duplexPair() {
  const a = new DuplexSocket();
  const b = new DuplexSocket();
  a[kOther] = b;
  b[kOther] = a;
  return [a, b];
}

class SecurePair extends EventEmitter {
  constructor(secureContext = createSecureContext(),
              isServer = false,
              requestCert = !isServer,
              rejectUnauthorized = false,
              options = {}) {
    super();
    const [encrypted, wire] = duplexPair();
    this.server = options.server;
    this.credentials = secureContext;
    this.encrypted = encrypted;

    const tlsOptions = {
      secureContext,
      isServer,
      requestCert,
      rejectUnauthorized,
      ...options,
    };
    // As Node's TLSSocket: the context in use, which must be a SecureContext.
    const context = tlsOptions.secureContext || tlsOptions.credentials;
    if (context && !(context.context instanceof binding.SecureContext)) {
      throw new ERR_TLS_INVALID_CONTEXT('context');
    }
    if (context) tlsOptions.secureContext = context;

    const cleartext = new TLSSocket(wire, tlsOptions);
    // No tls.Server accepted this socket: its errors are its own (the
    // 'error' event), never a server's 'tlsClientError'.
    cleartext[kState].errorEmitted = true;
    this.cleartext = cleartext;
    cleartext.once('secure', () => this.emit('secure'));
    // A client whose transport went away before it started has nothing
    // to read to the EOF: it closes now.
    encrypted.once('close', () => {
      if (!cleartext[kState].started && !cleartext.destroyed) cleartext.destroy();
    });
  }

  destroy() {
    this.cleartext.destroy();
    this.encrypted.destroy();
  }
}

const createSecurePair = util.deprecate(
  function createSecurePair(...args) {
    return new SecurePair(...args);
  },
  'tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.',
  'DEP0064');

module.exports = { createSecurePair, SecurePair };
