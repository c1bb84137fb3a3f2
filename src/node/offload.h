#ifndef UVTLS_OFFLOAD_H
#define UVTLS_OFFLOAD_H

/* A server's first handshake step (the client hello in, the server's
 * flight out, with its signature: most of a full handshake's cost) runs on
 * the libuv thread pool, so that the event loop stays free for the
 * connections already established. Only for sessions whose step calls no
 * hook (session_may_offload); the others run it on the loop as before. */

#include <uv.h>

#include "core/session.h"

typedef struct offload offload_t;

/* On the loop thread once the step ran: its status, and the ciphertext
 * that arrived meanwhile (for the session, after the step). */
typedef void (*offload_done_cb)(void *arg, session_status_t status,
                                const char *deferred, size_t deferred_len);

/* Whether a step should leave the loop: UVTLS_OFFLOAD, or by default
 * whether the loop serves other connections (`loop_busy`). */
int offload_wanted(int loop_busy);
/* Queues session_handshake(s) on the pool; NULL if it could not be. The
 * session must not be touched until `done`. */
offload_t *offload_start(uv_loop_t *loop, session_t *s, offload_done_cb done,
                         void *arg);
/* Bytes that arrived for the session while its step runs. */
int offload_defer_input(offload_t *o, const char *data, size_t len);

#endif
