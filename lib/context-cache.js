'use strict';
// The SecureContext of a tls.connect() given no secureContext: Node builds
// a fresh one for every connection, and building it (a new SSL_CTX, the
// CA certificates parsed again) is most of a client handshake's cost.
// Connections with the same context options share one instead; a client's
// context holds nothing that a connection changes.

const crypto = require('crypto');
const defaults = require('./defaults');
const { allContextOptionNames } = require('./secure-context');
const { onDefaultCACertificatesChange } = require('./ca-store');

const CACHE_SIZE = 64;
const cache = new Map(); // digest of the options -> SecureContext

// A context without `ca` holds the default CAs of its time: after
// tls.setDefaultCACertificates() new connections get new contexts.
onDefaultCACertificatesChange(() => cache.clear());

// Feeds `value` to the hash; false when it is of a kind not worth caching
// (then a context is made as usual, with its own validation and errors).
function hashValue(hash, value, depth) {
  if (value === undefined || value === null) {
    hash.update(`\0${value}`);
    return true;
  }
  switch (typeof value) {
    case 'string':
      hash.update(`s${Buffer.byteLength(value)}:`);
      hash.update(value);
      return true;
    case 'number':
    case 'boolean':
      hash.update(`${(typeof value)[0]}${value};`);
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (ArrayBuffer.isView(value)) {
    hash.update(`b${value.byteLength}:`);
    hash.update(value);
    return true;
  }
  if (depth > 1) return false;
  if (Array.isArray(value)) {
    hash.update(`a${value.length}[`);
    return value.every((item) => hashValue(hash, item, depth + 1));
  }
  // { pem, passphrase } keys, { buf, passphrase } PFX entries.
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const names = Object.keys(value).sort();
  hash.update(`o${names.join(',')}{`);
  return names.every((name) => hashValue(hash, value[name], depth + 1));
}

function cacheKey(options) {
  // Weak DH parameters warn at each creation: not cached.
  if (options.dhparam != null) return null;
  const hash = crypto.createHash('sha256');
  hash.update(`${defaults.DEFAULT_MIN_VERSION}|${defaults.DEFAULT_MAX_VERSION}|` +
              `${defaults.DEFAULT_CIPHERS}|${defaults.DEFAULT_ECDH_CURVE}|`);
  for (const name of allContextOptionNames) {
    hash.update(`${name}=`);
    if (!hashValue(hash, options[name], 0)) return null;
  }
  return hash.digest('latin1');
}

function sharedSecureContext(options, create) {
  const key = cacheKey(options);
  if (key === null) return create(options);
  let context = cache.get(key);
  if (context !== undefined) {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, context);
    return context;
  }
  context = create(options);
  cache.set(key, context);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
  return context;
}

module.exports = { sharedSecureContext };
