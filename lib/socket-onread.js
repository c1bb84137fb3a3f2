'use strict';
// The `onread` option: plaintext goes into a buffer the application gives
// (or a function returns) and to its callback, instead of 'data' events.
// A callback that returns false stops reading until resume(). Installed
// on TLSSocket.prototype.

const { isUint8Array } = require('util/types');

const kOnread = Symbol('kOnread');
const kOnreadRest = Symbol('kOnreadRest');
const kOnreadPaused = Symbol('kOnreadPaused');

// Takes the option as net does: anything else is ignored.
function setOnread(socket, onread) {
  if (onread === null || typeof onread !== 'object' || typeof onread.callback !== 'function') {
    return;
  }
  const { buffer, callback } = onread;
  if (typeof buffer === 'function') {
    socket[kOnread] = { buffer: buffer(), next: buffer, callback };
  } else if (isUint8Array(buffer)) {
    socket[kOnread] = { buffer, next: null, callback };
  }
}

function hasOnread(socket) {
  return socket[kOnread] !== undefined;
}

// Hands `chunk` over in buffer-sized pieces; returns false when the
// application asked to stop, keeping what it has not seen yet.
function deliverOnread(socket, chunk) {
  const state = socket[kOnread];
  let offset = 0;
  while (offset < chunk.length && !socket.destroyed) {
    const target = state.buffer;
    const n = Math.min(target.length, chunk.length - offset);
    if (n === 0) break;
    target.set(chunk.subarray(offset, offset + n));
    offset += n;
    const more = state.callback.call(socket, n, target) !== false;
    if (state.next !== null) {
      const next = state.next();
      if (isUint8Array(next)) state.buffer = next;
    }
    if (!more || socket[kOnreadPaused]) {
      if (offset < chunk.length) socket[kOnreadRest] = chunk.subarray(offset);
      return false;
    }
  }
  return true;
}

function install(TLSSocket) {
  const base = Object.getPrototypeOf(TLSSocket.prototype);
  Object.defineProperty(TLSSocket.prototype, 'resume', {
    value: function resume() {
      if (hasOnread(this)) {
        this[kOnreadPaused] = false;
        const rest = this[kOnreadRest];
        this[kOnreadRest] = null;
        if (rest && !deliverOnread(this, rest)) return this;
        if (this._handle && this._secureEstablished && !this.connecting) {
          this._handle.readStart();
        }
      }
      return base.resume.call(this);
    },
    writable: true, configurable: true, enumerable: false,
  });
  // With onread there are no 'data' events to hold back: pausing stops
  // reading, as net does.
  Object.defineProperty(TLSSocket.prototype, 'pause', {
    value: function pause() {
      if (hasOnread(this)) {
        this[kOnreadPaused] = true;
        if (this._handle && this._secureEstablished) this._handle.readStop();
      }
      return base.pause.call(this);
    },
    writable: true, configurable: true, enumerable: false,
  });
}

module.exports = { install, setOnread, hasOnread, deliverOnread };
