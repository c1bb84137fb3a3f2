/* SecureContext inputs that need more than a PEM read: PKCS#12 bundles,
 * certificate revocation lists and Diffie-Hellman parameters. */

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509_vfy.h>

#include "node/context.h"
#include "node/errors.h"
#include "node/util.h"

#define THIS_CONTEXT(env, info, n, argv, c)                                    \
  GET_ARGS(env, info, n, argv, self_);                                         \
  context_t *c = context_unwrap(env, self_);                                   \
  if (c == NULL)                                                               \
    return NULL;

/* A PKCS#12 failure is reported by its reason alone, as Node does; data
 * in an algorithm the running OpenSSL does not offer (the legacy RC2 and
 * 3DES of old PFX files) as ERR_CRYPTO_UNSUPPORTED_OPERATION. */
static napi_value throw_pkcs12_error(napi_env env) {
  unsigned long err = ERR_get_error();
  const char *reason = ERR_reason_error_string(err);

  ERR_clear_error();
  if (ERR_GET_REASON(err) == ERR_R_UNSUPPORTED)
    return util_throw(env, "ERR_CRYPTO_UNSUPPORTED_OPERATION",
                      "Unsupported PKCS12 PFX data");
  napi_throw_error(env, NULL, reason != NULL ? reason : "Unknown error");
  return NULL;
}

static int trust_extra_certs(context_t *c, STACK_OF(X509) * extra) {
  X509_STORE *store = sk_X509_num(extra) > 0 ? context_own_store(c) : NULL;

  for (int i = 0; i < sk_X509_num(extra); i++) {
    X509 *ca = sk_X509_value(extra, i);
    if (store == NULL)
      return 0;
    X509_STORE_add_cert(store, ca);
    SSL_CTX_add_client_CA(c->ctx, ca);
  }
  return 1;
}

/* The leaf, its intermediates from the bundle and its key. */
static int use_pkcs12(context_t *c, EVP_PKEY *key, X509 *cert,
                      STACK_OF(X509) * extra) {
  if (SSL_CTX_use_certificate(c->ctx, cert) != 1)
    return 0;
  SSL_CTX_clear_chain_certs(c->ctx);
  for (int i = 0; i < sk_X509_num(extra); i++) {
    if (SSL_CTX_add1_chain_cert(c->ctx, sk_X509_value(extra, i)) != 1)
      return 0;
  }
  return SSL_CTX_use_PrivateKey(c->ctx, key) == 1 &&
         trust_extra_certs(c, extra);
}

/* loadPKCS12(buffer, passphrase?) */
napi_value context_load_pkcs12(napi_env env, napi_callback_info info) {
  THIS_CONTEXT(env, info, 2, argv, c);
  STACK_OF(X509) *extra = NULL;
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  PKCS12 *p12 = NULL;
  const char *missing = NULL;
  char *pass = NULL;
  BIO *bio;
  int ok;

  if (!util_is_nullish(env, argv[1])) {
    const char *data;
    size_t len;
    if (!util_get_bytes(env, argv[1], &data, &len))
      return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "bad passphrase");
    if ((pass = malloc(len + 1)) == NULL)
      return util_throw(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
    memcpy(pass, data, len);
    pass[len] = '\0';
  }
  if ((bio = context_bio_from_value(env, argv[0])) == NULL) {
    free(pass);
    return NULL;
  }
  ERR_clear_error();
  ok = d2i_PKCS12_bio(bio, &p12) != NULL &&
       PKCS12_parse(p12, pass, &key, &cert, &extra) == 1;
  if (ok && (key == NULL || cert == NULL)) {
    missing = key == NULL ? "Unable to load private key from PFX data"
                          : "Unable to load certificate from PFX data";
    ok = 0;
  }
  ok = ok && use_pkcs12(c, key, cert, extra);
  BIO_free(bio);
  PKCS12_free(p12);
  EVP_PKEY_free(key);
  X509_free(cert);
  sk_X509_pop_free(extra, X509_free);
  free(pass);
  if (missing != NULL)
    return util_throw(env, "ERR_CRYPTO_OPERATION_FAILED", missing);
  if (!ok)
    return throw_pkcs12_error(env);
  return util_undefined(env);
}

/* addCRL(pem): revoked certificates fail verification from now on. */
/* addCRL(pem[, all]): the first CRL in `pem`, or with `all` every one
 * (as Node 26 reads them). */
napi_value context_add_crl(napi_env env, napi_callback_info info) {
  THIS_CONTEXT(env, info, 2, argv, c);
  int all = util_get_bool(env, argv[1]);
  X509_STORE *store = NULL;
  X509_CRL *crl;
  BIO *bio;
  int added = 0;

  if ((bio = context_bio_from_value(env, argv[0])) == NULL)
    return NULL;
  while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
    if (added == 0)
      store = context_own_store(c);
    if (store != NULL) {
      X509_STORE_add_crl(store, crl);
      X509_STORE_set_flags(store,
                           X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    }
    X509_CRL_free(crl);
    added++;
    if (!all)
      break;
  }
  BIO_free(bio);
  ERR_clear_error();
  if (added == 0)
    return util_throw(env, "ERR_CRYPTO_OPERATION_FAILED",
                      "Failed to parse CRL");
  return util_undefined(env);
}

/* setDHParam(true | pem): "auto" parameters, or PEM ones. Returns a
 * warning for parameters under 2048 bits; throws under 1024. Unreadable
 * input is ignored, as Node ignores it. */
napi_value context_set_dh_param(napi_env env, napi_callback_info info) {
  THIS_CONTEXT(env, info, 1, argv, c);
  EVP_PKEY *dh;
  BIO *bio;
  int bits;
  bool is_true = false;

  napi_get_value_bool(env, argv[0], &is_true);
  if (is_true) {
    SSL_CTX_set_dh_auto(c->ctx, 1);
    return util_undefined(env);
  }
  if ((bio = context_bio_from_value(env, argv[0])) == NULL)
    return NULL;
  dh = PEM_read_bio_Parameters(bio, NULL);
  BIO_free(bio);
  ERR_clear_error();
  if (dh == NULL)
    return util_undefined(env);
  bits = EVP_PKEY_get_bits(dh);
  if (bits < 1024) {
    EVP_PKEY_free(dh);
    return util_throw(env, "ERR_INVALID_ARG_VALUE",
                      "DH parameter is less than 1024 bits");
  }
  SSL_CTX_set_options(c->ctx, SSL_OP_SINGLE_DH_USE);
  if (SSL_CTX_set0_tmp_dh_pkey(c->ctx, dh) != 1) {
    EVP_PKEY_free(dh);
    return util_throw(env, "ERR_CRYPTO_OPERATION_FAILED",
                      "Error setting temp DH parameter");
  }
  if (bits < 2048)
    return util_string(env, "DH parameter is less than 2048 bits");
  return util_undefined(env);
}
