'use strict';
// What every TLSSocket method and getter gives in one state of a socket:
// its return value (seen through `see`, which keeps what is deterministic
// of values made of random bytes or ports) or its throw (compared whole),
// and the events the calls set off.

const { X509Certificate } = require('crypto');
const { errorView } = require('./fidelity-compare');

// A value as the comparison sees it.
function see(value, seen = new Set()) {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  if (value instanceof X509Certificate) return `X509Certificate(${value.subject.replace(/\n/g, ', ')})`;
  if (value instanceof Error) return errorView(value);
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => see(v, seen));
  const out = {};
  for (const key of Object.keys(value)) {
    // Ports and addresses come from the system.
    out[key] = key === 'port' ? typeof value[key] : see(value[key], seen);
  }
  out['[prototype]'] = Object.getPrototypeOf(value) === null ? null :
    Object.getPrototypeOf(value).constructor?.name;
  return out;
}

// A serialized session by its structure: Node's marker (Node 22 and later)
// and the name it binds, then the DER fields of the SSL_SESSION by tag, with
// the length of its octet strings (session id, master key, ...): times,
// lifetimes and ticket bytes vary from one handshake to the next.
const SESSION_MARKER = Buffer.from('\0nodejs:tls:session:1\0', 'latin1');
function sessionShape(buf) {
  if (!Buffer.isBuffer(buf)) return see(buf);
  const out = [];
  if (buf.subarray(0, SESSION_MARKER.length).equals(SESSION_MARKER)) {
    const n = buf.readUInt16BE(SESSION_MARKER.length);
    out.push(`marker(${buf.toString('utf8', SESSION_MARKER.length + 2, SESSION_MARKER.length + 2 + n)})`);
    buf = buf.subarray(SESSION_MARKER.length + 2 + n);
  }
  const header = (at) => {
    let len = buf[at + 1];
    let size = 2;
    if (len & 0x80) {
      const k = len & 0x7f;
      len = 0;
      for (let i = 0; i < k; i++) len = len * 256 + buf[at + 2 + i];
      size += k;
    }
    return [size, len];
  };
  for (let at = header(0)[0]; at < buf.length;) {
    const [size, len] = header(at);
    out.push(buf[at] === 0x04 ? `04:${len}` : buf[at].toString(16));
    at += size + len;
  }
  return out.join(' ');
}

function call(fn) {
  try {
    return { returned: see(fn()) };
  } catch (err) {
    return { threw: errorView(err) };
  }
}

// Reads that change nothing, in every state.
const READS = [
  ['getPeerCertificate()', (s) => s.getPeerCertificate()],
  ['getPeerCertificate(true)', (s) => s.getPeerCertificate(true)],
  ['getCertificate()', (s) => s.getCertificate()],
  ['getPeerX509Certificate()', (s) => s.getPeerX509Certificate()],
  ['getX509Certificate()', (s) => s.getX509Certificate()],
  ['getCipher()', (s) => s.getCipher()],
  ['getProtocol()', (s) => s.getProtocol()],
  ['isSessionReused()', (s) => s.isSessionReused()],
  ['getSession()', (s) => sessionShape(s.getSession())],
  // The server's ticket: opaque, its length varies.
  ['getTLSTicket()', (s) => {
    const ticket = s.getTLSTicket();
    return Buffer.isBuffer(ticket) ? 'a Buffer' : ticket;
  }],
  ['getFinished()', (s) => s.getFinished()],
  ['getPeerFinished()', (s) => s.getPeerFinished()],
  ['getEphemeralKeyInfo()', (s) => s.getEphemeralKeyInfo()],
  ['getSharedSigalgs()', (s) => s.getSharedSigalgs()],
  ['exportKeyingMaterial(16, "x")', (s) => s.exportKeyingMaterial(16, 'x')],
  ['address()', (s) => s.address()],
  ['authorized', (s) => s.authorized],
  ['authorizationError', (s) => s.authorizationError],
  ['encrypted', (s) => s.encrypted],
  ['alpnProtocol', (s) => s.alpnProtocol],
  ['servername', (s) => s.servername],
  ['secureConnecting', (s) => s.secureConnecting],
  ['connecting', (s) => s.connecting],
  ['pending', (s) => s.pending],
  ['readyState', (s) => s.readyState],
  ['destroyed', (s) => s.destroyed],
  ['readable', (s) => s.readable],
  ['writable', (s) => s.writable],
  ['remoteAddress', (s) => s.remoteAddress],
  ['remoteFamily', (s) => s.remoteFamily],
  ['localAddress', (s) => s.localAddress],
  ['bytesRead', (s) => s.bytesRead],
  ['bytesWritten', (s) => s.bytesWritten],
  ['ssl is an object', (s) => s.ssl !== null && typeof s.ssl === 'object'],
  ['_handle is an object', (s) => s._handle !== null && typeof s._handle === 'object'],
];

// Calls the built-in survives only before its socket started or once it
// is destroyed (after the start its setServername() aborts the process,
// and a trace would go to stderr).
const EARLY_WRITES = [
  ['setServername("example.com")', (s) => s.setServername('example.com')],
  ['enableTrace()', (s) => s.enableTrace()],
];

// Calls that change the socket, made after the reads, in this order.
const WRITES = [
  ['setMaxSendFragment(1024)', (s) => s.setMaxSendFragment(1024)],
  ['setMaxSendFragment(100)', (s) => s.setMaxSendFragment(100)],
  ['disableRenegotiation()', (s) => s.disableRenegotiation()],
  ['renegotiate({})', (s) => s.renegotiate({})],
];

// Probes `socket` now: { [member]: outcome }, then (after a turn of the
// loop) the events the calls set off. `writes` adds the WRITES, `early`
// the EARLY_WRITES; `skip` names members not to call.
async function probe(socket, { writes = true, early = false, skip = [] } = {}) {
  const result = {};
  for (const [name, fn] of READS) result[name] = skip.includes(name) ? 'not called' : call(() => fn(socket));
  if (writes) {
    const events = [];
    const onError = (err) => events.push(['error', errorView(err)]);
    socket.on('error', onError);
    const record = (name) => (...args) => events.push([name, ...args.map((a) => see(a))]);
    const listeners = ['end', 'close', 'finish', 'data', 'secure', 'secureConnect'].map((e) => [e, record(e)]);
    for (const [e, fn] of listeners) socket.on(e, fn);
    if (early) for (const [name, fn] of EARLY_WRITES) result[name] = call(() => fn(socket));
    for (const [name, fn] of WRITES) result[name] = call(() => fn(socket));
    let done;
    const callbackSeen = new Promise((resolve) => { done = resolve; });
    result['renegotiate({}, callback)'] = call(() => socket.renegotiate({}, (err) => {
      events.push(['renegotiate callback', see(err)]);
      done();
    }));
    await Promise.race([callbackSeen, new Promise((resolve) => setTimeout(resolve, 50))]);
    await new Promise((resolve) => setImmediate(resolve));
    for (const [e, fn] of listeners) socket.removeListener(e, fn);
    socket.removeListener('error', onError);
    socket.on('error', () => {});
    result.events = events;
    // Last, its events unseen: the built-in leaves OpenSSL's parse error
    // behind, and the socket's next failure reports it (a built-in bug).
    result['setSession(garbage)'] = call(() => socket.setSession(Buffer.from('garbage')));
  }
  return result;
}

module.exports = { probe, see, READS, WRITES };
