#ifndef UVTLS_X509_H
#define UVTLS_X509_H

/* Certificates out to JavaScript, as DER that lib/ turns into Node's
 * certificate objects. */

#include <node_api.h>
#include <openssl/ssl.h>

napi_value x509_to_der(napi_env env, X509 *cert);
/* The peer's certificates as { chain: [DER, ...], selfSigned }, leaf
 * first: as sent, or with `detailed` the issuer chain Node builds for
 * getPeerCertificate(true). */
napi_value x509_peer_chain(napi_env env, const SSL *ssl, int is_server,
                           int detailed);

#endif
