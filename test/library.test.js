'use strict';
// The global switch with a real library: ioredis loads `tls` itself; run
// under -r / --import uvtls/register it must talk TLS to a real redis-server
// through uvtls sockets, and fail certificate checks the way the built-in
// does. They need redis-server (Debian's redis-server package, built with
// TLS): without it they are skipped, saying so, unless
// UVTLS_REQUIRE_SERVICES=1, as .ci/run sets it (which installs it).

const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { promisify } = require('util');
const h = require('./helpers');

const root = path.join(__dirname, '..');
const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server';
const execFile = promisify(childProcess.execFile);

// A free loopback port: the OS picks one, it is released, redis binds it.
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, h.HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// redis-server listening with TLS only (no plain port) on 127.0.0.1:port,
// the test CA's server certificate (valid for localhost and 127.0.0.1).
// Resolves with the child once it accepts connections.
function spawnRedis(port, dir) {
  const child = childProcess.spawn(REDIS_SERVER, [
    '--port', '0', '--tls-port', String(port), '--bind', h.HOST,
    '--tls-cert-file', h.fixturePath('server.pem'),
    '--tls-key-file', h.fixturePath('server.key'),
    '--tls-ca-cert-file', h.fixturePath('ca.pem'),
    '--tls-auth-clients', 'no',
    '--save', '', '--appendonly', 'no', '--dir', dir,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`redis-server not ready after 10 s:\n${out}`)), 10000);
    const onData = () => { if (/Ready to accept connections/.test(out)) finish(null); };
    const onExit = (code, signal) => finish(new Error(`redis-server exited (${code ?? signal}):\n${out}`));
    const onError = (err) => finish(err);
    function finish(err) {
      clearTimeout(timer);
      child.stdout.removeListener('data', onData);
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      if (err) { child.kill('SIGKILL'); err.output = out; reject(err); } else resolve(child);
    }
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

// The program's body, the same for CommonJS and ES module: SET/GET of a
// 300 KiB binary value, a pipeline of 2,000 commands, and what proves which
// tls carried them. Prints one line of JSON.
const EXERCISE = `
const [port, caFile] = process.argv.slice(2);
const redis = new Redis({
  host: '127.0.0.1', port: Number(port), lazyConnect: true,
  tls: { ca: fs.readFileSync(caFile), servername: 'localhost' },
  connectTimeout: 5000, commandTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null,
});
redis.on('error', () => {});
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
try {
  await redis.connect();
  const value = crypto.randomBytes(300 * 1024);
  const key = 'uvtls:' + process.pid;
  await redis.set(key, value);
  const got = await redis.getBuffer(key);
  const pipeline = redis.pipeline();
  for (let i = 0; i < 1000; i++) pipeline.rpush(key + ':list', 'item' + i);
  for (let i = 0; i < 999; i++) pipeline.incr(key + ':n');
  pipeline.lrange(key + ':list', 0, -1);
  const results = await pipeline.exec();
  const errors = results.filter(([err]) => err).length;
  const list = results[results.length - 1][1];
  const stream = redis.stream;
  console.log(JSON.stringify({
    tlsIsUvtls: tls === uvtls,
    // uvtls's own class (instanceof also holds for Node's TLS sockets).
    streamIsUvtls: Object.getPrototypeOf(stream) === uvtls.TLSSocket.prototype,
    protocol: stream.getProtocol(),
    authorized: stream.authorized,
    sent: { length: value.length, sha256: sha(value) },
    got: { length: got.length, sha256: sha(got) },
    pipeline: { commands: results.length, errors, counter: results[1998][1],
                listOk: list.length === 1000 && list.every((v, i) => v === 'item' + i) },
  }));
  await redis.del(key, key + ':list', key + ':n');
} finally {
  redis.disconnect();
}
`;

// Certificate checks that must fail: the first error ioredis reports for a
// CA that did not sign the server's certificate, and for a name the
// certificate is not valid for.
const REJECT = `
const [port, caFile, otherCaFile] = process.argv.slice(2);
async function attempt(tlsOptions) {
  const redis = new Redis({
    host: '127.0.0.1', port: Number(port), lazyConnect: true, tls: tlsOptions,
    connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null,
    // disconnect() waits for a 'close' that already came, this long.
    disconnectTimeout: 100,
  });
  let first = null;
  redis.on('error', (err) => { if (!first) first = { code: err.code, message: err.message }; });
  let connected = false;
  try { await redis.connect(); connected = true; } catch {}
  const viaUvtls = Object.getPrototypeOf(redis.stream) === uvtls.TLSSocket.prototype;
  redis.disconnect();
  return { connected, viaUvtls, error: first };
}
console.log(JSON.stringify({
  tlsIsUvtls: tls === uvtls,
  wrongCa: await attempt({ ca: fs.readFileSync(otherCaFile), servername: 'localhost' }),
  wrongName: await attempt({ ca: fs.readFileSync(caFile), servername: 'wrong.example' }),
}));
`;

