#include "handshake.h"

#include <stdlib.h>
#include <string.h>

#include "connection.h"
#include "util.h"

/* The server's choice among the client's protocols: the application's
 * ALPNCallback, or the first of the server's own list the client offers.
 * No overlap is a fatal no_application_protocol alert, as in Node. */
static int select_alpn(SSL *ssl, const unsigned char **out,
                       unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg) {
  connection_t *c = SSL_get_app_data(ssl);
  unsigned char *chosen = NULL;

  (void)arg;
  if (c == NULL)
    return SSL_TLSEXT_ERR_NOACK;
  if (c->alpn_callback) {
    napi_value offered = util_buffer_copy(c->env, in, inlen);
    napi_value result = connection_call(c, CB_ONALPN, 1, &offered);
    int64_t offset = -1;
    if (result == NULL ||
        napi_get_value_int64(c->env, result, &offset) != napi_ok ||
        offset < 0 || (uint64_t)offset >= inlen ||
        in[offset] + (uint64_t)offset + 1 > inlen)
      return SSL_TLSEXT_ERR_ALERT_FATAL;
    *outlen = in[offset];
    *out = in + offset + 1;
    return SSL_TLSEXT_ERR_OK;
  }
  if (c->alpn == NULL)
    return SSL_TLSEXT_ERR_NOACK;
  if (SSL_select_next_proto(&chosen, outlen, c->alpn, (unsigned int)c->alpn_len,
                            in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

/* The server's certificate callback: the handshake waits here while
 * JavaScript picks the context for the client's server name (SNICallback,
 * addContext), however long that takes; handshake_cert_done() resumes. */
static int on_cert(SSL *ssl, void *arg) {
  connection_t *c = arg;
  napi_value name;
  const char *servername;

  if (c->cert_cb == CERT_CB_FAILED)
    return 0;
  if (c->cert_cb == CERT_CB_DONE)
    return 1;
  if (c->cert_cb == CERT_CB_WAITING)
    return -1;
  c->cert_cb = CERT_CB_WAITING;
  c->in_cert_cb = 1;
  servername = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  name = util_string(c->env, servername);
  connection_call(c, CB_ONCERTCB, 1, &name);
  c->in_cert_cb = 0;
  if (c->cert_cb == CERT_CB_FAILED)
    return 0;
  return c->cert_cb == CERT_CB_DONE ? 1 : -1;
}

void handshake_enable_cert_cb(connection_t *c) {
  c->cert_cb = CERT_CB_ENABLED;
  SSL_set_cert_cb(c->session.ssl, on_cert, c);
}

/* Serves this connection with another context's certificate, key, chain
 * and trusted CAs. */
static int use_context(SSL *ssl, SSL_CTX *ctx) {
  X509 *cert = SSL_CTX_get0_certificate(ctx);
  EVP_PKEY *key = SSL_CTX_get0_privatekey(ctx);
  STACK_OF(X509) *chain = NULL;
  STACK_OF(X509_NAME) * names;

  if (cert == NULL || key == NULL)
    return 0;
  if (SSL_CTX_get0_chain_certs(ctx, &chain) != 1 ||
      SSL_use_certificate(ssl, cert) != 1 || SSL_use_PrivateKey(ssl, key) != 1)
    return 0;
  if (chain != NULL && SSL_set1_chain(ssl, chain) != 1)
    return 0;
  if (SSL_set1_verify_cert_store(ssl, SSL_CTX_get_cert_store(ctx)) != 1)
    return 0;
  names = SSL_dup_CA_list(SSL_CTX_get_client_CA_list(ctx));
  SSL_set_client_CA_list(ssl, names);
  return 1;
}

int handshake_cert_done(connection_t *c, SSL_CTX *ctx) {
  int ok = ctx == NULL || use_context(c->session.ssl, ctx);

  c->cert_cb = ok ? CERT_CB_DONE : CERT_CB_FAILED;
  return ok;
}

void handshake_install(SSL_CTX *ctx) {
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
}
