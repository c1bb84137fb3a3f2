'use strict';
// createSecureContext and SecureContext: option validation in JavaScript,
// the SSL_CTX in C.

const { nodeMajor } = require('./release');
const { Buffer } = require('buffer');
const { isAnyArrayBuffer } = require('util').types;
const crypto = require('crypto');
const binding = require('./native');
const { codes, nativeError } = require('./errors');
const {
  ERR_INVALID_ARG_TYPE,
  ERR_INVALID_ARG_VALUE,
  ERR_OUT_OF_RANGE,
  ERR_TLS_INVALID_PROTOCOL_VERSION,
  ERR_TLS_PROTOCOL_VERSION_CONFLICT,
  ERR_TLS_INVALID_PROTOCOL_METHOD,
  ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED,
} = codes;
const defaults = require('./defaults');
const { addDefaultCACertificates } = require('./ca-store');

// Node 24 and later: RFC 8879 certificate compression (off unless asked for).
const hasCertificateCompression =
  typeof require('./builtin').getCertificateCompressionAlgorithms === 'function';
const certificateCompressionIds = { zlib: 1, brotli: 2, zstd: 3 };
// A crl PEM holding several CRLs: Node 26 reads every one, earlier
// releases the first alone.
const readsEveryCRL = nodeMajor >= 26;

const TLS1_2_VERSION = 0x0303;
const TLS1_3_VERSION = 0x0304;
const SSL_OP_CIPHER_SERVER_PREFERENCE = crypto.constants.SSL_OP_CIPHER_SERVER_PREFERENCE;

const protocolVersions = {
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': TLS1_2_VERSION,
  'TLSv1.3': TLS1_3_VERSION,
};

function toVersion(which, value, fallback) {
  if (value == null) value = fallback;
  if (typeof value !== 'string' || !(value in protocolVersions)) {
    throw new ERR_TLS_INVALID_PROTOCOL_VERSION(value, which);
  }
  return protocolVersions[value];
}

function isKeyOrCert(value) {
  return typeof value === 'string' || ArrayBuffer.isView(value) ||
    isAnyArrayBuffer(value);
}

function validateKeyOrCert(name, value) {
  if (!isKeyOrCert(value)) {
    throw new ERR_INVALID_ARG_TYPE(name,
                                   ['string', 'Buffer', 'TypedArray', 'DataView'],
                                   value);
  }
}

