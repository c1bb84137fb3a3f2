#ifndef UVTLS_TEST_HARNESS_H
#define UVTLS_TEST_HARNESS_H

/* Sessions driven against each other in memory: no sockets, no Node. The
 * ciphertext one side queues is handed to the other by pair_pump(). */

#include <stddef.h>
#include <stdio.h>

#include <openssl/ssl.h>

#include "core/session.h"

/* A self-signed certificate for "localhost" and its key (ECDSA P-256 or
 * RSA-2048), made once per process. */
typedef struct identity {
  EVP_PKEY *key;
  X509 *cert;
} identity_t;

/* KEY_ECDSA_OTHER: a second ECDSA identity, for a context of its own. */
typedef enum { KEY_ECDSA, KEY_RSA, KEY_ECDSA_OTHER } key_kind_t;

const identity_t *harness_identity(key_kind_t kind);

/* Contexts as the addon makes them, for one protocol version (0: any). */
SSL_CTX *harness_server_ctx(key_kind_t kind, int version);
SSL_CTX *harness_client_ctx(key_kind_t kind, int version);

typedef struct pair {
  session_t client;
  session_t server;
  session_status_t client_status;
  session_status_t server_status;
} pair_t;

int pair_init(pair_t *p, SSL_CTX *client_ctx, SSL_CTX *server_ctx);
int pair_init_hooked(pair_t *p, SSL_CTX *client_ctx, SSL_CTX *server_ctx,
                     const session_hooks_t *client_hooks,
                     const session_hooks_t *server_hooks);
void pair_free(pair_t *p);

/* Moves what `from` queued into `to`'s input; the byte count moved. */
size_t pair_transfer(session_t *from, session_t *to);
/* Steps both handshakes and carries their flights until neither moves:
 * 1 when both completed. At most `max_rounds` rounds. */
int pair_handshake(pair_t *p, int max_rounds);
/* Decrypts what `s` holds into buf; the byte count, or -1 on an error.
 * *status gets the last status. */
long session_drain(session_t *s, char *buf, size_t cap,
                   session_status_t *status);

/* A tiny test runner. */
extern int harness_failures;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      harness_fail(__FILE__, __LINE__, #cond);                                 \
      return;                                                                  \
    }                                                                          \
  } while (0)
void harness_fail(const char *file, int line, const char *what);
#define RUN(name, call)                                                        \
  do {                                                                         \
    int before = harness_failures;                                             \
    call;                                                                      \
    printf("%s %s\n", harness_failures == before ? "ok  " : "FAIL", name);     \
  } while (0)

#endif
