#ifndef UVTLS_HANDSHAKE_H
#define UVTLS_HANDSHAKE_H

/* Callbacks that OpenSSL calls during a handshake (ALPN selection, ...),
 * installed on every context and routed to the connection whose SSL* is
 * handshaking, and from there to JavaScript where the application
 * decides. */

#include <openssl/ssl.h>

#include "connection.h"

void handshake_install(SSL_CTX *ctx, int acknowledge_sni);

/* A server asks JavaScript (oncertcb) for the context to serve before it
 * answers the ClientHello. */
void handshake_enable_cert_cb(connection_t *c);
/* Pre-shared keys from JavaScript (onpskclient / onpskserver). */
void handshake_enable_psk(connection_t *c);

/* Reports renegotiations: a server's starts (onhandshakestart), and every
 * completion after the first (onhandshake). */
void handshake_watch_renegotiation(connection_t *c);

/* The OCSP response a server staples (copied). */
int handshake_set_ocsp_response(connection_t *c, const char *data, size_t len);

/* The answer: NULL keeps the current context. Returns 0 if the context
 * could not be used; the handshake goes on with the current one. */
int handshake_cert_done(connection_t *c, SSL_CTX *ctx);

/* Serves the connection with `ctx`'s certificate, key and chain (the
 * socket's setKeyCert()). 0 with OpenSSL's error queued if it cannot. */
int handshake_use_key_cert(SSL *ssl, SSL_CTX *ctx);

#endif
