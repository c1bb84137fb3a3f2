'use strict';
// Certificates from the native side arrive as DER; these are the objects
// Node gives for them (getPeerCertificate's legacy shape, X509Certificate).

const { X509Certificate } = require('crypto');

function x509(der) {
  return new X509Certificate(der);
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

// The peer's certificate; with `detailed`, linked through issuerCertificate
// up to the root, which refers to itself.
function peerCertificate(handle, detailed) {
  const chain = handle.getPeerCertificateChain(detailed);
  if (!chain || chain.length === 0) return null;
  const certs = chain.map((der) => ({ der, object: legacyObject(der) }));
  if (detailed) {
    for (let i = 0; i + 1 < certs.length; i++) {
      certs[i].object.issuerCertificate = certs[i + 1].object;
    }
    const last = certs[certs.length - 1];
    const lastX509 = x509(last.der);
    if (lastX509.checkIssued(lastX509)) {
      last.object.issuerCertificate = last.object;
    }
  }
  return certs[0].object;
}

module.exports = { x509, legacyObject, peerCertificate };
