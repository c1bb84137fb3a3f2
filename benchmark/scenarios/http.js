'use strict';
// HTTP scenarios: node:https / node:http2 against uvtls/https / uvtls/http2
// (lib/https.js, lib/http2.js), in the same shape as the others (index.js
// registers them). A scenario's `module` is what worker.js hands its
// functions in place of `tls`; `builtinRoles` are the roles that get the
// built-in whatever the implementation under test (the fixed side).
//   https-server  server benchmarks: the server changes, the load generator
//                 (wrk, or a built-in Node client) is the same for both
//   h2-server     the same for HTTP/2 (h2load, or a built-in http2 client)
//   https-client  client benchmarks: an https.Agent of the module under test
//                 against one built-in https server
// See benchmark/README.md for what each measures.

const { constants: { SSL_OP_NO_TICKET } } = require('crypto');
const certs = require('../lib/certs');
const loadgen = require('../lib/loadgen');
const { listen } = require('./common');

const { HOST, BODY } = loadgen;
const noop = () => {};


// Untimed warm-up before a timed run, as in common.js.
function warmupMs(p) {
  return Math.min(300, Math.max(100, p.durationMs / 10));
}

// Counts what the server does between the worker's begin and stop (the
// window of its CPU measurement): requests (or streams), TLS handshakes and
// how many of them resumed a session, and connection errors (not fatal: a
// load generator that stops resets connections). `cipher` and `protocol` are
// the first connection's.
// With `settle` (the load generator's connection count, for keep-alive
// load), the steady part starts when that many handshakes have completed
// in the window: steadyCpuUs and steadyRequests are this process's CPU time
// and the requests from then to stop, so that the CPU per request of
// keep-alive load does not include the connections' handshakes.
function serverStats(server, settle = 0) {
  const st = { counting: false, requests: 0, handshakes: 0, resumed: 0, clientErrors: 0,
               cipher: null, protocol: null };
  let mark = null;
  server.on('secureConnection', (sock) => {
    if (!st.protocol) {
      st.protocol = sock.getProtocol();
      try { st.cipher = sock.getCipher().name; } catch { /* optional */ }
    }
    if (!st.counting) return;
    st.handshakes++;
    if (sock.isSessionReused()) st.resumed++;
    if (settle && st.handshakes === settle) {
      mark = { cpu: process.cpuUsage(), requests: st.requests };
    }
  });
  return {
    st,
    handle: async (port) => ({
      port,
      begin() {
        Object.assign(st, { counting: true, requests: 0, handshakes: 0, resumed: 0, clientErrors: 0 });
        mark = null;
      },
      stats() {
        st.counting = false;
        const { counting, ...out } = st;
        if (mark) {
          const d = process.cpuUsage(mark.cpu);
          out.steadyCpuUs = d.user + d.system;
          out.steadyRequests = st.requests - mark.requests;
        }
        return out;
      },
    }),
  };
}

// The server's CPU per request: over the steady part where there is one
// (keep-alive load, see serverStats), else over the whole measurement.
function serverCpuPerRequest(s) {
  if (s.steadyRequests > 0) return s.steadyCpuUs / s.steadyRequests;
  return s.cpuUs / s.requests;
}

// A hello-world https server: 200, text/plain, 12 bytes. p.tickets === false
// sets SSL_OP_NO_TICKET, so that no session can be resumed (every handshake
// is a full one): the same option for both implementations.
async function httpsServer(https, p, env) {
  const { key, cert } = certs.load(env.certDir, p.key);
  const opts = { key, cert };
  if (p.tickets === false) opts.secureOptions = SSL_OP_NO_TICKET;
  let stats;
  const server = https.createServer(opts, (req, res) => {
    if (stats.st.counting) stats.st.requests++;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(BODY);
  });
  stats = serverStats(server, p.keepAlive && p.settle ? p.connections : 0);
  server.on('clientError', (err, sock) => {
    if (stats.st.counting) stats.st.clientErrors++;
    sock.destroy();
  });
  return stats.handle(await listen(server));
}

