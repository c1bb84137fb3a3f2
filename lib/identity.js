'use strict';
// tls.checkServerIdentity(hostname, cert) is the running Node's own: it is
// public JavaScript that reads nothing but `cert.subject` and
// `cert.subjectaltname`, so using it as it is gives its answers and its
// error objects on every input, in every release (Node 20 matches hosts as
// given, later ones by their ASCII form and refuse non-canonical IP
// spellings; a malformed quoted subjectaltname throws its SyntaxError).
//
// checkIdentity() is the default check at the end of a client handshake,
// with a fast path that has to agree with it: a certificate object is dear
// to build, and the subjectAltName of the parsed leaf (cached per DER) is
// the very string the object would carry, so a check on it alone that
// passes is the answer; only a failure needs the whole object, for the
// subject's CN and for the error, which is made from the whole object as
// the built-in does.

const { checkServerIdentity } = require('./builtin');

// `leafAltNames`: the leaf's subjectAltName (undefined without one, or
// without a parsed leaf); `peerCertificate()`: the whole certificate
// object, made only when the fast path does not settle it.
function checkIdentity(hostname, leafAltNames, peerCertificate) {
  if (leafAltNames !== undefined &&
      checkServerIdentity(hostname, { subjectaltname: leafAltNames }) === undefined) {
    return undefined;
  }
  return checkServerIdentity(hostname, peerCertificate());
}

module.exports = { checkServerIdentity, checkIdentity };
