#ifndef UVTLS_SESSION_JS_H
#define UVTLS_SESSION_JS_H

/* TLS sessions as JavaScript sees them: serialized bytes. */

#include <node_api.h>
#include <openssl/ssl.h>

/* The session serialized into a Buffer, or undefined. */
napi_value session_js_bytes(napi_env env, SSL_SESSION *sess);

#endif