// A built-in https.Agent (keep-alive or not) for load from the Node side.
function agentsFor(https, p, env, count, perAgent) {
  const { ca } = certs.load(env.certDir, p.key);
  return Array.from({ length: count }, () => new https.Agent({
    ca, keepAlive: p.keepAlive, maxSockets: p.keepAlive ? perAgent : Infinity,
    ...(p.maxCachedSessions !== undefined ? { maxCachedSessions: p.maxCachedSessions } : {}),
  }));
}

// Fails a measurement with no completed requests or more than 1 % failed.
// A warm-up counts the responses that came after its (short) duration too.
function checkErrors(c, what, warmup = false) {
  if (warmup) c = { ...c, requests: c.requests + (c.late || 0) };
  if (!(c.requests > 0)) {
    throw new Error(`no ${what} completed${c.firstError ? ` (${c.firstError})` : ''}` +
                    `${c.errorDetail ? ` ${JSON.stringify(c.errorDetail)}` : ''}`);
  }
  if (c.errors > c.requests / 100) {
    throw new Error(`${c.errors} failed ${what} against ${c.requests} completed` +
                    `${c.firstError ? ` (first: ${c.firstError})` : ''}` +
                    `${c.errorDetail ? ` ${JSON.stringify(c.errorDetail)}` : ''}`);
  }
}

function serverInfo(s) {
  return { cipher: s.cipher, protocol: s.protocol, serverRequests: s.requests,
           handshakes: s.handshakes, resumed: s.resumed, clientErrors: s.clientErrors,
           steadyRequests: s.steadyRequests,
           serverCpuUsPerRequestWhole: Number((s.cpuUs / s.requests).toFixed(1)) };
}

// ---------------------------------------------------------------------------
// 8. https-server: the hello-world server of node:https vs uvtls/https under
// the same load generator (wrk, else a built-in Node client in the client
// process), keep-alive or a new connection per request.

const httpsServerScenario = {
  name: 'https-server',
  module: 'https',
  builtinRoles: ['client'],
  builtinLabel: 'node:https',
  reportInfo: ['loadGenerator', 'protocol', 'handshakesPerRequest', 'resumedFraction'],
  description: 'HTTPS hello-world server (the load generator is the same for both): ' +
    'requests/s and server CPU per request, keep-alive or a new connection per request',
  variants: (cfg) => [
    { id: 'https/keepalive', title: 'HTTPS server keep-alive 50 conns',
      keepAlive: true, tickets: true },
    { id: 'https/close', title: 'HTTPS server new conn per request (full handshakes)',
      keepAlive: false, tickets: false },
    { id: 'https/close-tickets', title: 'HTTPS server new conn per request (server tickets on)',
      keepAlive: false, tickets: true },
  ].map((v) => ({ ...v, key: 'rsa', connections: 50, settle: true,
                  durationMs: cfg.durationMs })),
  server: httpsServer,

  async prepare(https, p, env, port) {
    const agents = agentsFor(https, p, env, 1, 10);
    const w = await loadgen.httpsLoop(https, { port, connections: 10, durationMs: warmupMs(p),
                                               agents });
    for (const a of agents) a.destroy();
    checkErrors(w, 'warm-up requests', true);
    return {};
  },

  async client(https, p, env, port) {
    if (loadgen.hasTool('wrk')) {
      return loadgen.wrk({ port, connections: p.connections, durationMs: p.durationMs,
                           close: !p.keepAlive });
    }
    // Fallback: the built-in https client, 5 agents sharing the connections.
    const agents = agentsFor(https, p, env, 5, Math.ceil(p.connections / 5));
    const r = await loadgen.httpsLoop(https, { port, connections: p.connections,
                                               durationMs: p.durationMs, agents });
    for (const a of agents) a.destroy();
    return r;
  },

  metrics(c, s, p) {
    checkErrors(c, 'requests');
    if (!(s.requests > 0)) throw new Error('the server counted no requests');
    if (p.tickets === false && s.resumed > 0) {
      throw new Error(`${s.resumed} of ${s.handshakes} handshakes resumed a session`);
    }
    return {
      metrics: [
        { key: 'req_per_s', label: 'requests', unit: '/s', better: 'higher',
          value: c.requests / (c.elapsedMs / 1e3) },
        { key: 'server_cpu_us_per_req', label: 'server CPU', unit: 'µs/request',
          better: 'lower', value: serverCpuPerRequest(s) },
      ],
      info: { loadGenerator: c.tool, ...serverInfo(s),
              handshakesPerRequest: Number((s.handshakes / s.requests).toFixed(3)),
              resumedFraction: s.handshakes ? Number((s.resumed / s.handshakes).toFixed(3)) : 0,
              errors: c.errors, errorDetail: c.errorDetail, p50Us: c.p50Us, p99Us: c.p99Us,
              loadGenCpuPercent: c.childCpuUs !== undefined ?
                Number((c.childCpuUs / 10 / c.wallMs).toFixed(1)) : undefined },
    };
  },
};

