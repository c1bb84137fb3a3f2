#include "x509.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "util.h"

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

static X509 *issuer_in_stack(STACK_OF(X509) * stack, X509 *cert) {
  for (int i = 0; stack != NULL && i < sk_X509_num(stack); i++) {
    X509 *candidate = sk_X509_value(stack, i);
    if (candidate != cert && X509_check_issued(candidate, cert) == X509_V_OK)
      return candidate;
  }
  return NULL;
}

/* The issuer from the trust store, with a reference the caller frees. */
static X509 *issuer_in_store(SSL *ssl, X509 *cert) {
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

napi_value x509_peer_chain(napi_env env, SSL *ssl, int detailed) {
  STACK_OF(X509) *peer_chain = SSL_get_peer_cert_chain(ssl);
  X509 *cert = SSL_get0_peer_certificate(ssl);
  X509 *owned[MAX_CHAIN];
  size_t n_owned = 0;
  napi_value result;
  uint32_t n = 0;

  if (napi_create_array(env, &result) != napi_ok)
    return NULL;
  if (cert == NULL)
    return result;
  napi_set_element(env, result, n++, x509_to_der(env, cert));
  while (detailed && n < MAX_CHAIN && !is_self_issued(cert)) {
    X509 *issuer = issuer_in_stack(peer_chain, cert);
    if (issuer == NULL && (issuer = issuer_in_store(ssl, cert)) != NULL)
      owned[n_owned++] = issuer;
    if (issuer == NULL)
      break;
    napi_set_element(env, result, n++, x509_to_der(env, issuer));
    cert = issuer;
  }
  while (n_owned > 0)
    X509_free(owned[--n_owned]);
  return result;
}
