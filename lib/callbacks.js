'use strict';
// The native side's callbacks, registered once: `this` is the native
// Connection, its [kOwner] the TLSSocket; one call per event, with
// plaintext only.

const { Buffer } = require('buffer');
const { executionAsyncId } = require('async_hooks');
const fs = require('fs');
const {
  codes: { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE },
  errnoException,
} = require('./errors');
const { selectWithCallback } = require('./alpn');
const { isResting } = require('./handle');
const { wrapSession } = require('./session-state');
const { hasOnread, deliverOnread } = require('./socket-onread');
const {
  kState,
  kOwner,
  kParent,
  kOnCertCb,
  kOnRenegotiation,
  kOnConnect,
  kOnHandshake,
  kOnTLSError,
  kOnNewSession,
  kOnResumeSession,
} = require('./symbols');

const { constants: { UV_ENOTCONN }, plainBuffer } = require('./native');

// A server socket's servername is the ClientHello's from the moment
// OpenSSL has read it (Node sets it from its servername callback): given
// before any callback that lets the application look.
function syncServername(socket, handle) {
  if (socket.servername === null && socket._tlsOptions.isServer) {
    const name = handle.getServername();
    if (name) socket.servername = name;
  }
}

// What 'data' would do at once: the socket flows, holds nothing back and
// has its wrapper as the only listener.
function canReadDirectly(socket) {
  const rs = socket._readableState;
  return rs.flowing === true && rs.length === 0 && !rs.ended && !socket.destroyed &&
    socket.listenerCount('data') === 1;
}

const callbacks = {
  onconnect(status) {
    const socket = this[kOwner];
    if (socket) socket[kOnConnect](status);
  },
  onhandshake() {
    const socket = this[kOwner];
    if (socket) socket[kOnHandshake]();
  },
  // `length`: the bytes of `chunk` that were filled (a Buffer decrypted
  // into in place is sized by the ciphertext, a little more).
  ondata(chunk, length) {
    const socket = this[kOwner];
    if (!socket) return false;
    // Anything arriving on a socket resting in an http Agent's pool:
    // destroyed, as Node's guard does.
    if (isResting(this)) {
      socket.destroy();
      return false;
    }
    if (chunk === plainBuffer) {
      // The native side's shared buffer: copied out before it is reused.
      const copy = Buffer.allocUnsafe(length);
      plainBuffer.copy(copy, 0, 0, length);
      chunk = copy;
    } else if (length !== chunk.length) {
      chunk = chunk.subarray(0, length);
    }
    const state = socket[kState];
    state.bytesRead += chunk.length;
    socket._unrefTimer();
    if (hasOnread(socket)) return deliverOnread(socket, chunk);
    if (state.directReader !== null && canReadDirectly(socket)) {
      state.directReader(chunk);
      return true;
    }
    return socket.push(chunk);
  },
  onend() {
    const socket = this[kOwner];
    if (!socket) return;
    // A server hanging up during the handshake is a tlsClientError (on
    // close); a client sees 'end' (tls.connect turns it into ECONNRESET).
    if (!socket._secureEstablished && socket._tlsOptions.isServer) {
      socket.destroy();
      return;
    }
    socket.push(null);
    socket.read(0);
  },
  onerror(error, syscall) {
    const socket = this[kOwner];
    if (!socket) return;
    if (typeof error === 'number') socket.destroy(errnoException(error, syscall));
    else socket[kOnTLSError](error);
  },
  onwrite(status) {
    const socket = this[kOwner];
    if (!socket) return;
    const cb = socket[kState].writeCb;
    socket[kState].writeCb = null;
    if (cb) cb(status < 0 ? errnoException(status, 'write') : null);
  },
  onshutdown(status) {
    const socket = this[kOwner];
    if (!socket) return;
    const cb = socket[kState].shutdownCb;
    socket[kState].shutdownCb = null;
    if (cb) cb(status < 0 && status !== UV_ENOTCONN ? errnoException(status, 'shutdown') : null);
  },
  onclose() {
    const socket = this[kOwner];
    if (!socket) return;
    this[kOwner] = null;
    // A write in flight when the socket closed completes, as in net.
    const cb = socket[kState].writeCb;
    socket[kState].writeCb = null;
    if (cb) cb(null);
    socket.emit('close', socket[kState].closeHadError);
  },
  // Called with the connection's async context: reports its async id.
  onasyncid() {
    return executionAsyncId();
  },
  onconnection: null, // set by server.js
  // The JavaScript-stream transport: ciphertext to and from the wrapped
  // stream.
  onwire(chunk) {
    const parent = this[kParent];
    if (!parent || parent.destroyed) return true;
    if (parent.write(chunk)) return true;
    parent.once('drain', () => {
      if (this[kOwner]) this.wireDrained();
    });
    return false;
  },
  onwireread(start) {
    const parent = this[kParent];
    if (!parent) return;
    if (start) parent.resume();
    else parent.pause();
  },
  // A client received a session: after secureConnect, one event per ticket.
  onsession(session) {
    const socket = this[kOwner];
    if (!socket || session === undefined) return;
    session = wrapSession(session, socket[kState].options || socket._tlsOptions);
    if (socket._secureEstablished) socket.emit('session', session);
    else socket[kState].pendingSession = session;
  },
  // A server's peer started another handshake (renegotiation).
  onhandshakestart(now) {
    const socket = this[kOwner];
    if (socket) socket[kOnRenegotiation](now, this);
  },
  // The application's pskCallback and ALPNCallback: what they throw (or
  // return wrongly) destroys the socket with that error, as in Node.
  onpskclient(hint, maxPskLen, maxIdentityLen) {
    const socket = this[kOwner];
    if (!socket) return undefined;
    try {
      return pskForClient(socket[kState].pskCallback(hint), maxPskLen, maxIdentityLen);
    } catch (err) {
      socket.destroy(err);
      return undefined;
    }
  },
  onpskserver(identity, maxPskLen) {
    const socket = this[kOwner];
    if (!socket) return undefined;
    syncServername(socket, this);
    try {
      return pskForServer(socket[kState].pskCallback(socket, identity), maxPskLen);
    } catch (err) {
      socket.destroy(err);
      return undefined;
    }
  },
  oncertcb(servername, ocspRequested) {
    const socket = this[kOwner];
    if (socket) socket[kOnCertCb](servername, ocspRequested);
  },
  onocspresponse(response) {
    const socket = this[kOwner];
    if (socket) socket.emit('OCSPResponse', response);
  },
  onalpn(offered) {
    const socket = this[kOwner];
    if (!socket) return undefined;
    syncServername(socket, this);
    try {
      return selectWithCallback(socket, socket._tlsOptions.ALPNCallback,
                                this.getServername(), offered);
    } catch (err) {
      socket.destroy(err);
      return undefined;
    }
  },
  // A server with its own session cache: a new session to store, and a
  // session ID to look up before the handshake goes on.
  onnewsession(id, data) {
    const socket = this[kOwner];
    if (!socket) return;
    syncServername(socket, this);
    socket[kOnNewSession](id, data);
  },
  onresumesession(id) {
    const socket = this[kOwner];
    if (socket) socket[kOnResumeSession](id);
  },
  onkeylog(line) {
    const socket = this[kOwner];
    if (!socket) return;
    syncServername(socket, this);
    if (socket[kState].keylogFile) fs.appendFileSync(socket[kState].keylogFile, line, { mode: 0o600 });
    if (socket._tlsOptions.isServer) socket._tlsOptions.server?.emit('keylog', line, socket);
    else socket.emit('keylog', line);
  },
  onwireend() {
    const parent = this[kParent];
    if (parent && !parent.destroyed && !parent.writableEnded) parent.end();
  },
};