// ---------------------------------------------------------------------------
// 9. h2-server: a secure HTTP/2 hello-world server, node:http2 vs
// uvtls/http2, under h2load (else a built-in http2 client process).

async function h2Server(http2, p, env) {
  const { key, cert } = certs.load(env.certDir, p.key);
  const server = p.api === 'compat' ?
    http2.createSecureServer({ key, cert }, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(BODY);
    }) :
    http2.createSecureServer({ key, cert });
  if (p.api === 'stream') {
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(BODY);
    });
  }
  const stats = serverStats(server, p.clients);
  server.on('stream', (stream) => {
    if (stats.st.counting) stats.st.requests++;
    stream.on('error', () => {
      if (stats.st.counting) stats.st.clientErrors++;
    });
  });
  server.on('sessionError', () => {
    if (stats.st.counting) stats.st.clientErrors++;
  });
  server.on('session', (session) => session.on('error', noop));
  return stats.handle(await listen(server));
}

const h2ServerScenario = {
  name: 'h2-server',
  module: 'http2',
  builtinRoles: ['client'],
  builtinLabel: 'node:http2',
  reportInfo: ['loadGenerator', 'protocol', 'handshakes'],
  description: 'secure HTTP/2 hello-world server (h2load -c 10 -m 10, the same for both): ' +
    'streams/s and server CPU per stream, core (stream) and compatibility (req, res) API',
  variants: (cfg) => [
    { id: 'h2/stream', title: 'HTTP/2 server 10 conns × 10 streams (stream API)', api: 'stream' },
    { id: 'h2/compat', title: 'HTTP/2 server 10 conns × 10 streams (req/res API)', api: 'compat' },
  ].map((v) => ({ ...v, key: 'rsa', clients: 10, streams: 10, durationMs: cfg.durationMs })),
  server: h2Server,

  async prepare(http2, p, env, port) {
    if (loadgen.hasTool('h2load')) {
      await loadgen.h2load({ port, clients: p.clients, streams: p.streams, requests: 2000 });
    } else {
      const { ca } = certs.load(env.certDir, p.key);
      await loadgen.h2Loop(http2, { port, ca, sessions: 2, streams: 10,
                                    durationMs: warmupMs(p) });
    }
    return {};
  },

  async client(http2, p, env, port) {
    if (loadgen.hasTool('h2load')) {
      return loadgen.h2load({ port, clients: p.clients, streams: p.streams,
                              durationMs: p.durationMs });
    }
    const { ca } = certs.load(env.certDir, p.key);
    return loadgen.h2Loop(http2, { port, ca, sessions: p.clients, streams: p.streams,
                                   durationMs: p.durationMs });
  },

  metrics(c, s) {
    checkErrors(c, 'streams');
    if (!(s.requests > 0)) throw new Error('the server counted no streams');
    return {
      metrics: [
        { key: 'streams_per_s', label: 'streams', unit: '/s', better: 'higher',
          value: c.requests / (c.elapsedMs / 1e3) },
        { key: 'server_cpu_us_per_stream', label: 'server CPU', unit: 'µs/stream',
          better: 'lower', value: serverCpuPerRequest(s) },
      ],
      info: { loadGenerator: c.tool, ...serverInfo(s), errors: c.errors,
              errorDetail: c.errorDetail,
              loadGenCpuPercent: c.childCpuUs !== undefined ?
                Number((c.childCpuUs / 10 / c.wallMs).toFixed(1)) : undefined },
    };
  },
};

