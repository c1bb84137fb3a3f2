'use strict';
// The global switch: node -r uvtls/register / --import uvtls/register make
// every `tls` a program and its libraries load be uvtls.

const assert = require('assert');
const path = require('path');
const fs = require('fs');
const { execFileSync, execFile } = require('child_process');
const { promisify } = require('util');
const h = require('./helpers');

const root = path.join(__dirname, '..');

describe('uvtls/register', function () {
  this.timeout(30000);
  let dir;

  before(function () {
    if (process.env.UVTLS_TEST_IMPL === 'builtin') this.skip();
    // A program with a library of its own that loads tls itself, and uvtls
    // installed beside it as a user would have it.
    dir = h.tmpDir();
    fs.mkdirSync(path.join(dir, 'node_modules', 'lib-using-tls'), { recursive: true });
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'uvtls'));
    fs.writeFileSync(path.join(dir, 'node_modules', 'lib-using-tls', 'index.js'),
                     "module.exports = () => require('tls');\n");
  });
  after(h.cleanup);

  function run(args, source) {
    return execFileSync(process.execPath, [...args, source], { cwd: dir, encoding: 'utf8' }).trim();
  }

  it('-r uvtls/register: require("tls") and a library\'s tls are uvtls', function () {
    const out = run(['-r', 'uvtls/register', '-e'],
                    "const uv = require('uvtls');" +
                    "console.log([require('tls') === uv, require('node:tls') === uv," +
                    " require('lib-using-tls')() === uv, require('https').request !== undefined].join())");
    assert.strictEqual(out, 'true,true,true,true');
  });

  it('--import uvtls/register: import "tls" in an ES module program is uvtls', function () {
    fs.writeFileSync(path.join(dir, 'main.mjs'),
                     "import tls, { connect } from 'tls';\n" +
                     "import uv from 'uvtls';\n" +
                     "import { createRequire } from 'node:module';\n" +
                     "const require = createRequire(import.meta.url);\n" +
                     "console.log([tls.connect === uv.connect, connect === uv.connect,\n" +
                     "  require('lib-using-tls')() === uv].join());\n");
    const out = execFileSync(process.execPath, ['--import', 'uvtls/register', 'main.mjs'],
                             { cwd: dir, encoding: 'utf8' }).trim();
    assert.strictEqual(out, 'true,true,true');
  });

  it('a program switched over talks TLS to the built-in', async function () {
    const server = await h.startServer(h.builtin, h.serverCreds(), (s) => s.end('hello'));
    // Asynchronously: this process serves the other end meanwhile.
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'uvtls/register', '-e',
                    "const tls = require('tls');" +
                    `const s = tls.connect({ port: ${server.address().port}, host: '127.0.0.1',` +
                    `  servername: 'localhost', ca: require('fs').readFileSync(${JSON.stringify(h.fixturePath('ca.pem'))}) });` +
                    "let d = ''; s.on('data', (c) => d += c);" +
                    "s.on('end', () => console.log(d, s.authorized, tls === require('uvtls')));"],
                    { cwd: dir, encoding: 'utf8', timeout: 20000 });
    assert.strictEqual(stdout.trim(), 'hello true true');
  });
});
