'use strict';
// The default CA certificates: what a context made without `ca` trusts,
// tls.getCACertificates() and tls.setDefaultCACertificates().
//
// The list is the running Node's own. Where its tls has getCACertificates
// (Node 22 and later), that gives it, with everything that shapes it
// (--use-system-ca, --use-openssl-ca, NODE_EXTRA_CA_CERTS); on Node 20 it is
// the bundled roots and NODE_EXTRA_CA_CERTS, as Node 20 builds its store.
// The native side parses it once per process into a store that contexts
// share by reference.
//
// setDefaultCACertificates() sets the built-in's list first (so that Node's
// own https, http2 and fetch trust the same certificates: a program has one
// trust store), then gives this thread a store of that list, as Node's
// change holds for the calling thread only. Contexts made before keep what
// they had.

const builtin = require('./builtin');
const binding = require('./native');
const flags = require('./flags');

let rootStoreBuilt = false;
let extraCAs;
// After setDefaultCACertificates(): this thread's store (a native handle).
let userStore;
const changeListeners = [];

// The PEM of NODE_EXTRA_CA_CERTS, read once as Node 20 reads it (Node itself
// warns at startup when the file cannot be read).
function extraCACerts() {
  if (extraCAs === undefined) {
    extraCAs = [];
    const file = process.env.NODE_EXTRA_CA_CERTS;
    if (file) {
      try {
        extraCAs.push(require('fs').readFileSync(file, 'latin1'));
      } catch {
        // Node has already emitted its warning for this file.
      }
    }
  }
  return extraCAs;
}

const hasCACertificateAPI = typeof builtin.getCACertificates === 'function';

function defaultList() {
  if (hasCACertificateAPI) return builtin.getCACertificates('default');
  const roots = flags.useOpenSSLCA ? [] : builtin.rootCertificates;
  return [...roots, ...extraCACerts()];
}

function ensureRootStore() {
  if (rootStoreBuilt) return;
  // With --use-openssl-ca, OpenSSL's default paths as well.
  binding.setRootCerts(defaultList(), flags.useOpenSSLCA);
  rootStoreBuilt = true;
}

// Makes `context` (a native SecureContext) trust the default CAs.
function addDefaultCACertificates(context) {
  if (userStore !== undefined) {
    context.addRootCerts(userStore);
    return;
  }
  ensureRootStore();
  context.addRootCerts();
}

function getCACertificates(type = 'default') {
  return builtin.getCACertificates(type);
}

function setDefaultCACertificates(certs) {
  // Validates and throws as the built-in does, before anything changes.
  builtin.setDefaultCACertificates(certs);
  userStore = binding.setRootCerts(builtin.getCACertificates('default'), false, true);
  for (const listener of changeListeners) listener();
}

// `listener` is called after each change of the default CAs.
function onDefaultCACertificatesChange(listener) {
  changeListeners.push(listener);
}

module.exports = {
  hasCACertificateAPI,
  addDefaultCACertificates,
  getCACertificates,
  setDefaultCACertificates,
  onDefaultCACertificatesChange,
};
