'use strict';
// 11. file: a file sent over one connection with stream.pipeline(), as
// programs serve and save files. run.js calls setup() once (before the first
// measurement of a file variant): it writes the file, random bytes, into the
// runner's temporary directory (removed at exit), and every worker gets its
// path as env.shared.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { pipeline } = require('stream');
const { promisify } = require('util');
const {
  MiB, now, serverOptions, clientOptions, listen, expectProtocol, connect, closed, describe, countArrivals,
} = require('./common');
const { throughputMetrics } = require('./bulk');

const pipelineP = promisify(pipeline);

// Bytes compared between the sent and the received file (recv), at this
// many evenly spaced places: a cheap check on top of the byte counts.
const SAMPLE = 64 * 1024;
const SAMPLES = 8;

const file = {
  name: 'file',
  description: 'a file (--file-size, default 256 MiB) through stream.pipeline() and one ' +
    'connection, MB/s and CPU s/GB',
  variants: (cfg) => [
    { id: 'file/send-tls1.3', dir: 'send',
      title: `file send ${cfg.fileBytes / MiB} MiB client→server TLSv1.3` },
    { id: 'file/recv-tls1.3', dir: 'recv',
      title: `file recv ${cfg.fileBytes / MiB} MiB server→client TLSv1.3` },
  ].map((v) => ({
    ...v, tls: 'TLSv1.3', key: 'rsa', fileBytes: cfg.fileBytes,
    timeoutSec: Math.ceil(30 + cfg.fileBytes / MiB / 20), // at least 20 MB/s
  })),

  // Writes the file (in 1 MiB pieces, bounded by the size) into `dir`.
  setup(dir, cfg) {
    const name = path.join(dir, `file-${cfg.fileBytes}.bin`);
    const fd = fs.openSync(name, 'w');
    try {
      const buf = Buffer.allocUnsafe(Math.min(MiB, cfg.fileBytes));
      for (let left = cfg.fileBytes; left > 0; left -= buf.length) {
        const n = Math.min(left, buf.length);
        crypto.randomFillSync(buf, 0, n);
        fs.writeSync(fd, buf, 0, n);
      }
    } finally {
      fs.closeSync(fd);
    }
    return { file: name, bytes: cfg.fileBytes, recvFile: path.join(dir, 'file-recv.bin') };
  },

  // send: counts what arrives, from the first byte to 'end'. recv: on the
  // client's one byte, pipes the file into the connection (which pipeline()
  // ends afterwards).
  async server(tls, p, env) {
    const st = { bytes: 0, elapsedMs: 0, sent: 0, ended: false };
    const server = tls.createServer(serverOptions(p, env), (sock) => {
      sock.on('error', env.fatal);
      if (p.dir === 'send') {
        countArrivals(sock, st);
      } else {
        sock.once('data', () => {
          const rs = fs.createReadStream(env.shared.file);
          pipeline(rs, sock, (err) => {
            if (err) return env.fatal(err);
            st.sent = rs.bytesRead;
          });
        });
      }
    });
    server.on('tlsClientError', env.fatal);
    return { port: await listen(server), stats: async () => st };
  },

  // The connection (and for recv the destination file, truncated, opened)
  // before the timed part.
  async prepare(tls, p, env, port) {
    const sock = await connect(tls, clientOptions(tls, p, env, port));
    expectProtocol(sock, p);
    sock.on('error', env.fatal);
    if (p.dir === 'send') return { sock };
    fs.rmSync(env.shared.recvFile, { force: true });
    const ws = fs.createWriteStream(env.shared.recvFile);
    await new Promise((resolve, reject) => {
      ws.once('ready', resolve);
      ws.once('error', reject);
    });
    return { sock, ws };
  },

  async client(tls, p, env, port, { sock, ws }) {
    const res = { ...describe(sock), protocol: sock.getProtocol() };
    const done = closed(sock);
    if (p.dir === 'send') {
      const rs = fs.createReadStream(env.shared.file);
      sock.resume();
      await pipelineP(rs, sock);
      res.sent = rs.bytesRead;
    } else {
      let t0 = 0;
      sock.once('data', () => { t0 = now(); });
      const piped = pipelineP(sock, ws);
      sock.write('g');
      await piped; // the write stream has finished
      res.elapsedMs = now() - t0;
      res.bytes = ws.bytesWritten;
      res.fileSize = fs.statSync(env.shared.recvFile).size;
      res.sameSamples = sameSamples(env.shared.file, env.shared.recvFile, p.fileBytes);
    }
    await done;
    return res;
  },

  metrics(c, s, p) {
    const rx = p.dir === 'send' ? s : c;
    const tx = p.dir === 'send' ? c : s;
    if (p.dir === 'send' && !s.ended) throw new Error('server did not see the end of the stream');
    if (tx.sent !== p.fileBytes) {
      throw new Error(`the sender read ${tx.sent} bytes of the ${p.fileBytes}-byte file`);
    }
    if (rx.bytes !== tx.sent) {
      throw new Error(`receiver got ${rx.bytes} bytes but ${tx.sent} were sent`);
    }
    if (p.dir === 'recv' && c.fileSize !== p.fileBytes) {
      throw new Error(`the received file has ${c.fileSize} bytes, expected ${p.fileBytes}`);
    }
    if (p.dir === 'recv' && !c.sameSamples) {
      throw new Error('the received file differs from the sent one');
    }
    if (!(rx.elapsedMs > 0)) throw new Error('no data was received');
    return {
      metrics: throughputMetrics(rx.bytes, rx.elapsedMs, c.cpuUs + s.cpuUs),
      info: { cipher: c.cipher, kx: c.kx, protocol: c.protocol, bytes: rx.bytes },
    };
  },
};

// Whether SAMPLES pieces of SAMPLE bytes, evenly spaced (the first at 0, the
// last at the end), are the same in both files.
function sameSamples(a, b, size) {
  const fa = fs.openSync(a, 'r');
  const fb = fs.openSync(b, 'r');
  try {
    const ba = Buffer.alloc(SAMPLE);
    const bb = Buffer.alloc(SAMPLE);
    const span = Math.max(0, size - SAMPLE);
    for (let i = 0; i < SAMPLES; i++) {
      const pos = Math.floor((span * i) / (SAMPLES - 1));
      const na = fs.readSync(fa, ba, 0, SAMPLE, pos);
      const nb = fs.readSync(fb, bb, 0, SAMPLE, pos);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
    }
    return true;
  } finally {
    fs.closeSync(fa);
    fs.closeSync(fb);
  }
}

module.exports = { file };
