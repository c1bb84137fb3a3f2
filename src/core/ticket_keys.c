#include "core/ticket_keys.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* The keys live with the SSL_CTX (ex data freed with it), not with the
 * JavaScript SecureContext, which may be collected first. A handshake step
 * on the thread pool reads them while setTicketKeys() may replace them on
 * the loop's thread: every access copies them under the lock. */
typedef struct ticket_keys {
  CRYPTO_RWLOCK *lock;
  unsigned char bytes[TICKET_KEYS_LENGTH];
} ticket_keys_t;

static int keys_index = -1;
static CRYPTO_ONCE keys_index_once = CRYPTO_ONCE_STATIC_INIT;

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
  CRYPTO_THREAD_lock_free(keys->lock);
  OPENSSL_clear_free(keys, sizeof(*keys));
}

static void keys_index_init(void) {
  keys_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_keys);
}

int ticket_keys_get(SSL_CTX *ctx, unsigned char *out) {
  ticket_keys_t *keys = SSL_CTX_get_ex_data(ctx, keys_index);

  if (keys == NULL)
    return 0;
  if (!CRYPTO_THREAD_read_lock(keys->lock))
    return 0;
  memcpy(out, keys->bytes, TICKET_KEYS_LENGTH);
  CRYPTO_THREAD_unlock(keys->lock);
  return 1;
}

int ticket_keys_set(SSL_CTX *ctx, const unsigned char *bytes) {
  ticket_keys_t *keys = SSL_CTX_get_ex_data(ctx, keys_index);

  if (keys == NULL)
    return 0;
  if (!CRYPTO_THREAD_write_lock(keys->lock))
    return 0;
  memcpy(keys->bytes, bytes, TICKET_KEYS_LENGTH);
  CRYPTO_THREAD_unlock(keys->lock);
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

  if (!ticket_keys_get(SSL_get_SSL_CTX(ssl), keys))
    return -1;
  ret = seal_or_open(keys, name, iv, cipher, mac, enc);
  OPENSSL_cleanse(keys, sizeof(keys));
  return ret;
}

int ticket_keys_install(SSL_CTX *ctx) {
  ticket_keys_t *keys;

  if (!CRYPTO_THREAD_run_once(&keys_index_once, keys_index_init) ||
      keys_index < 0)
    return 0;
  keys = OPENSSL_zalloc(sizeof(*keys));
  if (keys == NULL)
    return 0;
  if ((keys->lock = CRYPTO_THREAD_lock_new()) == NULL) {
    OPENSSL_free(keys);
    return 0;
  }
  if (RAND_bytes(keys->bytes, TICKET_KEYS_LENGTH) != 1 ||
      SSL_CTX_set_ex_data(ctx, keys_index, keys) != 1) {
    free_keys(NULL, keys, NULL, 0, 0, NULL);
    return 0;
  }
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb);
  return 1;
}
