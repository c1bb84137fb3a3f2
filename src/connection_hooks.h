#ifndef UVTLS_CONNECTION_HOOKS_H
#define UVTLS_CONNECTION_HOOKS_H

/* The session's hooks for a connection, to JavaScript. */

#include "connection.h"

extern const session_hooks_t connection_session_hooks;

/* Emits 'newSession' for the sessions a TLS 1.3 server made inside the
 * handshake step that completed it (Node reports the handshake first). */
void connection_emit_deferred_sessions(connection_t *c);
void connection_drop_deferred_sessions(connection_t *c);
/* A session serialized for JavaScript, or undefined. */
napi_value connection_session_to_js(napi_env env, SSL_SESSION *sess);

#endif
