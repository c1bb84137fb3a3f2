/* What the owner asks of an established session. */

#include <string.h>

#include <openssl/x509_vfy.h>

#include "core/session.h"

const SSL *session_peek(const session_t *s) {
  /* Nothing to report while a pool thread runs the handshake. */
  if (s->ssl == NULL || session_has(s, SESSION_ON_POOL))
    return NULL;
  return s->ssl;
}

SSL_SESSION *session_current(const session_t *s) {
  const SSL *ssl = session_peek(s);

  if (ssl == NULL)
    return NULL;
  if (s->secure_session != NULL)
    return s->secure_session;
  return SSL_get_session(ssl);
}

/* A peer without a certificate counts as unverified, except under PSK and
 * TLS 1.3 resumption (unless `strict`). */
long session_verify_result(const session_t *s, int strict) {
  const SSL *ssl = session_peek(s);
  const SSL_CIPHER *cipher;
  SSL_SESSION *sess;

  if (ssl == NULL)
    return X509_V_OK;
  if (SSL_get0_peer_certificate(ssl) != NULL)
    return SSL_get_verify_result(ssl);
  if (strict)
    return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT;
  cipher = SSL_get_current_cipher(ssl);
  sess = SSL_get_session(ssl);
  if ((cipher != NULL && SSL_CIPHER_get_auth_nid(cipher) == NID_auth_psk) ||
      (sess != NULL &&
       SSL_SESSION_get_protocol_version(sess) == TLS1_3_VERSION &&
       SSL_session_reused(ssl)))
    return X509_V_OK;
  return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT;
}

int session_export_keying_material(session_t *s, unsigned char *out, size_t len,
                                   const char *label,
                                   const unsigned char *context,
                                   size_t context_len, int use_context) {
  if (session_peek(s) == NULL)
    return 0;
  return SSL_export_keying_material(s->ssl, out, len, label, strlen(label),
                                    context, context_len, use_context) == 1;
}

EVP_PKEY *session_peer_key(session_t *s) {
  EVP_PKEY *key = NULL;

  if (session_peek(s) == NULL || SSL_get_peer_tmp_key(s->ssl, &key) != 1)
    return NULL;
  return key;
}

const char *session_group_name(session_t *s) {
  int nid;

  if (session_peek(s) == NULL)
    return NULL;
  nid = SSL_get_negotiated_group(s->ssl);
  return nid != 0 ? SSL_group_to_name(s->ssl, nid) : NULL;
}

int session_shared_sigalg(session_t *s, int i, int *sign_nid, int *hash_nid) {
  if (session_peek(s) == NULL)
    return 0;
  if (i < 0)
    return SSL_get_shared_sigalgs(s->ssl, 0, NULL, NULL, NULL, NULL, NULL);
  return SSL_get_shared_sigalgs(s->ssl, i, sign_nid, hash_nid, NULL, NULL,
                                NULL);
}