function toBuffer(value) {
  if (typeof value === 'string') return Buffer.from(value);
  if (Buffer.isBuffer(value)) return value;
  if (isAnyArrayBuffer(value)) return Buffer.from(value);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function validateString(value, name) {
  if (typeof value !== 'string') throw new ERR_INVALID_ARG_TYPE(name, 'string', value);
}


// secureProtocol method names and the versions they pin (0: OpenSSL's
// lowest); SSLv23 methods only cap the maximum at TLS 1.2.
const protocolMethods = {
  TLS_method: [0, TLS1_3_VERSION],
  TLSv1_method: [0x0301, 0x0301],
  'TLSv1_1_method': [0x0302, 0x0302],
  'TLSv1_2_method': [TLS1_2_VERSION, TLS1_2_VERSION],
  SSLv23_method: [undefined, TLS1_2_VERSION],
};
for (const name of Object.keys(protocolMethods)) {
  const base = name.slice(0, -'_method'.length);
  protocolMethods[`${base}_client_method`] = protocolMethods[name];
  protocolMethods[`${base}_server_method`] = protocolMethods[name];
}

function versionsOfMethod(method) {
  if (typeof method !== 'string') {
    throw new ERR_INVALID_ARG_TYPE('secureProtocol', 'string', method);
  }
  const versions = protocolMethods[method];
  if (versions) return versions;
  if (/^SSLv[23]_/.test(method)) {
    throw new ERR_TLS_INVALID_PROTOCOL_METHOD(`${method.slice(0, 5)} methods disabled`);
  }
  throw new ERR_TLS_INVALID_PROTOCOL_METHOD(`Unknown method: ${method}`);
}

class SecureContext {
  constructor(secureProtocol, secureOptions, minVersion, maxVersion) {
    if (secureOptions != null &&
        (typeof secureOptions !== 'number' || !Number.isInteger(secureOptions))) {
      throw new ERR_INVALID_ARG_TYPE('secureOptions', 'number', secureOptions);
    }
    let min, max;
    // Node's native side reads a method name only from a string.
    if (typeof secureProtocol !== 'string') {
      min = toVersion('minimum', minVersion, defaults.DEFAULT_MIN_VERSION);
      max = toVersion('maximum', maxVersion, defaults.DEFAULT_MAX_VERSION);
    } else {
      [min, max] = versionsOfMethod(secureProtocol);
      if (min === undefined) min = toVersion('minimum', undefined, defaults.DEFAULT_MIN_VERSION);
    }
    this.context = new binding.SecureContext(min, max);
    if (secureOptions) this.context.setOptions(secureOptions);
  }
}

function processCiphers(ciphers, name) {
  const list = (ciphers || defaults.DEFAULT_CIPHERS).split(':');
  // TLS 1.3 suites (TLS_*, also as !TLS_* and the like) apart from the rest.
  const isSuite = (c) => /^[!+-]?TLS_/.test(c);
  const cipherList = list.filter((c) => !isSuite(c) && c !== '').join(':');
  const cipherSuites = list.filter(isSuite).join(':');
  if (cipherSuites === '' && cipherList === '') {
    throw new ERR_INVALID_ARG_VALUE(name, ciphers);
  }
  return { cipherList, cipherSuites };
}

// key: a PEM, or an array of PEMs and { pem, passphrase } objects.
function setKeys(context, key, passphrase, name) {
  if (!Array.isArray(key)) {
    setKey(context, key, passphrase, name);
    return;
  }
  for (const item of key) {
    const pem = item?.pem !== undefined ? item.pem : item;
    const pass = item?.passphrase !== undefined ? item.passphrase : passphrase;
    setKey(context, pem, pass, name);
  }
}

function setKey(context, pem, passphrase, name) {
  validateKeyOrCert(`${name}.key`, pem);
  if (passphrase != null) validateString(passphrase, `${name}.passphrase`);
  context.setKey(toBuffer(pem), passphrase);
}

// certificateCompression: up to three of 'zlib', 'brotli', 'zstd', in
// order of preference; none (the default) turns it off both ways.
function setCertificateCompression(context, algorithms, name) {
  let packed = 0;
  if (algorithms != null) {
    if (!Array.isArray(algorithms)) {
      throw new ERR_INVALID_ARG_TYPE(`${name}.certificateCompression`, 'Array', algorithms);
    }
    if (algorithms.length > 3) {
      throw new ERR_INVALID_ARG_VALUE(`${name}.certificateCompression`, algorithms,
                                      'can specify at most 3 algorithms');
    }
    packed = algorithms.length;
    for (let i = 0; i < algorithms.length; i++) {
      const id = Object.hasOwn(certificateCompressionIds, algorithms[i]) ?
        certificateCompressionIds[algorithms[i]] : undefined;
      if (id === undefined) {
        throw new ERR_INVALID_ARG_VALUE(`${name}.certificateCompression[${i}]`, algorithms[i],
                                        "must be 'zlib', 'brotli', or 'zstd'");
      }
      packed |= id << (8 * (i + 1));
    }
  }
  context.setCertificateCompression(packed >>> 0);
}

function configure(context, options, name) {
  const { ca, cert, key, passphrase, ciphers, ecdhCurve, sigalgs, dhparam,
          crl, pfx, privateKeyEngine, privateKeyIdentifier, clientCertEngine,
          sessionIdContext, ticketKeys, sessionTimeout, allowPartialTrustChain,
          certificateCompression } = options;

  // Ciphers first: an @SECLEVEL in them governs which keys load.
  if (ciphers != null) validateString(ciphers, `${name}.ciphers`);
  const { cipherList, cipherSuites } = processCiphers(ciphers, `${name}.ciphers`);
  if (cipherSuites !== '') context.setCipherSuites(cipherSuites);
  context.setCiphers(cipherList);
  // Only TLS 1.2 ciphers named: the TLS 1.3 suites stay the defaults.
  if (cipherList === '' && context.getMinProto() < TLS1_3_VERSION &&
      context.getMaxProto() > TLS1_2_VERSION) {
    context.setMinProto(TLS1_3_VERSION);
  }
  if (ca) {
    for (const c of Array.isArray(ca) ? ca : [ca]) {
      validateKeyOrCert(`${name}.ca`, c);
      context.addCACert(toBuffer(c));
    }
  } else {
    addDefaultCACertificates(context);
  }
  if (allowPartialTrustChain) context.setAllowPartialTrustChain();
  if (cert) {
    for (const c of Array.isArray(cert) ? cert : [cert]) {
      validateKeyOrCert(`${name}.cert`, c);
      context.setCert(toBuffer(c));
    }
  }
  if (key) setKeys(context, key, passphrase, name);
  if (hasCertificateCompression) {
    setCertificateCompression(context, certificateCompression, name);
  }
  if (sigalgs != null) {
    validateString(sigalgs, `${name}.sigalgs`);
    if (sigalgs === '') throw new ERR_INVALID_ARG_VALUE(`${name}.sigalgs`, sigalgs);
    context.setSigalgs(sigalgs);
  }
  if (privateKeyIdentifier != null) {
    if (privateKeyEngine == null) {
      throw new ERR_INVALID_ARG_VALUE(`${name}.privateKeyEngine`, privateKeyEngine);
    }
    if (!key) {
      validateString(privateKeyEngine, `${name}.privateKeyEngine`);
      validateString(privateKeyIdentifier, `${name}.privateKeyIdentifier`);
      // As on a Node built without OpenSSL engines.
      throw new ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED();
    }
  }
  const curve = ecdhCurve ?? defaults.DEFAULT_ECDH_CURVE;
  validateString(curve, `${name}.ecdhCurve`);
  if (curve !== 'auto') {
    try {
      context.setECDHCurve(curve);
    } catch {
      throw nativeError('ERR_CRYPTO_OPERATION_FAILED', 'Failed to set ECDH curve');
    }
  }
  if (dhparam != null) {
    if (dhparam !== 'auto') validateKeyOrCert(`${name}.dhparam`, dhparam);
    const warning = context.setDHParam(dhparam === 'auto' || toBuffer(dhparam));
    if (warning) process.emitWarning(warning, 'SecurityWarning');
  }
  if (crl) {
    for (const c of Array.isArray(crl) ? crl : [crl]) {
      validateKeyOrCert(`${name}.crl`, c);
      context.addCRL(toBuffer(c), readsEveryCRL);
    }
  }
  if (sessionIdContext) {
    validateString(sessionIdContext, `${name}.sessionIdContext`);
    context.setSessionIdContext(Buffer.from(sessionIdContext));
  }
  if (pfx != null) {
    if (Array.isArray(pfx)) {
      for (const item of pfx) {
        const raw = item.buf ? item.buf : item;
        const pass = item.passphrase || passphrase;
        context.loadPKCS12(toBuffer(raw), pass != null ? toBuffer(pass) : undefined);
      }
    } else {
      context.loadPKCS12(toBuffer(pfx), passphrase ? toBuffer(passphrase) : undefined);
    }
  }
  if (clientCertEngine != null) {
    validateString(clientCertEngine, `${name}.clientCertEngine`);
    throw new ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED();
  }
  if (ticketKeys !== undefined && ticketKeys !== null) {
    if (!ArrayBuffer.isView(ticketKeys)) {
      throw new ERR_INVALID_ARG_TYPE(`${name}.ticketKeys`,
                                     ['Buffer', 'TypedArray', 'DataView'], ticketKeys);
    }
    if (ticketKeys.byteLength !== 48) {
      throw new ERR_INVALID_ARG_VALUE(`${name}.ticketKeys`, ticketKeys.byteLength,
                                      'must be exactly 48 bytes');
    }
    context.setTicketKeys(toBuffer(ticketKeys));
  }
  if (sessionTimeout !== undefined && sessionTimeout !== null) {
    if (typeof sessionTimeout !== 'number') {
      throw new ERR_INVALID_ARG_TYPE(`${name}.sessionTimeout`, 'number', sessionTimeout);
    }
    if (!Number.isInteger(sessionTimeout) || sessionTimeout < 0 || sessionTimeout > 2 ** 31 - 1) {
      throw new ERR_OUT_OF_RANGE(`${name}.sessionTimeout`, `>= 0 && <= ${2 ** 31 - 1}`,
                                 sessionTimeout);
    }
    context.setSessionTimeout(sessionTimeout);
  }
}

// The options a server hands createSecureContext (as Node's, which leaves
// allowPartialTrustChain out).
const contextOptionNames = [
  'ca', 'cert', 'key', 'passphrase', 'pfx', 'crl', 'ciphers', 'ecdhCurve', 'sigalgs',
  'dhparam', 'minVersion', 'maxVersion', 'secureProtocol', 'secureOptions',
  'honorCipherOrder', 'privateKeyEngine', 'privateKeyIdentifier', 'clientCertEngine',
  'sessionIdContext', 'ticketKeys', 'sessionTimeout',
  ...(hasCertificateCompression ? ['certificateCompression'] : []),
];
// Every option createSecureContext reads.
const allContextOptionNames = [...contextOptionNames, 'allowPartialTrustChain'];

function createSecureContext(options) {
  if (options === undefined || options === null) options = {};
  else if (typeof options !== 'object') {
    throw new ERR_INVALID_ARG_TYPE('options', 'object', options);
  }
  const { honorCipherOrder, minVersion, maxVersion, secureProtocol } = options;
  let { secureOptions } = options;
  if (secureProtocol && (minVersion != null || maxVersion != null)) {
    throw new ERR_TLS_PROTOCOL_VERSION_CONFLICT(
      minVersion != null ? minVersion : maxVersion, secureProtocol);
  }
  if (honorCipherOrder) secureOptions |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  const c = new SecureContext(secureProtocol, secureOptions, minVersion, maxVersion);
  configure(c.context, options, 'options');
  return c;
}

function isSecureContext(value) {
  return value instanceof SecureContext;
}

module.exports = {
  SecureContext, createSecureContext, isSecureContext, contextOptionNames, allContextOptionNames,
};