// ---------------------------------------------------------------------------
// 10. https-client: an https.Agent of the module under test (node:https or
// uvtls/https: Agent and get from the same module), 50 requests in flight,
// against one built-in https server (tickets on, Node's default).

const httpsClientScenario = {
  name: 'https-client',
  module: 'https',
  builtinRoles: ['server'],
  builtinLabel: 'node:https',
  reportInfo: ['protocol', 'handshakesPerRequest', 'resumedFraction'],
  description: 'https.Agent + https.get of the module under test against a built-in ' +
    'https server, 50 requests in flight: requests/s and client CPU per request',
  variants: (cfg) => [
    { id: 'https-client/keepalive', title: 'HTTPS client Agent keep-alive 50 sockets',
      keepAlive: true },
    { id: 'https-client/close', title: 'HTTPS client new conn per request (Agent session cache)',
      keepAlive: false },
    { id: 'https-client/close-nosession',
      title: 'HTTPS client new conn per request (maxCachedSessions 0)',
      keepAlive: false, maxCachedSessions: 0 },
  ].map((v) => ({ ...v, key: 'rsa', connections: 50, tickets: true, durationMs: cfg.durationMs })),
  server: httpsServer,

  // One Agent, warmed up, then used by the timed part (keep-alive: its
  // sockets stay open; otherwise its session cache is kept).
  async prepare(https, p, env, port) {
    const agents = agentsFor(https, p, env, 1, p.connections);
    const w = await loadgen.httpsLoop(https, { port, connections: p.connections,
                                               durationMs: warmupMs(p), agents });
    checkErrors(w, 'warm-up requests', true);
    return { agents };
  },

  async client(https, p, env, port, st) {
    const r = await loadgen.httpsLoop(https, { port, connections: p.connections,
                                               durationMs: p.durationMs, agents: st.agents });
    for (const a of st.agents) a.destroy();
    return r;
  },

  metrics(c, s, p) {
    checkErrors(c, 'requests');
    const expectResumed = !p.keepAlive && p.maxCachedSessions !== 0;
    return {
      metrics: [
        { key: 'req_per_s', label: 'requests', unit: '/s', better: 'higher',
          value: c.requests / (c.elapsedMs / 1e3) },
        { key: 'client_cpu_us_per_req', label: 'client CPU', unit: 'µs/request',
          better: 'lower', value: c.cpuUs / c.requests },
        { key: 'server_cpu_us_per_req', label: 'server CPU (built-in)', unit: 'µs/request',
          better: null, value: s.cpuUs / s.requests },
      ],
      info: { ...serverInfo(s), errors: c.errors, firstError: c.firstError,
              handshakesPerRequest: Number((s.handshakes / s.requests).toFixed(3)),
              resumedFraction: s.handshakes ? Number((s.resumed / s.handshakes).toFixed(3)) : 0,
              expectResumed },
    };
  },
};

module.exports = { scenarios: [httpsServerScenario, h2ServerScenario, httpsClientScenario] };
