'use strict';
// One side (server, client or load) of one measurement, in its own process,
// forked by run.js with one JSON argument: { role, scenario, variant, impl,
// certDir, clientContext, port?, shared? }. It talks to run.js over the IPC channel:
//   server: -> ready {port}; <- begin; -> begun;   <- stop; -> result
//   client: -> ready;                 <- run;     -> result
//   load:   -> ready;        <- run;  -> running; <- stop; -> result
//   any:    -> error {code, message}  (then exits)
// The load role exists only for scenarios with a load() (background work
// against the server while the client measures, see scenarios.js).
// CPU time is taken from process.cpuUsage() over begin..stop (server), over
// run (client) and over running..stop (load), and reported as cpuUs with the
// wall time of that window as wallMs. The process exits when run.js goes away.

const path = require('path');
const { scenarios } = require('./scenarios');

const cfg = JSON.parse(process.argv[2]);

function fail(err) {
  const msg = {
    type: 'error',
    code: err && err.code,
    message: String((err && err.message) || err),
    stack: err && err.stack,
  };
  try {
    process.send(msg, () => process.exit(1));
  } catch {
    process.exit(1);
  }
  setTimeout(() => process.exit(1), 1000).unref();
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
process.on('disconnect', () => process.exit(0));

// The module under test: node:tls or uvtls, or for a scenario with a
// `module` ('https', 'http2') node:<module> or uvtls's lib/<module>.js. A
// role listed in the scenario's `builtinRoles` (the fixed side: the load
// generator of a server benchmark, the server of a client benchmark) always
// gets the built-in.
// UVTLS_BENCH_IMPL=builtin: the "uvtls" side gets the built-in as well.
// UVTLS_BENCH_IMPL=plain: the "uvtls" side gets lib/plain.js (no TLS: net,
// http, http2 h2c) on every role, the fixed side included, since a plain end
// cannot talk to a TLS one; wrk and h2load get http:// URLs. Scenarios about
// the handshake itself fail with ERR_BENCH_NOT_APPLICABLE.
function loadImpl(impl, scenario, role) {
  const name = scenario.module || 'tls';
  if (impl !== 'builtin' && process.env.UVTLS_BENCH_IMPL === 'plain') {
    const plain = require('./lib/plain');
    const na = plain.notApplicable(scenario.name);
    if (na) throw na;
    require('./lib/loadgen').usePlain();
    return plain[name];
  }
  if (impl === 'builtin' || process.env.UVTLS_BENCH_IMPL === 'builtin' ||
      (scenario.builtinRoles || []).includes(role)) {
    return require(`node:${name}`);
  }
  try {
    return require(name === 'tls' ? path.join(__dirname, '..') :
      path.join(__dirname, '..', 'lib', `${name}.js`));
  } catch (err) {
    if (err.code !== 'ERR_UVTLS_NOT_IMPLEMENTED') {
      err.message = `cannot load uvtls${name === 'tls' ? '' : `/${name}`}: ${err.message}`;
    }
    throw err;
  }
}

function send(msg) {
  process.send(msg);
}

const cpuSince = (t0) => {
  const d = process.cpuUsage(t0);
  return d.user + d.system;
};
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function main() {
  const scenario = scenarios.find((s) => s.name === cfg.scenario);
  if (!scenario) throw new Error(`unknown scenario ${cfg.scenario}`);
  const p = cfg.variant;
  const tls = loadImpl(cfg.impl, scenario, cfg.role);
  const env = { certDir: cfg.certDir, clientContext: cfg.clientContext, shared: cfg.shared,
                fatal: fail };

  if (cfg.role === 'server') {
    const handle = await scenario.server(tls, p, env);
    let cpu0;
    let t0;
    process.on('message', async (m) => {
      try {
        if (m.type === 'begin') {
          if (handle.begin) await handle.begin();
          cpu0 = process.cpuUsage();
          t0 = nowMs();
          send({ type: 'begun' });
        } else if (m.type === 'stop') {
          const cpuUs = cpuSince(cpu0);
          const wallMs = nowMs() - t0;
          const stats = handle.stats ? await handle.stats() : {};
          send({ type: 'result', result: { ...stats, cpuUs, wallMs } });
        }
      } catch (err) {
        fail(err);
      }
    });
    send({ type: 'ready', port: handle.port });
  } else if (cfg.role === 'load') {
    if (!scenario.load) throw new Error(`scenario ${cfg.scenario} has no load`);
    let handle;
    let cpu0;
    let t0;
    process.on('message', async (m) => {
      try {
        if (m.type === 'run') {
          handle = await scenario.load(tls, p, env, cfg.port);
          cpu0 = process.cpuUsage();
          t0 = nowMs();
          send({ type: 'running' });
        } else if (m.type === 'stop') {
          const cpuUs = cpuSince(cpu0);
          const wallMs = nowMs() - t0;
          const result = await handle.stop();
          send({ type: 'result', result: { ...result, cpuUs, wallMs } });
        }
      } catch (err) {
        fail(err);
      }
    });
    send({ type: 'ready' });
  } else {
    const state = scenario.prepare ?
      await scenario.prepare(tls, p, env, cfg.port) : undefined;
    process.on('message', async (m) => {
      if (m.type !== 'run') return;
      try {
        const cpu0 = process.cpuUsage();
        const t0 = nowMs();
        const result = await scenario.client(tls, p, env, cfg.port, state);
        result.cpuUs = cpuSince(cpu0);
        result.wallMs = nowMs() - t0;
        send({ type: 'result', result });
      } catch (err) {
        fail(err);
      }
    });
    send({ type: 'ready' });
  }
}

main().catch(fail);
