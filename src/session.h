#ifndef UVTLS_SESSION_H
#define UVTLS_SESSION_H

/* The TLS state machine of one connection: ciphertext in, ciphertext out.
 * Knows nothing of sockets or of JavaScript. */

#include <stddef.h>
#include <openssl/ssl.h>

#include "bio.h"

typedef enum {
  SESSION_OK = 0,     /* progress made (handshake done / bytes read) */
  SESSION_WANT_INPUT, /* needs more ciphertext from the peer */
  SESSION_PAUSED,     /* waits for the application (a callback's answer) */
  SESSION_CLOSED,     /* the peer sent close_notify */
  SESSION_ERROR       /* fatal; the OpenSSL error queue says why */
} session_status_t;

typedef struct session {
  SSL *ssl;
  BIO *in;  /* ciphertext received from the peer */
  BIO *out; /* ciphertext to send to the peer */
  int is_server;
  int handshake_done;
  int shutdown_sent;
} session_t;

int session_init(session_t *s, SSL_CTX *ctx, int is_server);
void session_free(session_t *s);

/* Hands received ciphertext to the session. */
int session_feed(session_t *s, const char *data, size_t len);
/* Room to receive ciphertext in place, then how much arrived there. */
char *session_in_reserve(session_t *s, size_t len);
void session_in_commit(session_t *s, size_t n);
/* Discards received ciphertext (after the session failed). */
void session_drop_input(session_t *s);
/* Frees OpenSSL's record buffers when nothing is buffered in them; called
 * when a burst of traffic ends, so idle connections hold none. */
void session_release_buffers(session_t *s);
/* Drives the handshake: SESSION_OK once it completed. */
session_status_t session_handshake(session_t *s);
/* Decrypts into buf; *nread is set on SESSION_OK. */
session_status_t session_read(session_t *s, char *buf, size_t cap,
                              size_t *nread);
/* Bytes waiting inside: decrypted, plus ciphertext not yet processed. */
size_t session_input_size(const session_t *s);
/* True while decrypted bytes or unprocessed ciphertext wait inside. */
int session_has_input(const session_t *s);
/* Encrypts all of data into the outgoing buffer. */
session_status_t session_write(session_t *s, const char *data, size_t len);
/* Queues close_notify. */
void session_shutdown(session_t *s);

/* The ciphertext waiting to be sent, and its release once taken. */
size_t session_out_peek(session_t *s, const char **data);
void session_out_consume(session_t *s, size_t n);
/* The ciphertext waiting to be sent with the storage it is in, so that
 * what cannot be sent at once goes on without a copy; the storage comes
 * back through session_out_adopt() once it is sent. */
void session_out_take(session_t *s, bio_storage_t *out);
void session_out_adopt(session_t *s, char *base, size_t cap);
/* Frees the outgoing buffer's storage when nothing waits in it. */
void session_out_trim(session_t *s);

#endif
