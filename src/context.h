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
/* The SSL_CTX behind a native SecureContext object, or NULL (and throws). */
SSL_CTX *context_from_value(napi_env env, napi_value v);

/* The default root store, built once per process from PEM strings. */
napi_value root_store_init(napi_env env, napi_callback_info info);
X509_STORE *root_store_get(void);

#endif
