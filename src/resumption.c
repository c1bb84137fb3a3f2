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
 * JavaScript SecureContext, which may be collected first. A handshake step
 * on the thread pool reads them while setTicketKeys() may replace them on
 * the loop's thread: every access copies them under the lock. */
typedef struct ticket_keys {
  uv_mutex_t lock;
  unsigned char bytes[TICKET_KEYS_LENGTH];
} ticket_keys_t;

static int keys_index = -1;
static uv_once_t keys_index_once = UV_ONCE_INIT;

static void free_keys(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                      long argl, void *argp) {
  ticket_keys_t *keys = ptr;

  (void)parent;
  (void)ad;
  (void)idx;
  (void)argl;
  (void)argp;
  if (keys == NULL)
    return;
  uv_mutex_destroy(&keys->lock);
  OPENSSL_clear_free(keys, sizeof(*keys));
}

static void keys_index_init(void) {
  keys_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_keys);
}

int resumption_ticket_keys(SSL_CTX *ctx, unsigned char *out) {
  ticket_keys_t *keys = SSL_CTX_get_ex_data(ctx, keys_index);

  if (keys == NULL)
    return 0;
  uv_mutex_lock(&keys->lock);
  memcpy(out, keys->bytes, TICKET_KEYS_LENGTH);
  uv_mutex_unlock(&keys->lock);
  return 1;
}

int resumption_set_ticket_keys(SSL_CTX *ctx, const unsigned char *bytes) {
  ticket_keys_t *keys = SSL_CTX_get_ex_data(ctx, keys_index);

  if (keys == NULL)
    return 0;
  uv_mutex_lock(&keys->lock);
  memcpy(keys->bytes, bytes, TICKET_KEYS_LENGTH);
  uv_mutex_unlock(&keys->lock);
  return 1;
}

/* Seals and opens tickets with AES-128-CBC and HMAC-SHA256 under the
 * context's keys; a ticket under other keys means a full handshake. */
