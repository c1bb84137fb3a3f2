'use strict';
// Load generators for the HTTP scenarios (benchmark/http.js), run from a
// client process: wrk (HTTP/1.1 over TLS) and h2load (HTTP/2 over TLS) when
// they are installed (benchmark/install-tools.sh), and Node loops over an
// https or http2 module (the fallback, and the client-side scenarios).
// Every function resolves with { requests, elapsedMs, errors, ... }: the
// responses completed (status 200, the whole body) within the duration, the
// time they took, and the failed requests or connections; the Node loops
// also count the responses that completed after the duration (late).

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const HOST = '127.0.0.1';
const WRK_SCRIPT = path.join(__dirname, 'wrk-report.lua');
const BODY = 'hello world\n';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

// The URL scheme wrk and h2load are pointed at: https, or http for the
// plain-TCP ceiling (UVTLS_BENCH_IMPL=plain, see plain.js; worker.js calls
// usePlain() in a process that runs the plain side), where h2load speaks
// h2c with prior knowledge.
let scheme = 'https';
function usePlain() {
  scheme = 'http';
}

// An executable `name` on PATH (no process started). UVTLS_BENCH_LOADGEN=node
// hides the tools, so that the Node fallback can be checked.
function hasTool(name) {
  if (process.env.UVTLS_BENCH_LOADGEN === 'node') return false;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

// CPU time of this process's waited-for children (cutime + cstime from
// /proc/self/stat), in µs; null where there is no /proc.
let clockTicks = null;
function childrenCpuUs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (clockTicks === null) {
      try {
        clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
      } catch {
        clockTicks = 100;
      }
    }
    // f[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    return ((Number(f[13]) + Number(f[14])) / clockTicks) * 1e6;
  } catch {
    return null;
  }
}

// Runs a tool to completion; resolves with { stdout, stderr, childCpuUs }
// or rejects with its exit status and output.
function runTool(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuUs();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const cpu1 = childrenCpuUs();
      if (code !== 0) {
        const out = `${stderr}\n${stdout}`.trim().slice(-1500);
        reject(new Error(`${cmd} ${args.join(' ')} exited (${signal || `code ${code}`})` +
                         `${out ? `:\n${out}` : ''}`));
        return;
      }
      resolve({ stdout, stderr,
                childCpuUs: cpu0 === null || cpu1 === null ? undefined : cpu1 - cpu0 });
    });
  });
}

// wrk -t1 over `connections` keep-alive connections, or with
// `Connection: close` on every request (close: true). wrk's -d is whole
// seconds: the duration is rounded, to at least 1 s.
async function wrk({ port, connections, durationMs, close }) {
  const sec = Math.max(1, Math.round(durationMs / 1000));
  const args = ['-t', '1', '-c', String(connections), '-d', `${sec}s`, '--timeout', '5s',
                '-s', WRK_SCRIPT, ...(close ? ['-H', 'Connection: close'] : []),
                `${scheme}://${HOST}:${port}/`];
  const { stdout, childCpuUs } = await runTool('wrk', args, sec * 1000 + 30000);
  const line = stdout.split('\n').find((l) => l.startsWith('WRK-RESULT '));
  if (!line) throw new Error(`wrk printed no result:\n${stdout.slice(-1500)}`);
  const r = JSON.parse(line.slice('WRK-RESULT '.length));
  const errors = r.connect + r.read + r.write + r.status + r.timeout;
  return {
    tool: 'wrk', requests: r.requests - r.status, elapsedMs: r.durationUs / 1e3, errors,
    errorDetail: { connect: r.connect, read: r.read, write: r.write, status: r.status,
                   timeout: r.timeout },
    p50Us: r.p50Us, p99Us: r.p99Us, childCpuUs,
  };
}

// h2load over `clients` connections with `streams` concurrent streams each,
// for durationMs (or, with `requests`, for that many requests).
async function h2load({ port, clients, streams, durationMs, requests }) {
  const args = ['-t', '1', '-c', String(clients), '-m', String(streams),
                ...(requests ? ['-n', String(requests)] : ['-D', `${Math.round(durationMs)}ms`]),
                `${scheme}://${HOST}:${port}/`];
  const { stdout, childCpuUs } = await runTool('h2load', args, (durationMs || 0) + 30000);
  const finished = /finished in ([\d.]+)(ms|s)/.exec(stdout);
  const reqs = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
  const codes = /status codes: (\d+) 2xx/.exec(stdout);
  const proto = /Application protocol: (\S+)/.exec(stdout);
  if (!finished || !reqs || !codes) throw new Error(`cannot read h2load's output:\n${stdout.slice(-1500)}`);
  const expected = scheme === 'https' ? 'h2' : 'h2c';
  if (!proto || proto[1] !== expected) {
    throw new Error(`h2load did not negotiate ${expected} (${proto ? proto[1] : 'no protocol'})`);
  }
  const [, , , , succeeded, failed, errored, timeout] = reqs.slice(0, 8).map(Number);
  const ok = Math.min(succeeded, Number(codes[1]));
  const cipher = /Cipher: (\S+)/.exec(stdout);
  const tlsProto = /TLS Protocol: (\S+)/.exec(stdout);
  return {
    tool: 'h2load', requests: ok,
    elapsedMs: Number(finished[1]) * (finished[2] === 's' ? 1000 : 1),
    errors: failed + errored + timeout + (succeeded - ok),
    errorDetail: { failed, errored, timeout, non2xx: succeeded - ok },
    cipher: cipher && cipher[1], protocol: tlsProto && tlsProto[1], childCpuUs,
  };
}

