#ifndef UVTLS_HANDSHAKE_H
#define UVTLS_HANDSHAKE_H

/* Callbacks that OpenSSL calls during a handshake (ALPN selection, ...),
 * installed on every context and routed to the connection whose SSL* is
 * handshaking, and from there to JavaScript where the application
 * decides. */

#include <openssl/ssl.h>

void handshake_install(SSL_CTX *ctx);

#endif
