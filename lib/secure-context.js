'use strict';
// createSecureContext and SecureContext: option validation in JavaScript,
// the SSL_CTX in C.

const { Buffer } = require('buffer');
const crypto = require('crypto');
const binding = require('./native');
const { codes } = require('./errors');
const {
  ERR_INVALID_ARG_TYPE,
  ERR_INVALID_ARG_VALUE,
  ERR_TLS_INVALID_PROTOCOL_VERSION,
  ERR_TLS_PROTOCOL_VERSION_CONFLICT,
  ERR_UVTLS_NOT_IMPLEMENTED,
  ERR_CRYPTO_OPERATION_FAILED,
} = codes;
const defaults = require('./defaults');

const TLS1_2_VERSION = 0x0303;
const TLS1_3_VERSION = 0x0304;
const SSL_OP_CIPHER_SERVER_PREFERENCE = crypto.constants.SSL_OP_CIPHER_SERVER_PREFERENCE;

const protocolVersions = {
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': TLS1_2_VERSION,
  'TLSv1.3': TLS1_3_VERSION,
};

let rootStoreBuilt = false;
function ensureRootStore() {
  if (rootStoreBuilt) return;
  binding.setRootCerts(require('./builtin').rootCertificates);
  rootStoreBuilt = true;
}

function toVersion(which, value, fallback) {
  if (value == null) value = fallback;
  if (typeof value !== 'string' || !(value in protocolVersions)) {
    throw new ERR_TLS_INVALID_PROTOCOL_VERSION(value, which);
  }
  return protocolVersions[value];
}

function isKeyOrCert(value) {
  return typeof value === 'string' || ArrayBuffer.isView(value);
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
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function validateString(value, name) {
  if (typeof value !== 'string') throw new ERR_INVALID_ARG_TYPE(name, 'string', value);
}

const notBuilt = ['pfx', 'crl', 'dhparam', 'ticketKeys', 'sessionTimeout',
                  'privateKeyEngine', 'privateKeyIdentifier', 'clientCertEngine'];

class SecureContext {
  constructor(secureProtocol, secureOptions, minVersion, maxVersion) {
    if (secureProtocol != null) {
      throw new ERR_UVTLS_NOT_IMPLEMENTED('The secureProtocol option');
    }
    if (secureOptions != null &&
        (typeof secureOptions !== 'number' || !Number.isInteger(secureOptions))) {
      throw new ERR_INVALID_ARG_TYPE('secureOptions', 'number', secureOptions);
    }
    const min = toVersion('minimum', minVersion, defaults.DEFAULT_MIN_VERSION);
    const max = toVersion('maximum', maxVersion, defaults.DEFAULT_MAX_VERSION);
    this.context = new binding.SecureContext(min, max);
    if (secureOptions) this.context.setOptions(secureOptions);
  }
}

function processCiphers(ciphers, name) {
  const list = (ciphers || defaults.DEFAULT_CIPHERS).split(':');
  const cipherList = list.filter((c) => !c.startsWith('TLS_') && c !== '').join(':');
  const cipherSuites = list.filter((c) => c.startsWith('TLS_')).join(':');
  if (cipherSuites === '' && cipherList === '') {
    throw new ERR_INVALID_ARG_VALUE(name, ciphers);
  }
  return { cipherList, cipherSuites };
}

function setKeys(context, key, passphrase, name) {
  const keys = Array.isArray(key) ? key : [key];
  for (const item of keys) {
    const pem = item?.pem !== undefined ? item.pem : item;
    const pass = item?.passphrase !== undefined ? item.passphrase : passphrase;
    validateKeyOrCert(`${name}.key`, pem);
    if (pass != null) validateString(pass, `${name}.passphrase`);
    context.setKey(toBuffer(pem), pass);
  }
}

function configure(context, options, name) {
  const { ca, cert, key, passphrase, ciphers, ecdhCurve, sigalgs,
          sessionIdContext } = options;

  for (const option of notBuilt) {
    if (options[option] != null) {
      throw new ERR_UVTLS_NOT_IMPLEMENTED(`The ${option} option`);
    }
  }
  if (ca) {
    for (const c of Array.isArray(ca) ? ca : [ca]) {
      validateKeyOrCert(`${name}.ca`, c);
      context.addCACert(toBuffer(c));
    }
  } else {
    ensureRootStore();
    context.addRootCerts();
  }
  if (cert) {
    for (const c of Array.isArray(cert) ? cert : [cert]) {
      validateKeyOrCert(`${name}.cert`, c);
      context.setCert(toBuffer(c));
    }
  }
  if (key) setKeys(context, key, passphrase, name);
  if (sigalgs != null) {
    validateString(sigalgs, `${name}.sigalgs`);
    if (sigalgs === '') throw new ERR_INVALID_ARG_VALUE(`${name}.sigalgs`, sigalgs);
    context.setSigalgs(sigalgs);
  }
  if (ciphers != null) validateString(ciphers, `${name}.ciphers`);
  const { cipherList, cipherSuites } = processCiphers(ciphers, `${name}.ciphers`);
  if (cipherSuites !== '') context.setCipherSuites(cipherSuites);
  context.setCiphers(cipherList);
  if (cipherSuites === '' && context.getMaxProto() > TLS1_2_VERSION &&
      context.getMinProto() < TLS1_3_VERSION) {
    context.setMaxProto(TLS1_2_VERSION);
  }
  if (cipherList === '' && context.getMinProto() < TLS1_3_VERSION &&
      context.getMaxProto() > TLS1_2_VERSION) {
    context.setMinProto(TLS1_3_VERSION);
  }
  const curve = ecdhCurve ?? defaults.DEFAULT_ECDH_CURVE;
  validateString(curve, `${name}.ecdhCurve`);
  if (curve !== 'auto') {
    try {
      context.setECDHCurve(curve);
    } catch {
      throw new ERR_CRYPTO_OPERATION_FAILED('Failed to set ECDH curve');
    }
  }
  if (sessionIdContext) {
    validateString(sessionIdContext, `${name}.sessionIdContext`);
    context.setSessionIdContext(Buffer.from(sessionIdContext));
  }
}

function createSecureContext(options) {
  if (options === undefined || options === null) options = {};
  else if (typeof options !== 'object') {
    throw new ERR_INVALID_ARG_TYPE('options', 'Object', options);
  }
  const { honorCipherOrder, minVersion, maxVersion, secureProtocol } = options;
  let { secureOptions } = options;
  if (secureProtocol != null && (minVersion != null || maxVersion != null)) {
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

module.exports = { SecureContext, createSecureContext, isSecureContext };
