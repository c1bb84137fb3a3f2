'use strict';
// 2. handshake (full handshakes) and 3. resume (resumed handshakes); the
// handshake storm is also the flood's load (echo.js).

const {
  now, noop, tlsId, serverOptions, clientOptions, listen, expectProtocol, warmupMs, describe,
} = require('./common');

// ---------------------------------------------------------------------------
// 2./3. handshakes: `concurrency` connections in flight for a fixed time;
// each connects, waits for 'secureConnect' and destroys the socket.

// The handshake storm shared by full and resumed handshakes and the flood:
// keeps p.concurrency connections in flight; each connects, waits for
// 'secureConnect' and destroys the socket, and a new one starts. No
// connection starts after `deadline`, and only handshakes completed by then
// count. Returns { mark(), stop(elapsedMs?) }: mark() restarts the counts
// (after a warm-up), stop() ends the storm and returns the counts (or throws
// if none completed or more than 1 % failed). A fatal error (wrong protocol,
// ERR_UVTLS_NOT_IMPLEMENTED, connect() throwing) ends it and calls onFatal.
function startStorm(tls, p, makeOpts, { deadline = Infinity, onFatal }) {
  const inflight = new Set();
  let t0 = now();
  let completed = 0;
  let resumed = 0;
  let errors = 0;
  let firstError = null;
  let stopped = false;
  let checked = false;
  let negotiated = {};

  const halt = () => {
    stopped = true;
    for (const s of inflight) s.destroy();
  };
  const fatal = (err) => {
    if (stopped) return;
    halt();
    onFatal(err);
  };

  const launch = () => {
    if (stopped || now() >= deadline) return;
    let sock;
    try {
      sock = tls.connect(makeOpts());
    } catch (err) {
      return fatal(err);
    }
    inflight.add(sock);
    let next = false;
    const again = () => {
      inflight.delete(sock);
      if (!next) {
        next = true;
        launch();
      }
    };
    sock.once('secureConnect', () => {
      if (!stopped && now() <= deadline) {
        completed++;
        if (sock.isSessionReused()) resumed++;
      }
      if (!checked) {
        checked = true;
        try {
          expectProtocol(sock, p);
        } catch (err) {
          return fatal(err);
        }
        negotiated = describe(sock);
      }
      sock.destroy();
      again();
    });
    sock.on('error', (err) => {
      if (stopped) return;
      errors++;
      if (!firstError) firstError = err;
      if (err.code === 'ERR_UVTLS_NOT_IMPLEMENTED') return fatal(err);
      again();
    });
    sock.once('close', again);
  };

  for (let i = 0; i < p.concurrency; i++) launch();

  return {
    mark() {
      t0 = now();
      completed = resumed = errors = 0;
    },
    stop(elapsedMs = now() - t0) {
      halt();
      if (completed === 0) throw firstError || new Error('no handshake completed');
      if (errors > Math.max(5, completed * 0.01)) {
        const e = new Error(`${errors} connection errors (${completed} handshakes); ` +
                            `first: ${firstError && firstError.message}`);
        e.code = firstError && firstError.code;
        throw e;
      }
      return { completed, resumed, errors, elapsedMs, ...negotiated };
    },
  };
}

// A storm for a fixed time; resolves with its counts.
function storm(tls, p, makeOpts, durationMs = p.durationMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(s.stop(durationMs));
      } catch (err) {
        reject(err);
      }
    }, durationMs);
    const s = startStorm(tls, p, makeOpts, {
      deadline: now() + durationMs,
      onFatal: (err) => {
        clearTimeout(timer);
        reject(err);
      },
    });
  });
}

async function handshakeServer(tls, p, env) {
  const server = tls.createServer(serverOptions(p, env), (sock) => {
    // Clients destroy right after the handshake: resets are expected.
    sock.on('error', noop);
  });
  server.on('tlsClientError', noop);
  return { port: await listen(server) };
}

function handshakeMetrics(what) {
  return (c, s) => {
    const perSec = c.completed / (c.elapsedMs / 1e3);
    const info = { cipher: c.cipher, kx: c.kx, completed: c.completed, resumed: c.resumed,
                   errors: c.errors };
    if (what === 'resumed') {
      const frac = c.resumed / c.completed;
      if (frac < 0.9) {
        throw new Error(`only ${c.resumed} of ${c.completed} handshakes were resumptions`);
      }
      info.resumedFraction = Number(frac.toFixed(4));
    }
    return {
      metrics: [
        { key: 'hs_per_s', label: `${what} handshakes`, unit: '/s', better: 'higher',
          value: perSec },
        { key: 'server_cpu_ms_per_hs', label: 'server CPU', unit: 'ms/handshake',
          better: 'lower', value: s.cpuUs / 1e3 / c.completed },
        { key: 'client_cpu_ms_per_hs', label: 'client CPU', unit: 'ms/handshake',
          better: 'lower', value: c.cpuUs / 1e3 / c.completed },
      ],
      info,
    };
  };
}

const handshake = {
  name: 'handshake',
  description: 'full handshakes per second, 50 in flight, RSA-2048 / ECDSA P-256',
  variants: (cfg) => {
    const out = [];
    for (const tls of ['TLSv1.3', 'TLSv1.2']) {
      for (const key of ['rsa', 'ecdsa']) {
        const keyName = key === 'rsa' ? 'rsa2048' : 'ecdsa-p256';
        out.push({
          id: `handshake/${keyName}-${tlsId(tls)}`,
          title: `full handshake ${key === 'rsa' ? 'RSA-2048' : 'ECDSA P-256'} ${tls}`,
          tls, key, concurrency: 50, durationMs: cfg.durationMs,
        });
      }
    }
    return out;
  },
  server: handshakeServer,
  async prepare(tls, p, env, port) {
    const base = clientOptions(tls, p, env, port);
    await storm(tls, p, () => ({ ...base }), warmupMs(p));
  },
  async client(tls, p, env, port) {
    const base = clientOptions(tls, p, env, port);
    return storm(tls, p, () => ({ ...base }));
  },
  metrics: handshakeMetrics('full'),
};

const resume = {
  name: 'resume',
  description: 'resumed handshakes per second (session option), 50 in flight',
  variants: (cfg) => ['TLSv1.3', 'TLSv1.2'].map((tls) => ({
    id: `resume/${tlsId(tls)}`,
    title: `resumed handshake ${tls} (${tls === 'TLSv1.3' ? 'ticket' : 'session ticket'})`,
    tls, key: 'rsa', concurrency: 50, durationMs: cfg.durationMs,
  })),
  server: handshakeServer,

  // One full handshake to obtain a session ('session' event), then warm-up.
  async prepare(tls, p, env, port) {
    const session = await new Promise((resolve, reject) => {
      const sock = tls.connect(clientOptions(tls, p, env, port));
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error("no 'session' event within 2 s"));
      }, 2000);
      sock.once('session', (sess) => {
        clearTimeout(timer);
        sock.end();
        resolve(sess);
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sock.resume();
    });
    if (!Buffer.isBuffer(session) || session.length === 0) {
      throw new Error("'session' event did not deliver a session Buffer");
    }
    const base = clientOptions(tls, p, env, port, { session });
    await storm(tls, p, () => ({ ...base }), warmupMs(p));
    return { session };
  },

  async client(tls, p, env, port, st) {
    const base = clientOptions(tls, p, env, port, { session: st.session });
    return storm(tls, p, () => ({ ...base }));
  },
  metrics: handshakeMetrics('resumed'),
};

module.exports = { handshake, resume, startStorm };
