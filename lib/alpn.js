'use strict';
// ALPN: protocol lists in the wire format (each name prefixed by its
// length), and the server-side ALPNCallback.

const { Buffer } = require('buffer');
const { codes: { ERR_OUT_OF_RANGE, ERR_TLS_ALPN_CALLBACK_INVALID_RESULT } } =
  require('./errors');

function toWire(protocols) {
  const names = protocols.map((p, i) => {
    const name = typeof p === 'string' ? Buffer.from(p) :
      Buffer.from(p.buffer, p.byteOffset, p.byteLength);
    if (name.length > 255) {
      throw new ERR_OUT_OF_RANGE(`The byte length of the protocol at index ${i} ` +
                                 'exceeds the maximum length.', '<= 255', name.length, true);
    }
    return name;
  });
  const parts = [];
  for (const name of names) parts.push(Buffer.from([name.length]), name);
  return Buffer.concat(parts);
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

module.exports = { convertALPNProtocols, selectWithCallback };
