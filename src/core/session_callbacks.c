/* OpenSSL's callbacks, installed by the session: each finds the session of
 * its SSL* and reports to the owner through the session's hooks. */

#include <assert.h>
#include <string.h>

#include "core/session_callbacks.h"

/* Hooks an owner leaves NULL are not called. */
#define HOOKED(s, name) ((s)->hooks != NULL && (s)->hooks->name != NULL)

static session_t *session_of(const SSL *ssl) {
  session_t *s = SSL_get_app_data(ssl);

  /* No hook is called from a pool thread: the session refuses those
   * steps whenever one could be. */
  assert(s == NULL || !session_has(s, SESSION_ON_POOL) ||
         (s->flags & SESSION_HOOKS_CALLING_OUT) == 0);
  return s;
}

/* The server's choice among the client's protocols: the owner's, or the
 * first of the server's own list the client offers. No overlap is a fatal
 * no_application_protocol alert. */
static int select_alpn(SSL *ssl, const unsigned char **out,
                       unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg) {
  session_t *s = session_of(ssl);
  unsigned char *chosen = NULL;

  (void)arg;
  if (s == NULL)
    return SSL_TLSEXT_ERR_NOACK;
  if (session_has(s, SESSION_HOOK_ALPN) && HOOKED(s, select_alpn)) {
    long offset = s->hooks->select_alpn(s, in, inlen);
    if (offset < 0 || (size_t)offset >= inlen ||
        in[offset] + (size_t)offset + 1 > inlen)
      return SSL_TLSEXT_ERR_ALERT_FATAL;
    *outlen = in[offset];
    *out = in + offset + 1;
    return SSL_TLSEXT_ERR_OK;
  }
  if (s->alpn == NULL)
    return SSL_TLSEXT_ERR_NOACK;
  if (SSL_select_next_proto(&chosen, outlen, s->alpn, (unsigned int)s->alpn_len,
                            in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

/* The server's certificate callback: the handshake waits here while the
 * owner picks the context for the client's server name, however long that
 * takes; session_choose_context() ends the wait. */
static int on_cert(SSL *ssl, void *arg) {
  session_t *s = arg;

  (void)ssl;
  if (session_has(s, SESSION_CONTEXT_CHOSEN) || !HOOKED(s, choose_context))
    return 1;
  session_enter(s, SESSION_WAIT_CONTEXT);
  s->flags |= SESSION_IN_CONTEXT_HOOK;
  s->hooks->choose_context(
      s, SSL_get_servername(s->ssl, TLSEXT_NAMETYPE_host_name),
      SSL_get_tlsext_status_type(s->ssl) == TLSEXT_STATUSTYPE_ocsp);
  s->flags &= ~SESSION_IN_CONTEXT_HOOK;
  return session_has(s, SESSION_CONTEXT_CHOSEN) ? 1 : -1;
}

static unsigned int on_psk_client(SSL *ssl, const char *hint, char *identity,
                                  unsigned int max_identity, unsigned char *psk,
                                  unsigned int max_psk) {
  session_t *s = session_of(ssl);

  if (s == NULL || max_identity == 0 || !HOOKED(s, psk_client))
    return 0;
  return (unsigned int)s->hooks->psk_client(s, hint, identity, max_identity,
                                            psk, max_psk);
}

static unsigned int on_psk_server(SSL *ssl, const char *identity,
                                  unsigned char *psk, unsigned int max_psk) {
  session_t *s = session_of(ssl);

  if (s == NULL || !HOOKED(s, psk_server))
    return 0;
  return (unsigned int)s->hooks->psk_server(s, identity, psk, max_psk);
}

/* Handshakes: a TLS 1.3 server keeps the session as it was when the
 * handshake completed; after the first, a server reports each start (for
 * the owner's renegotiation limits), and every completion is flagged for
 * the owner. */
static void on_info(const SSL *ssl, int where, int ret) {
  session_t *s = session_of(ssl);

  (void)ret;
  if (s == NULL)
    return;
  if ((where & SSL_CB_HANDSHAKE_DONE) && session_is_server(s) &&
      !session_handshake_done(s) && s->secure_session == NULL &&
      SSL_version(ssl) == TLS1_3_VERSION)
    s->secure_session = SSL_SESSION_dup(SSL_get0_session(ssl));
  if (!session_handshake_done(s))
    return;
  if ((where & SSL_CB_HANDSHAKE_START) && session_is_server(s) &&
      HOOKED(s, handshake_start))
    s->hooks->handshake_start(s);
  /* Reported once OpenSSL has returned: the owner may renegotiate again. */
  if ((where & SSL_CB_HANDSHAKE_DONE) && SSL_version(ssl) < TLS1_3_VERSION &&
      !SSL_renegotiate_pending((SSL *)ssl))
    s->flags |= SESSION_RENEGOTIATED;
}

/* OCSP stapling: a server staples the response its owner gave; a client
 * reports the stapled response (or none). */
static int on_status(SSL *ssl, void *arg) {
  session_t *s = session_of(ssl);
  const unsigned char *resp = NULL;
  long len;

  (void)arg;
  if (s == NULL)
    return SSL_is_server(ssl) ? SSL_TLSEXT_ERR_NOACK : 1;
  if (session_is_server(s)) {
    if (s->ocsp_response == NULL)
      return SSL_TLSEXT_ERR_NOACK;
    SSL_set_tlsext_status_ocsp_resp(ssl, s->ocsp_response,
                                    (long)s->ocsp_response_len);
    s->ocsp_response = NULL; /* OpenSSL owns it now */
    return SSL_TLSEXT_ERR_OK;
  }
  len = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);
  if (HOOKED(s, ocsp_response))
    s->hooks->ocsp_response(s, len > 0 ? resp : NULL,
                            len > 0 ? (size_t)len : 0);
  return 1;
}

static void on_keylog(const SSL *ssl, const char *line) {
  session_t *s = session_of(ssl);

  /* Turned on while a pool thread ran the step: not reported. */
  if (s != NULL && session_has(s, SESSION_HOOK_KEYLOG) &&
      !session_has(s, SESSION_ON_POOL) && HOOKED(s, keylog))
    s->hooks->keylog(s, line);
}

/* OpenSSL formats every secret of every handshake as text once its context
 * has a keylog callback: installed when a first session wants the lines,
 * and kept (the context's other sessions ignore them). Pool threads may
 * read the pointer meanwhile; either value is right for their sessions,
 * which have no keylog hook. */
static void install_keylog(SSL_CTX *ctx) {
  if (SSL_CTX_get_keylog_callback(ctx) != on_keylog)
    SSL_CTX_set_keylog_callback(ctx, on_keylog);
}

/* A server that has a servername callback acknowledges the client's SNI
 * and keeps the name in the session. */
static int accept_servername(SSL *ssl, int *alert, void *arg) {
  (void)ssl;
  (void)alert;
  (void)arg;
  return SSL_TLSEXT_ERR_OK;
}

/* A new session: a client's goes to the owner; a server's only when the
 * owner keeps its own cache. Never kept here. */
static int on_new_session(SSL *ssl, SSL_SESSION *sess) {
  session_t *s = session_of(ssl);

  if (s != NULL && HOOKED(s, new_session) &&
      (!session_is_server(s) || session_has(s, SESSION_HOOK_CACHE)))
    s->hooks->new_session(s, sess);
  return 0;
}

/* The client hello of a server that keeps its own session cache: a session
 * ID without a ticket waits for the owner's lookup (session_resume_with)
 * before OpenSSL asks for the session. */
static int on_client_hello(SSL *ssl, int *alert, void *arg) {
  session_t *s = session_of(ssl);
  const unsigned char *id = NULL, *ticket = NULL;
  size_t id_len, ticket_len = 0;

  (void)alert;
  (void)arg;
  if (s == NULL || !session_has(s, SESSION_HOOK_CACHE) ||
      session_has(s, SESSION_LOOKUP_DONE) || !HOOKED(s, find_session))
    return SSL_CLIENT_HELLO_SUCCESS;
  id_len = SSL_client_hello_get0_session_id(ssl, &id);
  SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_session_ticket, &ticket,
                            &ticket_len);
  if (id_len == 0 || ticket_len > 0) {
    s->flags |= SESSION_LOOKUP_DONE;
    return SSL_CLIENT_HELLO_SUCCESS;
  }
  session_enter(s, SESSION_WAIT_SESSION);
  s->hooks->find_session(s, id, id_len);
  return session_has(s, SESSION_LOOKUP_DONE) ? SSL_CLIENT_HELLO_SUCCESS
                                             : SSL_CLIENT_HELLO_RETRY;
}

/* OpenSSL asks for the session the client named: the owner's answer. */
static SSL_SESSION *on_get_session(SSL *ssl, const unsigned char *id,
                                   int id_len, int *copy) {
  session_t *s = session_of(ssl);
  SSL_SESSION *sess;

  (void)id;
  (void)id_len;
  *copy = 0;
  if (s == NULL || s->resumed == NULL)
    return NULL;
  sess = s->resumed;
  s->resumed = NULL;
  return sess; /* OpenSSL takes this reference */
}

void session_install_callbacks(SSL_CTX *ctx, int acknowledge_sni) {
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
  if (acknowledge_sni)
    SSL_CTX_set_tlsext_servername_callback(ctx, accept_servername);
  SSL_CTX_set_tlsext_status_cb(ctx, on_status);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  SSL_CTX_sess_set_get_cb(ctx, on_get_session);
  SSL_CTX_set_client_hello_cb(ctx, on_client_hello, NULL);
  SSL_CTX_set_info_callback(ctx, on_info);
  /* OpenSSL 3 refuses client renegotiation by default; the owner allows it
   * within its own limits. */
  SSL_CTX_set_options(ctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
}

/* Per-session callbacks, for the hooks the owner turns on. */
void session_install_hook(session_t *s, unsigned hook) {
  switch (hook) {
  case SESSION_HOOK_CONTEXT:
    SSL_set_cert_cb(s->ssl, on_cert, s);
    break;
  case SESSION_HOOK_KEYLOG:
    install_keylog(SSL_get_SSL_CTX(s->ssl));
    break;
  case SESSION_HOOK_PSK:
    if (session_is_server(s))
      SSL_set_psk_server_callback(s->ssl, on_psk_server);
    else
      SSL_set_psk_client_callback(s->ssl, on_psk_client);
    break;
  default:
    break;
  }
}
