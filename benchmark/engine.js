#!/usr/bin/env node
'use strict';
// The engine's own lower bound: builds benchmark/native/engine.c (the
// session layer, src/core/, as plain C against the system's OpenSSL, no
// sanitizers) and runs it, then prints `openssl speed` figures for context.
//
//   node benchmark/engine.js [--seconds S | --count N] [--json] [--filter SUBSTRING]
//                            [--cipher-list LIST] [--ciphersuites LIST]
//                            [--no-speed]
//
// The contexts get Node's default cipher list and suites, as the addon's
// do, unless --cipher-list / --ciphersuites say otherwise (--cipher-list
// DEFAULT: OpenSSL's own). --no-speed skips `openssl speed`. Needs a C
// compiler and OpenSSL's headers and libraries (Debian: gcc libssl-dev);
// exit code 3 when one is missing. See benchmark/README.md, "Engine bound".

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const tls = require('tls');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build', 'bench-native');
const binary = path.join(out, 'engine');
const SOURCES = ['session', 'session_callbacks', 'session_config', 'session_info', 'bio',
  'ticket_keys'].map((name) => `src/core/${name}.c`)
  .concat('test/native/harness.c', 'benchmark/native/engine.c', 'benchmark/native/engine_identity.c');
const FLAGS = ['-O2', '-DNDEBUG', '-Wall', '-Wextra', '-Isrc', '-Itest/native'];
const LIBS = ['-lssl', '-lcrypto'];
const PASSED = ['--seconds', '--count', '--filter', '--cipher-list', '--ciphersuites'];

function parseArgs(argv) {
  const o = { args: [], json: false, speed: true, ciphers: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (PASSED.includes(a)) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      o.args.push(a, argv[++i]);
      if (a === '--cipher-list' || a === '--ciphersuites') o.ciphers = true;
    } else if (a === '--json') {
      o.json = true;
      o.args.push(a);
    } else if (a === '--no-speed') {
      o.speed = false;
    } else {
      throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

// Node's default ciphers, split as the addon splits them (lib/secure-context.js).
function nodeCiphers() {
  const list = tls.DEFAULT_CIPHERS.split(':').filter((c) => c !== '');
  const isSuite = (c) => /^[!+-]?TLS_/.test(c);
  return ['--cipher-list', list.filter((c) => !isSuite(c)).join(':'),
    '--ciphersuites', list.filter(isSuite).join(':')];
}

function missing(what) {
  console.error(`engine: ${what}`);
  process.exit(3);
}

function build() {
  const cc = process.env.CC || 'cc';
  fs.mkdirSync(out, { recursive: true });
  const r = spawnSync(cc, [...FLAGS, ...SOURCES, ...LIBS, '-o', binary],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error && r.error.code === 'ENOENT') missing(`${cc} not found (Debian: apt-get install gcc)`);
  if (r.status === 0) return;
  // Tell a missing OpenSSL apart from a broken build.
  const probe = spawnSync(cc, ['-E', '-x', 'c', '-'], { input: '#include <openssl/ssl.h>\n' });
  if (probe.status !== 0) missing('OpenSSL headers not found (Debian: apt-get install libssl-dev)');
  console.error('engine: building benchmark/native/engine.c failed');
  process.exit(1);
}

function runEngine(o) {
  const args = [...(o.ciphers ? [] : nodeCiphers()), ...o.args];
  if (!o.json && !o.ciphers) {
    console.log(`ciphers: Node ${process.version}'s defaults (tls.DEFAULT_CIPHERS)`);
  }
  const r = spawnSync(binary, args, {
    cwd: root, stdio: ['ignore', o.json ? 'pipe' : 'inherit', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`engine: the benchmark failed (${r.signal || `exit ${r.status}`})`);
    process.exit(1);
  }
  return o.json ? JSON.parse(r.stdout.toString()) : null;
}

function openssl(args) {
  const r = spawnSync('openssl', ['speed', '-seconds', '1', ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120000 });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

// The per-second rates (plain numbers) after `label` on its line.
function rates(text, label) {
  const line = text.split('\n').find((l) => label.test(l));
  if (!line) return [];
  return line.slice(line.search(label) + line.match(label)[0].length)
    .trim().split(/\s+/).filter((t) => /^\d+(\.\d+)?$/.test(t)).map(Number);
}

function speed() {
  const aes = openssl(['-bytes', '16384', '-evp', 'aes-256-gcm']);
  const pk = openssl(['rsa2048', 'ecdsap256', 'ecdhx25519']);
  if (aes === null || pk === null) return null;
  const us = (perS) => (perS > 0 ? 1e6 / perS : NaN);
  const [rsaSign, rsaVerify] = rates(pk, /rsa\s+2048 bits/);
  const [ecSign, ecVerify] = rates(pk, /ecdsa \(nistp256\)/);
  const [x25519] = rates(pk, /ecdh \(X25519\)/);
  const m = /^AES-256-GCM\s+([\d.]+)k/m.exec(aes);
  return {
    rsa2048_sign_us: us(rsaSign), rsa2048_verify_us: us(rsaVerify),
    ecdsa_p256_sign_us: us(ecSign), ecdsa_p256_verify_us: us(ecVerify),
    x25519_derive_us: us(x25519),
    aes256gcm_16k_gb_per_s: m ? (Number(m[1]) * 1e3) / 1e9 : NaN,
  };
}

function printSpeed(s) {
  if (s === null) {
    console.log('openssl speed: not available (no openssl CLI, or it failed)');
    return;
  }
  const f = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  console.log('openssl speed (one thread, for context):');
  console.log(`  RSA-2048 sign ${f(s.rsa2048_sign_us)} µs, verify ${f(s.rsa2048_verify_us)} µs; ` +
    `ECDSA P-256 sign ${f(s.ecdsa_p256_sign_us)} µs, verify ${f(s.ecdsa_p256_verify_us)} µs; ` +
    `X25519 derive ${f(s.x25519_derive_us)} µs`);
  console.log(`  AES-256-GCM ${s.aes256gcm_16k_gb_per_s.toFixed(2)} GB/s at 16 KiB ` +
    `(${(1 / s.aes256gcm_16k_gb_per_s).toFixed(3)} s/GB)`);
}

function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`engine: ${err.message}`);
    process.exit(2);
  }
  build();
  const result = runEngine(o);
  const s = o.speed ? speed() : null;
  if (o.json) {
    console.log(JSON.stringify({ ...result, openssl_speed: s }, null, 2));
  } else if (o.speed) {
    printSpeed(s);
  }
}

main();