// What a client's pskCallback returned, checked as Node checks it.
function pskForClient(ret, maxPskLen, maxIdentityLen) {
  if (ret == null) return undefined;
  if (typeof ret !== 'object') throw new ERR_INVALID_ARG_TYPE('ret', 'object', ret);
  if (!ArrayBuffer.isView(ret.psk)) {
    throw new ERR_INVALID_ARG_TYPE('psk', ['Buffer', 'TypedArray', 'DataView'], ret.psk);
  }
  if (ret.psk.length > maxPskLen) {
    throw new ERR_INVALID_ARG_VALUE('psk', ret.psk, `Pre-shared key exceeds ${maxPskLen} bytes`);
  }
  if (typeof ret.identity !== 'string') {
    throw new ERR_INVALID_ARG_TYPE('identity', 'string', ret.identity);
  }
  if (Buffer.byteLength(ret.identity) > maxIdentityLen) {
    throw new ERR_INVALID_ARG_VALUE('identity', ret.identity,
                                    `PSK identity exceeds ${maxIdentityLen} bytes`);
  }
  return { psk: ret.psk, identity: ret.identity };
}

// What a server's pskCallback returned: the key, or an object holding it.
function pskForServer(ret, maxPskLen) {
  if (ret == null) return undefined;
  let psk = ret;
  if (!ArrayBuffer.isView(ret)) {
    if (typeof ret !== 'object') {
      throw new ERR_INVALID_ARG_TYPE('ret', ['Object', 'Buffer', 'TypedArray', 'DataView'], ret);
    }
    psk = ret.psk;
    if (!ArrayBuffer.isView(psk)) {
      throw new ERR_INVALID_ARG_TYPE('psk', ['Buffer', 'TypedArray', 'DataView'], psk);
    }
  }
  if (psk.length > maxPskLen) {
    throw new ERR_INVALID_ARG_VALUE('psk', psk, `Pre-shared key exceeds ${maxPskLen} bytes`);
  }
  return psk;
}

module.exports = callbacks;
