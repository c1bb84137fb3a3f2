// ES module entry: the default export and named exports of node:tls. An
// ES module's names are fixed: those of every supported release are here,
// undefined where the running Node's tls has no such export.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tls = require('./tls.js');

export default tls;
export const {
  CLIENT_RENEG_LIMIT,
  CLIENT_RENEG_WINDOW,
  getCiphers,
  convertALPNProtocols,
  checkServerIdentity,
  createSecureContext,
  SecureContext,
  TLSSocket,
  Server,
  createServer,
  connect,
  createSecurePair,
  getCACertificates,
  setDefaultCACertificates,
  getCertificateCompressionAlgorithms,
} = tls;
// The defaults and the root list are read through the module object, so
// that assignments to tls.DEFAULT_* are seen.
export const DEFAULT_CIPHERS = tls.DEFAULT_CIPHERS;
export const DEFAULT_ECDH_CURVE = tls.DEFAULT_ECDH_CURVE;
export const DEFAULT_MIN_VERSION = tls.DEFAULT_MIN_VERSION;
export const DEFAULT_MAX_VERSION = tls.DEFAULT_MAX_VERSION;
export const rootCertificates = tls.rootCertificates;
