'use strict';
// Keys and certificates for the benchmark, made with the `openssl` CLI in a
// fresh directory under os.tmpdir(): for each key type a CA (same key type)
// and a leaf for "localhost" / 127.0.0.1 signed by it.
//   rsa.key   rsa.crt   ca-rsa.crt     RSA-2048
//   ecdsa.key ecdsa.crt ca-ecdsa.crt   ECDSA P-256

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const KINDS = {
  rsa: ['-newkey', 'rsa:2048'],
  ecdsa: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
};

function openssl(args, cwd) {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const why = err.code === 'ENOENT' ? 'the openssl CLI is not installed' :
      String(err.stderr || err.message).trim();
    throw new Error(`openssl ${args[0]} failed: ${why}`);
  }
}

function generate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvtls-bench-'));
  try {
    fs.writeFileSync(path.join(dir, 'leaf.ext'), [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = DNS:localhost, IP:127.0.0.1',
      '',
    ].join('\n'));
    for (const [kind, newkey] of Object.entries(KINDS)) {
      openssl(['req', '-x509', ...newkey, '-nodes', '-sha256', '-days', '3',
               '-keyout', `ca-${kind}.key`, '-out', `ca-${kind}.crt`,
               '-subj', `/CN=uvtls benchmark ${kind} CA`,
               '-addext', 'basicConstraints=critical,CA:TRUE',
               '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
      openssl(['req', ...newkey, '-nodes', '-sha256',
               '-keyout', `${kind}.key`, '-out', `${kind}.csr`,
               '-subj', '/CN=localhost'], dir);
      openssl(['x509', '-req', '-sha256', '-days', '3',
               '-in', `${kind}.csr`, '-CA', `ca-${kind}.crt`,
               '-CAkey', `ca-${kind}.key`,
               '-set_serial', `0x${require('crypto').randomBytes(8).toString('hex')}`,
               '-extfile', 'leaf.ext', '-out', `${kind}.crt`], dir);
    }
  } catch (err) {
    remove(dir);
    throw err;
  }
  return dir;
}

function remove(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

// { key, cert, ca } Buffers for a kind ('rsa' | 'ecdsa') in a generated dir.
function load(dir, kind) {
  const read = (f) => fs.readFileSync(path.join(dir, f));
  return { key: read(`${kind}.key`), cert: read(`${kind}.crt`), ca: read(`ca-${kind}.crt`) };
}

module.exports = { generate, remove, load };
