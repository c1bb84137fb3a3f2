#include "node/x509.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "node/util.h"

#define MAX_CHAIN 32

napi_value x509_to_der(napi_env env, X509 *cert) {
  unsigned char *der = NULL;
  napi_value result;
  int len = i2d_X509(cert, &der);

  if (len <= 0) {
    napi_get_null(env, &result);
    return result;
  }
  result = util_buffer_copy(env, der, (size_t)len);
  OPENSSL_free(der);
  return result;
}

static int is_self_issued(X509 *cert) {
  return X509_check_issued(cert, cert) == X509_V_OK;
}

/* What the peer sent, leaf first: a client's chain holds the leaf, a
 * server's does not. A new stack with its own references.
 *
 * A resumed client session shows none: Node's client resumes from a
 * serialized session, which keeps the server's certificate but not its
 * chain, and reads the chain only. */
static STACK_OF(X509) * peer_certs(const SSL *ssl, int is_server) {
  STACK_OF(X509) *sent = SSL_get_peer_cert_chain(ssl);
  STACK_OF(X509) *certs = sk_X509_new_null();
  X509 *leaf = is_server ? SSL_get0_peer_certificate(ssl) : NULL;

  if (certs == NULL)
    return NULL;
  if (!is_server && SSL_session_reused(ssl))
    return certs;
  if (leaf != NULL && X509_up_ref(leaf) == 1 && !sk_X509_push(certs, leaf))
    X509_free(leaf);
  for (int i = 0; sent != NULL && i < sk_X509_num(sent); i++) {
    X509 *cert = sk_X509_value(sent, i);
    if (X509_up_ref(cert) == 1 && !sk_X509_push(certs, cert))
      X509_free(cert);
  }
  return certs;
}

/* The issuer from the trust store, with a reference the caller frees. */
static X509 *issuer_in_store(const SSL *ssl, X509 *cert) {
  X509_STORE *store = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
  X509_STORE_CTX *sctx = X509_STORE_CTX_new();
  X509 *issuer = NULL;

  if (sctx != NULL && X509_STORE_CTX_init(sctx, store, cert, NULL) == 1 &&
      X509_STORE_CTX_get1_issuer(&issuer, sctx, cert) != 1)
    issuer = NULL;
  X509_STORE_CTX_free(sctx);
  ERR_clear_error();
  return issuer;
}

static void push_der(napi_env env, napi_value array, uint32_t *n, X509 *c) {
  napi_set_element(env, array, (*n)++, x509_to_der(env, c));
}

/* The chain as Node walks it for getPeerCertificate(true): issuers taken
 * from what the peer sent (each used once), then from the trust store until
 * a self-issued certificate, or the store gives back the same one. Returns
 * { chain: [DER...], selfSigned }, selfSigned telling whether the last one
 * is its own issuer.
 *
 * Node's walk through what the peer sent stops after an issuer found in the
 * last place of what is left (its test for "not found" compares the index
 * with the count of certificates after it took that one out): a chain sent
 * in order is walked to its end, one sent out of order may stop early and
 * go on from the trust store. That is what programs see from the built-in,
 * so it is what they get here. */
static napi_value detailed_chain(napi_env env, const SSL *ssl, int is_server) {
  STACK_OF(X509) *certs = peer_certs(ssl, is_server);
  napi_value result, chain;
  X509 *cert;
  uint32_t n = 0;

  napi_create_object(env, &result);
  napi_create_array(env, &chain);
  util_set(env, result, "chain", chain);
  if (certs == NULL || sk_X509_num(certs) == 0) {
    sk_X509_pop_free(certs, X509_free);
    return result;
  }
  cert = sk_X509_shift(certs);
  push_der(env, chain, &n, cert);
  while (n < MAX_CHAIN) {
    int i;
    for (i = 0; i < sk_X509_num(certs); i++) {
      if (X509_check_issued(sk_X509_value(certs, i), cert) == X509_V_OK)
        break;
    }
    if (i == sk_X509_num(certs))
      break;
    X509_free(cert);
    cert = sk_X509_delete(certs, i);
    push_der(env, chain, &n, cert);
    if (i == sk_X509_num(certs))
      break;
  }
  while (n < MAX_CHAIN && !is_self_issued(cert)) {
    X509 *issuer = issuer_in_store(ssl, cert);
    if (issuer == NULL)
      break;
    push_der(env, chain, &n, issuer);
    if (issuer == cert) {
      X509_free(issuer);
      break;
    }
    X509_free(cert);
    cert = issuer;
  }
  util_set(env, result, "selfSigned", util_bool(env, is_self_issued(cert)));
  X509_free(cert);
  sk_X509_pop_free(certs, X509_free);
  return result;
}

napi_value x509_peer_chain(napi_env env, const SSL *ssl, int is_server,
                           int detailed) {
  STACK_OF(X509) * certs;
  napi_value result, chain;
  uint32_t n = 0;

  if (detailed)
    return detailed_chain(env, ssl, is_server);
  /* Only the leaf, or everything as sent (getPeerX509Certificate). */
  certs = peer_certs(ssl, is_server);
  napi_create_object(env, &result);
  napi_create_array(env, &chain);
  util_set(env, result, "chain", chain);
  for (int i = 0; certs != NULL && i < sk_X509_num(certs); i++)
    push_der(env, chain, &n, sk_X509_value(certs, i));
  sk_X509_pop_free(certs, X509_free);
  return result;
}
