#ifndef UVTLS_CONTEXT_H
#define UVTLS_CONTEXT_H

/* SecureContext: one SSL_CTX and every option that configures it. */

#include <node_api.h>
#include <openssl/ssl.h>

typedef struct context {
  SSL_CTX *ctx;
  int shares_root_store; /* its X509_STORE is the process-wide one */
} context_t;

napi_value context_define(napi_env env);
context_t *context_unwrap(napi_env env, napi_value self);
/* The context's own X509_STORE, copied from the shared root store first if
 * the context was using it, so that additions stay with this context. */
X509_STORE *context_own_store(context_t *c);
BIO *context_bio_from_value(napi_env env, napi_value v);
int context_password_cb(char *buf, int size, int rwflag, void *u);

/* Loaders of PKCS#12, CRLs and DH parameters (context_load.c). */
napi_value context_load_pkcs12(napi_env env, napi_callback_info info);
napi_value context_add_crl(napi_env env, napi_callback_info info);
napi_value context_set_dh_param(napi_env env, napi_callback_info info);
/* The SSL_CTX behind a native SecureContext object, or NULL (and throws). */
SSL_CTX *context_from_value(napi_env env, napi_value v);

/* The default root store, built once per process from PEM strings. */
napi_value root_store_init(napi_env env, napi_callback_info info);
X509_STORE *root_store_get(void);

#endif
