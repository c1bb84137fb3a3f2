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
  napi_value args[2];
  const char *servername;

  if (c->cert_cb == CERT_CB_DONE)
    return 1;
  if (c->cert_cb == CERT_CB_WAITING)
    return -1;
  c->cert_cb = CERT_CB_WAITING;
  c->in_cert_cb = 1;
  servername = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  args[0] = util_string(c->env, servername);
  args[1] = util_bool(c->env, SSL_get_tlsext_status_type(ssl) ==
                                  TLSEXT_STATUSTYPE_ocsp);
  connection_call(c, CB_ONCERTCB, 2, args);
  c->in_cert_cb = 0;
  return c->cert_cb == CERT_CB_DONE ? 1 : -1;
}

void handshake_enable_cert_cb(connection_t *c) {
  c->cert_cb = CERT_CB_ENABLED;
  SSL_set_cert_cb(c->session.ssl, on_cert, c);
}

int handshake_use_key_cert(SSL *ssl, SSL_CTX *ctx) {
  X509 *cert = SSL_CTX_get0_certificate(ctx);
  EVP_PKEY *key = SSL_CTX_get0_privatekey(ctx);
  STACK_OF(X509) *chain = NULL;

  /* A context without a certificate fails here with OpenSSL's own error
   * ("passed a null parameter"), as in Node. */
  if (SSL_CTX_get0_chain_certs(ctx, &chain) != 1 ||
      SSL_use_certificate(ssl, cert) != 1 || SSL_use_PrivateKey(ssl, key) != 1)
    return 0;
  return chain == NULL || SSL_set1_chain(ssl, chain) == 1;
}

/* Serves this connection with another context's certificate, key, chain
 * and trusted CAs. */
static int use_context(SSL *ssl, SSL_CTX *ctx) {
  STACK_OF(X509_NAME) * names;

  if (!handshake_use_key_cert(ssl, ctx))
    return 0;
  if (SSL_set1_verify_cert_store(ssl, SSL_CTX_get_cert_store(ctx)) != 1)
    return 0;
  names = SSL_dup_CA_list(SSL_CTX_get_client_CA_list(ctx));
  SSL_set_client_CA_list(ssl, names);
  return 1;
}

/* From Node 22 an SNI context without a certificate is passed over: the
 * handshake goes on with the server's own. */
static int passed_over(const connection_t *c, SSL_CTX *ctx) {
  return c->inst->node_major >= 22 && SSL_CTX_get0_certificate(ctx) == NULL;
}

int handshake_cert_done(connection_t *c, SSL_CTX *ctx) {
  int ok =
      ctx == NULL || passed_over(c, ctx) || use_context(c->session.ssl, ctx);

  c->cert_cb = CERT_CB_DONE;
  return ok;
}

/* Copies a JavaScript buffer result into OpenSSL's PSK buffer. */
static unsigned int copy_psk(connection_t *c, napi_value value,
                             unsigned char *psk, unsigned int max) {
  const char *data;
  size_t len;

  if (value == NULL || !util_get_bytes(c->env, value, &data, &len) || len > max)
    return 0;
  memcpy(psk, data, len);
  return (unsigned int)len;
}

/* A client's PSK: JavaScript's pskCallback(hint) gives the identity and
 * key, checked against OpenSSL's limits there. */
static unsigned int on_psk_client(SSL *ssl, const char *hint, char *identity,
                                  unsigned int max_identity, unsigned char *psk,
                                  unsigned int max_psk) {
  connection_t *c = SSL_get_app_data(ssl);
  napi_value args[3], result, key, name;
  size_t len = 0;

  if (c == NULL)
    return 0;
  args[0] = util_string(c->env, hint);
  args[1] = util_int(c->env, max_psk);
  args[2] = util_int(c->env, max_identity - 1);
  result = connection_call(c, CB_ONPSKCLIENT, 3, args);
  if (result == NULL || util_is_nullish(c->env, result) ||
      napi_get_named_property(c->env, result, "identity", &name) != napi_ok ||
      napi_get_named_property(c->env, result, "psk", &key) != napi_ok ||
      napi_get_value_string_utf8(c->env, name, identity, max_identity, &len) !=
          napi_ok)
    return 0;
  return copy_psk(c, key, psk, max_psk);
}

/* A server's PSK for the client's identity, from pskCallback. */
static unsigned int on_psk_server(SSL *ssl, const char *identity,
                                  unsigned char *psk, unsigned int max_psk) {
  connection_t *c = SSL_get_app_data(ssl);
  napi_value args[2];

  if (c == NULL)
    return 0;
  args[0] = util_string(c->env, identity);
  args[1] = util_int(c->env, max_psk);
  return copy_psk(c, connection_call(c, CB_ONPSKSERVER, 2, args), psk, max_psk);
}

