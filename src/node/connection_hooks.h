#ifndef UVTLS_CONNECTION_HOOKS_H
#define UVTLS_CONNECTION_HOOKS_H

/* The session's hooks for a connection, to JavaScript. */

#include "node/connection.h"

extern const session_hooks_t connection_session_hooks;

#endif
