#include "resumption.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <uv.h>

#include "connection.h"
#include "util.h"

/* The keys live with the SSL_CTX (ex data freed with it), not with the
 * JavaScript SecureContext, which may be collected first. */
static int keys_index = -1;
static uv_once_t keys_index_once = UV_ONCE_INIT;

static void free_keys(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                      long argl, void *argp) {
  (void)parent;
  (void)ad;
  (void)idx;
  (void)argl;
  (void)argp;
  OPENSSL_clear_free(ptr, TICKET_KEYS_LENGTH);
}

static void keys_index_init(void) {
  keys_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_keys);
}

const unsigned char *resumption_ticket_keys(SSL_CTX *ctx) {
  return SSL_CTX_get_ex_data(ctx, keys_index);
}

int resumption_set_ticket_keys(SSL_CTX *ctx, const unsigned char *keys) {
  unsigned char *own = SSL_CTX_get_ex_data(ctx, keys_index);

  if (own == NULL)
    return 0;
  memcpy(own, keys, TICKET_KEYS_LENGTH);
  return 1;
}

/* Seals and opens tickets with AES-128-CBC and HMAC-SHA256 under the
 * context's keys; a ticket under other keys means a full handshake. */
static int ticket_cb(SSL *ssl, unsigned char *name, unsigned char *iv,
                     EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac, int enc) {
  const unsigned char *keys = resumption_ticket_keys(SSL_get_SSL_CTX(ssl));
  OSSL_PARAM params[2];

  if (keys == NULL)
    return -1;
  params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                               (char *)"sha256", 0);
  params[1] = OSSL_PARAM_construct_end();
  if (enc) {
    memcpy(name, keys, 16);
    if (RAND_bytes(iv, 16) != 1 ||
        EVP_EncryptInit_ex(cipher, EVP_aes_128_cbc(), NULL, keys + 32, iv) !=
            1 ||
        EVP_MAC_init(mac, keys + 16, 16, params) != 1)
      return -1;
    return 1;
  }
  if (memcmp(name, keys, 16) != 0)
    return 0;
  if (EVP_MAC_init(mac, keys + 16, 16, params) != 1 ||
      EVP_DecryptInit_ex(cipher, EVP_aes_128_cbc(), NULL, keys + 32, iv) != 1)
    return -1;
  return 1;
}

napi_value resumption_session_to_js(napi_env env, SSL_SESSION *sess) {
  unsigned char *der = NULL;
  napi_value result;
  int len = i2d_SSL_SESSION(sess, &der);

  if (len <= 0) {
    napi_get_undefined(env, &result);
    return result;
  }
  result = util_buffer_copy(env, der, (size_t)len);
  OPENSSL_free(der);
  return result;
}

/* A client received a session (a TLS 1.3 ticket, or a TLS 1.2 session). */
static int on_new_session(SSL *ssl, SSL_SESSION *sess) {
  connection_t *c = SSL_get_app_data(ssl);
  napi_value arg;

  if (c == NULL || c->session.is_server)
    return 0;
  arg = resumption_session_to_js(c->env, sess);
  connection_call(c, CB_ONSESSION, 1, &arg);
  return 0; /* not kept: JavaScript has its serialized copy */
}

int resumption_install(SSL_CTX *ctx) {
  unsigned char *keys;

  uv_once(&keys_index_once, keys_index_init);
  keys = OPENSSL_malloc(TICKET_KEYS_LENGTH);
  if (keys == NULL || RAND_bytes(keys, TICKET_KEYS_LENGTH) != 1 ||
      SSL_CTX_set_ex_data(ctx, keys_index, keys) != 1) {
    OPENSSL_free(keys);
    return 0;
  }
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  return 1;
}