// Node https load: `connections` requests in flight for durationMs, each
// starting the next when its response has ended. Lane i uses agents[i % n];
// the agents are made with agentOptions (keepAlive, ca, maxSockets, ...).
// Returns the agents with the counts, for reuse (warm-up then timed run).
function httpsLoop(https, { port, connections, durationMs, agents }) {
  const t0 = now();
  const deadline = t0 + durationMs;
  const res = { tool: 'node', requests: 0, late: 0, errors: 0, firstError: null };
  let last = t0;
  const fail = (err) => {
    res.errors++;
    if (!res.firstError) res.firstError = `${err.code ? `${err.code}: ` : ''}${err.message}`;
  };
  const lane = (agent) => new Promise((resolve) => {
    const one = () => {
      if (now() >= deadline || res.errors > 1000) return resolve();
      let done = false;
      const next = (err) => {
        if (done) return;
        done = true;
        if (err) fail(err);
        setImmediate(one);
      };
      const req = https.get({ host: HOST, port, path: '/', agent }, (response) => {
        let bytes = 0;
        response.on('data', (d) => { bytes += d.length; });
        response.on('end', () => {
          if (response.statusCode !== 200 || bytes !== BODY.length) {
            return next(new Error(`status ${response.statusCode}, ${bytes} bytes`));
          }
          const t = now();
          if (t <= deadline) {
            res.requests++;
            last = t;
          } else {
            res.late++;
          }
          next();
        });
        response.on('error', next);
      });
      req.setTimeout(10000, () => req.destroy(new Error('no response within 10 s')));
      req.on('error', next);
    };
    one();
  });
  return Promise.all(Array.from({ length: connections },
                                (_, i) => lane(agents[i % agents.length])))
    .then(() => ({ ...res, elapsedMs: last - t0 }));
}

// Node http2 load: `sessions` connections (verified with `ca`), `streams`
// requests in flight on each, for durationMs.
async function h2Loop(http2, { port, ca, sessions, streams, durationMs }) {
  const res = { tool: 'node', requests: 0, late: 0, errors: 0, firstError: null };
  const fail = (err) => {
    res.errors++;
    if (!res.firstError) res.firstError = `${err.code ? `${err.code}: ` : ''}${err.message}`;
  };
  const opened = await Promise.all(Array.from({ length: sessions }, () => new Promise(
    (resolve, reject) => {
      const s = http2.connect(`https://${HOST}:${port}`, { ca });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    })));
  for (const s of opened) s.on('error', fail);
  const t0 = now();
  const deadline = t0 + durationMs;
  let last = t0;
  const lane = (session) => new Promise((resolve) => {
    const one = () => {
      if (now() >= deadline || res.errors > 1000 || session.destroyed) return resolve();
      let done = false;
      const next = (err) => {
        if (done) return;
        done = true;
        if (err) fail(err);
        setImmediate(one);
      };
      const stream = session.request({ ':path': '/' });
      let status = 0;
      let bytes = 0;
      stream.on('response', (h) => { status = h[':status']; });
      stream.on('data', (d) => { bytes += d.length; });
      stream.on('end', () => {
        if (status !== 200 || bytes !== BODY.length) {
          return next(new Error(`status ${status}, ${bytes} bytes`));
        }
        const t = now();
        if (t <= deadline) {
          res.requests++;
          last = t;
        } else {
          res.late++;
        }
        next();
      });
      stream.on('error', next);
      stream.setTimeout(10000, () => stream.close());
      stream.on('close', () => next(stream.rstCode ? new Error(`stream reset ${stream.rstCode}`) : null));
    };
    one();
  });
  await Promise.all(opened.flatMap((s) => Array.from({ length: streams }, () => lane(s))));
  const elapsedMs = last - t0;
  await Promise.all(opened.map((s) => new Promise((resolve) => s.close(resolve))));
  return { ...res, elapsedMs };
}

module.exports = { hasTool, wrk, h2load, httpsLoop, h2Loop, usePlain, BODY, HOST };
