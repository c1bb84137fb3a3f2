'use strict';
// Certificates made at test time with the openssl command, into a
// temporary directory: self-signed ones carrying any subjectAltName bytes
// (the extension written as DER, so that names can hold what no
// configuration file lets through: commas, quotes, backslashes, NUL,
// non-ASCII bytes), and CA chains of any depth.

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const OPENSSL = process.env.OPENSSL_BIN || 'openssl';

function openssl(args, cwd) {
  return execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

// DER: a tag, a length, the contents.
function tlv(tag, contents) {
  const len = contents.length;
  let head;
  if (len < 0x80) head = Buffer.from([tag, len]);
  else if (len < 0x100) head = Buffer.from([tag, 0x81, len]);
  else head = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  return Buffer.concat([head, contents]);
}

const GENERAL_NAME_TAGS = { email: 0x81, DNS: 0x82, URI: 0x86, IP: 0x87 };

// GeneralNames from [[kind, Buffer], ...].
function generalNames(names) {
  return tlv(0x30, Buffer.concat(names.map(([kind, bytes]) => tlv(GENERAL_NAME_TAGS[kind], bytes))));
}

function ecKey(dir, name = 'key.pem') {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  }
  return file;
}

// A self-signed certificate with the given CN (or none) and alt names
// ([[kind, Buffer]], written as they are). Returns { key, cert } (PEM).
function selfSigned(dir, name, { cn, altNames }) {
  const key = ecKey(dir);
  const conf = path.join(dir, `${name}.cnf`);
  const lines = ['[req]', 'distinguished_name = dn', 'x509_extensions = ext', 'prompt = no',
                 '[dn]', cn ? `CN = ${cn}` : 'O = uvtls fidelity', '[ext]',
                 'basicConstraints = critical, CA:TRUE'];
  if (altNames && altNames.length > 0) {
    lines.push(`subjectAltName = DER:${generalNames(altNames).toString('hex')}`);
  }
  fs.writeFileSync(conf, `${lines.join('\n')}\n`);
  const out = path.join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-new', '-key', key, '-config', conf, '-days', '30', '-out', out]);
  return { key: fs.readFileSync(key), cert: fs.readFileSync(out) };
}

// A chain: a root, `depth - 2` intermediates, a leaf for `localhost`.
// Returns { root, intermediates: [top first], leaf, leafKey } (PEM).
function chain(dir, depth) {
  const ext = path.join(dir, 'ext.cnf');
  fs.writeFileSync(ext, [
    '[ca]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
    '[leaf]', 'basicConstraints = CA:FALSE', 'subjectAltName = DNS:localhost, IP:127.0.0.1',
    'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid', '',
  ].join('\n'));
  const names = [];
  for (let i = 0; i < depth; i++) names.push(i === 0 ? 'root' : i === depth - 1 ? 'leaf' : `ca${i}`);
  const pems = [];
  const keys = names.map((name) => ecKey(dir, `${name}.key`));
  for (let i = 0; i < depth; i++) {
    const key = keys[i];
    const out = path.join(dir, `${names[i]}.pem`);
    const subj = `/CN=uvtls fidelity ${names[i]}${i === depth - 1 ? '' : ' CA'}`;
    if (i === 0) {
      openssl(['req', '-x509', '-new', '-key', key, '-subj', subj, '-days', '30',
               '-config', ext, '-extensions', 'ca', '-out', out]);
    } else {
      const csr = path.join(dir, `${names[i]}.csr`);
      openssl(['req', '-new', '-key', key, '-subj', i === depth - 1 ? '/CN=localhost' : subj,
               '-out', csr]);
      openssl(['x509', '-req', '-in', csr, '-CA', path.join(dir, `${names[i - 1]}.pem`),
               '-CAkey', keys[i - 1], '-set_serial', String(1000 + i), '-days', '30', '-extfile', ext,
               '-extensions', i === depth - 1 ? 'leaf' : 'ca', '-out', out]);
    }
    pems.push(fs.readFileSync(out, 'latin1'));
  }
  return {
    root: pems[0],
    intermediates: pems.slice(1, -1),
    leaf: pems[depth - 1],
    leafKey: fs.readFileSync(keys[depth - 1]),
  };
}

module.exports = { selfSigned, chain, generalNames };
