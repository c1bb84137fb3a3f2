#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

int harness_failures = 0;

void harness_fail(const char *file, int line, const char *what) {
  unsigned long e = ERR_peek_error();
  char reason[256] = "";

  if (e != 0)
    ERR_error_string_n(e, reason, sizeof(reason));
  fprintf(stderr, "  FAILED %s:%d: %s %s\n", file, line, what, reason);
  harness_failures++;
}

static identity_t identities[3];

static EVP_PKEY *make_key(key_kind_t kind) {
  if (kind == KEY_RSA)
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static X509 *make_cert(EVP_PKEY *key) {
  X509 *cert = X509_new();
  X509_NAME *name;

  if (cert == NULL)
    return NULL;
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24);
  X509_set_pubkey(cert, key);
  name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             (const unsigned char *)"localhost", -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (X509_sign(cert, key, EVP_sha256()) == 0) {
    X509_free(cert);
    return NULL;
  }
  return cert;
}

const identity_t *harness_identity(key_kind_t kind) {
  identity_t *id = &identities[kind];

  if (id->key == NULL) {
    id->key = make_key(kind);
    id->cert = id->key != NULL ? make_cert(id->key) : NULL;
    if (id->cert == NULL) {
      fprintf(stderr, "cannot make a test certificate\n");
      exit(2);
    }
  }
  return id;
}

static SSL_CTX *new_ctx(int version) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_method());

  if (ctx == NULL)
    return NULL;
  if (version != 0) {
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
  }
  /* As the addon's contexts have them. */
  session_install_callbacks(ctx, 0);
  return ctx;
}

SSL_CTX *harness_server_ctx(key_kind_t kind, int version) {
  const identity_t *id = harness_identity(kind);
  SSL_CTX *ctx = new_ctx(version);

  if (ctx == NULL || SSL_CTX_use_certificate(ctx, id->cert) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, id->key) != 1) {
    SSL_CTX_free(ctx);
    return NULL;
  }
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"t", 1);
  return ctx;
}

SSL_CTX *harness_client_ctx(key_kind_t kind, int version) {
  const identity_t *id = harness_identity(kind);
  SSL_CTX *ctx = new_ctx(version);

  if (ctx == NULL)
    return NULL;
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), id->cert);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
  return ctx;
}

int pair_init(pair_t *p, SSL_CTX *client_ctx, SSL_CTX *server_ctx) {
  return pair_init_hooked(p, client_ctx, server_ctx, NULL, NULL);
}

int pair_init_hooked(pair_t *p, SSL_CTX *client_ctx, SSL_CTX *server_ctx,
                     const session_hooks_t *client_hooks,
                     const session_hooks_t *server_hooks) {
  p->client_status = SESSION_WANT_INPUT;
  p->server_status = SESSION_WANT_INPUT;
  if (session_init(&p->server, server_ctx, 1, server_hooks) != 0)
    return -1;
  if (session_init(&p->client, client_ctx, 0, client_hooks) != 0) {
    session_free(&p->server);
    return -1;
  }
  SSL_set_tlsext_host_name(p->client.ssl, "localhost");
  SSL_set1_host(p->client.ssl, "localhost");
  return 0;
}

void pair_free(pair_t *p) {
  session_free(&p->client);
  session_free(&p->server);
}

size_t pair_transfer(session_t *from, session_t *to) {
  const char *data;
  size_t len = session_out_peek(from, &data);

  if (len == 0)
    return 0;
  if (session_feed(to, data, len) != 0)
    return 0;
  session_out_consume(from, len);
  return len;
}

int pair_handshake(pair_t *p, int max_rounds) {
  for (int round = 0; round < max_rounds; round++) {
    size_t moved;
    p->client_status = session_handshake(&p->client);
    moved = pair_transfer(&p->client, &p->server);
    p->server_status = session_handshake(&p->server);
    moved += pair_transfer(&p->server, &p->client);
    if (p->client_status == SESSION_ERROR || p->server_status == SESSION_ERROR)
      return 0;
    if (session_handshake_done(&p->client) &&
        session_handshake_done(&p->server) && moved == 0)
      return 1;
    if (moved == 0 && p->client_status != SESSION_OK &&
        p->server_status != SESSION_OK)
      return 0; /* stuck: paused, or waiting for input that cannot come */
  }
  return 0;
}

long session_drain(session_t *s, char *buf, size_t cap,
                   session_status_t *status) {
  size_t total = 0, n = 0;

  *status = SESSION_OK;
  while (total < cap) {
    *status = session_read(s, buf + total, cap - total, &n);
    if (*status != SESSION_OK)
      break;
    total += n;
  }
  if (*status == SESSION_ERROR)
    return -1;
  return (long)total;
}
