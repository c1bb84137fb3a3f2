'use strict';
// Certificates from the native side arrive as DER; these are the objects
// Node gives for them (getPeerCertificate's legacy shape, X509Certificate).
//
// Parsing a certificate is the dearest step of a client handshake, and a
// client meets the same few certificates again and again, so parsed ones
// are kept in a small cache keyed by their DER.

const { X509Certificate } = require('crypto');

const CACHE_SIZE = 128;
const cache = new Map(); // DER (latin1 string) -> { x509, selfIssued }

function parsed(der) {
  const key = der.toString('latin1');
  let entry = cache.get(key);
  if (entry !== undefined) {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, entry);
    return entry;
  }
  const x509 = new X509Certificate(der);
  entry = { x509, selfIssued: undefined };
  cache.set(key, entry);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
  return entry;
}

function x509(der) {
  return parsed(der).x509;
}

// infoAccess arrives as "key:value" lines; Node gives { key: [values] }.
function translateInfoAccess(cert) {
  if (cert.infoAccess == null || typeof cert.infoAccess !== 'string') return;
  const info = cert.infoAccess;
  cert.infoAccess = { __proto__: null };
  for (const line of info.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    let value = line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x22) value = JSON.parse(value);
    if (key in cert.infoAccess) cert.infoAccess[key].push(value);
    else cert.infoAccess[key] = [value];
  }
}

function legacyObject(der) {
  if (!der) return null;
  const cert = x509(der).toLegacyObject();
  translateInfoAccess(cert);
  return cert;
}

// What the peer sent, as the native side gives it ({ chain: [DER], selfSigned }),
// or nothing before the TLS session is set up.
const NO_CHAIN = Object.freeze({ chain: Object.freeze([]), selfSigned: false });
function peerChain(handle, detailed) {
  return handle.getPeerCertificateChain(detailed) || NO_CHAIN;
}

// The peer's certificate; with `detailed`, linked through issuerCertificate
// as far as the native side found issuers, the root referring to itself.
function peerCertificate(handle, detailed) {
  const { chain, selfSigned } = peerChain(handle, detailed);
  if (chain.length === 0) return null;
  if (!detailed) return legacyObject(chain[0]);
  const objects = chain.map(legacyObject);
  for (let i = 0; i + 1 < objects.length; i++) {
    objects[i].issuerCertificate = objects[i + 1];
  }
  if (selfSigned) objects[objects.length - 1].issuerCertificate = objects[objects.length - 1];
  return objects[0];
}

// The peer's X509Certificate, its issuerCertificate the next one the peer
// sent, as Node links them. A certificate that links to another is a new
// X509Certificate of its own (the cached one is shared) with the link as an
// own property: an object merely inheriting from a real one is refused by
// the accessors of Node 24 and later, which check their receiver
// (ERR_INVALID_THIS).
function peerX509Certificate(handle) {
  const { chain } = peerChain(handle, false);
  let issuer;
  for (let i = chain.length - 1; i >= 0; i--) {
    if (issuer === undefined) {
      issuer = x509(chain[i]);
      continue;
    }
    const cert = new X509Certificate(chain[i]);
    Object.defineProperty(cert, 'issuerCertificate', {
      value: issuer, enumerable: false, configurable: true, writable: false,
    });
    issuer = cert;
  }
  return issuer;
}

// The peer's own certificate, parsed (from the cache), or undefined.
function peerLeafX509(handle) {
  const { chain } = peerChain(handle, false);
  return chain.length > 0 ? x509(chain[0]) : undefined;
}

module.exports = { x509, legacyObject, peerCertificate, peerX509Certificate, peerLeafX509 };
