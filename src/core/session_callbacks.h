#ifndef UVTLS_SESSION_CALLBACKS_H
#define UVTLS_SESSION_CALLBACKS_H

/* Inside the session layer: the per-session OpenSSL callbacks. */

#include "core/session.h"

/* Installs what `hook` (a SESSION_HOOK_* flag) needs on the SSL. */
void session_install_hook(session_t *s, unsigned hook);

#endif
