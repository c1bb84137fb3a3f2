'use strict';
// A TLSSocket over a socket or stream that exists already (STARTTLS, a
// server's 'connection' socket, TLS inside TLS). A plain TCP or pipe
// net.Socket is taken over: the native side opens a duplicate of its
// descriptor and the net.Socket stops reading (it keeps its own descriptor
// until the TLSSocket closes), so the bytes move in C as on a socket uvtls
// connected itself. Any other Duplex carries the ciphertext through
// JavaScript. TLSSocket methods (socket.js lists them).

const net = require('net');
const binding = require('./native');
const { errnoException } = require('./errors');
const { setParentStream } = require('./handle');
const { kState, kAttach, kParent, kStart, kStartWhenConnected, kWrap } = require('./symbols');

// The native Connection's transport kinds.
const {
  TRANSPORT_TCP,
  TRANSPORT_PIPE,
  TRANSPORT_JS,
  UV_EBADF,
} = binding.constants;

const kTakeover = Symbol('kTakeover');
const kStartRequested = Symbol('kStartRequested');
const kEarlyBytes = Symbol('kEarlyBytes');

// The transport kind a net.Socket's own handle can be taken over as, or -1.
function adoptableKind(socket) {
  if (!(socket instanceof net.Socket) || socket.destroyed) return -1;
  const handle = socket._handle;
  if (!handle) return -1;
  // Connecting, the descriptor may not exist yet.
  if (typeof handle.fd !== 'number' || (handle.fd < 0 && !socket.connecting)) return -1;
  const name = handle.constructor && handle.constructor.name;
  if (name === 'TCP') return TRANSPORT_TCP;
  if (name === 'Pipe') return TRANSPORT_PIPE;
  return -1;
}

// Calls `fn` once `socket` is connected and everything written to it has
// gone to the kernel, so that nothing it still sends follows TLS bytes.
function whenIdle(socket, fn) {
  if (socket.destroyed) return;
  if (socket.connecting) {
    socket.once('connect', () => whenIdle(socket, fn));
  } else if (socket.writableLength > 0 && !socket.writableEnded) {
    socket.write(Buffer.alloc(0), () => whenIdle(socket, fn));
  } else {
    fn();
  }
}

function refuseRead() {
  return 0;
}

const methods = {
  [kWrap](parent) {
    const kind = adoptableKind(parent);
    if (kind >= 0) this[kTakeover](parent, kind);
    else wrapStream(this, parent);
  },

  [kTakeover](parent, kind) {
    const handle = new binding.Connection(kind);
    setParentStream(handle, parent);
    this[kAttach](handle);
    this[kState].adopted = parent;
    // net walks _parent to refresh timeouts.
    this._parent = parent;
    const wasConnecting = parent.connecting;
    this.connecting = true;
    parent.pause();
    followParent(this, parent);
    whenIdle(parent, () => {
      if (this.destroyed || this._handle !== handle) return;
      // What the old socket read already is the start of the TLS stream;
      // reading it emits 'data' on the old socket, as the built-in does.
      const early = [];
      let chunk;
      while (parent.readableLength > 0 && (chunk = parent.read()) !== null) early.push(chunk);
      const old = parent._handle;
      const err = old ? handle.open(old.fd) : UV_EBADF;
      if (err) {
        this.destroy(errnoException(err, 'open'));
        return;
      }
      // The old socket keeps its descriptor, so that it still answers for
      // its addresses and options, but never reads again; it is closed
      // with the TLSSocket.
      old.readStop();
      old.readStart = refuseRead;
      this[kEarlyBytes] = early.length > 0 ? Buffer.concat(early) : null;
      this.connecting = false;
      if (wasConnecting) this.emit('connect');
      if (this[kStartRequested] && !this.destroyed) this[kStart]();
    });
  },

  // Starts the handshake once the wrapped socket is connected (once).
  [kStartWhenConnected]() {
    if (this[kStartRequested]) return;
    this[kStartRequested] = true;
    if (this[kState].adopted) {
      if (!this.connecting) this[kStart]();
      return;
    }
    const parent = this[kState].parent;
    if (parent instanceof net.Socket && (parent.connecting || parent.pending)) {
      parent.once('connect', () => {
        this.connecting = false;
        if (this._handle) this[kStart]();
      });
      return;
    }
    this.connecting = false;
    this[kStart]();
  },

};

// After start(): the bytes the previous owner of the socket had read.
function feedEarlyBytes(socket) {
  const early = socket[kEarlyBytes];
  socket[kEarlyBytes] = null;
  if (early && socket._handle) socket._handle.feed(early);
}

// The wrapped socket failing or closing takes the TLSSocket with it.
function followParent(socket, parent) {
  parent.on('error', (err) => {
    if (!socket.destroyed) socket.destroy(err);
  });
  parent.on('close', () => {
    if (!socket.destroyed) socket.destroy();
  });
}

// Any other Duplex: its bytes are fed to the session, the session's bytes
// written to it.
function wrapStream(socket, parent) {
  const handle = new binding.Connection(TRANSPORT_JS);
  handle[kParent] = parent;
  setParentStream(handle, parent);
  socket[kAttach](handle);
  socket[kState].parent = parent;
  // net walks _parent to refresh timeouts; only net sockets have them.
  if (parent instanceof net.Socket) socket._parent = parent;
  socket.connecting = parent instanceof net.Socket && (parent.connecting || parent.pending);
  parent.on('data', (chunk) => {
    if (socket._handle === handle) handle.feed(chunk);
  });
  parent.pause();
  parent.on('end', () => {
    if (socket._handle === handle) handle.feed(null);
  });
  followParent(socket, parent);
}


module.exports = { methods, feedEarlyBytes, TRANSPORT_TCP, TRANSPORT_PIPE };
