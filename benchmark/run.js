#!/usr/bin/env node
'use strict';
// uvtls vs node:tls benchmark runner. See benchmark/README.md.
//
//   node benchmark/run.js [--quick] [--rounds N] [--duration SEC]
//                         [--filter NAME[,NAME...]] [--json FILE]
//                         [--timeout SEC] [--idle-connections N[,N...]]
//                         [--file-size MiB] [--client-context MODE]
//                         [--verbose] [--list]
//
// Every measurement runs in two fresh child processes (worker.js): a server
// and a client, both using the same implementation (scenarios with a load,
// such as flood, add a third, also using it). Rounds alternate between the
// two implementations (ABBA order) so that drift affects both alike.

const { fork, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const certs = require('./lib/certs');
const { forkWithOpenFiles } = require('./lib/limits');
const { summarize, fmt } = require('./lib/stats');
const { scenarios } = require('./scenarios');

const WORKER = path.join(__dirname, 'worker.js');
// Rounds during which other processes (or the hypervisor) took more CPU than
// this are flagged.
const LOAD_LIMIT = 0.1;
const IMPLS = ['uvtls', 'builtin'];
// UVTLS_BENCH_IMPL: 'builtin' (the "uvtls" side uses the built-in too: a
// self-check) or 'plain' (the "uvtls" side uses no TLS at all, lib/plain.js:
// the ceiling); otherwise uvtls.
const MODE = process.env.UVTLS_BENCH_IMPL;
const PLAIN = MODE === 'plain';
// The "uvtls" side's name ('plain' in the ceiling measurement), and the
// built-in's: node:tls, or the scenario's builtinLabel (node:https…).
const UVTLS_LABEL = PLAIN ? 'plain' : 'uvtls';
const implLabel = (impl, scenario) => (impl === 'uvtls' ? UVTLS_LABEL :
  (scenario && scenario.builtinLabel) || 'node:tls');
// Failures that mark the variant n/a for that implementation at once.
const NA_CODES = ['ERR_UVTLS_NOT_IMPLEMENTED', 'ERR_BENCH_LIMIT', 'ERR_BENCH_NOT_APPLICABLE'];

// ---------------------------------------------------------------------------
// options

function usage(code) {
  const text = `usage: node benchmark/run.js [options]

  --quick              fewer, shorter rounds (about a minute in all)
  --rounds N           rounds per implementation (default 5, quick 2)
  --duration SEC       length of each timed measurement (default 3, quick 0.75)
  --filter NAME[,...]  only variants whose id contains one of the names
                       (e.g. bulk, handshake/ecdsa, tls1.2, echo); repeatable;
                       a name ending in $ must end the id (bulk/c2s-tls1.3$)
  --json FILE          also write all results as JSON to FILE
  --timeout SEC        kill a measurement after SEC seconds (default 60)
  --idle-connections N[,N...]
                       connections in the idle scenario, one variant
                       (idle/N) per count (default 2000)
  --file-size MiB      size of the file scenario's file (default 256)
  --client-context MODE  'per-connection' (default): pass 'ca' to every
                       tls.connect(), as programs do (Node then builds a new
                       context per connection); 'shared': each client process
                       makes one SecureContext and passes it as secureContext
  --verbose            show the children's stdout/stderr
  --list               list the variants and exit

UVTLS_BENCH_IMPL=builtin makes the "uvtls" side use node:tls too (to check
the suite itself; ratios should then be about 1.0).
UVTLS_BENCH_IMPL=plain makes the "uvtls" side use no TLS at all (node:net,
node:http, node:http2 h2c; the ratio plain / built-in is the ceiling of any
TLS implementation's speed-up; handshake, resume and flood are n/a).`;
  (code ? process.stderr : process.stdout).write(`${text}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { quick: false, filters: [], json: null, timeoutSec: 60, verbose: false,
              list: false, rounds: null, durationSec: null, idleConnections: [2000],
              fileMiB: 256, clientContext: 'per-connection' };
  const num = (i, name) => {
    const v = Number(argv[i]);
    if (argv[i] === undefined || !Number.isFinite(v) || v <= 0) {
      console.error(`${name} needs a positive number`);
      usage(2);
    }
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      argv.splice(i + 1, 0, a.slice(eq + 1));
      argv[i] = a.slice(0, eq);
    }
    switch (argv[i]) {
      case '--quick': o.quick = true; break;
      case '--rounds': o.rounds = Math.round(num(++i, '--rounds')); break;
      case '--duration': o.durationSec = num(++i, '--duration'); break;
      case '--timeout': o.timeoutSec = num(++i, '--timeout'); break;
      case '--idle-connections': {
        const list = String(argv[++i] || '').split(',').map((x) => x.trim()).filter(Boolean);
        if (list.length === 0 || list.some((x) => !/^[1-9][0-9]*$/.test(x))) {
          console.error('--idle-connections needs positive whole numbers, comma-separated');
          usage(2);
        }
        o.idleConnections = [...new Set(list.map(Number))];
        break;
      }
      case '--file-size': o.fileMiB = Math.round(num(++i, '--file-size')); break;
      case '--filter':
        if (argv[i + 1] === undefined) usage(2);
        o.filters.push(...argv[++i].split(',').map((s) => s.trim()).filter(Boolean));
        break;
      case '--json':
        if (argv[i + 1] === undefined) usage(2);
        o.json = path.resolve(argv[++i]);
        break;
      case '--client-context':
        if (!['shared', 'per-connection'].includes(argv[i + 1])) {
          console.error('--client-context is shared or per-connection');
          usage(2);
        }
        o.clientContext = argv[++i];
        break;
      case '--verbose': o.verbose = true; break;
      case '--list': o.list = true; break;
      case '-h': case '--help': usage(0); break;
      default:
        console.error(`unknown argument: ${argv[i]}`);
        usage(2);
    }
  }
  if (o.rounds == null) o.rounds = o.quick ? 2 : 5;
  if (o.durationSec == null) o.durationSec = o.quick ? 0.75 : 3;
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const cfg = {
  durationMs: Math.round(opts.durationSec * 1000),
  bulkMaxBytes: 64 * 1024 ** 3, // safety cap; the duration normally ends a run
  idleConnections: opts.idleConnections,
  fileBytes: opts.fileMiB * 1024 * 1024,
};

// A filter matches a substring of the id; one ending in $ the id's end.
const matches = (id, f) => (f.endsWith('$') ? id.endsWith(f.slice(0, -1)) : id.includes(f));
const variants = [];
for (const s of scenarios) {
  for (const v of s.variants(cfg)) {
    if (opts.filters.length === 0 || opts.filters.some((f) => matches(v.id, f))) {
      variants.push({ scenario: s, variant: v });
    }
  }
}

if (opts.list) {
  for (const s of scenarios) {
    console.log(`${s.name}: ${s.description}`);
    for (const v of s.variants(cfg)) console.log(`  ${v.id.padEnd(28)} ${v.title}`);
  }
  process.exit(0);
}
if (variants.length === 0) {
  console.error(`no variant matches --filter ${opts.filters.join(',')} (see --list)`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// child processes

const live = new Set();
let certDir = null;
// What each scenario's setup() returned (run once, in certDir), by name.
const shared = new Map();

function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', () => {
  killAll();
  if (certDir) certs.remove(certDir);
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping`);
    process.exit(130);
  });
}

