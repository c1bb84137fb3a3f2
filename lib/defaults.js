'use strict';
// The tls defaults, writable as in Node and read at use time, so that a
// program that changes tls.DEFAULT_MIN_VERSION changes later contexts.

const crypto = require('crypto');

function flagged(flag) {
  const argv = process.execArgv;
  const env = process.env.NODE_OPTIONS || '';
  return argv.includes(flag) || env.split(/\s+/).includes(flag);
}

function defaultMinVersion() {
  if (flagged('--tls-min-v1.0')) return 'TLSv1';
  if (flagged('--tls-min-v1.1')) return 'TLSv1.1';
  if (flagged('--tls-min-v1.3')) return 'TLSv1.3';
  return 'TLSv1.2';
}

function defaultMaxVersion() {
  if (flagged('--tls-max-v1.2')) return 'TLSv1.2';
  return 'TLSv1.3';
}

// --tls-keylog=FILE: every connection appends its key log lines there.
function keylogFile() {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS || '').split(/\s+/)];
  const flag = flags.reverse().find((f) => f.startsWith('--tls-keylog='));
  return flag ? flag.slice('--tls-keylog='.length) : undefined;
}

const defaults = {
  DEFAULT_CIPHERS: crypto.constants.defaultCipherList,
  DEFAULT_ECDH_CURVE: 'auto',
  DEFAULT_MIN_VERSION: defaultMinVersion(),
  DEFAULT_MAX_VERSION: defaultMaxVersion(),
};
Object.defineProperty(defaults, 'tlsKeylog', { enumerable: false, writable: true });
Object.defineProperty(defaults, 'tlsTrace', { enumerable: false, writable: true });

module.exports = defaults;
module.exports.tlsKeylog = keylogFile();
module.exports.tlsTrace = flagged('--trace-tls');
