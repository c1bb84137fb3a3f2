'use strict';
// TLS on the wire, for hostile peers: records split out of a byte stream,
// a proxy between a client and a real server that sees every record and
// may drop, replace or add some, and TLS 1.3 record protection
// (TLS_AES_128_GCM_SHA256) from the traffic secrets a keylog gives, so
// that a hostile server can send encrypted handshake messages of its own.

const crypto = require('crypto');
const net = require('net');

const CONTENT = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 };

// Splits whole records off `state.buffer`; returns [{ type, bytes }].
function takeRecords(state, data) {
  state.buffer = state.buffer ? Buffer.concat([state.buffer, data]) : data;
  const records = [];
  while (state.buffer.length >= 5) {
    const length = state.buffer.readUInt16BE(3);
    if (state.buffer.length < 5 + length) break;
    records.push({ type: state.buffer[0], bytes: state.buffer.subarray(0, 5 + length) });
    state.buffer = state.buffer.subarray(5 + length);
  }
  return records;
}

function record(type, body, version = 0x0303) {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt16BE(version, 1);
  head.writeUInt16BE(body.length, 3);
  return Buffer.concat([head, body]);
}

function alertRecord(level, description) {
  return record(CONTENT.alert, Buffer.from([level, description]));
}

// A TCP proxy to `target` (a port on 127.0.0.1). For each connection,
// `onServerRecord(record, ctx)` decides about every record the server
// sends: return an array of Buffers to send the client instead (empty to
// drop it), or undefined to pass it on. ctx: { client, upstream, log,
// fromClient: [records] }. Resolves with { port, close() }.
async function recordProxy(target, { onServerRecord, onClientRecord } = {}) {
  const conversations = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    const ctx = { client, upstream, fromClient: [], fromServer: [], clientEnded: false, clientClosedAt: null };
    conversations.push(ctx);
    const down = {};
    const up = {};
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('data', (data) => {
      for (const r of takeRecords(up, data)) {
        ctx.fromClient.push({ ...r, at: process.hrtime.bigint() });
        const replaced = onClientRecord ? onClientRecord(r, ctx) : undefined;
        if (replaced === undefined) upstream.write(r.bytes);
        else for (const b of replaced) upstream.write(b);
      }
    });
    upstream.on('data', (data) => {
      for (const r of takeRecords(down, data)) {
        ctx.fromServer.push(r);
        const replaced = onServerRecord ? onServerRecord(r, ctx) : undefined;
        if (client.destroyed) continue;
        if (replaced === undefined) client.write(r.bytes);
        else for (const b of replaced) client.write(b);
      }
    });
    client.on('end', () => {
      ctx.clientEnded = true;
      upstream.end();
    });
    client.on('close', () => {
      ctx.clientClosedAt = process.hrtime.bigint();
      upstream.destroy();
    });
    upstream.on('close', () => {
      if (!ctx.keepClient) client.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    conversations,
    close: () => new Promise((resolve) => {
      for (const c of conversations) {
        c.client.destroy();
        c.upstream.destroy();
      }
      server.close(resolve);
    }),
  };
}

// HKDF-Expand-Label (RFC 8446, 7.1) with SHA-256.
function expandLabel(secret, label, context, length) {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, full.length]), full,
    Buffer.from([context.length]), context,
  ]);
  let t = Buffer.alloc(0);
  let out = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = crypto.createHmac('sha256', secret).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, length);
}

// The record protection of one direction under a traffic secret
// (TLS_AES_128_GCM_SHA256): seal(type, plaintext) and open(recordBytes),
// each with its own sequence number.
function protection(secret) {
  const key = expandLabel(secret, 'key', Buffer.alloc(0), 16);
  const iv = expandLabel(secret, 'iv', Buffer.alloc(0), 12);
  const nonce = (seq) => {
    const n = Buffer.from(iv);
    const s = Buffer.alloc(8);
    s.writeBigUInt64BE(BigInt(seq));
    for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
    return n;
  };
  const state = { seq: 0 };
  return {
    state,
    seal(type, plaintext) {
      const inner = Buffer.concat([plaintext, Buffer.from([type])]);
      const head = Buffer.from([CONTENT.application_data, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff]);
      const cipher = crypto.createCipheriv('aes-128-gcm', key, nonce(state.seq++));
      cipher.setAAD(head);
      return Buffer.concat([head, cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
    },
    // { type, plaintext } or null if it does not open at this sequence number.
    open(bytes, seq = state.seq) {
      try {
        const decipher = crypto.createDecipheriv('aes-128-gcm', key, nonce(seq));
        decipher.setAAD(bytes.subarray(0, 5));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        let inner = Buffer.concat([decipher.update(bytes.subarray(5, bytes.length - 16)), decipher.final()]);
        let end = inner.length;
        while (end > 0 && inner[end - 1] === 0) end--;
        const type = inner[end - 1];
        inner = inner.subarray(0, end - 1);
        if (seq === state.seq) state.seq++;
        return { type, plaintext: inner };
      } catch {
        return null;
      }
    },
  };
}

// Secrets by name from keylog lines ("NAME client_random secret").
function secretsFrom(lines) {
  const out = {};
  for (const line of lines) {
    const [name, , secret] = String(line).trim().split(' ');
    if (secret) out[name] = Buffer.from(secret, 'hex');
  }
  return out;
}

module.exports = { CONTENT, takeRecords, record, alertRecord, recordProxy, protection, secretsFrom, expandLabel };
