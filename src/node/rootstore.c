#include "node/context.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <uv.h>

#include "node/errors.h"
#include "node/util.h"

/* One X509_STORE shared by every context of every thread in the process;
 * contexts take references to it, so it is parsed once. */
static X509_STORE *root_store;
static uv_mutex_t root_lock;
static uv_once_t root_lock_once = UV_ONCE_INIT;

static void root_lock_init(void) {
  uv_mutex_init(&root_lock);
}

static int add_pem(X509_STORE *store, const char *pem, size_t len) {
  BIO *bio = BIO_new_mem_buf(pem, (int)len);
  X509 *x509;
  int added = 0;

  if (bio == NULL)
    return 0;
  while ((x509 = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
    if (X509_STORE_add_cert(store, x509) == 1)
      added++;
    X509_free(x509);
  }
  BIO_free(bio);
  ERR_clear_error();
  return added;
}

static void store_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  X509_STORE_free(data);
}

/* A store of the PEM strings in `list`, with OpenSSL's default paths too
 * when `use_system`; NULL with an exception pending on failure. */
static X509_STORE *build_store(napi_env env, napi_value list, int use_system) {
  uint32_t count = 0;
  X509_STORE *store;

  if (napi_get_array_length(env, list, &count) != napi_ok) {
    util_throw_type(env, "ERR_INVALID_ARG_TYPE",
                    "root certificates must be an array");
    return NULL;
  }
  store = X509_STORE_new();
  if (store == NULL) {
    errors_throw_queue(env, "X509_STORE_new");
    return NULL;
  }
  if (use_system) {
    X509_STORE_set_default_paths(store);
    ERR_clear_error();
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    char *pem;
    if (napi_get_element(env, list, i, &item) != napi_ok)
      continue;
    pem = util_get_string(env, item);
    if (pem == NULL) {
      X509_STORE_free(store);
      return NULL;
    }
    add_pem(store, pem, strlen(pem));
    free(pem);
  }
  return store;
}

/* setRootCerts(array of PEM strings, useSystemStore[, separate]): builds
 * the process-wide store unless built; the system store is OpenSSL's
 * default paths. With `separate`, builds a store of its own instead and
 * returns it (an external that addRootCerts takes): the default roots of
 * one thread after tls.setDefaultCACertificates(). */
napi_value root_store_init(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3, argv, self);
  X509_STORE *store;

  (void)self;
  if (util_get_bool(env, argv[2])) {
    napi_value external;
    store = build_store(env, argv[0], util_get_bool(env, argv[1]));
    if (store == NULL)
      return NULL;
    if (napi_create_external(env, store, store_finalize, NULL, &external) !=
        napi_ok) {
      X509_STORE_free(store);
      return NULL;
    }
    return external;
  }

  uv_once(&root_lock_once, root_lock_init);
  uv_mutex_lock(&root_lock);
  if (root_store != NULL) {
    uv_mutex_unlock(&root_lock);
    return util_bool(env, 0);
  }
  uv_mutex_unlock(&root_lock);

  store = build_store(env, argv[0], util_get_bool(env, argv[1]));
  if (store == NULL)
    return NULL;

  uv_mutex_lock(&root_lock);
  if (root_store == NULL) {
    root_store = store;
    store = NULL;
  }
  uv_mutex_unlock(&root_lock);
  X509_STORE_free(store); /* another thread won the race */
  return util_bool(env, 1);
}

X509_STORE *root_store_get(void) {
  X509_STORE *store;

  uv_once(&root_lock_once, root_lock_init);
  uv_mutex_lock(&root_lock);
  store = root_store;
  uv_mutex_unlock(&root_lock);
  return store;
}
