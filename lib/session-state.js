'use strict';
// Client sessions bound to the server they were made for, as Node 22 and
// later hand them out: the 'session' event and getSession() give the
// serialized session behind a marker and the name of the server it was
// verified for; a session offered again (the `session` option, setSession)
// is used only for that same server, and a bare session (one without the
// marker, as Node 20 gives) only by a client that does not verify its
// server. The marker's bytes are Node's, so that sessions pass between
// uvtls and the built-in either way. On Node 20 sessions stay bare.

const { Buffer } = require('buffer');

const { nodeMajor } = require('./release');
const bound = nodeMajor >= 22;
const MARKER = Buffer.from('\0nodejs:tls:session:1\0', 'latin1');

// The name a client's session is bound to.
function serverIdentity(options) {
  return options?.servername || options?.host || options?.socket?._host || 'localhost';
}

// The session as the running Node gives it to the application.
function wrapSession(session, options) {
  if (!bound || !Buffer.isBuffer(session) || options?.isServer) return session;
  const name = Buffer.from(serverIdentity(options), 'utf8');
  const head = Buffer.allocUnsafe(MARKER.length + 2);
  MARKER.copy(head, 0);
  head.writeUInt16BE(name.length, MARKER.length);
  return Buffer.concat([head, name, session]);
}

// { servername, session } of a marked session, or undefined.
function unwrapSession(data) {
  if (!Buffer.isBuffer(data) || data.length < MARKER.length + 2 ||
      !data.subarray(0, MARKER.length).equals(MARKER)) {
    return undefined;
  }
  const length = data.readUInt16BE(MARKER.length);
  const start = MARKER.length + 2;
  if (data.length < start + length) return undefined;
  return { servername: data.toString('utf8', start, start + length), session: data.subarray(start + length) };
}

// What of `session` (a string is latin1 bytes) a client with these options
// offers the server: the serialized session, or undefined for none.
function sessionForReuse(session, options) {
  if (typeof session === 'string') session = Buffer.from(session, 'latin1');
  if (!bound || options?.isServer) return session;
  const marked = unwrapSession(session);
  if (marked !== undefined) {
    return marked.servername === serverIdentity(options) ? marked.session : undefined;
  }
  if (Buffer.isBuffer(session) && options?.rejectUnauthorized !== false) return undefined;
  return session;
}

module.exports = { wrapSession, sessionForReuse };