static int seal_or_open(const unsigned char *keys, unsigned char *name,
                        unsigned char *iv, EVP_CIPHER_CTX *cipher,
                        EVP_MAC_CTX *mac, int enc) {
  OSSL_PARAM params[2];

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

static int ticket_cb(SSL *ssl, unsigned char *name, unsigned char *iv,
                     EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac, int enc) {
  unsigned char keys[TICKET_KEYS_LENGTH];
  int ret;

  if (!resumption_ticket_keys(SSL_get_SSL_CTX(ssl), keys))
    return -1;
  ret = seal_or_open(keys, name, iv, cipher, mac, enc);
  OPENSSL_cleanse(keys, sizeof(keys));
  return ret;
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

/* A client's session, serialized for JavaScript and kept parsed under
 * those bytes, for when the program offers it again. */
static napi_value client_session_to_js(connection_t *c, SSL_SESSION *sess) {
  unsigned char *der = NULL;
  napi_value result;
  int len = i2d_SSL_SESSION(sess, &der);

  if (len <= 0) {
    napi_get_undefined(c->env, &result);
    return result;
  }
  session_cache_put(&c->inst->sessions, der, (size_t)len, sess);
  result = util_buffer_copy(c->env, der, (size_t)len);
  OPENSSL_free(der);
  return result;
}

/* A server's session for 'newSession': its ID and the session itself. */
static void emit_new_session(connection_t *c, SSL_SESSION *sess) {
  napi_value args[2];
  const unsigned char *id;
  unsigned int id_len = 0;

  id = SSL_SESSION_get_id(sess, &id_len);
  args[0] = util_buffer_copy(c->env, id, id_len);
  args[1] = resumption_session_to_js(c->env, sess);
  /* Nothing more reaches the client until the application stored the
   * session (newSessionDone), so it cannot come back before that. */
  c->holding_output = 1;
  connection_call(c, CB_ONNEWSESSION, 2, args);
}

/* A new session: a client's (a TLS 1.3 ticket, or a TLS 1.2 session) goes
 * to 'session'; a server's, when the application keeps its own cache,
 * to 'newSession' with its ID. */
static int on_new_session(SSL *ssl, SSL_SESSION *sess) {
  connection_t *c = SSL_get_app_data(ssl);
  napi_value args[1];

  if (c == NULL)
    return 0;
  if (!c->session.is_server) {
    args[0] = client_session_to_js(c, sess);
    connection_call(c, CB_ONSESSION, 1, args);
    return 0; /* not kept: JavaScript has its serialized copy */
  }
  if (!c->session_callbacks)
    return 0;
  /* Made with the tickets of the step that completes a TLS 1.3 handshake:
   * emitted once that handshake is reported, as Node reports it first. */
  if (!c->session.handshake_done && SSL_version(ssl) == TLS1_3_VERSION &&
      c->deferred_count < (int)ARRAY_SIZE(c->deferred_sessions) &&
      SSL_SESSION_up_ref(sess) == 1) {
    c->deferred_sessions[c->deferred_count++] = sess;
    /* From Node 24 what the server sends waits from here on. */
    if (c->inst->node_major >= 24)
      c->holding_output = 1;
    return 0;
  }
  emit_new_session(c, sess);
  return 0;
}

void resumption_emit_deferred(connection_t *c) {
  for (int i = 0; i < c->deferred_count; i++) {
    SSL_SESSION *sess = c->deferred_sessions[i];
    c->deferred_sessions[i] = NULL;
    if (connection_alive(c))
      emit_new_session(c, sess);
    SSL_SESSION_free(sess);
  }
  c->deferred_count = 0;
}

void resumption_drop_deferred(connection_t *c) {
  for (int i = 0; i < c->deferred_count; i++)
    SSL_SESSION_free(c->deferred_sessions[i]);
  c->deferred_count = 0;
}

/* The ClientHello of a server that keeps its own session cache: a session
 * ID without a ticket waits for the application's 'resumeSession' answer
 * (resumption_load_session) before OpenSSL looks the session up. */
static int on_client_hello(SSL *ssl, int *alert, void *arg) {
  connection_t *c = SSL_get_app_data(ssl);
  const unsigned char *id = NULL, *ticket = NULL;
  size_t id_len, ticket_len = 0;
  napi_value args[1];

  (void)alert;
  (void)arg;
  if (c == NULL || !c->session_callbacks || c->resume_state == RESUME_DONE)
    return SSL_CLIENT_HELLO_SUCCESS;
  if (c->resume_state == RESUME_WAITING)
    return SSL_CLIENT_HELLO_RETRY;
  id_len = SSL_client_hello_get0_session_id(ssl, &id);
  SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_session_ticket, &ticket,
                            &ticket_len);
  if (id_len == 0 || ticket_len > 0) {
    c->resume_state = RESUME_DONE;
    return SSL_CLIENT_HELLO_SUCCESS;
  }
  c->resume_state = RESUME_WAITING;
  args[0] = util_buffer_copy(c->env, id, id_len);
  connection_call(c, CB_ONRESUMESESSION, 1, args);
  return c->resume_state == RESUME_DONE ? SSL_CLIENT_HELLO_SUCCESS
                                        : SSL_CLIENT_HELLO_RETRY;
}

/* OpenSSL asks for the session the client named: the one the application
 * gave, if any. */
static SSL_SESSION *on_get_session(SSL *ssl, const unsigned char *id,
                                   int id_len, int *copy) {
  connection_t *c = SSL_get_app_data(ssl);
  SSL_SESSION *sess;

  (void)id;
  (void)id_len;
  *copy = 0;
  if (c == NULL || c->resumed == NULL)
    return NULL;
  sess = c->resumed;
  c->resumed = NULL;
  return sess; /* OpenSSL takes this reference */
}

int resumption_load_session(connection_t *c, const char *data, size_t len) {
  const unsigned char *p = (const unsigned char *)data;

  SSL_SESSION_free(c->resumed);
  c->resumed = data != NULL ? d2i_SSL_SESSION(NULL, &p, (long)len) : NULL;
  ERR_clear_error();
  c->resume_state = RESUME_DONE;
  return c->resumed != NULL;
}

int resumption_install(SSL_CTX *ctx) {
  ticket_keys_t *keys;

  uv_once(&keys_index_once, keys_index_init);
  keys = OPENSSL_zalloc(sizeof(*keys));
  if (keys == NULL)
    return 0;
  if (uv_mutex_init(&keys->lock) != 0) {
    OPENSSL_free(keys);
    return 0;
  }
  if (RAND_bytes(keys->bytes, TICKET_KEYS_LENGTH) != 1 ||
      SSL_CTX_set_ex_data(ctx, keys_index, keys) != 1) {
    free_keys(NULL, keys, NULL, 0, 0, NULL);
    return 0;
  }
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  SSL_CTX_sess_set_get_cb(ctx, on_get_session);
  SSL_CTX_set_client_hello_cb(ctx, on_client_hello, NULL);
  return 1;
}