void handshake_enable_psk(connection_t *c) {
  c->psk = 1;
  if (c->session.is_server)
    SSL_set_psk_server_callback(c->session.ssl, on_psk_server);
  else
    SSL_set_psk_client_callback(c->session.ssl, on_psk_client);
}

/* Handshakes after the first (TLS 1.2 renegotiation): a server reports
 * each start, for the renegotiation limits kept in JavaScript, and both
 * sides report each completion, as the first one is. */
static void on_info(const SSL *ssl, int where, int ret) {
  connection_t *c = SSL_get_app_data(ssl);
  napi_value now;

  (void)ret;
  if (c != NULL && (where & SSL_CB_HANDSHAKE_DONE) && c->session.is_server &&
      !c->session.handshake_done && c->secure_session == NULL &&
      SSL_version(ssl) == TLS1_3_VERSION)
    c->secure_session = SSL_SESSION_dup(SSL_get0_session(ssl));
  if (c == NULL || !c->session.handshake_done)
    return;
  if ((where & SSL_CB_HANDSHAKE_START) && c->session.is_server) {
    now = util_int(c->env, (int64_t)uv_now(c->inst->loop));
    connection_call(c, CB_ONHANDSHAKESTART, 1, &now);
  }
  /* Reported once OpenSSL has returned: JavaScript may renegotiate again. */
  if ((where & SSL_CB_HANDSHAKE_DONE) && SSL_version(ssl) < TLS1_3_VERSION &&
      !SSL_renegotiate_pending((SSL *)ssl))
    c->renegotiated = 1;
}

void handshake_watch_renegotiation(connection_t *c) {
  SSL_set_info_callback(c->session.ssl, on_info);
}

/* OCSP stapling: a server staples the response its application gave; a
 * client hands the stapled response (or null) to JavaScript. */
static int on_status(SSL *ssl, void *arg) {
  connection_t *c = SSL_get_app_data(ssl);
  const unsigned char *resp = NULL;
  napi_value value;
  long len;

  (void)arg;
  if (c == NULL)
    return SSL_is_server(ssl) ? SSL_TLSEXT_ERR_NOACK : 1;
  if (c->session.is_server) {
    if (c->ocsp_response == NULL)
      return SSL_TLSEXT_ERR_NOACK;
    SSL_set_tlsext_status_ocsp_resp(ssl, c->ocsp_response,
                                    (long)c->ocsp_response_len);
    c->ocsp_response = NULL; /* OpenSSL owns it now */
    return SSL_TLSEXT_ERR_OK;
  }
  len = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);
  if (resp == NULL || len <= 0)
    napi_get_null(c->env, &value);
  else
    value = util_buffer_copy(c->env, resp, (size_t)len);
  connection_call(c, CB_ONOCSPRESPONSE, 1, &value);
  return 1;
}

int handshake_set_ocsp_response(connection_t *c, const char *data, size_t len) {
  OPENSSL_free(c->ocsp_response);
  c->ocsp_response = OPENSSL_malloc(len > 0 ? len : 1);
  if (c->ocsp_response == NULL)
    return 0;
  memcpy(c->ocsp_response, data, len);
  c->ocsp_response_len = len;
  return 1;
}

/* NSS key log lines, for connections whose application listens. */
static void on_keylog(const SSL *ssl, const char *line) {
  connection_t *c = SSL_get_app_data(ssl);
  size_t len = strlen(line);
  napi_value buf;
  void *data;

  /* Turned on while a pool thread runs the handshake: that step's lines
   * are not reported (no JavaScript can be called from there). */
  if (c == NULL || !c->keylog || c->offload != NULL)
    return;
  if (napi_create_buffer(c->env, len + 1, &data, &buf) != napi_ok)
    return;
  memcpy(data, line, len);
  ((char *)data)[len] = '\n';
  connection_call(c, CB_ONKEYLOG, 1, &buf);
}

/* A server that has a servername callback acknowledges the client's SNI
 * and keeps the name in the session. */
static int accept_servername(SSL *ssl, int *alert, void *arg) {
  (void)ssl;
  (void)alert;
  (void)arg;
  return SSL_TLSEXT_ERR_OK;
}

void handshake_install(SSL_CTX *ctx, int acknowledge_sni) {
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
  if (acknowledge_sni)
    SSL_CTX_set_tlsext_servername_callback(ctx, accept_servername);
  SSL_CTX_set_keylog_callback(ctx, on_keylog);
  SSL_CTX_set_tlsext_status_cb(ctx, on_status);
  /* OpenSSL 3 refuses client renegotiation by default; Node allows it,
   * within CLIENT_RENEG_LIMIT per CLIENT_RENEG_WINDOW. */
  SSL_CTX_set_options(ctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
}
