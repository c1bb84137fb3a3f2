#ifndef UVTLS_TICKET_KEYS_H
#define UVTLS_TICKET_KEYS_H

/* The ticket keys of a context (48 bytes, as Node has them: name, HMAC
 * secret, AES key), safe to replace while handshakes on the thread pool
 * read them. */

#include <openssl/ssl.h>

#define TICKET_KEYS_LENGTH 48

/* Gives the context random ticket keys and the callback that uses them. */
int ticket_keys_install(SSL_CTX *ctx);
int ticket_keys_set(SSL_CTX *ctx, const unsigned char *keys);
/* Copies the context's 48 bytes of keys into `out`; 0 if it has none. */
int ticket_keys_get(SSL_CTX *ctx, unsigned char *out);

#endif
