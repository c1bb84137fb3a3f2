#include "core/session_cache.h"

#include <stdlib.h>
#include <string.h>

static void release(cached_session_t *e) {
  free(e->der);
  SSL_SESSION_free(e->session);
  e->der = NULL;
  e->len = 0;
  e->session = NULL;
}

void session_cache_put(session_cache_t *cache, const unsigned char *der,
                       size_t len, SSL_SESSION *session) {
  cached_session_t *e = &cache->entries[cache->next];
  unsigned char *copy = malloc(len);
  /* A copy: OpenSSL marks the session a connection used not resumable
   * when that connection ends without close_notify. */
  SSL_SESSION *own = SSL_SESSION_dup(session);

  if (copy == NULL || own == NULL) {
    free(copy);
    SSL_SESSION_free(own);
    return;
  }
  release(e);
  memcpy(copy, der, len);
  e->der = copy;
  e->len = len;
  e->session = own;
  cache->next = (cache->next + 1) % SESSION_CACHE_SIZE;
}

SSL_SESSION *session_cache_get(session_cache_t *cache, const unsigned char *der,
                               size_t len) {
  for (int i = 0; i < SESSION_CACHE_SIZE; i++) {
    cached_session_t *e = &cache->entries[i];
    if (e->session != NULL && e->len == len && memcmp(e->der, der, len) == 0)
      return SSL_SESSION_dup(e->session); /* shares the certificates */
  }
  return NULL;
}

void session_cache_clear(session_cache_t *cache) {
  for (int i = 0; i < SESSION_CACHE_SIZE; i++)
    release(&cache->entries[i]);
  cache->next = 0;
}