function tail(s, n = 1500) {
  s = s.trim();
  return s.length > n ? `…${s.slice(-n)}` : s;
}

// System-wide CPU time (Linux /proc/stat, in seconds): busy and steal.
function readStat() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = f[0] + f[1] + f[2] + f[5] + f[6];
    return { busy: busy / 100, steal: (f[7] || 0) / 100, t: Date.now() / 1000 };
  } catch {
    return null;
  }
}

// CPU used by anything but this measurement during its timed part, in CPUs
// (1 = one core fully busy), and host steal time, also in CPUs. `results`
// are the children's results (each with cpuUs).
function otherLoad(before, after, results) {
  if (!before || !after) return null;
  const wall = after.t - before.t;
  if (wall <= 0) return null;
  // childCpuUs: a tool the child ran (wrk, h2load), part of the measurement.
  const ours = results.reduce((sum, r) => sum + ((r && r.cpuUs) || 0) +
                              ((r && r.childCpuUs) || 0), 0) / 1e6;
  return {
    other: Math.max(0, (after.busy - before.busy) - ours) / wall,
    steal: (after.steal - before.steal) / wall,
  };
}

// One measurement: server and client processes (and a load process if the
// scenario has a load()) for `impl`. Resolves with
// { ok: true, client, server, load } or { ok: false, code, error }.
async function measure(scenario, variant, impl) {
  const children = [];
  let finished = false;
  let phase = 'starting server';
  let rejectFailed;
  const failed = new Promise((_, reject) => { rejectFailed = reject; });
  failed.catch(() => {});

  // A variant that needs more open files than this process may open gets
  // its children started through /bin/sh with a higher limit (lib/limits.js).
  const viaShell = forkWithOpenFiles(variant.openFiles);
  const spawn = (role, port) => {
    const child = fork(WORKER, [JSON.stringify({
      role, scenario: scenario.name, variant, impl, certDir, port,
      clientContext: opts.clientContext, shared: shared.get(scenario.name),
    })], {
      execArgv: [...(viaShell ? viaShell.prefix : []), '--expose-gc'],
      ...(viaShell ? { execPath: viaShell.execPath } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    live.add(child);
    children.push(child);
    child.output = '';
    const onOutput = (d) => {
      if (opts.verbose) process.stderr.write(`[${impl} ${role}] ${d}`);
      child.output = (child.output + d).slice(-8000);
    };
    child.stdout.setEncoding('utf8').on('data', onOutput);
    child.stderr.setEncoding('utf8').on('data', onOutput);
    child.waiters = new Map();
    child.on('message', (m) => {
      if (m.type === 'error') {
        const err = new Error(`${role}: ${m.message}`);
        err.code = m.code;
        err.stack = m.stack;
        rejectFailed(err);
        return;
      }
      const w = child.waiters.get(m.type);
      if (w) {
        child.waiters.delete(m.type);
        w(m);
      }
    });
    child.on('error', (err) => rejectFailed(err));
    child.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      live.delete(child);
      if (!finished) {
        const out = tail(child.output);
        rejectFailed(new Error(`${role} process exited (${signal || `code ${code}`}) ` +
                               `while ${phase}${out ? `:\n${out}` : ''}`));
      }
      resolve();
    }));
    return child;
  };
  const next = (child, type) => Promise.race([
    new Promise((resolve) => child.waiters.set(type, resolve)),
    failed,
  ]);

  const timeoutSec = Math.max(opts.timeoutSec, variant.timeoutSec || 0);
  const timer = setTimeout(() => {
    rejectFailed(new Error(`timed out after ${timeoutSec} s while ${phase}`));
  }, timeoutSec * 1000);

  try {
    const server = spawn('server');
    const { port } = await next(server, 'ready');
    phase = 'starting client';
    const client = spawn('client', port);
    await next(client, 'ready');
    let loader = null;
    if (scenario.load) {
      phase = 'starting load';
      loader = spawn('load', port);
      await next(loader, 'ready');
      loader.send({ type: 'run' });
      await next(loader, 'running');
    }
    phase = 'starting measurement';
    server.send({ type: 'begin' });
    await next(server, 'begun');
    phase = 'running client';
    const stat0 = readStat();
    client.send({ type: 'run' });
    const c = await next(client, 'result');
    const stat1 = readStat();
    let l = null;
    if (loader) {
      phase = 'collecting load result';
      loader.send({ type: 'stop' });
      l = (await next(loader, 'result')).result;
    }
    phase = 'collecting server result';
    server.send({ type: 'stop' });
    const s = await next(server, 'result');
    return { ok: true, client: c.result, server: s.result, loadResult: l,
             load: otherLoad(stat0, stat1, [c.result, s.result, l]) };
  } catch (err) {
    return { ok: false, code: err.code, error: err.message };
  } finally {
    finished = true;
    clearTimeout(timer);
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await Promise.all(children.map((c) => c.exited));
  }
}

