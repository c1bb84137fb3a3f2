#ifndef UVTLS_OFFLOAD_H
#define UVTLS_OFFLOAD_H

/* A server's first handshake step (the client hello in, the server's
 * flight out, with its signature: most of a full handshake's cost) runs on
 * the libuv thread pool, so that the event loop stays free for the
 * connections already established. Only for connections whose handshake
 * calls no JavaScript; the others run it on the loop as before. */

#include "connection.h"

/* Queues the step if the connection qualifies: 1 if queued (the result
 * comes back through the engine), 0 to run it here. */
int offload_handshake(connection_t *c);
/* The session in use on a pool thread must not be touched. */
int offload_busy(const connection_t *c);
/* Bytes that arrived for a session in use on a pool thread. */
int offload_defer_input(connection_t *c, const char *data, size_t len);

#endif
