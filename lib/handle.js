'use strict';
// The native Connection as Node's own code sees a socket's `_handle`: what
// net, http's Agent and client, and libraries read on a TLS handle besides
// the TLS methods. It is never a StreamBase (`isStreamBase` stays
// undefined): Node would call into it as C++.

const net = require('net');
const { PassThrough } = require('stream');
const binding = require('./native');

const { prototype } = binding.Connection;
const kAsyncId = Symbol('kAsyncId');
const kForeignOnread = Symbol('kForeignOnread');
const kParentWrap = Symbol('kParentWrap');
const kSocketAsyncId = Symbol('kSocketAsyncId');

// Node's own async_id_symbol, which net.Socket gives every socket.
const asyncIdSymbol = Object.getOwnPropertySymbols(new net.Socket())
  .find((symbol) => symbol.description === 'async_id_symbol');

let tlsProviderType;
let JSStreamSocket;
let nodeOnread; // what net sets as a handle's `onread`

// What Node's TLS handles report, read once off one of them.
function probeBuiltinHandle() {
  const builtin = new (require('./builtin').TLSSocket)(new PassThrough());
  tlsProviderType = builtin._handle.getProviderType();
  nodeOnread = builtin._handle.onread;
  JSStreamSocket = builtin._handle._parentWrap.constructor;
  builtin.destroy();
}

function define(name, descriptor) {
  Object.defineProperty(prototype, name, {
    configurable: true, enumerable: false, ...descriptor,
  });
}

// As on Node's TLS handle (`socket.ssl.fd`, `socket._handle.fd`).
define('fd', { get() { return this.getFd(); } });

define('getAsyncId', {
  writable: true,
  value: function getAsyncId() {
    if (this[kAsyncId] === undefined) this[kAsyncId] = this.asyncId();
    return this[kAsyncId];
  },
});

define('getProviderType', {
  writable: true,
  value: function getProviderType() {
    if (tlsProviderType === undefined) probeBuiltinHandle();
    return tlsProviderType;
  },
});

// A keep-alive socket handed to its next request gets a new async id, so
// that AsyncLocalStorage and async_hooks see that request's context.
const nativeAsyncReset = prototype.asyncReset;
define('asyncReset', {
  writable: true,
  value: function asyncReset(resource) {
    this[kAsyncId] = undefined;
    nativeAsyncReset.call(this, resource);
  },
});

// http's Agent sets its own `onread` on the handle of a socket resting in
// its pool, to destroy a socket that receives anything while it rests, and
// puts net's back when the socket is used again. The native side calls
// neither; data arriving while another is set does what the guard does
// instead (see isResting).
define('onread', {
  get() { return this[kForeignOnread] || null; },
  set(fn) { this[kForeignOnread] = typeof fn === 'function' ? fn : null; },
});

// `_parentWrap`: the JavaScript stream a TLS handle sits on, as in Node: a
// net.Socket taken over, or for any other Duplex an object of Node's
// stream-wrapper class (libraries read its constructor).
define('_parentWrap', {
  get() {
    if (this[kParentWrap] !== undefined) return this[kParentWrap];
    return null;
  },
  set(value) { this[kParentWrap] = value; },
});

function setParentStream(handle, parent) {
  if (parent instanceof net.Socket) {
    handle[kParentWrap] = parent;
    return;
  }
  if (JSStreamSocket === undefined) probeBuiltinHandle();
  handle[kParentWrap] = Object.create(JSStreamSocket.prototype, {
    stream: { value: parent, enumerable: true },
  });
}

// True while a foreign `onread` guards the handle (an idle pooled socket).
function isResting(handle) {
  const onread = handle[kForeignOnread];
  if (onread === undefined || onread === null) return false;
  if (nodeOnread === undefined) probeBuiltinHandle();
  return onread !== nodeOnread;
}

// The socket's async id, as net keeps it (net.Socket's constructor sets
// -1, Agent sets the handle's after asyncReset): read from the handle until
// someone sets it. On the prototype, so that sockets keep one shape.
function installAsyncId(Socket) {
  if (asyncIdSymbol === undefined) return;
  Object.defineProperty(Socket.prototype, asyncIdSymbol, {
    configurable: true,
    enumerable: false,
    get() {
      const id = this[kSocketAsyncId];
      if (id !== undefined && id !== -1) return id;
      return this._handle ? this._handle.getAsyncId() : -1;
    },
    set(value) { this[kSocketAsyncId] = value; },
  });
}

// Node's class for a native stream over a JavaScript one.
function nodeStreamWrapper() {
  if (JSStreamSocket === undefined) probeBuiltinHandle();
  return JSStreamSocket;
}

module.exports = { setParentStream, isResting, installAsyncId, nodeStreamWrapper };
