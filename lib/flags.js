'use strict';
// The node command-line flags that change TLS (in execArgv or NODE_OPTIONS),
// read once as Node reads them at startup.

const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS || '').split(/\s+/)];

function has(flag) {
  return flags.includes(flag);
}

// The value of the last --name=value.
function value(name) {
  const prefix = `${name}=`;
  const flag = flags.findLast((f) => f.startsWith(prefix));
  return flag ? flag.slice(prefix.length) : undefined;
}

// Several flags: the lowest minimum and the highest maximum win, as in
// Node's tls.
function minVersion() {
  if (has('--tls-min-v1.0')) return 'TLSv1';
  if (has('--tls-min-v1.1')) return 'TLSv1.1';
  if (has('--tls-min-v1.2')) return 'TLSv1.2';
  if (has('--tls-min-v1.3')) return 'TLSv1.3';
  return 'TLSv1.2';
}

function maxVersion() {
  if (has('--tls-max-v1.3')) return 'TLSv1.3';
  if (has('--tls-max-v1.2')) return 'TLSv1.2';
  return 'TLSv1.3';
}

module.exports = {
  minVersion: minVersion(),
  maxVersion: maxVersion(),
  // --tls-keylog=FILE: every connection appends its key log lines there.
  keylogFile: value('--tls-keylog'),
  trace: has('--trace-tls'),
  // The last of --use-openssl-ca / --use-bundled-ca wins.
  useOpenSSLCA: flags.lastIndexOf('--use-openssl-ca') > flags.lastIndexOf('--use-bundled-ca'),
};
