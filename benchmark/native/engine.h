#ifndef UVTLS_BENCH_ENGINE_H
#define UVTLS_BENCH_ENGINE_H

/* What the engine benchmark's files share (see engine.c). */

#include <openssl/ssl.h>

#include "harness.h"

typedef struct options {
  double seconds;
  long count; /* 0: as many as fit in `seconds` */
  int json;
  const char *filter;
  const char *cipher_list;  /* up to TLS 1.2; NULL: OpenSSL's default */
  const char *ciphersuites; /* TLS 1.3; NULL: OpenSSL's default */
} options_t;

/* A CA and a leaf for "localhost" signed by it, of one key type. */
typedef struct credentials {
  EVP_PKEY *ca_key;
  X509 *ca;
  EVP_PKEY *key;
  X509 *cert;
} credentials_t;

/* Prints what failed, with OpenSSL's error queue, and exits. */
void fail(const char *what, const char *detail);

const credentials_t *credentials_of(key_kind_t kind);
SSL_CTX *server_ctx(const credentials_t *id, int version, const options_t *o);
SSL_CTX *client_ctx(const credentials_t *id, int version, const options_t *o);

#endif