const CJS_HEAD = "'use strict';\n" +
  "const crypto = require('crypto');\nconst fs = require('fs');\n" +
  "const tls = require('tls');\nconst uvtls = require('uvtls');\nconst Redis = require('ioredis');\n";
const ESM_HEAD = "import crypto from 'node:crypto';\nimport fs from 'node:fs';\n" +
  "import tls from 'tls';\nimport uvtls from 'uvtls';\nimport Redis from 'ioredis';\n";

describe('uvtls/register with a real library: ioredis against redis-server over TLS', function () {
  this.timeout(20000);
  let dir;
  let redis;
  let port;

  before(async function () {
    if (process.env.UVTLS_TEST_IMPL === 'builtin') this.skip();
    h.needService(this, REDIS_SERVER, 'redis-server');
    // A program directory as a user would have it: uvtls and ioredis in
    // its node_modules.
    dir = h.tmpDir();
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'uvtls'));
    fs.symlinkSync(path.join(root, 'node_modules', 'ioredis'), path.join(dir, 'node_modules', 'ioredis'));
    fs.writeFileSync(path.join(dir, 'main.js'), `${CJS_HEAD}(async () => {${EXERCISE}})().catch((err) => { console.error(err); process.exit(1); });\n`);
    fs.writeFileSync(path.join(dir, 'main.mjs'), `${ESM_HEAD}${EXERCISE}`);
    fs.writeFileSync(path.join(dir, 'reject.js'), `${CJS_HEAD}(async () => {${REJECT}})().catch((err) => { console.error(err); process.exit(1); });\n`);
    // The port is free when picked; should another process take it before
    // redis binds it, try another.
    for (let tries = 1; ; tries++) {
      port = await freePort();
      try {
        redis = await spawnRedis(port, dir);
        break;
      } catch (err) {
        if (tries >= 3 || !/in use/i.test(err.output || '')) throw err;
      }
    }
  });

  after(async function () {
    if (redis && redis.exitCode === null && redis.signalCode === null) {
      const exited = new Promise((resolve) => {
        const t = setTimeout(resolve, 2000);
        redis.once('exit', () => { clearTimeout(t); resolve(); });
      });
      redis.kill('SIGKILL');
      await exited;
    }
    await h.cleanup();
  });

  async function run(args, file, extra = []) {
    const { stdout } = await execFile(process.execPath, [...args, file, String(port), h.fixturePath('ca.pem'), ...extra],
                                      { cwd: dir, encoding: 'utf8', timeout: 15000 });
    return JSON.parse(stdout.trim());
  }

  function assertExercised(out) {
    assert.strictEqual(out.authorized, true);
    assert.match(out.protocol, /^TLSv1\.[23]$/);
    assert.deepStrictEqual(out.got, out.sent);
    assert.strictEqual(out.sent.length, 300 * 1024);
    assert.deepStrictEqual(out.pipeline, { commands: 2000, errors: 0, counter: 999, listOk: true });
  }

  it('-r uvtls/register: ioredis connects through a uvtls TLSSocket, verifies, SET/GET 300 KiB and a 2,000-command pipeline', async function () {
    const out = await run(['-r', 'uvtls/register'], 'main.js');
    assert.strictEqual(out.tlsIsUvtls, true);
    assert.strictEqual(out.streamIsUvtls, true);
    assertExercised(out);
  });

  it('the same program without the switch uses the built-in (the proof tells them apart)', async function () {
    const out = await run([], 'main.js');
    assert.strictEqual(out.tlsIsUvtls, false);
    assert.strictEqual(out.streamIsUvtls, false);
    assertExercised(out);
  });

  it('--import uvtls/register: an ES module program importing ioredis goes through uvtls', async function () {
    const out = await run(['--import', 'uvtls/register'], 'main.mjs');
    assert.strictEqual(out.tlsIsUvtls, true);
    assert.strictEqual(out.streamIsUvtls, true);
    assertExercised(out);
  });

  it('a CA that did not sign the server\'s certificate, and a wrong name: ioredis reports the built-in\'s errors', async function () {
    const extra = [h.fixturePath('other-ca.pem')];
    const [viaUvtls, viaBuiltin] = await Promise.all([
      run(['-r', 'uvtls/register'], 'reject.js', extra),
      run([], 'reject.js', extra),
    ]);
    assert.strictEqual(viaUvtls.tlsIsUvtls, true);
    assert.strictEqual(viaBuiltin.tlsIsUvtls, false);
    for (const c of ['wrongCa', 'wrongName']) {
      assert.strictEqual(viaUvtls[c].connected, false, c);
      assert.strictEqual(viaUvtls[c].viaUvtls, true, c);
      assert.strictEqual(viaBuiltin[c].viaUvtls, false, c);
      assert.deepStrictEqual(viaUvtls[c].error, viaBuiltin[c].error, c);
    }
    // redis-server sends its CA after the leaf (OpenSSL completes the chain
    // from --tls-ca-cert-file), so an unknown root is "self-signed in chain".
    assert.strictEqual(viaUvtls.wrongCa.error.code, 'SELF_SIGNED_CERT_IN_CHAIN');
    assert.strictEqual(viaUvtls.wrongName.error.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
