#ifndef UVTLS_SESSION_CACHE_H
#define UVTLS_SESSION_CACHE_H

/* The client sessions lately handed to JavaScript, parsed, by their
 * serialized bytes: a program that offers a session again (`session`,
 * setSession) gets it without parsing it again, and parsing a session
 * (its peer certificate with it) is the dearest step of a resumed client
 * handshake. One per environment. */

#include <stddef.h>
#include <openssl/ssl.h>

#define SESSION_CACHE_SIZE 16

typedef struct cached_session {
  unsigned char *der;
  size_t len;
  SSL_SESSION *session;
} cached_session_t;

typedef struct session_cache {
  cached_session_t entries[SESSION_CACHE_SIZE];
  int next; /* the slot the next entry replaces */
} session_cache_t;

/* Keeps a copy of `session` under its serialized bytes. */
void session_cache_put(session_cache_t *cache, const unsigned char *der,
                       size_t len, SSL_SESSION *session);
/* A copy of the session with these bytes, the caller's, or NULL. */
SSL_SESSION *session_cache_get(session_cache_t *cache, const unsigned char *der,
                               size_t len);
void session_cache_clear(session_cache_t *cache);

#endif
