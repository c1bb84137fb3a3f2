/* A session's configuration by its owner: verification, names, ALPN, PSK,
 * OCSP, the certificate served, the pauses' answers. */

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "core/session_callbacks.h"

static int verify_accept_all(int preverify_ok, X509_STORE_CTX *ctx) {
  (void)preverify_ok;
  (void)ctx;
  /* The verdict is read after the handshake, so that the owner decides
   * (Node's rejectUnauthorized). */
  return 1;
}

void session_set_verify(session_t *s, int mode) {
  int ssl_mode = SSL_VERIFY_NONE;

  if (mode & SESSION_VERIFY_PEER)
    ssl_mode = SSL_VERIFY_PEER;
  if ((mode & SESSION_VERIFY_REQUIRE_CERT) && session_is_server(s))
    ssl_mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_set_verify(s->ssl, ssl_mode, verify_accept_all);
}

int session_set_servername(session_t *s, const char *name) {
  return SSL_set_tlsext_host_name(s->ssl, name) == 1;
}

int session_set_alpn(session_t *s, const unsigned char *wire, size_t len) {
  unsigned char *copy;

  if (!session_is_server(s))
    return SSL_set_alpn_protos(s->ssl, wire, (unsigned int)len) == 0;
  copy = malloc(len > 0 ? len : 1);
  if (copy == NULL)
    return 0;
  memcpy(copy, wire, len);
  free(s->alpn);
  s->alpn = copy;
  s->alpn_len = len;
  return 1;
}

void session_enable(session_t *s, unsigned hook) {
  /* A pool thread uses the flags and the SSL during its step: the change
   * waits for its end. */
  if (session_has(s, SESSION_ON_POOL)) {
    s->flags_after_pool |= hook;
    return;
  }
  s->flags |= hook;
  session_install_hook(s, hook);
}

void session_set_on_pool(session_t *s, int on_pool) {
  unsigned waiting = s->flags_after_pool;

  if (on_pool) {
    s->flags |= SESSION_ON_POOL;
    return;
  }
  s->flags &= ~SESSION_ON_POOL;
  s->flags_after_pool = 0;
  for (unsigned bit = 1; waiting != 0; bit <<= 1) {
    if (waiting & bit)
      session_enable(s, bit);
    waiting &= ~bit;
  }
}

int session_set_psk_hint(session_t *s, const char *hint) {
  int ok = SSL_use_psk_identity_hint(s->ssl, hint) == 1;

  ERR_clear_error();
  return ok;
}

void session_request_ocsp(session_t *s) {
  if (!session_is_server(s))
    SSL_set_tlsext_status_type(s->ssl, TLSEXT_STATUSTYPE_ocsp);
}

int session_set_ocsp_response(session_t *s, const unsigned char *data,
                              size_t len) {
  unsigned char *copy = OPENSSL_malloc(len > 0 ? len : 1);

  if (copy == NULL)
    return 0;
  memcpy(copy, data, len);
  OPENSSL_free(s->ocsp_response);
  s->ocsp_response = copy;
  s->ocsp_response_len = len;
  return 1;
}

int session_use_key_cert(session_t *s, SSL_CTX *ctx) {
  X509 *cert = SSL_CTX_get0_certificate(ctx);
  EVP_PKEY *key = SSL_CTX_get0_privatekey(ctx);
  STACK_OF(X509) *chain = NULL;

  /* A context without a certificate fails here with OpenSSL's own error
   * ("passed a null parameter"), as in Node. */
  if (SSL_CTX_get0_chain_certs(ctx, &chain) != 1 ||
      SSL_use_certificate(s->ssl, cert) != 1 ||
      SSL_use_PrivateKey(s->ssl, key) != 1)
    return 0;
  return chain == NULL || SSL_set1_chain(s->ssl, chain) == 1;
}

/* Serves this session with another context's certificate, key, chain and
 * trusted CAs. */
static int use_context(session_t *s, SSL_CTX *ctx) {
  STACK_OF(X509_NAME) * names;

  if (!session_use_key_cert(s, ctx))
    return 0;
  if (SSL_set1_verify_cert_store(s->ssl, SSL_CTX_get_cert_store(ctx)) != 1)
    return 0;
  names = SSL_dup_CA_list(SSL_CTX_get_client_CA_list(ctx));
  SSL_set_client_CA_list(s->ssl, names);
  return 1;
}

int session_choose_context(session_t *s, SSL_CTX *ctx, int pass_over_empty) {
  int ok = ctx == NULL ||
           (pass_over_empty && SSL_CTX_get0_certificate(ctx) == NULL) ||
           use_context(s, ctx);

  assert(s->state == SESSION_WAIT_CONTEXT);
  s->flags |= SESSION_CONTEXT_CHOSEN;
  session_enter(s, SESSION_HANDSHAKE);
  return ok;
}

void session_resume_with(session_t *s, SSL_SESSION *sess) {
  assert(s->state == SESSION_WAIT_SESSION);
  SSL_SESSION_free(s->resumed);
  s->resumed = sess;
  s->flags |= SESSION_LOOKUP_DONE;
  session_enter(s, SESSION_HANDSHAKE);
}

int session_set_session(session_t *s, SSL_SESSION *sess) {
  return SSL_set_session(s->ssl, sess) == 1;
}

int session_set_max_send_fragment(session_t *s, long size) {
  return SSL_set_max_send_fragment(s->ssl, size) == 1;
}

/* OpenSSL's tracer, minus what it leaves on the error queue when stderr
 * cannot take its output (a full pipe): that must not fail the session. */
static void trace_message(int write_p, int version, int content_type,
                          const void *buf, size_t len, SSL *ssl, void *arg) {
  ERR_set_mark();
  SSL_trace(write_p, version, content_type, buf, len, ssl, arg);
  ERR_pop_to_mark();
}

void session_trace(session_t *s) {
  if (s->trace_bio == NULL)
    s->trace_bio = BIO_new_fp(stderr, BIO_NOCLOSE | BIO_FP_TEXT);
  if (s->trace_bio == NULL)
    return;
  s->flags |= SESSION_TRACE;
  SSL_set_msg_callback(s->ssl, trace_message);
  SSL_set_msg_callback_arg(s->ssl, s->trace_bio);
}
