'use strict';
// ALPN: protocol lists in the wire format (each name prefixed by its
// length), and the server-side ALPNCallback.

const { Buffer } = require('buffer');
const { codes: { ERR_OUT_OF_RANGE, ERR_TLS_ALPN_CALLBACK_INVALID_RESULT } } =
  require('./errors');

// Each name's length, then the name written as a string: the same
// Buffer calls as Node's, so that a bad entry fails with the same error
// (a Buffer in the array too).
function toWire(protocols) {
  const lengths = protocols.map((p, i) => {
    const length = Buffer.byteLength(p);
    if (length > 255) {
      throw new ERR_OUT_OF_RANGE(`The byte length of the protocol at index ${i} ` +
                                 'exceeds the maximum length.', '<= 255', length, true);
    }
    return length;
  });
  const wire = Buffer.allocUnsafe(lengths.reduce((sum, length) => sum + 1 + length, 0));
  let offset = 0;
  for (let i = 0; i < protocols.length; i++) {
    wire[offset++] = lengths[i];
    wire.write(protocols[i], offset);
    offset += lengths[i];
  }
  return wire;
}

// tls.convertALPNProtocols(protocols, out): sets out.ALPNProtocols.
function convertALPNProtocols(protocols, out) {
  if (Array.isArray(protocols)) {
    out.ALPNProtocols = toWire(protocols);
  } else if (ArrayBuffer.isView(protocols)) {
    // A copy, so that later changes by the caller do not leak in.
    out.ALPNProtocols = Buffer.from(protocols.buffer.slice(
      protocols.byteOffset, protocols.byteOffset + protocols.byteLength));
  }
}

// A socket's ALPNProtocols in the wire format; anything else that is set
// fails as the built-in's native setter does.
function socketProtocols(protocols) {
  const out = {};
  convertALPNProtocols(protocols, out);
  if (out.ALPNProtocols === undefined) throw new TypeError('Must give a Buffer as first argument');
  return out.ALPNProtocols;
}

function fromWire(wire) {
  const protocols = [];
  for (let offset = 0; offset < wire.length;) {
    const len = wire[offset];
    protocols.push(wire.toString('ascii', offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  return protocols;
}

// Calls the application's ALPNCallback (with the socket as `this`) with the
// client's offer; returns the offset of the chosen name in the offer, or
// undefined to refuse them all.
function selectWithCallback(socket, callback, servername, offered) {
  const protocols = fromWire(offered);
  const selected = callback.call(socket, { servername, protocols });
  if (selected === undefined) return undefined;
  const index = protocols.indexOf(selected);
  if (index === -1) {
    throw new ERR_TLS_ALPN_CALLBACK_INVALID_RESULT(selected, protocols);
  }
  let offset = 0;
  for (let i = 0; i < index; i++) offset += 1 + Buffer.byteLength(protocols[i]);
  return offset;
}

module.exports = { convertALPNProtocols, socketProtocols, selectWithCallback };