// ---------------------------------------------------------------------------
// reporting helpers

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function cell(sum) {
  if (!sum) return 'n/a';
  return sum.n > 1 ? `${fmt(sum.median)} [${fmt(sum.min)}–${fmt(sum.max)}]` : fmt(sum.median);
}

function ratioText(r, better) {
  if (r == null || !Number.isFinite(r)) return 'n/a';
  return `${r.toFixed(2)}×${better ? ` (${better} is better)` : ' (context)'}`;
}

function firstLine(s) {
  return String(s).split('\n')[0];
}

// ---------------------------------------------------------------------------
// main

function preflight() {
  if (MODE === 'builtin' || PLAIN) return null;
  try {
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(__dirname, '..'))})`],
                 { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
    return null;
  } catch (err) {
    const out = String(err.stderr || err.message).trim().split('\n');
    const line = out.find((l) => /^\w*Error( \[\w+\])?:/.test(l)) ||
      out.find((l) => /Error/.test(l)) || out[0];
    return `cannot load uvtls: ${line}`;
  }
}

async function main() {
  const started = Date.now();
  const n = variants.length;
  console.log(`uvtls benchmark: ${n} variant(s), ${opts.rounds} round(s) each, ` +
              `${opts.durationSec} s per measurement${opts.quick ? ' (quick)' : ''}`);
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ` +
              `${os.cpus().length} × ${os.cpus()[0] && os.cpus()[0].model}, ${os.platform()} ${os.release()}`);
  if (MODE === 'builtin') {
    console.log('UVTLS_BENCH_IMPL=builtin: the "uvtls" side uses node:tls too (self-check; ratios ≈ 1.0)');
  } else if (PLAIN) {
    console.log('UVTLS_BENCH_IMPL=plain: the "uvtls" column (plain) is plain TCP, no TLS: node:net, ' +
                'node:http, node:http2 h2c on every end (the fixed side of the HTTP scenarios too); ' +
                'plain / built-in is the ceiling of any TLS implementation\'s speed-up');
  }
  certDir = certs.generate();
  const uvtlsUnavailable = preflight();
  if (uvtlsUnavailable) console.log(`uvtls: n/a — ${uvtlsUnavailable}`);
  console.log('');

  const results = [];
  const writeJson = () => {
    if (!opts.json) return;
    const doc = {
      date: new Date().toISOString(),
      node: process.version,
      openssl: process.versions.openssl,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0] && os.cpus()[0].model,
      platform: `${os.platform()} ${os.release()}`,
      uvtlsImpl: MODE === 'builtin' ? 'builtin (UVTLS_BENCH_IMPL)' :
        PLAIN ? 'plain TCP, no TLS (UVTLS_BENCH_IMPL=plain)' : 'uvtls',
      options: { rounds: opts.rounds, durationSec: opts.durationSec, quick: opts.quick,
                 filters: opts.filters, idleConnections: opts.idleConnections,
                 fileMiB: opts.fileMiB, clientContext: opts.clientContext },
      elapsedSec: (Date.now() - started) / 1000,
      results,
    };
    fs.writeFileSync(opts.json, `${JSON.stringify(doc, null, 2)}\n`);
  };

  for (const [idx, { scenario, variant }] of variants.entries()) {
    console.log(`[${idx + 1}/${n}] ${variant.title}  (${variant.id})`);
    if (scenario.setup && !shared.has(scenario.name)) {
      const t0 = Date.now();
      shared.set(scenario.name, scenario.setup(certDir, cfg));
      console.log(`  setup of ${scenario.name} in ${certDir} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
    }
    const state = {};
    let busyRounds = 0;
    for (const impl of IMPLS) {
      state[impl] = { runs: [], errors: [], na: null, info: null };
      if (impl === 'uvtls' && uvtlsUnavailable) state[impl].na = uvtlsUnavailable;
    }
    for (let round = 0; round < opts.rounds; round++) {
      const order = round % 2 === 0 ? IMPLS : [...IMPLS].reverse();
      for (const impl of order) {
        const st = state[impl];
        if (st.na) continue;
        const t0 = Date.now();
        const r = await measure(scenario, variant, impl);
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        let line = `  round ${round + 1} ${pad(implLabel(impl, scenario), 10)} `;
        let computed = null;
        if (r.ok) {
          try {
            computed = scenario.metrics(r.client, r.server, variant, r.loadResult);
          } catch (err) {
            r.ok = false;
            r.code = err.code;
            r.error = err.message;
          }
        }
        if (computed) {
          const values = {};
          for (const m of computed.metrics) values[m.key] = m.value;
          st.runs.push({ values, info: computed.info, load: r.load });
          st.metricDefs = computed.metrics;
          if (!st.info) st.info = computed.info;
          line += computed.metrics.map((m) => `${m.label} ${fmt(m.value)} ${m.unit}`).join(', ');
          if (r.load && r.load.other + r.load.steal > LOAD_LIMIT) {
            busyRounds++;
            line += `  ⚠ other load ${r.load.other.toFixed(2)} CPU` +
              `${r.load.steal >= 0.01 ? `, steal ${r.load.steal.toFixed(2)} CPU` : ''}`;
          }
        } else {
          st.errors.push({ round: round + 1, code: r.code, error: r.error });
          line += `${r.code === 'ERR_BENCH_NOT_APPLICABLE' ? 'n/a' : 'FAILED'}: ` +
            `${r.code ? `${r.code}: ` : ''}${firstLine(r.error)}`;
          if (NA_CODES.includes(r.code) || /cannot load uvtls/.test(r.error)) {
            st.na = `${r.code ? `${r.code}: ` : ''}${r.error}`;
          } else if (st.errors.length >= 2) {
            st.na = `${r.code ? `${r.code}: ` : ''}${firstLine(r.error)} (failed ${st.errors.length}×, skipping)`;
          }
        }
        console.log(`${line}  [${secs} s]`);
        if (!r.ok && opts.verbose) console.log(r.error);
      }
    }

    // summary of this variant
    const defs = state.uvtls.metricDefs || state.builtin.metricDefs || [];
    const entry = { id: variant.id, title: variant.title, scenario: scenario.name,
                    params: variant, metrics: [], impls: {} };
    for (const impl of IMPLS) {
      const st = state[impl];
      const usable = st.runs.length > 0;
      entry.impls[impl] = {
        status: usable ? 'ok' : 'n/a',
        error: usable ? null : (st.na || (st.errors[0] && st.errors[0].error) || 'no result'),
        errors: st.errors,
        info: st.info,
        runs: st.runs,
      };
    }
    for (const d of defs) {
      const m = { key: d.key, label: d.label, unit: d.unit, better: d.better };
      for (const impl of IMPLS) m[impl] = summarize(state[impl].runs.map((r) => r.values[d.key]));
      m.ratio = m.uvtls && m.builtin ? m.uvtls.median / m.builtin.median : null;
      entry.metrics.push(m);
    }
    if (busyRounds > 0) {
      entry.warnings = [`${busyRounds} measurement(s) ran while other processes used more ` +
                        `than ${LOAD_LIMIT} CPU (⚠ above); their numbers are less reliable`];
    }
    results.push(entry);

    const w = [34, 26, 28];
    const bl = implLabel('builtin', scenario);
    console.log(`  ${pad('metric', w[0])}${pad(`${UVTLS_LABEL} median [min–max]`, w[1])}` +
                `${pad(`${bl} median [min–max]`, w[2])}${UVTLS_LABEL}/${bl}`);
    for (const m of entry.metrics) {
      console.log(`  ${pad(`${m.label} (${m.unit})`, w[0])}${pad(cell(m.uvtls), w[1])}` +
                  `${pad(cell(m.builtin), w[2])}${ratioText(m.ratio, m.better)}`);
    }
    for (const impl of IMPLS) {
      const e = entry.impls[impl];
      if (e.status === 'n/a') console.log(`  ${implLabel(impl, scenario)}: n/a — ${firstLine(e.error)}`);
    }
    if (busyRounds > 0) console.log(`  note: ${entry.warnings[0]}`);
    for (const [field, what] of [['cipher', 'cipher'], ['kx', 'key exchange']]) {
      const u = entry.impls.uvtls.info && entry.impls.uvtls.info[field];
      const b = entry.impls.builtin.info && entry.impls.builtin.info[field];
      if (u && b && u !== b) {
        console.log(`  WARNING: different ${what} negotiated: uvtls ${u}, node:tls ${b}`);
        entry.warnings = [...(entry.warnings || []),
                          `different ${what} negotiated: uvtls ${u}, node:tls ${b}`];
      } else if (PLAIN && b) {
        console.log(`  ${what} (${bl}): ${b}`);
      } else if (u || b) {
        console.log(`  ${what}: ${u || b}`);
      }
    }
    // A few info fields of each implementation's first run (reportInfo).
    for (const impl of IMPLS) {
      const info = entry.impls[impl].info;
      const fields = (scenario.reportInfo || []).filter((k) => info && info[k] !== undefined);
      if (fields.length) {
        console.log(`  ${implLabel(impl, scenario)} (round 1): ` +
                    fields.map((k) => `${k} ${JSON.stringify(info[k])}`).join(', '));
      }
    }
    console.log('');
    writeJson();
  }

  // markdown table
  const elapsed = (Date.now() - started) / 1000;
  console.log('## Results (markdown)\n');
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ` +
              `${os.cpus().length} × ${os.cpus()[0] && os.cpus()[0].model}; ` +
              `median of ${opts.rounds} rounds, ${opts.durationSec} s each, client context ${opts.clientContext}` +
              `${MODE === 'builtin' ? ' — UVTLS_BENCH_IMPL=builtin (self-check)' : ''}` +
              `${PLAIN ? ' — UVTLS_BENCH_IMPL=plain: the plain column is plain TCP, no TLS (node:net, ' +
                'node:http, node:http2 h2c), the ceiling for any TLS implementation' : ''}.\n`);
  const labels = [...new Set(variants.map((v) => implLabel('builtin', v.scenario)))];
  const builtinName = labels.length === 1 ? labels[0] : 'built-in';
  console.log(`| Scenario | Metric | ${UVTLS_LABEL} | ${builtinName} | ${UVTLS_LABEL} / ${builtinName} |`);
  console.log('|---|---|---:|---:|---:|');
  const notes = [];
  for (const e of results) {
    if (e.metrics.length === 0) {
      console.log(`| ${e.title} | — | n/a | n/a | n/a |`);
    }
    for (const m of e.metrics) {
      const arrow = { higher: ' ↑', lower: ' ↓' }[m.better] || '';
      const v = (impl) => (m[impl] ? fmt(m[impl].median) : 'n/a');
      console.log(`| ${e.title} | ${m.label} (${m.unit})${arrow} | ${v('uvtls')} | ${v('builtin')} | ` +
                  `${m.ratio != null ? m.ratio.toFixed(2) : 'n/a'} |`);
    }
    for (const w of e.warnings || []) notes.push(`- ${e.title}: ${w}`);
    for (const impl of IMPLS) {
      if (e.impls[impl].status === 'n/a') {
        notes.push(`- ${e.title}: ${implLabel(impl, scenarios.find((sc) => sc.name === e.scenario))} n/a — ${firstLine(e.impls[impl].error)}`);
      }
    }
  }
  console.log('\n↑ higher is better, ↓ lower is better (no arrow: context, neither is better); ' +
              `the ratio is ${UVTLS_LABEL} ÷ ${builtinName} (above 1 is better for ↑, below 1 is better for ↓).`);
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  console.log(`\ntotal time ${Math.floor(elapsed / 60)} min ${Math.round(elapsed % 60)} s`);
  writeJson();
  if (opts.json) console.log(`JSON written to ${opts.json}`);
}

main().catch((err) => {
  console.error(err.stack || err);
  process.exit(1);
});
